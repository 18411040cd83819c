import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import { fitSbg, sbgDiscountedResidualLifetime, sbgRetentionRate, sbgSurvival } from './sbg';

// Fader & Hardie (2007), "How to Project Customer Retention", Journal of Interactive Marketing
// 21(1), Table 1: percent of each 1,000-customer cohort still active at the start of years 0-12.
const REGULAR = [100, 63.1, 46.8, 38.2, 32.6, 28.9, 26.2, 24.1, 22.3, 20.7, 19.4, 18.3, 17.3];
const HIGH_END = [100, 86.9, 74.3, 65.3, 59.3, 55.1, 51.7, 49.1, 46.8, 44.5, 42.7, 40.9, 39.4];
const counts = (percent: number[]) => percent.slice(0, 8).map((p) => Math.round(p * 10));

describe('fitSbg reproduces Fader & Hardie (2007)', () => {
  it.each([
    ['regular', REGULAR, 0.704, 1.182, 0.5],
    ['high end', HIGH_END, 0.668, 3.806, 2],
  ])(
    'the %s cohort: published α and β, and the projection of years 8-12',
    (_, percent, alpha, beta, pp) => {
      const fit = fitSbg(counts(percent));
      expect(fit.converged).toBe(true);
      // the paper reports three decimals
      expect(Math.abs(fit.alpha - alpha)).toBeLessThan(0.0006);
      expect(Math.abs(fit.beta - beta)).toBeLessThan(0.0006);
      expect(fit.customers).toBe(1000);
      // fitted on years 0-7, projected to 8-12 and compared with what actually happened there
      for (let year = 8; year <= 12; year++)
        expect(Math.abs(100 * sbgSurvival(fit, year) - percent[year]!)).toBeLessThan(pp);
    },
  );

  it('fits cohorts of different ages with shared parameters', () => {
    // the regular cohort cut into an old cohort (8 years) and a young one (3 years)
    const old = counts(REGULAR);
    const young = old.slice(0, 4).map((n) => n / 2);
    const joint = fitSbg([old, young]);
    expect(joint.cohorts).toBe(2);
    expect(joint.customers).toBe(1500);
    expect(joint.converged).toBe(true);
    expect(joint.alpha).toBeCloseTo(fitSbg(old).alpha, 1);
    // the log-likelihood of several cohorts is the sum of theirs at the same parameters
    const single = fitSbg([old]);
    expect(single.logLikelihood).toBeCloseTo(fitSbg(old).logLikelihood, 8);
  });

  it('is deterministic and does not mutate its input', () => {
    assertPure(fitSbg, counts(HIGH_END));
  });

  it('reports a model the data cannot identify instead of a wrong fit', () => {
    const fit = fitSbg([100, 100, 100]);
    expect(fit.converged).toBe(false);
    expect(fit.reason).toMatch(/nobody churned/);
    expect(Number.isFinite(fit.logLikelihood)).toBe(true);
  });

  it('shrinks the parameters with an L2 penalty', () => {
    const free = fitSbg(counts(HIGH_END));
    const shrunk = fitSbg(counts(HIGH_END), { penalty: 0.1 });
    expect(shrunk.alpha ** 2 + shrunk.beta ** 2).toBeLessThan(free.alpha ** 2 + free.beta ** 2);
    expect(shrunk.logLikelihood).toBeLessThan(free.logLikelihood);
  });

  it('rejects counts that increase, are negative or are missing', () => {
    expect(() => fitSbg([100, 80, 90])).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: fitSbg: alive[2] is out of order: alive counts must not increase]`,
    );
    expect(() =>
      fitSbg([
        [100, 80],
        [50, -1],
      ]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: fitSbg: alive[1][1] is out of range (expected a finite number >= 0)]`,
    );
    expect(() => fitSbg([100])).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: fitSbg: alive is too big: a cohort needs its size and at least one later count (expected at least 2 counts)]`,
    );
    expect(() => fitSbg([0, 0])).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: fitSbg: alive[0] is out of range (expected a cohort size > 0)]`,
    );
    expect(() => fitSbg([100, Number.NaN])).toThrow(/alive\[1\] has the wrong type/);
  });
});

describe('sbg projections', () => {
  const p = { alpha: 0.704, beta: 1.182 };

  it('survival is the product of the retention rates', () => {
    let s = 1;
    for (let t = 1; t <= 20; t++) {
      s *= sbgRetentionRate(p, t);
      expect(sbgSurvival(p, t)).toBeCloseTo(s, 12);
    }
    expect(sbgSurvival(p, 0)).toBe(1);
  });

  it('DERL equals the discounted sum of conditional survival', () => {
    for (const renewals of [0, 1, 5]) {
      for (const d of [0.05, 0.1, 0.3]) {
        let sum = 0;
        for (let k = 1; k < 5000; k++)
          sum += sbgSurvival(p, renewals + k) / sbgSurvival(p, renewals) / (1 + d) ** k;
        expect(sbgDiscountedResidualLifetime(p, { discountRate: d, renewals })).toBeCloseTo(sum, 8);
      }
    }
    // a heterogeneous cohort's survivors are more loyal: DERL grows with tenure
    expect(sbgDiscountedResidualLifetime(p, { discountRate: 0.1, renewals: 5 })).toBeGreaterThan(
      sbgDiscountedResidualLifetime(p, { discountRate: 0.1, renewals: 0 }),
    );
  });

  it('rejects bad parameters and times', () => {
    expect(() => sbgSurvival({ alpha: 0, beta: 1 }, 1)).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: sbgSurvival: params.alpha is out of range (expected a finite number > 0)]`,
    );
    expect(() => sbgRetentionRate(p, 0)).toThrow(/t is out of range/);
    expect(() => sbgDiscountedResidualLifetime(p, { discountRate: 0 })).toThrow(
      /options.discountRate is out of range/,
    );
    expect(() => sbgDiscountedResidualLifetime(p, { discountRate: 0.1, renewals: 1.5 })).toThrow(
      /options.renewals is out of range/,
    );
  });

  it('projects 12 months for a realistic cohort of a few thousand customers (the demo)', () => {
    const fit = fitSbg([3000, 2610, 2330, 2120, 1960, 1840]);
    expect(fit.converged).toBe(true);
    const curve = Array.from({ length: 13 }, (_, m) => sbgSurvival(fit, m));
    for (let m = 1; m < curve.length; m++) expect(curve[m]!).toBeLessThan(curve[m - 1]!);
    expect(Math.abs(curve[5]! - 1840 / 3000)).toBeLessThan(0.01);
  });
});
