import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../core/random';
import { activityDropSignal } from './activityDropSignal';
import { updateActivityHistory } from './activityHistory';
import { binomialCdf, rateDropTest } from './rateTest';

/** Σ C(n, i) pⁱ (1 - p)ⁿ⁻ⁱ for i <= k, term by term from i = 0. */
function naiveCdf(k: number, n: number, p: number): number {
  let sum = 0;
  for (let i = 0; i <= Math.min(k, n); i++) {
    let c = 1;
    for (let j = 1; j <= i; j++) c = (c * (n - i + j)) / j;
    sum += c * p ** i * (1 - p) ** (n - i);
  }
  return sum;
}

describe('binomialCdf', () => {
  it('equals the sum of the binomial probabilities', () => {
    // 1 + 10 + 45 outcomes of 1024 have at most 2 heads in 10 fair tosses
    expect(binomialCdf(2, 10, 0.5)).toBeCloseTo(56 / 1024, 15);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: -1, max: 61 }),
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        (n, k, p) => {
          const fast = binomialCdf(k, n, p);
          const slow = naiveCdf(k, n, p);
          expect(Math.abs(fast - slow)).toBeLessThanOrEqual(1e-12 + 1e-9 * slow);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('stays accurate in both tails of large counts', () => {
    // far above the mode the lower tail is all but 1; far below it is tiny but positive
    expect(binomialCdf(900, 1000, 0.01)).toBe(1);
    const tiny = binomialCdf(0, 2000, 0.2);
    expect(tiny).toBeGreaterThan(0);
    expect(Math.log(tiny)).toBeCloseTo(2000 * Math.log(0.8), 6);
    // symmetric: P(X <= 4999) + P(X <= 5000) = 1 for n = 10000, p = 1/2
    expect(binomialCdf(4999, 10_000, 0.5) + binomialCdf(5000, 10_000, 0.5)).toBeCloseTo(1, 12);
  });
});

describe('rateDropTest', () => {
  it('conditions on the total: a low recent count is surprising only with enough events', () => {
    const quiet = rateDropTest(0, 14, 4, 56);
    expect(quiet.drop).toBe(1);
    expect(quiet.pValue).toBeCloseTo((56 / 70) ** 4, 12);
    const busy = rateDropTest(2, 14, 56, 56);
    expect(busy.pValue).toBeLessThan(1e-3);
    expect(rateDropTest(0, 14, 0, 56)).toEqual({
      recentRate: 0,
      baselineRate: 0,
      drop: 0,
      pValue: 1,
    });
  });

  it('rarely fires on steady customers, low-volume ones included; a plain ratio rule flaps', () => {
    // 4,000 customers with steady Poisson activity of 0.05 to 3 logins a day for 70 days
    const random = createRandom(11);
    let fired = 0;
    let ratioRule = 0;
    const customers = 4000;
    for (let c = 0; c < customers; c++) {
      const rate = 0.05 + random.next() * 2.95;
      const events = [];
      for (let d = 0; d < 70; d++) {
        const n = random.poisson(rate);
        for (let i = 0; i < n; i++)
          events.push({
            id: `${d}-${i}`,
            customerId: 'c',
            type: 'login',
            at: Date.UTC(2026, 0, 1 + d, 1 + (i % 20)),
          });
      }
      const history = updateActivityHistory(undefined, events);
      const signal = activityDropSignal(history, { asOf: Date.UTC(2026, 0, 71) });
      if (signal.fired) fired++;
      const e = signal.evidence;
      if (e.baselineRate > 0 && e.recentRate < 0.5 * e.baselineRate) ratioRule++;
    }
    // the exact test is conservative: at most the 5% significance level
    expect(fired / customers).toBeLessThanOrEqual(0.05);
    // halving the rate by chance alone is common at low volume
    expect(ratioRule / customers).toBeGreaterThan(fired / customers + 0.02);
  });
});
