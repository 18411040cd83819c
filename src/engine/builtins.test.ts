import { describe, expect, it } from 'vitest';
import { createManualClock } from '../adapters/clock';
import { createRecordingDelivery } from '../adapters/delivery';
import { createMemoryStore } from '../adapters/memoryStore';
import { defineDunningPolicy } from '../dunning/index';
import { onboardingMachine } from '../lifecycle/index';
import { defineHealthModel } from '../scoring/index';
import { defineWinbackPolicy } from '../winback/index';
import { createRetentionEngine, type RetentionEngineOptions } from './engine';
import { type DunningPlannerState, dunningPlanner } from './planners/dunning';
import { lifecyclePlanner } from './planners/lifecycle';
import type { EnginePlanner } from './types';

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2026, 2, 2, 9); // a Monday

function setup(extra: Partial<RetentionEngineOptions>) {
  const store = createMemoryStore();
  const delivery = createRecordingDelivery();
  const clock = createManualClock(T0);
  const engine = createRetentionEngine({ store, delivery, clock, workerId: 'w1', ...extra });
  const stages: string[] = [];
  const signals: string[] = [];
  engine.on('stage:changed', (c) => stages.push(`${c.customerId}:${c.from ?? '-'}>${c.to}`));
  engine.on('signal', ({ signal }) => signals.push(signal.type));
  return { store, delivery, clock, engine, stages, signals };
}

const policy = () =>
  defineDunningPolicy({
    id: 'standard',
    version: 1,
    billing: { interval: 'month' },
    updatePaymentUrl: 'https://example.com/billing',
    retries: { schedule: ['1d', '3d', '5d', '7d'], window: '14d' },
    finalAction: { type: 'cancel' },
  });

describe('built-in lifecycle planner', () => {
  it('moves customers through the machine on mapped events and on time', async () => {
    const { engine, clock, stages } = setup({
      machine: onboardingMachine(),
      lifecycle: { events: { report_created: 'first_value', subscription_canceled: 'cancelled' } },
    });
    await engine.ingestCustomers([
      { id: 'a', signedUpAt: T0 },
      { id: 'b', signedUpAt: T0 },
    ]);
    await engine.tick();
    expect(stages.sort()).toEqual(['a:->orientation', 'b:->orientation']);
    stages.length = 0;

    await engine.ingest([
      { id: 'e1', customerId: 'a', type: 'report_created', at: T0 + 2 * D },
      { id: 'e2', customerId: 'b', type: 'subscription_canceled', at: T0 + 3 * D },
    ]);
    clock.set(T0 + 3 * D + H);
    await engine.tick();
    expect(stages).toEqual(['b:orientation>churned']);
    stages.length = 0;

    // a reached first value on day 2, so a week after signup the engine wakes it into immersion
    clock.set(T0 + 7 * D + H);
    const report = await engine.tick();
    expect(report.evaluate.evaluated).toBe(1);
    expect(stages).toEqual(['a:orientation>immersion']);
  });

  it('hears risk signals from planners that run before it', async () => {
    const risk: EnginePlanner<null> = {
      name: 'risk',
      plan: (_s, { events, now }) => ({
        state: null,
        actions: [],
        cancel: [],
        wakeAt: null,
        signals: events.some((e) => e.type === 'support_complaint')
          ? [{ type: 'risk_detected', at: now, data: { signal: 'complaint' } }]
          : [],
      }),
    };
    // the built-in planners run before custom ones; to have a planner of your own feed the
    // machine, order them yourself with lifecyclePlanner
    const { engine, clock, stages } = setup({
      planners: [risk, lifecyclePlanner(onboardingMachine()) as unknown as EnginePlanner],
    });
    await engine.ingestCustomers([{ id: 'a', signedUpAt: T0 }]);
    await engine.ingest([{ id: 'e1', customerId: 'a', type: 'support_complaint', at: T0 + H }]);
    clock.set(T0 + 2 * H);
    await engine.tick();
    expect(stages).toEqual(['a:->orientation', 'a:orientation>at_risk']);
  });
});

describe('built-in dunning planner', () => {
  it('reminds before a charge, retries after a failure, and closes on recovery', async () => {
    const { engine, clock, delivery, signals } = setup({ dunningPolicy: policy() });
    await engine.ingestCustomers([{ id: 'c1', signedUpAt: T0 - 40 * D }]);
    const sub = {
      id: 's1',
      customerId: 'c1',
      plan: 'team',
      status: 'active' as const,
      billingInterval: 'month' as const,
      amount: 9900,
      currency: 'USD',
      startedAt: T0 - 40 * D,
      currentPeriodEnd: T0 + 10 * D,
    };
    expect(await engine.ingestSubscriptions([sub])).toEqual({ inserted: 1, duplicates: 0 });
    // the same snapshot again is a duplicate, not a second event
    expect(await engine.ingestSubscriptions([sub])).toEqual({ inserted: 0, duplicates: 1 });
    await engine.tick();
    expect(delivery.sent).toEqual([]);

    // walk the clock day by day: the engine wakes the customer for each reminder it planned
    for (let day = 1; day <= 9; day++) {
      clock.set(T0 + day * D + 3 * H);
      await engine.tick();
    }
    expect(delivery.sent.map((s) => s.action.source.step)).toEqual([
      'pre-charge-7d',
      'pre-charge-3d',
    ]);

    await engine.ingestPayments([
      {
        id: 'p1',
        customerId: 'c1',
        subscriptionId: 's1',
        amount: 9900,
        currency: 'USD',
        outcome: 'failed',
        at: T0 + 10 * D,
        declineCode: 'insufficient_funds',
      },
    ]);
    for (let day = 10; day <= 12; day++) {
      clock.set(T0 + day * D + 3 * H);
      await engine.tick();
    }
    const steps = delivery.sent.map((s) => s.action.source.step);
    expect(steps.length).toBeGreaterThan(2);
    expect(steps.slice(2).every((s) => s?.startsWith('pre-charge') === false)).toBe(true);

    await engine.ingestPayments([
      {
        id: 'p2',
        customerId: 'c1',
        subscriptionId: 's1',
        amount: 9900,
        currency: 'USD',
        outcome: 'succeeded',
        at: T0 + 12 * D + 4 * H,
      },
    ]);
    const sentBefore = delivery.sent.length;
    clock.set(T0 + 12 * D + 5 * H);
    await engine.tick();
    expect(signals).toContain('dunning_closed');
    // of the recovered campaign, only the recovery notice follows: no more retries or notices
    for (let day = 13; day <= 20; day++) {
      clock.set(T0 + day * D + 3 * H);
      await engine.tick();
    }
    const campaign = new Set(
      delivery.sent.slice(2, sentBefore).map((s) => s.action.source.occurrence),
    );
    expect(campaign.size).toBe(1);
    expect(
      delivery.sent
        .slice(sentBefore)
        .filter((s) => campaign.has(s.action.source.occurrence))
        .map((s) => s.action.template),
    ).toEqual(['dunning-payment-recovered']);
  });

  it('keeps one entry per subscription, in id order, and reads the earlier keyed state', () => {
    const planner = dunningPlanner(policy());
    const profile = { customerId: 'c1', signedUpAt: T0 - 40 * D, timeZone: 'UTC', attributes: {} };
    const sub = (id: string, end: number) => ({
      id,
      customerId: 'c1',
      plan: 'team',
      status: 'active',
      billingInterval: 'month',
      intervalCount: 1,
      amount: 9900,
      currency: 'USD',
      startedAt: T0 - 40 * D,
      currentPeriodEnd: end,
    });
    const update = (seq: number, s: ReturnType<typeof sub>) => ({
      id: `u${seq}`,
      seq,
      customerId: 'c1',
      type: 'subscription_updated',
      at: T0,
      properties: { subscription: s },
    });
    const first = planner.plan(undefined, {
      customerId: 'c1',
      now: T0,
      signals: [],
      profile,
      events: [update(1, sub('s2', T0 + 20 * D)), update(2, sub('s1', T0 + 5 * D))],
    });
    const state = first.state as DunningPlannerState;
    expect(state.subscriptions.map((e) => e.subscription.id)).toEqual(['s1', 's2']);
    // a later snapshot of s2 replaces its entry and keeps its dunning state's place
    const second = planner.plan(state, {
      customerId: 'c1',
      now: T0 + D,
      signals: [],
      profile,
      events: [update(3, sub('s2', T0 + 21 * D))],
    });
    const entries = (second.state as DunningPlannerState).subscriptions;
    expect(entries.map((e) => [e.subscription.id, e.subscription.currentPeriodEnd])).toEqual([
      ['s1', T0 + 5 * D],
      ['s2', T0 + 21 * D],
    ]);
    expect(entries.every((e) => e.state.plannedAt === T0 + D)).toBe(true);
    // no update: the snapshots are the same objects as before
    const third = planner.plan(second.state, {
      customerId: 'c1',
      now: T0 + 2 * D,
      signals: [],
      profile,
      events: [],
    });
    const thirdEntries = (third.state as DunningPlannerState).subscriptions;
    expect(thirdEntries[0]!.subscription).toBe(entries[0]!.subscription);
    // the earlier format (snapshots and states keyed by subscription id) plans the same
    const keyed = {
      subscriptions: Object.fromEntries(entries.map((e) => [e.subscription.id, e.subscription])),
      dunning: Object.fromEntries(entries.map((e) => [e.subscription.id, e.state])),
    } as unknown as DunningPlannerState;
    expect(
      planner.plan(keyed, { customerId: 'c1', now: T0 + 2 * D, signals: [], profile, events: [] }),
    ).toEqual(third);
  });

  it('rejects invalid subscriptions and payments before storing any, naming the path', async () => {
    const { engine, store } = setup({ dunningPolicy: policy() });
    await expect(
      engine.ingestPayments([
        {
          id: 'p1',
          customerId: 'c1',
          amount: 1,
          currency: 'USD',
          outcome: 'failed',
          at: T0,
        },
        // an unknown outcome
        {
          id: 'p2',
          customerId: 'c1',
          amount: 1,
          currency: 'USD',
          outcome: 'maybe',
          at: T0,
        } as never,
      ]),
    ).rejects.toThrow(/payments\[1\]\.outcome/);
    await expect(
      engine.ingestSubscriptions([
        // a subscription without its customer
        {
          id: 's1',
          plan: 'x',
          status: 'active',
          amount: 1,
          currency: 'USD',
          startedAt: T0,
        } as never,
      ]),
    ).rejects.toThrow(/subscriptions\[0\]\.customerId/);
    expect(await store.listActions({ customerId: 'c1' })).toEqual([]);
  });
});

const healthModel = () =>
  defineHealthModel({
    id: 'health',
    version: 1,
    dimensions: [
      {
        id: 'usage',
        measures: [
          {
            id: 'logins',
            fact: 'activity.login.last30d',
            scale: { kind: 'linear', zeroAt: 0, fullAt: 10 },
            missing: { score: 0 },
          },
        ],
      },
    ],
  });

describe('built-in scoring and trigger planners', () => {
  it('fires rules on events and on stages entered in the same evaluation', async () => {
    const { engine, clock, delivery } = setup({
      machine: onboardingMachine(),
      rules: [
        {
          id: 'welcome',
          version: 1,
          trigger: { kind: 'stageEntered', stage: 'orientation' },
          actions: [{ channel: 'email', template: 'welcome' }],
        },
        {
          id: 'cart-faq',
          version: 1,
          trigger: {
            kind: 'eventWithout',
            event: 'cart_added',
            without: 'order_placed',
            within: '3h',
          },
          actions: [{ channel: 'email', template: 'delivery-faq' }],
        },
      ],
    });
    await engine.ingestCustomers([
      { id: 'a', signedUpAt: T0 },
      { id: 'b', signedUpAt: T0 },
    ]);
    await engine.ingest([
      { id: 'e1', customerId: 'a', type: 'cart_added', at: T0 + H },
      { id: 'e2', customerId: 'b', type: 'cart_added', at: T0 + H },
      { id: 'e3', customerId: 'b', type: 'order_placed', at: T0 + 2 * H },
    ]);
    clock.set(T0 + 2 * H);
    await engine.tick();
    expect(delivery.sent.map((s) => `${s.action.customerId}:${s.action.template}`).sort()).toEqual([
      'a:welcome',
      'b:welcome',
    ]);
    // the engine wakes a at the end of the 3-hour window; b ordered in time
    clock.set(T0 + 4 * H + 1);
    await engine.tick();
    expect(
      delivery.sent.map((s) => `${s.action.customerId}:${s.action.template}`).slice(2),
    ).toEqual(['a:delivery-faq']);
  });

  it('a falling health score moves the stage to at risk, and a rule hears it at once', async () => {
    const { engine, clock, delivery, stages, signals } = setup({
      healthModel: healthModel(),
      machine: onboardingMachine(),
      rules: [
        {
          id: 'at-risk-call',
          version: 1,
          trigger: { kind: 'stageEntered', stage: 'at_risk' },
          conditions: { fact: 'health.band', op: 'eq', value: 'red' },
          actions: [{ channel: 'crm_task', template: 'call-customer' }],
        },
      ],
    });
    await engine.ingestCustomers([
      { id: 'busy', signedUpAt: T0 },
      { id: 'quiet', signedUpAt: T0 },
    ]);
    await engine.ingest(
      Array.from({ length: 12 }, (_, i) => ({
        id: `l${i}`,
        customerId: 'busy',
        type: 'login',
        at: T0 + i * H,
      })),
    );
    clock.set(T0 + 12 * H);
    await engine.tick();
    expect(signals).toContain('health_changed');
    expect(stages.sort()).toEqual([
      'busy:->orientation',
      'quiet:->orientation',
      'quiet:orientation>at_risk',
    ]);
    expect(delivery.sent.map((s) => `${s.action.customerId}:${s.action.template}`)).toEqual([
      'quiet:call-customer',
    ]);
    // scored again a day later without new events: nothing new to say
    const before = signals.length;
    clock.set(T0 + 36 * H);
    const report = await engine.tick();
    expect(report.evaluate.evaluated).toBe(2);
    expect(signals.length).toBe(before);
  });
});

describe('built-in winback planner', () => {
  it('runs the sequence after a voluntary cancellation and stops it when the customer returns', async () => {
    const { engine, clock, delivery, store, signals } = setup({
      winbackPolicy: defineWinbackPolicy({ id: 'winback', version: 1 }),
    });
    await engine.ingestCustomers([
      { id: 'a', signedUpAt: T0 - 100 * D, attributes: { plan: 'team', mrr: 2900 } },
    ]);
    await engine.ingest([
      {
        id: 'x1',
        customerId: 'a',
        type: 'subscription_canceled',
        at: T0,
        properties: { kind: 'voluntary' },
      },
    ]);
    for (let day = 0; day <= 16; day++) {
      clock.set(T0 + day * D + H);
      await engine.tick();
    }
    expect(delivery.sent.map((s) => s.action.template)).toEqual([
      'winback-ask-why',
      'winback-solution',
    ]);
    await engine.ingest([
      {
        id: 'x2',
        customerId: 'a',
        type: 'subscription_reactivated',
        at: T0 + 17 * D,
        properties: { mrr: 2900, currency: 'USD' },
      },
    ]);
    for (let day = 17; day <= 40; day++) {
      clock.set(T0 + day * D + H);
      await engine.tick();
    }
    expect(delivery.sent).toHaveLength(2);
    expect(signals).toContain('winback_closed');
    expect(await store.listActions({ customerId: 'a', status: 'pending' })).toEqual([]);
  });
});
