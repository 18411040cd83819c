/**
 * From campaigns and a subscription to the timeline of steps. Internal to the dunning module.
 */
import { type PlannedAction, planAction } from '../core/action';
import { shiftByDuration } from '../core/duration';
import type { Instant } from '../core/instant';
import type { Attributes, JsonValue } from '../core/records';
import { nextLocalMinutes } from '../core/schedule';
import { fromWallClock, wallClock } from '../core/timeZone';
import { policyFor } from './campaign';
import type { SoftDeclineReason } from './classifyDecline';
import type { AccessLevel, ResolvedActionSpec } from './defineDunningPolicy';
import type {
  DunningCampaign,
  DunningPlan,
  DunningState,
  DunningStep,
  DunningStepKind,
  PlanContext,
} from './planDunning';
import { type CompiledPolicy, type CompiledSchedule, DAY, MINUTE } from './policyInternals';

/** A step before it becomes a planned action. */
interface RawStep {
  readonly kind: DunningStepKind;
  dueAt: Instant;
  /** Unique within its occurrence; part of the idempotency key. */
  readonly name: string;
  readonly spec: ResolvedActionSpec;
  readonly params: Attributes;
  /** Customer messages keep their local send time; system steps may move by a second. */
  readonly message: boolean;
  /** Among messages at one instant the highest wins; system steps at one instant go in this order. */
  readonly rank: number;
  /** Retries must stay before this instant (`+Infinity` for other steps). */
  readonly limit: Instant;
}

const MESSAGE_RANK: Partial<Record<DunningStepKind, number>> = {
  recovered: 1,
  payment_failed: 2,
  action_required: 3,
  last_attempt: 4,
  final_notice: 5,
};
const SYSTEM_RANK: Partial<Record<DunningStepKind, number>> = {
  retry: 1,
  stage: 2,
  final_action: 3,
};
const ACCESS_ORDER: Record<AccessLevel, number> = { none: 0, limited: 1, full: 2 };

/** An id as a URL component: unchanged when it has only unreserved characters. */
function component(id: string): string {
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    const unreserved =
      (c >= 0x30 && c <= 0x39) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      c === 0x2d ||
      c === 0x2e ||
      c === 0x5f ||
      c === 0x7e;
    if (!unreserved) return encodeURIComponent(id);
  }
  return id;
}

/** Link templates cut at their placeholders: literal, placeholder, literal, ... */
const templates = new Map<string, readonly string[]>();

function segments(template: string): readonly string[] {
  let parts = templates.get(template);
  if (parts === undefined) {
    parts = template.split(/(\{customerId\}|\{subscriptionId\})/);
    if (templates.size < 1000) templates.set(template, parts);
  }
  return parts;
}

/** The update-payment link with `{customerId}` and `{subscriptionId}` filled in. */
function link(ctx: PlanContext, p: CompiledPolicy): string {
  const template = ctx.urlOverride ?? p.url;
  if (template.indexOf('{') < 0) return template;
  const parts = segments(template);
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    out += component(parts[i] === '{customerId}' ? ctx.sub.customerId : ctx.sub.id);
    out += parts[i + 1]!;
  }
  return out;
}

function hasKeys(record: Attributes): boolean {
  for (const _ in record) return true;
  return false;
}

/** The next local send time at or after `t` (or `t` itself when messages go out at once). */
function sendTime(ctx: PlanContext, p: CompiledPolicy, t: Instant): Instant {
  return p.sendAt === null ? t : nextLocalMinutes(t, p.sendAt, ctx.timeZone);
}

/** The instant at local `minutes` on the local day `days` after the local day of `t`. */
function localDayAt(t: Instant, days: number, minutes: number, timeZone: string): Instant {
  const day = Math.floor(wallClock(t, timeZone) / DAY) + days;
  return fromWallClock(day * DAY + minutes * MINUTE, timeZone);
}

function message(
  kind: DunningStepKind,
  dueAt: Instant,
  name: string,
  spec: ResolvedActionSpec,
  params: Attributes,
): RawStep {
  const rank = MESSAGE_RANK[kind] ?? 0;
  return { kind, dueAt, name, spec, params, message: true, rank, limit: Number.POSITIVE_INFINITY };
}

function system(
  kind: DunningStepKind,
  dueAt: Instant,
  name: string,
  spec: ResolvedActionSpec,
  params: Attributes,
  limit: Instant = Number.POSITIVE_INFINITY,
): RawStep {
  return { kind, dueAt, name, spec, params, message: false, rank: SYSTEM_RANK[kind] ?? 0, limit };
}

/** The first business day at or after a local day (days counted on the wall-clock axis). */
function nextBusinessDay(day: number, p: CompiledPolicy): number {
  const b = p.business;
  if (b === null) return day;
  let d = day;
  for (let guard = 0; guard < 370; guard++, d++) {
    // day 0 of the axis, 1 January 1970, was a Thursday
    if ((b.weekendMask & (1 << ((d + 4) % 7))) !== 0) continue;
    if (b.holidays.size > 0 && b.holidays.has(new Date(d * DAY).toISOString().slice(0, 10)))
      continue;
    return d;
  }
  /* c8 ignore next */
  return day;
}

/** Planned times of the automatic retries still to come in the campaign's current round. */
function scheduledRetries(
  ctx: PlanContext,
  c: DunningCampaign,
  p: CompiledPolicy,
  after: Instant,
  limit: Instant,
): { times: Instant[]; slots: number[]; schedule: CompiledSchedule } {
  const last = c.attempts[c.attempts.length - 1];
  const schedule =
    last !== undefined && last.class === 'soft'
      ? p.schedules[last.reason as SoftDeclineReason]
      : p.defaultSchedule;
  let used = 0;
  for (const a of c.attempts) if (a.round === c.round && a.by === 'retry') used++;
  const remaining = p.maxRetries - used;
  const times: Instant[] = [];
  const slots: number[] = [];
  let previous = after;
  for (let i = 0; i < schedule.offsets.length && times.length < remaining; i++) {
    // the retry's local day and local time of day: offset days at `retries.at`, or the exact offset
    let day: number;
    let timeOfDay: number;
    if (p.retryAt === null) {
      const wall = wallClock(
        shiftByDuration(c.anchorAt, schedule.offsets[i]!, 1, ctx.timeZone),
        ctx.timeZone,
      );
      day = Math.floor(wall / DAY);
      timeOfDay = wall - day * DAY;
    } else {
      day = Math.floor(wallClock(c.anchorAt, ctx.timeZone) / DAY) + schedule.days[i]!;
      timeOfDay = p.retryAt * MINUTE;
    }
    // business days move the date, never the local time of day (even next to a DST gap)
    day = nextBusinessDay(day, p);
    let t = fromWallClock(day * DAY + timeOfDay, ctx.timeZone);
    if (t <= after) continue; // this slot has passed
    while (t <= previous) {
      // alignment moved it onto (or before) the previous retry: the next business day instead
      day = nextBusinessDay(day + 1, p);
      t = fromWallClock(day * DAY + timeOfDay, ctx.timeZone);
    }
    if (t >= limit) break;
    times.push(t);
    slots.push(i);
    previous = t;
  }
  return { times, slots, schedule };
}

/** The parameters of a notice after the failed attempt `i` of a campaign. */
function failureParams(
  c: DunningCampaign,
  url: string,
  nextRetryAt: JsonValue,
  i: number,
): Attributes {
  const a = c.attempts[i]!;
  return {
    campaignId: c.id,
    currency: c.currency,
    updatePaymentUrl: url,
    amountDue: c.amountDue,
    finalActionAt: c.finalActionAt,
    nextRetryAt,
    attempt: i + 1,
    declineReason: a.reason,
    declineCode: a.code,
  };
}

/** The steps of one campaign, before collisions are resolved. */
function campaignSteps(ctx: PlanContext, c: DunningCampaign, p: CompiledPolicy): RawStep[] {
  const steps: RawStep[] = [];
  const campaignId = c.id;
  const currency = c.currency;
  const m = p.messages;
  if (c.status === 'recovered') {
    if (m.recovered !== false && c.closedAt !== null)
      steps.push(
        message('recovered', sendTime(ctx, p, c.closedAt), 'recovered', m.recovered, {
          campaignId,
          currency,
          amountRecovered: c.recoveredByRetries + c.recoveredByCustomer,
        }),
      );
    return steps;
  }
  const finalParams = {
    campaignId,
    currency,
    finalAction: p.final.type,
    plan: p.final.plan,
    access: p.final.access,
    amountDue: c.amountDue,
  };
  steps.push(system('final_action', c.finalActionAt, 'final-action', p.final.action, finalParams));
  if (c.status === 'final_action') return steps;

  const limit = Math.min(c.windowEnd, c.finalActionAt);
  const last = c.attempts[c.attempts.length - 1];
  const after = Math.max(c.anchorAt, last?.at ?? c.anchorAt, c.retryOnUpdateAt ?? c.anchorAt);
  const waiting = last !== undefined && last.class !== 'soft' && c.retryOnUpdateAt === null;
  const attemptsMade = c.attempts.length;
  const amount = c.amountDue;
  const invoiceId = c.invoiceIds.at(-1) ?? null;

  // a retry the customer triggered by updating the card: at once, whatever the schedule says
  let nextAttempt = attemptsMade + 1;
  if (c.retryOnUpdateAt !== null && c.retryOnUpdateAt < c.finalActionAt) {
    steps.push(
      system('retry', c.retryOnUpdateAt, `retry-c${c.charge}-u${c.updates}`, p.retryAction, {
        campaignId,
        currency,
        amount,
        invoiceId,
        attempt: nextAttempt++,
        trigger: 'payment_method_updated',
      }),
    );
  }
  const planned = waiting
    ? { times: [], slots: [], schedule: p.defaultSchedule }
    : scheduledRetries(ctx, c, p, after, limit);
  for (let i = 0; i < planned.times.length; i++) {
    const t = planned.times[i]!;
    steps.push(
      system(
        'retry',
        t,
        `retry-c${c.charge}r${c.round}-${planned.schedule.key}${planned.slots[i]}`,
        p.retryAction,
        { campaignId, currency, amount, invoiceId, attempt: nextAttempt++, trigger: 'schedule' },
        limit,
      ),
    );
  }

  // messages after the failures of this charge
  const nextRetryAt: JsonValue = planned.times[0] ?? c.retryOnUpdateAt ?? null;
  const url = link(ctx, p);
  const finalActionAt = c.finalActionAt;
  for (let i = 0; i < c.attempts.length; i++) {
    const a = c.attempts[i]!;
    const previous = c.attempts[i - 1];
    const needsCustomer = a.class !== 'soft';
    const first = a.by === 'charge';
    if (
      needsCustomer &&
      m.actionRequired !== false &&
      (first || previous?.class === 'soft' || a.by === 'customer')
    )
      steps.push(
        message(
          'action_required',
          sendTime(ctx, p, a.at),
          `action-required-c${c.charge}a${i + 1}`,
          m.actionRequired,
          failureParams(c, url, nextRetryAt, i),
        ),
      );
    else if (first && m.paymentFailed !== false)
      steps.push(
        message(
          'payment_failed',
          sendTime(ctx, p, a.at),
          `payment-failed-c${c.charge}`,
          m.paymentFailed,
          failureParams(c, url, nextRetryAt, i),
        ),
      );
  }
  // before the last automatic retry of the round
  const n = planned.times.length;
  if (m.lastAttempt !== false && n > 0) {
    const lastRetry = planned.times[n - 1]!;
    const before = n > 1 ? planned.times[n - 2]! : after;
    const due = sendTime(ctx, p, before + 1);
    if (due < lastRetry)
      steps.push(
        message('last_attempt', due, `last-attempt-c${c.charge}r${c.round}`, m.lastAttempt, {
          campaignId,
          currency,
          updatePaymentUrl: url,
          amountDue: amount,
          finalActionAt,
          nextRetryAt,
          retryAt: lastRetry,
        }),
      );
  }
  // the overdue ladder
  for (const stage of p.stages) {
    const t = shiftByDuration(c.startedAt, stage.after, 1, ctx.timeZone);
    if (t < c.finalActionAt)
      steps.push(
        system('stage', t, `stage-${stage.name}`, stage.action, {
          campaignId,
          currency,
          stage: stage.name,
          access: stage.access,
        }),
      );
  }
  if (m.finalNotice !== false) {
    const t = shiftByDuration(c.finalActionAt, p.final.noticeBefore, -1, ctx.timeZone);
    const due = p.sendAt === null ? t : localDayAt(t, 0, p.sendAt, ctx.timeZone);
    if (due > c.startedAt && due < c.finalActionAt)
      steps.push(
        message('final_notice', due, 'final-notice', m.finalNotice, {
          campaignId,
          currency,
          updatePaymentUrl: url,
          amountDue: amount,
          finalActionAt,
          nextRetryAt,
          finalAction: p.final.type,
        }),
      );
  }
  return steps;
}

const byTime = (a: { dueAt: number }, b: { dueAt: number }): number => a.dueAt - b.dueAt;

/**
 * Sorts by `dueAt`, stably, in place. A plan has a handful of steps, mostly already in order:
 * insertion sort checks that in one pass, where `Array.prototype.sort` would set up a merge sort
 * per plan.
 */
function sortByDueAt<T extends { readonly dueAt: number }>(items: T[]): T[] {
  if (items.length > 32) return items.sort(byTime);
  for (let i = 1; i < items.length; i++) {
    const x = items[i]!;
    let j = i - 1;
    if (items[j]!.dueAt <= x.dueAt) continue;
    while (j >= 0 && items[j]!.dueAt > x.dueAt) {
      items[j + 1] = items[j]!;
      j--;
    }
    items[j + 1] = x;
  }
  return items;
}
const byTimeThenUrgency = (a: RawStep, b: RawStep): number => a.dueAt - b.dueAt || b.rank - a.rank;
const byTimeThenRank = (a: RawStep, b: RawStep): number => a.dueAt - b.dueAt || a.rank - b.rank;

/**
 * Gives every step of one campaign its own instant: at most one customer message per instant
 * (the most urgent), messages never move (their local send time holds), and a system step that
 * meets an occupied instant moves one second later (a retry pushed past its limit is dropped).
 * Messages due at or after the final action of an open campaign are dropped.
 */
function strictOrder(steps: RawStep[], finalAt: Instant | null): RawStep[] {
  const messages: RawStep[] = [];
  const systems: RawStep[] = [];
  for (const s of steps) {
    if (!s.message) systems.push(s);
    else if (finalAt === null || s.dueAt < finalAt) messages.push(s);
  }
  messages.sort(byTimeThenUrgency);
  systems.sort(byTimeThenRank);
  const out: RawStep[] = [];
  const taken = new Set<number>();
  for (const s of messages) {
    if (taken.has(s.dueAt)) continue;
    taken.add(s.dueAt);
    out.push(s);
  }
  let previous = Number.NEGATIVE_INFINITY;
  for (const s of systems) {
    let t = Math.max(s.dueAt, previous + 1000);
    while (taken.has(t)) t += 1000;
    if (t >= s.limit) continue;
    taken.add(t);
    s.dueAt = t;
    previous = t;
    out.push(s);
  }
  return sortByDueAt(out);
}

/**
 * `String(t)` for an instant. The instants from 2001 to 2286 have 13 digits, written here by
 * arithmetic: V8 formats a number beyond 32 bits with its general double printer, which costs a
 * reminder's plan more than the rest of its occurrence.
 *
 * @internal
 */
export function instantString(t: Instant): string {
  if (!(t >= 1e12 && t < 1e13)) return String(t);
  const hi = Math.floor(t / 1e7); // the first 6 digits
  const lo = t - hi * 1e7; // the last 7
  const a = Math.floor(hi / 1000);
  const b = hi - a * 1000;
  const c = Math.floor(lo / 10_000);
  const d = lo - c * 10_000;
  return String.fromCharCode(
    48 + Math.floor(a / 100),
    48 + (Math.floor(a / 10) % 10),
    48 + (a % 10),
    48 + Math.floor(b / 100),
    48 + (Math.floor(b / 10) % 10),
    48 + (b % 10),
    48 + Math.floor(c / 100),
    48 + (Math.floor(c / 10) % 10),
    48 + (c % 10),
    48 + Math.floor(d / 1000),
    48 + (Math.floor(d / 100) % 10),
    48 + (Math.floor(d / 10) % 10),
    48 + (d % 10),
  );
}

/**
 * Lists the reminders before the next charge of an active or trialing subscription into
 * `steps`, unless a campaign in its currency is open (the campaign's own messages ask for new
 * payment details then). Returns the first reminder after `until` (`+Infinity` when none): the
 * caller wakes up for it.
 */
function reminderSteps(
  ctx: PlanContext,
  campaigns: readonly DunningCampaign[],
  from: Instant,
  until: Instant,
  steps: DunningStep[],
): Instant {
  const { sub, current: p, timeZone } = ctx;
  const charge = sub.currentPeriodEnd;
  if (sub.canceled || charge <= ctx.now) return Number.POSITIVE_INFINITY;
  if (sub.status !== 'active' && sub.status !== 'trialing') return Number.POSITIVE_INFINITY;
  // a reminder due while a campaign in its currency was open was held back, and is not sent once
  // the campaign has closed (a plan whose window starts before the close would list it, late)
  let heldFrom = Number.POSITIVE_INFINITY;
  let heldUntil = Number.NEGATIVE_INFINITY;
  for (const c of campaigns) {
    if (c.currency !== sub.currency) continue;
    if (c.status === 'open') return Number.POSITIVE_INFINITY;
    heldFrom = c.startedAt;
    heldUntil = c.closedAt ?? c.startedAt;
  }
  let kind: DunningStepKind = 'pre_charge_reminder';
  let reminder = p.preCharge;
  const card = sub.card;
  if (card !== null && p.cardExpiry !== null) {
    // the card works through its expiry month: it is expired from the 1st of the next month on
    const expiresAt = fromWallClock(Date.UTC(card.expYear, card.expMonth, 1), timeZone);
    if (expiresAt <= charge) {
      kind = 'card_expiry_reminder';
      reminder = p.cardExpiry;
    }
  }
  if (reminder === null) return Number.POSITIVE_INFINITY;
  let params: Attributes | undefined; // built for the first reminder listed
  let occurrence = ''; // likewise: formatting the instant costs more than the rest
  const chargeDay = p.sendAt === null ? 0 : Math.floor(wallClock(charge, timeZone) / DAY);
  // offsets go from the longest to the shortest (the policy checks it), so the reminders come
  // in time order: the first one after `until` is the one to wake up for, and ends the list
  for (let i = 0; i < reminder.offsets.length; i++) {
    const dueAt =
      p.sendAt === null
        ? shiftByDuration(charge, reminder.offsets[i]!, -1, timeZone)
        : fromWallClock((chargeDay - reminder.days[i]!) * DAY + p.sendAt * MINUTE, timeZone);
    if (dueAt >= charge || dueAt < from || (dueAt >= heldFrom && dueAt < heldUntil)) continue;
    if (dueAt > until) return dueAt;
    if (params === undefined) {
      params = {
        updatePaymentUrl: link(ctx, p),
        chargeAt: charge,
        amount: sub.amount,
        currency: sub.currency,
        plan: sub.plan,
        ...(kind === 'card_expiry_reminder' && card !== null
          ? { cardExpMonth: card.expMonth, cardExpYear: card.expYear }
          : {}),
      };
      occurrence = `${sub.id}:${instantString(charge)}`;
    }
    const raw = message(kind, dueAt, reminder.names[i]!, reminder.action, params);
    steps.push({
      kind,
      dueAt,
      campaignId: null,
      currency: sub.currency,
      action: toAction(ctx, p, occurrence, raw),
    });
  }
  return Number.POSITIVE_INFINITY;
}

function accessAt(ctx: PlanContext, c: DunningCampaign, p: CompiledPolicy): AccessLevel {
  if (c.status === 'recovered') return 'full';
  if (c.status === 'final_action') return p.final.access;
  for (let i = p.stages.length - 1; i >= 0; i--) {
    const stage = p.stages[i]!;
    if (shiftByDuration(c.startedAt, stage.after, 1, ctx.timeZone) <= ctx.now) return stage.access;
  }
  if (ctx.now < shiftByDuration(c.startedAt, p.grace, 1, ctx.timeZone)) return 'full';
  return p.access;
}

function toAction(
  ctx: PlanContext,
  p: CompiledPolicy,
  occurrence: string,
  s: RawStep,
): PlannedAction {
  return planAction(
    {
      channel: s.spec.channel,
      template: s.spec.template,
      params: hasKeys(s.spec.params) ? { ...s.spec.params, ...s.params } : s.params,
      priority: s.spec.priority,
    },
    {
      customerId: ctx.sub.customerId,
      dueAt: s.dueAt,
      source: {
        module: 'dunning',
        definitionId: p.id,
        version: p.version,
        occurrence,
        step: s.name,
      },
    },
  );
}

/** Whether two pending lists name the same keys due at the same instants, in the same order. */
function samePending(a: DunningState['pending'], b: DunningState['pending']): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.key !== y.key || x.dueAt !== y.dueAt) return false;
  }
  return true;
}

/**
 * Assembles the plan from the campaigns after events: the steps due from `from` to `until`
 * (both included), the pending keys no longer listed after `cancelFrom` (`previousPending` is
 * `null` without a stored state), and the next wake-up.
 */
export function buildPlan(
  ctx: PlanContext,
  campaigns: readonly DunningCampaign[],
  closed: readonly DunningCampaign[],
  from: Instant,
  until: Instant,
  cancelFrom: Instant,
  lastEventAt: Instant | null,
  previousPending: DunningState['pending'] | null,
): DunningPlan {
  const steps: DunningStep[] = [];
  let access: AccessLevel = 'full';
  // the first step beyond the horizon, when one is set: the caller must wake up for it
  let beyond = Number.POSITIVE_INFINITY;
  for (const c of campaigns) {
    const p = policyFor(ctx, c);
    const a = accessAt(ctx, c, p);
    if (ACCESS_ORDER[a] < ACCESS_ORDER[access]) access = a;
    const raw = strictOrder(campaignSteps(ctx, c, p), c.status === 'open' ? c.finalActionAt : null);
    for (const s of raw) {
      if (s.dueAt < from) continue;
      if (s.dueAt > until) {
        if (s.dueAt < beyond) beyond = s.dueAt;
        continue;
      }
      steps.push({
        kind: s.kind,
        dueAt: s.dueAt,
        campaignId: c.id,
        currency: c.currency,
        action: toAction(ctx, p, c.id, s),
      });
    }
  }
  const reminderBeyond = reminderSteps(ctx, campaigns, from, until, steps);
  if (reminderBeyond < beyond) beyond = reminderBeyond;
  sortByDueAt(steps);

  const actions: PlannedAction[] = [];
  const pending: { key: string; dueAt: Instant }[] = [];
  let nextWakeUpAt: Instant | null = null;
  for (const s of steps) {
    actions.push(s.action);
    if (s.dueAt > ctx.now) {
      pending.push({ key: s.action.key, dueAt: s.dueAt });
      if (nextWakeUpAt === null) nextWakeUpAt = s.dueAt;
    }
  }
  if (
    beyond !== Number.POSITIVE_INFINITY &&
    beyond > ctx.now &&
    (nextWakeUpAt === null || beyond < nextWakeUpAt)
  )
    nextWakeUpAt = beyond;
  const cancel: string[] = [];
  if (previousPending !== null)
    for (const p of previousPending) {
      if (p.dueAt <= cancelFrom) continue;
      let listed = false;
      for (let i = 0; i < actions.length && !listed; i++) listed = actions[i]!.key === p.key;
      if (!listed) cancel.push(p.key);
    }
  return {
    state: {
      format: 1,
      subscriptionId: ctx.sub.id,
      plannedAt: ctx.now,
      lastEventAt,
      campaigns,
      // the earlier list when it is unchanged: the same object, which a store that keeps what it
      // was given (the memory store reuses what a new state kept) need not copy again
      pending:
        previousPending !== null && samePending(previousPending, pending)
          ? previousPending
          : pending,
    },
    steps,
    actions,
    cancel,
    nextWakeUpAt,
    access,
    closed,
  };
}
