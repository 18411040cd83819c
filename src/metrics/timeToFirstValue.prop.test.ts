import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMergeable, assertPure } from '../../test/helpers/contracts';
import { arbCuts, arbOrderKeys, DAY, reorder, useMediumSizes } from '../../test/helpers/metrics';
import {
  type Observation,
  referenceKaplanMeier,
  referenceObserved,
} from '../../test/helpers/survivalReference';
import { toInstant } from '../core/instant';
import { arbActivityEvents } from '../testing/arbitraries';
import type { MetricEvent } from './inputs';
import { timeToFirstValue, timeToFirstValueAccumulator } from './timeToFirstValue';

useMediumSizes();

const MIN = Date.UTC(2026, 0, 1);
const MAX = MIN + 60 * DAY;
const options = { start: 'signup', value: 'report_created', asOf: MIN + 45 * DAY };
const arbEvents = fc.oneof(
  arbActivityEvents({
    min: MIN,
    max: MAX,
    customers: 10,
    maxLength: 60,
    types: ['signup', 'report_created', 'login'],
  }),
  // a handful of distinct instants: ties between customers
  arbActivityEvents({
    min: MIN,
    max: MIN + 5 * DAY,
    customers: 10,
    maxLength: 60,
    types: ['signup', 'report_created'],
  }).map((es) => es.map((e) => ({ ...e, at: MIN + (((e.at as number) - MIN) % 4) * DAY }))),
);

function reference(events: readonly MetricEvent[], asOf: number) {
  const ids = [...new Set(events.map((e) => e.customerId))];
  const first = (id: string, type: string) =>
    Math.min(
      ...events
        .filter((e) => e.customerId === id && e.type === type && toInstant(e.at) <= asOf)
        .map((e) => toInstant(e.at)),
    );
  const observations: Observation[] = [];
  let withoutStart = 0;
  let valueBeforeStart = 0;
  for (const id of ids) {
    const s = first(id, 'signup');
    const v = first(id, 'report_created');
    if (s === Infinity) {
      if (v !== Infinity) withoutStart++;
      continue;
    }
    if (v < s) valueBeforeStart++;
    observations.push(
      v === Infinity
        ? { duration: asOf - s, reached: false }
        : { duration: Math.max(0, v - s), reached: true },
    );
  }
  return {
    observations,
    withoutStart,
    valueBeforeStart,
    km: referenceKaplanMeier(observations),
    observed: referenceObserved(observations.filter((o) => o.reached).map((o) => o.duration)),
  };
}

describe('timeToFirstValue properties', () => {
  it('equals a plain Kaplan-Meier over the customers, with censored customers kept', () => {
    fc.assert(
      fc.property(arbEvents, (events) => {
        const r = timeToFirstValue(events, options);
        const ref = reference(events, options.asOf);
        expect(r.customers).toBe(ref.observations.length);
        expect(r.reached).toBe(ref.observations.filter((o) => o.reached).length);
        expect(r.censored).toBe(r.customers - r.reached);
        expect(r.withoutStart).toBe(ref.withoutStart);
        expect(r.valueBeforeStart).toBe(ref.valueBeforeStart);
        expect([r.median, r.p75, r.p90]).toEqual([ref.km.median, ref.km.p75, ref.km.p90]);
        if (ref.km.mean === null) expect(r.mean).toBeNull();
        else expect(r.mean!).toBeCloseTo(ref.km.mean, 3);
        expect([r.amongReached.median, r.amongReached.p75, r.amongReached.p90]).toEqual([
          ref.observed.median,
          ref.observed.p75,
          ref.observed.p90,
        ]);
        if (ref.observed.mean === null) expect(r.amongReached.mean).toBeNull();
        else expect(r.amongReached.mean!).toBeCloseTo(ref.observed.mean, 3);
      }),
      { numRuns: 300 },
    );
  });

  it('orders its quantiles, and agrees with the plain summary when nobody is censored', () => {
    fc.assert(
      fc.property(arbEvents, (events) => {
        const r = timeToFirstValue(events, options);
        const qs = [r.median, r.p75, r.p90];
        for (let i = 1; i < qs.length; i++)
          if (qs[i] !== null) expect(qs[i]!).toBeGreaterThanOrEqual(qs[i - 1]!);
        if (r.censored === 0 && r.reached > 0) {
          expect([r.median, r.p75, r.p90]).toEqual([
            r.amongReached.median,
            r.amongReached.p75,
            r.amongReached.p90,
          ]);
          expect(r.mean!).toBeCloseTo(r.amongReached.mean!, 3);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on order, does not mutate, is time-shift invariant, and merges', () => {
    fc.assert(
      fc.property(
        arbEvents,
        arbOrderKeys,
        fc.integer({ min: -3000 * DAY, max: 3000 * DAY }),
        arbCuts,
        (events, keys, delta, cuts) => {
          const expected = assertPure(timeToFirstValue, events, options);
          expect(timeToFirstValue(reorder(events, keys), options)).toEqual(expected);
          const moved = events.map((e) => ({ ...e, at: (e.at as number) + delta }));
          expect(timeToFirstValue(moved, { ...options, asOf: options.asOf + delta })).toEqual(
            expected,
          );
          expect(assertMergeable(() => timeToFirstValueAccumulator(options), events, cuts)).toEqual(
            expected,
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
