import { describe, expect, it } from 'vitest';
import type { MrrChange } from '../core/records';
import { grossRevenueRetention } from './grossRevenueRetention';
import { netRevenueRetention } from './netRevenueRetention';
import { revenueChurn } from './revenueChurn';

const from = Date.UTC(2026, 0, 1);
const to = Date.UTC(2026, 1, 1);
const DAY = 86_400_000;

describe('revenueChurn', () => {
  it("reproduces ChartMogul's published example of gross and net MRR churn (20% and 10%)", () => {
    // help.chartmogul.com, "MRR Churn Rate": $100 MRR at the start of the month, $10 lost to churn,
    // $10 to contraction, one customer increases their MRR by $10: gross 20%, net 10%.
    const changes: MrrChange[] = [
      { customerId: 'churns', at: from - DAY, mrr: 1000 },
      { customerId: 'shrinks', at: from - DAY, mrr: 3000 },
      { customerId: 'grows', at: from - DAY, mrr: 6000 },
      { customerId: 'churns', at: from + 3 * DAY, mrr: 0 },
      { customerId: 'shrinks', at: from + 4 * DAY, mrr: 2000 },
      { customerId: 'grows', at: from + 5 * DAY, mrr: 7000 },
    ];
    const r = revenueChurn(changes, { from, to });
    expect(r.gross).toBe(0.2);
    expect(r.net).toBe(0.1);
    expect(r).toMatchObject({
      startingMrr: 10_000,
      churn: 1000,
      contraction: 1000,
      expansion: 1000,
    });
  });

  it('counts movements of customers who joined during the period on the movements basis only', () => {
    const changes: MrrChange[] = [
      { customerId: 'base', at: from - DAY, mrr: 1000 },
      { customerId: 'joins', at: from + DAY, mrr: 5000 },
      { customerId: 'joins', at: from + 9 * DAY, mrr: 0 },
    ];
    const movements = revenueChurn(changes, { from, to });
    expect(movements).toMatchObject({ churn: 5000, gross: 5 }); // not a proportion of the base
    const base = revenueChurn(changes, { from, to, basis: 'startingCustomers' });
    expect(base).toMatchObject({ churn: 0, gross: 0, net: 0 });
  });

  it('on the startingCustomers basis, gross = 1 - GRR and net = 1 - NRR', () => {
    const changes: MrrChange[] = [
      { customerId: 'a', at: from - DAY, mrr: 1000 },
      { customerId: 'a', at: from + DAY, mrr: 1600 },
      { customerId: 'b', at: from - DAY, mrr: 1000 },
      { customerId: 'b', at: from + 2 * DAY, mrr: 0 },
    ];
    const r = revenueChurn(changes, { from, to, basis: 'startingCustomers' });
    expect(r.gross).toBe(1 - grossRevenueRetention(changes, { from, to }).rate!);
    expect(r.net).toBeCloseTo(1 - netRevenueRetention(changes, { from, to }).rate!, 12);
    expect(r.net).toBeLessThan(r.gross!);
  });

  it('goes negative when expansion outweighs churn (net negative churn)', () => {
    const changes: MrrChange[] = [
      { customerId: 'a', at: from - DAY, mrr: 1000 },
      { customerId: 'a', at: from + DAY, mrr: 3000 },
    ];
    expect(revenueChurn(changes, { from, to }).net).toBe(-2);
  });

  it('returns null rates on empty input, and refuses an unknown basis', () => {
    expect(revenueChurn([], { from, to })).toEqual({
      basis: 'movements',
      gross: null,
      net: null,
      currency: null,
      startingMrr: 0,
      churn: 0,
      contraction: 0,
      expansion: 0,
      reactivation: 0,
    });
    expect(() =>
      revenueChurn([], { from, to, basis: 'base' as never }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: revenueChurn: options.basis is not one of the allowed values (expected movements, startingCustomers; received string)]`,
    );
  });
});
