import type { StoredEvent } from '../../adapters/types';
import type { PlannedAction } from '../../core/action';
import type { DurationInput } from '../../core/duration';
import type { Subscription } from '../../core/records';
import type { JsonValue } from '../../core/validate';
import {
  type DunningCampaign,
  type DunningEvent,
  type DunningPolicy,
  type DunningState,
  type PlanDunningOptions,
  planDunning,
} from '../../dunning/index';
import type { EnginePlanner, EngineSignal } from '../types';

/**
 * The event type `RetentionEngine.ingestSubscriptions` writes: one per changed subscription
 * snapshot, with the subscription under `properties.subscription`.
 *
 * @example
 * SUBSCRIPTION_EVENT
 * //=> 'subscription_updated'
 *
 * @category engine
 */
export const SUBSCRIPTION_EVENT = 'subscription_updated';
/**
 * The event types `RetentionEngine.ingestPayments` writes for failed and successful charges;
 * the dunning planner reads them (and `payment_method_updated`, written by you).
 *
 * @example
 * [PAYMENT_EVENTS.failed, PAYMENT_EVENTS.succeeded]
 * //=> ['payment_failed', 'payment_succeeded']
 *
 * @category engine
 */
export const PAYMENT_EVENTS = { failed: 'payment_failed', succeeded: 'payment_succeeded' } as const;

/**
 * One subscription in the dunning planner's state: its latest snapshot and its dunning state.
 *
 * @category engine
 */
export interface DunningPlannerEntry {
  readonly subscription: Subscription;
  readonly state: DunningState;
}

/**
 * The dunning planner's state for one customer: each subscription's latest snapshot and dunning
 * state, in subscription id order. (A list rather than an object keyed by subscription id: every
 * customer's ids are different, and objects whose keys differ from customer to customer are slow
 * to build and to copy in JavaScript engines.)
 *
 * @category engine
 */
export interface DunningPlannerState {
  readonly subscriptions: readonly DunningPlannerEntry[];
}

/**
 * Options of {@link dunningPlanner}.
 *
 * @category engine
 */
export interface DunningPlannerOptions {
  /**
   * Plan actions only this far ahead; the planner wakes the customer to plan the rest.
   * @defaultValue `'1d'`
   */
  readonly horizon?: DurationInput;
  /** Earlier policy versions that campaigns in flight may still follow. @defaultValue `[]` */
  readonly policies?: readonly DunningPolicy[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function isRecord(value: JsonValue | undefined): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A payment event's dunning form, or `null` when it does not concern `subscriptionId`. */
function dunningEventOf(
  e: StoredEvent,
  subscriptionId: string,
  only: boolean,
): DunningEvent | null {
  const p = e.properties;
  const forThis = p.subscriptionId === subscriptionId || (p.subscriptionId === undefined && only);
  if (e.type === 'payment_method_updated')
    return forThis || p.subscriptionId === undefined
      ? { type: 'payment_method_updated', at: e.at }
      : null;
  if (!forThis || typeof p.amount !== 'number' || typeof p.currency !== 'string') return null;
  if (e.type === PAYMENT_EVENTS.failed) {
    return {
      type: 'payment_failed',
      at: e.at,
      amount: p.amount,
      currency: p.currency,
      ...(typeof p.declineCode === 'string' ? { declineCode: p.declineCode } : {}),
      ...(typeof p.invoiceId === 'string' ? { invoiceId: p.invoiceId } : {}),
    };
  }
  if (e.type === PAYMENT_EVENTS.succeeded) {
    return {
      type: 'payment_succeeded',
      at: e.at,
      amount: p.amount,
      currency: p.currency,
      ...(typeof p.invoiceId === 'string' ? { invoiceId: p.invoiceId } : {}),
    };
  }
  return null;
}

/**
 * Runs dunning for each customer's subscriptions: keeps each subscription's latest snapshot
 * (`subscription_updated` events, written by `ingestSubscriptions`), feeds payment events
 * (`payment_failed`, `payment_succeeded`, written by `ingestPayments`, and
 * `payment_method_updated`) to `planDunning`, and plans reminders, retries, notices and the
 * final action in the customer's time zone. Each campaign that closes (recovered, or ended by its
 * final action) becomes a `dunning_closed` signal carrying the campaign, for recovery metrics.
 *
 * @param policy - A policy from `defineDunningPolicy`.
 * @param options - See {@link DunningPlannerOptions}.
 * @returns The planner, named `'dunning'`.
 *
 * @example
 * const policy = defineDunningPolicy({
 *   id: 'standard', version: 1, billing: { interval: 'month' },
 *   updatePaymentUrl: 'https://example.com/billing',
 *   retries: { schedule: ['1d', '3d', '5d', '7d'], window: '14d' },
 *   finalAction: { type: 'cancel' },
 * });
 * const planner = dunningPlanner(policy);
 * const sub = { id: 's1', customerId: 'c1', plan: 'team', status: 'active', billingInterval: 'month', amount: 9900, currency: 'USD',
 *   startedAt: Date.UTC(2026, 0, 10), currentPeriodEnd: Date.UTC(2026, 5, 10) };
 * const r = planner.plan(undefined, {
 *   customerId: 'c1', now: Date.UTC(2026, 5, 2, 12), signals: [],
 *   profile: { customerId: 'c1', signedUpAt: Date.UTC(2026, 0, 10), timeZone: 'UTC', attributes: {} },
 *   events: [{ id: 'u1', seq: 1, customerId: 'c1', type: 'subscription_updated', at: Date.UTC(2026, 5, 2), properties: { subscription: sub } }],
 * });
 * r.actions.map((a) => a.source.step)
 * //=> ['pre-charge-7d']
 *
 * @category engine
 */
export function dunningPlanner(
  policy: DunningPolicy,
  options: DunningPlannerOptions = {},
): EnginePlanner<DunningPlannerState | null> {
  const horizon = options.horizon ?? '1d';
  return {
    name: 'dunning',
    plan(prior, { events, profile, now }) {
      let entries = entriesOf(prior);
      // an updated snapshot replaces the entry's (the last one wins); a new subscription joins in
      // id order with no dunning state yet
      let updated: Map<string, Subscription> | null = null;
      for (const e of events) {
        const sub = e.properties.subscription;
        if (e.type === SUBSCRIPTION_EVENT && isRecord(sub) && typeof sub.id === 'string') {
          updated ??= new Map();
          updated.set(sub.id, sub as unknown as Subscription);
        }
      }
      if (updated !== null) entries = withSnapshots(entries, updated);
      const next: DunningPlannerEntry[] = [];
      const actions: PlannedAction[] = [];
      const cancel: string[] = [];
      const signals: EngineSignal[] = [];
      let wakeAt: number | null = null;
      for (const { subscription, state } of entries) {
        const id = subscription.id;
        const dunningEvents: DunningEvent[] = [];
        for (const e of events) {
          const d = dunningEventOf(e, id, entries.length === 1);
          if (d !== null) dunningEvents.push(d);
        }
        // built by assignment rather than spreads: one object shape, no copying of literals
        const planOptions: Mutable<PlanDunningOptions> = {
          now,
          events: dunningEvents,
          timeZone: profile.timeZone,
          horizon,
        };
        if (state !== null) planOptions.state = state;
        if (options.policies !== undefined) planOptions.policies = options.policies;
        const plan = planDunning(subscription, policy, planOptions);
        next.push({ subscription, state: plan.state });
        actions.push(...plan.actions);
        cancel.push(...plan.cancel);
        if (plan.nextWakeUpAt !== null && (wakeAt === null || plan.nextWakeUpAt < wakeAt))
          wakeAt = plan.nextWakeUpAt;
        for (const c of plan.closed) signals.push(closedSignal(id, c, now));
      }
      return { state: { subscriptions: next }, actions, cancel, wakeAt, signals };
    },
  };
}

/** An entry as the planner reads it: the dunning state is `null` before the first plan. */
interface Entry {
  readonly subscription: Subscription;
  readonly state: DunningState | null;
}

/**
 * The entries of a prior state, in id order. A state written before entries became a list (an
 * object of snapshots and one of dunning states, both keyed by subscription id) is read too.
 */
function entriesOf(prior: DunningPlannerState | null | undefined): readonly Entry[] {
  if (prior === null || prior === undefined) return [];
  if (Array.isArray(prior.subscriptions)) return prior.subscriptions;
  const earlier = prior as unknown as {
    readonly subscriptions?: Readonly<Record<string, Subscription>>;
    readonly dunning?: Readonly<Record<string, DunningState>>;
  };
  const snapshots = earlier.subscriptions ?? {};
  const states = earlier.dunning ?? {};
  return Object.keys(snapshots)
    .sort()
    .map((id) => ({ subscription: snapshots[id]!, state: states[id] ?? null }));
}

/** `entries` with `updated` snapshots replacing theirs or added, in id order. */
function withSnapshots(
  entries: readonly Entry[],
  updated: ReadonlyMap<string, Subscription>,
): readonly Entry[] {
  const byId = new Map<string, Entry>();
  for (const entry of entries) byId.set(entry.subscription.id, entry);
  for (const [id, subscription] of updated)
    byId.set(id, { subscription, state: byId.get(id)?.state ?? null });
  return [...byId.values()].sort((a, b) =>
    a.subscription.id < b.subscription.id ? -1 : a.subscription.id > b.subscription.id ? 1 : 0,
  );
}

function closedSignal(
  subscriptionId: string,
  campaign: DunningCampaign,
  now: number,
): EngineSignal {
  return {
    type: 'dunning_closed',
    at: now,
    data: JSON.parse(JSON.stringify({ subscriptionId, campaign })) as Record<string, JsonValue>,
  };
}
