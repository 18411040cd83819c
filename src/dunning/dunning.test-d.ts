import { describe, expectTypeOf, it } from 'vitest';
import type { PlannedAction } from '../core/action';
import type { Instant } from '../core/instant';
import {
  type AccessLevel,
  classifyDecline,
  type DeclineClass,
  type DunningCampaign,
  type DunningEvent,
  type DunningMetrics,
  type DunningPlan,
  type DunningPolicy,
  type DunningPolicyDefinition,
  type DunningState,
  defineDunningPolicy,
  dunningMetrics,
  dunningMetricsAccumulator,
  planDunning,
} from './index';

declare const policy: DunningPolicy;
declare const definition: DunningPolicyDefinition;

describe('dunning public types', () => {
  it('classifies any code, or none', () => {
    expectTypeOf(classifyDecline).parameter(0).toEqualTypeOf<string | null | undefined>();
    expectTypeOf(classifyDecline('x').class).toEqualTypeOf<DeclineClass>();
    // @ts-expect-error a code is a string
    classifyDecline(51);
  });

  it('defines policies from plain data, with offsets that cannot be milliseconds', () => {
    expectTypeOf(defineDunningPolicy(definition)).toEqualTypeOf<DunningPolicy>();
    defineDunningPolicy({
      id: 'p',
      version: 1,
      billing: { interval: 'month' },
      updatePaymentUrl: 'https://example.com',
      retries: { schedule: ['1d', { days: 3 }], window: '14d' },
      finalAction: { type: 'cancel' },
    });
    defineDunningPolicy({
      id: 'p',
      version: 1,
      billing: { interval: 'month' },
      updatePaymentUrl: 'https://example.com',
      // @ts-expect-error bare numbers would be milliseconds
      retries: { schedule: [1, 3, 5], window: '14d' },
      finalAction: { type: 'cancel' },
    });
    defineDunningPolicy({
      id: 'p',
      version: 1,
      billing: { interval: 'month' },
      updatePaymentUrl: 'https://example.com',
      retries: { schedule: ['1d'], window: '14d' },
      // @ts-expect-error not a final action
      finalAction: { type: 'delete' },
    });
    // a validated policy is itself a valid definition (it reads back from storage)
    expectTypeOf<DunningPolicy>().toExtend<DunningPolicyDefinition>();
  });

  it('plans from state, events and now, and returns plain data', () => {
    const plan = planDunning(
      {
        id: 's',
        customerId: 'c',
        plan: 'p',
        status: 'active',
        billingInterval: 'month',
        amount: 1,
        currency: 'USD',
        startedAt: 0,
        currentPeriodEnd: 0,
      },
      policy,
      { now: new Date(), events: [{ type: 'payment_method_updated', at: '2026-01-01T00:00:00Z' }] },
    );
    expectTypeOf(plan).toEqualTypeOf<DunningPlan>();
    expectTypeOf(plan.state).toEqualTypeOf<DunningState>();
    expectTypeOf(plan.actions).toEqualTypeOf<readonly PlannedAction[]>();
    expectTypeOf(plan.nextWakeUpAt).toEqualTypeOf<Instant | null>();
    expectTypeOf(plan.access).toEqualTypeOf<AccessLevel>();
    expectTypeOf(plan.closed).toEqualTypeOf<readonly DunningCampaign[]>();
    // @ts-expect-error now is required
    planDunning(null as never, policy, {});
    const e: DunningEvent = { type: 'payment_failed', at: 0, amount: 1, currency: 'USD' };
    // @ts-expect-error a failed payment has an amount
    const bad: DunningEvent = { type: 'payment_failed', at: 0, currency: 'USD' };
    void e;
    void bad;
  });

  it('measures campaigns in one pass or by partitions', () => {
    expectTypeOf(dunningMetrics([])).toEqualTypeOf<DunningMetrics>();
    expectTypeOf(dunningMetrics([]).recoveryRate).toEqualTypeOf<number | null>();
    const acc = dunningMetricsAccumulator();
    expectTypeOf(acc.addVoluntaryChurns(1)).toEqualTypeOf(acc);
    expectTypeOf(acc.merge(acc.snapshot())).toEqualTypeOf(acc);
  });
});
