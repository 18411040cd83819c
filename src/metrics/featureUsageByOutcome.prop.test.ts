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
import { arbActivityEvents, arbLifetimes } from '../testing/arbitraries';
import {
  type FeatureUsageByOutcomeResult,
  type FeatureUsageRecord,
  featureUsageByOutcome,
  featureUsageByOutcomeAccumulator,
} from './featureUsageByOutcome';
import type { MetricEvent } from './inputs';

useMediumSizes();

const MIN = Date.UTC(2026, 0, 1);
const arbCase = fc.record({
  lifetimes: arbLifetimes({ min: MIN, max: MIN + 90 * DAY, customers: 10, maxLength: 30 }),
  events: arbActivityEvents({
    min: MIN - 10 * DAY,
    max: MIN + 100 * DAY,
    customers: 11,
    maxLength: 60,
    types: ['crm', 'reports', 'api'],
  }),
  asOf: fc.integer({ min: MIN, max: MIN + 110 * DAY }),
  window: fc.option(
    fc.integer({ min: 1, max: 40 }).map((d) => d * DAY),
    { nil: undefined },
  ),
});
type Case = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;
const optionsOf = (c: Case, delta = 0) => ({
  asOf: c.asOf + delta,
  ...(c.window === undefined ? {} : { window: c.window }),
});

function reference(c: Case): FeatureUsageByOutcomeResult {
  const seen = c.events.filter((e) => toInstant(e.at) <= c.asOf);
  const ids = [
    ...new Set([...c.lifetimes.map((l) => l.customerId), ...seen.map((e) => e.customerId)]),
  ];
  let churned = 0;
  let retained = 0;
  let pending = 0;
  let withoutLifetime = 0;
  const used = new Map<string, [number, number]>();
  for (const id of ids) {
    const spans = c.lifetimes
      .filter((l) => l.customerId === id)
      .map((l) => ({
        start: toInstant(l.start),
        end: l.end === undefined ? Infinity : toInstant(l.end),
      }));
    const first = Math.min(...spans.map((s) => s.start));
    if (!(first <= c.asOf)) {
      withoutLifetime++;
      continue;
    }
    const at = c.window === undefined ? c.asOf : first + c.window;
    if (at > c.asOf) {
      pending++;
      continue;
    }
    const active = spans.some((s) => s.start <= at && at < s.end);
    if (active) retained++;
    else churned++;
    const features = new Set(
      c.events
        .filter(
          (e) =>
            e.customerId === id &&
            toInstant(e.at) <= c.asOf &&
            (c.window === undefined || toInstant(e.at) < at),
        )
        .map((e) => e.type),
    );
    for (const f of new Set(
      c.events.filter((e) => e.customerId === id && toInstant(e.at) <= c.asOf).map((e) => e.type),
    )) {
      if (!used.has(f)) used.set(f, [0, 0]);
    }
    for (const f of features) used.get(f)![active ? 1 : 0]++;
  }
  const rows = [...used].map(([feature, [byChurned, byRetained]]) => {
    const nc = churned > 0 ? (churned - byChurned) / churned : null;
    const nr = retained > 0 ? (retained - byRetained) / retained : null;
    return {
      feature,
      usedByChurned: byChurned,
      usedByRetained: byRetained,
      neverUsedByChurned: nc,
      neverUsedByRetained: nr,
      gap: nc === null || nr === null ? null : nc - nr,
    };
  });
  rows.sort(
    (a, b) => (b.gap ?? -Infinity) - (a.gap ?? -Infinity) || (a.feature < b.feature ? -1 : 1),
  );
  return { churned, retained, pending, withoutLifetime, features: rows };
}

describe('featureUsageByOutcome properties', () => {
  it('equals the plain definition, with shares in [0, 1]', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const r = featureUsageByOutcome(c.events, c.lifetimes, optionsOf(c));
        expect(r).toEqual(reference(c));
        for (const f of r.features) {
          for (const s of [f.neverUsedByChurned, f.neverUsedByRetained])
            if (s !== null) expect(s >= 0 && s <= 1).toBe(true);
        }
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
          const expected = assertPure(featureUsageByOutcome, c.events, c.lifetimes, optionsOf(c));
          expect(
            featureUsageByOutcome(
              reorder(c.events, keys),
              reorder(c.lifetimes, keys),
              optionsOf(c),
            ),
          ).toEqual(expected);
          const events: MetricEvent[] = c.events.map((e) => ({
            ...e,
            at: (e.at as number) + delta,
          }));
          const lifetimes: Lifetime[] = c.lifetimes.map((l) => ({
            customerId: l.customerId,
            start: shift(l.start, delta),
            ...(l.end === undefined ? {} : { end: shift(l.end, delta) }),
          }));
          expect(featureUsageByOutcome(events, lifetimes, optionsOf(c, delta))).toEqual(expected);
          const records: FeatureUsageRecord[] = reorder([...c.events, ...c.lifetimes], keys);
          expect(
            assertMergeable(() => featureUsageByOutcomeAccumulator(optionsOf(c)), records, cuts),
          ).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
