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
 * The dunning planner's state for one customer: the latest snapshot of each subscription and
 * each subscription's dunning state.
 *
 * @category engine
 */
export interface DunningPlannerState {
  readonly subscriptions: Readonly<Record<string, Subscription>>;
  readonly dunning: Readonly<Record<string, DunningState>>;
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
      const subscriptions: Record<string, Subscription> = { ...(prior?.subscriptions ?? {}) };
      const states: Record<string, DunningState> = { ...(prior?.dunning ?? {}) };
      for (const e of events) {
        const sub = e.properties.subscription;
        if (e.type === SUBSCRIPTION_EVENT && isRecord(sub) && typeof sub.id === 'string') {
          subscriptions[sub.id] = sub as unknown as Subscription;
        }
      }
      const ids = Object.keys(subscriptions).sort();
      const actions: PlannedAction[] = [];
      const cancel: string[] = [];
      const signals: EngineSignal[] = [];
      let wakeAt: number | null = null;
      for (const id of ids) {
        const dunningEvents: DunningEvent[] = [];
        for (const e of events) {
          const d = dunningEventOf(e, id, ids.length === 1);
          if (d !== null) dunningEvents.push(d);
        }
        const plan = planDunning(subscriptions[id]!, policy, {
          now,
          ...(states[id] === undefined ? {} : { state: states[id] }),
          events: dunningEvents,
          timeZone: profile.timeZone,
          horizon,
          ...(options.policies === undefined ? {} : { policies: options.policies }),
        });
        states[id] = plan.state;
        actions.push(...plan.actions);
        cancel.push(...plan.cancel);
        if (plan.nextWakeUpAt !== null && (wakeAt === null || plan.nextWakeUpAt < wakeAt))
          wakeAt = plan.nextWakeUpAt;
        for (const c of plan.closed) signals.push(closedSignal(id, c, now));
      }
      return { state: { subscriptions, dunning: states }, actions, cancel, wakeAt, signals };
    },
  };
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
