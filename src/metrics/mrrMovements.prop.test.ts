import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMergeable, assertPure } from '../../test/helpers/contracts';
import { arbCuts, arbOrderKeys, DAY, reorder, useMediumSizes } from '../../test/helpers/metrics';
import { arbRevenueCase, referenceMovements } from '../../test/helpers/mrrReference';
import type { MrrChange } from '../core/records';
import { arbMrrChanges } from '../testing/arbitraries';
import { mrrMovements, mrrMovementsAccumulator } from './mrrMovements';

useMediumSizes();

describe('mrrMovements properties', () => {
  it('equals the plain definition on random histories', () => {
    fc.assert(
      fc.property(arbRevenueCase, ({ changes, from, to }) => {
        const m = mrrMovements(changes, { from, to });
        const ref = referenceMovements(changes, from, to);
        expect({
          startingMrr: m.startingMrr,
          endingMrr: m.endingMrr,
          customersAtStart: m.customersAtStart,
          customersAtEnd: m.customersAtEnd,
          kinds: {
            newBusiness: m.newBusiness,
            expansion: m.expansion,
            contraction: m.contraction,
            churn: m.churn,
            reactivation: m.reactivation,
          },
        }).toEqual(ref);
      }),
      { numRuns: 400 },
    );
  });

  it('bridges the opening to the closing MRR exactly, with non-negative movements', () => {
    fc.assert(
      fc.property(arbRevenueCase, ({ changes, from, to }) => {
        const m = mrrMovements(changes, { from, to });
        expect(m.endingMrr).toBe(m.startingMrr + m.netNewMrr);
        for (const k of [m.newBusiness, m.expansion, m.contraction, m.churn, m.reactivation]) {
          expect(k.mrr).toBeGreaterThanOrEqual(0);
          expect(k.customers).toBeLessThanOrEqual(k.count);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order of changes, and does not mutate them', () => {
    fc.assert(
      fc.property(arbRevenueCase, arbOrderKeys, ({ changes, from, to }, keys) => {
        const expected = assertPure(mrrMovements, changes, { from, to });
        expect(mrrMovements(reorder(changes, keys), { from, to })).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('is invariant when every instant moves by the same amount', () => {
    fc.assert(
      fc.property(
        arbRevenueCase,
        fc.integer({ min: -3000 * DAY, max: 3000 * DAY }),
        ({ changes, from, to }, delta) => {
          const moved = changes.map((c) => ({ ...c, at: (c.at as number) + delta }));
          expect(mrrMovements(moved, { from: from + delta, to: to + delta })).toEqual(
            mrrMovements(changes, { from, to }),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('merges partitions, live or through JSON, to the one-pass answer', () => {
    fc.assert(
      fc.property(arbRevenueCase, arbCuts, ({ changes, from, to }, cuts) => {
        const merged = assertMergeable(() => mrrMovementsAccumulator({ from, to }), changes, cuts);
        expect(merged).toEqual(mrrMovements(changes, { from, to }));
      }),
      { numRuns: 200 },
    );
  });

  it('converts every amount into the reporting currency before classifying', () => {
    const convert = (amount: number, source: string, target: string) =>
      source === 'EUR' && target === 'USD' ? amount * 2 : Number.NaN;
    fc.assert(
      fc.property(
        arbMrrChanges({ min: 0, max: 100 * DAY, customers: 5, currencies: ['USD', 'EUR'] }),
        fc.integer({ min: 0, max: 100 * DAY }),
        (changes, from) => {
          const to = from + 30 * DAY;
          const inUsd: MrrChange[] = changes.map((c) =>
            c.currency === 'EUR' ? { ...c, mrr: c.mrr * 2, currency: 'USD' } : c,
          );
          const m = mrrMovements(changes, { from, to, currency: 'USD', convert });
          expect(m).toEqual({ ...mrrMovements(inUsd, { from, to }), currency: 'USD' });
        },
      ),
      { numRuns: 200 },
    );
  });
});
