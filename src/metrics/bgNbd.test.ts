import { describe, expect, it } from 'vitest';
import { loadCdnow } from '../../test/helpers/cdnow';
import { assertPure } from '../../test/helpers/contracts';
import { createRandom } from '../core/random';
import { simulateBusiness } from '../testing/simulate';
import {
  bgNbdConditionalExpectedPurchases,
  bgNbdExpectedPurchases,
  bgNbdLogLikelihood,
  bgNbdLogLikelihoodAndGradient,
  bgNbdProbabilityAlive,
  fitBgNbd,
  groupCustomers,
} from './bgNbd';
import { rfmSummary } from './rfmSummary';

const cdnow = loadCdnow();

describe('the CDNOW fixture', () => {
  it('has the sample the papers describe', () => {
    expect(cdnow).toHaveLength(2357);
    expect(cdnow.filter((c) => c.frequency > 0)).toHaveLength(946);
    expect(cdnow.reduce((s, c) => s + c.frequency, 0)).toBe(2457);
  });
});

describe('fitBgNbd reproduces Fader, Hardie & Lee (2005) on CDNOW', () => {
  const fit = fitBgNbd(cdnow);

  it('estimates r = 0.243, α = 4.414, a = 0.793, b = 2.426 with LL = -9582.4', () => {
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.r - 0.243)).toBeLessThan(0.0006);
    expect(Math.abs(fit.alpha - 4.414)).toBeLessThan(0.0006);
    expect(Math.abs(fit.a - 0.793)).toBeLessThan(0.0006);
    expect(Math.abs(fit.b - 2.426)).toBeLessThan(0.0006);
    expect(Math.abs(fit.logLikelihood - -9582.4)).toBeLessThan(0.05);
    expect(fit.customers).toBe(2357);
  });

  it("gives E[X(t)] of Hardie's BG/NBD spreadsheet", () => {
    // the values lifetimes' tests take from the spreadsheet, to 3 decimals
    const times = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0];
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    times.forEach((t, i) => {
      expect(Math.abs(bgNbdExpectedPurchases(fit, t) - expected[i]!)).toBeLessThan(0.0015);
    });
  });

  it('expects 1.226 purchases in 39 weeks from customer 1 (x = 2, t_x = 30.43, T = 38.86)', () => {
    const customer = { frequency: 2, recency: 30.43, T: 38.86 };
    expect(Math.abs(bgNbdConditionalExpectedPurchases(fit, 39, customer) - 1.226)).toBeLessThan(
      0.001,
    );
  });

  it('matches its total holdout forecast to the sum of the individual expectations', () => {
    // E[X(t)] for a random new customer is the mean of E[Y(t) | x = 0, T = 0]
    const fresh = { frequency: 0, recency: 0, T: 0 };
    for (const t of [1, 10, 50])
      expect(bgNbdConditionalExpectedPurchases(fit, t, fresh)).toBeCloseTo(
        bgNbdExpectedPurchases(fit, t),
        10,
      );
  });
});

describe('the BG/NBD likelihood', () => {
  it('has an analytic gradient that matches central differences', () => {
    const grouped = groupCustomers(cdnow);
    for (const p of [
      [0.243, 4.414, 0.793, 2.426],
      [1.5, 0.3, 3, 0.2],
      [0.05, 40, 0.1, 9],
    ]) {
      const { value, gradient } = bgNbdLogLikelihoodAndGradient(p, grouped);
      expect(value).toBeCloseTo(bgNbdLogLikelihood(p, grouped), 6);
      p.forEach((v, i) => {
        const h = 1e-6 * v;
        const up = p.map((w, j) => (j === i ? w + h : w));
        const down = p.map((w, j) => (j === i ? w - h : w));
        const numeric =
          (bgNbdLogLikelihood(up, grouped) - bgNbdLogLikelihood(down, grouped)) / (2 * h);
        expect(Math.abs(gradient[i]! - numeric)).toBeLessThan(1e-4 * (1 + Math.abs(numeric)));
      });
    }
  });
});

describe('fitBgNbd', () => {
  it('recovers the parameters of its own simulation', () => {
    const truth = { r: 0.5, alpha: 6, a: 0.7, b: 2.5 };
    const random = createRandom(11);
    const customers = [];
    for (let i = 0; i < 20_000; i++) {
      const T = 20 + random.next() * 32; // weeks observed since the first purchase
      const lambda = random.gamma(truth.r, 1 / truth.alpha);
      const p = random.beta(truth.a, truth.b);
      let t = 0;
      let x = 0;
      let tx = 0;
      for (;;) {
        t += random.exponential(lambda);
        if (t > T) break;
        x++;
        tx = t;
        if (random.chance(p)) break;
      }
      customers.push({ frequency: x, recency: tx, T });
    }
    const fit = fitBgNbd(customers);
    expect(fit.converged).toBe(true);
    expect(fit.r / truth.r).toBeGreaterThan(0.9);
    expect(fit.r / truth.r).toBeLessThan(1.1);
    expect(fit.alpha / truth.alpha).toBeGreaterThan(0.85);
    expect(fit.alpha / truth.alpha).toBeLessThan(1.15);
    expect(fit.a / truth.a).toBeGreaterThan(0.75);
    expect(fit.a / truth.a).toBeLessThan(1.25);
    expect(fit.b / truth.b).toBeGreaterThan(0.75);
    expect(fit.b / truth.b).toBeLessThan(1.25);
  });

  it("recovers the simulator's e-commerce truth from an order log via rfmSummary", () => {
    const sim = simulateBusiness({
      seed: 7,
      customers: 4000,
      days: 364,
      signupDays: 84,
      variant: 'ecommerce',
    });
    const truth = sim.truth.ecommerce!;
    const rows = rfmSummary(sim.orders, { calibrationEnd: sim.end - 1, unit: 'day' });
    const fit = fitBgNbd(
      rows.map((r) => ({ frequency: r.frequency, recency: r.recency / 7, T: r.T / 7 })),
    );
    expect(fit.converged).toBe(true);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(fit[k] / truth[k]).toBeGreaterThan(0.75);
      expect(fit[k] / truth[k]).toBeLessThan(1.25);
    }
  });

  it('gives the same fit for grouped counts as for repeated rows', () => {
    const rows = [
      { frequency: 0, recency: 0, T: 30 },
      { frequency: 1, recency: 5, T: 30 },
      { frequency: 3, recency: 20, T: 25 },
      { frequency: 0, recency: 0, T: 20 },
    ];
    const counts = [40, 12, 5, 30];
    const grouped = fitBgNbd(rows.map((r, i) => ({ ...r, count: counts[i]! })));
    const repeated = fitBgNbd(rows.flatMap((r, i) => Array.from({ length: counts[i]! }, () => r)));
    expect(grouped.rows).toBe(4);
    expect(repeated.rows).toBe(4);
    expect(grouped.logLikelihood).toBeCloseTo(repeated.logLikelihood, 8);
    expect(grouped.r).toBeCloseTo(repeated.r, 6);
  });

  it('is pure', () => {
    assertPure(fitBgNbd, cdnow.slice(0, 300));
  });

  it('reports data without repeat purchases as not identified', () => {
    const fit = fitBgNbd([{ frequency: 0, recency: 0, T: 10 }]);
    expect(fit.converged).toBe(false);
    expect(fit.reason).toMatch(/nobody made a repeat purchase/);
    expect(fitBgNbd([]).reason).toBe('no customers');
  });

  it('rejects impossible summaries with their index', () => {
    expect(() => fitBgNbd([{ frequency: 1, recency: 5, T: 4 }])).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: fitBgNbd: customers[0].recency is out of range (expected at most T)]`,
    );
    expect(() =>
      fitBgNbd([
        { frequency: 0, recency: 0, T: 4 },
        { frequency: 0, recency: 2, T: 4 },
      ]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: fitBgNbd: customers[1].recency is out of range: a customer without repeat purchases has recency 0]`,
    );
    expect(() => fitBgNbd([{ frequency: 1.5, recency: 2, T: 4 }])).toThrow(
      /customers\[0\].frequency is out of range/,
    );
    expect(() => fitBgNbd([{ frequency: 1, recency: 2, T: Number.NaN }])).toThrow(
      /customers\[0\].T has the wrong type/,
    );
    expect(() => fitBgNbd([{ frequency: 1, recency: 2, T: 4, count: 0 }])).toThrow(
      /customers\[0\].count is out of range/,
    );
  });
});

describe('bgNbd predictions', () => {
  const p = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

  it('puts a customer without repeat purchases alive for sure, and one long silent nearly dead', () => {
    expect(bgNbdProbabilityAlive(p, { frequency: 0, recency: 0, T: 38 })).toBe(1);
    expect(bgNbdProbabilityAlive(p, { frequency: 20, recency: 1, T: 200 })).toBeLessThan(1e-6);
    expect(bgNbdProbabilityAlive(p, { frequency: 20, recency: 200, T: 200 })).toBeGreaterThan(0.9);
  });

  it('stays finite on extreme data', () => {
    const extreme = { frequency: 5000, recency: 1e-6, T: 1e6 };
    const alive = bgNbdProbabilityAlive(p, extreme);
    expect(alive).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(bgNbdConditionalExpectedPurchases(p, 1e4, extreme))).toBe(true);
    expect(
      Number.isFinite(bgNbdExpectedPurchases({ r: 50, alpha: 0.01, a: 30, b: 0.01 }, 1e5)),
    ).toBe(true);
  });

  it('handles a = 1, where the closed form has a removable singularity', () => {
    const at1 = bgNbdExpectedPurchases({ ...p, a: 1 }, 10);
    expect(at1).toBeCloseTo(bgNbdExpectedPurchases({ ...p, a: 1 + 1e-4 }, 10), 4);
    expect(at1).toBeCloseTo(bgNbdExpectedPurchases({ ...p, a: 1 - 1e-4 }, 10), 4);
  });

  it('rejects bad parameters', () => {
    expect(() => bgNbdExpectedPurchases({ ...p, r: -1 }, 1)).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: bgNbdExpectedPurchases: params.r is out of range (expected a finite number > 0)]`,
    );
    expect(() => bgNbdExpectedPurchases(p, -1)).toThrow(/t is out of range/);
    expect(() =>
      bgNbdConditionalExpectedPurchases(p, 1, { frequency: 2, recency: 0, T: 3 }),
    ).toThrow(/customer.recency is out of range: repeat purchases need a recency > 0/);
  });
});
