import { describe, expect, it } from 'vitest';
import { actionKey, actionSpecSchema, planAction } from './action';
import { RetentionInputError } from './errors';

const source = {
  module: 'dunning',
  definitionId: 'default',
  version: 3,
  occurrence: 'inv_7',
  step: 'retry-1',
} as const;

describe('actions', () => {
  it('plan with a deterministic key that ignores the definition version', () => {
    const a = planAction(
      { channel: 'email', template: 'card-expiring' },
      { customerId: 'cus_1', dueAt: 1000, source },
    );
    expect(a).toEqual({
      key: a.key,
      customerId: 'cus_1',
      channel: 'email',
      template: 'card-expiring',
      params: {},
      priority: 0,
      dueAt: 1000,
      source,
    });
    expect(a.key).toMatch(/^rk1_[0-9a-f]{32}$/);
    expect(actionKey('cus_1', { ...source, version: 4 })).toBe(a.key);
    expect(actionKey('cus_1', { ...source, step: 'retry-2' })).not.toBe(a.key);
    expect(actionKey('cus_2', source)).not.toBe(a.key);
    expect(actionKey('cus_1', { ...source, module: 'winback' })).not.toBe(a.key);
  });

  it('validates what it plans', () => {
    expect(() =>
      planAction({ channel: 'email', template: 't' }, { customerId: '', dueAt: 0, source }),
    ).toThrow(RetentionInputError);
    expect(() =>
      planAction(
        { channel: 'email', template: 't' },
        { customerId: 'c', dueAt: Number.NaN, source },
      ),
    ).toThrow(/plan.dueAt is not a valid instant/);
  });

  it('has a schema for specs in definitions', () => {
    expect(
      actionSpecSchema().parse({ channel: 'crm_task', template: 'personal-call', priority: 10 }),
    ).toEqual({ channel: 'crm_task', template: 'personal-call', params: {}, priority: 10 });
    expect(actionSpecSchema().safeParse({ channel: 'fax', template: 't' }).success).toBe(false);
    expect(
      actionSpecSchema().safeParse({ channel: 'email', template: 't', extra: 1 }).success,
    ).toBe(false);
  });
});
