import { describe, expect, it } from 'vitest';
import type { MrrChange } from '../core/records';
import { netRevenueRetention, netRevenueRetentionAccumulator } from './netRevenueRetention';

const from = Date.UTC(2025, 0, 1);
const to = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

describe('netRevenueRetention', () => {
  it('follows the base: new customers are left out, expansion counts, churn and contraction subtract', () => {
    const changes: MrrChange[] = [
      { customerId: 'a', at: from - DAY, mrr: 1000 },
      { customerId: 'a', at: from + 100 * DAY, mrr: 2500 },
      { customerId: 'b', at: from - DAY, mrr: 1000 },
      { customerId: 'b', at: from + 50 * DAY, mrr: 600 },
      { customerId: 'c', at: from - DAY, mrr: 1000 },
      { customerId: 'c', at: from + 10 * DAY, mrr: 0 },
      { customerId: 'new', at: from + DAY, mrr: 99_000 },
      { customerId: 'former', at: from - 90 * DAY, mrr: 800 },
      { customerId: 'former', at: from - 30 * DAY, mrr: 0 },
      { customerId: 'former', at: from + 30 * DAY, mrr: 800 },
    ];
    const r = netRevenueRetention(changes, { from, to });
    expect(r).toMatchObject({ customers: 3, startingMrr: 3000, endingMrr: 3100 });
    expect(r).toMatchObject({
      expansion: 1500,
      contraction: 400,
      churn: 1000,
      churnedCustomers: 1,
    });
    expect(r.rate).toBe(r.endingMrr / r.startingMrr);
    expect(r.endingMrr).toBe(r.startingMrr + r.expansion - r.contraction - r.churn);
  });

  it('a customer who churns and comes back within the period counts at what they pay at the end', () => {
    const changes: MrrChange[] = [
      { customerId: 'a', at: from - DAY, mrr: 1000 },
      { customerId: 'a', at: from + DAY, mrr: 0 },
      { customerId: 'a', at: from + 9 * DAY, mrr: 700 },
    ];
    expect(netRevenueRetention(changes, { from, to })).toMatchObject({
      rate: 0.7,
      contraction: 300,
      churn: 0,
    });
  });

  it('returns a null rate with zero sums when nobody paid at the start', () => {
    expect(
      netRevenueRetention([{ customerId: 'a', at: from + DAY, mrr: 100 }], { from, to }),
    ).toEqual({
      rate: null,
      currency: null,
      customers: 0,
      startingMrr: 0,
      endingMrr: 0,
      expansion: 0,
      contraction: 0,
      churn: 0,
      churnedCustomers: 0,
    });
  });

  it('reports the documented errors', () => {
    expect(() =>
      netRevenueRetention([{ customerId: 'a', at: from, mrr: Number.NaN }], { from, to }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: netRevenueRetention: mrrChanges[0].mrr is not a valid amount (expected a non-negative integer number of minor units (cents); received NaN)]`,
    );
    expect(() =>
      netRevenueRetention([{ customerId: 'a', at: '2025-02-30', mrr: 1 }], { from, to }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: netRevenueRetention: mrrChanges[0].at is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received string)]`,
    );
    expect(() =>
      netRevenueRetention(
        [
          { customerId: 'a', at: from, mrr: 1, currency: 'USD' },
          { customerId: 'a', at: to, mrr: 1, currency: 'JPY' },
        ],
        { from, to },
      ),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: netRevenueRetention: mrrChanges[1].currency has an invalid value: JPY differs from USD; pass options.currency and options.convert to combine currencies]`,
    );
    expect(() =>
      netRevenueRetention(
        [
          { customerId: 'a', at: from, mrr: 1 },
          { customerId: 'a', at: from, mrr: 2 },
        ],
        { from, to },
      ),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: netRevenueRetention: mrrChanges is ambiguous: two changes of one subscription at the same instant set different MRR]`,
    );
    expect(() =>
      netRevenueRetention([], { from, to, convert: 5 as never, currency: 'USD' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: netRevenueRetention: options.convert has the wrong type (expected a function; received integer)]`,
    );
  });

  it('will not merge a snapshot of another revenue calculator', () => {
    const nrr = netRevenueRetentionAccumulator({ from, to });
    expect(() =>
      nrr.merge({ ...nrr.snapshot(), kind: 'retention-kit/grossRevenueRetention' }),
    ).toThrow(/expected a snapshot of retention-kit\/netRevenueRetention/);
  });
});
