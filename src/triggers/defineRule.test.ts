import { describe, expect, it } from 'vitest';
import { RetentionDefinitionError } from '../core/errors';
import { defineRule, type TriggerRule, triggerRuleSchema } from './defineRule';

const base = {
  id: 'r',
  version: 1,
  trigger: { kind: 'event', event: 'login' },
  actions: [{ channel: 'email', template: 't' }],
} as const;

/** The issues defineRule reports for a candidate, as `code path` strings. */
function issues(candidate: unknown): string[] {
  try {
    defineRule(candidate as TriggerRule);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(RetentionDefinitionError);
    return (error as RetentionDefinitionError).issues.map((i) => `${i.code} ${i.path.join('.')}`);
  }
}

describe('defineRule', () => {
  it('returns a valid rule unchanged', () => {
    const rule: TriggerRule = {
      id: 'renewal',
      version: 3,
      name: 'Renewal reminder',
      trigger: {
        kind: 'date',
        fact: 'renewsAt',
        offsets: [{ before: '7d' }, { before: { days: 3 } }],
      },
      conditions: { fact: 'attributes.autoRenew', op: 'eq', value: false },
      actions: [
        { channel: 'email', template: 'renewal', params: { subject: 'Renewing on {{renewsAt}}' } },
        { channel: 'in_app', template: 'renewal', priority: 5 },
      ],
      delivery: {
        sendWindow: { start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5] },
        caps: [{ max: 1, per: '1d', scope: 'channel' }],
        onCap: 'defer',
        expireAfter: '1d',
      },
      reentry: { oncePer: { months: 1 } },
      exit: { events: ['subscription_canceled'] },
      goal: { condition: { fact: 'attributes.autoRenew', op: 'eq', value: true } },
    };
    expect(defineRule(rule)).toBe(rule);
  });

  it('accepts every trigger kind', () => {
    const triggers: TriggerRule['trigger'][] = [
      {
        kind: 'event',
        event: 'import_failed',
        where: { fact: 'step', op: 'exists' },
        dedupeBy: 'step',
      },
      { kind: 'eventWithout', event: 'cart_added', without: 'order_placed', within: '3h' },
      { kind: 'inactivity', event: 'login', for: '21d', since: 'signedUpAt' },
      { kind: 'date', fact: '$events.login.first', offsets: [{ after: '14d' }] },
      { kind: 'condition', condition: { fact: '$events.login.within.7d', op: 'lt', value: 2 } },
      { kind: 'milestone', fact: '$events.report_created.count', thresholds: [1, 10] },
      { kind: 'stageEntered', stage: 'immersion', event: 'lifecycle_stage', property: 'to' },
    ];
    for (const trigger of triggers) expect(issues({ ...base, trigger })).toEqual([]);
  });

  it('reports structural problems at their path', () => {
    expect(issues({ ...base, id: '', extra: 1 })).toEqual([
      'invalid_value id',
      'unknown_key extra',
    ]);
    expect(issues({ ...base, trigger: { kind: 'later' } })).toEqual(['invalid_enum trigger.kind']);
    expect(issues({ ...base, trigger: { kind: 'inactivity', event: 'login' } })).toEqual([
      'invalid_duration trigger.for',
    ]);
    expect(issues({ ...base, delivery: { caps: [{ max: 1, per: { months: 1 } }] } })).toEqual([
      'invalid_type delivery.caps.0.per',
    ]);
    expect(issues({ ...base, actions: [] })).toEqual(['invalid_value actions']);
    expect(issues({ ...base, reentry: 'twice' })).toEqual(['invalid_type reentry']);
    expect(issues({ ...base, exit: {} })).toEqual(['required exit']);
    expect(
      issues({ ...base, conditions: { all: [{ fact: 'plan', op: 'like', value: 'b%' }] } }),
    ).toEqual(['invalid_enum conditions.all.0.op']);
  });

  it('reports what the schema alone cannot see', () => {
    expect(
      issues({ ...base, trigger: { kind: 'milestone', fact: 'hours', thresholds: [5, 5, 3] } }),
    ).toEqual(['order trigger.thresholds.1', 'order trigger.thresholds.2']);
    expect(
      issues({
        ...base,
        actions: [
          { channel: 'email', template: 't', params: { a: 'x' } },
          { channel: 'email', template: 't' },
        ],
      }),
    ).toEqual(['duplicate actions.1']);
    expect(
      issues({
        ...base,
        delivery: {
          sendWindow: { start: '25:00', end: '09:00' },
          caps: [{ max: 1, per: '1 month' }],
        },
      }),
    ).toEqual(['invalid_value delivery.sendWindow.start', 'invalid_duration delivery.caps.0.per']);
    expect(issues({ ...base, delivery: { expireAfter: { days: 2 } } })).toEqual([
      'invalid_duration delivery.expireAfter',
    ]);
    expect(issues({ ...base, delivery: { delay: '101w' } })).toEqual([]);
    expect(issues({ ...base, delivery: { delay: { years: 101 } } })).toEqual([
      'out_of_range delivery.delay',
    ]);
    expect(
      issues({ ...base, trigger: { kind: 'eventWithout', event: 'a', without: 'b', within: 0 } }),
    ).toEqual(['out_of_range trigger.within']);
  });

  it('keeps reserved $ paths to their places', () => {
    expect(
      issues({ ...base, conditions: { fact: '$events.login.total', op: 'gt', value: 1 } }),
    ).toEqual(['invalid_value conditions.fact']);
    expect(
      issues({ ...base, conditions: { fact: '$events.login.within.1mo', op: 'gt', value: 1 } }),
    ).toEqual(['invalid_value conditions.fact']);
    expect(
      issues({ ...base, conditions: { fact: 'a', op: 'lt', value: { fact: '$trigger.at' } } }),
    ).toEqual(['invalid_value conditions.value.fact']);
    expect(
      issues({
        ...base,
        trigger: {
          kind: 'event',
          event: 'x',
          where: { fact: '$events.x.count', op: 'gt', value: 1 },
        },
      }),
    ).toEqual(['invalid_value trigger.where.fact']);
    expect(
      issues({
        ...base,
        actions: [{ channel: 'sms', template: 't', params: { body: '{{$secret}}' } }],
      }),
    ).toEqual(['invalid_value actions.0.params.body']);
    expect(
      issues({
        ...base,
        actions: [
          {
            channel: 'sms',
            template: 't',
            params: {
              body: '{{$event.cart.total}} {{$trigger.threshold}} {{$events.login.count}}',
            },
          },
        ],
      }),
    ).toEqual([]);
  });

  it('checks templates inside params, with the path of the string', () => {
    expect(
      issues({
        ...base,
        actions: [{ channel: 'email', template: 't', params: { blocks: [{ text: 'Hi {{name' }] } }],
      }),
    ).toEqual(['invalid_value actions.0.params.blocks.0.text']);
  });

  it('explains itself in messages that name paths, never values', () => {
    let message = '';
    try {
      defineRule({
        ...base,
        id: 'secret-customer-42',
        trigger: { kind: 'inactivity', event: 'login', for: 'three weeks' },
      } as unknown as TriggerRule);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('three weeks');
    expect(message).toMatchInlineSnapshot(
      `"defineRule: definition.trigger.for is not a valid duration (expected milliseconds, a string like '3h' or '7d', or { months, days, ... }; received string)"`,
    );
  });

  it('has a zod schema that reports the same issues', () => {
    const result = triggerRuleSchema().safeParse({
      ...base,
      trigger: { kind: 'milestone', fact: 'x', thresholds: [2, 1] },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['trigger', 'thresholds', 1]]);
    expect(triggerRuleSchema().safeParse(base).success).toBe(true);
  });
});
