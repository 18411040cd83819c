import { describe, expect, it } from 'vitest';
import { hyp2f1 } from './hypergeometric';
import { normalQuantile } from './normal';
import { bfgs, minimize } from './optimize';
import { digamma, gammaSign, logAddExp, logBeta, logGamma } from './special';

describe('logGamma', () => {
  it('equals log((n-1)!) to about 1e-15 relative', () => {
    let factorial = 1;
    for (let n = 1; n <= 170; n++) {
      if (n > 1) factorial *= n - 1;
      const exact = Math.log(factorial);
      expect(Math.abs(logGamma(n) - exact)).toBeLessThanOrEqual(2e-15 * Math.max(1, exact));
    }
  });

  it('satisfies Γ(1/2) = √π, the recurrence and the reflection formula', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 15);
    for (const x of [1e-8, 0.1, 0.7, 3.3, 17.25, 1234.5, 1e7]) {
      // Γ(x + 1) = x Γ(x)
      const scale = Math.max(1, Math.abs(logGamma(x + 1)));
      expect(Math.abs(logGamma(x + 1) - logGamma(x) - Math.log(x)) / scale).toBeLessThan(1e-14);
    }
    for (const x of [0.1, 0.3, 0.45]) {
      const reflected = Math.log(Math.PI / Math.sin(Math.PI * x));
      expect(logGamma(x) + logGamma(1 - x)).toBeCloseTo(reflected, 13);
    }
    expect(logGamma(-0.5)).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 14);
    expect(gammaSign(-0.5)).toBe(-1);
    expect(gammaSign(-1.5)).toBe(1);
    expect(logGamma(0)).toBe(Number.POSITIVE_INFINITY);
    expect(logGamma(-3)).toBe(Number.POSITIVE_INFINITY);
  });

  it('gives log-beta and a stable log-add-exp', () => {
    expect(logBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 14);
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(Number.NEGATIVE_INFINITY, -3)).toBe(-3);
  });
});

describe('hyp2f1', () => {
  it('matches closed forms by the series and by the 1 - z transformation', () => {
    for (const z of [0.05, 0.5, 0.9, 0.95, 0.99, 0.999]) {
      // 2F1(1, 1; 2; z) = -ln(1 - z) / z (c - a - b = 0: series path)
      const log = hyp2f1(1, 1, 2, z);
      expect(log.converged).toBe(true);
      expect(log.value / (-Math.log(1 - z) / z) - 1).toBeCloseTo(0, 13);
      // 2F1(a, b; b; z) = (1 - z)^-a (c - a - b = -a: transformation path above 0.9)
      expect(hyp2f1(0.3, 2.7, 2.7, z).value / (1 - z) ** -0.3 - 1).toBeCloseTo(0, 13);
      // 2F1(1/2, 1; 3/2; z²) = artanh(z) / z
      const w = Math.sqrt(z);
      expect(hyp2f1(0.5, 1, 1.5, z).value / (Math.atanh(w) / w) - 1).toBeCloseTo(0, 12);
    }
  });

  it('agrees between the two paths on BG/NBD-like arguments', () => {
    // the series at z slightly above the switch versus the transformation
    const a = 0.243;
    const b = 2.426;
    const c = 0.793 + b - 1;
    const below = hyp2f1(a, b, c, 0.9);
    const above = hyp2f1(a, b, c, 0.900001);
    expect(Math.abs(above.value - below.value) / below.value).toBeLessThan(1e-4);
  });
});

describe('normalQuantile', () => {
  it('reproduces standard normal table values and is symmetric', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489, 10);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 10);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 14);
    for (const p of [0.001, 0.01, 0.2, 0.4])
      expect(normalQuantile(p) + normalQuantile(1 - p)).toBeCloseTo(0, 9);
  });
});

describe('minimize', () => {
  it('finds the minimum of the Rosenbrock function deterministically', () => {
    const rosen = (x: readonly number[]) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
    const opts = {
      starts: [[-1.2, 1]],
      randomStarts: 2,
      seed: 3,
      maxEvaluations: 5000,
      fTolerance: 1e-14,
      xTolerance: 1e-8,
    };
    const r = minimize(rosen, opts);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
    expect(minimize(rosen, opts)).toEqual(r);
  });

  it('reports a budget that runs out', () => {
    const r = minimize((x) => (x[0]! - 3) ** 2, {
      starts: [[0]],
      randomStarts: 0,
      seed: 1,
      maxEvaluations: 5,
      fTolerance: 1e-14,
      xTolerance: 1e-10,
    });
    expect(r.converged).toBe(false);
    expect(r.reason).toMatch(/no convergence within 5 evaluations/);
  });
});

describe('digamma', () => {
  it('is the derivative of logGamma and satisfies ψ(x + 1) = ψ(x) + 1/x', () => {
    // ψ(1) = -γ (Euler-Mascheroni constant)
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 14);
    for (const x of [0.01, 0.5, 2.5, 7, 40, 1e5]) {
      expect(digamma(x + 1) - digamma(x)).toBeCloseTo(1 / x, 10);
      const h = 1e-5 * x;
      expect(digamma(x)).toBeCloseTo((logGamma(x + h) - logGamma(x - h)) / (2 * h), 5);
    }
  });
});

describe('bfgs', () => {
  it('minimises the Rosenbrock function with its gradient', () => {
    const fg = (x: readonly number[]) => ({
      value: 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2,
      gradient: [-400 * x[0]! * (x[1]! - x[0]! ** 2) - 2 * (1 - x[0]!), 200 * (x[1]! - x[0]! ** 2)],
    });
    const r = bfgs(fg, [-1.2, 1], { maxIterations: 500, gTolerance: 1e-10, maxStep: 2 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 8);
    expect(r.x[1]).toBeCloseTo(1, 8);
  });
});
