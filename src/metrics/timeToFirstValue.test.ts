import { describe, expect, it } from 'vitest';
import { timeToFirstValue, timeToFirstValueAccumulator } from './timeToFirstValue';

const DAY = 86_400_000;
const t0 = Date.UTC(2026, 0, 1);
const options = { start: 'signup', value: 'report_created', asOf: t0 + 30 * DAY };

describe('timeToFirstValue', () => {
  it('treats customers still waiting as censored: the median moves up, it is not computed without them', () => {
    const reachedFast = [1, 1, 2].map((d, i) => [
      { customerId: `r${i}`, type: 'signup', at: t0 },
      { customerId: `r${i}`, type: 'report_created', at: t0 + d * DAY },
    ]);
    const waiting = [0, 1, 2].map((i) => ({ customerId: `w${i}`, type: 'signup', at: t0 }));
    const r = timeToFirstValue([...reachedFast.flat(), ...waiting], options);
    expect(r).toMatchObject({ customers: 6, reached: 3, censored: 3 });
    // Three of six reached value by day 2, and the other three are still waiting: the
    // Kaplan-Meier median is day 2, and p75 and p90 cannot be known yet.
    expect(r.median).toBe(2 * DAY);
    expect(r.p75).toBeNull();
    expect(r.p90).toBeNull();
    // Among those who reached it the median is day 1: dropping the waiting would flatter.
    expect(r.amongReached.median).toBe(1 * DAY);
    expect(r.amongReached.mean).toBe((4 / 3) * DAY);
  });

  it('uses the first start and the first value event of each customer', () => {
    const r = timeToFirstValue(
      [
        { customerId: 'a', type: 'report_created', at: t0 + 5 * DAY },
        { customerId: 'a', type: 'signup', at: t0 + DAY },
        { customerId: 'a', type: 'report_created', at: t0 + 3 * DAY },
        { customerId: 'a', type: 'signup', at: t0 + 2 * DAY },
      ],
      options,
    );
    expect(r.amongReached.median).toBe(2 * DAY);
  });

  it('counts a value event before the start as value at the start, and value without a start apart', () => {
    const r = timeToFirstValue(
      [
        { customerId: 'a', type: 'report_created', at: t0 },
        { customerId: 'a', type: 'signup', at: t0 + DAY },
        { customerId: 'b', type: 'report_created', at: t0 },
      ],
      options,
    );
    expect(r).toMatchObject({
      customers: 1,
      reached: 1,
      valueBeforeStart: 1,
      withoutStart: 1,
      median: 0,
    });
  });

  it('ignores events after asOf and accepts several event types', () => {
    const r = timeToFirstValue(
      [
        { customerId: 'a', type: 'first_login', at: t0 },
        { customerId: 'a', type: 'integration_connected', at: t0 + 40 * DAY },
        { customerId: 'b', type: 'signup', at: t0 + 31 * DAY },
      ],
      {
        start: ['signup', 'first_login'],
        value: ['report_created', 'integration_connected'],
        asOf: t0 + 30 * DAY,
      },
    );
    expect(r).toMatchObject({
      customers: 1,
      reached: 0,
      censored: 1,
      median: null,
      mean: 30 * DAY,
    });
  });

  it('returns null summaries with zero counts on empty input', () => {
    const empty = { median: null, p75: null, p90: null, mean: null };
    expect(timeToFirstValue([], options)).toEqual({
      customers: 0,
      reached: 0,
      censored: 0,
      ...empty,
      amongReached: empty,
      valueBeforeStart: 0,
      withoutStart: 0,
    });
  });

  it('reports the documented errors', () => {
    expect(() =>
      timeToFirstValue([], { start: 'signup', value: 'x' } as never),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: timeToFirstValue: options.asOf is required]`,
    );
    expect(() =>
      timeToFirstValue([], { ...options, value: [] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: timeToFirstValue: options.value has an invalid value (expected an event type or a non-empty list of event types; received array)]`,
    );
    expect(() =>
      timeToFirstValue([{ customerId: 'a', type: 'signup', at: '2026-01-01T25:00:00Z' }], options),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: timeToFirstValue: events[0].at is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received string)]`,
    );
    expect(() =>
      timeToFirstValue([{ customerId: 'a', type: '', at: t0 }], options),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: timeToFirstValue: events[0].type has the wrong type (expected a non-empty string; received empty string)]`,
    );
    expect(() =>
      timeToFirstValueAccumulator(options).merge(
        timeToFirstValueAccumulator({ ...options, asOf: t0 }),
      ),
    ).toThrow(/different options/);
  });
});
