import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import { kaplanMeier, type SurvivalObservation } from './kaplanMeier';

const observation = fc
  .record({
    duration: fc.integer({ min: 0, max: 30 }).map((d) => d / 2),
    observed: fc.boolean(),
    entryShare: fc.option(fc.double({ min: 0, max: 0.99, noNaN: true }), { nil: undefined }),
  })
  .map(({ duration, observed, entryShare }): SurvivalObservation => {
    const entry = entryShare === undefined ? undefined : Math.floor(duration * entryShare);
    return entry === undefined || !(entry < duration)
      ? { duration, observed }
      : { duration, observed, entry };
  });
const observations = fc.array(observation, { maxLength: 60 });

/** The textbook estimator, O(n²): for each distinct time, scan everyone. */
function naive(data: readonly SurvivalObservation[]) {
  const times = [...new Set(data.map((o) => o.duration))].sort((a, b) => a - b);
  let s = 1;
  return times.map((t) => {
    const risk = data.filter(
      (o) => (o.entry === undefined || o.entry < t) && o.duration >= t,
    ).length;
    const d = data.filter((o) => o.duration === t && o.observed).length;
    if (d > 0) s = d >= risk ? 0 : s * (1 - d / risk);
    return { t, risk, d, s };
  });
}

describe('kaplanMeier properties', () => {
  it('equals the naive product-limit estimator', () => {
    fc.assert(
      fc.property(observations, (data) => {
        const km = kaplanMeier(data);
        const ref = naive(data);
        expect(km.timeline).toEqual(ref.map((r) => r.t));
        expect(km.atRisk).toEqual(ref.map((r) => r.risk));
        expect(km.events).toEqual(ref.map((r) => r.d));
        km.survival.forEach((s, i) => {
          expect(s).toBeCloseTo(ref[i]!.s, 12);
        });
      }),
    );
  });

  it('is non-increasing within [0, 1], and every band contains the estimate', () => {
    fc.assert(
      fc.property(
        observations,
        fc.constantFrom('log-log', 'log', 'plain' as const),
        (data, band) => {
          const km = kaplanMeier(data, { band });
          km.survival.forEach((s, i) => {
            expect(s).toBeGreaterThanOrEqual(0);
            expect(s).toBeLessThanOrEqual(1);
            if (i > 0) expect(s).toBeLessThanOrEqual(km.survival[i - 1]!);
            expect(km.lower[i]!).toBeGreaterThanOrEqual(0);
            expect(km.lower[i]!).toBeLessThanOrEqual(s + 1e-12);
            expect(km.upper[i]!).toBeGreaterThanOrEqual(s - 1e-12);
            expect(km.upper[i]!).toBeLessThanOrEqual(1);
            expect(Number.isFinite(km.standardError[i]!)).toBe(true);
          });
          if (km.median !== null) {
            const i = km.timeline.findIndex((t) => t >= km.median!);
            expect(km.survival[i]!).toBeLessThanOrEqual(0.5 + 1e-9);
          }
        },
      ),
    );
  });

  it('does not depend on the order of the observations, and merging partitions equals the whole', () => {
    fc.assert(
      fc.property(observations, observations, fc.integer(), (a, b, seed) => {
        const whole = kaplanMeier([...a, ...b]);
        expect(kaplanMeier([...b, ...a])).toEqual(whole);
        const shuffled = [...a, ...b].sort(
          (x, y) => ((x.duration * 7919 + seed) % 13) - ((y.duration * 7919 + seed) % 13),
        );
        expect(kaplanMeier(shuffled)).toEqual(whole);
      }),
      { numRuns: 50 },
    );
  });

  it('is deterministic and never mutates its input', () => {
    fc.assert(
      fc.property(observations, (data) => {
        assertPure(kaplanMeier, data);
      }),
      { numRuns: 30 },
    );
  });
});
