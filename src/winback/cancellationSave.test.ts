import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import { actionKey } from '../core/action';
import { RetentionDefinitionError, RetentionInputError } from '../core/errors';
import {
  type CancellationSavePolicyDefinition,
  defineCancellationSavePolicy,
  planCancellationSave,
  type SaveCustomer,
} from './cancellationSave';
import { EXIT_REASONS, type ExitReason } from './exitReasons';

const NOW = Date.UTC(2026, 2, 10, 12);
const DAY = 86_400_000;

const definition: CancellationSavePolicyDefinition = {
  id: 'saves',
  version: 3,
  offers: [
    { id: 'pause', kind: 'pause', months: [1, 2, 3] },
    { id: 'starter', kind: 'downgrade', plan: 'starter', amount: 2900 },
    { id: 'quarter-off', kind: 'discount', percentOff: 25, cycles: 3 },
    { id: 'ten-off', kind: 'discount', amountOff: 1000, cycles: 2 },
    {
      id: 'call',
      kind: 'human',
      action: { channel: 'crm_task', template: 'save-call', params: { queue: 'success' } },
      when: { fact: 'mrr', op: 'gte', value: 9900 },
    },
  ],
};
const policy = defineCancellationSavePolicy(definition);
const team: SaveCustomer = { id: 'cus_1', plan: 'team', mrr: 9900, currency: 'USD' };

describe('defineCancellationSavePolicy', () => {
  it('fits offers to reasons by kind, in the order they are listed', () => {
    expect(policy.byReason).toEqual({
      price: ['quarter-off', 'ten-off', 'starter', 'pause'],
      missing_feature: ['call', 'quarter-off', 'ten-off'],
      no_value: ['call', 'pause'],
      technical: ['call', 'quarter-off', 'ten-off'],
      support: ['call', 'quarter-off', 'ten-off'],
      competitor: ['quarter-off', 'ten-off', 'call', 'starter'],
      temporary: ['pause'],
      other: ['pause', 'quarter-off', 'ten-off'],
    });
    expect([policy.maxOffers, policy.cooldown, policy.when]).toEqual([2, { months: 6 }, null]);
  });

  it('keeps the reasons it is given', () => {
    const p = defineCancellationSavePolicy({ ...definition, byReason: { price: ['starter'] } });
    expect(p.byReason.price).toEqual(['starter']);
    expect(p.byReason.temporary).toEqual(['pause']);
  });

  it('is plain JSON, and a stored copy plans the same', () => {
    const stored = JSON.parse(JSON.stringify(policy));
    expect(stored).toEqual(policy);
    expect(planCancellationSave(team, 'price', stored, { now: NOW })).toEqual(
      planCancellationSave(team, 'price', policy, { now: NOW }),
    );
  });

  it('reports every issue with its path', () => {
    let error: unknown;
    try {
      defineCancellationSavePolicy({
        id: 'x',
        version: 1,
        offers: [
          { id: 'a', kind: 'pause', months: [2, 1] },
          { id: 'a', kind: 'discount', cycles: 2 },
          { id: 'b', kind: 'human', action: { channel: 'fax' as 'email', template: 't' } },
          {
            id: 'c',
            kind: 'downgrade',
            plan: 'starter',
            when: { fact: 'mrr', op: 'like', value: 1 } as never,
          },
        ],
        byReason: { price: ['a', 'zzz', 'a'] },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RetentionDefinitionError);
    expect((error as RetentionDefinitionError).issues.map((i) => [i.code, i.path])).toEqual([
      ['invalid_enum', ['offers', 2, 'action', 'channel']],
      ['invalid_enum', ['offers', 3, 'when', 'op']],
    ]);
    try {
      defineCancellationSavePolicy({
        id: 'x',
        version: 1,
        offers: [
          { id: 'a', kind: 'pause', months: [2, 1] },
          { id: 'a', kind: 'discount', cycles: 2 },
        ],
        byReason: { price: ['a', 'zzz', 'a'] },
      });
    } catch (e) {
      error = e;
    }
    expect((error as RetentionDefinitionError).issues.map((i) => [i.code, i.path])).toEqual([
      ['order', ['offers', 0, 'months', 1]],
      ['duplicate', ['offers', 1, 'id']],
      ['invalid_value', ['offers', 1]],
      ['unknown_reference', ['byReason', 'price', 1]],
      ['duplicate', ['byReason', 'price', 2]],
    ]);
    expect(() =>
      defineCancellationSavePolicy({ id: 'x', version: 1, offers: [] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: defineCancellationSavePolicy: definition.offers has an invalid value (expected at least 1 item(s))]`,
    );
    expect(() =>
      defineCancellationSavePolicy({
        id: 'x',
        version: 1,
        offers: [{ id: 'p', kind: 'pause' }],
        maxOffers: 9,
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: defineCancellationSavePolicy: definition.maxOffers is out of range (expected <= 5)]`,
    );
    expect(() =>
      defineCancellationSavePolicy({
        id: 'x',
        version: 1,
        offers: [{ id: 'p', kind: 'refund' } as never],
      }),
    ).toThrow(RetentionDefinitionError);
  });
});

describe('planCancellationSave', () => {
  it('offers what fits the reason, up to maxOffers', () => {
    const save = planCancellationSave(team, 'price', policy, { now: NOW });
    expect(save.eligible).toBe(true);
    expect(save.offers.map((o) => o.id)).toEqual(['quarter-off', 'ten-off']);
    expect(save.skipped).toEqual([
      { offerId: 'starter', why: 'limit' },
      { offerId: 'pause', why: 'limit' },
    ]);
    const [a, b] = save.offers;
    expect(a).toMatchObject({
      kind: 'discount',
      percentOff: 25,
      amountOff: null,
      discountedAmount: 7425,
    });
    expect(b).toMatchObject({
      kind: 'discount',
      percentOff: null,
      amountOff: 1000,
      discountedAmount: 8900,
    });
  });

  it('gives every reason an answer from the policy', () => {
    for (const reason of EXIT_REASONS) {
      const save = planCancellationSave(team, reason, policy, { now: NOW });
      expect(save.offers.length, reason).toBeGreaterThan(0);
      expect(save.offers.map((o) => o.id)).toEqual(policy.byReason[reason].slice(0, 2));
    }
  });

  it('leaves out offers whose condition fails, and downgrades to the same plan', () => {
    const small: SaveCustomer = { id: 'cus_2', plan: 'starter', mrr: 2900 };
    const save = planCancellationSave(
      small,
      'competitor',
      defineCancellationSavePolicy({ ...definition, maxOffers: 5 }),
      { now: NOW },
    );
    expect(save.offers.map((o) => o.id)).toEqual(['quarter-off', 'ten-off']);
    expect(save.skipped).toEqual([
      { offerId: 'call', why: 'condition' },
      { offerId: 'starter', why: 'same_plan' },
    ]);
  });

  it('does not repeat an offer kind the customer accepted within the cooldown', () => {
    const recent = { ...team, acceptedOffers: [{ kind: 'discount' as const, at: NOW - 30 * DAY }] };
    expect(
      planCancellationSave(recent, 'price', policy, { now: NOW }).offers.map((o) => o.id),
    ).toEqual(['starter', 'pause']);
    const old = { ...team, acceptedOffers: [{ kind: 'discount' as const, at: NOW - 200 * DAY }] };
    expect(planCancellationSave(old, 'price', policy, { now: NOW }).offers[0]!.id).toBe(
      'quarter-off',
    );
  });

  it('offers help from a person with the action to plan, keyed like every other action', () => {
    const save = planCancellationSave(team, 'technical', policy, { now: NOW, attemptId: 'flow_9' });
    const call = save.offers[0]!;
    expect(call.kind).toBe('human');
    const source = {
      module: 'winback',
      definitionId: 'saves',
      version: 3,
      occurrence: 'save:flow_9',
      step: 'call',
    } as const;
    expect(call.key).toBe(actionKey('cus_1', source));
    if (call.kind === 'human')
      expect(call.action).toEqual({
        key: call.key,
        customerId: 'cus_1',
        channel: 'crm_task',
        template: 'save-call',
        params: { queue: 'success', reason: 'technical', offer: 'call' },
        priority: 0,
        dueAt: NOW,
        source,
      });
    expect(new Set(save.offers.map((o) => o.key)).size).toBe(save.offers.length);
  });

  it('ends pauses on calendar months in the customer time zone', () => {
    const save = planCancellationSave({ id: 'c', timeZone: 'Europe/Berlin' }, 'temporary', policy, {
      now: '2026-01-31T10:00:00+01:00',
    });
    const pause = save.offers[0]!;
    expect(pause.kind === 'pause' && pause.resumesAt).toEqual([
      Date.parse('2026-02-28T10:00:00+01:00'),
      Date.parse('2026-03-31T10:00:00+02:00'),
      Date.parse('2026-04-30T10:00:00+02:00'),
    ]);
  });

  it('offers nothing when the policy condition does not hold', () => {
    const p = defineCancellationSavePolicy({
      ...definition,
      when: { fact: 'tenureDays', op: 'gte', value: 30 },
    });
    const fresh = { ...team, signedUpAt: NOW - 10 * DAY };
    expect(planCancellationSave(fresh, 'price', p, { now: NOW })).toMatchObject({
      eligible: false,
      offers: [],
    });
    expect(
      planCancellationSave({ ...team, signedUpAt: NOW - 40 * DAY }, 'price', p, { now: NOW })
        .eligible,
    ).toBe(true);
  });

  it('is pure and deterministic', () => {
    assertPure(
      planCancellationSave,
      { ...team, acceptedOffers: [{ kind: 'pause', at: NOW }] },
      'price' as ExitReason,
      policy,
      { now: NOW },
    );
  });

  it('rejects malformed input', () => {
    expect(() =>
      planCancellationSave(team, 'bored' as ExitReason, policy, { now: NOW }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planCancellationSave: reason is not one of the allowed values (expected one of price, missing_feature, no_value, technical, support, competitor, temporary, other; received string)]`,
    );
    expect(() =>
      planCancellationSave({ id: '' }, 'price', policy, { now: NOW }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planCancellationSave: customer.id has an invalid value (expected a non-empty string of at most 256 characters; received empty string)]`,
    );
    expect(() =>
      planCancellationSave({ ...team, mrr: -5 }, 'price', policy, { now: NOW }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planCancellationSave: customer.mrr is out of range (expected an integer >= 0; received integer)]`,
    );
    expect(() =>
      planCancellationSave(team, 'price', policy, { now: 'soon' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: planCancellationSave: options.now is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received string)]`,
    );
    expect(() =>
      planCancellationSave(
        { ...team, acceptedOffers: [{ kind: 'pause', at: 'x' }] },
        'price',
        policy,
        { now: NOW },
      ),
    ).toThrow(RetentionInputError);
    expect(() =>
      planCancellationSave(team, 'price', { ...policy, maxOffers: 0 }, { now: NOW }),
    ).toThrow(RetentionDefinitionError);
  });
});
