import { describe, expect, it } from 'vitest';
import { assertPure, errorMessages } from '../../test/helpers/contracts';
import { at, DAY, ev, follow, HOUR, MINUTE, run, summary } from '../../test/helpers/triggers';
import { actionKey } from '../core/action';
import { RetentionDefinitionError, RetentionInputError } from '../core/errors';
import { nextInSendWindow } from '../core/schedule';
import { compileRules, type TriggerState } from './compileRules';
import type { TriggerRule } from './defineRule';

const email = (template: string, extra: Partial<TriggerRule['actions'][number]> = {}) => ({
  channel: 'email' as const,
  template,
  ...extra,
});

describe('event triggers', () => {
  const rules = compileRules([
    {
      id: 'import-help',
      version: 1,
      trigger: {
        kind: 'event',
        event: 'import_failed',
        where: { fact: 'step', op: 'eq', value: 'import_data' },
      },
      actions: [
        {
          channel: 'in_app',
          template: 'import-help',
          params: { title: 'Stuck at {{$event.step}}, {{firstName | "there"}}?' },
        },
      ],
    },
  ]);

  it('fire once per matching event, with the event in the template scope', () => {
    const t = at('2026-06-01T10:00:00Z');
    const r = rules.evaluate(
      {
        customerId: 'c1',
        facts: { firstName: 'Ada' },
        events: [
          ev('e1', 'import_failed', t, { step: 'import_data' }),
          ev('e2', 'import_failed', t + MINUTE, { step: 'connect_crm' }),
          ev('e3', 'login', t),
        ],
      },
      t + MINUTE,
    );
    expect(r.actions).toHaveLength(1);
    const [a] = r.actions;
    expect(a!.params).toEqual({ title: 'Stuck at import_data, Ada?' });
    expect(a!.dueAt).toBe(t + MINUTE);
    expect(a!.key).toBe(
      actionKey('c1', {
        module: 'triggers',
        definitionId: 'import-help',
        version: 1,
        occurrence: 'event:e1',
        step: 'in_app:import-help',
      }),
    );
    expect(r.nextEvaluationAt).toBeNull();
  });

  it('do not fire again for a re-delivered event', () => {
    const t = at('2026-06-01T10:00:00Z');
    const e = ev('e1', 'import_failed', t, { step: 'import_data' });
    const [first, second] = run(rules, [
      { now: t, events: [e] },
      { now: t + HOUR, events: [e] },
    ]);
    expect(first!.actions).toHaveLength(1);
    expect(second!.actions).toHaveLength(0);
    const explained = rules.explain(
      { customerId: 'c1', events: [e], state: first!.state },
      t + HOUR,
    );
    expect(explained.rules[0]!.occurrences.map((o) => o.outcome)).toEqual(['duplicate']);
  });

  it('wait for events dated in the future', () => {
    const t = at('2026-06-01T10:00:00Z');
    const r = rules.evaluate(
      { customerId: 'c1', events: [ev('e1', 'import_failed', t + HOUR, { step: 'import_data' })] },
      t,
    );
    expect(r.actions).toHaveLength(0);
    expect(r.nextEvaluationAt).toBe(t + HOUR);
    const later = rules.evaluate({ customerId: 'c1', state: r.state }, t + HOUR);
    expect(summary(later)).toEqual(['import-help@2026-06-01T11:00:00.000Z']);
  });

  it('de-duplicate occurrences by a property (one notice per incident)', () => {
    const incident = compileRules([
      {
        id: 'incident-notice',
        version: 1,
        trigger: { kind: 'event', event: 'incident_affected', dedupeBy: 'incidentId' },
        actions: [email('incident')],
      },
    ]);
    const t = at('2026-06-01T10:00:00Z');
    const [first, second] = run(incident, [
      {
        now: t,
        events: [
          ev('a', 'incident_affected', t, { incidentId: 'INC-7' }),
          ev('b', 'incident_affected', t, { incidentId: 'INC-7' }),
        ],
      },
      { now: t + HOUR, events: [ev('c', 'incident_affected', t + HOUR, { incidentId: 'INC-8' })] },
    ]);
    expect(first!.actions.map((a) => a.source.occurrence)).toEqual(['incidentId=INC-7']);
    expect(second!.actions.map((a) => a.source.occurrence)).toEqual(['incidentId=INC-8']);
  });
});

describe('event-without triggers', () => {
  const rules = compileRules([
    {
      id: 'cart-delivery-faq',
      version: 1,
      trigger: { kind: 'eventWithout', event: 'cart_added', without: 'order_placed', within: '3h' },
      actions: [email('delivery-faq')],
    },
  ]);
  const t = at('2026-06-01T10:00:00Z');

  it('fire at the end of the window when no follow-up arrived', () => {
    const r = rules.evaluate({ customerId: 'c1', events: [ev('c', 'cart_added', t)] }, t);
    expect(r.actions).toEqual([]);
    expect(r.nextEvaluationAt).toBe(t + 3 * HOUR);
    const [fired] = follow(rules, r, t + DAY);
    expect(summary(fired!)).toEqual(['delivery-faq@2026-06-01T13:00:00.000Z']);
  });

  it('do not fire when the follow-up arrives within the window, even in the same batch or late', () => {
    const inTime = run(rules, [
      { now: t, events: [ev('c', 'cart_added', t)] },
      { now: t + 2 * HOUR, events: [ev('o', 'order_placed', t + 2 * HOUR)] },
      { now: t + 4 * HOUR },
    ]);
    expect(inTime.flatMap((r) => r.actions)).toEqual([]);
    expect(inTime[1]!.nextEvaluationAt).toBeNull();
    // the order arrived before the cart event was delivered
    const late = run(rules, [
      { now: t + 5 * HOUR, events: [ev('o', 'order_placed', t + HOUR), ev('c', 'cart_added', t)] },
    ]);
    expect(late[0]!.actions).toEqual([]);
  });

  it('fire when the follow-up comes after the window', () => {
    const results = run(rules, [
      { now: t, events: [ev('c', 'cart_added', t)] },
      { now: t + 4 * HOUR, events: [ev('o', 'order_placed', t + 3 * HOUR + 1)] },
    ]);
    expect(summary(results[1]!)).toEqual(['delivery-faq@2026-06-01T14:00:00.000Z']);
  });

  it('count a calendar window in the customer time zone', () => {
    const daily = compileRules([
      {
        id: 'no-order-next-day',
        version: 1,
        trigger: {
          kind: 'eventWithout',
          event: 'cart_added',
          without: 'order_placed',
          within: { days: 1 },
        },
        actions: [email('reminder')],
      },
    ]);
    // 12:00 in Berlin on the day before the clocks go forward: one calendar day is 23 hours
    const saturday = at('2026-03-28T11:00:00Z');
    const r = daily.evaluate(
      { customerId: 'c1', timeZone: 'Europe/Berlin', events: [ev('c', 'cart_added', saturday)] },
      saturday,
    );
    expect(r.nextEvaluationAt! - saturday).toBe(23 * HOUR);
  });
});

describe('inactivity triggers', () => {
  const rule = (reentry: TriggerRule['reentry']): TriggerRule => ({
    id: 'vip-inactive',
    version: 1,
    trigger: { kind: 'inactivity', event: 'login', for: '21d', since: 'signedUpAt' },
    actions: [{ channel: 'crm_task', template: 'personal-call' }],
    ...(reentry === undefined ? {} : { reentry }),
  });
  const t = at('2026-05-01T08:00:00Z');

  it('fire once per stretch of inactivity', () => {
    const rules = compileRules([rule(undefined)]);
    const r = rules.evaluate({ customerId: 'c1', events: [ev('l1', 'login', t)] }, t);
    expect(r.nextEvaluationAt).toBe(t + 21 * DAY);
    const fired = follow(rules, r, t + 90 * DAY);
    expect(fired.map(summary)).toEqual([['personal-call@2026-05-22T08:00:00.000Z']]);
    expect(fired[0]!.nextEvaluationAt).toBeNull();
    // a login starts a new stretch; 21 days later it fires again, with another key
    const back = run(
      rules,
      [{ now: t + 30 * DAY, events: [ev('l2', 'login', t + 30 * DAY)] }, { now: t + 51 * DAY }],
      { state: fired[0]!.state },
    );
    expect(summary(back[1]!)).toEqual(['personal-call@2026-06-21T08:00:00.000Z']);
    expect(back[1]!.actions[0]!.key).not.toBe(fired[0]!.actions[0]!.key);
  });

  it("respect re-entry 'once' and { oncePer }", () => {
    const steps = [
      { now: t, events: [ev('l1', 'login', t)] },
      { now: t + 21 * DAY },
      { now: t + 30 * DAY, events: [ev('l2', 'login', t + 30 * DAY)] },
      { now: t + 51 * DAY },
      { now: t + 120 * DAY, events: [ev('l3', 'login', t + 120 * DAY)] },
      { now: t + 141 * DAY },
    ];
    const count = (r: TriggerRule['reentry']) =>
      run(compileRules([rule(r)]), steps).map((x) => x.actions.length);
    expect(count('once')).toEqual([0, 1, 0, 0, 0, 0]);
    expect(count('every')).toEqual([0, 1, 0, 1, 0, 1]);
    expect(count({ oncePer: '60d' })).toEqual([0, 1, 0, 0, 0, 1]);
  });

  it('measure from the `since` fact when the event never happened', () => {
    const rules = compileRules([rule(undefined)]);
    const r = rules.evaluate(
      { customerId: 'c1', facts: { signedUpAt: '2026-05-01T08:00:00Z' } },
      t,
    );
    expect(r.nextEvaluationAt).toBe(t + 21 * DAY);
  });
});

describe('date triggers', () => {
  const renewal = compileRules([
    {
      id: 'renewal-reminder',
      version: 1,
      trigger: {
        kind: 'date',
        fact: 'subscription.renewsAt',
        offsets: [{ before: '7d' }, { before: '3d' }],
      },
      actions: [email('renewal')],
      reentry: 'once',
    },
  ]);
  const renewsAt = at('2026-07-01T00:00:00Z');
  const facts = { subscription: { renewsAt } };

  it('fire every offset of one date, under distinct keys of one occurrence', () => {
    const r = renewal.evaluate({ customerId: 'c1', facts }, at('2026-06-01T00:00:00Z'));
    expect(r.nextEvaluationAt).toBe(renewsAt - 7 * DAY);
    const fired = follow(renewal, r, renewsAt, { facts });
    expect(fired.map(summary)).toEqual([
      ['renewal@2026-06-24T00:00:00.000Z'],
      ['renewal@2026-06-28T00:00:00.000Z'],
    ]);
    const [a, b] = fired.map((x) => x.actions[0]!.source);
    expect(a!.occurrence).toBe(b!.occurrence);
    expect([a!.step, b!.step]).toEqual([
      'before:604800000ms/email:renewal',
      'before:259200000ms/email:renewal',
    ]);
    // reentry 'once' still blocks the next renewal
    const nextYear = { subscription: { renewsAt: at('2027-07-01T00:00:00Z') } };
    const later = follow(renewal, fired[1]!, at('2027-07-01T00:00:00Z'), { facts: nextYear });
    expect(later.flatMap((x) => x.actions)).toEqual([]);
  });

  it('count calendar offsets in the customer time zone', () => {
    const csat = compileRules([
      {
        id: 'day-14-csat',
        version: 1,
        trigger: { kind: 'date', fact: 'signedUpAt', offsets: [{ after: { days: 14 } }] },
        actions: [email('csat')],
      },
    ]);
    // signed up 09:00 in New York on 1 March; 14 calendar days later is 09:00 New York again,
    // though the clocks went forward on 8 March
    const signedUpAt = '2026-03-01T09:00:00-05:00';
    const r = csat.evaluate(
      { customerId: 'c1', timeZone: 'America/New_York', facts: { signedUpAt } },
      at(signedUpAt),
    );
    expect(new Date(r.nextEvaluationAt!).toISOString()).toBe('2026-03-15T13:00:00.000Z');
  });

  it('find the next instant among several dates, calendar ones across daylight saving', () => {
    // Berlin springs forward on 29 March 2026: { days: 2 } from 28 March 12:00 local is 47 hours
    const start = at('2026-03-28T11:00:00Z');
    const rules = compileRules([
      {
        id: 'fixed',
        version: 1,
        trigger: { kind: 'date', fact: 'start', offsets: [{ after: '47h30m' }] },
        actions: [email('a')],
      },
      {
        id: 'calendar',
        version: 1,
        trigger: {
          kind: 'date',
          fact: 'start',
          offsets: [{ after: { days: 2 } }, { after: { months: 1 } }],
        },
        actions: [email('b')],
      },
    ]);
    const context = { customerId: 'c1', timeZone: 'Europe/Berlin', facts: { start } };
    const r = rules.evaluate(context, start);
    expect(r.nextEvaluationAt).toBe(start + 47 * HOUR);
    const fired = follow(rules, r, start + 40 * DAY, {
      timeZone: 'Europe/Berlin',
      facts: { start },
    });
    expect(fired.map(summary)).toEqual([
      ['b@2026-03-30T10:00:00.000Z'],
      ['a@2026-03-30T10:30:00.000Z'],
      ['b@2026-04-28T10:00:00.000Z'],
    ]);
  });

  it('skip dates more than expireAfter late, and start from initialState({ asOf })', () => {
    const csat = compileRules([
      {
        id: 'day-14-csat',
        version: 1,
        trigger: { kind: 'date', fact: 'signedUpAt', offsets: [{ after: '14d' }] },
        actions: [email('csat')],
        delivery: { expireAfter: '2d' },
      },
    ]);
    const now = at('2026-06-01T00:00:00Z');
    const old = { signedUpAt: now - 30 * DAY };
    const explained = csat.explain({ customerId: 'c1', facts: old }, now);
    expect(explained.actions).toEqual([]);
    expect(explained.rules[0]!.occurrences.map((o) => o.outcome)).toEqual(['expired']);
    const recent = { signedUpAt: now - 15 * DAY };
    expect(csat.evaluate({ customerId: 'c1', facts: recent }, now).actions).toHaveLength(1);
    const seeded = csat.initialState({ asOf: now });
    expect(csat.evaluate({ customerId: 'c1', facts: recent, state: seeded }, now).actions).toEqual(
      [],
    );
  });
});

describe('condition triggers', () => {
  const rules = compileRules([
    {
      id: 'vip-segment',
      version: 1,
      trigger: {
        kind: 'condition',
        condition: {
          all: [
            { fact: 'ltv', op: 'gt', value: 100_000 },
            { fact: 'attributes.plan', op: 'eq', value: 'business' },
          ],
        },
      },
      actions: [{ channel: 'crm_task', template: 'intro-success-manager' }],
    },
  ]);
  const t = at('2026-06-01T10:00:00Z');
  const vip = { ltv: 150_000, attributes: { plan: 'business' } };
  const small = { ltv: 10_000, attributes: { plan: 'business' } };

  it('fire on entering the segment, not while staying, again on re-entering', () => {
    const results = run(rules, [
      { now: t, facts: small },
      { now: t + DAY, facts: vip },
      { now: t + 2 * DAY, facts: vip },
      { now: t + 3 * DAY, facts: small },
      { now: t + 4 * DAY, facts: vip },
    ]);
    expect(results.map((r) => r.actions.map((a) => a.source.occurrence))).toEqual([
      [],
      ['entry:1'],
      [],
      [],
      ['entry:2'],
    ]);
  });

  it('schedule the next evaluation when a time-dependent condition will change', () => {
    const quiet = compileRules([
      {
        id: 'no-recent-login',
        version: 1,
        trigger: {
          kind: 'condition',
          condition: { fact: '$events.login.within.7d', op: 'eq', value: 0 },
        },
        actions: [email('we-miss-you')],
      },
    ]);
    const r = quiet.evaluate(
      { customerId: 'c1', events: [ev('l1', 'login', t - DAY), ev('l2', 'login', t)] },
      t,
    );
    expect(r.actions).toEqual([]);
    expect(r.nextEvaluationAt).toBe(t - DAY + 7 * DAY);
    const [second, third] = follow(quiet, r, t + 30 * DAY);
    expect(second!.actions).toEqual([]);
    expect(summary(third!)).toEqual(['we-miss-you@2026-06-08T10:00:00.000Z']);
  });
});

describe('milestone and stage triggers', () => {
  it('fire once per threshold, the highest when several are crossed at once', () => {
    const rules = compileRules([
      {
        id: 'hours-saved',
        version: 1,
        trigger: { kind: 'milestone', fact: 'usage.hoursSaved', thresholds: [5, 10, 50] },
        actions: [
          {
            channel: 'in_app',
            template: 'congrats',
            params: { text: 'You just saved {{$trigger.threshold}} hours' },
          },
        ],
      },
    ]);
    const t = at('2026-06-01T10:00:00Z');
    const results = run(rules, [
      { now: t, facts: { usage: { hoursSaved: 3 } } },
      { now: t + DAY, facts: { usage: { hoursSaved: 6 } } },
      { now: t + 2 * DAY, facts: { usage: { hoursSaved: 7 } } },
      { now: t + 3 * DAY, facts: { usage: { hoursSaved: 4 } } },
      { now: t + 4 * DAY, facts: { usage: { hoursSaved: 60 } } },
    ]);
    expect(results.map((r) => r.actions.map((a) => a.params.text))).toEqual([
      [],
      ['You just saved 5 hours'],
      [],
      [],
      ['You just saved 50 hours'],
    ]);
  });

  it('fire when the customer enters the named lifecycle stage', () => {
    const rules = compileRules([
      {
        id: 'immersion-guide',
        version: 1,
        trigger: { kind: 'stageEntered', stage: 'immersion' },
        actions: [email('immersion-guide')],
      },
    ]);
    const t = at('2026-06-01T10:00:00Z');
    const r = rules.evaluate(
      {
        customerId: 'c1',
        events: [
          ev('s1', 'stage_entered', t, { stage: 'orientation' }),
          ev('s2', 'stage_entered', t + HOUR, { stage: 'immersion' }),
        ],
      },
      t + HOUR,
    );
    expect(r.actions.map((a) => a.source.occurrence)).toEqual(['event:s2']);
  });
});

describe('delivery', () => {
  const t = at('2026-06-01T10:00:00Z');

  it('applies the delay, then the send window in the customer time zone', () => {
    const rules = compileRules([
      {
        id: 'welcome-tip',
        version: 1,
        trigger: { kind: 'event', event: 'signed_up' },
        actions: [email('tip')],
        delivery: { delay: '12h', sendWindow: { start: '09:00', end: '20:00' } },
      },
    ]);
    // 10:00 UTC + 12h is 22:00 UTC, 18:00 in New York: inside the window
    const ny = rules.evaluate(
      { customerId: 'c1', timeZone: 'America/New_York', events: [ev('s', 'signed_up', t)] },
      t,
    );
    expect(summary(ny)).toEqual(['tip@2026-06-01T22:00:00.000Z']);
    // in Tokyo 22:00 UTC is 07:00 the next morning: wait until 09:00 Tokyo
    const tokyo = rules.evaluate(
      { customerId: 'c1', timeZone: 'Asia/Tokyo', events: [ev('s', 'signed_up', t)] },
      t,
    );
    expect(summary(tokyo)).toEqual(['tip@2026-06-02T00:00:00.000Z']);
    expect(tokyo.state.pending).toHaveLength(1);
  });

  it('suppress the lower-priority action when two rules compete for a capped slot', () => {
    const rules = compileRules(
      [
        {
          id: 'b-feature-tip',
          version: 1,
          trigger: { kind: 'event', event: 'login' },
          actions: [email('feature-tip')],
        },
        {
          id: 'a-incident',
          version: 1,
          trigger: { kind: 'event', event: 'incident_affected' },
          actions: [email('incident', { priority: 10 })],
        },
        {
          id: 'c-survey',
          version: 1,
          trigger: { kind: 'event', event: 'login' },
          actions: [email('survey')],
        },
      ],
      { caps: [{ max: 2, per: '1d' }] },
    );
    const explained = rules.explain(
      {
        customerId: 'c1',
        events: [ev('l', 'login', t), ev('i', 'incident_affected', t)],
      },
      t,
    );
    // priority first, then rule id (b-feature-tip before c-survey)
    expect(explained.actions.map((a) => a.template).sort()).toEqual(['feature-tip', 'incident']);
    const survey = explained.rules.find((r) => r.ruleId === 'c-survey')!;
    expect(survey.occurrences[0]!.outcome).toBe('suppressed');
    expect(survey.occurrences[0]!.actions![0]).toMatchObject({
      outcome: 'suppressed',
      reason: 'cap',
    });
    // the cap counts what was planned before: the next login the same day gets nothing
    const again = rules.evaluate(
      { customerId: 'c1', events: [ev('l2', 'login', t + HOUR)], state: explained.state },
      t + HOUR,
    );
    expect(again.actions).toEqual([]);
    const tomorrow = rules.evaluate(
      { customerId: 'c1', events: [ev('l3', 'login', t + DAY)], state: again.state },
      t + DAY,
    );
    expect(tomorrow.actions.map((a) => a.template)).toEqual(['feature-tip', 'survey']);
  });

  it('defer a capped action to the next allowed slot inside the send window', () => {
    const rules = compileRules([
      {
        id: 'digest',
        version: 1,
        trigger: { kind: 'event', event: 'report_created' },
        actions: [email('digest')],
        delivery: {
          caps: [{ max: 1, per: '1d', scope: 'definition' }],
          onCap: 'defer',
          sendWindow: { start: '09:00', end: '17:00' },
        },
      },
    ]);
    const r = rules.evaluate(
      {
        customerId: 'c1',
        events: [ev('r1', 'report_created', t), ev('r2', 'report_created', t + MINUTE)],
      },
      t + MINUTE,
    );
    expect(summary(r)).toEqual([
      'digest@2026-06-01T10:01:00.000Z',
      // one day after the first, 10:01 the next day, inside 09:00-17:00
      'digest@2026-06-02T10:01:00.000Z',
    ]);
  });

  it('lets a rule opt out of the global caps', () => {
    const rules = compileRules(
      [
        {
          id: 'incident',
          version: 1,
          trigger: { kind: 'event', event: 'incident_affected' },
          actions: [email('incident')],
          delivery: { globalCaps: false },
        },
      ],
      { caps: [{ max: 0, per: '1d' }] },
    );
    const r = rules.evaluate({ customerId: 'c1', events: [ev('i', 'incident_affected', t)] }, t);
    expect(r.actions).toHaveLength(1);
  });

  it('never plans inside quiet hours', () => {
    const rules = compileRules([
      {
        id: 'tip',
        version: 1,
        trigger: { kind: 'event', event: 'login' },
        actions: [{ channel: 'push', template: 'tip' }],
        delivery: { sendWindow: { start: '22:00', end: '02:00', days: [5, 6] } },
      },
    ]);
    const window = { start: '22:00', end: '02:00', days: [5, 6] as const };
    for (let h = 0; h < 24 * 7; h += 5) {
      const now = t + h * HOUR;
      const r = rules.evaluate(
        { customerId: 'c1', timeZone: 'Asia/Kolkata', events: [ev(`l${h}`, 'login', now)] },
        now,
      );
      const due = r.actions[0]!.dueAt;
      expect(nextInSendWindow(due, { ...window, days: [...window.days] }, 'Asia/Kolkata')).toBe(
        due,
      );
    }
  });
});

describe('exits and goals', () => {
  const t = at('2026-06-01T18:00:00Z');
  const rules = compileRules([
    {
      id: 'cart-delivery-faq',
      version: 1,
      trigger: { kind: 'event', event: 'cart_added' },
      actions: [email('delivery-faq')],
      delivery: { delay: '3h', sendWindow: { start: '09:00', end: '20:00' } },
      goal: { events: ['order_placed'] },
      exit: { condition: { fact: 'attributes.unsubscribed', op: 'eq', value: true } },
    },
  ]);

  it('cancel the pending action when the goal event arrives', () => {
    const [first, second] = run(rules, [
      { now: t, events: [ev('c', 'cart_added', t)] },
      { now: t + 5 * HOUR, events: [ev('o', 'order_placed', t + 5 * HOUR)] },
    ]);
    // due at 21:00 UTC is outside 09:00-20:00 UTC: next morning
    expect(summary(first!)).toEqual(['delivery-faq@2026-06-02T09:00:00.000Z']);
    expect(second!.cancel).toEqual([
      {
        key: first!.actions[0]!.key,
        definitionId: 'cart-delivery-faq',
        occurrence: 'event:c',
        reason: 'goal',
      },
    ]);
    expect(second!.state.pending).toEqual([]);
  });

  it('cancel pending actions while an exit condition holds, and plan none', () => {
    const [first, second] = run(rules, [
      { now: t, events: [ev('c', 'cart_added', t)] },
      {
        now: t + HOUR,
        events: [ev('c2', 'cart_added', t + HOUR)],
        facts: { attributes: { unsubscribed: true } },
      },
    ]);
    expect(first!.actions).toHaveLength(1);
    expect(second!.actions).toEqual([]);
    expect(second!.cancel.map((c) => c.reason)).toEqual(['exit']);
  });

  it('do not plan when the goal happened before the occurrence was evaluated', () => {
    const [r] = run(rules, [
      {
        now: t + HOUR,
        events: [ev('c', 'cart_added', t), ev('o', 'order_placed', t + 30 * MINUTE)],
      },
    ]);
    expect(r!.actions).toEqual([]);
  });

  it('leave actions already due alone', () => {
    const [first, second] = run(rules, [
      { now: t, events: [ev('c', 'cart_added', t)] },
      { now: t + DAY, events: [ev('o', 'order_placed', t + DAY)] },
    ]);
    expect(first!.actions).toHaveLength(1);
    expect(second!.cancel).toEqual([]);
    expect(second!.state.pending).toEqual([]);
  });
});

describe('the evaluator', () => {
  const rules = compileRules(
    [
      {
        id: 'cart',
        version: 1,
        trigger: {
          kind: 'eventWithout',
          event: 'cart_added',
          without: 'order_placed',
          within: '3h',
        },
        actions: [email('faq')],
        goal: { events: ['order_placed'] },
      },
      {
        id: 'inactive',
        version: 2,
        trigger: { kind: 'inactivity', event: 'login', for: '21d' },
        conditions: { fact: '$events.report_created.count', op: 'gte', value: 1 },
        actions: [{ channel: 'crm_task', template: 'call' }],
      },
    ],
    { caps: [{ max: 3, per: '7d' }] },
  );
  const t = at('2026-06-01T10:00:00Z');
  const context = {
    customerId: 'c1',
    timeZone: 'Europe/Berlin',
    facts: { attributes: { plan: 'team' } },
    events: [ev('c', 'cart_added', t - 4 * HOUR), ev('l', 'login', t - 30 * DAY)],
  };

  it('is pure: deterministic, and does not mutate its inputs', () => {
    const first = assertPure((c, n) => rules.evaluate(c, n), context, t);
    assertPure((c, n) => rules.explain(c, n), { ...context, state: first.state }, t + 40 * DAY);
  });

  it('lists the event types that matter and the history it keeps', () => {
    expect(rules.eventTypes).toEqual(['cart_added', 'login', 'order_placed', 'report_created']);
    expect(rules.historyOptions).toEqual({ recentTypes: ['order_placed'], recentLimit: 32 });
  });

  it('returns a JSON state that round-trips', () => {
    const r = rules.evaluate(context, t);
    const stored = JSON.parse(JSON.stringify(r.state));
    expect(stored).toEqual(r.state);
    const again = rules.evaluate({ ...context, events: [], state: stored }, t + 40 * DAY);
    expect(again.state.evaluatedAt).toBe(t + 40 * DAY);
  });

  it('explains why the inactivity rule did not fire', () => {
    const r = rules.explain(context, t);
    expect(r.rules[1]).toMatchObject({
      ruleId: 'inactive',
      version: 2,
      trigger: 'inactivity',
      occurrences: [{ occurrence: `inactive-since:${t - 30 * DAY}`, outcome: 'conditions_failed' }],
    });
    expect(r.rules[1]!.occurrences[0]!.conditions).toMatchObject({
      fact: '$events.report_created.count',
      actual: 0,
      passed: false,
    });
  });

  it('gives $events to the rules that read it, whatever the order the rules are evaluated in', () => {
    const mixed = compileRules([
      {
        id: 'counts',
        version: 1,
        trigger: { kind: 'event', event: 'login' },
        actions: [
          {
            channel: 'email',
            template: 'logins',
            params: { text: 'logins: {{$events.login.count}}, plan: {{attributes.plan}}' },
          },
        ],
      },
      {
        id: 'plain',
        version: 1,
        trigger: { kind: 'event', event: 'login' },
        conditions: { fact: 'attributes.plan', op: 'eq', value: 'team' },
        actions: [
          { channel: 'in_app', template: 'hello', params: { plan: '{{attributes.plan}}' } },
        ],
      },
    ]);
    const r = mixed.evaluate(
      {
        customerId: 'c1',
        facts: { attributes: { plan: 'team' } },
        events: [ev('l1', 'login', t - 2 * HOUR), ev('l2', 'login', t - HOUR)],
      },
      t,
    );
    const byTemplate = Object.fromEntries(r.actions.map((a) => [a.template, a.params]));
    expect(byTemplate.logins).toEqual({ text: 'logins: 2, plan: team' });
    expect(byTemplate.hello).toEqual({ plan: 'team' });
  });

  it('rejects malformed input with messages that name the place, not the value', () => {
    const messages = errorMessages(RetentionInputError, [
      () => rules.evaluate({ customerId: '' }, t),
      () => rules.evaluate({ customerId: 'c1', timeZone: 'Mars/Olympus' }, t),
      () => rules.evaluate({ customerId: 'c1' }, 'yesterday'),
      () => rules.evaluate({ customerId: 'c1', events: [ev('x', 'login', '2026-06-01T10:00')] }, t),
      () => rules.evaluate({ customerId: 'c1', facts: { $events: {} } }, t),
      () =>
        rules.evaluate(
          {
            customerId: 'c1',
            state: { version: 2 } as unknown as TriggerState,
          },
          t,
        ),
    ]);
    expect(messages).toMatchInlineSnapshot(`
      [
        "CompiledRules.evaluate: context.customerId has an invalid value (expected a non-empty string of at most 256 characters; received empty string)",
        "CompiledRules.evaluate: context.timeZone is not a known IANA time zone (expected an IANA time zone such as 'Europe/Berlin'; received string)",
        "CompiledRules.evaluate: now is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received string)",
        "CompiledRules.evaluate: context.events[0].at is an ISO-8601 date-time without a UTC offset (expected a trailing Z or ±hh:mm; received string)",
        "CompiledRules.evaluate: context.facts.$events is a forbidden key: $events is reserved for the event history",
        "CompiledRules.evaluate: context.state.version has an invalid value (expected 1 (a state written by this library); received integer)",
      ]
    `);
  });
});

describe('stored history entries', () => {
  const t = at('2026-06-01T10:00:00Z');
  const email = (template: string) => ({ channel: 'email' as const, template });
  const set = compileRules([
    {
      id: 'inactive',
      version: 1,
      trigger: { kind: 'inactivity', event: 'login', for: '7d' },
      actions: [email('miss-you')],
    },
    {
      id: 'cart',
      version: 1,
      trigger: { kind: 'eventWithout', event: 'cart_added', without: 'order_placed', within: '3h' },
      actions: [email('cart')],
    },
    {
      id: 'reports',
      version: 1,
      trigger: {
        kind: 'condition',
        condition: { fact: '$events.report_created.count', op: 'gte', value: 3 },
      },
      actions: [email('reports')],
    },
  ]);
  const withHistory = (history: Record<string, unknown>): TriggerState =>
    ({ ...set.initialState({ asOf: t - DAY }), history }) as unknown as TriggerState;
  const good = {
    count: 2,
    first: t - 3 * DAY,
    last: t - 2 * DAY,
    recent: [t - 3 * DAY, t - 2 * DAY],
  };

  it('reads well-formed entries', () => {
    const r = set.evaluate(
      { customerId: 'c1', state: withHistory({ login: good, order_placed: good }) },
      t,
    );
    expect(r.nextEvaluationAt).toBe(t - 2 * DAY + 7 * DAY);
  });

  it('rejects an entry that is not one wherever the rules read it, naming its path', () => {
    const messages = errorMessages(RetentionInputError, [
      // read by the inactivity trigger
      () => set.evaluate({ customerId: 'c1', state: withHistory({ login: null }) }, t),
      () =>
        set.evaluate(
          { customerId: 'c1', state: withHistory({ login: { ...good, first: t, last: t - DAY } }) },
          t,
        ),
      () =>
        set.evaluate(
          { customerId: 'c1', state: withHistory({ login: { ...good, recent: ['x'] } }) },
          t,
        ),
      // read by a $events condition
      () =>
        set.evaluate(
          { customerId: 'c1', state: withHistory({ login: good, report_created: { count: '3' } }) },
          t,
        ),
      // folded with a new event of its type
      () =>
        set.evaluate(
          {
            customerId: 'c1',
            state: withHistory({ login: good, order_placed: 7 }),
            events: [ev('o1', 'order_placed', t - HOUR)],
          },
          t,
        ),
      // read to see whether a waiting cart was followed by an order
      () => {
        const waiting = set.evaluate(
          { customerId: 'c1', events: [ev('c1', 'cart_added', t - HOUR)] },
          t,
        ).state;
        return set.evaluate(
          {
            customerId: 'c1',
            state: {
              ...waiting,
              history: { ...waiting.history, order_placed: { count: 0 } },
            } as unknown as TriggerState,
          },
          t + HOUR,
        );
      },
    ]);
    expect(messages).toMatchInlineSnapshot(`
      [
        "CompiledRules.evaluate: context.state.history.login has an invalid value (expected a history entry { count, first, last, recent? } written by this library; received null)",
        "CompiledRules.evaluate: context.state.history.login has an invalid value (expected a history entry { count, first, last, recent? } written by this library; received object)",
        "CompiledRules.evaluate: context.state.history.login has an invalid value (expected a history entry { count, first, last, recent? } written by this library; received object)",
        "CompiledRules.evaluate: context.state.history.report_created has an invalid value (expected a history entry { count, first, last, recent? } written by this library; received object)",
        "CompiledRules.evaluate: context.state.history.order_placed has an invalid value (expected a history entry { count, first, last, recent? } written by this library; received integer)",
        "CompiledRules.evaluate: context.state.history.order_placed has an invalid value (expected a history entry { count, first, last, recent? } written by this library; received object)",
      ]
    `);
  });
});

describe('compileRules', () => {
  it('reports every invalid rule with its index and path', () => {
    const bad = [
      {
        id: 'a',
        version: 1,
        trigger: { kind: 'event', event: 'login' },
        actions: [{ channel: 'email', template: 't' }],
      },
      {
        id: 'a',
        version: 0,
        trigger: { kind: 'sometimes', event: 'login' },
        actions: [{ channel: 'fax', template: 't' }],
      },
    ] as unknown as TriggerRule[];
    let error: unknown;
    try {
      compileRules(bad, { caps: [{ max: -1, per: '1d' }] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RetentionDefinitionError);
    expect((error as RetentionDefinitionError).issues.map((i) => [i.code, i.path])).toEqual([
      ['out_of_range', [1, 'version']],
      ['invalid_enum', [1, 'trigger', 'kind']],
      ['invalid_enum', [1, 'actions', 0, 'channel']],
      ['duplicate', [1, 'id']],
      ['out_of_range', ['options', 'caps', 0, 'max']],
    ]);
    expect((error as Error).message).toMatchInlineSnapshot(
      `"compileRules: definition[1].version is out of range (expected >= 1) (and 4 more issue(s))"`,
    );
  });
});
