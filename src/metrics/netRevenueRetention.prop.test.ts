import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMergeable, assertPure } from '../../test/helpers/contracts';
import { arbCuts, arbOrderKeys, DAY, reorder, useMediumSizes } from '../../test/helpers/metrics';
import { arbRevenueCase, referenceRetention } from '../../test/helpers/mrrReference';
import { netRevenueRetention, netRevenueRetentionAccumulator } from './netRevenueRetention';

useMediumSizes();

describe('netRevenueRetention properties', () => {
  it('equals the plain definition, is >= 0, and bridges start to end', () => {
    fc.assert(
      fc.property(arbRevenueCase, ({ changes, from, to }) => {
        const r = netRevenueRetention(changes, { from, to });
        const ref = referenceRetention(changes, from, to);
        expect(r).toMatchObject({
          customers: ref.customers,
          startingMrr: ref.starting,
          endingMrr: ref.ending,
          expansion: ref.expansion,
          contraction: ref.contraction,
          churn: ref.churn,
        });
        expect(r.rate).toEqual(ref.starting > 0 ? ref.ending / ref.starting : null);
        if (r.rate !== null) expect(r.rate).toBeGreaterThanOrEqual(0);
        expect(r.endingMrr).toBe(r.startingMrr + r.expansion - r.contraction - r.churn);
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
          const expected = assertPure(netRevenueRetention, changes, { from, to });
          expect(netRevenueRetention(reorder(changes, keys), { from, to })).toEqual(expected);
          const moved = changes.map((c) => ({ ...c, at: (c.at as number) + delta }));
          expect(netRevenueRetention(moved, { from: from + delta, to: to + delta })).toEqual(
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
          assertMergeable(() => netRevenueRetentionAccumulator({ from, to }), changes, cuts),
        ).toEqual(netRevenueRetention(changes, { from, to }));
      }),
      { numRuns: 200 },
    );
  });
});
