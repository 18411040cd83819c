import { describe, expect, it } from 'vitest';
import { timeToSecondPurchase } from './timeToSecondPurchase';

const DAY = 86_400_000;
const t0 = Date.UTC(2026, 0, 1);

describe('timeToSecondPurchase', () => {
  it('uses the two earliest orders of each customer, whatever the order of records', () => {
    const r = timeToSecondPurchase([
      { customerId: 'a', at: t0 + 30 * DAY },
      { customerId: 'a', at: t0 + 9 * DAY },
      { customerId: 'a', at: t0 },
    ]);
    expect(r).toMatchObject({
      customers: 1,
      reached: 1,
      censored: 0,
      median: 9 * DAY,
      asOf: t0 + 30 * DAY,
    });
  });

  it('counts two orders at the same instant as a second purchase after 0 ms', () => {
    const r = timeToSecondPurchase([
      { customerId: 'a', at: t0 },
      { customerId: 'a', at: t0 },
    ]);
    expect(r.amongReached.median).toBe(0);
  });

  it('censors one-time buyers at asOf, by default the latest order', () => {
    const orders = [
      { customerId: 'a', at: t0 },
      { customerId: 'b', at: t0 + 10 * DAY },
    ];
    // Nobody came back: the restricted mean is the whole observed span (a lower bound).
    expect(timeToSecondPurchase(orders)).toMatchObject({
      reached: 0,
      censored: 2,
      median: null,
      mean: 10 * DAY,
      asOf: t0 + 10 * DAY,
    });
    expect(timeToSecondPurchase(orders, { asOf: t0 + 5 * DAY })).toMatchObject({
      customers: 1,
      censored: 1,
      mean: 5 * DAY,
    });
  });

  it('returns null summaries on empty input', () => {
    const empty = { median: null, p75: null, p90: null, mean: null };
    expect(timeToSecondPurchase([])).toEqual({
      customers: 0,
      reached: 0,
      censored: 0,
      ...empty,
      amongReached: empty,
      asOf: null,
    });
  });

  it('reports bad orders with their index and path', () => {
    expect(() =>
      timeToSecondPurchase([{ customerId: 'a', at: t0 }, { customerId: 'b' } as never]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: timeToSecondPurchase: orders[1].at is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received undefined)]`,
    );
    expect(() => timeToSecondPurchase([], { asOf: 'later' })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: timeToSecondPurchase: options.asOf is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received string)]`,
    );
  });
});
