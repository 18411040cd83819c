import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import { churnRate } from './churnRate';
import { ltv } from './ltv';

describe('ltv', () => {
  it('is ARPA times gross margin over the churn rate', () => {
    expect(ltv({ arpa: 5000, churnRate: 0.25 })).toEqual({
      value: 20000,
      currency: null,
      lifetimePeriods: 4,
      arpa: 5000,
      churnRate: 0.25,
      grossMargin: 1,
    });
    expect(
      ltv({ arpa: { amount: 5000, currency: 'EUR' }, churnRate: 0.25, grossMargin: 0.5 }),
    ).toMatchObject({
      value: 10000,
      currency: 'EUR',
    });
  });

  it("reproduces ChartMogul's published example: ARPA $100 and 5% monthly churn give an LTV of $2,000", () => {
    // help.chartmogul.com, "Chart: Customer Lifetime Value (LTV)"
    expect(ltv({ arpa: { amount: 10_000, currency: 'USD' }, churnRate: 0.05 }).value).toBeCloseTo(
      200_000,
      6,
    );
  });

  it('takes a churnRate result directly, and is null when churn is 0 or unknown', () => {
    const lifetimes = [
      { customerId: 'a', start: '2025-01-01', end: '2026-01-10' },
      { customerId: 'b', start: '2025-01-01' },
    ];
    const churn = churnRate(lifetimes, { from: '2026-01-01', to: '2026-02-01' });
    expect(ltv({ arpa: 1000, churnRate: churn }).value).toBe(2000);
    expect(ltv({ arpa: 1000, churnRate: 0 }).value).toBeNull();
    expect(ltv({ arpa: 1000, churnRate: null }).value).toBeNull();
    expect(
      ltv({ arpa: 1000, churnRate: churnRate([], { from: 0, to: 1 }) }).lifetimePeriods,
    ).toBeNull();
  });

  it('reports bad inputs', () => {
    expect(() => ltv({ arpa: -1, churnRate: 0.1 })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: ltv: options.arpa is not a valid amount (expected a finite number >= 0 or { amount, currency }; received integer)]`,
    );
    expect(() => ltv({ arpa: 1, churnRate: 1.5 })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: ltv: options.churnRate is out of range (expected a number in [0, 1]; received number)]`,
    );
    expect(() =>
      ltv({ arpa: 1, churnRate: 0.1, grossMargin: Number.NaN }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: ltv: options.grossMargin is out of range (expected a number in [0, 1]; received NaN)]`,
    );
    expect(() => ltv({ arpa: { amount: 1, currency: 'eur' }, churnRate: 0.1 })).toThrow(
      /options\.arpa\.currency/,
    );
  });

  it('grows with ARPA and margin, shrinks with churn, and is never negative or infinite', () => {
    const share = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), share, share, (arpa, churn, margin) => {
        const r = assertPure(ltv, { arpa, churnRate: churn, grossMargin: margin });
        if (churn === 0 || !Number.isFinite((arpa * margin) / churn)) expect(r.value).toBeNull();
        else {
          expect(Number.isFinite(r.value)).toBe(true);
          expect(r.value!).toBeGreaterThanOrEqual(0);
          expect(r.value!).toBeCloseTo((arpa * margin) / churn, 6);
          // null is unbounded (the quotient overflowed), above every finite value
          const unbounded = (v: number | null) => v ?? Number.POSITIVE_INFINITY;
          expect(
            unbounded(ltv({ arpa: arpa + 1, churnRate: churn, grossMargin: margin }).value),
          ).toBeGreaterThanOrEqual(r.value!);
          expect(
            unbounded(ltv({ arpa, churnRate: Math.min(1, churn * 2), grossMargin: margin }).value),
          ).toBeLessThanOrEqual(r.value!);
        }
      }),
      // once found: ARPA 0 over a subnormal churn rate is 0, and ARPA 1 over it overflows
      { examples: [[0, 5e-324, 8.881784197001252e-16]] },
    );
  });
});
