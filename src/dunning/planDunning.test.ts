import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import {
  DAY,
  drive,
  failed,
  kinds,
  local,
  paid,
  policy,
  subscription,
  t,
  updated,
} from '../../test/helpers/dunning';
import { actionKey } from '../core/action';
import { RetentionError, RetentionInputError } from '../core/errors';
import type { DunningEvent } from './planDunning';
import { planDunning, toDunningEvent } from './planDunning';

const BERLIN = 'Europe/Berlin';
const standard = policy();
const pastDue = subscription({ status: 'past_due', currentPeriodEnd: '2026-07-10T09:00:00Z' });

/** The plan right after the June 10 charge failed with `code`. */
function afterFailure(code?: string, p = standard, sub = pastDue) {
  return planDunning(sub, p, {
    now: '2026-06-10T09:00:00Z',
    timeZone: BERLIN,
    events: [failed('2026-06-10T09:00:00Z', code)],
  });
}

describe('planDunning: reminders before a charge', () => {
  it('sends the 7- and 3-day reminders at 10:00 in the customer’s time zone, with the update link', () => {
    const plan = planDunning(subscription(), standard, {
      now: '2026-05-20T00:00:00Z',
      timeZone: BERLIN,
    });
    expect(kinds(plan, BERLIN)).toEqual([
      'pre_charge_reminder@2026-06-03 10:00',
      'pre_charge_reminder@2026-06-07 10:00',
    ]);
    expect(plan.steps[0]!.action).toMatchObject({
      customerId: 'cus_1',
      channel: 'email',
      template: 'dunning-upcoming-charge',
      params: {
        updatePaymentUrl: 'https://example.com/billing/cus_1',
        chargeAt: t('2026-06-10T09:00:00Z'),
        amount: 4900,
        currency: 'EUR',
        plan: 'team',
      },
      source: { module: 'dunning', definitionId: 'standard', version: 1, step: 'pre-charge-7d' },
    });
    expect(plan.actions).toEqual(plan.steps.map((s) => s.action));
    expect(plan.nextWakeUpAt).toBe(plan.steps[0]!.dueAt);
    expect(plan.state.pending.map((p) => p.key)).toEqual(plan.actions.map((a) => a.key));
    expect(plan.access).toBe('full');
  });

  it('keeps the local send time across a daylight-saving change', () => {
    // Berlin moves its clocks forward on 29 March 2026: the two reminders are 3 days 23 hours apart
    const sub = subscription({ currentPeriodEnd: '2026-04-02T08:00:00Z' });
    const plan = planDunning(sub, standard, { now: '2026-03-01T00:00:00Z', timeZone: BERLIN });
    expect(kinds(plan, BERLIN)).toEqual([
      'pre_charge_reminder@2026-03-26 10:00',
      'pre_charge_reminder@2026-03-30 10:00',
    ]);
    expect(plan.steps[1]!.dueAt - plan.steps[0]!.dueAt).toBe(4 * DAY - 3_600_000);
  });

  it('sends card-expiry reminders instead when the card expires before the charge', () => {
    const expiring = planDunning(subscription({ card: { expMonth: 5, expYear: 2026 } }), standard, {
      now: '2026-05-20T00:00:00Z',
      timeZone: BERLIN,
    });
    expect(expiring.steps.map((s) => s.kind)).toEqual([
      'card_expiry_reminder',
      'card_expiry_reminder',
    ]);
    expect(expiring.steps[0]!.action).toMatchObject({
      template: 'dunning-card-expiring',
      params: {
        cardExpMonth: 5,
        cardExpYear: 2026,
        updatePaymentUrl: 'https://example.com/billing/cus_1',
      },
    });
    // a card that expires in June still works on 10 June
    const valid = planDunning(subscription({ card: { expMonth: 6, expYear: 2026 } }), standard, {
      now: '2026-05-20T00:00:00Z',
    });
    expect(valid.steps.map((s) => s.kind)).toEqual(['pre_charge_reminder', 'pre_charge_reminder']);
    // without card-expiry reminders, the pre-charge ones go out
    const off = planDunning(
      subscription({ card: { expMonth: 5, expYear: 2026 } }),
      policy({ reminders: { cardExpiry: false } }),
      { now: '2026-05-20T00:00:00Z' },
    );
    expect(off.steps.map((s) => s.kind)).toEqual(['pre_charge_reminder', 'pre_charge_reminder']);
  });

  it('plans no reminder when no charge is coming', () => {
    const now = '2026-05-20T00:00:00Z';
    expect(
      planDunning(subscription({ canceledAt: '2026-05-01T00:00:00Z' }), standard, { now }).steps,
    ).toEqual([]);
    expect(planDunning(subscription({ status: 'paused' }), standard, { now }).steps).toEqual([]);
    expect(planDunning(subscription({ status: 'unpaid' }), standard, { now }).steps).toEqual([]);
    expect(planDunning(subscription(), standard, { now: '2026-06-10T09:00:00Z' }).steps).toEqual(
      [],
    );
    expect(
      planDunning(subscription(), policy({ reminders: { preCharge: false, cardExpiry: false } }), {
        now,
      }).steps,
    ).toEqual([]);
  });

  it('lists a reminder until a later plan has passed it, and never one that was due before the first plan', () => {
    const first = planDunning(subscription(), standard, { now: '2026-05-20T00:00:00Z' });
    const second = planDunning(subscription(), standard, {
      now: '2026-06-05T00:00:00Z',
      state: first.state,
    });
    expect(second.steps.map((s) => s.action.key)).toEqual(first.steps.map((s) => s.action.key));
    expect(second.state.pending.map((p) => p.key)).toEqual([first.steps[1]!.action.key]);
    const third = planDunning(subscription(), standard, {
      now: '2026-06-06T00:00:00Z',
      state: second.state,
    });
    expect(third.steps.map((s) => s.action.key)).toEqual([first.steps[1]!.action.key]);
    expect(third.cancel).toEqual([]);
    // nothing pending changed between the second and third plans: the same list object
    expect(third.state.pending).toBe(second.state.pending);
    expect(second.state.pending).not.toBe(first.state.pending);
    const fresh = planDunning(subscription(), standard, { now: '2026-06-05T00:00:00Z' });
    expect(fresh.steps.map((s) => s.action.key)).toEqual([first.steps[1]!.action.key]);
  });

  it('cancels pending reminders when the subscription is cancelled', () => {
    const first = planDunning(subscription(), standard, { now: '2026-05-20T00:00:00Z' });
    const next = planDunning(subscription({ canceledAt: '2026-05-21T00:00:00Z' }), standard, {
      now: '2026-05-21T00:00:00Z',
      state: first.state,
    });
    expect(next.steps).toEqual([]);
    expect(next.cancel).toEqual(first.actions.map((a) => a.key));
  });

  it('fills the link placeholders, URL-encoded', () => {
    const p = policy({
      updatePaymentUrl: 'https://x.example/{customerId}/subs/{subscriptionId}?again={customerId}',
    });
    const plan = planDunning(subscription({ customerId: 'cus 1/ä', id: 'sub_1' }), p, {
      now: '2026-05-20T00:00:00Z',
    });
    expect(plan.steps[0]!.action.params.updatePaymentUrl).toBe(
      'https://x.example/cus%201%2F%C3%A4/subs/sub_1?again=cus%201%2F%C3%A4',
    );
  });

  it('plans only up to the horizon, and wakes up for what lies beyond', () => {
    const full = planDunning(subscription(), standard, {
      now: '2026-05-20T00:00:00Z',
      timeZone: BERLIN,
    });
    const near = planDunning(subscription(), standard, {
      now: '2026-05-20T00:00:00Z',
      timeZone: BERLIN,
      horizon: '1d',
    });
    expect(near.steps).toEqual([]);
    expect(near.state.pending).toEqual([]);
    expect(near.nextWakeUpAt).toBe(full.steps[0]!.dueAt);
    // at the wake-up the reminder is listed, with the key the full plan gave it
    const woken = planDunning(subscription(), standard, {
      now: near.nextWakeUpAt!,
      state: near.state,
      timeZone: BERLIN,
      horizon: '1d',
    });
    expect(woken.actions).toEqual(full.actions.slice(0, 1));
    expect(woken.nextWakeUpAt).toBe(full.steps[1]!.dueAt);
  });

  it('replaces the link with a signed one for this call', () => {
    const plan = planDunning(subscription(), standard, {
      now: '2026-05-20T00:00:00Z',
      updatePaymentUrl: 'https://pay.example.com/s/tok_123',
    });
    expect(plan.steps[0]!.action.params.updatePaymentUrl).toBe('https://pay.example.com/s/tok_123');
  });
});

describe('planDunning: after a failed charge', () => {
  it('plans notices, retries on the schedule, the final notice and the final action', () => {
    const plan = afterFailure('insufficient_funds');
    expect(kinds(plan, BERLIN)).toEqual([
      'payment_failed@2026-06-11 10:00',
      'retry@2026-06-11 11:00',
      'retry@2026-06-13 11:00',
      'retry@2026-06-15 11:00',
      'last_attempt@2026-06-16 10:00',
      'retry@2026-06-17 11:00',
      'final_notice@2026-06-21 10:00',
      'final_action@2026-06-24 11:00',
    ]);
    const retries = plan.steps.filter((s) => s.kind === 'retry');
    expect(retries.map((s) => s.action.params)).toEqual(
      [2, 3, 4, 5].map((attempt) => ({
        campaignId: 'sub_1:EUR:1781082000000',
        currency: 'EUR',
        amount: 4900,
        invoiceId: null,
        attempt,
        trigger: 'schedule',
      })),
    );
    expect(retries[0]!.action).toMatchObject({
      channel: 'webhook',
      template: 'dunning-retry-charge',
    });
    expect(plan.steps[0]!.action.params).toMatchObject({
      updatePaymentUrl: 'https://example.com/billing/cus_1',
      amountDue: 4900,
      declineReason: 'insufficient_funds',
      nextRetryAt: retries[0]!.dueAt,
    });
    const [campaign] = plan.state.campaigns;
    expect(campaign).toMatchObject({
      status: 'open',
      currency: 'EUR',
      startedAt: t('2026-06-10T09:00:00Z'),
      windowEnd: t('2026-06-24T09:00:00Z'),
      finalActionAt: t('2026-06-24T09:00:00Z'),
      nextChargeAt: t('2026-07-10T09:00:00Z'),
      amountDue: 4900,
    });
    // no pre-charge reminder while the campaign in the subscription's currency is open
    expect(plan.steps.some((s) => s.kind === 'pre_charge_reminder')).toBe(false);
  });

  it('gives each step a key that later plans keep', () => {
    const plan = afterFailure('insufficient_funds');
    const retry = plan.steps.find((s) => s.kind === 'retry')!;
    expect(retry.action.key).toBe(
      actionKey('cus_1', {
        module: 'dunning',
        definitionId: 'standard',
        version: 1,
        occurrence: 'sub_1:EUR:1781082000000',
        step: 'retry-c1r1-default0',
      }),
    );
    const later = planDunning(pastDue, standard, {
      now: '2026-06-11T00:00:00Z',
      state: plan.state,
      timeZone: BERLIN,
    });
    expect(later.actions.map((a) => a.key)).toEqual(plan.actions.map((a) => a.key));
    expect(later.cancel).toEqual([]);
  });

  it('retries at most maxRetries times, on the schedule of the decline reason', () => {
    const p = policy({
      retries: {
        schedule: { default: ['1d', '2d'], insufficient_funds: ['2d', '4d', '6d', '8d'] },
        maxRetries: 3,
        window: '14d',
      },
    });
    const funds = afterFailure('insufficient_funds', p);
    expect(
      funds.steps.filter((s) => s.kind === 'retry').map((s) => local(s.dueAt, BERLIN)),
    ).toEqual(['2026-06-12 11:00', '2026-06-14 11:00', '2026-06-16 11:00']);
    const generic = afterFailure('do_not_honor', p);
    expect(
      generic.steps.filter((s) => s.kind === 'retry').map((s) => local(s.dueAt, BERLIN)),
    ).toEqual(['2026-06-11 11:00', '2026-06-12 11:00']);
  });

  it('never retries a hard decline by itself, and retries at once when the customer updates the card', () => {
    const hard = afterFailure('stolen_card');
    expect(kinds(hard, BERLIN)).toEqual([
      'action_required@2026-06-11 10:00',
      'final_notice@2026-06-21 10:00',
      'final_action@2026-06-24 11:00',
    ]);
    expect(hard.steps[0]!.action).toMatchObject({
      template: 'dunning-update-payment-method',
      params: { declineReason: 'lost_or_stolen', declineCode: 'stolen_card', nextRetryAt: null },
    });
    const update = planDunning(pastDue, standard, {
      now: '2026-06-12T08:00:00Z',
      state: hard.state,
      timeZone: BERLIN,
      events: [updated('2026-06-12T08:00:00Z')],
    });
    const retries = update.steps.filter((s) => s.kind === 'retry');
    expect(retries[0]!.dueAt).toBe(t('2026-06-12T08:00:00Z'));
    expect(retries[0]!.action.params).toMatchObject({
      trigger: 'payment_method_updated',
      attempt: 2,
    });
    // the new card fails softly: the schedule goes on after it
    const soft = planDunning(pastDue, standard, {
      now: '2026-06-12T08:00:01Z',
      state: update.state,
      timeZone: BERLIN,
      events: [failed('2026-06-12T08:00:01Z', 'insufficient_funds')],
    });
    expect(soft.steps.filter((s) => s.kind === 'retry').map((s) => local(s.dueAt, BERLIN))).toEqual(
      ['2026-06-13 11:00', '2026-06-15 11:00', '2026-06-17 11:00'],
    );
    expect(soft.state.campaigns[0]!.attempts.map((a) => [a.by, a.class])).toEqual([
      ['charge', 'hard'],
      ['customer', 'soft'],
    ]);
  });

  it('waits for updated card details on an update-required decline, then counts the payment as the customer’s', () => {
    const expired = afterFailure('expired_card');
    expect(expired.steps.some((s) => s.kind === 'retry')).toBe(false);
    const update = planDunning(pastDue, standard, {
      now: '2026-06-13T15:00:00Z',
      state: expired.state,
      timeZone: BERLIN,
      events: [updated('2026-06-13T15:00:00Z')],
    });
    expect(update.steps.find((s) => s.kind === 'retry')!.dueAt).toBe(t('2026-06-13T15:00:00Z'));
    const done = planDunning(subscription({ currentPeriodEnd: '2026-07-10T09:00:00Z' }), standard, {
      now: '2026-06-13T15:00:02Z',
      state: update.state,
      timeZone: BERLIN,
      events: [paid('2026-06-13T15:00:02Z')],
    });
    expect(done.closed.map((c) => [c.status, c.recoveredBy, c.recoveredByCustomer])).toEqual([
      ['recovered', 'customer', 4900],
    ]);
  });

  it('ends the campaign on payment and cancels what was still to come', () => {
    const plan = afterFailure('insufficient_funds');
    const sub = subscription({ currentPeriodEnd: '2026-07-10T09:00:00Z' });
    const done = planDunning(sub, standard, {
      now: '2026-06-11T09:00:00Z',
      state: plan.state,
      timeZone: BERLIN,
      events: [paid('2026-06-11T09:00:00Z')],
    });
    expect(done.closed).toHaveLength(1);
    expect(done.closed[0]).toMatchObject({
      status: 'recovered',
      recoveredBy: 'retry',
      amountDue: 0,
    });
    expect(done.state.campaigns[0]!.closedAt).toBe(t('2026-06-11T09:00:00Z'));
    // everything due after the payment is cancelled; the notice and the retry before it stand
    const gone = plan.steps
      .filter((s) => s.dueAt > t('2026-06-11T09:00:00Z'))
      .map((s) => s.action.key);
    expect(done.cancel).toEqual(gone);
    expect(kinds(done, BERLIN)).toEqual([
      'recovered@2026-06-12 10:00',
      'pre_charge_reminder@2026-07-03 10:00',
      'pre_charge_reminder@2026-07-07 10:00',
    ]);
    expect(done.access).toBe('full');
  });

  it('re-anchors the schedule on a partial payment, for what is still owed, inside the same window', () => {
    const plan = afterFailure('insufficient_funds');
    const partial = planDunning(pastDue, standard, {
      now: '2026-06-12T09:00:00Z',
      state: plan.state,
      timeZone: BERLIN,
      events: [paid('2026-06-12T09:00:00Z', 2000, { initiatedBy: 'customer' })],
    });
    const [c] = partial.state.campaigns;
    expect(c).toMatchObject({
      status: 'open',
      amountDue: 2900,
      recoveredByCustomer: 2000,
      round: 2,
    });
    expect(c!.anchorAt).toBe(t('2026-06-12T09:00:00Z'));
    expect(c!.windowEnd).toBe(plan.state.campaigns[0]!.windowEnd);
    const retries = partial.steps.filter((s) => s.kind === 'retry');
    expect(retries.map((s) => local(s.dueAt, BERLIN))).toEqual([
      '2026-06-13 11:00',
      '2026-06-15 11:00',
      '2026-06-17 11:00',
      '2026-06-19 11:00',
    ]);
    expect(retries.every((s) => s.action.params.amount === 2900)).toBe(true);
    expect(partial.closed).toEqual([]);
  });

  it('joins a second failed invoice to an open campaign: both owed, a new retry round, the ladder from the first', () => {
    const p = policy({ finalAction: { type: 'cancel', after: '40d' } });
    const first = afterFailure('insufficient_funds', p, pastDue);
    const later = subscription({ status: 'past_due', currentPeriodEnd: '2026-08-10T09:00:00Z' });
    const second = planDunning(later, p, {
      now: '2026-07-10T09:00:00Z',
      state: first.state,
      timeZone: BERLIN,
      events: [failed('2026-07-10T09:00:00Z', 'do_not_honor')],
    });
    const [c] = second.state.campaigns;
    expect(c).toMatchObject({
      charge: 2,
      round: 2,
      amountFailed: 9800,
      amountDue: 9800,
      startedAt: t('2026-06-10T09:00:00Z'),
      finalActionAt: t('2026-07-20T09:00:00Z'),
      windowEnd: t('2026-07-24T09:00:00Z'),
    });
    // retries stop before the final action, which comes before the end of the window
    expect(
      second.steps.filter((s) => s.kind === 'retry').map((s) => local(s.dueAt, BERLIN)),
    ).toEqual(['2026-07-11 11:00', '2026-07-13 11:00', '2026-07-15 11:00', '2026-07-17 11:00']);
  });

  it('keeps a separate campaign per currency', () => {
    const events: DunningEvent[] = [
      failed('2026-06-10T09:00:00Z', 'insufficient_funds'),
      { type: 'payment_failed', at: '2026-06-10T10:00:00Z', amount: 1500, currency: 'USD' },
      { type: 'payment_succeeded', at: '2026-06-11T10:00:00Z', amount: 1500, currency: 'USD' },
    ];
    const plan = planDunning(pastDue, standard, { now: '2026-06-11T10:00:00Z', events });
    expect(plan.state.campaigns.map((c) => [c.currency, c.status, c.amountDue])).toEqual([
      ['EUR', 'open', 4900],
      ['USD', 'recovered', 0],
    ]);
    expect(plan.closed.map((c) => c.currency)).toEqual(['USD']);
    expect(new Set(plan.steps.map((s) => s.currency))).toEqual(new Set(['EUR', 'USD']));
  });

  it('ignores a payment of another invoice', () => {
    const first = planDunning(pastDue, standard, {
      now: '2026-06-10T09:00:00Z',
      events: [failed('2026-06-10T09:00:00Z', 'insufficient_funds', { invoiceId: 'in_1' })],
    });
    const other = planDunning(pastDue, standard, {
      now: '2026-06-11T00:00:00Z',
      state: first.state,
      events: [paid('2026-06-11T00:00:00Z', 4900, { invoiceId: 'in_9' })],
    });
    expect(other.state.campaigns[0]!.status).toBe('open');
  });

  it('cuts retries at the next charge, whatever the window says', () => {
    const plan = afterFailure(
      'insufficient_funds',
      standard,
      subscription({ status: 'past_due', currentPeriodEnd: '2026-06-16T09:00:00Z' }),
    );
    expect(plan.state.campaigns[0]!.windowEnd).toBe(t('2026-06-16T09:00:00Z'));
    expect(plan.steps.filter((s) => s.kind === 'retry').map((s) => local(s.dueAt, BERLIN))).toEqual(
      ['2026-06-11 11:00', '2026-06-13 11:00', '2026-06-15 11:00'],
    );
  });

  it('moves retries off weekends and holidays, at the local retry time', () => {
    const p = policy({
      retries: {
        schedule: ['1d', '2d', '4d'],
        window: '14d',
        at: '09:00',
        businessDays: { holidays: ['2026-06-15'] },
      },
    });
    // Thursday 11 June: day 1 is Friday; day 2 is Saturday and Monday is a holiday, so Tuesday;
    // day 4 is that Monday too, so the day after the previous retry
    const plan = planDunning(pastDue, p, {
      now: '2026-06-11T09:00:00Z',
      timeZone: BERLIN,
      events: [failed('2026-06-11T09:00:00Z', 'insufficient_funds')],
    });
    expect(plan.steps.filter((s) => s.kind === 'retry').map((s) => local(s.dueAt, BERLIN))).toEqual(
      ['2026-06-12 09:00', '2026-06-16 09:00', '2026-06-17 09:00'],
    );
  });

  it('keeps the local retry time when a weekend retry falls in a daylight-saving gap', () => {
    // Morocco moves its clocks forward at 02:00 on Sunday 22 March 2026: 02:30 does not exist
    // that day. The retry moves to Monday, at 02:30 again, not at the 03:30 the gap gave Sunday.
    const p = policy({
      retries: { schedule: ['10d'], window: '11d', at: '02:30', businessDays: {} },
    });
    const plan = planDunning(pastDue, p, {
      now: '2026-03-12T02:30:00Z',
      timeZone: 'Africa/Casablanca',
      events: [failed('2026-03-12T02:30:00Z', 'insufficient_funds')],
    });
    expect(
      plan.steps.filter((s) => s.kind === 'retry').map((s) => local(s.dueAt, 'Africa/Casablanca')),
    ).toEqual(['2026-03-23 02:30']);
  });

  it('runs the overdue ladder: grace, access, stages, then the final action', () => {
    const p = policy({
      gracePeriod: '3d',
      access: 'limited',
      stages: [{ name: 'blocked', after: '10d', access: 'none' }],
      finalAction: { type: 'pause', after: '20d' },
    });
    const plan = afterFailure('insufficient_funds', p);
    const stage = plan.steps.find((s) => s.kind === 'stage')!;
    expect(local(stage.dueAt, BERLIN)).toBe('2026-06-20 11:00');
    expect(stage.action).toMatchObject({
      template: 'dunning-stage-changed',
      params: { stage: 'blocked', access: 'none' },
    });
    const accessAt = (now: string) =>
      planDunning(pastDue, p, { now, state: plan.state, timeZone: BERLIN }).access;
    expect(accessAt('2026-06-11T09:00:00Z')).toBe('full');
    expect(accessAt('2026-06-14T09:00:00Z')).toBe('limited');
    expect(accessAt('2026-06-21T09:00:00Z')).toBe('none');
    const final = planDunning(pastDue, p, {
      now: '2026-06-30T09:00:00Z',
      state: plan.state,
      timeZone: BERLIN,
    });
    expect(final.closed.map((c) => [c.status, c.closedAt])).toEqual([
      ['final_action', t('2026-06-30T09:00:00Z')],
    ]);
    expect(final.steps.map((s) => [s.kind, s.action.params.finalAction])).toEqual([
      ['final_action', 'pause'],
    ]);
    expect(final.access).toBe('none');
  });

  it('retries nothing after the final action, even when the card is updated', () => {
    const plan = afterFailure('insufficient_funds');
    const closed = planDunning(pastDue, standard, {
      now: '2026-06-25T00:00:00Z',
      state: plan.state,
    });
    expect(closed.state.campaigns[0]!.status).toBe('final_action');
    const late = planDunning(pastDue, standard, {
      now: '2026-06-26T00:00:00Z',
      state: closed.state,
      events: [updated('2026-06-26T00:00:00Z')],
    });
    expect(late.steps).toEqual([]);
    // a later failure starts a new campaign
    const again = planDunning(pastDue, standard, {
      now: '2026-07-10T09:00:00Z',
      state: late.state,
      events: [failed('2026-07-10T09:00:00Z', 'insufficient_funds')],
    });
    expect(again.state.campaigns.map((c) => [c.status, c.startedAt])).toEqual([
      ['open', t('2026-07-10T09:00:00Z')],
    ]);
  });
});

describe('planDunning: policy versions', () => {
  const v1 = standard;
  const v2 = policy({ version: 2, retries: { schedule: ['2d', '4d'], window: '10d' } });

  it('keeps a campaign on the version it started with, and asks for it when it is missing', () => {
    const started = afterFailure('insufficient_funds', v1);
    expect(() =>
      planDunning(pastDue, v2, { now: '2026-06-11T00:00:00Z', state: started.state }),
    ).toThrow(RetentionError);
    expect(() =>
      planDunning(pastDue, v2, { now: '2026-06-11T00:00:00Z', state: started.state }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionError: planDunning: a campaign follows policy 'standard' version 1, which is neither the policy passed nor in options.policies]`,
    );
    const kept = planDunning(pastDue, v2, {
      now: '2026-06-11T00:00:00Z',
      state: started.state,
      policies: [v1],
      timeZone: BERLIN,
    });
    expect(kept.actions.map((a) => a.key)).toEqual(started.actions.map((a) => a.key));
    expect(kept.state.campaigns[0]!.policyVersion).toBe(1);
  });

  it('moves a campaign in flight to the new version on policy_migrated, keeping the keys of the same steps', () => {
    const started = afterFailure('insufficient_funds', v1);
    const migrated = planDunning(pastDue, v2, {
      now: '2026-06-11T00:00:00Z',
      state: started.state,
      timeZone: BERLIN,
      events: [{ type: 'policy_migrated', at: '2026-06-11T00:00:00Z' }],
    });
    const [c] = migrated.state.campaigns;
    expect([c!.policyVersion, c!.windowEnd, c!.finalActionAt]).toEqual([
      2,
      t('2026-06-20T09:00:00Z'),
      t('2026-06-20T09:00:00Z'),
    ]);
    expect(
      migrated.steps.filter((s) => s.kind === 'retry').map((s) => local(s.dueAt, BERLIN)),
    ).toEqual(['2026-06-12 11:00', '2026-06-14 11:00']);
    const finalKey = (p: typeof started) =>
      p.steps.find((s) => s.kind === 'final_action')!.action.key;
    expect(finalKey(migrated)).toBe(finalKey(started));
    expect(migrated.cancel).toContain(
      started.steps.find((s) => s.kind === 'retry' && s.dueAt > t('2026-06-16T00:00:00Z'))!.action
        .key,
    );
  });
});

describe('planDunning: contract', () => {
  it('is pure: the same input gives the same plan, and nothing passed in changes', () => {
    const first = afterFailure('insufficient_funds');
    assertPure(planDunning, pastDue, standard, {
      now: '2026-06-13T09:00:00Z',
      state: first.state,
      timeZone: BERLIN,
      events: [failed('2026-06-11T09:00:00Z', 'do_not_honor'), updated('2026-06-12T00:00:00Z')],
    });
  });

  it('gives the same campaigns whether events come one call at a time or all at once', () => {
    const events = [
      failed('2026-06-10T09:00:00Z', 'insufficient_funds'),
      failed('2026-06-11T09:00:00Z', 'insufficient_funds'),
      updated('2026-06-12T12:00:00Z'),
      failed('2026-06-12T12:00:01Z', 'expired_card'),
      paid('2026-06-14T10:00:00Z', 1000),
    ];
    const batch = planDunning(pastDue, standard, { now: '2026-06-15T00:00:00Z', events });
    let state = planDunning(pastDue, standard, {
      now: '2026-06-10T09:00:00Z',
      events: [events[0]!],
    }).state;
    for (const e of events.slice(1))
      state = planDunning(pastDue, standard, { now: e.at, state, events: [e] }).state;
    state = planDunning(pastDue, standard, { now: '2026-06-15T00:00:00Z', state }).state;
    expect(state.campaigns).toEqual(batch.state.campaigns);
  });

  it('turns payment attempt records into events', () => {
    expect(
      toDunningEvent({
        id: 'p',
        customerId: 'c',
        at: 5,
        amount: 10,
        currency: 'USD',
        outcome: 'succeeded',
      }),
    ).toEqual({ type: 'payment_succeeded', at: 5, amount: 10, currency: 'USD' });
  });

  it('rejects what it cannot plan, naming the place and never the value', () => {
    const now = '2026-06-10T09:00:00Z';
    expect(() =>
      planDunning(subscription({ currentPeriodEnd: 'next month' }), standard, { now }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planDunning: subscription.currentPeriodEnd is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received string)]`,
    );
    // integers past the range of instants, though safe integers
    expect(() => planDunning(subscription({ currentPeriodEnd: 9e15 }), standard, { now })).toThrow(
      /subscription\.currentPeriodEnd is not a valid instant/,
    );
    expect(() => planDunning(subscription({ canceledAt: 9e15 }), standard, { now })).toThrow(
      /subscription\.canceledAt is not a valid instant/,
    );
    expect(() => planDunning(subscription(), standard, { now: -9e15 })).toThrow(
      /options\.now is not a valid instant/,
    );
    expect(() =>
      planDunning(subscription({ billingInterval: 'week' }), standard, { now }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planDunning: subscription.billingInterval is out of range: the policy is written for monthly billing; a shorter period would let retries run into the next charge]`,
    );
    expect(() =>
      planDunning(pastDue, standard, { now, events: [failed('2026-06-11T00:00:00Z')] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planDunning: options.events[0].at is out of range: an event cannot be after now]`,
    );
    expect(() =>
      planDunning(pastDue, standard, {
        now,
        events: [failed('2026-06-10T09:00:00Z'), updated('2026-06-10T08:00:00Z')],
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planDunning: options.events[1].at is out of order: events must be in time order, after the last one applied]`,
    );
    expect(() =>
      planDunning(pastDue, standard, { now, events: [{ type: 'refund', at: now } as never] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planDunning: options.events[0].type is not one of the allowed values (expected "payment_failed", "payment_succeeded", "payment_method_updated", "policy_migrated"; received string)]`,
    );
    expect(() =>
      planDunning(pastDue, standard, {
        now,
        events: [{ ...failed(now), amount: 0 } as DunningEvent],
      }),
    ).toThrow(/options.events\[0\].amount is out of range/);
    const state = planDunning(pastDue, standard, { now }).state;
    expect(() =>
      planDunning(pastDue, standard, { now: '2026-06-01T00:00:00Z', state }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planDunning: options.now is out of order: now is before the state was planned]`,
    );
    expect(() =>
      planDunning(subscription({ id: 'sub_2' }), standard, { now, state }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planDunning: options.state.subscriptionId has an invalid value: the state belongs to another subscription]`,
    );
    expect(() =>
      planDunning(pastDue, standard, {
        now,
        state: { ...state, campaigns: [{ id: 'x' }] } as never,
      }),
    ).toThrow(RetentionInputError);
    expect(() => planDunning(pastDue, standard, { now, timeZone: 'Mars/Base' })).toThrow(
      /options.timeZone is not a known IANA time zone/,
    );
  });

  it('reads a stored state back from JSON, and names the place of anything wrong in it', () => {
    const plan = afterFailure('insufficient_funds');
    const stored = JSON.parse(JSON.stringify(plan.state));
    const again = planDunning(pastDue, standard, {
      now: '2026-06-10T10:00:00Z',
      state: stored,
      timeZone: BERLIN,
    });
    expect(again.actions).toEqual(plan.actions);
    const [c] = stored.campaigns;
    const broken = (campaign: object) => () =>
      planDunning(pastDue, standard, {
        now: '2026-06-10T10:00:00Z',
        state: { ...stored, campaigns: [{ ...c, ...campaign }] },
      });
    expect(broken({ status: 'lost' })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planDunning: options.state.campaigns[0].status is not one of the allowed values (expected "open", "recovered", "final_action"; received string)]`,
    );
    expect(broken({ amountDue: -1 })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planDunning: options.state.campaigns[0].amountDue is out of range (expected an integer >= 0; received integer)]`,
    );
    expect(
      broken({ attempts: [{ ...c.attempts[0], class: 'firm' }] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planDunning: options.state.campaigns[0].attempts[0].class is not one of the allowed values (expected "soft", "hard", "update_required"; received string)]`,
    );
    expect(broken({ extra: 1 })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planDunning: options.state.campaigns[0].extra is not a known key]`,
    );
    expect(broken({ windowEnd: undefined })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planDunning: options.state.campaigns[0].windowEnd is required]`,
    );
    expect(() =>
      planDunning(pastDue, standard, {
        now: '2026-06-10T10:00:00Z',
        state: { ...stored, format: 2 },
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planDunning: options.state.format is not one of the allowed values (expected 1; received integer)]`,
    );
    expect(() =>
      planDunning(pastDue, standard, {
        now: '2026-06-10T10:00:00Z',
        state: { ...stored, pending: [{ key: 'k', dueAt: 'soon' }] },
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planDunning: options.state.pending[0].dueAt has the wrong type (expected integer epoch milliseconds; received string)]`,
    );
  });

  it('validates a policy that was stored as JSON and read back', () => {
    const stored = JSON.parse(JSON.stringify(standard));
    const plan = planDunning(subscription(), stored, { now: '2026-05-20T00:00:00Z' });
    expect(plan.actions).toEqual(
      planDunning(subscription(), standard, { now: '2026-05-20T00:00:00Z' }).actions,
    );
    expect(() =>
      planDunning(
        subscription(),
        { ...stored, retries: { ...stored.retries, window: '40d' } },
        { now: '2026-05-20T00:00:00Z' },
      ),
    ).toThrow(/defineDunningPolicy: definition.retries.window is out of range/);
  });
});

describe('planDunning: driving a campaign to its end', () => {
  it('recovers on the third retry, with retries inside the window', () => {
    const run = drive(
      pastDue,
      standard,
      {
        events: [failed('2026-06-10T09:00:00Z', 'insufficient_funds')],
        now: t('2026-06-10T09:00:00Z'),
      },
      (attempt) => (attempt === 4 ? { ok: true } : { ok: false, code: 'insufficient_funds' }),
      { timeZone: BERLIN },
    );
    const last = run.plans.at(-1)!;
    expect(run.retries.length).toBe(3);
    const closed = run.plans.flatMap((p) => p.closed);
    expect(closed.map((c) => [c.status, c.recoveredBy])).toEqual([['recovered', 'retry']]);
    expect(last.state.campaigns[0]!.status).toBe('recovered');
    for (const r of run.retries) expect(r).toBeLessThan(t('2026-06-24T09:00:00Z'));
  });

  it('never sends, after a campaign closes, a reminder that fell due while it was open', () => {
    // a one-off charge fails two weeks before the next renewal: the renewal's 7-day reminder
    // falls due while the campaign is open, and is held back for good
    const sub = subscription({ currentPeriodEnd: '2026-06-24T09:00:00Z' });
    const short = policy({
      reminders: { preCharge: { before: ['7d', '1d'] } },
      retries: { schedule: ['1d', '3d', '5d'], window: '10d' },
    });
    const run = drive(
      sub,
      short,
      { events: [failed('2026-06-10T10:00:00Z', 'do_not_honor')], now: t('2026-06-10T10:00:00Z') },
      () => ({ ok: false, code: 'do_not_honor' }),
      { timeZone: BERLIN },
    );
    const [campaign] = run.plans.flatMap((p) => p.closed);
    expect(campaign?.status).toBe('final_action');
    const reminders = run.plans.flatMap((p) =>
      p.steps.filter((s) => s.kind === 'pre_charge_reminder').map((s) => s.dueAt),
    );
    for (const at of reminders) {
      expect(at < campaign!.startedAt || at >= campaign!.closedAt!).toBe(true);
    }
    // the 7-day reminder (June 17, 10:00 in Berlin) fell due inside the campaign
    const sevenDays = t('2026-06-17T08:00:00Z');
    expect(campaign!.startedAt <= sevenDays && sevenDays < campaign!.closedAt!).toBe(true);
    expect(reminders).not.toContain(sevenDays);
  });

  it('ends in the final action when nothing works', () => {
    const run = drive(
      pastDue,
      standard,
      { events: [failed('2026-06-10T09:00:00Z', 'do_not_honor')], now: t('2026-06-10T09:00:00Z') },
      () => ({ ok: false, code: 'do_not_honor' }),
    );
    expect(run.retries.length).toBe(standard.retries.schedule.default.length);
    const closed = run.plans.flatMap((p) => p.closed);
    expect(closed.map((c) => [c.status, c.closedAt])).toEqual([
      ['final_action', t('2026-06-24T09:00:00Z')],
    ]);
  });
});
