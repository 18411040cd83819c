import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import type { ActivityEvent } from '../core/records';
import { activityDropSignal } from './activityDropSignal';
import { updateActivityHistory } from './activityHistory';
import { describeRiskSignal } from './riskSignal';
import {
  badExperienceSignal,
  billingSwitchSignal,
  evaluateRiskSignals,
  failedPaymentsSignal,
  ignoredEmailsSignal,
  inactivitySignal,
  seatUtilizationSignal,
  unusedPaidFeatureSignal,
} from './riskSignals';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const asOf = T0 + 60 * DAY;
let seq = 0;
const ev = (
  type: string,
  day: number,
  properties?: Record<string, string | number>,
): ActivityEvent => ({
  id: `e${++seq}`,
  customerId: 'c',
  type,
  at: T0 + day * DAY,
  ...(properties === undefined ? {} : { properties }),
});
const history = (events: ActivityEvent[]) => updateActivityHistory(undefined, events);

describe('activityDropSignal', () => {
  it('compares the recent rate with the customer’s own baseline, over the days they were there', () => {
    // a newer customer: signed up 20 days ago, daily for 6 days, then quiet for 14
    const events = [ev('signup', 40)];
    for (let d = 40; d < 46; d++) events.push(ev('login', d));
    const signal = activityDropSignal(history(events), { asOf });
    expect(signal.evidence).toMatchObject({
      recentCount: 0,
      baselineCount: 6,
      recentDays: 13,
      baselineDays: 7,
    });
    expect(signal.fired).toBe(true);
    expect(signal.evidence.pValue).toBeCloseTo((7 / 20) ** 6, 12);
    const rising = activityDropSignal(
      history([ev('login', 10), ev('login', 50), ev('login', 55)]),
      { asOf },
    );
    expect([rising.fired, rising.strength]).toEqual([false, 0]);
  });

  it('counts several activity types and takes its thresholds as options', () => {
    const events = [];
    for (let d = 0; d < 46; d += 2) events.push(ev('login', d), ev('feature_used', d + 1));
    events.push(ev('login', 50));
    const h = history(events);
    const both = activityDropSignal(h, { asOf, types: ['login', 'feature_used'] });
    expect(both.evidence.baselineCount).toBeGreaterThan(
      activityDropSignal(h, { asOf }).evidence.baselineCount,
    );
    expect(activityDropSignal(h, { asOf, minDrop: 0.99 }).fired).toBe(false);
    expect(activityDropSignal(h, { asOf, significance: 1e-12 }).fired).toBe(false);
    expect(() =>
      activityDropSignal(h, { asOf, recentDays: 30, baselineDays: 100 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: activityDropSignal: options.baselineDays is out of range: the history keeps 120 days of counts (expected at most 120)]`,
    );
  });
});

describe('billingSwitchSignal', () => {
  it('fires on a switch to a shorter interval within the window', () => {
    const h = history([
      ev('billing_interval_changed', 10, { from: 'month', to: 'year' }),
      ev('billing_interval_changed', 50, { from: 'year', to: 'month' }),
    ]);
    const s = billingSwitchSignal(h, { asOf });
    expect(s).toEqual({
      signal: 'billing_switch',
      fired: true,
      strength: 1,
      evidence: { at: T0 + 50 * DAY, from: 'year', to: 'month', withinDays: 90 },
    });
    expect(billingSwitchSignal(h, { asOf, withinDays: 5 }).fired).toBe(false);
    expect(
      billingSwitchSignal(
        history([ev('billing_interval_changed', 55, { from: 'month', to: 'year' })]),
        { asOf },
      ).fired,
    ).toBe(false);
  });

  it('needs the history to keep the event type', () => {
    const h = updateActivityHistory(
      undefined,
      [ev('billing_interval_changed', 50, { from: 'year', to: 'month' })],
      { recent: {} },
    );
    expect(() => billingSwitchSignal(h, { asOf })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: billingSwitchSignal: options.eventType has an invalid value: the history does not keep the latest billing_interval_changed events: list the type in updateActivityHistory's recent option]`,
    );
  });
});

describe('ignoredEmailsSignal', () => {
  it('counts the latest unopened emails, after a grace period, matching opens by campaign', () => {
    const events = [10, 20, 30, 40, 50, 59].map((d) => ev('email_sent', d, { campaign: `w${d}` }));
    events.push(ev('email_opened', 25, { campaign: 'w20' }));
    const s = ignoredEmailsSignal(history(events), { asOf });
    // w59 is within the 2-day grace period; w50, w40, w30 were ignored, then w20 was opened
    expect(s.evidence).toEqual({
      ignoredInARow: 3,
      considered: 4,
      lastOpenedAt: T0 + 25 * DAY,
      threshold: 3,
    });
    expect(s.fired).toBe(true);
    expect(ignoredEmailsSignal(history(events), { asOf, inARow: 4 }).strength).toBe(0.75);
  });

  it('without campaigns, an open counts for the latest email before it', () => {
    const events = [10, 20, 30].map((d) => ev('email_sent', d));
    events.push(ev('email_clicked', 31));
    expect(ignoredEmailsSignal(history(events), { asOf }).evidence.ignoredInARow).toBe(0);
    events.push(ev('email_sent', 40));
    expect(ignoredEmailsSignal(history(events), { asOf }).evidence.ignoredInARow).toBe(1);
  });
});

describe('unusedPaidFeatureSignal', () => {
  it('lists paid features unused for the window, or never used', () => {
    const h = history([
      ev('feature_used', 59, { feature: 'api' }),
      ev('feature_used', 20, { feature: 'sso' }),
    ]);
    const s = unusedPaidFeatureSignal(h, { asOf, features: ['api', 'sso', 'audit'] });
    expect(s.evidence.unused).toEqual(['sso', 'audit']);
    expect(s.evidence.features).toEqual([
      { feature: 'api', lastUsedAt: T0 + 59 * DAY },
      { feature: 'sso', lastUsedAt: T0 + 20 * DAY },
      { feature: 'audit', lastUsedAt: null },
    ]);
    expect(s.strength).toBeCloseTo(2 / 3, 12);
    expect(unusedPaidFeatureSignal(h, { asOf, features: ['api'] }).fired).toBe(false);
    expect(() =>
      unusedPaidFeatureSignal(h, { asOf, features: [] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: unusedPaidFeatureSignal: options.features is required: name at least one paid feature]`,
    );
  });
});

describe('failedPaymentsSignal', () => {
  it('fires on unrecovered failures in the window', () => {
    const failing = history([
      ev('payment_succeeded', 20),
      ev('payment_failed', 50),
      ev('payment_failed', 53),
    ]);
    expect(failedPaymentsSignal(failing, { asOf })).toMatchObject({
      fired: true,
      strength: 1,
      evidence: { failures: 2, unresolved: true },
    });
    expect(failedPaymentsSignal(failing, { asOf, minFailures: 3 }).strength).toBeCloseTo(2 / 3, 12);
    const recovered = history([ev('payment_failed', 50), ev('payment_succeeded', 53)]);
    expect(failedPaymentsSignal(recovered, { asOf })).toMatchObject({
      fired: false,
      strength: 0.5,
    });
    expect(failedPaymentsSignal(recovered, { asOf, includeRecovered: true }).fired).toBe(true);
    expect(failedPaymentsSignal(failing, { asOf, days: 5 }).evidence.failures).toBe(0);
  });
});

describe('badExperienceSignal', () => {
  it('counts bad ratings from support and surveys in the window', () => {
    const h = history([
      ev('support_ticket_closed', 50, { satisfaction: 2 }),
      ev('support_ticket_closed', 52, { satisfaction: 5 }),
      ev('survey_nps', 55, { score: 6 }),
      ev('survey_csat', 56, { score: 3 }),
      ev('survey_nps', -5, { score: 0 }),
    ]);
    const s = badExperienceSignal(h, { asOf });
    expect(s.evidence).toEqual({
      bad: [
        { type: 'support_ticket_closed', at: T0 + 50 * DAY, score: 2 },
        { type: 'survey_nps', at: T0 + 55 * DAY, score: 6 },
      ],
      rated: 4,
      days: 60,
    });
    expect(badExperienceSignal(h, { asOf, minCount: 4 }).strength).toBe(0.5);
    expect(
      badExperienceSignal(h, {
        asOf,
        sources: [{ type: 'survey_csat', property: 'score', atMost: 3 }],
      }).evidence.bad.length,
    ).toBe(1);
  });
});

describe('inactivitySignal', () => {
  it('counts days since the last activity, or since the first event when there was none', () => {
    expect(inactivitySignal(history([ev('login', 39)]), { asOf })).toMatchObject({
      fired: true,
      strength: 1,
      evidence: { lastAt: T0 + 39 * DAY, daysSince: 21 },
    });
    expect(inactivitySignal(history([ev('login', 40)]), { asOf }).fired).toBe(false);
    const never = inactivitySignal(history([ev('signup', 45)]), { asOf });
    expect(never.evidence).toMatchObject({ lastAt: null, daysSince: 15 });
    expect(inactivitySignal(history([]), { asOf })).toMatchObject({ fired: false, strength: 0 });
    expect(
      inactivitySignal(history([ev('feature_used', 58), ev('login', 30)]), {
        asOf,
        types: ['login', 'feature_used'],
        days: 7,
      }).fired,
    ).toBe(false);
  });
});

describe('seatUtilizationSignal', () => {
  it('fires below the threshold share of seats in use', () => {
    expect(seatUtilizationSignal({ seats: 10, activeUsers: 5 }).fired).toBe(false);
    expect(seatUtilizationSignal({ seats: 10, activeUsers: 2 }, { below: 0.8 }).strength).toBe(
      0.75,
    );
    expect(() =>
      seatUtilizationSignal({ seats: 0, activeUsers: 2 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: seatUtilizationSignal: usage.seats is out of range (expected an integer >= 1)]`,
    );
  });
});

describe('evaluateRiskSignals', () => {
  const events = [
    ev('login', 1),
    ev('billing_interval_changed', 40, { from: 'year', to: 'month' }),
    ev('payment_failed', 55),
    ev('support_ticket_closed', 50, { satisfaction: 1 }),
    ...[30, 37, 44, 51].map((d) => ev('email_sent', d, { campaign: `w${d}` })),
  ];
  const h = history(events);

  it('runs every signal, with each one’s options, and lists those that fired', () => {
    const all = evaluateRiskSignals(h, {
      asOf,
      unusedPaidFeature: { features: ['api'] },
      seats: { seats: 5, activeUsers: 4 },
      inactivity: { days: 90 },
    });
    expect(all.fired).toEqual([
      'billingSwitch',
      'ignoredEmails',
      'unusedPaidFeature',
      'failedPayments',
      'badExperience',
    ]);
    expect(all.inactivity).toEqual(inactivitySignal(h, { asOf, days: 90 }));
    expect(evaluateRiskSignals(h, { asOf }).unusedPaidFeature).toBeNull();
    expect(JSON.parse(JSON.stringify(all))).toEqual(all);
  });

  it('is deterministic and does not mutate its inputs', () => {
    assertPure(evaluateRiskSignals, h, { asOf, seats: { seats: 5, activeUsers: 1 } });
  });

  it('renders each signal as a sentence', () => {
    const all = evaluateRiskSignals(h, {
      asOf,
      unusedPaidFeature: { features: ['api'] },
      seats: { seats: 5, activeUsers: 1 },
    });
    const lines = [
      all.activityDrop,
      all.billingSwitch,
      all.ignoredEmails,
      all.unusedPaidFeature!,
      all.failedPayments,
      all.badExperience,
      all.inactivity,
      all.lowSeatUtilization!,
    ].map(describeRiskSignal);
    expect(lines).toMatchInlineSnapshot(`
      [
        "activity_drop did not fire (strength 1.00): 0 events in the last 13 days against 1 in the 46 days before (0.0 vs 0.2 a week, p = 0.78)",
        "billing_switch fired (strength 1.00): switched from year to month billing on 2026-02-10",
        "ignored_emails fired (strength 1.00): 4 engagement emails in a row unopened (threshold 3)",
        "unused_paid_feature fired (strength 1.00): api not used in 30 days",
        "failed_payments fired (strength 1.00): 1 failed payment in 30 days, not recovered",
        "bad_experience fired (strength 1.00): 1 bad rating in 60 days: support_ticket_closed 1 on 2026-02-20",
        "inactivity fired (strength 1.00): no login for 59 days (threshold 21)",
        "low_seat_utilization fired (strength 0.60): 1 of 5 seats active (20%, threshold 50%)",
      ]
    `);
  });

  it('refuses to look at a history from after asOf', () => {
    expect(() => evaluateRiskSignals(h, { asOf: T0 })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: evaluateRiskSignals: options.asOf is out of range: asOf is before the latest event in the history; build the history from the events up to asOf]`,
    );
  });
});
