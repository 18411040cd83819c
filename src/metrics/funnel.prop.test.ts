import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMergeable, assertPure } from '../../test/helpers/contracts';
import { arbCuts, arbOrderKeys, DAY, reorder, useMediumSizes } from '../../test/helpers/metrics';
import { toInstant } from '../core/instant';
import { arbActivityEvents } from '../testing/arbitraries';
import { funnel, funnelAccumulator } from './funnel';
import type { MetricEvent } from './inputs';

useMediumSizes();

const MIN = Date.UTC(2026, 0, 1);
const arbCase = fc.record({
  events: fc.oneof<fc.Arbitrary<MetricEvent[]>[]>(
    arbActivityEvents({
      min: MIN,
      max: MIN + 30 * DAY,
      customers: 8,
      maxLength: 60,
      types: ['a', 'b', 'c', 'd'],
    }),
    // few distinct instants: many ties
    arbActivityEvents({
      min: MIN,
      max: MIN + 4 * DAY,
      customers: 5,
      maxLength: 40,
      types: ['a', 'b', 'c'],
    }).map((es) => es.map((e) => ({ ...e, at: MIN + (((e.at as number) - MIN) % 4) * DAY }))),
  ),
  steps: fc.array(fc.constantFrom<string>('a', 'b', 'c'), { minLength: 1, maxLength: 4 }),
  window: fc.integer({ min: 1, max: 10 }).map((d) => d * DAY),
  cohortFrom: fc.option(fc.integer({ min: MIN, max: MIN + 20 * DAY }), { nil: undefined }),
});
type Case = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;

const optionsOf = (c: Case, delta = 0) => ({
  steps: c.steps,
  window: c.window,
  ...(c.cohortFrom === undefined
    ? {}
    : { cohort: { from: c.cohortFrom + delta, to: c.cohortFrom + 10 * DAY + delta } }),
});

/**
 * For each customer and each first-step event, match later steps greedily (the earliest event
 * of the next step after the previous one, in time order with lower steps first at equal
 * times), before first step + window; keep the furthest attempt.
 */
function reference(c: Case): number[] {
  const reached = c.steps.map(() => 0);
  const ids = [...new Set(c.events.map((e) => e.customerId))];
  const minStep = (type: string) => {
    const i = c.steps.indexOf(type);
    return i < 0 ? Infinity : i;
  };
  for (const id of ids) {
    const mine = c.events
      .filter((e) => e.customerId === id && c.steps.includes(e.type))
      .map((e: MetricEvent) => ({ t: toInstant(e.at), type: e.type }))
      .sort((x, y) => x.t - y.t || minStep(x.type) - minStep(y.type));
    let furthest = -1;
    mine.forEach((start, i) => {
      if (start.type !== c.steps[0]) return;
      if (
        c.cohortFrom !== undefined &&
        !(start.t >= c.cohortFrom && start.t < c.cohortFrom + 10 * DAY)
      )
        return;
      let at = i;
      let step = 0;
      for (let s = 1; s < c.steps.length; s++) {
        const next = mine.findIndex(
          (e, j) => j > at && e.type === c.steps[s] && e.t < start.t + c.window,
        );
        if (next < 0) break;
        at = next;
        step = s;
      }
      furthest = Math.max(furthest, step);
    });
    for (let s = 0; s <= furthest; s++) reached[s]!++;
  }
  return reached;
}

describe('funnel properties', () => {
  it('equals the best greedy attempt per customer, and never grows from step to step', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const f = funnel(c.events, optionsOf(c));
        expect(f.steps.map((s) => s.reached)).toEqual(reference(c));
        f.steps.forEach((s, i) => {
          if (i > 0) expect(s.reached).toBeLessThanOrEqual(f.steps[i - 1]!.reached);
          for (const r of [s.conversionFromPrevious, s.conversionFromStart, s.dropOffRate]) {
            if (r !== null) expect(r >= 0 && r <= 1).toBe(true);
          }
        });
      }),
      { numRuns: 400 },
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
          const expected = assertPure(funnel, c.events, optionsOf(c));
          expect(funnel(reorder(c.events, keys), optionsOf(c))).toEqual(expected);
          const moved = c.events.map((e) => ({ ...e, at: (e.at as number) + delta }));
          expect(funnel(moved, optionsOf(c, delta))).toEqual(expected);
          expect(assertMergeable(() => funnelAccumulator(optionsOf(c)), c.events, cuts)).toEqual(
            expected,
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
