import EventEmitter from 'eventemitter3';
import { systemClock } from '../adapters/clock';
import { PermanentDeliveryError } from '../adapters/delivery';
import type {
  Clock,
  CommitResult,
  CustomerClaim,
  Delivery,
  OutboxEntry,
  RetentionStore,
  StoredEvent,
} from '../adapters/types';
import type { PlannedAction } from '../core/action';
import { durationToMs, type FixedDurationInput } from '../core/duration';
import { failInput, RetentionError } from '../core/errors';
import { idempotencyKey, stableFraction } from '../core/hash';
import { type InstantInput, toInstant } from '../core/instant';
import {
  type ActivityEvent,
  activityEventSchema,
  type Customer,
  customerSchema,
  type NormalizedActivityEvent,
  type PaymentAttempt,
  parseRecords,
  paymentAttemptSchema,
  type Subscription,
  subscriptionSchema,
} from '../core/records';
import type { JsonValue } from '../core/validate';
import type { DunningPolicy } from '../dunning/index';
import type { StageMachine } from '../lifecycle/index';
import type { HealthModel } from '../scoring/index';
import { type CompiledRules, compileRules, type TriggerRule } from '../triggers/index';
import type { WinbackPolicy } from '../winback/index';
import {
  type DunningPlannerOptions,
  dunningPlanner,
  PAYMENT_EVENTS,
  SUBSCRIPTION_EVENT,
} from './planners/dunning';
import { type LifecyclePlannerOptions, lifecyclePlanner } from './planners/lifecycle';
import { type ScoringPlannerOptions, scoringPlanner } from './planners/scoring';
import { inTimeOrder, NO_SIGNALS } from './planners/signals';
import { triggersPlanner } from './planners/triggers';
import { type WinbackPlannerOptions, winbackPlanner } from './planners/winback';
import { emptyProfile, foldProfile, PROFILE_EVENT } from './profile';
import type {
  DeliverReport,
  EngineCustomerState,
  EngineEvents,
  EngineFailure,
  EnginePlanner,
  EngineSignal,
  EvaluateReport,
  PlannerInput,
  TickReport,
} from './types';

/**
 * How failed deliveries are retried.
 *
 * @category engine
 */
export interface RetryOptions {
  /** Attempts before an action is dead-lettered. @defaultValue `5` */
  readonly maxAttempts?: number;
  /** Delay after the first failure. @defaultValue `'1m'` */
  readonly initialDelay?: FixedDurationInput;
  /** Each further delay is this many times the previous. @defaultValue `4` */
  readonly factor?: number;
  /** The longest delay. @defaultValue `'6h'` */
  readonly maxDelay?: FixedDurationInput;
}

/**
 * Options of {@link createRetentionEngine}.
 *
 * @category engine
 */
export interface RetentionEngineOptions {
  /** Where events, customer states and the outbox live. */
  readonly store: RetentionStore;
  /** Sends actions. */
  readonly delivery: Delivery;
  /**
   * The health model (scoring), from `defineHealthModel`: scores customers and reports
   * `health_changed` and `risk_detected` signals to the stage machine and the rules.
   */
  readonly healthModel?: HealthModel;
  /** See {@link ScoringPlannerOptions}. */
  readonly scoring?: ScoringPlannerOptions;
  /** The customers' stage machine (lifecycle), e.g. `onboardingMachine()`. */
  readonly machine?: StageMachine;
  /** How your events map to the machine's, and which signals it hears. See {@link LifecyclePlannerOptions}. */
  readonly lifecycle?: LifecyclePlannerOptions;
  /** The dunning policy, from `defineDunningPolicy`. */
  readonly dunningPolicy?: DunningPolicy;
  /** See {@link DunningPlannerOptions}. */
  readonly dunning?: DunningPlannerOptions;
  /** The win-back policy, from `defineWinbackPolicy`: sequences for customers who cancelled. */
  readonly winbackPolicy?: WinbackPolicy;
  /** See {@link WinbackPlannerOptions}. */
  readonly winback?: WinbackPlannerOptions;
  /** Trigger rules, as JSON or compiled with `compileRules` (to pass caps and other options). */
  readonly rules?: CompiledRules | readonly TriggerRule[];
  /** Further planning steps of your own, run after the built-in ones. @defaultValue `[]` */
  readonly planners?: readonly EnginePlanner[];
  /** The time source when a call gives no `now`. @defaultValue `systemClock` */
  readonly clock?: Clock;
  /** This engine's id in claims; give each worker process its own. @defaultValue a random id */
  readonly workerId?: string;
  /** Customers or actions claimed per store call. @defaultValue `200` */
  readonly batchSize?: number;
  /** How long a claim lasts; a crashed worker's claims return after it. @defaultValue `'2m'` */
  readonly lease?: FixedDurationInput;
  /** Customers evaluated (and actions delivered) at once within a tick. @defaultValue `8` */
  readonly concurrency?: number;
  /** Most new events folded into one evaluation; the rest wait for the next tick. @defaultValue `1000` */
  readonly maxEventsPerEvaluation?: number;
  /** See {@link RetryOptions}. */
  readonly retry?: RetryOptions;
}

/**
 * Options of a tick or of one of its passes.
 *
 * @category engine
 */
export interface TickOptions {
  /** The time to evaluate and deliver at. @defaultValue the engine's clock */
  readonly now?: InstantInput;
  /** Most customers to evaluate, and most actions to deliver, in this call. @defaultValue no limit */
  readonly limit?: number;
}

/**
 * A retention engine: ingests events and, on each tick, evaluates due customers and delivers due
 * actions. Emits typed {@link EngineEvents}.
 *
 * @category engine
 */
export interface RetentionEngine extends EventEmitter<EngineEvents> {
  /** This engine's worker id in the store's claims. */
  readonly workerId: string;
  /**
   * Validates and stores events (re-ingesting an id is a no-op) and makes their customers due.
   * Throws a `RetentionInputError` with the index of the first invalid event, storing none.
   */
  ingest(
    events: Iterable<ActivityEvent>,
    options?: { readonly now?: InstantInput },
  ): Promise<{ readonly inserted: number; readonly duplicates: number }>;
  /**
   * Records customers' profiles (signup time, time zone, attributes) as `customer_updated`
   * events; an unchanged customer is a no-op.
   */
  ingestCustomers(
    customers: Iterable<Customer>,
    options?: { readonly now?: InstantInput },
  ): Promise<{ readonly inserted: number; readonly duplicates: number }>;
  /**
   * Records subscriptions (next charge, amount, card) for dunning as `subscription_updated`
   * events; an unchanged subscription is a no-op.
   */
  ingestSubscriptions(
    subscriptions: Iterable<Subscription>,
    options?: { readonly now?: InstantInput },
  ): Promise<{ readonly inserted: number; readonly duplicates: number }>;
  /** Records payment attempts as `payment_failed` / `payment_succeeded` events (idempotent by payment id). */
  ingestPayments(
    payments: Iterable<PaymentAttempt>,
    options?: { readonly now?: InstantInput },
  ): Promise<{ readonly inserted: number; readonly duplicates: number }>;
  /** Evaluates due customers, then delivers due actions. Reports failures instead of throwing. */
  tick(options?: TickOptions): Promise<TickReport>;
  /** Only the evaluation pass of a tick. */
  evaluate(options?: TickOptions): Promise<EvaluateReport>;
  /** Only the delivery pass of a tick. */
  deliver(options?: TickOptions): Promise<DeliverReport>;
}

const ENGINE_STATE_VERSION = 1;

/** What one evaluation of a customer plans, to be committed. */
interface Evaluation {
  readonly state: EngineCustomerState;
  readonly actions: PlannedAction[];
  readonly cancel: string[];
  readonly wakeAt: number | null;
  readonly signals: readonly EngineSignal[];
  /** The seq of the last event read: the customer's new event cursor. */
  readonly cursor: number;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function readState(raw: JsonValue | null, customerId: string): EngineCustomerState {
  if (
    raw !== null &&
    typeof raw === 'object' &&
    !Array.isArray(raw) &&
    (raw as { v?: unknown }).v === ENGINE_STATE_VERSION
  ) {
    return raw as unknown as EngineCustomerState;
  }
  if (
    raw === null ||
    (typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length === 0)
  ) {
    return { v: ENGINE_STATE_VERSION, profile: emptyProfile(customerId), planners: {} };
  }
  throw new RetentionError(
    'unknown_version',
    `engine: the stored state of a customer has an unknown format (expected v ${ENGINE_STATE_VERSION})`,
  );
}

/**
 * Runs `fn` over `items` with at most `limit` in flight; stops starting new ones once an item
 * says `'stop'`. Resolves to whether one did.
 */
async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<'ok' | 'stop'>,
): Promise<boolean> {
  let next = 0;
  let stopped = false;
  const run = async () => {
    while (next < items.length && !stopped) {
      const item = items[next++]!;
      if ((await fn(item)) === 'stop') stopped = true;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return stopped;
}

let engines = 0;

/**
 * Creates a retention engine: the one effectful part of the library. It runs the pure planners
 * against a {@link RetentionStore} and a {@link Delivery}, and guarantees that a crash at any step
 * loses no action and repeats none beyond what the idempotency key lets the provider absorb:
 *
 * - a customer's new state, new actions and cancellations are committed in one atomic step, under
 *   an optimistic version, so of two workers evaluating the same customer one commit wins;
 * - customers and actions are claimed with leases, so a crashed worker's claims come back;
 * - actions carry deterministic idempotency keys, so re-planning adds nothing, and the delivery
 *   receives the key;
 * - failed deliveries are retried with exponential backoff (deterministic jitter per key) and
 *   dead-lettered after `retry.maxAttempts` or on a `PermanentDeliveryError`;
 * - a store or delivery outage makes a tick report the failure and stop; nothing is half-written.
 *
 * @param options - See {@link RetentionEngineOptions}.
 * @returns The engine.
 * @throws {RetentionInputError} When an option is out of range.
 *
 * @example
 * const store = createMemoryStore();
 * const delivery = createRecordingDelivery();
 * const welcome = {
 *   name: 'welcome',
 *   plan: (state, { customerId, events, now }) => ({
 *     state: { sent: state?.sent === true || events.some((e) => e.type === 'signup') },
 *     actions: state?.sent === true || !events.some((e) => e.type === 'signup') ? [] : [{
 *       key: idempotencyKey(['welcome', customerId]), customerId, channel: 'email', template: 'welcome',
 *       params: {}, priority: 0, dueAt: now, source: { module: 'triggers', definitionId: 'welcome', version: 1, occurrence: 'signup' },
 *     }],
 *     cancel: [], wakeAt: null,
 *   }),
 * };
 * const engine = createRetentionEngine({ store, delivery, planners: [welcome], clock: createManualClock(0) });
 * await engine.ingest([{ id: 'e1', customerId: 'c1', type: 'signup', at: 0 }]);
 * const report = await engine.tick();
 * [report.evaluate.planned, report.deliver.delivered, delivery.sent[0]?.action.template]
 * //=> [1, 1, 'welcome']
 *
 * @category engine
 */
export function createRetentionEngine(options: RetentionEngineOptions): RetentionEngine {
  const fn = 'createRetentionEngine';
  const { store, delivery } = options;
  // Built-in planners first, in an order where each hears the ones before: a health change moves
  // the stage, and the rules hear both (and closed dunning campaigns) in the same evaluation.
  const rules =
    options.rules === undefined
      ? undefined
      : Array.isArray(options.rules)
        ? compileRules(options.rules as readonly TriggerRule[])
        : (options.rules as CompiledRules);
  const planners: EnginePlanner[] = [
    ...(options.healthModel === undefined
      ? []
      : [scoringPlanner(options.healthModel, options.scoring ?? {}) as unknown as EnginePlanner]),
    ...(options.machine === undefined
      ? []
      : [lifecyclePlanner(options.machine, options.lifecycle ?? {}) as unknown as EnginePlanner]),
    ...(options.dunningPolicy === undefined
      ? []
      : [dunningPlanner(options.dunningPolicy, options.dunning ?? {}) as unknown as EnginePlanner]),
    ...(options.winbackPolicy === undefined
      ? []
      : [winbackPlanner(options.winbackPolicy, options.winback ?? {}) as unknown as EnginePlanner]),
    ...(rules === undefined ? [] : [triggersPlanner(rules) as unknown as EnginePlanner]),
    ...(options.planners ?? []),
  ];
  const names = new Set<string>();
  planners.forEach((p, i) => {
    if (typeof p.name !== 'string' || p.name === '' || names.has(p.name)) {
      failInput(
        { fn, path: ['planners', i, 'name'], root: 'options' },
        { code: 'duplicate', path: [], detail: 'each planner needs a unique, non-empty name' },
      );
    }
    names.add(p.name);
  });
  const positive = (value: number | undefined, name: string, def: number) => {
    const v = value ?? def;
    if (!(Number.isInteger(v) && v >= 1))
      failInput(
        { fn, path: [name], root: 'options' },
        { code: 'out_of_range', path: [], expected: 'a whole number >= 1' },
      );
    return v;
  };
  const clock = options.clock ?? systemClock;
  const batchSize = positive(options.batchSize, 'batchSize', 200);
  const concurrency = positive(options.concurrency, 'concurrency', 8);
  const maxEvents = positive(options.maxEventsPerEvaluation, 'maxEventsPerEvaluation', 1000);
  const leaseMs = durationToMs(options.lease ?? '2m', { fn, path: ['lease'], root: 'options' });
  const retry = {
    maxAttempts: positive(options.retry?.maxAttempts, 'retry.maxAttempts', 5),
    initialMs: durationToMs(options.retry?.initialDelay ?? '1m', {
      fn,
      path: ['retry', 'initialDelay'],
      root: 'options',
    }),
    factor: options.retry?.factor ?? 4,
    maxMs: durationToMs(options.retry?.maxDelay ?? '6h', {
      fn,
      path: ['retry', 'maxDelay'],
      root: 'options',
    }),
  };
  if (!(retry.factor >= 1 && Number.isFinite(retry.factor))) {
    failInput(
      { fn, path: ['retry', 'factor'], root: 'options' },
      { code: 'out_of_range', path: [], expected: 'a number >= 1' },
    );
  }
  const workerId =
    options.workerId ?? `engine-${++engines}-${Math.floor(Math.random() * 2 ** 32).toString(16)}`;
  const emitter = new EventEmitter<EngineEvents>();

  const nowOf = (t: InstantInput | undefined) =>
    t === undefined ? clock.now() : toInstant(t, { fn: 'tick', path: ['now'], root: 'options' });

  /** Delay before retry number `attempt` (1-based), with a deterministic jitter of ±25% per key. */
  const backoff = (key: string, attempt: number) => {
    const base = Math.min(retry.maxMs, retry.initialMs * retry.factor ** (attempt - 1));
    return Math.round(base * (0.75 + 0.5 * stableFraction(key, `retry-${attempt}`)));
  };

  /**
   * Plans one claimed customer from the events read for it: folds the profile, runs the planners
   * in order and collects what they plan. Null when the stored state or a planner fails (the
   * failure is reported; the claim lapses). Kept apart from the async steps around it, so that an
   * evaluation suspended at a store call holds only a few values.
   */
  const planCustomer = (
    claim: CustomerClaim,
    events: readonly StoredEvent[],
    now: number,
    report: MutableEvaluate,
  ): Evaluation | null => {
    const ordered = inTimeOrder(events)
      ? events
      : [...events].sort((a, b) => a.at - b.at || a.seq - b.seq);
    let prior: EngineCustomerState;
    try {
      prior = readState(claim.state, claim.customerId);
    } catch (error) {
      report.failures.push({
        stage: 'planner',
        operation: 'state',
        customerId: claim.customerId,
        message: messageOf(error),
      });
      return null;
    }
    const profile = foldProfile(prior.profile, ordered);
    const actions: PlannedAction[] = [];
    const cancel: string[] = [];
    const states: Record<string, JsonValue> = { ...prior.planners };
    let wakeAt: number | null = null;
    // the signals so far, as each planner is shown them: frozen, replaced when a planner adds one;
    // planners share one frozen input until then, so none can change what the next one sees
    let signals: readonly EngineSignal[] = NO_SIGNALS;
    let input: PlannerInput = Object.freeze({
      customerId: claim.customerId,
      now,
      events: ordered,
      profile,
      signals,
    });
    for (const planner of planners) {
      try {
        const r = planner.plan(prior.planners[planner.name] as never, input);
        states[planner.name] = r.state;
        for (const a of r.actions) actions.push(a);
        for (const key of r.cancel) cancel.push(key);
        if (r.wakeAt !== null && (wakeAt === null || r.wakeAt < wakeAt)) wakeAt = r.wakeAt;
        if (r.signals !== undefined && r.signals.length > 0) {
          signals = Object.freeze([...signals, ...r.signals]);
          input = Object.freeze({ ...input, signals });
        }
      } catch (error) {
        // A planner that throws on this customer's data: commit nothing; the claim lapses and the
        // customer is retried after the lease, so a fix (or a corrected event) gets it moving.
        report.failures.push({
          stage: 'planner',
          operation: planner.name,
          customerId: claim.customerId,
          message: messageOf(error),
        });
        return null;
      }
    }
    return {
      state: { v: ENGINE_STATE_VERSION, profile, planners: states },
      actions,
      cancel,
      wakeAt,
      signals,
      cursor: events.length > 0 ? events[events.length - 1]!.seq : claim.eventCursor,
    };
  };

  /** Counts a committed evaluation and tells the listeners what it did. */
  const committed = (
    customerId: string,
    planned: Evaluation,
    result: CommitResult,
    report: MutableEvaluate,
  ): void => {
    report.evaluated++;
    report.planned += result.enqueued;
    report.cancelled += result.cancelled;
    if (emitter.listenerCount('customer:evaluated') > 0)
      emitter.emit('customer:evaluated', {
        customerId,
        version: result.version,
        planned: result.enqueued,
        cancelled: result.cancelled,
        wakeAt: planned.wakeAt,
      });
    for (const signal of planned.signals) {
      emitter.emit('signal', { customerId, signal });
      if (signal.type === 'stage_entered' && typeof signal.data.stage === 'string') {
        const from = signal.data.from;
        emitter.emit('stage:changed', {
          customerId,
          from: typeof from === 'string' ? from : null,
          to: signal.data.stage,
          at: signal.at,
        });
      }
    }
    if (emitter.listenerCount('action:planned') > 0)
      for (const a of planned.actions) emitter.emit('action:planned', a);
    if (emitter.listenerCount('action:cancelled') > 0)
      for (const key of planned.cancel) emitter.emit('action:cancelled', { customerId, key });
  };

  const evaluateCustomer = async (
    claim: CustomerClaim,
    now: number,
    report: MutableEvaluate,
  ): Promise<'ok' | 'stop'> => {
    let events: StoredEvent[];
    try {
      events = await store.readEvents(claim.customerId, {
        afterSeq: claim.eventCursor,
        limit: maxEvents,
      });
    } catch (error) {
      report.failures.push({
        stage: 'store',
        operation: 'readEvents',
        customerId: claim.customerId,
        message: messageOf(error),
      });
      return 'stop';
    }
    const planned = planCustomer(claim, events, now, report);
    if (planned === null) return 'ok';
    let result: CommitResult;
    try {
      result = await store.commit({
        customerId: claim.customerId,
        expectedVersion: claim.version,
        state: planned.state as unknown as JsonValue,
        wakeAt: planned.wakeAt,
        eventCursor: planned.cursor,
        enqueue: planned.actions,
        cancel: planned.cancel,
        now,
        owner: workerId,
      });
    } catch (error) {
      if (error instanceof RetentionError && error.code === 'conflict') {
        report.conflicts++;
        emitter.emit('conflict', { customerId: claim.customerId });
        return 'ok';
      }
      report.failures.push({
        stage: 'store',
        operation: 'commit',
        customerId: claim.customerId,
        message: messageOf(error),
      });
      return 'stop';
    }
    committed(claim.customerId, planned, result, report);
    return 'ok';
  };

  type MutableEvaluate = {
    evaluated: number;
    conflicts: number;
    planned: number;
    cancelled: number;
    failures: EngineFailure[];
  };
  type MutableDeliver = {
    delivered: number;
    retried: number;
    dead: number;
    lostLeases: number;
    failures: EngineFailure[];
  };

  /**
   * Claims work in batches (at most `limit` items in all) and handles each batch `concurrency`
   * at a time, until a claim comes back empty or fails, a handler says stop, or `giveUp` says the
   * batch just handled shows an outage.
   */
  const drain = async <T>(
    limit: number,
    claim: (n: number) => Promise<T[]>,
    onClaimError: (error: unknown) => void,
    handle: (item: T) => Promise<'ok' | 'stop'>,
    giveUp: (batch: readonly T[]) => boolean = () => false,
  ): Promise<void> => {
    let claimedTotal = 0;
    let stopped = false;
    while (!stopped && claimedTotal < limit) {
      let batch: T[];
      try {
        batch = await claim(Math.min(batchSize, limit - claimedTotal));
      } catch (error) {
        onClaimError(error);
        break;
      }
      if (batch.length === 0) break;
      claimedTotal += batch.length;
      if (await pool(batch, concurrency, handle)) stopped = true;
      if (giveUp(batch)) break;
    }
  };

  const evaluate = async (opts: TickOptions = {}): Promise<EvaluateReport> => {
    const now = nowOf(opts.now);
    const report: MutableEvaluate = {
      evaluated: 0,
      conflicts: 0,
      planned: 0,
      cancelled: 0,
      failures: [],
    };
    await drain(
      opts.limit ?? Number.POSITIVE_INFINITY,
      (n) => store.claimDueCustomers({ now, limit: n, owner: workerId, leaseMs }),
      (error) =>
        report.failures.push({
          stage: 'store',
          operation: 'claimDueCustomers',
          message: messageOf(error),
        }),
      (claim) => evaluateCustomer(claim, now, report),
    );
    for (const f of report.failures) emitter.emit('failure', f);
    return report;
  };

  const deliverOne = async (
    entry: OutboxEntry,
    now: number,
    report: MutableDeliver,
  ): Promise<'ok' | 'stop'> => {
    const { action } = entry;
    try {
      await delivery.send(action, { idempotencyKey: action.key, attempt: entry.attempts });
    } catch (error) {
      const message = messageOf(error);
      const permanent =
        error instanceof PermanentDeliveryError || entry.attempts >= retry.maxAttempts;
      const retryAt = permanent ? null : now + backoff(action.key, entry.attempts);
      report.failures.push({
        stage: 'delivery',
        operation: 'send',
        customerId: action.customerId,
        key: action.key,
        message,
      });
      try {
        const ok = await store.failAction(action.key, workerId, { now, error: message, retryAt });
        if (!ok) report.lostLeases++;
      } catch (storeError) {
        report.failures.push({
          stage: 'store',
          operation: 'failAction',
          key: action.key,
          message: messageOf(storeError),
        });
        return 'stop';
      }
      if (retryAt === null) {
        report.dead++;
        emitter.emit('action:dead', { action, attempt: entry.attempts, error: message });
      } else {
        report.retried++;
        emitter.emit('action:failed', { action, attempt: entry.attempts, error: message, retryAt });
      }
      return 'ok';
    }
    try {
      const ok = await store.completeAction(action.key, workerId, { now });
      if (!ok) report.lostLeases++;
    } catch (error) {
      // Delivered but not recorded: the lease lapses and the action is delivered again, with the
      // same idempotency key for the provider to deduplicate.
      report.failures.push({
        stage: 'store',
        operation: 'completeAction',
        key: action.key,
        message: messageOf(error),
      });
      return 'stop';
    }
    report.delivered++;
    emitter.emit('action:delivered', { action, attempt: entry.attempts });
    return 'ok';
  };

  const deliver = async (opts: TickOptions = {}): Promise<DeliverReport> => {
    const now = nowOf(opts.now);
    const report: MutableDeliver = {
      delivered: 0,
      retried: 0,
      dead: 0,
      lostLeases: 0,
      failures: [],
    };
    await drain(
      opts.limit ?? Number.POSITIVE_INFINITY,
      (n) => store.claimActions({ now, limit: n, owner: workerId, leaseMs }),
      (error) =>
        report.failures.push({
          stage: 'store',
          operation: 'claimActions',
          message: messageOf(error),
        }),
      (entry) => deliverOne(entry, now, report),
      // A delivery outage: stop after a batch in which nothing got through.
      (entries) =>
        report.delivered === 0 &&
        report.retried + report.dead >= entries.length &&
        entries.length >= concurrency,
    );
    for (const f of report.failures) emitter.emit('failure', f);
    return report;
  };

  const ingestValidated = async (events: readonly NormalizedActivityEvent[], now: number) => {
    let inserted = 0;
    let duplicates = 0;
    for (let i = 0; i < events.length; i += 1000) {
      const r = await store.appendEvents(events.slice(i, i + 1000), { now });
      inserted += r.inserted;
      duplicates += r.duplicates;
    }
    return { inserted, duplicates };
  };

  const engine = emitter as RetentionEngine;
  Object.assign(engine, {
    workerId,
    async ingest(events: Iterable<ActivityEvent>, opts: { readonly now?: InstantInput } = {}) {
      const parsed = parseRecords(activityEventSchema(), events, 'events');
      return ingestValidated(parsed, nowOf(opts.now));
    },
    async ingestCustomers(
      customers: Iterable<Customer>,
      opts: { readonly now?: InstantInput } = {},
    ) {
      const now = nowOf(opts.now);
      const parsed = parseRecords(customerSchema(), customers, 'customers');
      const events = parsed.map((c) => {
        const properties = {
          signedUpAt: c.signedUpAt,
          timeZone: c.timeZone,
          attributes: c.attributes,
        };
        return {
          id: `rk-profile:${idempotencyKey([c.id, JSON.stringify(properties)])}`,
          customerId: c.id,
          type: PROFILE_EVENT,
          at: now,
          properties,
        };
      });
      return ingestValidated(events, now);
    },
    async ingestSubscriptions(
      subscriptions: Iterable<Subscription>,
      opts: { readonly now?: InstantInput } = {},
    ) {
      const now = nowOf(opts.now);
      const parsed = parseRecords(subscriptionSchema(), subscriptions, 'subscriptions');
      const events = parsed.map((sub) => {
        const text = JSON.stringify(sub);
        const subscription = JSON.parse(text) as JsonValue;
        return {
          id: `rk-subscription:${idempotencyKey([sub.id, text])}`,
          customerId: sub.customerId,
          type: SUBSCRIPTION_EVENT,
          at: now,
          properties: { subscription },
        };
      });
      return ingestValidated(events, now);
    },
    async ingestPayments(
      payments: Iterable<PaymentAttempt>,
      opts: { readonly now?: InstantInput } = {},
    ) {
      const parsed = parseRecords(paymentAttemptSchema(), payments, 'payments');
      const events = parsed.map((p) => ({
        id: `rk-payment:${p.id}`,
        customerId: p.customerId,
        type: p.outcome === 'failed' ? PAYMENT_EVENTS.failed : PAYMENT_EVENTS.succeeded,
        at: p.at,
        properties: {
          paymentId: p.id,
          amount: p.amount,
          currency: p.currency,
          ...(p.subscriptionId === undefined ? {} : { subscriptionId: p.subscriptionId }),
          ...(p.declineCode === undefined ? {} : { declineCode: p.declineCode }),
          ...(p.attempt === undefined ? {} : { attempt: p.attempt }),
        },
      }));
      return ingestValidated(events, nowOf(opts.now));
    },
    evaluate,
    deliver,
    async tick(opts: TickOptions = {}): Promise<TickReport> {
      const now = nowOf(opts.now);
      const e = await evaluate({ ...opts, now });
      const d = await deliver({ ...opts, now });
      return {
        now,
        evaluate: e,
        deliver: d,
        ok: e.failures.length === 0 && d.failures.length === 0,
      };
    },
  });
  return engine;
}
