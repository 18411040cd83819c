import { describe, expect, it } from 'vitest';
import { RetentionError, RetentionInputError } from '../core/errors';
import { cohortRetention, cohortRetentionAccumulator } from './cohortRetention';
import type { MetricEvent } from './inputs';

const DAY = 86_400_000;
const retained = (r: ReturnType<typeof cohortRetention>) =>
  r.cohorts.map((c) => [c.label, c.size, c.periods.map((p) => p.retained)]);

describe('cohortRetention', () => {
  it('puts each customer in the cohort of their first-ever start event, once', () => {
    const events: MetricEvent[] = [
      { customerId: 'a', type: 'purchase', at: '2026-02-10T10:00:00Z' },
      { customerId: 'a', type: 'purchase', at: '2026-01-10T10:00:00Z' },
      { customerId: 'a', type: 'purchase', at: '2026-03-10T10:00:00Z' },
    ];
    const r = cohortRetention(events, { granularity: 'month', asOf: '2026-03-31T00:00:00Z' });
    expect(retained(r)).toEqual([
      ['2026-01', 1, [1, 1, 1]],
      ['2026-02', 0, [0, 0]],
      ['2026-03', 0, [0]],
    ]);
    expect(r.cohorts[1]!.periods[0]!.rate).toBeNull();
  });

  it('marks the period containing asOf as in progress, and shows nothing after it', () => {
    const r = cohortRetention([{ customerId: 'a', type: 'login', at: '2026-01-05T00:00:00Z' }], {
      granularity: 'week',
      asOf: '2026-01-20T00:00:00Z',
    });
    expect(
      r.cohorts.map((c) => [c.label, c.inProgress, c.periods.map((p) => p.inProgress)]),
    ).toEqual([
      ['2026-01-05', false, [false, false, true]],
      ['2026-01-12', false, [false, true]],
      ['2026-01-19', true, [true]],
    ]);
    // asOf defaults to the latest event: its period is in progress
    expect(
      cohortRetention([{ customerId: 'a', type: 'x', at: '2026-01-05T00:00:00Z' }], {
        granularity: 'week',
      }).cohorts[0]!.inProgress,
    ).toBe(true);
  });

  it('cuts periods in the given time zone and week start', () => {
    // 20:00 UTC on 31 January is already 1 February in Tokyo.
    const events: MetricEvent[] = [
      { customerId: 'a', type: 'signup', at: '2026-01-10T00:00:00Z' },
      { customerId: 'a', type: 'login', at: '2026-01-31T20:00:00Z' },
    ];
    const options = {
      granularity: 'month',
      startEvent: 'signup',
      returnEvent: 'login',
      asOf: '2026-02-20T00:00:00Z',
    } as const;
    expect(retained(cohortRetention(events, options))[0]).toEqual(['2026-01', 1, [1, 0]]);
    expect(retained(cohortRetention(events, { ...options, timeZone: 'Asia/Tokyo' }))[0]).toEqual([
      '2026-01',
      1,
      [1, 1],
    ]);
    const sunday = cohortRetention([{ customerId: 'a', type: 'x', at: '2026-01-04T12:00:00Z' }], {
      granularity: 'week',
      weekStartsOn: 0,
    });
    expect(sunday.cohorts[0]!.label).toBe('2026-01-04');
  });

  it('counts the return event only, and period 0 as the whole cohort', () => {
    const events: MetricEvent[] = [
      { customerId: 'a', type: 'signup', at: '2026-01-01T00:00:00Z' },
      { customerId: 'a', type: 'email_opened', at: '2026-01-02T00:00:00Z' },
      { customerId: 'b', type: 'signup', at: '2026-01-01T00:00:00Z' },
      { customerId: 'b', type: 'login', at: '2026-01-02T00:00:00Z' },
    ];
    const r = cohortRetention(events, {
      granularity: 'day',
      startEvent: 'signup',
      returnEvent: 'login',
    });
    expect(retained(r)).toEqual([
      ['2026-01-01', 2, [2, 1]],
      ['2026-01-02', 0, [0]],
    ]);
  });

  it('limits cohorts with from and columns with periods', () => {
    const events: MetricEvent[] = [
      { customerId: 'old', type: 'x', at: '2026-01-05T00:00:00Z' },
      { customerId: 'new', type: 'x', at: '2026-02-05T00:00:00Z' },
      { customerId: 'new', type: 'x', at: '2026-04-05T00:00:00Z' },
    ];
    const r = cohortRetention(events, {
      granularity: 'month',
      from: '2026-02-01T00:00:00Z',
      periods: 2,
    });
    expect(retained(r)).toEqual([
      ['2026-02', 1, [1, 0]],
      ['2026-03', 0, [0, 0]],
      ['2026-04', 0, [0]],
    ]);
  });

  it('ignores events after asOf', () => {
    const r = cohortRetention(
      [
        { customerId: 'a', type: 'x', at: '2026-01-05T00:00:00Z' },
        { customerId: 'a', type: 'x', at: '2026-02-05T00:00:00Z' },
        { customerId: 'b', type: 'x', at: '2026-02-06T00:00:00Z' },
      ],
      { granularity: 'month', asOf: '2026-02-01T00:00:00Z' },
    );
    expect(retained(r)).toEqual([
      ['2026-01', 1, [1, 0]],
      ['2026-02', 0, [0]],
    ]);
  });

  it('returns an empty table on empty input', () => {
    expect(cohortRetention([], { granularity: 'day' })).toEqual({
      granularity: 'day',
      criterion: 'on',
      timeZone: 'UTC',
      asOf: null,
      cohorts: [],
    });
  });

  it('reports the documented errors', () => {
    expect(() => cohortRetention([], {} as never)).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: cohortRetention: options.granularity is required]`,
    );
    expect(() =>
      cohortRetention([], { granularity: 'fortnight' as never }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: cohortRetention: options.granularity is not one of the allowed values (expected day, week, month, quarter, year; received string)]`,
    );
    expect(() =>
      cohortRetention([], { granularity: 'day', criterion: 'rolling' as never }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: cohortRetention: options.criterion is not one of the allowed values (expected on, onOrAfter; received string)]`,
    );
    expect(() =>
      cohortRetention([], { granularity: 'day', periods: 0 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: cohortRetention: options.periods is out of range (expected an integer >= 1; received integer)]`,
    );
    expect(() =>
      cohortRetention([], { granularity: 'week', weekStartsOn: 7 as never }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: cohortRetention: options.weekStartsOn is out of range (expected an integer 0-6; received integer)]`,
    );
    expect(() =>
      cohortRetention([{ customerId: 'a', type: 'x', at: 'yesterday' }], { granularity: 'day' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: cohortRetention: events[0].at is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received string)]`,
    );
    const wide = () =>
      cohortRetention(
        [
          { customerId: 'a', type: 'x', at: Date.UTC(1990, 0, 1) },
          { customerId: 'b', type: 'x', at: Date.UTC(2026, 0, 1) },
        ],
        { granularity: 'day' },
      );
    expect(wide).toThrow(RetentionError);
    expect(wide).toThrowErrorMatchingInlineSnapshot(
      `[RetentionError: cohortRetention: the table would have more than 5000000 cells; choose a coarser granularity, options.from or options.periods]`,
    );
  });

  it('keeps one bit per customer and period: memory does not grow with repeated events', () => {
    const acc = cohortRetentionAccumulator({ granularity: 'day' });
    for (let i = 0; i < 20_000; i++)
      acc.add({ customerId: `c${i % 10}`, type: 'x', at: Date.UTC(2026, 0, 1) + (i % 30) * DAY });
    const snap = acc.snapshot();
    const customers = (snap.state as { customers: [string, number, number[]][] }).customers;
    expect(customers).toHaveLength(10);
    expect(customers.every(([, , keys]) => keys.length === 3)).toBe(true);
  });

  it('lists customers by id in its snapshot, whatever order their events came in', () => {
    const events = ['b', 'c', 'a', 'aa', 'B'].map((customerId, i) => ({
      customerId,
      type: 'x',
      at: Date.UTC(2026, 0, 1) + i * DAY,
    }));
    const ids = (list: typeof events) =>
      (
        cohortRetentionAccumulator({ granularity: 'month' }).addAll(list).snapshot().state as {
          customers: [string][];
        }
      ).customers.map(([id]) => id);
    expect(ids(events)).toEqual(['B', 'a', 'aa', 'b', 'c']);
    expect(ids([...events].reverse())).toEqual(['B', 'a', 'aa', 'b', 'c']);
  });

  it('rejects a snapshot whose period key is not an integer, naming its path', () => {
    const snap = cohortRetentionAccumulator({ granularity: 'month' })
      .add({ customerId: 'a', type: 'x', at: Date.UTC(2026, 0, 1) })
      .add({ customerId: 'a', type: 'x', at: Date.UTC(2026, 1, 1) })
      .snapshot();
    const state = snap.state as { latest: number; customers: [string, number, number[]][] };
    const [id, cohort, returns] = state.customers[0]!;
    const bad = (customer: [string, unknown, unknown[]]) => () =>
      cohortRetentionAccumulator({ granularity: 'month' }).merge({
        ...snap,
        state: { latest: state.latest, customers: [customer] },
      } as typeof snap);
    expect(bad([id, cohort + 0.5, returns])).toThrow(RetentionInputError);
    expect(bad([id, cohort + 0.5, returns])).toThrow(/state\.customers\[0\]\[1\]/);
    expect(bad([id, cohort, [1e12]])).toThrow(/state\.customers\[0\]\[2\]\[0\]/);
    expect(bad([id, null, []])).not.toThrow();
  });

  it('loses nothing when the iterable given to addAll adds to the same accumulator', () => {
    const events: MetricEvent[] = Array.from({ length: 300 }, (_, i) => ({
      customerId: `c${i % 37}`,
      type: i % 5 === 0 ? 'signup' : 'login',
      at: Date.UTC(2026, 0, 1) + i * DAY,
    }));
    const options = { granularity: 'month', startEvent: 'signup', returnEvent: 'login' } as const;
    const acc = cohortRetentionAccumulator(options);
    function* feed() {
      for (let i = 0; i < events.length; i++) {
        // every third event goes in through add() while addAll holds a block half staged
        if (i % 3 === 0) acc.add(events[i]!);
        else yield events[i]!;
      }
    }
    acc.addAll(feed());
    expect(acc.snapshot()).toEqual(cohortRetentionAccumulator(options).addAll(events).snapshot());
  });
});
