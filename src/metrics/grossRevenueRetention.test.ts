import { describe, expect, it } from 'vitest';
import type { MrrChange } from '../core/records';
import { grossRevenueRetention } from './grossRevenueRetention';
import { netRevenueRetention } from './netRevenueRetention';

const from = Date.UTC(2025, 0, 1);
const to = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

describe('grossRevenueRetention', () => {
  it('caps each base customer at their starting MRR', () => {
    const changes: MrrChange[] = [
      { customerId: 'a', at: from - DAY, mrr: 1000 },
      { customerId: 'a', at: from + 100 * DAY, mrr: 5000 },
      { customerId: 'b', at: from - DAY, mrr: 1000 },
      { customerId: 'b', at: from + 50 * DAY, mrr: 600 },
      { customerId: 'c', at: from - DAY, mrr: 1000 },
      { customerId: 'c', at: from + 10 * DAY, mrr: 0 },
    ];
    const r = grossRevenueRetention(changes, { from, to });
    expect(r).toMatchObject({ customers: 3, startingMrr: 3000, contraction: 400, churn: 1000 });
    expect(r.retainedMrr).toBe(1000 + 600 + 0);
    expect(r.rate).toBe(r.retainedMrr / r.startingMrr);
    expect(netRevenueRetention(changes, { from, to }).rate).toBeGreaterThan(1);
    expect(r.rate).toBeLessThan(1);
  });

  it('returns a null rate with zero sums on empty input', () => {
    expect(grossRevenueRetention([], { from, to })).toEqual({
      rate: null,
      currency: null,
      customers: 0,
      startingMrr: 0,
      retainedMrr: 0,
      contraction: 0,
      churn: 0,
      churnedCustomers: 0,
    });
  });

  it('reports bad changes with their index and path', () => {
    expect(() =>
      grossRevenueRetention([{ customerId: 'a', at: from, mrr: Number.POSITIVE_INFINITY }], {
        from,
        to,
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: grossRevenueRetention: mrrChanges[0].mrr is not a valid amount (expected a non-negative integer number of minor units (cents); received Infinity)]`,
    );
  });
});
