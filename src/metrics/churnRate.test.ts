import { describe, expect, it } from 'vitest';
import { RetentionError, RetentionInputError } from '../core/errors';
import type { Lifetime } from '../core/records';
import { churnRate, churnRateAccumulator } from './churnRate';

const from = Date.UTC(2026, 0, 1);
const to = Date.UTC(2026, 1, 1);
const DAY = 86_400_000;

describe('churnRate', () => {
  it("follows ChartMogul's standard formula: reactivated and joined-and-left customers are not churn", () => {
    // ChartMogul's example of its standard formula: 100 customers at the start; during the month
    // 12 customers churned, one of whom reactivated and one of whom had joined during the month.
    const lifetimes: Lifetime[] = [];
    for (let i = 0; i < 100; i++) {
      const churns = i < 11;
      lifetimes.push({
        customerId: `c${i}`,
        start: from - 90 * DAY,
        ...(churns ? { end: from + (i + 1) * DAY } : {}),
      });
    }
    lifetimes.push({ customerId: 'c0', start: from + 20 * DAY }); // c0 comes back
    lifetimes.push({ customerId: 'new', start: from + 3 * DAY, end: from + 9 * DAY });
    const churnedByTheBook = 12 - 1 - 1;
    const r = churnRate(lifetimes, { from, to });
    expect(r.rate).toBe(churnedByTheBook / 100);
    expect(r).toMatchObject({
      atStart: 100,
      churned: churnedByTheBook,
      newCustomers: 1,
      churnedNew: 1,
    });
  });

  it('adds new customers of the period to the denominator with startPlusNew (Stripe)', () => {
    const lifetimes: Lifetime[] = [
      { customerId: 'a', start: from - DAY },
      { customerId: 'b', start: from - DAY, end: from + DAY },
      { customerId: 'c', start: from + DAY },
      { customerId: 'd', start: from + DAY, end: from + 2 * DAY },
    ];
    const r = churnRate(lifetimes, { from, to, method: 'startPlusNew' });
    expect(r).toMatchObject({ atStart: 2, newCustomers: 2, churnedFromStart: 1, churnedNew: 1 });
    expect(r.denominator).toBe(r.atStart + r.newCustomers);
    expect(r.rate).toBe(r.churned / r.denominator);
    expect(r.churned).toBe(r.churnedFromStart + r.churnedNew);
  });

  it('divides by the average of the customers at the start and at the end with average', () => {
    const lifetimes: Lifetime[] = [
      { customerId: 'a', start: from - DAY, end: from + DAY },
      { customerId: 'b', start: from - DAY, end: from + DAY },
      { customerId: 'c', start: from + 2 * DAY },
    ];
    const r = churnRate(lifetimes, { from, to, method: 'average' });
    expect(r.denominator).toBe((r.atStart + r.atEnd) / 2);
    expect(r.rate).toBe(r.churned / r.denominator);
    // Not a proportion: most of the base was replaced within the period.
    expect(r.rate).toBeGreaterThan(1);
  });

  it('counts reactivations separately and never in a denominator', () => {
    const lifetimes: Lifetime[] = [
      { customerId: 'a', start: from - 60 * DAY, end: from - 30 * DAY },
      { customerId: 'a', start: from + 5 * DAY },
    ];
    for (const method of ['start', 'startPlusNew', 'average'] as const) {
      const r = churnRate(lifetimes, { from, to, method });
      expect(r).toMatchObject({ reactivated: 1, atStart: 0, newCustomers: 0, churned: 0 });
    }
  });

  it('reads activity at an instant as start <= t < end', () => {
    const lifetimes: Lifetime[] = [
      { customerId: 'starts-at-from', start: from },
      { customerId: 'ends-at-from', start: from - DAY, end: from },
      { customerId: 'ends-at-to', start: from - DAY, end: to },
      { customerId: 'starts-at-to', start: to },
    ];
    const r = churnRate(lifetimes, { from, to });
    expect(r).toMatchObject({
      atStart: 2,
      atEnd: 2,
      churnedFromStart: 1,
      newCustomers: 1,
      churnedNew: 0,
    });
  });

  it('accepts every instant form and treats a missing end as still active', () => {
    const r = churnRate(
      [
        { customerId: 'a', start: new Date(from - DAY) },
        { customerId: 'b', start: '2025-12-01T00:00:00+01:00', end: '2026-01-15' },
      ],
      { from: '2026-01-01', to: new Date(to) },
    );
    expect(r).toMatchObject({ atStart: 2, churned: 1, rate: 0.5 });
  });

  it('returns a null rate with zero counts on empty input, for every method', () => {
    for (const method of ['start', 'startPlusNew', 'average'] as const) {
      expect(churnRate([], { from, to, method })).toEqual({
        method,
        rate: null,
        churned: 0,
        denominator: 0,
        atStart: 0,
        atEnd: 0,
        churnedFromStart: 0,
        newCustomers: 0,
        churnedNew: 0,
        reactivated: 0,
      });
    }
  });

  it('reports bad lifetimes with their index and path', () => {
    const run = (l: unknown) =>
      churnRate([{ customerId: 'ok', start: from }, l as Lifetime], { from, to });
    expect(() => run({ customerId: 'a', start: to, end: from })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: churnRate: lifetimes[1].end is out of order: the end is before the start]`,
    );
    expect(() => run({ customerId: 'a', start: 'yesterday' })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: churnRate: lifetimes[1].start is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received string)]`,
    );
    expect(() =>
      run({ customerId: 'a', start: '2026-01-01T10:00:00' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: churnRate: lifetimes[1].start is an ISO-8601 date-time without a UTC offset (expected a trailing Z or ±hh:mm; received string)]`,
    );
    expect(() =>
      run({ customerId: 'a', start: from, end: Number.NaN }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: churnRate: lifetimes[1].end is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received NaN)]`,
    );
    expect(() => run({ start: from })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: churnRate: lifetimes[1].customerId is required]`,
    );
    expect(() => run({ customerId: 42, start: from })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: churnRate: lifetimes[1].customerId has the wrong type (expected a non-empty string; received integer)]`,
    );
    expect(() => run(null)).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: churnRate: lifetimes[1] has the wrong type (expected an object; received null)]`,
    );
    let caught: unknown;
    try {
      run({ customerId: 'a', start: to, end: from });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RetentionInputError);
    expect((caught as RetentionInputError).index).toBe(1);
    expect((caught as RetentionInputError).path).toEqual([1, 'end']);
  });

  it('rejects bad options', () => {
    expect(() => churnRate([], { from: to, to: from })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: churnRate: options.to is not a valid period: the end must be after the start]`,
    );
    expect(() => churnRate([], { to } as never)).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: churnRate: options.from is required]`,
    );
    expect(() =>
      churnRate([], { from, to, method: 'stripe' as never }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: churnRate: options.method is not one of the allowed values (expected start, startPlusNew, average; received string)]`,
    );
    expect(() => churnRate(42 as never, { from, to })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: churnRate: lifetimes has the wrong type (expected an iterable; received integer)]`,
    );
  });

  it('streams from any iterable, in one pass', () => {
    let pulls = 0;
    function* lifetimes(): Generator<Lifetime> {
      for (let i = 0; i < 1000; i++) {
        pulls++;
        yield {
          customerId: `c${i}`,
          start: from - DAY,
          ...(i % 4 === 0 ? { end: from + DAY } : {}),
        };
      }
    }
    expect(churnRate(lifetimes(), { from, to }).rate).toBe(0.25);
    expect(pulls).toBe(1000);
  });
});

describe('churnRateAccumulator', () => {
  it('refuses to merge partitions computed with other options or by another calculator', () => {
    const acc = churnRateAccumulator({ from, to });
    expect(() =>
      acc.merge(churnRateAccumulator({ from, to, method: 'average' })),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionError: churnRateAccumulator: cannot merge partitions computed with different options]`,
    );
    expect(() =>
      acc.merge({ kind: 'retention-kit/nps', version: 1, options: {}, state: {} }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: churnRateAccumulator: snapshot.kind has an invalid value (expected a snapshot of retention-kit/churnRate; received another kind)]`,
    );
    const snap = churnRateAccumulator({ from, to }).snapshot();
    expect(() =>
      acc.merge({ ...snap, state: { customers: [['a', 'x', null]] } }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: churnRateAccumulator: snapshot.state.customers[0][1] has an invalid value (expected a finite number; received string)]`,
    );
    expect(() => acc.merge('nope' as never)).toThrow(RetentionError);
  });

  it('names the index of a bad record counted from the first record added', () => {
    const acc = churnRateAccumulator({ from, to });
    acc.add({ customerId: 'a', start: from }).addAll([{ customerId: 'b', start: from }]);
    expect(() => acc.add({ customerId: 'c', start: 'soon' })).toThrow(/lifetimes\[2\]\.start/);
  });

  it('snapshots are plain JSON without the lifetimes themselves', () => {
    const acc = churnRateAccumulator({ from, to }).addAll([
      { customerId: 'a', start: from - DAY },
      { customerId: 'a', start: from + DAY, end: from + 2 * DAY },
    ]);
    const snap = acc.snapshot();
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
    expect(snap.state).toEqual({ customers: [['a', 1 | 2 | 4, from - DAY]] });
  });
});
