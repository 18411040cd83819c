import { describe, expect, it } from 'vitest';
import { createManualClock } from '../adapters/clock';
import { createRecordingDelivery, PermanentDeliveryError } from '../adapters/delivery';
import { createMemoryStore } from '../adapters/memoryStore';
import type { RetentionStore } from '../adapters/types';
import { RetentionInputError } from '../core/errors';
import type { ActivityEvent } from '../core/records';
import { createRetentionEngine } from './engine';
import { cartPlanner, pingPlanner } from './testPlanners';
import type { EnginePlanner } from './types';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const ev = (
  id: string,
  customerId: string,
  type: string,
  at: number,
  properties = {},
): ActivityEvent => ({ id, customerId, type, at, properties });

function setup(
  planners: EnginePlanner[] = [pingPlanner(), cartPlanner()],
  extra: Partial<Parameters<typeof createRetentionEngine>[0]> = {},
) {
  const store = createMemoryStore();
  const delivery = createRecordingDelivery();
  const clock = createManualClock(T0);
  const engine = createRetentionEngine({
    store,
    delivery,
    planners,
    clock,
    workerId: 'w1',
    ...extra,
  });
  return { store, delivery, clock, engine };
}

describe('createRetentionEngine', () => {
  it('ingests, evaluates, delivers when due, and reports what it did', async () => {
    const { engine, delivery, clock } = setup();
    const seen: string[] = [];
    engine.on('action:planned', (a) => seen.push(`planned ${a.template}`));
    engine.on('action:delivered', ({ action }) => seen.push(`delivered ${action.template}`));
    expect(await engine.ingest([ev('e1', 'c1', 'ping', T0)])).toEqual({
      inserted: 1,
      duplicates: 0,
    });
    const first = await engine.tick();
    expect(first).toMatchObject({
      now: T0,
      ok: true,
      evaluate: { evaluated: 1, planned: 1 },
      deliver: { delivered: 0 },
    });
    clock.advance(30 * 60_000);
    const second = await engine.tick();
    expect(second.deliver.delivered).toBe(1);
    expect(delivery.sent.map((s) => s.action.template)).toEqual(['pong']);
    expect(seen).toEqual(['planned pong', 'delivered pong']);
  });

  it('re-ingesting the same events changes nothing', async () => {
    const { engine, store, delivery } = setup();
    await engine.ingest([ev('e1', 'c1', 'ping', T0)]);
    await engine.tick({ now: T0 + H });
    const before = await store.getCustomer('c1');
    expect(await engine.ingest([ev('e1', 'c1', 'ping', T0)], { now: T0 + 2 * H })).toEqual({
      inserted: 0,
      duplicates: 1,
    });
    const report = await engine.tick({ now: T0 + 2 * H });
    expect(report.evaluate.evaluated).toBe(0);
    expect(await store.getCustomer('c1')).toEqual(before);
    expect(delivery.sent).toHaveLength(1);
  });

  it('rejects invalid events before storing any, naming the index', async () => {
    const { engine, store } = setup();
    await expect(
      engine.ingest([
        ev('e1', 'c1', 'ping', T0),
        { ...ev('e2', 'c1', 'ping', T0), at: 'yesterday' },
      ]),
    ).rejects.toThrow(RetentionInputError);
    await expect(
      engine.ingest([
        ev('e1', 'c1', 'ping', T0),
        { ...ev('e2', 'c1', 'ping', T0), at: 'yesterday' },
      ]),
    ).rejects.toThrow(/events\[1\]\.at/);
    expect(store.size().events).toBe(0);
  });

  it('wakes customers at the time their planners asked for', async () => {
    const evaluatedAt: number[] = [];
    const timer: EnginePlanner<{ n: number }> = {
      name: 'timer',
      plan: (state, { now }) => {
        evaluatedAt.push(now);
        return { state: { n: (state?.n ?? 0) + 1 }, actions: [], cancel: [], wakeAt: now + 24 * H };
      },
    };
    const { engine } = setup([timer]);
    await engine.ingest([ev('e1', 'c1', 'signup', T0)]);
    for (let h = 0; h <= 72; h += 6) await engine.tick({ now: T0 + h * H });
    expect(evaluatedAt).toEqual([T0, T0 + 24 * H, T0 + 48 * H, T0 + 72 * H]);
  });

  it('cancels pending actions when a goal is reached, and keeps delivered ones delivered', async () => {
    const { engine, delivery, store } = setup([cartPlanner()]);
    await engine.ingest([ev('cart1', 'c1', 'cart_added', T0), ev('cart2', 'c2', 'cart_added', T0)]);
    await engine.tick({ now: T0 });
    await engine.ingest([ev('order1', 'c1', 'order_placed', T0 + H)], { now: T0 + H });
    const r = await engine.tick({ now: T0 + H });
    expect(r.evaluate.cancelled).toBe(1);
    await engine.tick({ now: T0 + 4 * H });
    expect(delivery.sent.map((s) => s.action.customerId)).toEqual(['c2']);
    expect((await store.listActions({ customerId: 'c1' })).map((a) => a.status)).toEqual([
      'cancelled',
    ]);
  });

  it('folds customer profiles from ingested customers', async () => {
    const profiles: unknown[] = [];
    const spy: EnginePlanner<null> = {
      name: 'spy',
      plan: (_s, { profile }) => {
        profiles.push(profile);
        return { state: null, actions: [], cancel: [], wakeAt: null };
      },
    };
    const { engine } = setup([spy]);
    const customer = {
      id: 'c1',
      signedUpAt: T0 - 24 * H,
      timeZone: 'Europe/Berlin',
      attributes: { plan: 'team' },
    };
    expect(await engine.ingestCustomers([customer])).toEqual({ inserted: 1, duplicates: 0 });
    expect(await engine.ingestCustomers([customer])).toEqual({ inserted: 0, duplicates: 1 });
    await engine.tick();
    expect(profiles).toEqual([
      {
        customerId: 'c1',
        signedUpAt: T0 - 24 * H,
        timeZone: 'Europe/Berlin',
        attributes: { plan: 'team' },
      },
    ]);
  });

  it('retries failed deliveries with backoff and dead-letters permanent failures', async () => {
    let failures = 2;
    const delivery = createRecordingDelivery({
      fail: (a) =>
        a.params.event === 'bad'
          ? new PermanentDeliveryError('invalid address')
          : failures-- > 0
            ? new Error('timeout')
            : undefined,
    });
    const store = createMemoryStore();
    const engine = createRetentionEngine({
      store,
      delivery,
      planners: [pingPlanner(0)],
      retry: { initialDelay: '1m', factor: 2 },
      workerId: 'w1',
    });
    const failed: number[] = [];
    const dead: string[] = [];
    engine.on('action:failed', ({ retryAt, attempt }) => failed.push(attempt) && void retryAt);
    engine.on('action:dead', ({ action }) => dead.push(String(action.params.event)));
    await engine.ingest([ev('good', 'c1', 'ping', T0), ev('bad', 'c2', 'ping', T0)], { now: T0 });
    const r1 = await engine.tick({ now: T0 });
    expect(r1.deliver).toMatchObject({ delivered: 0, retried: 1, dead: 1 });
    expect(r1.ok).toBe(false);
    const pending = await store.listActions({ status: 'pending' });
    // the first retry waits 1 minute, +-25% jitter
    expect(pending[0]!.availableAt - T0).toBeGreaterThanOrEqual(45_000);
    expect(pending[0]!.availableAt - T0).toBeLessThanOrEqual(75_000);
    for (let m = 1; m <= 10; m++) await engine.tick({ now: T0 + m * 60_000 });
    expect(delivery.sent.map((s) => [s.action.params.event, s.attempt])).toEqual([['good', 3]]);
    expect(failed).toEqual([1, 2]);
    expect(dead).toEqual(['bad']);
  });

  it('gives up after the maximum number of attempts', async () => {
    const delivery = createRecordingDelivery({ fail: () => new Error('down') });
    const store = createMemoryStore();
    const engine = createRetentionEngine({
      store,
      delivery,
      planners: [pingPlanner(0)],
      retry: { maxAttempts: 3, initialDelay: '1m', factor: 1 },
    });
    await engine.ingest([ev('e1', 'c1', 'ping', T0)], { now: T0 });
    for (let m = 0; m < 10; m++) await engine.tick({ now: T0 + m * 2 * 60_000 });
    expect((await store.listActions({})).map((a) => [a.status, a.attempts, a.lastError])).toEqual([
      ['dead', 3, 'down'],
    ]);
  });

  it('reports a store outage instead of throwing, and leaves nothing half-done', async () => {
    const healthy = createMemoryStore();
    let down = false;
    const flaky: RetentionStore = new Proxy(healthy, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          down ? Promise.reject(new Error('connection refused')) : value.apply(target, args);
      },
    });
    const delivery = createRecordingDelivery();
    const engine = createRetentionEngine({
      store: flaky,
      delivery,
      planners: [pingPlanner(0)],
      workerId: 'w1',
      lease: '1m',
    });
    await engine.ingest([ev('e1', 'c1', 'ping', T0)], { now: T0 });
    down = true;
    const r = await engine.tick({ now: T0 });
    expect(r.ok).toBe(false);
    expect(r.evaluate.failures).toEqual([
      { stage: 'store', operation: 'claimDueCustomers', message: 'connection refused' },
    ]);
    expect(r.deliver.failures).toEqual([
      { stage: 'store', operation: 'claimActions', message: 'connection refused' },
    ]);
    down = false;
    const r2 = await engine.tick({ now: T0 + 60_000 });
    expect(r2.ok).toBe(true);
    expect(delivery.sent).toHaveLength(1);
  });

  it('stops delivering in a tick once the delivery is clearly down, losing nothing', async () => {
    let down = true;
    const delivery = createRecordingDelivery({ fail: () => (down ? new Error('503') : undefined) });
    const store = createMemoryStore();
    const engine = createRetentionEngine({
      store,
      delivery,
      planners: [pingPlanner(0)],
      batchSize: 10,
      concurrency: 2,
      retry: { initialDelay: '1m', factor: 1 },
    });
    await engine.ingest(
      Array.from({ length: 50 }, (_, i) => ev(`e${i}`, `c${i}`, 'ping', T0)),
      { now: T0 },
    );
    const r = await engine.tick({ now: T0 });
    expect(r.deliver.retried).toBe(10);
    down = false;
    for (let m = 1; m <= 5; m++) await engine.tick({ now: T0 + m * 2 * 60_000 });
    expect(new Set(delivery.sent.map((s) => s.action.customerId)).size).toBe(50);
  });

  it('handles late events by their own time', async () => {
    const { engine, delivery } = setup([pingPlanner(H)]);
    await engine.ingest([ev('e2', 'c1', 'ping', T0 + 5 * H)], { now: T0 + 5 * H });
    await engine.tick({ now: T0 + 5 * H });
    // an event from 4 hours ago arrives now: its action is due at T0 + 2h, already past, so it goes out at once
    await engine.ingest([ev('e1', 'c1', 'ping', T0 + H)], { now: T0 + 5 * H });
    await engine.tick({ now: T0 + 5 * H });
    expect(delivery.sent.map((s) => s.action.params.event)).toEqual(['e1']);
    await engine.tick({ now: T0 + 6 * H });
    expect(delivery.sent.map((s) => s.action.params.event)).toEqual(['e1', 'e2']);
  });

  it('reports a planner that throws and retries the customer after the lease', async () => {
    let broken = true;
    const fragile: EnginePlanner<null> = {
      name: 'fragile',
      plan: () => {
        if (broken) throw new Error('bad data');
        return { state: null, actions: [], cancel: [], wakeAt: null };
      },
    };
    const { engine, store } = setup([fragile], { lease: '5m' });
    await engine.ingest([ev('e1', 'c1', 'ping', T0)], { now: T0 });
    const r = await engine.tick({ now: T0 });
    expect(r.evaluate.failures).toEqual([
      { stage: 'planner', operation: 'fragile', customerId: 'c1', message: 'bad data' },
    ]);
    expect((await store.getCustomer('c1'))?.version).toBe(0);
    broken = false;
    expect((await engine.tick({ now: T0 + 60_000 })).evaluate.evaluated).toBe(0);
    expect((await engine.tick({ now: T0 + 5 * 60_000 })).evaluate.evaluated).toBe(1);
  });

  it('shows each planner the signals of the planners before it, read-only', async () => {
    const seen: string[][] = [];
    const signalling = (name: string): EnginePlanner<null> => ({
      name,
      plan: (_state, { signals, now }) => {
        seen.push(signals.map((s) => s.type));
        return {
          state: null,
          actions: [],
          cancel: [],
          wakeAt: null,
          signals: [{ type: `${name}_done`, at: now, data: {} }],
        };
      },
    });
    const { engine } = setup([signalling('a'), signalling('b'), signalling('c')]);
    await engine.ingest([ev('e1', 'c1', 'ping', T0)], { now: T0 });
    expect((await engine.tick({ now: T0 })).evaluate.evaluated).toBe(1);
    expect(seen).toEqual([[], ['a_done'], ['a_done', 'b_done']]);
  });

  it('reports a planner that changes its stored state or its events as failed', async () => {
    let mutate = false;
    const counter: EnginePlanner<{ readonly runs: number[] } | null> = {
      name: 'counter',
      plan: (state, { events }) => {
        if (mutate && state !== undefined && state !== null) (state.runs as number[]).push(1);
        if (mutate && events[0] !== undefined)
          (events[0].properties as Record<string, unknown>).x = 1;
        return {
          state: { runs: [...(state?.runs ?? []), 1] },
          actions: [],
          cancel: [],
          wakeAt: null,
        };
      },
    };
    const { engine, store } = setup([counter]);
    await engine.ingest([ev('e1', 'c1', 'ping', T0)], { now: T0 });
    await engine.tick({ now: T0 });
    mutate = true;
    await engine.ingest([ev('e2', 'c1', 'ping', T0 + H)], { now: T0 + H });
    const r = await engine.tick({ now: T0 + H });
    expect(r.evaluate.failures).toHaveLength(1);
    expect(r.evaluate.failures[0]).toMatchObject({ stage: 'planner', operation: 'counter' });
    // the stored state is as the first tick left it
    expect((await store.getCustomer('c1'))?.state).toMatchObject({
      planners: { counter: { runs: [1] } },
    });
  });

  it('reports a planner that changes its input object as failed, before any later planner runs', async () => {
    const seen: number[] = [];
    const meddler: EnginePlanner<null> = {
      name: 'meddler',
      plan: (_state, input) => {
        (input as { now: number }).now = 0;
        return { state: null, actions: [], cancel: [], wakeAt: null };
      },
    };
    const reader: EnginePlanner<null> = {
      name: 'reader',
      plan: (_state, { now }) => {
        seen.push(now);
        return { state: null, actions: [], cancel: [], wakeAt: null };
      },
    };
    const { engine } = setup([meddler, reader]);
    await engine.ingest([ev('e1', 'c1', 'ping', T0)], { now: T0 });
    const r = await engine.tick({ now: T0 });
    expect(r.evaluate.failures).toMatchObject([{ stage: 'planner', operation: 'meddler' }]);
    expect(seen).toEqual([]);
    // planners that leave the input alone see the tick's time
    const { engine: calm } = setup([reader]);
    await calm.ingest([ev('e1', 'c1', 'ping', T0)], { now: T0 });
    await calm.tick({ now: T0 + H });
    expect(seen).toEqual([T0 + H]);
  });

  it('several engines ticking one store at once deliver each action exactly once', async () => {
    const store = createMemoryStore();
    const delivery = createRecordingDelivery();
    const engines = Array.from({ length: 4 }, (_, i) =>
      createRetentionEngine({
        store,
        delivery,
        planners: [pingPlanner(0), cartPlanner()],
        workerId: `w${i}`,
        batchSize: 7,
        concurrency: 3,
      }),
    );
    const events = Array.from({ length: 400 }, (_, i) =>
      ev(`e${i}`, `c${i % 60}`, i % 3 === 0 ? 'cart_added' : 'ping', T0 + (i % 10) * 60_000),
    );
    await engines[0]!.ingest(events, { now: T0 });
    for (let step = 0; step <= 40; step++) {
      const now = T0 + step * 15 * 60_000;
      await Promise.all(engines.map((e) => e.tick({ now })));
    }
    expect(delivery.duplicates).toBe(0);
    expect(delivery.sent.length).toBe(400);
    expect((await store.listActions({ status: 'pending' })).length).toBe(0);
  });

  it('rejects bad options', () => {
    const store = createMemoryStore();
    const delivery = createRecordingDelivery();
    expect(() =>
      createRetentionEngine({ store, delivery, planners: [pingPlanner(), pingPlanner()] }),
    ).toThrow(/options.planners\[1\].name is a duplicate/);
    expect(() => createRetentionEngine({ store, delivery, batchSize: 0 })).toThrow(
      /options.batchSize is out of range/,
    );
    expect(() => createRetentionEngine({ store, delivery, lease: 'soon' })).toThrow(
      /options.lease is not a valid duration/,
    );
    expect(() => createRetentionEngine({ store, delivery, retry: { factor: 0.5 } })).toThrow(
      /options.retry.factor is out of range/,
    );
  });
});
