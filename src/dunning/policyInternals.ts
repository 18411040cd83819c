/**
 * The compiled form of a dunning policy (durations parsed, times in minutes) and the checks that
 * span several fields. Internal to the dunning module.
 */
import { type Duration, type DurationInput, parseDuration } from '../core/duration';
import type { IssuePath, RetentionIssue } from '../core/errors';
import type { BillingInterval } from '../core/records';
import type { SoftDeclineReason } from './classifyDecline';
import type {
  AccessLevel,
  DunningOffset,
  DunningPolicy,
  FinalActionType,
  ResolvedActionSpec,
} from './defineDunningPolicy';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export const SOFT_REASONS: readonly SoftDeclineReason[] = [
  'insufficient_funds',
  'temporary',
  'generic',
  'unknown',
];

/** A reminder, compiled: offsets in whole days (when sent at a local time) or durations. */
export interface CompiledReminder {
  readonly offsets: readonly Duration[];
  /** Whole days of each offset (rounded down), for step names and local-day arithmetic. */
  readonly days: readonly number[];
  /**
   * Step name of each offset: the prefix and `'7d'`, or the milliseconds for sub-day offsets.
   * Built once here: a name built per step would be a rope the idempotency key must flatten.
   */
  readonly names: readonly string[];
  readonly action: ResolvedActionSpec;
}

export interface CompiledSchedule {
  /** `'default'` or the reason whose own list this is; part of retry step names. */
  readonly key: string;
  readonly offsets: readonly Duration[];
  /** Whole local days of each offset, used when `retryAt` is set. */
  readonly days: readonly number[];
}

export interface CompiledStage {
  readonly name: string;
  readonly after: Duration;
  readonly access: AccessLevel;
  readonly action: ResolvedActionSpec;
}

export interface CompiledPolicy {
  readonly policy: DunningPolicy;
  readonly id: string;
  readonly version: number;
  /** The shortest billing period the policy assumes, in milliseconds. */
  readonly minPeriodMs: number;
  readonly billingLabel: string;
  readonly sendAt: number | null;
  readonly url: string;
  readonly preCharge: CompiledReminder | null;
  readonly cardExpiry: CompiledReminder | null;
  /** The retry schedule of each soft reason (its own list, or the default one). */
  readonly schedules: Readonly<Record<SoftDeclineReason, CompiledSchedule>>;
  readonly defaultSchedule: CompiledSchedule;
  readonly maxRetries: number;
  readonly window: Duration;
  readonly retryAt: number | null;
  /** Business days: bit `d` of the mask is set for a weekend weekday `d`; holidays as local dates. */
  readonly business: {
    readonly weekendMask: number;
    readonly holidays: ReadonlySet<string>;
  } | null;
  readonly retryAction: ResolvedActionSpec;
  readonly grace: Duration;
  readonly access: AccessLevel;
  readonly stages: readonly CompiledStage[];
  readonly final: {
    readonly type: FinalActionType;
    readonly after: Duration;
    readonly plan: string | null;
    readonly access: AccessLevel;
    readonly noticeBefore: Duration;
    readonly action: ResolvedActionSpec;
  };
  readonly messages: DunningPolicy['messages'];
}

/** Nominal length: a calendar day counts 24 hours. Months and years are rejected before this. */
export function nominalMs(d: Duration): number {
  if (d.kind === 'fixed') return d.ms;
  return (
    (d.weeks * 7 + d.days) * DAY +
    (d.hours * 60 + d.minutes) * MINUTE +
    d.seconds * 1000 +
    (d.years * 365 + d.months * 30) * DAY
  );
}

/** The most a duration can last on a wall clock with daylight saving (one hour more). */
function maxMs(d: Duration): number {
  return nominalMs(d) + (d.kind === 'calendar' && d.weeks + d.days > 0 ? HOUR : 0);
}

/** The fewest days `months` consecutive calendar months can have. */
function minDaysInMonths(months: number): number {
  let min = Number.POSITIVE_INFINITY;
  for (let start = 0; start < 48; start++) {
    // the last day of a month is the worst anchor: Jan 31 + 1 month is Feb 28
    const from = Date.UTC(2001, start, 1);
    const to = Date.UTC(2001, start + months, 1);
    min = Math.min(min, Math.round((to - from) / DAY));
  }
  return min;
}

/**
 * {@link minDaysInMonths} by number of months, computed once each (48 dates per call); 0 where
 * not yet computed. A billing period is at most 1,000 years (the policy and subscription
 * checks), so 12,001 entries, allocated on first use.
 */
let minDaysByMonths: Int32Array | undefined;

/** The shortest a billing period can be on a wall clock (one hour less across a DST change). */
export function minPeriodMs(interval: BillingInterval, count: number): number {
  if (interval === 'day') return count * DAY - HOUR;
  if (interval === 'week') return count * 7 * DAY - HOUR;
  const months = count * (interval === 'month' ? 1 : interval === 'quarter' ? 3 : 12);
  if (minDaysByMonths === undefined) minDaysByMonths = new Int32Array(12_001);
  let days = minDaysByMonths[months];
  // beyond the table (a count the checks before this call rule out) nothing is remembered
  if (days === undefined || days === 0) {
    days = minDaysInMonths(months);
    minDaysByMonths[months] = days;
  }
  return days * DAY - HOUR;
}

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

function compileReminder(
  r: DunningPolicy['reminders']['preCharge'],
  prefix: string,
): CompiledReminder | null {
  if (r === false) return null;
  const offsets = r.before.map((o) => parseDuration(o));
  return {
    offsets,
    days: offsets.map((o) => Math.floor(nominalMs(o) / DAY)),
    names: offsets.map((o) => {
      const ms = nominalMs(o);
      return ms % DAY === 0 ? `${prefix}${ms / DAY}d` : `${prefix}${ms}ms`;
    }),
    action: r.action,
  };
}

const cache = new WeakMap<object, CompiledPolicy>();

/** Compiles a validated policy, once per policy object. */
export function compilePolicy(policy: DunningPolicy): CompiledPolicy {
  const hit = cache.get(policy);
  if (hit !== undefined) return hit;
  const r = policy.retries;
  const schedule = (key: string, list: readonly DunningOffset[]): CompiledSchedule => {
    const offsets = list.map((o) => parseDuration(o));
    return { key, offsets, days: offsets.map((d) => Math.round(nominalMs(d) / DAY)) };
  };
  const defaultSchedule = schedule('default', r.schedule.default);
  const schedules = {} as Record<SoftDeclineReason, CompiledSchedule>;
  for (const reason of SOFT_REASONS) {
    const list = r.schedule[reason];
    schedules[reason] = list === undefined ? defaultSchedule : schedule(reason, list);
  }
  const compiled: CompiledPolicy = {
    policy,
    id: policy.id,
    version: policy.version,
    minPeriodMs: minPeriodMs(policy.billing.interval, policy.billing.intervalCount),
    billingLabel:
      policy.billing.intervalCount === 1
        ? `${policy.billing.interval}ly`
        : `every ${policy.billing.intervalCount} ${policy.billing.interval}s`,
    sendAt: policy.sendAt === null ? null : minutesOf(policy.sendAt),
    url: policy.updatePaymentUrl,
    preCharge: compileReminder(policy.reminders.preCharge, 'pre-charge-'),
    cardExpiry: compileReminder(policy.reminders.cardExpiry, 'card-expiry-'),
    schedules,
    defaultSchedule,
    maxRetries: r.maxRetries,
    window: parseDuration(r.window),
    retryAt: r.at === null ? null : minutesOf(r.at),
    business:
      r.businessDays === null
        ? null
        : {
            weekendMask: r.businessDays.weekend.reduce<number>((m, d) => m | (1 << d), 0),
            holidays: new Set(r.businessDays.holidays),
          },
    retryAction: r.action,
    grace: parseDuration(policy.gracePeriod),
    access: policy.access,
    stages: policy.stages.map((s) => ({
      name: s.name,
      after: parseDuration(s.after),
      access: s.access,
      action: s.action,
    })),
    final: {
      type: policy.finalAction.type,
      after: parseDuration(policy.finalAction.after),
      plan: policy.finalAction.plan,
      access: policy.finalAction.access,
      noticeBefore: parseDuration(policy.finalAction.noticeBefore),
      action: policy.finalAction.action,
    },
    messages: policy.messages,
  };
  cache.set(policy, compiled);
  return compiled;
}

/** Remembers the compiled form of a policy under another object (a caller's copy of it). */
export function rememberCompiled(key: object, compiled: CompiledPolicy): void {
  cache.set(key, compiled);
}

/** The last policy object looked up and its compiled form: an engine plans with one policy. */
let lastKey: object | undefined;
let lastCompiled: CompiledPolicy | undefined;

/** The compiled form of a policy object seen before, if any. */
export function cachedCompiled(key: object): CompiledPolicy | undefined {
  if (key === lastKey) return lastCompiled;
  const hit = cache.get(key);
  if (hit !== undefined) {
    lastKey = key;
    lastCompiled = hit;
  }
  return hit;
}

/**
 * The checks that span several fields of a resolved policy. Paths point into the definition as
 * the caller wrote it (`scheduleIsList`: the schedule was a list rather than per reason).
 */
export function policyIssues(
  policy: DunningPolicy,
  given: { readonly scheduleIsList: boolean; readonly finalAfterGiven: boolean },
): RetentionIssue[] {
  const { scheduleIsList } = given;
  const issues: RetentionIssue[] = [];
  const durations = new Map<string, Duration>();
  const read = (value: DurationInput, path: IssuePath): Duration | null => {
    const d = parseDuration(value);
    if (d.kind === 'calendar' && d.years + d.months > 0) {
      issues.push({
        code: 'invalid_duration',
        path,
        expected: 'weeks, days, hours or minutes',
        detail: 'months and years vary in length; dunning counts days',
      });
      return null;
    }
    durations.set(path.join('.'), d);
    return d;
  };
  const r = policy.retries;
  const windowD = read(r.window, ['retries', 'window']);
  const minPeriod = minPeriodMs(policy.billing.interval, policy.billing.intervalCount);
  const periodDays = Math.floor((minPeriod + HOUR) / DAY);
  if (windowD !== null) {
    if (nominalMs(windowD) <= 0)
      issues.push({ code: 'out_of_range', path: ['retries', 'window'], expected: '> 0' });
    else if (maxMs(windowD) >= minPeriod)
      issues.push({
        code: 'out_of_range',
        path: ['retries', 'window'],
        detail: `the retry window must end before the next billing period (the shortest ${policy.billing.interval} period of this policy is ${periodDays} days)`,
        expected: `less than ${periodDays} days`,
      });
  }

  const lists: [string | null, readonly DunningOffset[]][] = [[null, r.schedule.default]];
  for (const reason of SOFT_REASONS) {
    const list = r.schedule[reason];
    if (list !== undefined) lists.push([reason, list]);
  }
  for (const [reason, list] of lists) {
    const base: IssuePath = scheduleIsList
      ? ['retries', 'schedule']
      : ['retries', 'schedule', reason ?? 'default'];
    let previous = 0;
    list.forEach((offset, i) => {
      const path = [...base, i];
      const d = read(offset, path);
      if (d === null) return;
      const ms = nominalMs(d);
      if (ms <= 0) issues.push({ code: 'out_of_range', path, expected: '> 0' });
      else if (ms <= previous)
        issues.push({ code: 'order', path, detail: 'retry offsets must increase' });
      else if (windowD !== null && ms >= nominalMs(windowD))
        issues.push({
          code: 'out_of_range',
          path,
          detail: 'a retry offset must be shorter than the retry window',
        });
      else if (r.at !== null && ms % DAY !== 0)
        issues.push({
          code: 'invalid_value',
          path,
          detail: 'with retries.at, offsets are whole days',
          expected: "'1d', '2d', ... or { days: n }",
        });
      previous = Math.max(previous, ms);
    });
  }

  if (r.businessDays !== null) {
    const seen = new Set<number>();
    r.businessDays.weekend.forEach((d, i) => {
      if (seen.has(d))
        issues.push({ code: 'duplicate', path: ['retries', 'businessDays', 'weekend', i] });
      seen.add(d);
    });
  }

  for (const key of ['preCharge', 'cardExpiry'] as const) {
    const reminder = policy.reminders[key];
    if (reminder === false) continue;
    let previous = Number.POSITIVE_INFINITY;
    reminder.before.forEach((offset, i) => {
      const path = ['reminders', key, 'before', i];
      const d = read(offset, path);
      if (d === null) return;
      const ms = nominalMs(d);
      if (ms <= 0) issues.push({ code: 'out_of_range', path, expected: '> 0' });
      else if (ms >= previous)
        issues.push({
          code: 'order',
          path,
          detail: 'reminder offsets go from the longest to the shortest',
        });
      else if (policy.sendAt !== null && ms % DAY !== 0)
        issues.push({
          code: 'invalid_value',
          path,
          detail: 'reminders sent at a local time of day are whole days before the charge',
          expected: "'7d', '3d', ... or { days: n }",
        });
      else if (maxMs(d) >= minPeriod)
        issues.push({
          code: 'out_of_range',
          path,
          detail: 'a reminder must come after the previous charge',
          expected: `less than ${periodDays} days`,
        });
      previous = Math.min(previous, ms);
    });
  }

  const f = policy.finalAction;
  // a defaulted `after` is the window itself, whose issues are reported at its own path
  const after = given.finalAfterGiven ? read(f.after, ['finalAction', 'after']) : windowD;
  const notice = read(f.noticeBefore, ['finalAction', 'noticeBefore']);
  const grace = read(policy.gracePeriod, ['gracePeriod']);
  if (after !== null && windowD !== null && nominalMs(after) < nominalMs(windowD))
    issues.push({
      code: 'out_of_range',
      path: ['finalAction', 'after'],
      detail: 'the final action must not come before the end of the retry window',
    });
  if (after !== null && notice !== null && nominalMs(notice) >= nominalMs(after))
    issues.push({
      code: 'out_of_range',
      path: ['finalAction', 'noticeBefore'],
      detail: 'the final notice must come after the first failure',
    });
  if (after !== null && grace !== null && nominalMs(grace) > nominalMs(after))
    issues.push({
      code: 'out_of_range',
      path: ['gracePeriod'],
      detail: 'the grace period cannot outlast the final action',
    });
  if (f.type === 'downgrade' && f.plan === null)
    issues.push({
      code: 'required',
      path: ['finalAction', 'plan'],
      detail: 'a downgrade names the plan',
    });
  if (f.type !== 'downgrade' && f.plan !== null)
    issues.push({
      code: 'invalid_value',
      path: ['finalAction', 'plan'],
      detail: 'only a downgrade names a plan',
    });

  const names = new Set<string>();
  let previous = -1;
  policy.stages.forEach((stage, i) => {
    if (names.has(stage.name)) issues.push({ code: 'duplicate', path: ['stages', i, 'name'] });
    names.add(stage.name);
    const d = read(stage.after, ['stages', i, 'after']);
    if (d === null) return;
    const ms = nominalMs(d);
    if (ms <= previous)
      issues.push({
        code: 'order',
        path: ['stages', i, 'after'],
        detail: 'stages must be in time order',
      });
    else if (after !== null && ms >= nominalMs(after))
      issues.push({
        code: 'out_of_range',
        path: ['stages', i, 'after'],
        detail: 'a stage must start before the final action',
      });
    previous = Math.max(previous, ms);
  });
  return issues;
}
