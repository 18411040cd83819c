import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMergeable } from '../../test/helpers/contracts';
import { DAY, drive, failed, policy, subscription, t } from '../../test/helpers/dunning';
import { RetentionError, RetentionInputError } from '../core/errors';
import { dunningMetrics, dunningMetricsAccumulator } from './dunningMetrics';
import type { DunningCampaign } from './planDunning';

const base: Omit<
  DunningCampaign,
  | 'status'
  | 'closedAt'
  | 'recoveredBy'
  | 'amountFailed'
  | 'amountDue'
  | 'recoveredByRetries'
  | 'recoveredByCustomer'
  | 'currency'
  | 'id'
> = {
  policyId: 'p',
  policyVersion: 1,
  startedAt: 0,
  finalActionAt: 14 * DAY,
  invoiceIds: [],
  charge: 1,
  round: 1,
  chargeFailedAt: 0,
  anchorAt: 0,
  windowEnd: 14 * DAY,
  nextChargeAt: 30 * DAY,
  attempts: [],
  updates: 0,
  retryOnUpdateAt: null,
};

/** Campaigns of every kind, as fast-check draws them. */
const arbCampaign = (currencies: readonly string[] = ['USD']) =>
  fc
    .record({
      id: fc.string({ minLength: 1, maxLength: 4 }),
      currency: fc.constantFrom(...currencies),
      status: fc.constantFrom('open', 'recovered', 'final_action'),
      amountFailed: fc.integer({ min: 1, max: 100_000 }),
      share: fc.double({ min: 0, max: 1, noNaN: true }),
      customerShare: fc.double({ min: 0, max: 1, noNaN: true }),
      by: fc.constantFrom('retry', 'customer'),
      days: fc.integer({ min: 0, max: 30 * DAY }),
    })
    .map(({ share, customerShare, by, days, ...c }): DunningCampaign => {
      const recovered =
        c.status === 'recovered' ? c.amountFailed : Math.floor(c.amountFailed * share * 0.99);
      const byCustomer = Math.floor(recovered * customerShare);
      return {
        ...base,
        ...c,
        closedAt: c.status === 'open' ? null : days,
        recoveredBy: c.status === 'recovered' ? (by as 'retry' | 'customer') : null,
        amountDue: c.amountFailed - recovered,
        recoveredByRetries: recovered - byCustomer,
        recoveredByCustomer: byCustomer,
      };
    });

/** The metrics the slow, obvious way. */
function naive(campaigns: readonly DunningCampaign[], voluntaryChurns = 0) {
  const closed = campaigns.filter((c) => c.status !== 'open');
  const recovered = closed.filter((c) => c.status === 'recovered');
  const churned = closed.filter((c) => c.status === 'final_action').length;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const failedAmount = sum(closed.map((c) => c.amountFailed));
  const byRetries = sum(closed.map((c) => c.recoveredByRetries));
  const byCustomer = sum(closed.map((c) => c.recoveredByCustomer));
  const times = recovered.map((c) => c.closedAt! - c.startedAt);
  return {
    recoveryRate: failedAmount === 0 ? null : (byRetries + byCustomer) / failedAmount,
    customerActionShare:
      byRetries + byCustomer === 0 ? null : byCustomer / (byRetries + byCustomer),
    involuntaryChurnShare:
      churned + voluntaryChurns === 0 ? null : churned / (churned + voluntaryChurns),
    meanTimeToRecoveryMs: times.length === 0 ? null : sum(times) / times.length,
    maxTimeToRecoveryMs: times.length === 0 ? null : Math.max(...times),
    recovered: recovered.length,
    recoveredByCustomer: recovered.filter((c) => c.recoveredBy === 'customer').length,
    churned,
    open: campaigns.length - closed.length,
  };
}

describe('dunningMetrics', () => {
  it('measures campaigns that the planner ran to their end', () => {
    const p = policy();
    const sub = subscription({ status: 'past_due', currentPeriodEnd: '2026-07-10T09:00:00Z' });
    const run = (code: string, succeedAt: number | null) =>
      drive(
        sub,
        p,
        { events: [failed('2026-06-10T09:00:00Z', code)], now: t('2026-06-10T09:00:00Z') },
        (attempt) => (attempt === succeedAt ? { ok: true } : { ok: false, code }),
      ).plans.flatMap((plan) => plan.closed);
    const closed = [
      ...run('insufficient_funds', 2),
      ...run('insufficient_funds', 5),
      ...run('do_not_honor', null),
      ...run('stolen_card', null),
    ];
    expect(closed.map((c) => c.status)).toEqual([
      'recovered',
      'recovered',
      'final_action',
      'final_action',
    ]);
    const m = dunningMetrics(closed, { voluntaryChurns: 6 });
    expect(m).toMatchObject({
      currency: 'EUR',
      campaigns: 4,
      recovered: 2,
      churned: 2,
      recoveredByRetries: 2,
      amountFailed: 4 * 4900,
      amountRecovered: 2 * 4900,
      recoveryRate: 0.5,
      involuntaryChurnShare: 0.25,
    });
    // recovered after 1 day and after 7 days
    expect(m.meanTimeToRecoveryMs).toBe(4 * DAY);
    expect(m.maxTimeToRecoveryMs).toBe(7 * DAY);
  });

  it('equals a naive computation, rates within [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.array(arbCampaign(), { maxLength: 40 }),
        fc.nat(20),
        (campaigns, voluntary) => {
          const m = dunningMetrics(campaigns, { voluntaryChurns: voluntary });
          const expected = naive(campaigns, voluntary);
          for (const [k, v] of Object.entries(expected)) {
            const actual = m[k as keyof typeof m];
            if (typeof v === 'number' && !Number.isInteger(v)) expect(actual, k).toBeCloseTo(v, 9);
            else expect(actual, k).toBe(v);
          }
          for (const r of [m.recoveryRate, m.customerActionShare, m.involuntaryChurnShare])
            if (r !== null) expect(r >= 0 && r <= 1).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('merges partitions, live or as JSON snapshots, to the answer of one pass', () => {
    fc.assert(
      fc.property(
        fc.array(arbCampaign(), { maxLength: 30 }),
        fc.array(fc.nat(30), { maxLength: 4 }),
        (campaigns, cuts) => {
          assertMergeable(
            () => dunningMetricsAccumulator({ currency: 'USD' }),
            campaigns,
            cuts,
            (a, b) =>
              JSON.stringify(a, (_k, v) =>
                typeof v === 'number' ? Number(v.toPrecision(12)) : v,
              ) ===
              JSON.stringify(b, (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v)),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('returns nulls, not NaN, when there is nothing to rate', () => {
    expect(dunningMetrics([])).toEqual({
      currency: null,
      campaigns: 0,
      open: 0,
      recovered: 0,
      churned: 0,
      recoveredByRetries: 0,
      recoveredByCustomer: 0,
      amountFailed: 0,
      amountRecovered: 0,
      amountRecoveredByRetries: 0,
      amountRecoveredByCustomer: 0,
      recoveryRate: null,
      customerActionShare: null,
      voluntaryChurns: 0,
      involuntaryChurnShare: null,
      meanTimeToRecoveryMs: null,
      maxTimeToRecoveryMs: null,
    });
  });

  it('never mixes currencies without a converter', () => {
    const [usd, eur] = fc.sample(
      arbCampaign(['USD']).filter((c) => c.status !== 'open'),
      2,
    ) as [DunningCampaign, DunningCampaign];
    const euro = { ...eur, currency: 'EUR' };
    expect(() => dunningMetrics([usd, euro])).toThrow(RetentionError);
    expect(() => dunningMetrics([usd, euro])).toThrowErrorMatchingInlineSnapshot(
      `[RetentionError: dunningMetrics: cannot combine USD and EUR without a currency converter]`,
    );
    const m = dunningMetrics([usd, euro], { currency: 'USD', convert: (amount) => amount * 2 });
    expect(m.amountFailed).toBe(usd.amountFailed + 2 * euro.amountFailed);
    expect(() =>
      dunningMetricsAccumulator().add(usd).merge(dunningMetricsAccumulator().add(euro)),
    ).toThrow(/cannot merge partitions in USD and EUR/);
  });

  it('rejects malformed records and options with their place', () => {
    expect(() =>
      dunningMetrics([{ ...base, id: 'x', currency: 'usd' } as never]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: dunningMetrics: campaigns[0].currency is not an ISO 4217 currency code (received string)]`,
    );
    expect(() => dunningMetrics([], { voluntaryChurns: -1 })).toThrow(RetentionInputError);
    expect(() => dunningMetricsAccumulator({ currency: 'dollars' })).toThrow(/options.currency/);
  });
});
