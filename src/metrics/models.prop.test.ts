import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import {
  bgNbdConditionalExpectedPurchases,
  bgNbdExpectedPurchases,
  bgNbdProbabilityAlive,
} from './bgNbd';
import { gammaGammaExpectedSpend } from './gammaGamma';
import { sbgRetentionRate, sbgSurvival } from './sbg';

const positive = (min: number, max: number) =>
  fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const bgParams = fc
  .record({
    r: positive(0.01, 20),
    alpha: positive(0.01, 100),
    a: positive(0.01, 20),
    b: positive(0.01, 20),
  })
  .map((p) => ({ ...p }));
const customer = fc
  .record({
    x: fc.integer({ min: 0, max: 200 }),
    T: positive(0.01, 500),
    share: positive(0.001, 1),
  })
  .map(({ x, T, share }) => ({ frequency: x, recency: x === 0 ? 0 : T * share, T }));

describe('BG/NBD properties', () => {
  it('probability alive is in [0, 1]', () => {
    fc.assert(
      fc.property(bgParams, customer, (p, c) => {
        const alive = bgNbdProbabilityAlive(p, c);
        expect(alive).toBeGreaterThanOrEqual(0);
        expect(alive).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('expected purchases are finite, >= 0 and non-decreasing in t', () => {
    fc.assert(
      fc.property(bgParams, positive(0.01, 200), positive(0.01, 200), (p, t1, t2) => {
        const [lo, hi] = t1 <= t2 ? [t1, t2] : [t2, t1];
        const a = bgNbdExpectedPurchases(p, lo);
        const b = bgNbdExpectedPurchases(p, hi);
        expect(Number.isFinite(a) && Number.isFinite(b)).toBe(true);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(b).toBeGreaterThanOrEqual(a - 1e-9 * (1 + a));
      }),
    );
  });

  it('conditional expected purchases are finite, >= 0 and non-decreasing in t', () => {
    fc.assert(
      fc.property(bgParams, customer, positive(0.01, 100), positive(0.01, 100), (p, c, t1, t2) => {
        const [lo, hi] = t1 <= t2 ? [t1, t2] : [t2, t1];
        const a = bgNbdConditionalExpectedPurchases(p, lo, c);
        const b = bgNbdConditionalExpectedPurchases(p, hi, c);
        expect(Number.isFinite(a) && Number.isFinite(b)).toBe(true);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(b).toBeGreaterThanOrEqual(a - 1e-8 * (1 + a));
      }),
    );
  });

  it('predictions are pure', () => {
    fc.assert(
      fc.property(bgParams, customer, (p, c) => {
        assertPure(bgNbdConditionalExpectedPurchases, p, 10, c);
      }),
      { numRuns: 20 },
    );
  });
});

describe('sBG properties', () => {
  const sbgParams = fc.record({ alpha: positive(0.01, 50), beta: positive(0.01, 50) });

  it('survival is non-increasing within [0, 1] and retention rates rise towards 1', () => {
    fc.assert(
      fc.property(sbgParams, fc.integer({ min: 1, max: 200 }), (p, t) => {
        const s0 = sbgSurvival(p, t - 1);
        const s1 = sbgSurvival(p, t);
        expect(s1).toBeGreaterThanOrEqual(0);
        expect(s1).toBeLessThanOrEqual(s0);
        const r = sbgRetentionRate(p, t);
        expect(r).toBeGreaterThan(0);
        expect(r).toBeLessThan(1);
        expect(sbgRetentionRate(p, t + 1)).toBeGreaterThanOrEqual(r);
      }),
    );
  });
});

describe('Gamma-Gamma properties', () => {
  it('expected spend lies between the population mean and the customer mean', () => {
    fc.assert(
      fc.property(
        fc.record({ p: positive(0.1, 20), q: positive(1.01, 20), gamma: positive(0.1, 100) }),
        fc.integer({ min: 1, max: 100 }),
        positive(0.01, 1000),
        (params, x, m) => {
          const population = (params.p * params.gamma) / (params.q - 1);
          const e = gammaGammaExpectedSpend(params, { frequency: x, monetaryValue: m });
          expect(e).toBeGreaterThanOrEqual(Math.min(population, m) * (1 - 1e-12));
          expect(e).toBeLessThanOrEqual(Math.max(population, m) * (1 + 1e-12));
        },
      ),
    );
  });
});
