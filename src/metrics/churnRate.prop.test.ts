import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMergeable, assertPure } from '../../test/helpers/contracts';
import {
  arbCuts,
  arbOrderKeys,
  DAY,
  reorder,
  shift,
  useMediumSizes,
} from '../../test/helpers/metrics';
import { toInstant } from '../core/instant';
import type { Lifetime } from '../core/records';
import { arbLifetimes } from '../testing/arbitraries';
import {
  type ChurnRateMethod,
  type ChurnRateResult,
  churnRate,
  churnRateAccumulator,
} from './churnRate';

useMediumSizes();

const MIN = Date.UTC(2025, 0, 1);
const MAX = Date.UTC(2027, 0, 1);
const methods = fc.constantFrom<ChurnRateMethod>('start', 'startPlusNew', 'average');

/** Lifetimes and a period whose ends often coincide with a start or an end (the edge cases). */
const arbCase = arbLifetimes({ min: MIN, max: MAX, customers: 12, maxLength: 50 }).chain(
  (lifetimes) => {
    const instants = lifetimes.flatMap((l) => [
      toInstant(l.start),
      ...(l.end === undefined ? [] : [toInstant(l.end)]),
    ]);
    const point =
      instants.length > 0
        ? fc.oneof(fc.constantFrom(...instants), fc.integer({ min: MIN, max: MAX }))
        : fc.integer({ min: MIN, max: MAX });
    return fc.record({
      lifetimes: fc.constant(lifetimes),
      from: point,
      length: fc.oneof(
        fc.integer({ min: 1, max: 400 * DAY }),
        point.map((p) => Math.abs(p - MIN) + 1),
      ),
    });
  },
);

/** The definition, written plainly: per customer, is there a lifetime covering t? */
function reference(
  lifetimes: readonly Lifetime[],
  from: number,
  to: number,
  method: ChurnRateMethod,
): ChurnRateResult {
  const ids = [...new Set(lifetimes.map((l) => l.customerId))];
  const spans = (id: string) =>
    lifetimes
      .filter((l) => l.customerId === id)
      .map((l) => ({
        start: toInstant(l.start),
        end: l.end === undefined ? Infinity : toInstant(l.end),
      }));
  const activeAt = (id: string, t: number) => spans(id).some((s) => s.start <= t && t < s.end);
  const firstStart = (id: string) => Math.min(...spans(id).map((s) => s.start));
  const base = ids.filter((id) => activeAt(id, from));
  const fresh = ids.filter((id) => firstStart(id) > from && firstStart(id) <= to);
  const reactivated = ids.filter(
    (id) =>
      !activeAt(id, from) &&
      firstStart(id) <= from &&
      spans(id).some((s) => s.start > from && s.start <= to),
  );
  const atEnd = ids.filter((id) => activeAt(id, to)).length;
  const churnedFromStart = base.filter((id) => !activeAt(id, to)).length;
  const churnedNew = fresh.filter((id) => !activeAt(id, to)).length;
  const churned = method === 'start' ? churnedFromStart : churnedFromStart + churnedNew;
  const denominator =
    method === 'start'
      ? base.length
      : method === 'startPlusNew'
        ? base.length + fresh.length
        : (base.length + atEnd) / 2;
  return {
    method,
    rate: denominator > 0 ? churned / denominator : null,
    churned,
    denominator,
    atStart: base.length,
    atEnd,
    churnedFromStart,
    newCustomers: fresh.length,
    churnedNew,
    reactivated: reactivated.length,
  };
}

describe('churnRate properties', () => {
  it('equals the plain definition on random lifetimes', () => {
    fc.assert(
      fc.property(arbCase, methods, ({ lifetimes, from, length }, method) => {
        const to = from + length;
        expect(churnRate(lifetimes, { from, to, method })).toEqual(
          reference(lifetimes, from, to, method),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('gives proportions in [0, 1] for start and startPlusNew, and a rate >= 0 for average', () => {
    fc.assert(
      fc.property(arbCase, methods, ({ lifetimes, from, length }, method) => {
        const r = churnRate(lifetimes, { from, to: from + length, method });
        if (r.rate === null) {
          expect(r.denominator).toBe(0);
          return;
        }
        expect(Number.isFinite(r.rate)).toBe(true);
        expect(r.rate).toBeGreaterThanOrEqual(0);
        if (method !== 'average') expect(r.rate).toBeLessThanOrEqual(1);
        expect(r.churned).toBeLessThanOrEqual(r.atStart + r.newCustomers);
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order of lifetimes, and does not mutate them', () => {
    fc.assert(
      fc.property(arbCase, methods, arbOrderKeys, ({ lifetimes, from, length }, method, keys) => {
        const options = { from, to: from + length, method };
        const expected = assertPure(churnRate, lifetimes, options);
        expect(churnRate(reorder(lifetimes, keys), options)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('is invariant when every instant moves by the same amount', () => {
    fc.assert(
      fc.property(
        arbCase,
        methods,
        fc.integer({ min: -5000 * DAY, max: 5000 * DAY }),
        ({ lifetimes, from, length }, method, delta) => {
          const moved = lifetimes.map((l) => ({
            customerId: l.customerId,
            start: shift(l.start, delta),
            ...(l.end === undefined ? {} : { end: shift(l.end, delta) }),
          }));
          expect(
            churnRate(moved, { from: from + delta, to: from + length + delta, method }),
          ).toEqual(churnRate(lifetimes, { from, to: from + length, method }));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('merges partitions, live or through JSON, to the one-pass answer', () => {
    fc.assert(
      fc.property(arbCase, methods, arbCuts, ({ lifetimes, from, length }, method, cuts) => {
        const options = { from, to: from + length, method };
        const merged = assertMergeable(() => churnRateAccumulator(options), lifetimes, cuts);
        expect(merged).toEqual(churnRate(lifetimes, options));
      }),
      { numRuns: 200 },
    );
  });
});
