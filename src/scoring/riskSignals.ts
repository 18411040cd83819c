import { failInput } from '../core/errors';
import type { Instant, InstantInput } from '../core/instant';
import type { BillingInterval } from '../core/records';
import {
  type ActivityDropEvidence,
  type ActivityDropOptions,
  activityDropSignal,
} from './activityDropSignal';
import {
  type ActivityHistory,
  type ActivityOccurrence,
  asOfFor,
  countDays,
  readHistory,
  requireWindow,
  typeOf,
} from './activityHistory';
import {
  at,
  DAY,
  dayOf,
  requireDays,
  requireNumber,
  requireObject,
  requireString,
  requireStringList,
  type Where,
} from './internal';
import type { RiskSignal } from './riskSignal';

function start(history: ActivityHistory, options: unknown, fn: string) {
  const h = readHistory(history, fn, 'history');
  const where: Where = { fn, root: 'options', path: [] };
  const o = requireObject(options, where);
  return { h, where, o, asOf: asOfFor(h, o.asOf, fn) };
}

/** The kept occurrences of a type; throws when the type has events but the history keeps none. */
function recentOf(h: ActivityHistory, type: string, where: Where): readonly ActivityOccurrence[] {
  const t = typeOf(h, type);
  if (t === undefined) return [];
  if (t.recent === undefined)
    failInput(where, {
      code: 'invalid_value',
      path: [],
      detail: `the history does not keep the latest ${type} events: list the type in updateActivityHistory's recent option`,
    });
  return t.recent;
}

// ---------------------------------------------------------------------------------------------

/**
 * Options of {@link billingSwitchSignal}.
 *
 * @category scoring
 */
export interface BillingSwitchOptions {
  readonly asOf: InstantInput;
  /** How far back a switch counts, in days. @defaultValue `90` */
  readonly withinDays?: number;
  /** The event that records a change of billing interval, with `from` and `to` properties. @defaultValue `'billing_interval_changed'` */
  readonly eventType?: string;
}

/**
 * The evidence of {@link billingSwitchSignal}: the latest switch to a shorter interval, if any.
 *
 * @category scoring
 */
export interface BillingSwitchEvidence {
  readonly at: Instant | null;
  readonly from: BillingInterval | null;
  readonly to: BillingInterval | null;
  readonly withinDays: number;
}

const INTERVAL_RANK: Readonly<Record<string, number>> = {
  day: 1,
  week: 2,
  month: 3,
  quarter: 4,
  year: 5,
};

/**
 * Fires when the customer switched to a shorter billing interval (annual to monthly, the classic
 * sign of a customer keeping the door open) within `withinDays`. Strength is 1 when it fired.
 *
 * Reads: the kept `billing_interval_changed` events, with their `from` and `to` properties
 * (`'day' | 'week' | 'month' | 'quarter' | 'year'`).
 *
 * @param history - The customer's history, from {@link updateActivityHistory}.
 * @param options - See {@link BillingSwitchOptions}; `asOf` is required.
 * @returns The signal, with the switch as evidence.
 * @throws {RetentionInputError} When an option is malformed or the history does not keep the
 * event type's latest occurrences.
 *
 * @example
 * const history = updateActivityHistory(undefined, [
 *   { id: 'e1', customerId: 'c', type: 'billing_interval_changed', at: '2026-02-20T00:00:00Z', properties: { from: 'year', to: 'month' } },
 * ]);
 * billingSwitchSignal(history, { asOf: '2026-03-01T00:00:00Z' }).fired
 * //=> true
 *
 * @category scoring
 */
export function billingSwitchSignal(
  history: ActivityHistory,
  options: BillingSwitchOptions,
): RiskSignal<BillingSwitchEvidence> {
  const { h, where, asOf } = start(history, options, 'billingSwitchSignal');
  const withinDays = requireDays(options.withinDays ?? 90, at(where, 'withinDays'));
  const type =
    options.eventType === undefined
      ? 'billing_interval_changed'
      : requireString(options.eventType, at(where, 'eventType'));
  const list = recentOf(h, type, at(where, 'eventType'));
  for (let i = list.length - 1; i >= 0; i--) {
    const o = list[i]!;
    if (o.at < asOf - withinDays * DAY) break;
    const from = o.properties.from;
    const to = o.properties.to;
    const rf = typeof from === 'string' ? INTERVAL_RANK[from] : undefined;
    const rt = typeof to === 'string' ? INTERVAL_RANK[to] : undefined;
    if (rf !== undefined && rt !== undefined && rt < rf)
      return {
        signal: 'billing_switch',
        fired: true,
        strength: 1,
        evidence: {
          at: o.at,
          from: from as BillingInterval,
          to: to as BillingInterval,
          withinDays,
        },
      };
  }
  return {
    signal: 'billing_switch',
    fired: false,
    strength: 0,
    evidence: { at: null, from: null, to: null, withinDays },
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Options of {@link ignoredEmailsSignal}.
 *
 * @category scoring
 */
export interface IgnoredEmailsOptions {
  readonly asOf: InstantInput;
  /** How many unopened emails in a row fire. @defaultValue `3` */
  readonly inARow?: number;
  /** Emails sent in the last `graceDays` days may still be opened and are not counted. @defaultValue `2` */
  readonly graceDays?: number;
  /** The event of a sent email. @defaultValue `'email_sent'` */
  readonly sentType?: string;
  /** Events that show an email was read. @defaultValue `['email_opened', 'email_clicked']` */
  readonly openedTypes?: readonly string[];
}

/**
 * The evidence of {@link ignoredEmailsSignal}.
 *
 * @category scoring
 */
export interface IgnoredEmailsEvidence {
  /** The latest emails, counted back from the newest past the grace period, none of them opened. */
  readonly ignoredInARow: number;
  /** Emails considered (the history keeps the latest `recentLimit`). */
  readonly considered: number;
  readonly lastOpenedAt: Instant | null;
  readonly threshold: number;
}

/**
 * Fires when the customer left the last `inARow` engagement emails unopened. An open matches its
 * email by the `campaign` property when both have one, otherwise any open after the email and
 * before the next one counts. Strength is `min(1, ignoredInARow / inARow)`.
 *
 * Reads: the kept `email_sent`, `email_opened` and `email_clicked` events (`campaign`).
 *
 * @param history - The customer's history, from {@link updateActivityHistory}.
 * @param options - See {@link IgnoredEmailsOptions}; `asOf` is required.
 * @returns The signal, with the run of ignored emails as evidence.
 * @throws {RetentionInputError} When an option is malformed or the history does not keep the
 * email events' latest occurrences.
 *
 * @example
 * const events = [1, 8, 15, 22].map((d) => ({ id: `s${d}`, customerId: 'c', type: 'email_sent', at: Date.UTC(2026, 1, d), properties: { campaign: `tips-${d}` } }));
 * events.push({ id: 'o1', customerId: 'c', type: 'email_opened', at: Date.UTC(2026, 1, 1, 9), properties: { campaign: 'tips-1' } });
 * ignoredEmailsSignal(updateActivityHistory(undefined, events), { asOf: '2026-03-01T00:00:00Z' }).evidence.ignoredInARow
 * //=> 3
 *
 * @category scoring
 */
export function ignoredEmailsSignal(
  history: ActivityHistory,
  options: IgnoredEmailsOptions,
): RiskSignal<IgnoredEmailsEvidence> {
  const { h, where, asOf } = start(history, options, 'ignoredEmailsSignal');
  const inARow = requireNumber(options.inARow ?? 3, at(where, 'inARow'), {
    min: 1,
    max: 1000,
    integer: true,
  });
  const graceDays = requireNumber(options.graceDays ?? 2, at(where, 'graceDays'), {
    min: 0,
    max: 365,
  });
  const sentType =
    options.sentType === undefined
      ? 'email_sent'
      : requireString(options.sentType, at(where, 'sentType'));
  const openedTypes =
    options.openedTypes === undefined
      ? ['email_opened', 'email_clicked']
      : requireStringList(options.openedTypes, at(where, 'openedTypes'));
  const sent = recentOf(h, sentType, at(where, 'sentType'));
  const opens = openedTypes
    .flatMap((t) => recentOf(h, t, at(where, 'openedTypes')))
    .sort((a, b) => a.at - b.at);
  const lastOpenedAt = opens.length === 0 ? null : opens[opens.length - 1]!.at;
  const cutoff = asOf - graceDays * DAY;
  let ignored = 0;
  let considered = 0;
  for (let i = sent.length - 1; i >= 0; i--) {
    const s = sent[i]!;
    if (s.at > cutoff) continue;
    considered++;
    const next = i + 1 < sent.length ? sent[i + 1]!.at : Number.POSITIVE_INFINITY;
    const campaign = s.properties.campaign;
    const opened = opens.some((o) =>
      typeof campaign === 'string' && typeof o.properties.campaign === 'string'
        ? o.properties.campaign === campaign
        : o.at >= s.at && o.at < next,
    );
    if (opened) break;
    ignored++;
  }
  return {
    signal: 'ignored_emails',
    fired: ignored >= inARow,
    strength: Math.min(1, ignored / inARow),
    evidence: { ignoredInARow: ignored, considered, lastOpenedAt, threshold: inARow },
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Options of {@link unusedPaidFeatureSignal}.
 *
 * @category scoring
 */
export interface UnusedPaidFeatureOptions {
  readonly asOf: InstantInput;
  /** The paid features of the customer's plan (values of the split property). */
  readonly features: readonly string[];
  /** A feature not used for this many days counts as unused. @defaultValue `30` */
  readonly days?: number;
  /** The split event type the features are counted under (`'feature_used:reports'`). @defaultValue `'feature_used'` */
  readonly eventType?: string;
}

/**
 * The evidence of {@link unusedPaidFeatureSignal}.
 *
 * @category scoring
 */
export interface UnusedPaidFeatureEvidence {
  readonly unused: readonly string[];
  readonly features: readonly { readonly feature: string; readonly lastUsedAt: Instant | null }[];
  readonly days: number;
}

/**
 * Fires when a paid feature has not been used for `days` days (or ever): a customer paying for
 * what they do not use is a customer about to stop paying, and a reason for a specialist to
 * call. Strength is the share of paid features unused.
 *
 * Reads: the `feature_used:<feature>` entries of the history (the default `splitBy`).
 *
 * @param history - The customer's history, from {@link updateActivityHistory}.
 * @param options - See {@link UnusedPaidFeatureOptions}; `asOf` and `features` are required.
 * @returns The signal, with each feature's last use as evidence.
 * @throws {RetentionInputError} When an option is malformed (no features, a bad window).
 *
 * @example
 * const history = updateActivityHistory(undefined, [
 *   { id: 'e1', customerId: 'c', type: 'feature_used', at: '2026-02-25T00:00:00Z', properties: { feature: 'reports' } },
 *   { id: 'e2', customerId: 'c', type: 'feature_used', at: '2026-01-05T00:00:00Z', properties: { feature: 'automation' } },
 * ]);
 * const signal = unusedPaidFeatureSignal(history, { asOf: '2026-03-01T00:00:00Z', features: ['reports', 'automation', 'api'] });
 * [signal.evidence.unused, Number(signal.strength.toFixed(2))]
 * //=> [['automation', 'api'], 0.67]
 *
 * @category scoring
 */
export function unusedPaidFeatureSignal(
  history: ActivityHistory,
  options: UnusedPaidFeatureOptions,
): RiskSignal<UnusedPaidFeatureEvidence> {
  const { h, where, asOf } = start(history, options, 'unusedPaidFeatureSignal');
  const features = requireStringList(options.features, at(where, 'features'));
  if (features.length === 0)
    failInput(at(where, 'features'), {
      code: 'required',
      path: [],
      detail: 'name at least one paid feature',
    });
  const days = requireDays(options.days ?? 30, at(where, 'days'));
  const type =
    options.eventType === undefined
      ? 'feature_used'
      : requireString(options.eventType, at(where, 'eventType'));
  const list = features.map((feature) => {
    const t = typeOf(h, `${type}:${feature}`);
    return { feature, lastUsedAt: t === undefined ? null : t.last };
  });
  const unused = list
    .filter((f) => f.lastUsedAt === null || asOf - f.lastUsedAt > days * DAY)
    .map((f) => f.feature);
  return {
    signal: 'unused_paid_feature',
    fired: unused.length > 0,
    strength: unused.length / features.length,
    evidence: { unused, features: list, days },
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Options of {@link failedPaymentsSignal}.
 *
 * @category scoring
 */
export interface FailedPaymentsOptions {
  readonly asOf: InstantInput;
  /** The window, in UTC days ending with the day of `asOf`. @defaultValue `30` */
  readonly days?: number;
  /** Failures in the window that fire. @defaultValue `1` */
  readonly minFailures?: number;
  /** Whether failures since recovered (a later successful payment) still fire. @defaultValue `false` */
  readonly includeRecovered?: boolean;
  /** @defaultValue `'payment_failed'` */
  readonly failedType?: string;
  /** @defaultValue `'payment_succeeded'` */
  readonly succeededType?: string;
}

/**
 * The evidence of {@link failedPaymentsSignal}.
 *
 * @category scoring
 */
export interface FailedPaymentsEvidence {
  readonly failures: number;
  readonly days: number;
  readonly lastFailedAt: Instant | null;
  readonly lastSucceededAt: Instant | null;
  /** Whether the latest failure is later than the latest successful payment. */
  readonly unresolved: boolean;
}

/**
 * Fires on failed payments in the window that no successful payment has followed (involuntary
 * churn in the making; hand it to dunning). Strength is `min(1, failures / minFailures)`, halved
 * when the customer has paid since.
 *
 * Reads: the daily counts and last instants of `payment_failed` and `payment_succeeded`.
 *
 * @param history - The customer's history, from {@link updateActivityHistory}.
 * @param options - See {@link FailedPaymentsOptions}; `asOf` is required.
 * @returns The signal, with the failures and whether they were recovered as evidence.
 * @throws {RetentionInputError} When an option is malformed.
 *
 * @example
 * const history = updateActivityHistory(undefined, [
 *   { id: 'p1', customerId: 'c', type: 'payment_succeeded', at: '2026-01-28T00:00:00Z' },
 *   { id: 'p2', customerId: 'c', type: 'payment_failed', at: '2026-02-28T00:00:00Z' },
 * ]);
 * const signal = failedPaymentsSignal(history, { asOf: '2026-03-01T00:00:00Z' });
 * [signal.fired, signal.evidence.unresolved]
 * //=> [true, true]
 *
 * @category scoring
 */
export function failedPaymentsSignal(
  history: ActivityHistory,
  options: FailedPaymentsOptions,
): RiskSignal<FailedPaymentsEvidence> {
  const { h, where, asOf } = start(history, options, 'failedPaymentsSignal');
  const days = requireWindow(h, options.days ?? 30, at(where, 'days'));
  const minFailures = requireNumber(options.minFailures ?? 1, at(where, 'minFailures'), {
    min: 1,
    max: 1000,
    integer: true,
  });
  const includeRecovered = options.includeRecovered ?? false;
  const failedType =
    options.failedType === undefined
      ? 'payment_failed'
      : requireString(options.failedType, at(where, 'failedType'));
  const succeededType =
    options.succeededType === undefined
      ? 'payment_succeeded'
      : requireString(options.succeededType, at(where, 'succeededType'));
  const today = dayOf(asOf);
  const failures = countDays(h, [failedType], today - days + 1, today);
  const lastFailedAt = typeOf(h, failedType)?.last ?? null;
  const lastSucceededAt = typeOf(h, succeededType)?.last ?? null;
  const unresolved =
    failures > 0 &&
    lastFailedAt !== null &&
    (lastSucceededAt === null || lastSucceededAt < lastFailedAt);
  const base = Math.min(1, failures / minFailures);
  return {
    signal: 'failed_payments',
    fired: failures >= minFailures && (unresolved || includeRecovered),
    strength: unresolved ? base : base / 2,
    evidence: { failures, days, lastFailedAt, lastSucceededAt, unresolved },
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * A source of ratings for {@link badExperienceSignal}: an event type, the property holding the
 * score, and the highest score that counts as bad.
 *
 * @category scoring
 */
export interface RatingSource {
  readonly type: string;
  readonly property: string;
  readonly atMost: number;
}

/**
 * Options of {@link badExperienceSignal}.
 *
 * @category scoring
 */
export interface BadExperienceOptions {
  readonly asOf: InstantInput;
  /** How far back a bad rating counts, in days. @defaultValue `60` */
  readonly days?: number;
  /** Bad ratings that fire. @defaultValue `1` (one bad experience is said to be enough to lose a customer) */
  readonly minCount?: number;
  /**
   * @defaultValue support tickets closed with `satisfaction` at most 2 (of 5), NPS answers
   * (`survey_nps`) with `score` at most 6 (detractors), CSAT answers (`survey_csat`) with `score`
   * at most 2 (of 5)
   */
  readonly sources?: readonly RatingSource[];
}

/**
 * The evidence of {@link badExperienceSignal}.
 *
 * @category scoring
 */
export interface BadExperienceEvidence {
  readonly bad: readonly { readonly type: string; readonly at: Instant; readonly score: number }[];
  /** Ratings of any score in the window. */
  readonly rated: number;
  readonly days: number;
}

const DEFAULT_SOURCES: readonly RatingSource[] = [
  { type: 'support_ticket_closed', property: 'satisfaction', atMost: 2 },
  { type: 'survey_nps', property: 'score', atMost: 6 },
  { type: 'survey_csat', property: 'score', atMost: 2 },
];

/**
 * Fires on a bad survey answer or support experience in the window: a detractor NPS, a low
 * CSAT, a support ticket closed unsatisfied. Strength is `min(1, bad / minCount)`. Survey answers
 * are folded into the history as events `survey_<kind>` with a `score` property.
 *
 * Reads: the kept occurrences of each source's event type, with its score property.
 *
 * @param history - The customer's history, from {@link updateActivityHistory}.
 * @param options - See {@link BadExperienceOptions}; `asOf` is required.
 * @returns The signal, with the bad ratings as evidence.
 * @throws {RetentionInputError} When an option is malformed or the history does not keep a
 * source's latest occurrences.
 *
 * @example
 * const history = updateActivityHistory(undefined, [
 *   { id: 't1', customerId: 'c', type: 'support_ticket_closed', at: '2026-02-20T00:00:00Z', properties: { satisfaction: 1 } },
 *   { id: 's1', customerId: 'c', type: 'survey_nps', at: '2026-02-22T00:00:00Z', properties: { score: 9 } },
 * ]);
 * badExperienceSignal(history, { asOf: '2026-03-01T00:00:00Z' }).evidence.bad.map((b) => [b.type, b.score])
 * //=> [['support_ticket_closed', 1]]
 *
 * @category scoring
 */
export function badExperienceSignal(
  history: ActivityHistory,
  options: BadExperienceOptions,
): RiskSignal<BadExperienceEvidence> {
  const { h, where, asOf } = start(history, options, 'badExperienceSignal');
  const days = requireDays(options.days ?? 60, at(where, 'days'));
  const minCount = requireNumber(options.minCount ?? 1, at(where, 'minCount'), {
    min: 1,
    max: 1000,
    integer: true,
  });
  const sources = options.sources ?? DEFAULT_SOURCES;
  if (!Array.isArray(sources))
    failInput(at(where, 'sources'), {
      code: 'invalid_type',
      path: [],
      expected: 'an array of rating sources',
    });
  const bad: { type: string; at: number; score: number }[] = [];
  let rated = 0;
  sources.forEach((s, i) => {
    const w = at(where, 'sources', i);
    requireObject(s, w);
    const type = requireString(s.type, at(w, 'type'));
    const property = requireString(s.property, at(w, 'property'));
    const atMost = requireNumber(s.atMost, at(w, 'atMost'));
    for (const o of recentOf(h, type, at(w, 'type'))) {
      if (o.at < asOf - days * DAY) continue;
      const score = o.properties[property];
      if (typeof score !== 'number') continue;
      rated++;
      if (score <= atMost) bad.push({ type, at: o.at, score });
    }
  });
  bad.sort((a, b) => a.at - b.at);
  return {
    signal: 'bad_experience',
    fired: bad.length >= minCount,
    strength: Math.min(1, bad.length / minCount),
    evidence: { bad, rated, days },
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Options of {@link inactivitySignal}.
 *
 * @category scoring
 */
export interface InactivityOptions {
  readonly asOf: InstantInput;
  /** Days without activity that fire. @defaultValue `21` (three weeks) */
  readonly days?: number;
  /** The event types that count as activity. @defaultValue `['login']` */
  readonly types?: readonly string[];
}

/**
 * The evidence of {@link inactivitySignal}.
 *
 * @category scoring
 */
export interface InactivityEvidence {
  readonly types: readonly string[];
  /** The latest activity; `null` when there was none (then days count from the first event). */
  readonly lastAt: Instant | null;
  /** Days since the latest activity (or the history's first event); `null` for an empty history. */
  readonly daysSince: number | null;
  readonly threshold: number;
}

/**
 * Fires when the customer has not logged in (or done any of `types`) for `days` days: the rule
 * of thumb behind "a high-value customer with no login for three weeks gets a call". A customer
 * who never logged in counts from their first event (a signup). Strength is
 * `min(1, daysSince / days)`.
 *
 * Reads: the last instant of each of `types`, and the history's first event.
 *
 * @param history - The customer's history, from {@link updateActivityHistory}.
 * @param options - See {@link InactivityOptions}; `asOf` is required.
 * @returns The signal, with the last activity as evidence.
 * @throws {RetentionInputError} When an option is malformed.
 *
 * @example
 * const history = updateActivityHistory(undefined, [{ id: 'e1', customerId: 'c', type: 'login', at: '2026-02-15T00:00:00Z' }]);
 * const signal = inactivitySignal(history, { asOf: '2026-03-01T00:00:00Z' });
 * [signal.fired, signal.evidence.daysSince, Number(signal.strength.toFixed(2))]
 * //=> [false, 14, 0.67]
 *
 * @category scoring
 */
export function inactivitySignal(
  history: ActivityHistory,
  options: InactivityOptions,
): RiskSignal<InactivityEvidence> {
  const { h, where, asOf } = start(history, options, 'inactivitySignal');
  const threshold = requireNumber(options.days ?? 21, at(where, 'days'), {
    min: 0,
    minExclusive: true,
    max: 3650,
  });
  const types =
    options.types === undefined ? ['login'] : requireStringList(options.types, at(where, 'types'));
  return inactivity(h, asOf, types, threshold);
}

/** The signal with checked options. @internal */
export function inactivity(
  h: ActivityHistory,
  asOf: number,
  types: readonly string[],
  threshold: number,
): RiskSignal<InactivityEvidence> {
  let lastAt: number | null = null;
  for (const type of types) {
    const t = typeOf(h, type);
    if (t !== undefined && (lastAt === null || t.last > lastAt)) lastAt = t.last;
  }
  const from = lastAt ?? h.first;
  const daysSince = from === null ? null : (asOf - from) / DAY;
  return {
    signal: 'inactivity',
    fired: daysSince !== null && daysSince >= threshold,
    strength: daysSince === null ? 0 : Math.min(1, daysSince / threshold),
    evidence: { types: [...types], lastAt, daysSince, threshold },
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Seats bought and in use, for {@link seatUtilizationSignal}.
 *
 * @category scoring
 */
export interface SeatUsage {
  /** Seats (licences) the customer pays for, > 0. */
  readonly seats: number;
  /** Users active in your chosen period (for example distinct users who logged in in 30 days). */
  readonly activeUsers: number;
}

/**
 * Options of {@link seatUtilizationSignal}.
 *
 * @category scoring
 */
export interface SeatUtilizationOptions {
  /** Fires when the share of seats in use is below this, 0-1. @defaultValue `0.5` */
  readonly below?: number;
}

/**
 * The evidence of {@link seatUtilizationSignal}.
 *
 * @category scoring
 */
export interface SeatUtilizationEvidence {
  readonly seats: number;
  readonly activeUsers: number;
  /** `activeUsers / seats` (may exceed 1). */
  readonly utilization: number;
  readonly threshold: number;
}

/**
 * Fires when fewer than `below` of the seats a customer pays for are in use: unused licences
 * are the first to be cut at renewal. Strength is `1 - utilization / below` (0 at or above it).
 *
 * Reads: seat counts you supply (your billing system knows the seats, your auth system the
 * active users), not the event history.
 *
 * @param usage - Seats bought and active users.
 * @param options - See {@link SeatUtilizationOptions}.
 * @returns The signal, with the utilization as evidence.
 * @throws {RetentionInputError} When the seats are not a positive integer or active users negative.
 *
 * @example
 * const signal = seatUtilizationSignal({ seats: 20, activeUsers: 6 });
 * [signal.fired, signal.evidence.utilization, Number(signal.strength.toFixed(2))]
 * //=> [true, 0.3, 0.4]
 *
 * @category scoring
 */
export function seatUtilizationSignal(
  usage: SeatUsage,
  options: SeatUtilizationOptions = {},
): RiskSignal<SeatUtilizationEvidence> {
  const fn = 'seatUtilizationSignal';
  const w: Where = { fn, root: 'usage', path: [] };
  requireObject(usage, w);
  const seats = requireNumber(usage.seats, at(w, 'seats'), { min: 1, integer: true });
  const activeUsers = requireNumber(usage.activeUsers, at(w, 'activeUsers'), {
    min: 0,
    integer: true,
  });
  const o: Where = { fn, root: 'options', path: [] };
  requireObject(options, o);
  const below = requireNumber(options.below ?? 0.5, at(o, 'below'), { min: 0, max: 1 });
  const utilization = activeUsers / seats;
  return {
    signal: 'low_seat_utilization',
    fired: utilization < below,
    strength: below === 0 ? 0 : Math.max(0, 1 - utilization / below),
    evidence: { seats, activeUsers, utilization, threshold: below },
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Options of {@link evaluateRiskSignals}: `asOf`, and each signal's own options (without `asOf`).
 *
 * @category scoring
 */
export interface EvaluateRiskSignalsOptions {
  readonly asOf: InstantInput;
  readonly activityDrop?: Omit<ActivityDropOptions, 'asOf'>;
  readonly billingSwitch?: Omit<BillingSwitchOptions, 'asOf'>;
  readonly ignoredEmails?: Omit<IgnoredEmailsOptions, 'asOf'>;
  /** The unused-paid-feature signal runs only when its `features` are given. */
  readonly unusedPaidFeature?: Omit<UnusedPaidFeatureOptions, 'asOf'>;
  readonly failedPayments?: Omit<FailedPaymentsOptions, 'asOf'>;
  readonly badExperience?: Omit<BadExperienceOptions, 'asOf'>;
  readonly inactivity?: Omit<InactivityOptions, 'asOf'>;
  /** The seat signal runs only when the usage is given. */
  readonly seats?: SeatUsage & SeatUtilizationOptions;
}

/**
 * Every built-in risk signal of one customer, from {@link evaluateRiskSignals}.
 *
 * @category scoring
 */
export interface RiskSignals {
  readonly activityDrop: RiskSignal<ActivityDropEvidence>;
  readonly billingSwitch: RiskSignal<BillingSwitchEvidence>;
  readonly ignoredEmails: RiskSignal<IgnoredEmailsEvidence>;
  readonly unusedPaidFeature: RiskSignal<UnusedPaidFeatureEvidence> | null;
  readonly failedPayments: RiskSignal<FailedPaymentsEvidence>;
  readonly badExperience: RiskSignal<BadExperienceEvidence>;
  readonly inactivity: RiskSignal<InactivityEvidence>;
  readonly lowSeatUtilization: RiskSignal<SeatUtilizationEvidence> | null;
  /** The names of the signals that fired, in the order above. */
  readonly fired: readonly string[];
}

/**
 * Runs every built-in risk signal on one customer's history at `asOf`: what the engine computes
 * on each tick and hands to the lifecycle's at-risk transitions. Each signal takes its options
 * under its own key; the paid-feature and seat signals run when their inputs are given.
 *
 * @param history - The customer's history, from {@link updateActivityHistory}.
 * @param options - See {@link EvaluateRiskSignalsOptions}; `asOf` is required.
 * @returns Each signal's result, and the names of those that fired.
 * @throws {RetentionInputError} When a signal's options are malformed.
 *
 * @example
 * const history = updateActivityHistory(undefined, [
 *   { id: 'e1', customerId: 'c', type: 'login', at: '2026-01-20T00:00:00Z' },
 *   { id: 'e2', customerId: 'c', type: 'payment_failed', at: '2026-02-27T00:00:00Z' },
 * ]);
 * evaluateRiskSignals(history, { asOf: '2026-03-01T00:00:00Z', seats: { seats: 10, activeUsers: 1 } }).fired
 * //=> ['failedPayments', 'inactivity', 'lowSeatUtilization']
 *
 * @category scoring
 */
export function evaluateRiskSignals(
  history: ActivityHistory,
  options: EvaluateRiskSignalsOptions,
): RiskSignals {
  const fn = 'evaluateRiskSignals';
  const where: Where = { fn, root: 'options', path: [] };
  requireObject(options, where);
  asOfFor(readHistory(history, fn, 'history'), options.asOf, fn);
  const asOf = options.asOf;
  const signals = {
    activityDrop: activityDropSignal(history, { ...options.activityDrop, asOf }),
    billingSwitch: billingSwitchSignal(history, { ...options.billingSwitch, asOf }),
    ignoredEmails: ignoredEmailsSignal(history, { ...options.ignoredEmails, asOf }),
    unusedPaidFeature:
      options.unusedPaidFeature === undefined
        ? null
        : unusedPaidFeatureSignal(history, { ...options.unusedPaidFeature, asOf }),
    failedPayments: failedPaymentsSignal(history, { ...options.failedPayments, asOf }),
    badExperience: badExperienceSignal(history, { ...options.badExperience, asOf }),
    inactivity: inactivitySignal(history, { ...options.inactivity, asOf }),
    lowSeatUtilization:
      options.seats === undefined
        ? null
        : seatUtilizationSignal(
            { seats: options.seats.seats, activeUsers: options.seats.activeUsers },
            options.seats.below === undefined ? {} : { below: options.seats.below },
          ),
  };
  const fired = (Object.keys(signals) as (keyof typeof signals)[]).filter(
    (k) => signals[k]?.fired === true,
  );
  return { ...signals, fired };
}
