import * as z from 'zod';
import type { PlannedAction } from '../core/action';
import {
  type Duration,
  type DurationInput,
  parseDuration,
  shiftByDuration,
} from '../core/duration';
import { describeType, failInput } from '../core/errors';
import { type Instant, type InstantInput, isEpochMs, toInstant } from '../core/instant';
import { lazy } from '../core/lazy';
import { isCurrencyCode } from '../core/money';
import type {
  BillingInterval,
  CardExpiry,
  PaymentAttempt,
  Subscription,
  SubscriptionStatus,
} from '../core/records';
import { isValidTimeZone, toTimeZone } from '../core/timeZone';
import { issueParams, parseInput, zCurrency, zId, zInstant, zMinorUnits } from '../core/validate';
import { applyEvents } from './campaign';
import type { DeclineClass, DeclineReason } from './classifyDecline';
import {
  type AccessLevel,
  type DunningPolicy,
  type DunningPolicyDefinition,
  defineDunningPolicy,
} from './defineDunningPolicy';
import {
  type CompiledPolicy,
  cachedCompiled,
  compilePolicy,
  minPeriodMs,
  rememberCompiled,
} from './policyInternals';
import { checkState } from './readState';
import { buildPlan } from './timeline';

/**
 * A charge failed. `declineCode` is classified with {@link classifyDecline}; `invoiceId` tells a
 * retry of the same invoice from the failure of a new one (without it, a failure at or after the
 * next scheduled charge counts as a new charge).
 *
 * @category dunning
 */
export interface PaymentFailedEvent {
  readonly type: 'payment_failed';
  readonly at: InstantInput;
  /** The amount that failed, in integer minor units. */
  readonly amount: number;
  readonly currency: string;
  readonly declineCode?: string;
  readonly invoiceId?: string;
}

/**
 * A payment went through. A payment of less than what is owed is a partial payment: the campaign
 * goes on for the rest, with the retry schedule counted again from this moment.
 *
 * @category dunning
 */
export interface PaymentSucceededEvent {
  readonly type: 'payment_succeeded';
  readonly at: InstantInput;
  readonly amount: number;
  readonly currency: string;
  readonly invoiceId?: string;
  /**
   * Who made it happen: an automatic `'retry'`, or the `'customer'` (paying by hand, or the retry
   * that followed their card update). @defaultValue `'customer'` when it answers a retry the
   * customer triggered by updating the card, `'retry'` otherwise
   */
  readonly initiatedBy?: 'retry' | 'customer';
}

/**
 * The customer updated their payment details: every open campaign retries at once.
 *
 * @category dunning
 */
export interface PaymentMethodUpdatedEvent {
  readonly type: 'payment_method_updated';
  readonly at: InstantInput;
}

/**
 * Moves campaigns in flight (of one currency, or all) to the policy passed to
 * {@link planDunning}. Without it, a campaign keeps the policy version it started with.
 *
 * @category dunning
 */
export interface PolicyMigratedEvent {
  readonly type: 'policy_migrated';
  readonly at: InstantInput;
  readonly currency?: string;
}

/**
 * What moves a dunning campaign forward.
 *
 * @category dunning
 */
export type DunningEvent =
  | PaymentFailedEvent
  | PaymentSucceededEvent
  | PaymentMethodUpdatedEvent
  | PolicyMigratedEvent;

/**
 * One failed charge attempt, as a campaign remembers it.
 *
 * @category dunning
 */
export interface DunningAttempt {
  readonly at: Instant;
  /** The first charge, an automatic retry, or a retry the customer triggered by updating the card. */
  readonly by: 'charge' | 'retry' | 'customer';
  /** The retry round it belongs to (see {@link DunningCampaign.round}). */
  readonly round: number;
  readonly code: string | null;
  readonly class: DeclineClass;
  readonly reason: DeclineReason;
}

/**
 * The dunning of one subscription in one currency: from the first failed charge until it is paid
 * (`'recovered'`) or the final action is due (`'final_action'`). Plain JSON, part of
 * {@link DunningState}; closed campaigns are also the records {@link dunningMetrics} reads.
 *
 * @category dunning
 */
export interface DunningCampaign {
  /** Stable id: subscription, currency and the first failed invoice (or instant). Idempotency keys derive from it. */
  readonly id: string;
  readonly currency: string;
  /** The policy and version the campaign follows (until a `policy_migrated` event). */
  readonly policyId: string;
  readonly policyVersion: number;
  readonly status: 'open' | 'recovered' | 'final_action';
  /** The first failed charge still unpaid: stages and the final action count from it. */
  readonly startedAt: Instant;
  readonly finalActionAt: Instant;
  readonly closedAt: Instant | null;
  /** Who paid the last of it, for a recovered campaign. */
  readonly recoveredBy: 'retry' | 'customer' | null;
  /** Everything that failed during the campaign, in minor units. */
  readonly amountFailed: number;
  /** What is still owed. */
  readonly amountDue: number;
  /** Paid since, split by who made it happen. */
  readonly recoveredByRetries: number;
  readonly recoveredByCustomer: number;
  /** Invoices whose charges failed, oldest first (when events name them). */
  readonly invoiceIds: readonly string[];
  /** Failed charges during the campaign: 1, or more when a later invoice fails too. */
  readonly charge: number;
  /** Retry rounds: each new failed charge and each partial payment starts one. */
  readonly round: number;
  /** When the current charge first failed: the retry window counts from it. */
  readonly chargeFailedAt: Instant;
  /** Retry offsets count from here: the current charge's failure, or the last partial payment. */
  readonly anchorAt: Instant;
  /** Every retry is strictly before this: the retry window, cut at the next charge. */
  readonly windowEnd: Instant;
  readonly nextChargeAt: Instant;
  /** Failed attempts of the current charge, in time order. */
  readonly attempts: readonly DunningAttempt[];
  /** Payment-method updates during the campaign. */
  readonly updates: number;
  /** A retry the customer triggered by updating the card, whose outcome is not known yet. */
  readonly retryOnUpdateAt: Instant | null;
}

/**
 * Everything {@link planDunning} needs to remember about one subscription, as a small JSON value
 * the caller stores and passes back with the next call.
 *
 * @category dunning
 */
export interface DunningState {
  /** The layout of this value. */
  readonly format: 1;
  readonly subscriptionId: string;
  /** The `now` of the call that produced it. */
  readonly plannedAt: Instant | null;
  /** The time of the last event applied; events must not go back before it. */
  readonly lastEventAt: Instant | null;
  /** At most one campaign per currency (open, or the last one closed), sorted by currency. */
  readonly campaigns: readonly DunningCampaign[];
  /** Planned actions not yet due at `plannedAt`, so that a later plan can cancel them. */
  readonly pending: readonly { readonly key: string; readonly dueAt: Instant }[];
}

/**
 * The kind of a planned step.
 *
 * @category dunning
 */
export type DunningStepKind =
  | 'pre_charge_reminder'
  | 'card_expiry_reminder'
  | 'payment_failed'
  | 'action_required'
  | 'retry'
  | 'last_attempt'
  | 'stage'
  | 'final_notice'
  | 'final_action'
  | 'recovered';

/**
 * One step of a dunning timeline: a customer message, a retry, a stage change or the final
 * action, as a {@link PlannedAction} with its idempotency key.
 *
 * @category dunning
 */
export interface DunningStep {
  readonly kind: DunningStepKind;
  readonly dueAt: Instant;
  /** The campaign it belongs to; `null` for reminders. */
  readonly campaignId: string | null;
  readonly currency: string;
  readonly action: PlannedAction;
}

/**
 * What {@link planDunning} returns.
 *
 * @category dunning
 */
export interface DunningPlan {
  /** Store it; pass it back as `options.state` next time. */
  readonly state: DunningState;
  /**
   * The timeline: every step due from the previous call's `now` (or from the earliest event of
   * this call) on (up to `now + horizon` when one is given), in time order. Within a campaign, and
   * among reminders, no two steps share an instant.
   */
  readonly steps: readonly DunningStep[];
  /** The steps' actions, for an outbox keyed by `key`. */
  readonly actions: readonly PlannedAction[];
  /**
   * Keys of actions an earlier plan returned, due after the first event of this call (or after
   * `now`), that are no longer wanted. Cancelling one already delivered is a no-op.
   */
  readonly cancel: readonly string[];
  /** When to plan again without new events: the first step after `now` (listed or beyond the horizon); `null` when none. */
  readonly nextWakeUpAt: Instant | null;
  /** The customer's access at `now`: the most restrictive over the campaigns. */
  readonly access: AccessLevel;
  /** Campaigns that closed during this call (recovered or final action), for {@link dunningMetrics}. */
  readonly closed: readonly DunningCampaign[];
}

/**
 * Options of {@link planDunning}.
 *
 * @category dunning
 */
export interface PlanDunningOptions {
  /** The current time. Nothing reads the clock. */
  readonly now: InstantInput;
  /** The state returned by the previous call. @defaultValue a new state */
  readonly state?: DunningState;
  /** Events since the previous call, in time order (not after `now`). @defaultValue `[]` */
  readonly events?: readonly DunningEvent[];
  /** The customer's IANA time zone, for local send times and business days. @defaultValue `'UTC'` */
  readonly timeZone?: string;
  /** A link that replaces the policy's `updatePaymentUrl` (for a signed, per-customer link). @defaultValue the policy's */
  readonly updatePaymentUrl?: string;
  /** Earlier policies that campaigns in flight may still follow (matched by id and version). @defaultValue `[]` */
  readonly policies?: readonly DunningPolicy[];
  /**
   * Plan actions only up to `now + horizon` (`'1d'`): later steps are left out (and get their
   * keys) when a later call reaches them; `nextWakeUpAt` still names the first of them. For an
   * engine that plans again at every wake-up, this skips the work for steps weeks away.
   * @defaultValue no limit: the whole timeline
   */
  readonly horizon?: DurationInput;
}

/** The subscription fields the planner reads, checked. @internal */
export interface SubscriptionView {
  readonly id: string;
  readonly customerId: string;
  readonly plan: string;
  readonly status: SubscriptionStatus;
  readonly interval: BillingInterval;
  readonly intervalCount: number;
  readonly amount: number;
  readonly currency: string;
  readonly currentPeriodEnd: Instant;
  readonly canceled: boolean;
  readonly card: CardExpiry | null;
}

/** A validated event, instants in epoch milliseconds. @internal */
export type NormalizedEvent =
  | (Omit<PaymentFailedEvent, 'at'> & { readonly at: Instant })
  | (Omit<PaymentSucceededEvent, 'at'> & { readonly at: Instant })
  | (Omit<PaymentMethodUpdatedEvent, 'at'> & { readonly at: Instant })
  | (Omit<PolicyMigratedEvent, 'at'> & { readonly at: Instant });

/** Everything a plan is computed from. @internal */
export interface PlanContext {
  readonly fn: string;
  readonly sub: SubscriptionView;
  readonly current: CompiledPolicy;
  /** Earlier policies that campaigns in flight may follow (see `policyFor`). */
  readonly earlier: readonly CompiledPolicy[];
  readonly timeZone: string;
  readonly now: Instant;
  readonly urlOverride: string | null;
}

const FN = 'planDunning';
const NO_POLICIES: readonly CompiledPolicy[] = [];
const NO_EVENTS: readonly DunningEvent[] = [];
/** Shared by every call without events; never written to (the loop below does not run). */
const NO_NORMALIZED: NormalizedEvent[] = [];
const EVENT_TYPES: readonly DunningEvent['type'][] = [
  'payment_failed',
  'payment_succeeded',
  'payment_method_updated',
  'policy_migrated',
];
/** A subscription status (a switch: no array search per subscription). */
function isStatus(status: unknown): boolean {
  switch (status) {
    case 'active':
    case 'trialing':
    case 'past_due':
    case 'unpaid':
    case 'paused':
    case 'canceled':
      return true;
    default:
      return false;
  }
}

/** A billing interval (see {@link isStatus}). */
function isInterval(interval: unknown): boolean {
  switch (interval) {
    case 'month':
    case 'year':
    case 'week':
    case 'quarter':
    case 'day':
      return true;
    default:
      return false;
  }
}

/** The last currency code checked: a billing base has one or a few. */
let lastCurrency = '';

/** Where a subscription field sits, for error messages. */
function at(path: string) {
  return { fn: FN, path: [path], root: 'subscription' };
}

function requiredString(key: 'id' | 'customerId' | 'plan'): never {
  return failInput(at(key), { code: 'required', path: [], expected: 'a non-empty string' });
}

function readSubscription(s: Subscription): SubscriptionView {
  if (typeof s !== 'object' || s === null)
    failInput(
      { fn: FN, root: 'subscription' },
      { code: 'invalid_type', path: [], expected: 'a subscription', received: describeType(s) },
    );
  // each field read once, by name: subscriptions of many shapes (from several sources) make
  // every read a generic lookup, which the compiler cannot merge with a second one
  const { id, customerId, plan, status, billingInterval, amount, currency, canceledAt } = s;
  if (typeof id !== 'string' || id === '') requiredString('id');
  if (typeof customerId !== 'string' || customerId === '') requiredString('customerId');
  if (typeof plan !== 'string' || plan === '') requiredString('plan');
  if (!isStatus(status))
    failInput(at('status'), { code: 'invalid_enum', path: [], received: describeType(status) });
  if (!isInterval(billingInterval))
    failInput(at('billingInterval'), {
      code: 'invalid_enum',
      path: [],
      received: describeType(billingInterval),
    });
  const count = s.intervalCount ?? 1;
  if (!(Number.isInteger(count) && count >= 1 && count <= 1000))
    failInput(at('intervalCount'), {
      code: 'out_of_range',
      path: [],
      expected: 'an integer 1-1000',
    });
  if (!(Number.isSafeInteger(amount) && amount >= 0))
    failInput(at('amount'), {
      code: 'invalid_amount',
      path: [],
      expected: 'an integer number of minor units >= 0',
      received: describeType(amount),
    });
  if (currency !== lastCurrency && !isCurrencyCode(currency))
    failInput(at('currency'), {
      code: 'invalid_currency',
      path: [],
      expected: "three upper-case letters, e.g. 'USD'",
      received: describeType(currency),
    });
  lastCurrency = currency;
  // epoch milliseconds need no conversion, and no error location built in advance
  const end = s.currentPeriodEnd;
  const currentPeriodEnd = isEpochMs(end) ? end : toInstant(end, at('currentPeriodEnd'));
  if (canceledAt !== undefined && !isEpochMs(canceledAt)) toInstant(canceledAt, at('canceledAt'));
  let card: CardExpiry | null = null;
  const cardIn = s.card;
  if (cardIn !== undefined) {
    const { expMonth, expYear } = cardIn;
    if (!(Number.isInteger(expMonth) && expMonth >= 1 && expMonth <= 12))
      failInput(
        { fn: FN, path: ['card', 'expMonth'], root: 'subscription' },
        { code: 'out_of_range', path: [], expected: 'a month 1-12' },
      );
    if (!(Number.isInteger(expYear) && expYear >= 2000 && expYear <= 2200))
      failInput(
        { fn: FN, path: ['card', 'expYear'], root: 'subscription' },
        { code: 'out_of_range', path: [], expected: 'a four-digit year' },
      );
    card = { expMonth, expYear };
  }
  return {
    id,
    customerId,
    plan,
    status,
    interval: billingInterval,
    intervalCount: count,
    amount,
    currency,
    currentPeriodEnd,
    canceled: canceledAt !== undefined || status === 'canceled',
    card,
  };
}

const eventSchema = /* @__PURE__ */ lazy(() => {
  const amount = zMinorUnits().refine(
    (v) => v > 0,
    issueParams('out_of_range', { expected: '> 0' }),
  );
  return z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('payment_failed'),
      at: zInstant(),
      amount,
      currency: zCurrency(),
      declineCode: z.string().max(128).optional(),
      invoiceId: zId().optional(),
    }),
    z.strictObject({
      type: z.literal('payment_succeeded'),
      at: zInstant(),
      amount,
      currency: zCurrency(),
      invoiceId: zId().optional(),
      initiatedBy: z.enum(['retry', 'customer']).optional(),
    }),
    z.strictObject({ type: z.literal('payment_method_updated'), at: zInstant() }),
    z.strictObject({
      type: z.literal('policy_migrated'),
      at: zInstant(),
      currency: zCurrency().optional(),
    }),
  ]);
});

function readState(state: DunningState, subscriptionId: string): DunningState {
  const parsed = checkState(state);
  if (parsed.subscriptionId !== subscriptionId)
    failInput(
      { fn: FN, path: ['state', 'subscriptionId'], root: 'options' },
      { code: 'invalid_value', path: [], detail: 'the state belongs to another subscription' },
    );
  return parsed;
}

/** The last horizon parsed: an engine passes the same one on every call. */
let lastHorizon: { readonly input: DurationInput; readonly parsed: Duration } | undefined;

function horizonOf(input: DurationInput): Duration {
  if (lastHorizon !== undefined && lastHorizon.input === input) return lastHorizon.parsed;
  const parsed = parseDuration(input, { fn: FN, path: ['horizon'], root: 'options' });
  if (typeof input !== 'object') lastHorizon = { input, parsed };
  return parsed;
}

function compiledFor(policy: DunningPolicy, path: (string | number)[]): CompiledPolicy {
  if (typeof policy === 'object' && policy !== null) {
    const hit = cachedCompiled(policy);
    if (hit !== undefined) return hit;
  } else {
    failInput(
      { fn: FN, path, root: '' },
      {
        code: 'invalid_type',
        path: [],
        expected: 'a policy from defineDunningPolicy',
        received: describeType(policy),
      },
    );
  }
  // A policy stored as JSON and read back: validate it again (it is a valid definition).
  const compiled = compilePolicy(defineDunningPolicy(policy as unknown as DunningPolicyDefinition));
  rememberCompiled(policy, compiled);
  return compiled;
}

/**
 * Turns a payment attempt record (as the billing simulator or your processor's webhooks give
 * them) into a {@link DunningEvent}.
 *
 * @param payment - A payment attempt.
 * @returns A `payment_failed` or `payment_succeeded` event with the same instant, amount and
 * currency (and decline code).
 *
 * @example
 * toDunningEvent({ id: 'pa_1', customerId: 'cus_1', at: 0, amount: 900, currency: 'USD', outcome: 'failed', declineCode: 'insufficient_funds' })
 * //=> { type: 'payment_failed', at: 0, amount: 900, currency: 'USD', declineCode: 'insufficient_funds' }
 *
 * @category dunning
 */
export function toDunningEvent(payment: PaymentAttempt): DunningEvent {
  if (payment.outcome === 'failed')
    return {
      type: 'payment_failed',
      at: payment.at,
      amount: payment.amount,
      currency: payment.currency,
      ...(payment.declineCode === undefined ? {} : { declineCode: payment.declineCode }),
    };
  return {
    type: 'payment_succeeded',
    at: payment.at,
    amount: payment.amount,
    currency: payment.currency,
  };
}

/**
 * Plans the dunning of one subscription: reminders before its next charge (or card-expiry
 * reminders when the card on file expires first), and for each currency with a failed charge a
 * campaign of retries, customer messages, overdue stages and the final action. Every step is a
 * {@link PlannedAction} with a deterministic idempotency key.
 *
 * State, events and `now` go in; the new state, the steps, the keys to cancel and the time to
 * plan again come out. The function is pure: the same subscription, policy, state, events and
 * `now` give the same plan, and nothing passed in is changed.
 *
 * - A failed charge opens a campaign (one per currency). Soft declines are retried on the
 *   policy's schedule (by decline reason), at most `maxRetries` times, strictly before the end of
 *   the window and before the next charge, moved off weekends and holidays when the policy says
 *   so. After a hard or update-required decline there is no automatic retry.
 * - A payment-method update triggers a retry at once (it does not count against `maxRetries`).
 * - A payment of everything owed ends the campaign and cancels what is pending; a partial payment
 *   restarts the retry schedule from that moment for what is still owed (inside the same window).
 * - At `finalActionAt` the campaign ends with the final action; nothing is retried after it.
 * - A campaign keeps the policy version it started with: pass the older policies in
 *   `options.policies`, or send a `policy_migrated` event to move it to `policy`.
 *
 * @param subscription - The subscription as it is now (its `currentPeriodEnd` is the next charge).
 * @param policy - The policy for new campaigns and for reminders.
 * @param options - See {@link PlanDunningOptions}.
 * @returns The plan: `{ state, steps, actions, cancel, nextWakeUpAt, access, closed }`.
 * @throws {RetentionInputError} When the subscription, the state or an event is malformed, an
 * event is after `now` or out of order, `now` is before the state's `plannedAt`, or the
 * subscription bills more often than the policy assumes.
 * @throws {RetentionError} `unknown_version` when a campaign follows a policy version that is
 * neither `policy` nor in `options.policies`.
 *
 * @example
 * const policy = defineDunningPolicy({
 *   id: 'standard', version: 1, billing: { interval: 'month' },
 *   updatePaymentUrl: 'https://example.com/billing/{customerId}',
 *   retries: { schedule: ['1d', '3d', '5d', '7d'], window: '14d' },
 *   finalAction: { type: 'cancel' },
 * });
 * const subscription = {
 *   id: 'sub_1', customerId: 'cus_1', plan: 'team', status: 'active', billingInterval: 'month',
 *   amount: 4900, currency: 'EUR', startedAt: '2026-01-10T09:00:00Z', currentPeriodEnd: '2026-06-10T09:00:00Z',
 * } as const;
 * const plan = planDunning(subscription, policy, { now: '2026-05-20T00:00:00Z', timeZone: 'Europe/Berlin' });
 * plan.steps.map((s) => [s.kind, new Date(s.dueAt).toISOString()])
 * //=> [['pre_charge_reminder', '2026-06-03T08:00:00.000Z'], ['pre_charge_reminder', '2026-06-07T08:00:00.000Z']]
 *
 * @example
 * // The charge fails with insufficient funds: a campaign of retries on days 1, 3, 5 and 7.
 * const policy = defineDunningPolicy({
 *   id: 'standard', version: 1, billing: { interval: 'month' },
 *   updatePaymentUrl: 'https://example.com/billing', sendAt: null,
 *   retries: { schedule: ['1d', '3d', '5d', '7d'], window: '14d' },
 *   finalAction: { type: 'cancel' }, messages: { lastAttempt: false, finalNotice: false },
 * });
 * const subscription = {
 *   id: 'sub_1', customerId: 'cus_1', plan: 'team', status: 'past_due', billingInterval: 'month',
 *   amount: 4900, currency: 'EUR', startedAt: '2026-01-10T09:00:00Z', currentPeriodEnd: '2026-07-10T09:00:00Z',
 * } as const;
 * const failed = { type: 'payment_failed', at: '2026-06-10T09:00:00Z', amount: 4900, currency: 'EUR', declineCode: 'insufficient_funds' } as const;
 * const plan = planDunning(subscription, policy, { now: '2026-06-10T09:00:00Z', events: [failed] });
 * plan.steps.map((s) => `${s.kind} ${new Date(s.dueAt).toISOString().slice(5, 16)}`)
 * //=> ['payment_failed 06-10T09:00', 'retry 06-11T09:00', 'retry 06-13T09:00', 'retry 06-15T09:00', 'retry 06-17T09:00', 'final_action 06-24T09:00']
 *
 * @category dunning
 */
export function planDunning(
  subscription: Subscription,
  policy: DunningPolicy,
  options: PlanDunningOptions,
): DunningPlan {
  const sub = readSubscription(subscription);
  const current = compiledFor(policy, ['policy']);
  if (typeof options !== 'object' || options === null)
    failInput({ fn: FN, root: 'options' }, { code: 'required', path: ['now'] });
  // each option read once (see readSubscription)
  const { now: nowIn, timeZone: zoneIn, updatePaymentUrl, policies, horizon } = options;
  // epoch milliseconds and a known zone name take no conversion and no error location
  const now = isEpochMs(nowIn)
    ? nowIn
    : toInstant(nowIn, { fn: FN, path: ['now'], root: 'options' });
  const timeZone =
    typeof zoneIn === 'string' && isValidTimeZone(zoneIn)
      ? zoneIn
      : toTimeZone(zoneIn, { fn: FN, path: ['timeZone'], root: 'options' });
  let urlOverride: string | null = null;
  if (updatePaymentUrl !== undefined) {
    if (typeof updatePaymentUrl !== 'string' || updatePaymentUrl === '')
      failInput(
        { fn: FN, path: ['updatePaymentUrl'], root: 'options' },
        { code: 'invalid_type', path: [], expected: 'a non-empty string' },
      );
    urlOverride = updatePaymentUrl;
  }
  if (minPeriodMs(sub.interval, sub.intervalCount) < current.minPeriodMs)
    failInput(
      { fn: FN, path: ['billingInterval'], root: 'subscription' },
      {
        code: 'out_of_range',
        path: [],
        detail: `the policy is written for ${current.billingLabel} billing; a shorter period would let retries run into the next charge`,
      },
    );

  let earlier: readonly CompiledPolicy[] = NO_POLICIES;
  if (policies !== undefined && policies.length > 0) {
    const list: CompiledPolicy[] = [];
    for (let i = 0; i < policies.length; i++) list.push(compiledFor(policies[i]!, ['policies', i]));
    earlier = list;
  }

  // no stored state (a subscription planned for the first time): nothing to read or check
  const stateIn = options.state;
  const state = stateIn === undefined ? null : readState(stateIn, sub.id);
  const plannedAt = state === null ? null : state.plannedAt;
  if (plannedAt !== null && now < plannedAt)
    failInput(
      { fn: FN, path: ['now'], root: 'options' },
      { code: 'order', path: [], detail: 'now is before the state was planned' },
    );
  let last = state === null ? null : state.lastEventAt;
  const given = options.events ?? NO_EVENTS;
  const events: NormalizedEvent[] = given.length === 0 ? NO_NORMALIZED : [];
  for (let i = 0; i < given.length; i++) {
    const raw = given[i];
    const location = { fn: FN, path: ['events', i], root: 'options' };
    const type =
      typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
    if (!EVENT_TYPES.includes(type as DunningEvent['type']))
      failInput(
        { ...location, path: ['events', i, 'type'] },
        {
          code: 'invalid_enum',
          path: [],
          expected: EVENT_TYPES.map((t) => JSON.stringify(t)).join(', '),
          received: describeType(type),
        },
      );
    const e = parseInput(eventSchema(), raw, location) as NormalizedEvent;
    if (e.at > now)
      failInput(
        { ...location, path: ['events', i, 'at'] },
        { code: 'out_of_range', path: [], detail: 'an event cannot be after now' },
      );
    if (last !== null && e.at < last)
      failInput(
        { ...location, path: ['events', i, 'at'] },
        {
          code: 'order',
          path: [],
          detail: 'events must be in time order, after the last one applied',
        },
      );
    last = e.at;
    events.push(e);
  }

  const until =
    horizon === undefined
      ? Number.POSITIVE_INFINITY
      : shiftByDuration(now, horizonOf(horizon), 1, timeZone);
  const ctx: PlanContext = { fn: FN, sub, current, earlier, timeZone, now, urlOverride };
  const closed: DunningCampaign[] = [];
  const campaigns = applyEvents(ctx, state === null ? [] : state.campaigns, events, closed);
  const firstEventAt = events.length > 0 ? events[0]!.at : Number.POSITIVE_INFINITY;
  return buildPlan(
    ctx,
    campaigns,
    closed,
    Math.min(plannedAt ?? now, firstEventAt),
    until,
    Math.min(now, firstEventAt),
    last,
    state === null ? null : state.pending,
  );
}
