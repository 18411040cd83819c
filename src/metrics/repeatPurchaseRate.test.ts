import { describe, expect, it } from 'vitest';
import { repeatPurchaseRate, repeatPurchaseRateAccumulator } from './repeatPurchaseRate';

const DAY = 86_400_000;
const t0 = Date.UTC(2026, 0, 1);

describe('repeatPurchaseRate', () => {
  it('counts a second order before first + within; one exactly at the end is too late', () => {
    const r = repeatPurchaseRate([
      { customerId: 'in', at: t0 },
      { customerId: 'in', at: t0 + 90 * DAY - 1 },
      { customerId: 'edge', at: t0 },
      { customerId: 'edge', at: t0 + 90 * DAY },
    ]);
    expect(r).toEqual({ rate: 0.5, repeated: 1, customers: 2, pending: 0 });
  });

  it('keeps one-time buyers whose window is open out of the rate when asOf is given', () => {
    const orders = [
      { customerId: 'old', at: t0 },
      { customerId: 'recent', at: t0 + 80 * DAY },
      { customerId: 'recent-repeat', at: t0 + 80 * DAY },
      { customerId: 'recent-repeat', at: t0 + 85 * DAY },
    ];
    expect(repeatPurchaseRate(orders, { asOf: t0 + 100 * DAY })).toEqual({
      rate: 0.5,
      repeated: 1,
      customers: 3,
      pending: 1,
    });
    expect(repeatPurchaseRate(orders)).toMatchObject({ pending: 0, customers: 3 });
  });

  it('restricts to a cohort of first orders, and counts calendar windows on the calendar', () => {
    const orders = [
      { customerId: 'jan', at: '2026-01-31T12:00:00Z' },
      { customerId: 'jan', at: '2026-03-01T12:00:00Z' }, // 29 days, but after 31 January + 1 month
      { customerId: 'feb', at: '2026-02-02T12:00:00Z' },
    ];
    const jan = { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' };
    expect(repeatPurchaseRate(orders, { cohort: jan, within: { months: 1 } })).toMatchObject({
      customers: 1,
      repeated: 0,
    });
    expect(repeatPurchaseRate(orders, { cohort: jan, within: '30d' })).toMatchObject({
      customers: 1,
      repeated: 1,
    });
  });

  it('returns a null rate on empty input and reports the documented errors', () => {
    expect(repeatPurchaseRate([])).toEqual({ rate: null, repeated: 0, customers: 0, pending: 0 });
    expect(() => repeatPurchaseRate([], { within: '3 months' })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: repeatPurchaseRate: options.within is not a valid duration (expected milliseconds, a string like '90m', '3h', '7d', '2w' or '1h30m', or { months, days, ... }; received string)]`,
    );
    expect(() =>
      repeatPurchaseRate([{ customerId: '', at: t0 }]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: repeatPurchaseRate: orders[0].customerId has the wrong type (expected a non-empty string; received empty string)]`,
    );
    expect(() =>
      repeatPurchaseRateAccumulator().merge(repeatPurchaseRateAccumulator({ within: '30d' })),
    ).toThrow(/different options/);
  });
});
