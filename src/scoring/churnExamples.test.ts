import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import type { ActivityEvent } from '../core/records';
import { simulateBusiness } from '../testing/simulate';
import { updateActivityHistory } from './activityHistory';
import { churnExamples } from './churnExamples';
import { riskFeatures } from './riskFeatures';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
let seq = 0;
const ev = (
  customerId: string,
  type: string,
  day: number,
  properties?: Record<string, string | number>,
): ActivityEvent => ({
  id: `e${++seq}`,
  customerId,
  type,
  at: T0 + day * DAY,
  ...(properties === undefined ? {} : { properties }),
});

describe('riskFeatures', () => {
  it('summarises the history as numbers', () => {
    const events = [ev('c', 'signup', 0)];
    for (let d = 0; d < 50; d++) events.push(ev('c', 'login', d));
    events.push(
      ev('c', 'payment_failed', 55),
      ev('c', 'billing_interval_changed', 56, { from: 'year', to: 'month' }),
      ev('c', 'support_ticket_closed', 57, { satisfaction: 1 }),
      ev('c', 'email_sent', 40, { campaign: 'a' }),
      ev('c', 'email_sent', 47, { campaign: 'b' }),
      ev('c', 'feature_used', 10, { feature: 'api' }),
    );
    const f = riskFeatures(updateActivityHistory(undefined, events), {
      asOf: T0 + 60 * DAY,
      counts: ['signup', 'report_created'],
      paidFeatures: ['api', 'sso'],
    });
    expect(f).toMatchObject({
      tenureDays: 60,
      daysSinceActivity: 11,
      activityLast7d: 0,
      activityLast30d: 19,
      ignoredEmails: 2,
      failedPayments: 1,
      paymentUnresolved: 1,
      badExperiences: 1,
      billingSwitch: 1,
      unusedPaidFeatures: 1,
      'count.signup': 1,
      'count.report_created': 0,
    });
    // 3 logins in the 13 days of the recent window (days 47-59) against 47 in the 47 days before
    expect(f.activityDrop).toBeCloseTo(1 - 3 / 13, 12);
    expect(f.activityDropSurprise).toBeGreaterThan(2);
    expect(f.activityDropSurprise).toBeLessThanOrEqual(10);
  });

  it('needs a history that keeps 70 days of counts', () => {
    const h = updateActivityHistory(undefined, [ev('c', 'login', 0)], { retainDays: 30 });
    expect(() => riskFeatures(h, { asOf: T0 + DAY })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: riskFeatures: history.retainDays is out of range (expected at least 70 days of counts (14 recent and 56 baseline))]`,
    );
  });
});

describe('churnExamples', () => {
  const events = [
    ev('a', 'signup', 0),
    ev('a', 'login', 5),
    ev('a', 'subscription_canceled', 45),
    ev('b', 'signup', 2),
    ev('b', 'login', 39),
    ev('c', 'signup', 35),
    ev('c', 'subscription_canceled', 38),
    ev('d', 'signup', 50),
  ];

  it('labels churn within the horizon, leaves out customers not yet there or already gone', () => {
    const examples = churnExamples(events, {
      snapshots: [T0 + 40 * DAY, T0 + 10 * DAY],
      horizonDays: 30,
    });
    expect(
      examples.map((e) => [
        e.customerId,
        (e.asOf - T0) / DAY,
        e.churned,
        e.churnedAt === null ? null : (e.churnedAt - T0) / DAY,
      ]),
    ).toEqual([
      ['a', 10, false, null],
      ['b', 10, false, null],
      ['a', 40, true, 45],
      ['b', 40, false, null],
    ]);
    expect(examples[3]!.features.daysSinceActivity).toBe(1);
  });

  it('never looks past the snapshot: the features equal those of the events before it', () => {
    const business = simulateBusiness({ seed: 3, customers: 150, days: 120 });
    const asOf = business.options.start + 80 * DAY;
    const all = churnExamples(business.events, { snapshots: [asOf], horizonDays: 30 });
    const before = churnExamples(
      business.events.filter((e) => (e.at as number) < asOf),
      { snapshots: [asOf], horizonDays: 30 },
    );
    expect(all.map((e) => [e.customerId, e.features])).toEqual(
      before.map((e) => [e.customerId, e.features]),
    );
    expect(all.some((e) => e.churned)).toBe(true);
    // the label agrees with the simulator's truth (first churn)
    const truth = new Map(business.truth.customers.map((c) => [c.customerId, c]));
    for (const e of all) {
      const t = truth.get(e.customerId)!;
      if (t.reactivatedAt === undefined)
        expect(e.churned).toBe(t.churnedAt !== undefined && t.churnedAt < asOf + 30 * DAY);
    }
  });

  it('takes other churn events and other features', () => {
    const examples = churnExamples(events, {
      snapshots: [T0 + 40 * DAY],
      horizonDays: 30,
      churnTypes: ['login'],
      featuresOf: (history, asOf, id) => ({
        events: history.types.signup?.count ?? 0,
        long: id.length + (asOf - T0) / DAY,
      }),
    });
    // a and b logged in before day 40, so only c (and a's login came first) count
    expect(examples.map((e) => [e.customerId, e.churned, e.features])).toEqual([
      ['c', false, { events: 1, long: 41 }],
    ]);
  });

  it('is pure and rejects malformed events', () => {
    assertPure(churnExamples, events, { snapshots: [T0 + 40 * DAY], horizonDays: 30 });
    expect(() =>
      churnExamples([{ id: 'x', type: 'login', at: T0 } as never], {
        snapshots: [T0],
        horizonDays: 30,
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: churnExamples: events[0].customerId has the wrong type (expected a non-empty string; received undefined)]`,
    );
    expect(() =>
      churnExamples(events, { snapshots: [T0], horizonDays: 0 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: churnExamples: options.horizonDays is out of range (expected a finite number > 0 and <= 3650)]`,
    );
  });
});
