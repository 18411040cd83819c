import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMergeable, assertPure } from '../../test/helpers/contracts';
import { arbCuts, arbOrderKeys, DAY, reorder, useMediumSizes } from '../../test/helpers/metrics';
import { arbRevenueCase, referenceRetention } from '../../test/helpers/mrrReference';
import { grossRevenueRetention, grossRevenueRetentionAccumulator } from './grossRevenueRetention';
import { netRevenueRetention } from './netRevenueRetention';

useMediumSizes();

describe('grossRevenueRetention properties', () => {
  it('equals the plain definition, within [0, 1] and never above NRR', () => {
    fc.assert(
      fc.property(arbRevenueCase, ({ changes, from, to }) => {
        const r = grossRevenueRetention(changes, { from, to });
        const ref = referenceRetention(changes, from, to);
        expect(r).toMatchObject({
          customers: ref.customers,
          startingMrr: ref.starting,
          retainedMrr: ref.kept,
        });
        expect(r.rate).toEqual(ref.starting > 0 ? ref.kept / ref.starting : null);
        const nrr = netRevenueRetention(changes, { from, to }).rate;
        if (r.rate === null) expect(nrr).toBeNull();
        else {
          expect(r.rate).toBeGreaterThanOrEqual(0);
          expect(r.rate).toBeLessThanOrEqual(1);
          expect(nrr!).toBeGreaterThanOrEqual(r.rate);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on order, does not mutate, and is time-shift invariant', () => {
    fc.assert(
      fc.property(
        arbRevenueCase,
        arbOrderKeys,
        fc.integer({ min: -3000 * DAY, max: 3000 * DAY }),
        ({ changes, from, to }, keys, delta) => {
          const expected = assertPure(grossRevenueRetention, changes, { from, to });
          expect(grossRevenueRetention(reorder(changes, keys), { from, to })).toEqual(expected);
          const moved = changes.map((c) => ({ ...c, at: (c.at as number) + delta }));
          expect(grossRevenueRetention(moved, { from: from + delta, to: to + delta })).toEqual(
            expected,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('merges partitions to the one-pass answer', () => {
    fc.assert(
      fc.property(arbRevenueCase, arbCuts, ({ changes, from, to }, cuts) => {
        expect(
          assertMergeable(() => grossRevenueRetentionAccumulator({ from, to }), changes, cuts),
        ).toEqual(grossRevenueRetention(changes, { from, to }));
      }),
      { numRuns: 200 },
    );
  });
});
