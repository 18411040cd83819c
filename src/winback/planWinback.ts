import type { Channel, PlannedAction } from '../core/action';
import { type CappedAction, nextAllowedByCaps } from '../core/caps';
import { durationToMs, type FixedDurationInput, shiftByDuration } from '../core/duration';
import { describeType, failInput, type InputLocation } from '../core/errors';
import { type Instant, type InstantInput, isEpochMs, toInstant } from '../core/instant';
import type { Attributes, JsonValue } from '../core/records';
import { nextInSendWindow } from '../core/schedule';
import { isValidTimeZone } from '../core/timeZone';
import {
  type CompiledWinbackPolicy,
  compiledWinbackPolicy,
  type WinbackPolicy,
  type WinbackStepPurpose,
} from './defineWinbackPolicy';
import { type ExitReason, isExitReason } from './exitReasons';
import {
  at,
  optionalCurrency,
  optionalNumber,
  optionalString,
  requireId,
  requireObject,
} from './input';
import { winbackActionKey } from './keys';
import { winbackHoldoutGroup } from './winbackHoldoutGroup';

/**
 * A churned customer as {@link planWinback} reads it. A core `Customer` fits; `plan`, `mrr`,
 * `currency` and `ltv` feed segment conditions (a `subscription_canceled` event's `plan`, `mrr`
 * and `currency` properties take precedence).
 *
 * @category winback
 */
export interface WinbackCustomer {
  readonly id: string;
  /** Their IANA time zone, for step times, quiet hours and calendar durations. @defaultValue `'UTC'` */
  readonly timeZone?: string;
  /** When they signed up, for `tenureDays`. */
  readonly signedUpAt?: InstantInput;
  readonly plan?: string;
  /** What they paid per month, in minor units. */
  readonly mrr?: number;
  readonly currency?: string;
  /** Their lifetime value, in minor units. */
  readonly ltv?: number;
  readonly attributes?: Attributes;
}

/**
 * An event {@link planWinback} reacts to. A core `ActivityEvent` fits. Types it knows:
 *
 * | type | properties | effect |
 * |---|---|---|
 * | `subscription_canceled` | `kind: 'voluntary'` (anything else is involuntary), `reason`, `plan`, `mrr`, `currency`, `fraud`, `chargeback` | a churn: decided `decideAfter` later |
 * | `cancellation_requested` | `reason` (or `exitReason`) | remembers the reason chosen in the cancel flow |
 * | `exit_survey_answered` | `reason`, or `text` to classify | remembers the reason |
 * | `subscription_reactivated` | `mrr`, `currency` | stops the sequence; won back within the attribution window |
 * | `message_replied` | | stops the sequence |
 * | `unsubscribed`, `complained` | | stops the sequence; no sequence until `resubscribed` |
 * | `resubscribed` | | lifts an unsubscribe or complaint |
 * | the policy's `excludeEvents` (`chargeback`, `fraud_detected`) | | stops the sequence; never again |
 *
 * Other types are ignored.
 *
 * @category winback
 */
export interface WinbackEvent {
  /** Identifies the event; a cancellation's id names its sequence in idempotency keys. @defaultValue from the type and time */
  readonly id?: string;
  readonly type: string;
  readonly at: InstantInput;
  readonly properties?: Attributes;
}

/**
 * Why a stop condition ended a sequence.
 *
 * @category winback
 */
export type WinbackStopReason =
  | 'reactivated'
  | 'replied'
  | 'unsubscribed'
  | 'complained'
  | 'excluded';

/**
 * Why a cancellation did not enter a sequence.
 *
 * | | |
 * |---|---|
 * | `involuntary` | the cancellation's `kind` is not `'voluntary'` (dunning handles it) |
 * | `excluded` | fraud or a chargeback: flagged on the cancellation or by an exclude event |
 * | `suppressed` | the customer unsubscribed or complained |
 * | `reactivated` | they came back before the decision |
 * | `active` | they are in a sequence already |
 * | `cooldown` | their last sequence ended less than the cooldown ago |
 * | `condition` | the eligibility condition does not hold |
 * | `no_segment` | no segment's condition holds |
 *
 * @category winback
 */
export type WinbackIneligibility =
  | 'involuntary'
  | 'excluded'
  | 'suppressed'
  | 'reactivated'
  | 'active'
  | 'cooldown'
  | 'condition'
  | 'no_segment';

/**
 * A step of a customer's sequence as the state remembers it.
 *
 * | status | |
 * |---|---|
 * | `scheduled` | due later than the horizon; planned when it comes within it |
 * | `planned` | returned as an action (with `key`) |
 * | `held_out` | the customer is in the holdout group: not sent |
 * | `skipped` | not sent: too late (`why: 'late'`), blocked by a cap (`why: 'capped'`), or gone from the policy by the time it came within the horizon (`why: 'removed'`) |
 * | `cancelled` | a stop condition came first |
 *
 * @category winback
 */
export interface WinbackStepState {
  readonly id: string;
  readonly purpose: WinbackStepPurpose;
  readonly channel: Channel;
  /** When it is (or would be) delivered; `null` when skipped. */
  readonly dueAt: Instant | null;
  readonly status: 'scheduled' | 'planned' | 'held_out' | 'skipped' | 'cancelled';
  /** The idempotency key, once planned. */
  readonly key: string | null;
  readonly why: 'late' | 'capped' | 'removed' | null;
}

/**
 * The time-limited offer of a sequence, with its explicit expiry.
 *
 * @category winback
 */
export interface WinbackOfferState {
  readonly id: string;
  /** The step whose message makes the offer. */
  readonly stepId: string;
  readonly kind: 'discount' | 'plan' | 'bonus';
  readonly percentOff: number | null;
  readonly amountOff: number | null;
  readonly cycles: number | null;
  readonly plan: string | null;
  readonly bonus: string | null;
  /** When the message that makes it is delivered. */
  readonly sentAt: Instant;
  /** When it stops being valid: always after `sentAt`. */
  readonly expiresAt: Instant;
}

/**
 * One customer's passage through a win-back sequence (or its holdout), from the decision to the
 * end of the attribution window: the record {@link winbackResults} measures.
 *
 * @category winback
 */
export interface WinbackEntry {
  /** The cancellation it answers: the event id, or `canceled:<epoch ms>`. */
  readonly id: string;
  readonly customerId: string;
  readonly policyId: string;
  readonly policyVersion: number;
  readonly segment: string;
  readonly group: 'treatment' | 'holdout';
  readonly reason: ExitReason | null;
  readonly canceledAt: Instant;
  readonly enteredAt: Instant;
  readonly plan: string | null;
  readonly mrr: number | null;
  readonly currency: string | null;
  readonly steps: readonly WinbackStepState[];
  /** The id of the offer the sequence was planned to make (intent to treat: kept after a stop). */
  readonly offerId: string | null;
  /** The first offer of the sequence that is (or would be) delivered; `null` when a stop came first. */
  readonly offer: WinbackOfferState | null;
  /** `active` while steps are due, `completed` after the last, `stopped` by a stop condition. */
  readonly status: 'active' | 'completed' | 'stopped';
  readonly stoppedBy: WinbackStopReason | null;
  readonly stoppedAt: Instant | null;
  /** When the sequence ends (its last step, or the stop); the cooldown counts from it. */
  readonly endsAt: Instant;
  /** The end of the attribution window (inclusive). */
  readonly attributionEndsAt: Instant;
  readonly reactivatedAt: Instant | null;
  readonly reactivatedMrr: number | null;
  readonly reactivatedCurrency: string | null;
  /** When the outcome became final: the reactivation, or the end of the attribution window. */
  readonly closedAt: Instant | null;
}

/**
 * A cancellation waiting for its decision (`decideAfter` after it).
 *
 * @category winback
 */
export interface WinbackPendingEntry {
  readonly id: string;
  readonly canceledAt: Instant;
  readonly decideAt: Instant;
  readonly voluntary: boolean;
  readonly flagged: 'fraud' | 'chargeback' | null;
  readonly plan: string | null;
  readonly mrr: number | null;
  readonly currency: string | null;
  readonly properties: Attributes;
}

/**
 * Everything {@link planWinback} remembers about one customer: a small JSON value the caller
 * (the engine) stores and passes back with the next call.
 *
 * @category winback
 */
export interface WinbackState {
  /** The layout of this value. */
  readonly format: 1;
  readonly customerId: string;
  /** The `now` of the call that produced it. */
  readonly evaluatedAt: Instant | null;
  /** The latest exit reason known since the customer last came back. */
  readonly reason: {
    readonly reason: ExitReason;
    readonly confidence: number;
    readonly at: Instant;
  } | null;
  readonly pending: WinbackPendingEntry | null;
  /** The current entry, or the last one (kept for the cooldown). */
  readonly entry: WinbackEntry | null;
  readonly suppressed: 'unsubscribed' | 'complained' | null;
  /** The exclude event that ruled the customer out for good. */
  readonly excluded: string | null;
}

/**
 * What was decided about a cancellation.
 *
 * @category winback
 */
export interface WinbackDecision {
  readonly cancellationId: string;
  readonly canceledAt: Instant;
  readonly decidedAt: Instant;
  /** `held_out`: entered, in the holdout group. */
  readonly outcome: 'entered' | 'held_out' | 'ineligible';
  readonly ineligible: WinbackIneligibility | null;
  readonly segment: string | null;
}

/**
 * What {@link planWinback} returns: the new state, the actions to deliver, the keys to cancel and
 * when to call again.
 *
 * @category winback
 */
export interface WinbackPlan {
  /** Store it; pass it back as `options.state` next time. */
  readonly state: WinbackState;
  /** New actions, in time order, each with its idempotency key. */
  readonly actions: readonly PlannedAction[];
  /** Keys of actions returned by earlier calls that a stop condition cancelled. */
  readonly cancel: readonly string[];
  /** When to call again without new events (a decision, a step entering the horizon, the end of attribution); `null` when nothing is due. */
  readonly nextWakeUpAt: Instant | null;
  /** The cancellations decided in this call. */
  readonly decisions: readonly WinbackDecision[];
  /** Entries whose outcome became final in this call, for {@link winbackResults}. */
  readonly closed: readonly WinbackEntry[];
}

/**
 * Options of {@link planWinback}.
 *
 * @category winback
 */
export interface PlanWinbackOptions {
  /** The current time. Nothing reads the clock. */
  readonly now: InstantInput;
  /** The state returned by the previous call. @defaultValue a new state */
  readonly state?: WinbackState | null;
  /** Events since the previous call, in any order, none after `now`. @defaultValue `[]` */
  readonly events?: readonly WinbackEvent[];
  /** The customer's other actions (other modules, sent or planned), so frequency caps count them. @defaultValue `[]` */
  readonly sent?: readonly CappedAction[];
  /**
   * Plan actions only up to `now + horizon`; later steps stay `scheduled` (their times are fixed)
   * and `nextWakeUpAt` says when to plan them. For an engine, this keeps weeks-away messages
   * out of the outbox. @defaultValue no limit: every step is planned at the decision
   */
  readonly horizon?: FixedDurationInput;
}

const FN = 'planWinback';

const DAY = 86_400_000;
const EMPTY: readonly never[] = [];

interface Context {
  readonly c: CompiledWinbackPolicy;
  readonly customerId: string;
  readonly timeZone: string;
  readonly now: Instant;
  readonly horizonEnd: number;
  readonly customer: {
    readonly signedUpAt: Instant | null;
    readonly plan: string | null;
    readonly mrr: number | null;
    readonly currency: string | null;
    readonly ltv: number | null;
    readonly attributes: Attributes;
  };
  readonly sent: readonly CappedAction[];
  /** Planned in this call: a stop in this call removes its own from here instead of cancelling. */
  readonly actions: PlannedAction[];
  readonly cancel: string[];
  readonly decisions: WinbackDecision[];
  readonly closed: WinbackEntry[];
}

interface MutableState {
  reason: WinbackState['reason'];
  pending: WinbackPendingEntry | null;
  entry: WinbackEntry | null;
  suppressed: WinbackState['suppressed'];
  excluded: string | null;
}

function initialState(customerId: string): WinbackState {
  return {
    format: 1,
    customerId,
    evaluatedAt: null,
    reason: null,
    pending: null,
    entry: null,
    suppressed: null,
    excluded: null,
  };
}

function badState(path: (string | number)[], expected: string, value: unknown): never {
  return failInput(
    { fn: FN, root: 'options.state', path },
    { code: 'invalid_value', path: [], expected, received: describeType(value) },
  );
}

const isInstant = isEpochMs;

/** A stored state, checked by hand where the planner relies on it. */
function readState(value: unknown, customerId: string): WinbackState {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return badState([], 'a state returned by planWinback', value);
  const s = value as Record<string, unknown>;
  if (s.format !== 1) return badState(['format'], '1', s.format);
  if (s.customerId !== customerId)
    return badState(['customerId'], "the customer's own state (customerId differs)", s.customerId);
  if (s.evaluatedAt !== null && !isInstant(s.evaluatedAt))
    return badState(['evaluatedAt'], 'an instant or null', s.evaluatedAt);
  const pending = s.pending as Record<string, unknown> | null;
  if (
    pending !== null &&
    (typeof pending !== 'object' ||
      typeof pending.id !== 'string' ||
      !isInstant(pending.canceledAt) ||
      !isInstant(pending.decideAt))
  )
    return badState(['pending'], 'a pending entry or null', pending);
  const entry = s.entry as Record<string, unknown> | null;
  if (entry !== null) {
    if (
      typeof entry !== 'object' ||
      typeof entry.id !== 'string' ||
      !Array.isArray(entry.steps) ||
      !isInstant(entry.endsAt) ||
      !isInstant(entry.attributionEndsAt) ||
      !(entry.closedAt === null || isInstant(entry.closedAt))
    )
      return badState(['entry'], 'an entry or null', entry);
    (entry.steps as unknown[]).forEach((step, i) => {
      const st = step as Record<string, unknown> | null;
      if (
        typeof st !== 'object' ||
        st === null ||
        typeof st.id !== 'string' ||
        !(st.dueAt === null || isInstant(st.dueAt)) ||
        !(st.key === null || typeof st.key === 'string')
      )
        badState(['entry', 'steps', i], 'a step', st);
    });
  }
  return value as WinbackState;
}

/** Where the properties of event `index` sit, for an error. */
function propertiesOf(index: number): InputLocation {
  return { fn: FN, root: 'options.events', path: [index, 'properties'] };
}

function readEvent(raw: unknown, i: number): { e: WinbackEvent; t: Instant; i: number } {
  // the common event, checked without building a location for an error it does not have
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const r = raw as Record<string, unknown>;
    const t = r.at;
    const props = r.properties;
    if (
      typeof r.type === 'string' &&
      r.type !== '' &&
      (r.id === undefined || (typeof r.id === 'string' && r.id !== '' && r.id.length <= 256)) &&
      (props === undefined ||
        (typeof props === 'object' && props !== null && !Array.isArray(props))) &&
      isEpochMs(t)
    )
      return { e: raw as WinbackEvent, t, i };
  }
  const where: InputLocation = { fn: FN, root: 'options.events', path: [i] };
  const e = requireObject(raw, where);
  if (typeof e.type !== 'string' || e.type === '')
    failInput(at(where, 'type'), {
      code: 'required',
      path: [],
      expected: 'a non-empty string',
      received: describeType(e.type),
    });
  if (e.id !== undefined) requireId(e.id, where, 'id');
  if (e.properties !== undefined) requireObject(e.properties, at(where, 'properties'));
  return {
    e: e as unknown as WinbackEvent,
    t: toInstant(e.at as InstantInput, at(where, 'at')),
    i,
  };
}

/** The facts segment and eligibility conditions read. */
function factsOf(
  ctx: Context,
  st: MutableState,
  p: WinbackPendingEntry,
): Record<string, JsonValue> {
  const cu = ctx.customer;
  return {
    reason: st.reason?.reason ?? null,
    reasonConfidence: st.reason?.confidence ?? null,
    plan: p.plan ?? cu.plan,
    mrr: p.mrr ?? cu.mrr,
    currency: p.currency ?? cu.currency,
    ltv: cu.ltv,
    tenureDays: cu.signedUpAt === null ? null : Math.floor((p.canceledAt - cu.signedUpAt) / DAY),
    canceledAt: p.canceledAt,
    attributes: cu.attributes,
    cancellation: p.properties,
  };
}

function sendableAt(ctx: Context, t: number): number {
  return ctx.c.window === null ? t : nextInSendWindow(t, ctx.c.window, ctx.timeZone);
}

/** Places a step at or after `t` inside the window and under the caps; `null` when a cap blocks it. */
function place(ctx: Context, t: number, channel: Channel, history: CappedAction[]): number | null {
  const caps = ctx.c.caps;
  let candidate = t;
  for (let round = 0; round < 32; round++) {
    const w = sendableAt(ctx, candidate);
    if (caps.length === 0) return w;
    const allowed = nextAllowedByCaps(
      history,
      { at: w, channel, definitionId: ctx.c.policy.id },
      caps,
    );
    if (allowed === w) return w;
    if (!Number.isFinite(allowed) || ctx.c.onCap === 'skip') return null;
    candidate = allowed;
  }
  return null;
}

function keyOf(ctx: Context, entry: WinbackEntry, stepId: string): string {
  return winbackActionKey(ctx.customerId, entry.policyId, entry.id, stepId);
}

type CompiledStep = CompiledWinbackPolicy['segments'][number]['steps'][number];

function actionOf(
  ctx: Context,
  entry: WinbackEntry,
  index: number,
  key: string,
  step: CompiledStep,
): PlannedAction {
  const stepState = entry.steps[index]!;
  const offer = entry.offer !== null && entry.offer.stepId === stepState.id ? entry.offer : null;
  const winback: Record<string, JsonValue> = {
    segment: entry.segment,
    reason: entry.reason,
    purpose: stepState.purpose,
    step: index + 1,
    steps: entry.steps.length,
    cancellationId: entry.id,
  };
  if (offer !== null)
    winback.offer = {
      id: offer.id,
      kind: offer.kind,
      percentOff: offer.percentOff,
      amountOff: offer.amountOff,
      cycles: offer.cycles,
      plan: offer.plan,
      bonus: offer.bonus,
      expiresAt: offer.expiresAt,
    };
  return {
    key,
    customerId: ctx.customerId,
    channel: stepState.channel,
    template: step.template,
    params: { ...step.params, winback },
    priority: step.priority,
    dueAt: stepState.dueAt!,
    source: {
      module: 'winback',
      definitionId: entry.policyId,
      version: entry.policyVersion,
      occurrence: entry.id,
      step: stepState.id,
    },
  };
}

/**
 * Plans (returns as actions) the scheduled steps of a treatment entry that are within the
 * horizon, with the template and parameters of the policy passed now (`steps`, or looked up by
 * segment and step id; a step the policy no longer has is skipped).
 */
function materialize(
  ctx: Context,
  entry: WinbackEntry,
  compiled?: readonly CompiledStep[],
): WinbackEntry {
  if (entry.group !== 'treatment' || entry.status === 'stopped') return entry;
  let steps: WinbackStepState[] | null = null;
  let found: (CompiledStep | undefined)[] | null = null;
  entry.steps.forEach((s, i) => {
    if (s.status !== 'scheduled' || s.dueAt! > ctx.horizonEnd) return;
    steps ??= [...entry.steps];
    found ??= [];
    const step =
      compiled?.[i] ??
      ctx.c.segments.find((x) => x.id === entry.segment)?.steps.find((x) => x.id === s.id);
    found[i] = step;
    // a wake-up that came too late (the caller did not call at nextWakeUpAt) skips the step
    if (s.dueAt! < ctx.now - ctx.c.expireAfterMs)
      steps[i] = { ...s, status: 'skipped', why: 'late' };
    else if (step === undefined) steps[i] = { ...s, status: 'skipped', why: 'removed' };
    else steps[i] = { ...s, status: 'planned', key: keyOf(ctx, entry, s.id) };
  });
  if (steps === null) return entry;
  const next: WinbackEntry = { ...entry, steps };
  (steps as WinbackStepState[]).forEach((s, i) => {
    if (s.status === 'planned' && entry.steps[i]!.status === 'scheduled') {
      ctx.actions.push(actionOf(ctx, next, i, s.key!, found![i]!));
    }
  });
  return next;
}

function enter(
  ctx: Context,
  st: MutableState,
  p: WinbackPendingEntry,
  segmentIndex: number,
  group: 'treatment' | 'holdout',
): WinbackEntry {
  const { c, timeZone, now } = ctx;
  const segment = c.segments[segmentIndex]!;
  const history: CappedAction[] = c.caps.length === 0 ? [] : [...ctx.sent, ...plannedOf(st.entry)];
  const steps: WinbackStepState[] = [];
  let previous = Number.NEGATIVE_INFINITY;
  let offer: WinbackOfferState | null = null;
  for (const step of segment.steps) {
    const base = shiftByDuration(p.canceledAt, step.afterParsed, 1, timeZone);
    let dueAt: number | null = null;
    let why: 'late' | 'capped' | null = null;
    if (base < now - c.expireAfterMs) why = 'late';
    else {
      dueAt = place(ctx, Math.max(base, now, previous + 1), step.channel, history);
      if (dueAt === null) why = 'capped';
    }
    if (dueAt !== null) {
      previous = dueAt;
      if (c.caps.length > 0)
        history.push({ at: dueAt, channel: step.channel, definitionId: c.policy.id });
      if (offer === null && step.offer !== null) {
        const o = step.offer;
        offer = {
          id: o.id,
          stepId: step.id,
          kind: o.kind,
          percentOff: o.percentOff,
          amountOff: o.amountOff,
          cycles: o.cycles,
          plan: o.plan,
          bonus: o.bonus,
          sentAt: dueAt,
          expiresAt: shiftByDuration(dueAt, step.validForParsed!, 1, timeZone),
        };
      }
    }
    steps.push({
      id: step.id,
      purpose: step.purpose,
      channel: step.channel,
      dueAt,
      status: dueAt === null ? 'skipped' : group === 'holdout' ? 'held_out' : 'scheduled',
      key: null,
      why,
    });
  }
  const facts = factsOf(ctx, st, p);
  const entry: WinbackEntry = {
    id: p.id,
    customerId: ctx.customerId,
    policyId: c.policy.id,
    policyVersion: c.policy.version,
    segment: segment.id,
    group,
    reason: st.reason?.reason ?? null,
    canceledAt: p.canceledAt,
    enteredAt: p.decideAt,
    plan: facts.plan as string | null,
    mrr: facts.mrr as number | null,
    currency: facts.currency as string | null,
    steps,
    offerId: offer?.id ?? null,
    offer,
    status: 'active',
    stoppedBy: null,
    stoppedAt: null,
    endsAt: Number.isFinite(previous) ? previous : p.decideAt,
    attributionEndsAt: shiftByDuration(p.canceledAt, c.attribution, 1, timeZone),
    reactivatedAt: null,
    reactivatedMrr: null,
    reactivatedCurrency: null,
    closedAt: null,
  };
  return materialize(ctx, entry, segment.steps);
}

function plannedOf(entry: WinbackEntry | null): CappedAction[] {
  if (entry === null || entry.group !== 'treatment') return [];
  const out: CappedAction[] = [];
  for (const s of entry.steps)
    if (s.status === 'planned' || s.status === 'scheduled')
      out.push({ at: s.dueAt!, channel: s.channel, definitionId: entry.policyId });
  return out;
}

/** Why a pending cancellation may not enter, or `null` when it may. */
function ineligibility(
  ctx: Context,
  st: MutableState,
  p: WinbackPendingEntry,
  facts: Record<string, JsonValue>,
): WinbackIneligibility | null {
  const { c } = ctx;
  if (st.excluded !== null || p.flagged !== null) return 'excluded';
  if (!p.voluntary) return 'involuntary';
  if (st.suppressed !== null) return 'suppressed';
  const last = st.entry;
  if (last !== null && last.status === 'active' && last.endsAt >= p.decideAt) return 'active';
  if (last !== null && shiftByDuration(last.endsAt, c.cooldown, 1, ctx.timeZone) > p.canceledAt)
    return 'cooldown';
  if (c.when !== null && !c.when.evaluate(facts, p.decideAt)) return 'condition';
  return null;
}

function decide(ctx: Context, st: MutableState, p: WinbackPendingEntry): void {
  const { c } = ctx;
  st.pending = null;
  const facts = factsOf(ctx, st, p);
  let why = ineligibility(ctx, st, p, facts);
  const segmentIndex =
    why !== null
      ? -1
      : c.segments.findIndex((s) => s.when === null || s.when.evaluate(facts, p.decideAt));
  if (why === null && segmentIndex < 0) why = 'no_segment';
  let outcome: WinbackDecision['outcome'] = 'ineligible';
  if (why === null) {
    const group = winbackHoldoutGroup(ctx.customerId, c.policy);
    const last = st.entry;
    if (last !== null && last.closedAt === null) ctx.closed.push(closeEntry(last, p.decideAt));
    st.entry = enter(ctx, st, p, segmentIndex, group);
    outcome = group === 'holdout' ? 'held_out' : 'entered';
  }
  ctx.decisions.push({
    cancellationId: p.id,
    canceledAt: p.canceledAt,
    decidedAt: p.decideAt,
    outcome,
    ineligible: why,
    segment: why === null ? c.segments[segmentIndex]!.id : null,
  });
}

function closeEntry(entry: WinbackEntry, t: number): WinbackEntry {
  return {
    ...entry,
    status: entry.status === 'active' && entry.endsAt <= t ? 'completed' : entry.status,
    closedAt: t,
  };
}

/** Ends the sequence at `t`: every step due at or after it is cancelled. */
function stop(ctx: Context, st: MutableState, why: WinbackStopReason, t: number): void {
  const entry = st.entry;
  if (entry === null || entry.status !== 'active') return;
  if (entry.endsAt < t) {
    st.entry = { ...entry, status: 'completed' };
    return;
  }
  const steps = entry.steps.map((s) => {
    if (s.dueAt === null || s.dueAt < t || s.status === 'skipped' || s.status === 'cancelled')
      return s;
    if (s.status === 'planned') {
      const i = ctx.actions.findIndex((a) => a.key === s.key);
      if (i >= 0) ctx.actions.splice(i, 1);
      else ctx.cancel.push(s.key!);
    }
    return { ...s, status: 'cancelled' as const };
  });
  let endsAt = Number.NEGATIVE_INFINITY;
  for (const s of steps)
    if (s.status !== 'cancelled' && s.dueAt !== null) endsAt = Math.max(endsAt, s.dueAt);
  st.entry = {
    ...entry,
    steps,
    offer: entry.offer !== null && entry.offer.sentAt >= t ? null : entry.offer,
    status: 'stopped',
    stoppedBy: why,
    stoppedAt: t,
    endsAt: Number.isFinite(endsAt) ? Math.min(endsAt, t) : t,
  };
}

function reasonFrom(props: Attributes | undefined): ExitReason | null {
  const r = props?.reason ?? props?.exitReason;
  return isExitReason(r) ? r : null;
}

function onEvent(ctx: Context, st: MutableState, e: WinbackEvent, t: number, index: number): void {
  const props = e.properties;
  switch (e.type) {
    case 'subscription_canceled': {
      const chosen = reasonFrom(props);
      if (chosen !== null) st.reason = { reason: chosen, confidence: 1, at: t };
      const id = e.id ?? `canceled:${t}`;
      // the same churn reported twice
      if (st.pending !== null || st.entry?.id === id) return;
      const where = propertiesOf(index);
      st.pending = {
        id,
        canceledAt: t,
        decideAt: t + ctx.c.decideAfterMs,
        voluntary: props?.kind === 'voluntary',
        flagged: props?.fraud === true ? 'fraud' : props?.chargeback === true ? 'chargeback' : null,
        plan: optionalString(props?.plan, where, 'plan'),
        mrr: optionalNumber(props?.mrr, where, { integer: true, min: 0 }, 'mrr'),
        currency: optionalCurrency(props?.currency, where, 'currency'),
        properties: props ?? {},
      };
      return;
    }
    case 'cancellation_requested': {
      const chosen = reasonFrom(props);
      if (chosen !== null) st.reason = { reason: chosen, confidence: 1, at: t };
      return;
    }
    case 'exit_survey_answered': {
      const chosen = reasonFrom(props);
      if (chosen !== null) st.reason = { reason: chosen, confidence: 1, at: t };
      else if (typeof props?.text === 'string') {
        const c = ctx.c.classify(props.text);
        if (c.confidence > 0 && c.confidence >= ctx.c.minConfidence)
          st.reason = { reason: c.reason, confidence: c.confidence, at: t };
      }
      return;
    }
    case 'subscription_reactivated': {
      st.reason = null;
      if (st.pending !== null) {
        const p = st.pending;
        st.pending = null;
        ctx.decisions.push({
          cancellationId: p.id,
          canceledAt: p.canceledAt,
          decidedAt: t,
          outcome: 'ineligible',
          ineligible: 'reactivated',
          segment: null,
        });
      }
      if (st.entry === null) return;
      stop(ctx, st, 'reactivated', t);
      const entry = st.entry;
      if (entry.closedAt !== null || t > entry.attributionEndsAt) return;
      const where = propertiesOf(index);
      const won: WinbackEntry = {
        ...entry,
        reactivatedAt: t,
        reactivatedMrr: optionalNumber(props?.mrr, where, { integer: true, min: 0 }, 'mrr'),
        reactivatedCurrency: optionalCurrency(props?.currency, where, 'currency'),
      };
      st.entry = closeEntry(won, t);
      ctx.closed.push(st.entry);
      return;
    }
    case 'message_replied':
      stop(ctx, st, 'replied', t);
      return;
    case 'unsubscribed':
    case 'complained':
      st.suppressed = e.type;
      stop(ctx, st, e.type, t);
      return;
    case 'resubscribed':
      st.suppressed = null;
      return;
    default:
      if (ctx.c.excludeEvents.has(e.type)) {
        st.excluded = e.type;
        stop(ctx, st, 'excluded', t);
      }
  }
}

/**
 * Plans win-back for one churned customer: state, new events and `now` in; the new state, the
 * actions to deliver, the keys to cancel and the next wake-up out. Pure: the engine (or your own
 * job) stores the state, feeds events and delivers actions.
 *
 * A voluntary `subscription_canceled` is decided `decideAfter` later (so an exit-survey answer
 * sent right after it can choose the segment): not after fraud or a chargeback, not while
 * unsubscribed, not during another sequence or within the cooldown after one, and only when the
 * eligibility condition and a segment's condition hold. Conditions read the facts `reason` (the
 * latest exit reason: chosen in the cancel flow or the survey, or classified from the survey's
 * text), `reasonConfidence`, `plan`, `mrr`, `currency`, `ltv`, `tenureDays` (whole days from
 * `signedUpAt` to the cancellation), `canceledAt`, `attributes` and `cancellation` (the event's
 * properties). A customer whose id hashes under the holdout share (`stableFraction(id, salt)`)
 * enters without messages. Each step is due `after` the cancellation in the customer's time
 * zone, moved into the send window and past the frequency caps (counting `options.sent`), and
 * after the step before; a step more than `expireAfter` late is skipped. The offer expires
 * `validFor` after its message is delivered. Reactivation, a reply, an unsubscribe, a complaint
 * or an exclude event stops the sequence and cancels every message due from then on. An entry is
 * closed (returned in `closed`) at a reactivation or at the end of the attribution window.
 *
 * @param customer - The customer (see {@link WinbackCustomer}).
 * @param policy - A policy from {@link defineWinbackPolicy}.
 * @param options - `now`, the previous `state`, new `events`, other actions `sent`, a `horizon`.
 * @returns See {@link WinbackPlan}.
 * @throws {RetentionInputError} When the customer, an event (naming its index), `now` (before the
 * state's time, or before an event) or the stored state is malformed.
 * @throws {RetentionDefinitionError} When `policy` is a stored object that is not a valid policy.
 *
 * @example
 * const policy = defineWinbackPolicy({ id: 'winback', version: 1 });
 * const plan = planWinback({ id: 'cus_1', timeZone: 'Europe/Berlin' }, policy, {
 *   now: '2026-03-02T10:00:00Z',
 *   events: [
 *     { type: 'subscription_canceled', at: '2026-03-02T09:00:00Z', properties: { kind: 'voluntary' } },
 *     { type: 'exit_survey_answered', at: '2026-03-02T09:01:00Z', properties: { text: 'Too expensive' } },
 *   ],
 * });
 * plan.actions.map((a) => [a.template, new Date(a.dueAt).toISOString().slice(0, 10), a.params.winback.reason])
 * //=> [['winback-ask-why', '2026-03-05', 'price'], ['winback-solution', '2026-03-16', 'price'], ['winback-offer', '2026-04-01', 'price']]
 *
 * @example
 * // The customer comes back on 20 March: the offer still pending is cancelled.
 * const policy = defineWinbackPolicy({ id: 'winback', version: 1 });
 * const customer = { id: 'cus_1' };
 * const first = planWinback(customer, policy, {
 *   now: '2026-03-02T10:00:00Z',
 *   events: [{ type: 'subscription_canceled', at: '2026-03-02T09:00:00Z', properties: { kind: 'voluntary' } }],
 * });
 * const second = planWinback(customer, policy, {
 *   now: '2026-03-20T08:00:00Z',
 *   state: first.state,
 *   events: [{ type: 'subscription_reactivated', at: '2026-03-20T08:00:00Z', properties: { mrr: 2900, currency: 'USD' } }],
 * });
 * [second.cancel.length, second.cancel[0] === first.actions[2].key, second.closed[0].reactivatedMrr, second.nextWakeUpAt]
 * //=> [1, true, 2900, null]
 *
 * @example
 * // Involuntary churn belongs to dunning:
 * planWinback({ id: 'cus_2' }, defineWinbackPolicy({ id: 'winback', version: 1 }), {
 *   now: '2026-03-02T10:00:00Z',
 *   events: [{ type: 'subscription_canceled', at: '2026-03-02T09:00:00Z', properties: { kind: 'involuntary' } }],
 * }).decisions.map((d) => d.ineligible)
 * //=> ['involuntary']
 *
 * @category winback
 */
export function planWinback(
  customer: WinbackCustomer,
  policy: WinbackPolicy,
  options: PlanWinbackOptions,
): WinbackPlan {
  const c = compiledWinbackPolicy(policy);
  const where: InputLocation = { fn: FN, root: 'customer', path: [] };
  const cu = requireObject(customer, where);
  const customerId = requireId(cu.id, where, 'id');
  const tz = cu.timeZone ?? 'UTC';
  if (typeof tz !== 'string' || !isValidTimeZone(tz))
    failInput(at(where, 'timeZone'), {
      code: 'invalid_time_zone',
      path: [],
      received: describeType(tz),
    });
  const opts = requireObject(options, { fn: FN, root: 'options' });
  const now = toInstant(opts.now as InstantInput, { fn: FN, root: 'options', path: ['now'] });
  const state = opts.state == null ? initialState(customerId) : readState(opts.state, customerId);
  if (state.evaluatedAt !== null && now < state.evaluatedAt)
    failInput(
      { fn: FN, root: 'options', path: ['now'] },
      { code: 'order', path: [], detail: "now is before the state's evaluatedAt" },
    );
  const rawEvents = opts.events ?? EMPTY;
  if (!Array.isArray(rawEvents))
    failInput(
      { fn: FN, root: 'options', path: ['events'] },
      {
        code: 'invalid_type',
        path: [],
        expected: 'an array of events',
        received: describeType(rawEvents),
      },
    );
  const events = (rawEvents as readonly unknown[]).map(readEvent);
  for (const x of events)
    if (x.t > now)
      failInput(
        { fn: FN, root: 'options.events', path: [x.i, 'at'] },
        { code: 'order', path: [], detail: 'an event after now' },
      );
  if (events.length > 1) events.sort((a, b) => a.t - b.t || a.i - b.i);
  const sent = (opts.sent ?? EMPTY) as readonly CappedAction[];
  if (!Array.isArray(sent))
    failInput(
      { fn: FN, root: 'options', path: ['sent'] },
      {
        code: 'invalid_type',
        path: [],
        expected: 'an array of { at, channel, definitionId }',
        received: describeType(sent),
      },
    );
  let horizonEnd = Number.POSITIVE_INFINITY;
  if (opts.horizon !== undefined)
    horizonEnd =
      now +
      durationToMs(opts.horizon as FixedDurationInput, {
        fn: FN,
        root: 'options',
        path: ['horizon'],
      });
  const ctx: Context = {
    c,
    customerId,
    timeZone: tz,
    now,
    horizonEnd,
    customer: {
      signedUpAt:
        cu.signedUpAt === undefined
          ? null
          : toInstant(cu.signedUpAt as InstantInput, at(where, 'signedUpAt')),
      plan: optionalString(cu.plan, where, 'plan'),
      mrr: optionalNumber(cu.mrr, where, { integer: true, min: 0 }, 'mrr'),
      currency: optionalCurrency(cu.currency, where, 'currency'),
      ltv: optionalNumber(cu.ltv, where, { min: 0 }, 'ltv'),
      attributes:
        cu.attributes === undefined
          ? {}
          : (requireObject(cu.attributes, at(where, 'attributes')) as Attributes),
    },
    sent,
    actions: [],
    cancel: [],
    decisions: [],
    closed: [],
  };
  const st: MutableState = {
    reason: state.reason,
    pending: state.pending,
    entry: state.entry,
    suppressed: state.suppressed,
    excluded: state.excluded,
  };
  let i = 0;
  for (;;) {
    const decideAt = st.pending?.decideAt ?? Number.POSITIVE_INFINITY;
    const entry = st.entry;
    const closeAt =
      entry !== null && entry.closedAt === null
        ? entry.attributionEndsAt
        : Number.POSITIVE_INFINITY;
    const timer = Math.min(decideAt, closeAt);
    const next = i < events.length ? events[i]!.t : Number.POSITIVE_INFINITY;
    if (next <= timer && next <= now) {
      onEvent(ctx, st, events[i]!.e, next, events[i]!.i);
      i++;
    } else if (timer <= now) {
      if (decideAt <= closeAt) decide(ctx, st, st.pending!);
      else {
        const closed = closeEntry(entry!, closeAt);
        st.entry = closed;
        ctx.closed.push(closed);
      }
    } else break;
  }
  // steps that came within the horizon since the last call (the sequence runs to its end even
  // when the attribution window closes first)
  if (st.entry !== null) st.entry = materialize(ctx, st.entry);
  if (st.entry !== null && st.entry.status === 'active' && st.entry.endsAt <= now)
    st.entry = { ...st.entry, status: 'completed' };
  let wake = st.pending?.decideAt ?? Number.POSITIVE_INFINITY;
  const e = st.entry;
  if (e !== null) {
    if (e.closedAt === null) wake = Math.min(wake, e.attributionEndsAt);
    if (Number.isFinite(horizonEnd) && e.group === 'treatment' && e.status !== 'stopped')
      for (const s of e.steps)
        if (s.status === 'scheduled') wake = Math.min(wake, s.dueAt! - (horizonEnd - now));
  }
  if (ctx.actions.length > 1) ctx.actions.sort((a, b) => a.dueAt - b.dueAt);
  return {
    state: {
      format: 1,
      customerId,
      evaluatedAt: now,
      reason: st.reason,
      pending: st.pending,
      entry: st.entry,
      suppressed: st.suppressed,
      excluded: st.excluded,
    },
    actions: ctx.actions,
    cancel: ctx.cancel,
    nextWakeUpAt: Number.isFinite(wake) ? Math.max(wake, now) : null,
    decisions: ctx.decisions,
    closed: ctx.closed,
  };
}
