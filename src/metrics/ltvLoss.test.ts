import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import { ltv } from './ltv';
import { ltvLoss } from './ltvLoss';

describe('ltvLoss', () => {
  it('is LTV minus CAC: LTV 1200 and CAC 300 lose 900', () => {
    expect(ltvLoss({ ltv: 1200, cac: 300 })).toEqual({
      value: 900,
      currency: null,
      ltv: 1200,
      cac: 300,
    });
    expect(
      ltvLoss({
        ltv: { amount: 120000, currency: 'USD' },
        cac: { amount: 30000, currency: 'USD' },
      }),
    ).toEqual({
      value: 90000,
      currency: 'USD',
      ltv: 120000,
      cac: 30000,
    });
  });

  it('takes an ltv result, and stays null when the LTV is unknown', () => {
    expect(
      ltvLoss({ ltv: ltv({ arpa: { amount: 100, currency: 'EUR' }, churnRate: 0.1 }), cac: 400 }),
    ).toMatchObject({
      value: 600,
      currency: 'EUR',
    });
    expect(ltvLoss({ ltv: ltv({ arpa: 100, churnRate: 0 }), cac: 400 }).value).toBeNull();
  });

  it('refuses to mix currencies and bad amounts', () => {
    expect(() =>
      ltvLoss({ ltv: { amount: 1, currency: 'USD' }, cac: { amount: 1, currency: 'EUR' } }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionError: ltvLoss: cannot combine USD and EUR without a currency converter]`,
    );
    expect(() => ltvLoss({ ltv: 10, cac: Number.NaN })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: ltvLoss: options.cac is not a valid amount (expected a finite number >= 0 or { amount, currency }; received NaN)]`,
    );
  });

  it('is exactly ltv - cac', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }), (l, c) => {
        expect(assertPure(ltvLoss, { ltv: l, cac: c }).value).toBe(l - c);
      }),
    );
  });
});
