import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMergeable, assertPure } from '../../test/helpers/contracts';
import { arbCuts, arbOrderKeys, DAY, reorder, useMediumSizes } from '../../test/helpers/metrics';
import {
  arbRevenueCase,
  referenceMovements,
  referenceRetention,
} from '../../test/helpers/mrrReference';
import { type RevenueChurnBasis, revenueChurn, revenueChurnAccumulator } from './revenueChurn';

useMediumSizes();

const bases = fc.constantFrom<RevenueChurnBasis>('movements', 'startingCustomers');

describe('revenueChurn properties', () => {
  it('equals the plain definitions on both bases', () => {
    fc.assert(
      fc.property(arbRevenueCase, bases, ({ changes, from, to }, basis) => {
        const r = revenueChurn(changes, { from, to, basis });
        let starting: number;
        let lost: number;
        let gained: number;
        if (basis === 'movements') {
          const m = referenceMovements(changes, from, to);
          starting = m.startingMrr;
          lost = m.kinds.churn.mrr + m.kinds.contraction.mrr;
          gained = m.kinds.expansion.mrr + m.kinds.reactivation.mrr;
        } else {
          const b = referenceRetention(changes, from, to);
          starting = b.starting;
          lost = b.churn + b.contraction;
          gained = b.expansion;
        }
        expect(r.startingMrr).toBe(starting);
        expect(r.gross).toEqual(starting > 0 ? lost / starting : null);
        expect(r.net).toEqual(starting > 0 ? (lost - gained) / starting : null);
        if (r.gross !== null) {
          expect(r.gross).toBeGreaterThanOrEqual(0);
          expect(r.net!).toBeLessThanOrEqual(r.gross);
          if (basis === 'startingCustomers') expect(r.gross).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on order, does not mutate, is time-shift invariant, and merges', () => {
    fc.assert(
      fc.property(
        arbRevenueCase,
        bases,
        arbOrderKeys,
        fc.integer({ min: -3000 * DAY, max: 3000 * DAY }),
        arbCuts,
        ({ changes, from, to }, basis, keys, delta, cuts) => {
          const options = { from, to, basis };
          const expected = assertPure(revenueChurn, changes, options);
          expect(revenueChurn(reorder(changes, keys), options)).toEqual(expected);
          const moved = changes.map((c) => ({ ...c, at: (c.at as number) + delta }));
          expect(revenueChurn(moved, { ...options, from: from + delta, to: to + delta })).toEqual(
            expected,
          );
          expect(assertMergeable(() => revenueChurnAccumulator(options), changes, cuts)).toEqual(
            expected,
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
