import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMergeable, assertPure } from '../../test/helpers/contracts';
import { arbCuts, arbOrderKeys, DAY, reorder, useMediumSizes } from '../../test/helpers/metrics';
import { referenceKaplanMeier, referenceObserved } from '../../test/helpers/survivalReference';
import { toInstant } from '../core/instant';
import { arbOrders } from '../testing/arbitraries';
import type { MetricOrder } from './inputs';
import { repeatPurchaseRate, repeatPurchaseRateAccumulator } from './repeatPurchaseRate';
import { timeToSecondPurchase, timeToSecondPurchaseAccumulator } from './timeToSecondPurchase';

useMediumSizes();

const MIN = Date.UTC(2026, 0, 1);
const arbCase = fc.record({
  orders: fc.oneof<fc.Arbitrary<MetricOrder[]>[]>(
    arbOrders({ min: MIN, max: MIN + 300 * DAY, customers: 10, maxLength: 50 }),
    arbOrders({ min: MIN, max: MIN + 3 * DAY, customers: 6, maxLength: 30 }).map((os) =>
      os.map((o) => ({ ...o, at: MIN + (((o.at as number) - MIN) % 3) * DAY })),
    ),
  ),
  within: fc.integer({ min: 1, max: 120 }).map((d) => d * DAY),
  asOf: fc.option(fc.integer({ min: MIN, max: MIN + 320 * DAY }), { nil: undefined }),
});

/** First and second order of each customer, by sorting their orders. */
function firstTwo(orders: readonly MetricOrder[], asOf: number | undefined) {
  const by = new Map<string, number[]>();
  for (const o of orders) {
    const at = toInstant(o.at);
    if (asOf !== undefined && at > asOf) continue;
    by.set(o.customerId, [...(by.get(o.customerId) ?? []), at]);
  }
  return [...by.values()]
    .map((ts) => ts.sort((a, b) => a - b))
    .map((ts) => ({ first: ts[0]!, second: ts[1] }));
}

describe('repeatPurchaseRate properties', () => {
  it('equals the plain definition, within [0, 1]', () => {
    fc.assert(
      fc.property(arbCase, ({ orders, within, asOf }) => {
        const r = repeatPurchaseRate(orders, { within, ...(asOf === undefined ? {} : { asOf }) });
        const cs = firstTwo(orders, asOf);
        const repeated = cs.filter(
          (c) => c.second !== undefined && c.second < c.first + within,
        ).length;
        const pending = cs.filter(
          (c) =>
            !(c.second !== undefined && c.second < c.first + within) &&
            asOf !== undefined &&
            c.first + within > asOf,
        ).length;
        expect(r).toEqual({
          rate: cs.length - pending > 0 ? repeated / (cs.length - pending) : null,
          repeated,
          customers: cs.length,
          pending,
        });
        if (r.rate !== null) expect(r.rate >= 0 && r.rate <= 1).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on order, does not mutate, is time-shift invariant, and merges', () => {
    fc.assert(
      fc.property(
        arbCase,
        arbOrderKeys,
        fc.integer({ min: -3000 * DAY, max: 3000 * DAY }),
        arbCuts,
        ({ orders, within, asOf }, keys, delta, cuts) => {
          const options = { within, ...(asOf === undefined ? {} : { asOf }) };
          const expected = assertPure(repeatPurchaseRate, orders, options);
          expect(repeatPurchaseRate(reorder(orders, keys), options)).toEqual(expected);
          const moved = orders.map((o) => ({ ...o, at: (o.at as number) + delta }));
          expect(
            repeatPurchaseRate(moved, {
              within,
              ...(asOf === undefined ? {} : { asOf: asOf + delta }),
            }),
          ).toEqual(expected);
          expect(
            assertMergeable(() => repeatPurchaseRateAccumulator(options), orders, cuts),
          ).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('timeToSecondPurchase properties', () => {
  it('equals a plain Kaplan-Meier with one-time buyers censored at asOf', () => {
    fc.assert(
      fc.property(arbCase, ({ orders, asOf }) => {
        const r = timeToSecondPurchase(orders, asOf === undefined ? {} : { asOf });
        const cs = firstTwo(orders, asOf);
        const now = asOf ?? Math.max(...orders.map((o) => toInstant(o.at)));
        const obs = cs.map((c) =>
          c.second === undefined
            ? { duration: now - c.first, reached: false }
            : { duration: c.second - c.first, reached: true },
        );
        const km = referenceKaplanMeier(obs);
        expect([r.customers, r.reached]).toEqual([cs.length, obs.filter((o) => o.reached).length]);
        expect([r.median, r.p75, r.p90]).toEqual([km.median, km.p75, km.p90]);
        if (km.mean === null) expect(r.mean).toBeNull();
        else expect(r.mean!).toBeCloseTo(km.mean, 3);
        const observed = referenceObserved(obs.filter((o) => o.reached).map((o) => o.duration));
        expect(r.amongReached.median).toBe(observed.median);
        expect(r.amongReached.p90).toBe(observed.p90);
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on order, does not mutate, is time-shift invariant, and merges', () => {
    fc.assert(
      fc.property(
        arbCase,
        arbOrderKeys,
        fc.integer({ min: -3000 * DAY, max: 3000 * DAY }),
        arbCuts,
        ({ orders, asOf }, keys, delta, cuts) => {
          const options = asOf === undefined ? {} : { asOf };
          const expected = assertPure(timeToSecondPurchase, orders, options);
          expect(timeToSecondPurchase(reorder(orders, keys), options)).toEqual(expected);
          const moved = orders.map((o) => ({ ...o, at: (o.at as number) + delta }));
          const shifted = timeToSecondPurchase(
            moved,
            asOf === undefined ? {} : { asOf: asOf + delta },
          );
          expect({ ...shifted, asOf: shifted.asOf === null ? null : shifted.asOf - delta }).toEqual(
            expected,
          );
          expect(
            assertMergeable(() => timeToSecondPurchaseAccumulator(options), orders, cuts),
          ).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
