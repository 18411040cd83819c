/**
 * The recipes of docs/recipes/triggers.md, asserted: every trigger scenario of the domain brief.
 * The documentation runs the same programs and compares what they print.
 */
import { describe, expect, it } from 'vitest';
import { at, DAY, HOUR } from '../../test/helpers/triggers';
import type { Condition } from '../core/condition';
import { compileRules } from './compileRules';
import { defineRule } from './defineRule';

const iso = (t: number) => new Date(t).toISOString();

describe('trigger recipes', () => {
  it('cart added, no order within 3 hours: a delivery FAQ, held by quiet hours, cancelled by the order', () => {
    const rules = compileRules([
      defineRule({
        id: 'cart-delivery-faq',
        version: 1,
        trigger: {
          kind: 'eventWithout',
          event: 'cart_added',
          without: 'order_placed',
          within: '3h',
        },
        actions: [
          {
            channel: 'email',
            template: 'delivery-faq',
            params: { subject: 'Any questions about delivery, {{firstName | "there"}}?' },
          },
        ],
        delivery: { sendWindow: { start: '09:00', end: '20:00' } },
        reentry: { oncePer: '1d' },
        goal: { events: ['order_placed'] },
      }),
    ]);
    const customer = {
      customerId: 'cus_1',
      timeZone: 'Europe/Berlin',
      facts: { firstName: 'Lena' },
    };
    const addedAt = at('2026-06-01T19:30:00+02:00');
    const added = rules.evaluate(
      {
        ...customer,
        events: [{ id: 'evt_1', customerId: 'cus_1', type: 'cart_added', at: addedAt }],
      },
      addedAt,
    );
    expect(added.actions).toEqual([]);
    expect(added.nextEvaluationAt).toBe(addedAt + 3 * HOUR);

    const due = rules.evaluate({ ...customer, state: added.state }, added.nextEvaluationAt!);
    expect(due.actions).toHaveLength(1);
    const email = due.actions[0]!;
    expect(iso(email.dueAt)).toBe('2026-06-02T07:00:00.000Z'); // 09:00 in Berlin
    expect(email.params).toEqual({ subject: 'Any questions about delivery, Lena?' });

    const ordered = rules.evaluate(
      {
        ...customer,
        state: due.state,
        events: [
          {
            id: 'evt_2',
            customerId: 'cus_1',
            type: 'order_placed',
            at: '2026-06-02T08:15:00+02:00',
          },
        ],
      },
      '2026-06-02T08:15:00+02:00',
    );
    expect(ordered.cancel).toEqual([
      {
        key: email.key,
        definitionId: 'cart-delivery-faq',
        occurrence: 'event:evt_1',
        reason: 'goal',
      },
    ]);
    // and a cart whose order came in time never plans anything
    const quick = rules.evaluate(
      {
        ...customer,
        events: [
          { id: 'c', customerId: 'cus_1', type: 'cart_added', at: addedAt },
          { id: 'o', customerId: 'cus_1', type: 'order_placed', at: addedAt + HOUR },
        ],
      },
      addedAt + 4 * HOUR,
    );
    expect(quick.actions).toEqual([]);
  });

  it('high-LTV customer without a login for 21 days: a CRM task; a small customer: nothing, with the reason', () => {
    const rules = compileRules([
      {
        id: 'vip-no-login-21d',
        version: 1,
        trigger: { kind: 'inactivity', event: 'login', for: '21d', since: 'signedUpAt' },
        conditions: {
          all: [
            { fact: 'ltv', op: 'gte', value: 100_000 },
            { fact: 'attributes.plan', op: 'eq', value: 'business' },
          ],
        },
        actions: [
          {
            channel: 'crm_task',
            template: 'personal-contact',
            priority: 10,
            params: { title: 'Call {{company | "this customer"}}: no login for 3 weeks' },
          },
        ],
        reentry: { oncePer: '60d' },
      },
    ]);
    const loginAt = at('2026-05-04T08:00:00Z');
    const login = (customerId: string) => ({ id: 'evt_9', customerId, type: 'login', at: loginAt });
    const vip = {
      customerId: 'cus_7',
      facts: {
        signedUpAt: '2025-11-02T10:00:00Z',
        ltv: 240_000,
        company: 'Northwind',
        attributes: { plan: 'business' },
      },
    };
    const seen = rules.evaluate({ ...vip, events: [login('cus_7')] }, loginAt);
    expect(seen.nextEvaluationAt).toBe(loginAt + 21 * DAY);
    const task = rules.evaluate({ ...vip, state: seen.state }, seen.nextEvaluationAt!);
    expect(task.actions.map((a) => [a.channel, a.priority, a.params.title])).toEqual([
      ['crm_task', 10, 'Call Northwind: no login for 3 weeks'],
    ]);

    const small = {
      customerId: 'cus_8',
      facts: { signedUpAt: '2025-11-02T10:00:00Z', ltv: 9_000, attributes: { plan: 'team' } },
    };
    const first = rules.evaluate({ ...small, events: [login('cus_8')] }, loginAt);
    const why = rules.explain({ ...small, state: first.state }, first.nextEvaluationAt!);
    expect(why.actions).toEqual([]);
    const occurrence = why.rules[0]!.occurrences[0]!;
    expect(occurrence.outcome).toBe('conditions_failed');
    expect(occurrence.conditions?.children?.map((c) => [c.fact, c.passed])).toEqual([
      ['ltv', false],
      ['attributes.plan', false],
    ]);
  });

  it('day 14 after the start: a CSAT survey on the local calendar, inside weekday business hours', () => {
    const rules = compileRules([
      {
        id: 'day-14-csat',
        version: 1,
        trigger: { kind: 'date', fact: 'signedUpAt', offsets: [{ after: { days: 14 } }] },
        actions: [
          {
            channel: 'email',
            template: 'csat-first-result',
            params: {
              question: 'How easy was it to reach your first result, {{firstName | "there"}}?',
            },
          },
        ],
        delivery: {
          sendWindow: { start: '10:00', end: '18:00', days: [1, 2, 3, 4, 5] },
          expireAfter: '3d',
        },
        reentry: 'once',
      },
    ]);
    const customer = {
      customerId: 'cus_3',
      timeZone: 'America/New_York',
      facts: { firstName: 'Ana', signedUpAt: '2026-03-07T21:00:00-05:00' },
    };
    const start = rules.evaluate(customer, '2026-03-07T21:00:00-05:00');
    expect(iso(start.nextEvaluationAt!)).toBe('2026-03-22T01:00:00.000Z');
    const survey = rules.evaluate({ ...customer, state: start.state }, start.nextEvaluationAt!);
    expect(survey.actions.map((a) => [iso(a.dueAt), a.params.question])).toEqual([
      ['2026-03-23T14:00:00.000Z', 'How easy was it to reach your first result, Ana?'],
    ]);
    // a customer imported long after their day 14 is not surveyed late
    expect(
      rules.evaluate(
        { ...customer, facts: { signedUpAt: '2026-01-01T12:00:00Z' } },
        '2026-03-01T12:00:00Z',
      ).actions,
    ).toEqual([]);
  });

  it('milestone: congratulate once per threshold, with the figure', () => {
    const rules = compileRules([
      {
        id: 'hours-saved',
        version: 1,
        trigger: { kind: 'milestone', fact: 'usage.hoursSaved', thresholds: [5, 10, 25] },
        actions: [
          {
            channel: 'in_app',
            template: 'milestone',
            params: {
              text: 'You just saved {{$trigger.threshold}} hours with automated reports, {{firstName | "there"}}!',
            },
          },
        ],
      },
    ]);
    let state = rules.initialState();
    const texts = [3.5, 5.25, 7, 26].map((hoursSaved, i) => {
      const r = rules.evaluate(
        { customerId: 'cus_5', facts: { firstName: 'Sam', usage: { hoursSaved } }, state },
        at('2026-06-01T12:00:00Z') + i * DAY,
      );
      state = r.state;
      return r.actions.map((a) => a.params.text);
    });
    expect(texts).toEqual([
      [],
      ['You just saved 5 hours with automated reports, Sam!'],
      [],
      ['You just saved 25 hours with automated reports, Sam!'],
    ]);
  });

  it('a paid feature left unused: a tip on day 10, a specialist on day 30, neither once it is used', () => {
    const paidAndUnused: Condition = {
      all: [
        { fact: 'attributes.plan', op: 'in', value: ['team', 'business'] },
        { fact: '$events.report_automated.count', op: 'eq', value: 0 },
      ],
    };
    const rules = compileRules([
      {
        id: 'automation-tip',
        version: 1,
        trigger: { kind: 'date', fact: 'signedUpAt', offsets: [{ after: { days: 10 } }] },
        conditions: paidAndUnused,
        actions: [{ channel: 'email', template: 'tip-automated-reports' }],
        delivery: { sendWindow: { start: '09:00', end: '17:00' }, expireAfter: '2d' },
        goal: { events: ['report_automated'] },
      },
      {
        id: 'automation-specialist',
        version: 1,
        trigger: { kind: 'date', fact: 'signedUpAt', offsets: [{ after: { days: 30 } }] },
        conditions: paidAndUnused,
        actions: [{ channel: 'crm_task', template: 'specialist-call', priority: 5 }],
        delivery: { expireAfter: '2d' },
      },
    ]);
    const follow = (customerId: string, plan: string, usedAt?: number) => {
      const customer = {
        customerId,
        timeZone: 'Asia/Kolkata',
        facts: { signedUpAt: '2026-04-01T06:30:00Z', attributes: { plan } },
      };
      const planned: string[] = [];
      let r = rules.evaluate(customer, '2026-04-01T06:30:00Z');
      let used = usedAt === undefined;
      while (r.nextEvaluationAt !== null) {
        const now: number = !used && usedAt! < r.nextEvaluationAt ? usedAt! : r.nextEvaluationAt;
        const events =
          now === usedAt ? [{ id: 'u', customerId, type: 'report_automated', at: usedAt }] : [];
        if (now === usedAt) used = true;
        r = rules.evaluate({ ...customer, state: r.state, events }, now);
        planned.push(...r.actions.map((a) => `${a.template} ${iso(a.dueAt)}`));
      }
      return planned;
    };
    expect(follow('cus_4', 'team')).toEqual([
      'tip-automated-reports 2026-04-11T06:30:00.000Z',
      'specialist-call 2026-05-01T06:30:00.000Z',
    ]);
    expect(follow('cus_6', 'team', at('2026-04-13T09:00:00Z'))).toEqual([
      'tip-automated-reports 2026-04-11T06:30:00.000Z',
    ]);
    expect(follow('cus_10', 'starter')).toEqual([]);
  });

  it('difficulty with a key action: help in the app at once, an email an hour later unless it succeeds', () => {
    const failedImport = { fact: 'step', op: 'eq', value: 'import_data' } as const;
    const rules = compileRules([
      {
        id: 'import-failed-help',
        version: 1,
        trigger: { kind: 'event', event: 'import_failed', where: failedImport },
        actions: [
          {
            channel: 'in_app',
            template: 'import-help',
            params: {
              text: 'Importing {{$event.fileName | "your data"}} failed. Shall we do it together?',
            },
          },
        ],
        exit: { events: ['import_completed'] },
      },
      {
        id: 'import-failed-email',
        version: 1,
        trigger: { kind: 'event', event: 'import_failed', where: failedImport },
        actions: [{ channel: 'email', template: 'import-guide' }],
        delivery: { delay: '1h' },
        exit: { events: ['import_completed'] },
      },
    ]);
    const t = at('2026-06-03T14:05:00Z');
    const failed = {
      id: 'evt_4',
      customerId: 'cus_2',
      type: 'import_failed',
      at: t,
      properties: { step: 'import_data', fileName: 'clients <2025>.csv' },
    };
    const r = rules.evaluate({ customerId: 'cus_2', events: [failed] }, t);
    expect(r.actions.map((a) => [a.channel, a.dueAt])).toEqual([
      ['in_app', t],
      ['email', t + HOUR],
    ]);
    expect(r.actions[0]!.params.text).toBe(
      'Importing clients &lt;2025&gt;.csv failed. Shall we do it together?',
    );
    const ok = rules.evaluate(
      {
        customerId: 'cus_2',
        state: r.state,
        events: [
          { id: 'evt_5', customerId: 'cus_2', type: 'import_completed', at: t + 20 * 60_000 },
        ],
      },
      t + 20 * 60_000,
    );
    expect(ok.cancel.map((c) => [c.definitionId, c.reason, c.key])).toEqual([
      ['import-failed-email', 'exit', r.actions[1]!.key],
    ]);
    // a failure at another step is not this rule's business
    expect(
      rules.evaluate(
        { customerId: 'cus_2', events: [{ ...failed, properties: { step: 'connect_crm' } }] },
        t,
      ).actions,
    ).toEqual([]);
  });

  it('service incident: one notice per incident, ahead of capped marketing', () => {
    const rules = compileRules(
      [
        {
          id: 'incident-notice',
          version: 1,
          trigger: { kind: 'event', event: 'incident_affected', dedupeBy: 'incidentId' },
          actions: [
            {
              channel: 'email',
              template: 'incident-notice',
              priority: 100,
              params: { feature: '{{$event.feature}}' },
            },
            { channel: 'in_app', template: 'incident-banner', priority: 100 },
          ],
          delivery: { globalCaps: false },
        },
        {
          id: 'weekly-tip',
          version: 1,
          trigger: { kind: 'event', event: 'login' },
          actions: [{ channel: 'email', template: 'weekly-tip' }],
          reentry: { oncePer: '7d' },
        },
      ],
      { caps: [{ max: 1, per: '1d', channel: 'email' }] },
    );
    const t = at('2026-06-04T09:12:00Z');
    const event = (id: string, type: string, properties = {}) => ({
      id,
      customerId: 'cus_9',
      type,
      at: t,
      properties,
    });
    const r = rules.explain(
      {
        customerId: 'cus_9',
        events: [
          event('evt_6', 'login'),
          event('evt_7', 'incident_affected', { incidentId: 'INC-42', feature: 'exports' }),
          event('evt_8', 'incident_affected', { incidentId: 'INC-42', feature: 'exports' }),
        ],
      },
      t,
    );
    expect(r.actions.map((a) => [a.template, a.source.occurrence])).toEqual([
      ['incident-banner', 'incidentId=INC-42'],
      ['incident-notice', 'incidentId=INC-42'],
    ]);
    expect(r.actions.find((a) => a.channel === 'email')!.params).toEqual({ feature: 'exports' });
    expect(
      r.rules.find((x) => x.ruleId === 'incident-notice')!.occurrences.map((o) => o.outcome),
    ).toEqual(['duplicate', 'planned']);
    expect(r.rules.find((x) => x.ruleId === 'weekly-tip')!.occurrences[0]!.outcome).toBe(
      'suppressed',
    );
    // the next incident is notified again
    const next = rules.evaluate(
      {
        customerId: 'cus_9',
        state: r.state,
        events: [
          {
            ...event('evt_9', 'incident_affected', { incidentId: 'INC-43', feature: 'api' }),
            at: t + HOUR,
          },
        ],
      },
      t + HOUR,
    );
    expect(next.actions.map((a) => a.source.occurrence)).toEqual([
      'incidentId=INC-43',
      'incidentId=INC-43',
    ]);
  });
});
