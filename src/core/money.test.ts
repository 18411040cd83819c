import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RetentionError, RetentionInputError } from './errors';
import {
  addMoney,
  currencyExponent,
  formatMoney,
  isCurrencyCode,
  money,
  sumMoney,
  toCurrency,
  toMinorUnits,
} from './money';

describe('money', () => {
  it('creates and checks values', () => {
    expect(money(2900, 'USD')).toEqual({ amount: 2900, currency: 'USD' });
    expect(() => money(29.5, 'USD')).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: money: amount is not a valid amount (expected an integer number of minor units (cents); received number)]`,
    );
    expect(() => money(100, 'usd')).toThrow(/currency is not an ISO 4217 currency code/);
    expect(() => toMinorUnits(Number.NaN)).toThrow(RetentionInputError);
    expect(() => toCurrency(undefined)).toThrow(RetentionInputError);
    expect(isCurrencyCode('EUR')).toBe(true);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('EUR')).toBe(2);
  });

  it('refuses to mix currencies without a converter', () => {
    expect(() => addMoney(money(1, 'USD'), money(1, 'EUR'))).toThrow(
      expect.objectContaining({
        code: 'currency_mismatch',
        message: 'addMoney: cannot combine USD and EUR without a currency converter',
      }),
    );
    expect(() => sumMoney([money(1, 'USD'), money(1, 'EUR')])).toThrow(RetentionError);
    const convert = (amount: number, from: string, to: string) =>
      from === 'EUR' && to === 'USD' ? Math.round(amount * 1.1) : Number.NaN;
    expect(sumMoney([money(100, 'USD'), money(100, 'EUR')], { convert })).toEqual({
      amount: 210,
      currency: 'USD',
    });
    expect(() => sumMoney([money(100, 'USD'), money(100, 'GBP')], { convert })).toThrow(
      /converted amounts\[1\].amount is not a valid amount/,
    );
  });

  it('needs a currency for an empty sum and guards the safe-integer range', () => {
    expect(() => sumMoney([])).toThrow(/options.currency is required/);
    expect(sumMoney([], { currency: 'EUR' })).toEqual({ amount: 0, currency: 'EUR' });
    expect(() => addMoney(money(Number.MAX_SAFE_INTEGER, 'USD'), money(1, 'USD'))).toThrow(
      expect.objectContaining({ code: 'limit_exceeded' }),
    );
  });

  it('formats with Intl', () => {
    expect(formatMoney(money(123450, 'EUR'), 'de-DE')).toBe('1.234,50\u00a0€');
    expect(formatMoney(money(2900, 'USD'))).toBe('$29.00');
    expect(formatMoney(money(500, 'JPY'), 'en-US')).toBe('¥500');
  });

  it('sums partitions to the whole, in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e9, max: 1e9 })), fc.nat(), (amounts, cut) => {
        const list = amounts.map((a) => money(a, 'EUR'));
        const at = list.length === 0 ? 0 : cut % (list.length + 1);
        const whole = sumMoney(list, { currency: 'EUR' });
        const parts = addMoney(
          sumMoney(list.slice(0, at), { currency: 'EUR' }),
          sumMoney(list.slice(at), { currency: 'EUR' }),
        );
        expect(parts).toEqual(whole);
        expect(sumMoney([...list].reverse(), { currency: 'EUR' })).toEqual(whole);
        expect(whole.amount).toBe(amounts.reduce((s, a) => s + a, 0));
      }),
    );
  });
});
