import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import { drive } from '../../test/helpers/winback';
import { actionKey } from '../core/action';
import { RetentionInputError } from '../core/errors';
import { stableFraction } from '../core/hash';
import {
  defineWinbackPolicy,
  type WinbackPolicyDefinition,
  type WinbackStepDefinition,
} from './defineWinbackPolicy';
import {
  planWinback,
  type WinbackCustomer,
  type WinbackEvent,
  type WinbackState,
} from './planWinback';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 2, 2, 9); // Monday 2 March 2026, 09:00 UTC
const policy = defineWinbackPolicy({ id: 'winback', version: 1 });

const canceled = (
  at: number,
  properties: Record<string, string | number | boolean> = {},
  id?: string,
): WinbackEvent & { at: number } => ({
  ...(id === undefined ? {} : { id }),
  type: 'subscription_canceled',
  at,
  properties: { kind: 'voluntary', ...properties },
});
const ev = (type: string, at: number, properties: Record<string, string | number> = {}) => ({
  type,
  at,
  properties,
});

describe('planWinback: the default sequence', () => {
  it('plans three messages after a voluntary cancellation, with keys, reason and an expiring offer', () => {
    const plan = planWinback({ id: 'cus_1' }, policy, {
      now: T0 + HOUR,
      events: [
        canceled(T0, {}, 'evt_9'),
        ev('exit_survey_answered', T0 + 60_000, { text: 'Слишком дорого' }),
      ],
    });
    expect(plan.decisions).toEqual([
      {
        cancellationId: 'evt_9',
        canceledAt: T0,
        decidedAt: T0 + HOUR,
        outcome: 'entered',
        ineligible: null,
        segment: 'all',
      },
    ]);
    expect(plan.actions.map((a) => [a.template, a.dueAt])).toEqual([
      ['winback-ask-why', T0 + 3 * DAY],
      ['winback-solution', T0 + 14 * DAY],
      ['winback-offer', T0 + 30 * DAY],
    ]);
    for (const a of plan.actions)
      expect(a.key).toBe(
        actionKey('cus_1', {
          module: 'winback',
          definitionId: 'winback',
          version: 1,
          occurrence: 'evt_9',
          step: a.source.step!,
        }),
      );
    expect(plan.actions[0]!.params).toEqual({
      winback: {
        segment: 'all',
        reason: 'price',
        purpose: 'ask_why',
        step: 1,
        steps: 3,
        cancellationId: 'evt_9',
      },
    });
    expect(plan.actions[2]!.params.winback).toMatchObject({
      purpose: 'offer',
      offer: {
        id: 'winback-20-off',
        kind: 'discount',
        percentOff: 20,
        cycles: 3,
        expiresAt: T0 + 44 * DAY,
      },
    });
    expect(plan.state.entry).toMatchObject({
      status: 'active',
      endsAt: T0 + 30 * DAY,
      offerId: 'winback-20-off',
    });
    expect(plan.nextWakeUpAt).toBe(T0 + 90 * DAY);
    expect(plan.cancel).toEqual([]);
  });

  it('waits decideAfter for the exit survey, as an engine calling at each event would', () => {
    const r = drive(
      { id: 'cus_1' },
      policy,
      [canceled(T0), ev('exit_survey_answered', T0 + 20 * 60_000, { reason: 'competitor' })],
      T0 + 2 * DAY,
    );
    expect(r.plans[0]!.actions).toEqual([]);
    expect(r.plans[0]!.nextWakeUpAt).toBe(T0 + HOUR);
    expect(r.plans[0]!.state.pending).toMatchObject({ canceledAt: T0, decideAt: T0 + HOUR });
    expect(r.outbox.map((a) => a.params.winback)).toMatchObject([
      { reason: 'competitor' },
      { reason: 'competitor' },
      { reason: 'competitor' },
    ]);
    // an answer after the decision does not move the customer
    const late = drive(
      { id: 'cus_1' },
      policy,
      [canceled(T0), ev('exit_survey_answered', T0 + 2 * HOUR, { reason: 'price' })],
      T0 + 2 * DAY,
    );
    expect(late.outbox.map((a) => (a.params.winback as { reason: unknown }).reason)).toEqual([
      null,
      null,
      null,
    ]);
  });

  it('gives the same outbox whether the state is kept live or stored as JSON', () => {
    const events = [canceled(T0), ev('message_replied', T0 + 20 * DAY)];
    const live = drive({ id: 'c' }, policy, events, T0 + 100 * DAY);
    const stored = drive({ id: 'c' }, policy, events, T0 + 100 * DAY, { roundTrip: true });
    expect(stored.outbox).toEqual(live.outbox);
    expect(stored.closed).toEqual(live.closed);
  });
});

describe('planWinback: eligibility', () => {
  const decide = (events: (WinbackEvent & { at: number })[], p = policy, until = T0 + 2 * DAY) =>
    drive({ id: 'cus_1', signedUpAt: T0 - 100 * DAY, ltv: 50_000 }, p, events, until).decisions.map(
      (d) => d.ineligible ?? d.outcome,
    );

  it('lets only voluntary churn in', () => {
    expect(decide([canceled(T0, { kind: 'involuntary' })])).toEqual(['involuntary']);
    expect(decide([{ type: 'subscription_canceled', at: T0 }])).toEqual(['involuntary']);
  });

  it('keeps out fraud and chargebacks, for good', () => {
    expect(decide([canceled(T0, { fraud: true })])).toEqual(['excluded']);
    expect(decide([canceled(T0, { chargeback: true })])).toEqual(['excluded']);
    expect(decide([ev('chargeback', T0 - 400 * DAY), canceled(T0)])).toEqual(['excluded']);
    expect(decide([canceled(T0), ev('fraud_detected', T0 + 10 * 60_000)])).toEqual(['excluded']);
    const custom = defineWinbackPolicy({
      id: 'w',
      version: 1,
      eligibility: { excludeEvents: ['refund_abuse'] },
    });
    expect(decide([ev('chargeback', T0 - DAY), canceled(T0)], custom)).toEqual(['entered']);
    expect(decide([ev('refund_abuse', T0 - DAY), canceled(T0)], custom)).toEqual(['excluded']);
  });

  it('respects unsubscribes and complaints until a resubscribe', () => {
    expect(decide([ev('unsubscribed', T0 - DAY), canceled(T0)])).toEqual(['suppressed']);
    expect(decide([ev('complained', T0 - DAY), canceled(T0)])).toEqual(['suppressed']);
    expect(
      decide([ev('unsubscribed', T0 - 2 * DAY), ev('resubscribed', T0 - DAY), canceled(T0)]),
    ).toEqual(['entered']);
  });

  it('skips a customer who comes back before the decision', () => {
    expect(decide([canceled(T0), ev('subscription_reactivated', T0 + 30 * 60_000)])).toEqual([
      'reactivated',
    ]);
  });

  it('never runs two sequences at once, and waits the cooldown after one', () => {
    const events = [
      canceled(T0, {}, 'a'),
      canceled(T0 + 10 * DAY, {}, 'b'), // a second cancellation report during the sequence
      ev('subscription_reactivated', T0 + 40 * DAY),
      canceled(T0 + 60 * DAY, {}, 'c'), // within 180 days of the end of the first sequence
      ev('subscription_reactivated', T0 + 70 * DAY),
      canceled(T0 + 240 * DAY, {}, 'd'),
    ];
    expect(decide(events, policy, T0 + 300 * DAY)).toEqual([
      'entered',
      'active',
      'cooldown',
      'entered',
    ]);
  });

  it('applies the eligibility condition, then the segments in order', () => {
    const p = defineWinbackPolicy({
      id: 'w',
      version: 1,
      eligibility: { when: { fact: 'tenureDays', op: 'gte', value: 30 } },
      segments: [
        { id: 'high-ltv', when: { fact: 'ltv', op: 'gte', value: 100_000 } },
        { id: 'price', when: { fact: 'reason', op: 'eq', value: 'price' } },
      ],
    });
    const run = (customer: object, events: (WinbackEvent & { at: number })[]) =>
      drive({ id: 'c', ...customer }, p, events, T0 + 2 * DAY).decisions.map(
        (d) => d.segment ?? d.ineligible,
      );
    expect(run({ signedUpAt: T0 - 10 * DAY }, [canceled(T0, { reason: 'price' })])).toEqual([
      'condition',
    ]);
    expect(
      run({ signedUpAt: T0 - 40 * DAY, ltv: 200_000 }, [canceled(T0, { reason: 'price' })]),
    ).toEqual(['high-ltv']);
    expect(
      run({ signedUpAt: T0 - 40 * DAY, ltv: 1_000 }, [canceled(T0, { reason: 'price' })]),
    ).toEqual(['price']);
    expect(
      run({ signedUpAt: T0 - 40 * DAY, ltv: 1_000 }, [canceled(T0, { reason: 'support' })]),
    ).toEqual(['no_segment']);
  });

  it('reads plan and mrr from the cancellation, falling back to the customer', () => {
    const p = defineWinbackPolicy({
      id: 'w',
      version: 1,
      segments: [
        {
          id: 'business',
          when: {
            all: [
              { fact: 'plan', op: 'eq', value: 'business' },
              { fact: 'mrr', op: 'gte', value: 20_000 },
            ],
          },
        },
        { id: 'rest' },
      ],
    });
    const seg = (customer: object, props: Record<string, string | number>) =>
      drive({ id: 'c', ...customer }, p, [canceled(T0, props)], T0 + DAY).decisions[0]!.segment;
    expect(seg({ plan: 'business', mrr: 29_900 }, {})).toBe('business');
    expect(seg({ plan: 'business', mrr: 29_900 }, { plan: 'team' })).toBe('rest');
    expect(seg({}, { plan: 'business', mrr: 29_900, currency: 'USD' })).toBe('business');
  });
});

describe('planWinback: stop conditions', () => {
  it.each([
    ['message_replied', 'replied'],
    ['unsubscribed', 'unsubscribed'],
    ['complained', 'complained'],
    ['fraud_detected', 'excluded'],
  ] as const)('%s cancels every message due from then on', (type, why) => {
    const r = drive({ id: 'c' }, policy, [canceled(T0), ev(type, T0 + 5 * DAY)], T0 + 100 * DAY);
    expect(r.outbox.map((a) => a.template)).toEqual(['winback-ask-why']);
    expect(r.cancelled.size).toBe(2);
    expect(r.state!.entry).toMatchObject({
      status: 'stopped',
      stoppedBy: why,
      stoppedAt: T0 + 5 * DAY,
      endsAt: T0 + 3 * DAY,
      offer: null,
      offerId: 'winback-20-off',
    });
  });

  it('closes the entry as won back at a reactivation, with its revenue', () => {
    const r = drive(
      { id: 'c' },
      policy,
      [canceled(T0), ev('subscription_reactivated', T0 + 20 * DAY, { mrr: 9900, currency: 'USD' })],
      T0 + 200 * DAY,
    );
    expect(r.outbox.map((a) => a.template)).toEqual(['winback-ask-why', 'winback-solution']);
    expect(r.closed).toHaveLength(1);
    expect(r.closed[0]).toMatchObject({
      stoppedBy: 'reactivated',
      reactivatedAt: T0 + 20 * DAY,
      reactivatedMrr: 9900,
      reactivatedCurrency: 'USD',
      closedAt: T0 + 20 * DAY,
    });
  });

  it('counts a reactivation after the sequence, within the attribution window, and not after it', () => {
    const within = drive(
      { id: 'c' },
      policy,
      [canceled(T0), ev('subscription_reactivated', T0 + 60 * DAY)],
      T0 + 200 * DAY,
    );
    expect(within.closed[0]).toMatchObject({
      status: 'completed',
      stoppedBy: null,
      reactivatedAt: T0 + 60 * DAY,
    });
    const after = drive(
      { id: 'c' },
      policy,
      [canceled(T0), ev('subscription_reactivated', T0 + 95 * DAY)],
      T0 + 200 * DAY,
    );
    expect(after.closed[0]).toMatchObject({
      status: 'completed',
      reactivatedAt: null,
      closedAt: T0 + 90 * DAY,
    });
    expect(after.plans.at(-1)!.nextWakeUpAt).toBeNull();
  });

  it('returns no action at all for messages a stop cancels within the same call', () => {
    const plan = planWinback({ id: 'c' }, policy, {
      now: T0 + 2 * DAY,
      events: [canceled(T0), ev('message_replied', T0 + DAY)],
    });
    expect(plan.actions).toEqual([]);
    expect(plan.cancel).toEqual([]);
    expect(plan.state.entry!.steps.map((s) => s.status)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
  });
});

describe('planWinback: holdout, delivery rules and horizon', () => {
  it('holds out the customers whose id hashes under the share, with the same schedule and no messages', () => {
    const p = defineWinbackPolicy({ id: 'w', version: 1, holdout: { share: 0.3, salt: 'spring' } });
    const ids = Array.from({ length: 60 }, (_, i) => `cus_${i}`);
    for (const id of ids) {
      const plan = planWinback({ id }, p, { now: T0 + HOUR, events: [canceled(T0)] });
      const held = stableFraction(id, 'spring') < 0.3;
      expect(plan.decisions[0]!.outcome).toBe(held ? 'held_out' : 'entered');
      expect(plan.actions).toHaveLength(held ? 0 : 3);
      expect(plan.state.entry!.steps.map((s) => [s.dueAt, s.status])).toEqual(
        [3, 14, 30].map((d) => [T0 + d * DAY, held ? 'held_out' : 'planned']),
      );
    }
  });

  it('moves messages out of quiet hours in the customer time zone', () => {
    const p = defineWinbackPolicy({
      id: 'w',
      version: 1,
      delivery: { sendWindow: { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5] } },
    });
    // 23:30 in New York on Monday 2 March (04:30 UTC on the 3rd)
    const at = Date.UTC(2026, 2, 3, 4, 30);
    const plan = planWinback({ id: 'c', timeZone: 'America/New_York' }, p, {
      now: at + HOUR,
      events: [canceled(at)],
    });
    expect(plan.actions.map((a) => new Date(a.dueAt).toISOString())).toEqual([
      '2026-03-06T14:00:00.000Z', // Thursday 5 March 23:30 -> Friday 09:00 EST
      '2026-03-17T13:00:00.000Z', // Monday 16 March 23:30 -> Tuesday 09:00 EDT
      '2026-04-02T13:00:00.000Z', // Wednesday 1 April 23:30 -> Thursday 09:00 EDT
    ]);
  });

  it('counts other modules’ actions against the caps, deferring or skipping', () => {
    const steps: WinbackStepDefinition[] = [
      { id: 'one', after: { days: 1 }, channel: 'email', template: 'one' },
      { id: 'two', after: { days: 2 }, channel: 'email', template: 'two' },
    ];
    const base: WinbackPolicyDefinition = {
      id: 'w',
      version: 1,
      segments: [{ id: 'all', steps }],
      delivery: { caps: [{ max: 1, per: '3d' }] },
    };
    const sent = [{ at: T0 + DAY / 2, channel: 'email' as const, definitionId: 'tips' }];
    const deferred = planWinback({ id: 'c' }, defineWinbackPolicy(base), {
      now: T0 + HOUR,
      events: [canceled(T0)],
      sent,
    });
    expect(deferred.actions.map((a) => (a.dueAt - T0) / DAY)).toEqual([3.5, 6.5]);
    const skipped = planWinback(
      { id: 'c' },
      defineWinbackPolicy({ ...base, delivery: { caps: [{ max: 1, per: '3d' }], onCap: 'skip' } }),
      {
        now: T0 + HOUR,
        events: [canceled(T0)],
        sent,
      },
    );
    expect(skipped.actions).toEqual([]);
    expect(skipped.state.entry!.steps.map((s) => [s.status, s.why])).toEqual([
      ['skipped', 'capped'],
      ['skipped', 'capped'],
    ]);
  });

  it('skips messages that would go out too late when a cancellation is planned after the fact', () => {
    const plan = planWinback({ id: 'c' }, policy, { now: T0 + 20 * DAY, events: [canceled(T0)] });
    expect(plan.state.entry!.steps.map((s) => [s.status, s.why])).toEqual([
      ['skipped', 'late'],
      ['skipped', 'late'],
      ['planned', null],
    ]);
    expect(plan.actions.map((a) => a.dueAt)).toEqual([T0 + 30 * DAY]);
    const slightly = planWinback({ id: 'c' }, policy, {
      now: T0 + 3 * DAY + HOUR,
      events: [canceled(T0)],
    });
    expect(slightly.actions[0]!.dueAt).toBe(T0 + 3 * DAY + HOUR);
  });

  it('plans only what falls within the horizon, and the rest when it comes near', () => {
    const r = drive({ id: 'c' }, policy, [canceled(T0)], T0 + 100 * DAY, { horizon: '1d' });
    expect(r.plans[1]!.actions).toEqual([]);
    expect(r.plans[1]!.nextWakeUpAt).toBe(T0 + 2 * DAY);
    expect(
      r.plans.filter((p) => p.actions.length > 0).map((p) => p.actions.map((a) => a.template)),
    ).toEqual([['winback-ask-why'], ['winback-solution'], ['winback-offer']]);
    const full = drive({ id: 'c' }, policy, [canceled(T0)], T0 + 100 * DAY);
    expect(r.outbox).toEqual(full.outbox);
  });

  it('skips a scheduled step that a new policy version no longer has', () => {
    const first = planWinback({ id: 'c' }, policy, {
      now: T0 + HOUR,
      events: [canceled(T0)],
      horizon: '1d',
    });
    const second = planWinback({ id: 'c' }, policy, {
      now: T0 + 2 * DAY + HOUR,
      state: first.state,
      horizon: '1d',
    });
    expect(second.actions.map((a) => a.template)).toEqual(['winback-ask-why']);
    const v2 = defineWinbackPolicy({
      id: 'winback',
      version: 2,
      segments: [{ id: 'all', steps: defaultWinbackSequenceWithout('solution') }],
    });
    const later = planWinback({ id: 'c' }, v2, {
      now: T0 + 13 * DAY + HOUR,
      state: second.state,
      horizon: '1d',
    });
    expect(later.actions).toEqual([]);
    expect(later.state.entry!.steps.map((s) => [s.id, s.status, s.why])).toEqual([
      ['ask-why', 'planned', null],
      ['solution', 'skipped', 'removed'],
      ['offer', 'scheduled', null],
    ]);
    // a caller that sleeps through its wake-up finds the step too late to send
    const overslept = planWinback({ id: 'c' }, policy, {
      now: T0 + 20 * DAY,
      state: second.state,
      horizon: '1d',
    });
    expect(overslept.state.entry!.steps.map((s) => [s.id, s.status, s.why])).toEqual([
      ['ask-why', 'planned', null],
      ['solution', 'skipped', 'late'],
      ['offer', 'scheduled', null],
    ]);
  });
});

function defaultWinbackSequenceWithout(id: string): WinbackStepDefinition[] {
  return policy.segments[0]!.steps.filter((s) => s.id !== id).map(
    (s) => ({ ...s, offer: s.offer ?? undefined }) as WinbackStepDefinition,
  );
}

describe('planWinback: purity and errors', () => {
  it('is pure and deterministic', () => {
    const first = planWinback({ id: 'c' }, policy, { now: T0 + HOUR, events: [canceled(T0)] });
    assertPure(
      planWinback,
      { id: 'c', timeZone: 'Europe/Berlin', attributes: { country: 'DE' } },
      policy,
      {
        now: T0 + 5 * DAY,
        state: first.state,
        events: [ev('message_replied', T0 + 4 * DAY)],
        sent: [{ at: T0, channel: 'email', definitionId: 'x' }],
      },
    );
  });

  it('rejects malformed input, naming the place', () => {
    const now = T0 + HOUR;
    expect(() => planWinback({ id: '' }, policy, { now })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planWinback: customer.id has an invalid value (expected a non-empty string of at most 256 characters; received empty string)]`,
    );
    expect(() =>
      planWinback({ id: 'c', timeZone: 'Mars/Olympus' }, policy, { now }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planWinback: customer.timeZone is not a known IANA time zone (received string)]`,
    );
    expect(() => planWinback({ id: 'c' }, policy, { now: 'soon' })).toThrow(
      /options.now is not a valid instant/,
    );
    expect(() =>
      planWinback({ id: 'c' }, policy, { now, events: [canceled(T0), { type: '', at: T0 }] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planWinback: options.events[1].type is required (expected a non-empty string; received empty string)]`,
    );
    expect(() =>
      planWinback({ id: 'c' }, policy, { now, events: [canceled(now + 1)] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planWinback: options.events[0].at is out of order: an event after now]`,
    );
    expect(() =>
      planWinback({ id: 'c' }, policy, { now, events: [canceled(T0, { mrr: -1 })] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planWinback: options.events[0].properties.mrr is out of range (expected an integer >= 0; received integer)]`,
    );
    const { state } = planWinback({ id: 'c' }, policy, { now });
    expect(() =>
      planWinback({ id: 'c' }, policy, { now: now - 1, state }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planWinback: options.now is out of order: now is before the state's evaluatedAt]`,
    );
    expect(() =>
      planWinback({ id: 'other' }, policy, { now, state }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planWinback: options.state.customerId has an invalid value (expected the customer's own state (customerId differs); received string)]`,
    );
    expect(() =>
      planWinback({ id: 'c' }, policy, {
        now,
        state: { ...state, format: 2 } as unknown as WinbackState,
      }),
    ).toThrow(/options.state.format has an invalid value/);
    expect(() =>
      planWinback({ id: 'c' }, policy, {
        now,
        state: { ...state, entry: { id: 'x' } } as unknown as WinbackState,
      }),
    ).toThrow(/options.state.entry has an invalid value/);
    expect(() =>
      planWinback({ id: 'c' }, policy, { now, horizon: { days: 1 } as unknown as string }),
    ).toThrow(/options.horizon is not a valid duration/);
    expect(() =>
      planWinback({ id: 'c' }, policy, { now, events: 'x' as unknown as WinbackEvent[] }),
    ).toThrow(RetentionInputError);
    expect(() => planWinback({ id: 'c' }, policy, { now, sent: {} as unknown as [] })).toThrow(
      /options.sent has the wrong type/,
    );
  });

  it('names the field of the customer or event that is malformed', () => {
    const now = T0 + HOUR;
    const bad =
      (customer: Record<string, unknown>, events: unknown[] = []) =>
      () =>
        planWinback({ id: 'c', ...customer } as WinbackCustomer, policy, {
          now,
          events: events as WinbackEvent[],
        });
    expect(bad({ plan: 5 })).toThrow(/customer\.plan has the wrong type/);
    expect(bad({ mrr: -1 })).toThrow(/customer\.mrr is out of range/);
    expect(bad({ currency: 'eur' })).toThrow(/customer\.currency /);
    expect(bad({ ltv: -1 })).toThrow(/customer\.ltv is out of range/);
    expect(bad({ attributes: 'x' })).toThrow(/customer\.attributes has the wrong type/);
    expect(bad({ signedUpAt: 'x' })).toThrow(/customer\.signedUpAt is not a valid instant/);
    expect(bad({}, [{ ...canceled(T0), id: '' }])).toThrow(/options\.events\[0\]\.id /);
    expect(bad({}, [{ ...canceled(T0), properties: [] }])).toThrow(
      /options\.events\[0\]\.properties has the wrong type/,
    );
    expect(bad({}, [{ ...canceled(T0), at: 'x' }])).toThrow(
      /options\.events\[0\]\.at is not a valid instant/,
    );
    // an integer past the range of instants, though a safe integer
    expect(bad({}, [{ ...canceled(T0), at: 9e15 }])).toThrow(
      /options\.events\[0\]\.at is not a valid instant/,
    );
    expect(bad({}, [canceled(T0, { plan: 5 })])).toThrow(
      /options\.events\[0\]\.properties\.plan has the wrong type/,
    );
    expect(bad({}, [canceled(T0, { currency: 'eur' })])).toThrow(
      /options\.events\[0\]\.properties\.currency /,
    );
    const first = planWinback({ id: 'c' }, policy, { now, events: [canceled(T0)] });
    expect(() =>
      planWinback({ id: 'c' }, policy, {
        now: now + DAY,
        state: first.state,
        events: [{ type: 'subscription_reactivated', at: now + DAY, properties: { mrr: -1 } }],
      }),
    ).toThrow(/options\.events\[0\]\.properties\.mrr is out of range/);
  });
});
