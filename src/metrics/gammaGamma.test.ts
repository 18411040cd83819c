import { describe, expect, it } from 'vitest';
import { loadCdnow } from '../../test/helpers/cdnow';
import { assertPure } from '../../test/helpers/contracts';
import { simulateBusiness } from '../testing/simulate';
import { bgNbdConditionalExpectedPurchases } from './bgNbd';
import { customerLifetimeValue } from './customerLifetimeValue';
import { fitGammaGamma, gammaGammaExpectedSpend } from './gammaGamma';
import { rfmSummary } from './rfmSummary';

const cdnow = loadCdnow();

describe('fitGammaGamma reproduces Fader & Hardie (2013) on CDNOW', () => {
  it('estimates p = 6.25, q = 3.74, γ = 15.44 from the 946 repeat buyers', () => {
    const fit = fitGammaGamma(cdnow);
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(946);
    // the note reports two decimals; lifetimes checks the same to 2 decimals
    expect(Math.abs(fit.p - 6.25)).toBeLessThan(0.01);
    expect(Math.abs(fit.q - 3.74)).toBeLessThan(0.01);
    expect(Math.abs(fit.gamma - 15.44)).toBeLessThan(0.015);
    // CLVTools' test of the same fit expects LL = -4055.92
    expect(Math.abs(fit.logLikelihood - -4055.92)).toBeLessThan(0.01);
  });
});

describe('fitGammaGamma', () => {
  it("recovers the simulator's spend truth", () => {
    const sim = simulateBusiness({
      seed: 7,
      customers: 4000,
      days: 364,
      signupDays: 84,
      variant: 'ecommerce',
    });
    const truth = sim.truth.ecommerce!;
    const rows = rfmSummary(sim.orders, {
      calibrationEnd: sim.end - 1,
      unit: 'day',
      monetary: true,
    });
    const fit = fitGammaGamma(
      rows.map((r) => ({ frequency: r.frequency, monetaryValue: r.monetaryValue! / 100 })),
    );
    expect(fit.converged).toBe(true);
    for (const k of ['p', 'q', 'gamma'] as const) {
      expect(fit[k] / truth[k]).toBeGreaterThan(0.8);
      expect(fit[k] / truth[k]).toBeLessThan(1.2);
    }
  });

  it('is pure and rejects bad spend', () => {
    assertPure(fitGammaGamma, cdnow.slice(0, 200));
    expect(() =>
      fitGammaGamma([{ frequency: 2, monetaryValue: 0 }]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: fitGammaGamma: customers[0].monetaryValue is out of range (expected > 0 for a customer with repeat purchases)]`,
    );
    expect(fitGammaGamma([{ frequency: 0, monetaryValue: 0 }]).converged).toBe(false);
  });
});

describe('gammaGammaExpectedSpend', () => {
  const p = { p: 6.25, q: 3.74, gamma: 15.44 };

  it('weighs the population mean against the customer mean by frequency', () => {
    const population = (p.p * p.gamma) / (p.q - 1);
    expect(gammaGammaExpectedSpend(p, { frequency: 0, monetaryValue: 0 })).toBeCloseTo(
      population,
      12,
    );
    const w = (p.p * 10) / (p.p * 10 + p.q - 1);
    expect(gammaGammaExpectedSpend(p, { frequency: 10, monetaryValue: 50 })).toBeCloseTo(
      (1 - w) * population + w * 50,
      12,
    );
  });

  it('needs q > 1 for a finite mean', () => {
    expect(() =>
      gammaGammaExpectedSpend({ ...p, q: 1 }, { frequency: 1, monetaryValue: 5 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: gammaGammaExpectedSpend: params.q is out of range (expected a finite number > 1)]`,
    );
  });
});

describe('customerLifetimeValue', () => {
  const bg = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const gg = { p: 6.25, q: 3.74, gamma: 15.44 };
  const customer = { frequency: 2, recency: 30.43, T: 38.86, monetaryValue: 22.35 };

  it('without discounting, is expected purchases over the horizon times expected spend', () => {
    const value = customerLifetimeValue(bg, gg, customer, {
      stepLength: 4.345,
      steps: 12,
      discountRate: 0,
    });
    const purchases = bgNbdConditionalExpectedPurchases(bg, 4.345 * 12, customer);
    expect(value).toBeCloseTo(purchases * gammaGammaExpectedSpend(gg, customer), 10);
  });

  it('discounts each step by (1 + rate)^k, as lifetimes does', () => {
    let expected = 0;
    for (let k = 1; k <= 6; k++) {
      const step =
        bgNbdConditionalExpectedPurchases(bg, 30 * k, customer) -
        bgNbdConditionalExpectedPurchases(bg, 30 * (k - 1), customer);
      expected += (step * gammaGammaExpectedSpend(gg, customer)) / 1.05 ** k;
    }
    const value = customerLifetimeValue(bg, gg, customer, {
      stepLength: 30,
      steps: 6,
      discountRate: 0.05,
    });
    expect(value).toBeCloseTo(expected, 10);
    expect(value).toBeLessThan(
      customerLifetimeValue(bg, gg, customer, { stepLength: 30, steps: 6, discountRate: 0 }),
    );
  });

  it('rejects bad options', () => {
    expect(() =>
      customerLifetimeValue(bg, gg, customer, { stepLength: 0 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: customerLifetimeValue: options.stepLength is out of range (expected a finite number > 0)]`,
    );
    expect(() => customerLifetimeValue(bg, gg, customer, { stepLength: 4, steps: 0 })).toThrow(
      /options.steps/,
    );
  });
});
