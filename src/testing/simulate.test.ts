import { describe, expect, it } from 'vitest';
import { RetentionInputError } from '../core/errors';
import {
  activityEventSchema,
  customerSchema,
  lifetimeSchema,
  mrrChangeSchema,
  orderSchema,
  parseRecords,
  paymentAttemptSchema,
  subscriptionSchema,
  surveyResponseSchema,
} from '../core/records';
import { simulateBusiness } from './simulate';

const DAY = 86_400_000;
const saas = simulateBusiness({ seed: 11, customers: 1500, days: 120 });
const shop = simulateBusiness({ seed: 12, customers: 3000, days: 365, variant: 'ecommerce' });

function sortedByTime(list: readonly { at: unknown }[]): boolean {
  for (let i = 1; i < list.length; i++)
    if ((list[i]!.at as number) < (list[i - 1]!.at as number)) return false;
  return true;
}

describe('simulateBusiness', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = simulateBusiness({ seed: 5, customers: 200, days: 60 });
    const b = simulateBusiness({ seed: 5, customers: 200, days: 60 });
    expect(b).toStrictEqual(a);
    const c = simulateBusiness({ seed: 6, customers: 200, days: 60 });
    expect(c.events.length).not.toBe(a.events.length);
    const s1 = simulateBusiness({ seed: 5, customers: 200, days: 200, variant: 'ecommerce' });
    expect(
      simulateBusiness({ seed: 5, customers: 200, days: 200, variant: 'ecommerce' }),
    ).toStrictEqual(s1);
  });

  it('produces records that pass every schema, in time order, with unique ids, inside the history', () => {
    for (const b of [saas, shop]) {
      parseRecords(customerSchema(), b.customers);
      parseRecords(activityEventSchema(), b.events);
      parseRecords(mrrChangeSchema(), b.mrrChanges);
      parseRecords(subscriptionSchema(), b.subscriptions);
      parseRecords(paymentAttemptSchema(), b.payments);
      parseRecords(orderSchema(), b.orders);
      parseRecords(surveyResponseSchema(), b.surveys);
      parseRecords(lifetimeSchema(), b.lifetimes);
      for (const list of [b.events, b.mrrChanges, b.payments, b.orders, b.surveys]) {
        expect(sortedByTime(list)).toBe(true);
        for (const r of list) {
          expect(r.at as number).toBeGreaterThanOrEqual(b.options.start);
          expect(r.at as number).toBeLessThan(b.end);
        }
      }
      for (const list of [b.events, b.payments, b.orders, b.surveys, b.customers]) {
        expect(new Set(list.map((r) => r.id)).size).toBe(list.length);
      }
    }
  });

  it('keeps lifetimes, MRR and subscriptions consistent', () => {
    const byCustomer = new Map<string, { start: number; end?: number }[]>();
    for (const l of saas.lifetimes) {
      const list = byCustomer.get(l.customerId) ?? [];
      list.push({
        start: l.start as number,
        ...(l.end === undefined ? {} : { end: l.end as number }),
      });
      byCustomer.set(l.customerId, list);
    }
    // every customer has a lifetime; lifetimes of a customer never overlap; only the last is open
    expect(byCustomer.size).toBe(saas.customers.length);
    for (const list of byCustomer.values()) {
      list.sort((a, b) => a.start - b.start);
      list.forEach((l, i) => {
        if (i < list.length - 1) {
          expect(l.end).toBeDefined();
          expect(l.end!).toBeLessThanOrEqual(list[i + 1]!.start);
        }
      });
    }
    // a canceled subscription's customer has no open lifetime; an active one has exactly one
    for (const s of saas.subscriptions) {
      const open = byCustomer.get(s.customerId)!.filter((l) => l.end === undefined).length;
      expect(open).toBe(s.status === 'canceled' ? 0 : 1);
    }
    // the last MRR change of a canceled customer is 0
    const lastMrr = new Map<string, number>();
    for (const m of saas.mrrChanges) lastMrr.set(m.customerId, m.mrr);
    for (const s of saas.subscriptions)
      if (s.status === 'canceled') expect(lastMrr.get(s.customerId)).toBe(0);
  });

  it('makes churn depend on behaviour, and matches the domain’s proportions', () => {
    const truth = saas.truth.customers;
    const churnShare = (list: typeof truth) =>
      list.filter((c) => c.churnedAt !== undefined).length / list.length;
    const withValue = truth.filter((c) => c.firstValueAt !== undefined);
    const withoutValue = truth.filter((c) => c.firstValueAt === undefined);
    expect(churnShare(withoutValue)).toBeGreaterThan(1.8 * churnShare(withValue));
    const activated = truth.filter((c) => c.activated);
    const notActivated = truth.filter((c) => !c.activated);
    expect(churnShare(notActivated)).toBeGreaterThan(churnShare(activated));
    // involuntary churn is a fifth to a third of all churn
    const churned = truth.filter((c) => c.churnKind !== undefined);
    const involuntary =
      churned.filter((c) => c.churnKind === 'involuntary').length / churned.length;
    expect(involuntary).toBeGreaterThan(0.12);
    expect(involuntary).toBeLessThan(0.4);
    // activity fades before a voluntary churn: logins in the 2 weeks before disengagement vs the 2 weeks before churn
    const logins = new Map<string, number[]>();
    for (const e of saas.events)
      if (e.type === 'login')
        (logins.get(e.customerId) ?? logins.set(e.customerId, []).get(e.customerId)!).push(
          e.at as number,
        );
    let before = 0;
    let after = 0;
    for (const c of churned) {
      if (
        c.churnKind !== 'voluntary' ||
        c.disengagedAt === undefined ||
        c.churnedAt! - c.disengagedAt < 14 * DAY
      )
        continue;
      const ts = logins.get(c.customerId) ?? [];
      before += ts.filter((t) => t >= c.disengagedAt! - 14 * DAY && t < c.disengagedAt!).length;
      after += ts.filter((t) => t >= c.churnedAt! - 14 * DAY && t < c.churnedAt!).length;
    }
    expect(after).toBeLessThan(0.6 * before);
  });

  it('records exit reasons in English and Russian, failed payments with decline codes, and pauses', () => {
    const exits = saas.surveys.filter((s) => s.kind === 'exit');
    expect(exits.length).toBeGreaterThan(20);
    expect(exits.some((s) => /[а-я]/i.test(s.text ?? ''))).toBe(true);
    const failed = saas.payments.filter((p) => p.outcome === 'failed');
    expect(failed.length).toBeGreaterThan(20);
    expect(failed.every((p) => typeof p.declineCode === 'string')).toBe(true);
    expect(new Set(failed.map((p) => p.declineCode)).size).toBeGreaterThan(5);
    expect(saas.events.some((e) => e.type === 'subscription_paused')).toBe(true);
    expect(saas.mrrChanges.some((m, i) => i > 0 && m.mrr > 0)).toBe(true);
  });

  it('draws shop purchases from the BG/NBD population it reports', () => {
    const t = shop.truth.ecommerce!;
    const lambdas = shop.truth.customers.map((c) => c.lambda!);
    const meanLambda = lambdas.reduce((s, x) => s + x, 0) / lambdas.length;
    // E[lambda] = r / alpha under the gamma mixing distribution
    expect(meanLambda).toBeGreaterThan(0.6 * (t.r / t.alpha));
    expect(meanLambda).toBeLessThan(1.5 * (t.r / t.alpha));
    const dropouts = shop.truth.customers.map((c) => c.dropout!);
    const meanP = dropouts.reduce((s, x) => s + x, 0) / dropouts.length;
    expect(Math.abs(meanP - t.a / (t.a + t.b))).toBeLessThan(0.03);
    const perCustomer = new Map<string, number>();
    for (const o of shop.orders)
      perCustomer.set(o.customerId, (perCustomer.get(o.customerId) ?? 0) + 1);
    expect(perCustomer.size).toBe(shop.customers.length);
    expect([...perCustomer.values()].some((n) => n > 3)).toBe(true);
    expect(shop.events.some((e) => e.type === 'cart_added')).toBe(true);
  });

  it('rejects bad options with a path', () => {
    expect(() => simulateBusiness({ customers: -1 })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: simulateBusiness: options.customers is out of range (expected an integer 0-10000000)]`,
    );
    expect(() => simulateBusiness({ days: 0 })).toThrow(RetentionInputError);
    expect(() => simulateBusiness({ start: 'soon' })).toThrow(
      /options.start is not a valid instant/,
    );
    expect(() => simulateBusiness({ retries: [3, 2] })).toThrow(
      /options.retries\[1\] has an invalid value/,
    );
    expect(() => simulateBusiness({ timeZones: [{ timeZone: 'Nowhere', weight: 1 }] })).toThrow(
      /options.timeZones\[0\].timeZone/,
    );
    expect(() => simulateBusiness({ variant: 'retail' as never })).toThrow(/options.variant/);
    expect(simulateBusiness({ customers: 0 }).events).toEqual([]);
  });

  it('reports progress and stays deterministic with a progress callback', () => {
    const calls: [number, number][] = [];
    const b = simulateBusiness({
      seed: 5,
      customers: 200,
      days: 60,
      onProgress: (done, total) => calls.push([done, total]),
    });
    expect(calls.length).toBe(60);
    expect(calls.at(-1)).toEqual([60, 60]);
    expect(b).toStrictEqual(simulateBusiness({ seed: 5, customers: 200, days: 60 }));
    const shopCalls: number[] = [];
    simulateBusiness({
      seed: 5,
      customers: 300,
      days: 60,
      variant: 'ecommerce',
      onProgress: (done) => shopCalls.push(done),
    });
    expect(shopCalls.at(-1)).toBe(300);
  });

  it('leaves recovery to the caller when retries are off', () => {
    const b = simulateBusiness({ seed: 3, customers: 800, days: 120, retries: false });
    expect(b.payments.every((p) => (p.attempt ?? 1) === 1)).toBe(true);
  });
});
