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
import { firstMonthChurn, firstMonthChurnAccumulator } from './firstMonthChurn';

useMediumSizes();

const MIN = Date.UTC(2026, 0, 1);
const onGrid = (t: number) => MIN + Math.round((t - MIN) / DAY) * DAY;
const arbCase = fc.record({
  lifetimes: fc.oneof<fc.Arbitrary<Lifetime[]>[]>(
    arbLifetimes({ min: MIN, max: MIN + 120 * DAY, customers: 12, maxLength: 50 }),
    // on a grid of whole days, so that lifetimes often end exactly when a window does
    arbLifetimes({ min: MIN, max: MIN + 120 * DAY, customers: 12, maxLength: 50 }).map((ls) =>
      ls.map((l) => ({
        customerId: l.customerId,
        start: onGrid(l.start as number),
        ...(l.end === undefined ? {} : { end: onGrid(l.end as number) }),
      })),
    ),
  ),
  window: fc.integer({ min: 1, max: 60 }).map((d) => d * DAY),
  asOf: fc.option(fc.integer({ min: MIN, max: MIN + 150 * DAY }), { nil: undefined }),
  cohortFrom: fc.option(fc.integer({ min: MIN, max: MIN + 100 * DAY }), { nil: undefined }),
});

function reference(
  lifetimes: readonly Lifetime[],
  window: number,
  asOf?: number,
  cohort?: { from: number; to: number },
) {
  const ids = [...new Set(lifetimes.map((l) => l.customerId))];
  let customers = 0;
  let churned = 0;
  let pending = 0;
  for (const id of ids) {
    const spans = lifetimes
      .filter((l) => l.customerId === id)
      .map((l) => ({
        start: toInstant(l.start),
        end: l.end === undefined ? Infinity : toInstant(l.end),
      }));
    const first = Math.min(...spans.map((s) => s.start));
    if (cohort !== undefined && !(first >= cohort.from && first < cohort.to)) continue;
    customers++;
    const end = first + window;
    if (asOf !== undefined && end > asOf) pending++;
    else if (!spans.some((s) => s.start <= end && end < s.end)) churned++;
  }
  const decided = customers - pending;
  return {
    rate: decided > 0 ? churned / decided : null,
    churned,
    retained: decided - churned,
    customers,
    pending,
  };
}

const optionsOf = (
  c: { window: number; asOf?: number | undefined; cohortFrom?: number | undefined },
  delta = 0,
) => ({
  window: c.window,
  ...(c.asOf === undefined ? {} : { asOf: c.asOf + delta }),
  ...(c.cohortFrom === undefined
    ? {}
    : { cohort: { from: c.cohortFrom + delta, to: c.cohortFrom + 30 * DAY + delta } }),
});

describe('firstMonthChurn properties', () => {
  it('equals the plain definition, with a rate in [0, 1]', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const cohort =
          c.cohortFrom === undefined
            ? undefined
            : { from: c.cohortFrom, to: c.cohortFrom + 30 * DAY };
        const r = firstMonthChurn(c.lifetimes, optionsOf(c));
        expect(r).toEqual(reference(c.lifetimes, c.window, c.asOf, cohort));
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
        (c, keys, delta, cuts) => {
          const expected = assertPure(firstMonthChurn, c.lifetimes, optionsOf(c));
          expect(firstMonthChurn(reorder(c.lifetimes, keys), optionsOf(c))).toEqual(expected);
          const moved = c.lifetimes.map((l) => ({
            customerId: l.customerId,
            start: shift(l.start, delta),
            ...(l.end === undefined ? {} : { end: shift(l.end, delta) }),
          }));
          expect(firstMonthChurn(moved, optionsOf(c, delta))).toEqual(expected);
          expect(
            assertMergeable(() => firstMonthChurnAccumulator(optionsOf(c)), c.lifetimes, cuts),
          ).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
