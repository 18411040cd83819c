import { describeType, failInput } from '../core/errors';
import { type Instant, type InstantInput, toInstant } from '../core/instant';
import type { ActivityEvent } from '../core/records';
import {
  at,
  DAY,
  dayOf,
  own,
  requireDays,
  requireNumber,
  requireObject,
  type Where,
} from './internal';

/**
 * A primitive property value kept with a recent occurrence.
 *
 * @category scoring
 */
export type ActivityPropertyValue = string | number | boolean | null;

/**
 * One kept occurrence of an event: when, its id, and the properties the history keeps for its
 * type.
 *
 * @category scoring
 */
export interface ActivityOccurrence {
  readonly at: Instant;
  readonly id: string;
  readonly properties: Readonly<Record<string, ActivityPropertyValue>>;
}

/**
 * What an {@link ActivityHistory} knows about one event type: how many, first and last, the
 * count per UTC day over the retained days, and (for the types listed in `recent`) the latest
 * occurrences with some of their properties.
 *
 * @category scoring
 */
export interface ActivityTypeHistory {
  readonly count: number;
  readonly first: Instant;
  readonly last: Instant;
  /** UTC day numbers (days since 1970-01-01) with events, ascending, within the retained days. */
  readonly days: readonly number[];
  /** The number of events on each of `days`. */
  readonly counts: readonly number[];
  /** The latest occurrences, ascending by time (then id), at most `recentLimit`. */
  readonly recent?: readonly ActivityOccurrence[];
}

/**
 * A compact, JSON-serialisable summary of one customer's events, kept up to date incrementally
 * by {@link updateActivityHistory}: counts per event type and UTC day over the last `retainDays`
 * days, first and last seen, and the latest occurrences of a few types with the properties the
 * risk signals read. Events split by a property (`feature_used` by `feature`) are also counted
 * under `type:value` (`'feature_used:reports'`).
 *
 * @category scoring
 */
export interface ActivityHistory {
  readonly version: 1;
  /** Days of daily counts kept, counted back from the day of the latest event. */
  readonly retainDays: number;
  /** The earliest and latest event of any type, `null` before the first event. */
  readonly first: Instant | null;
  readonly last: Instant | null;
  readonly types: Readonly<Record<string, ActivityTypeHistory>>;
}

/**
 * Options of {@link updateActivityHistory}. Use the same options for every update of one history.
 *
 * @category scoring
 */
export interface ActivityHistoryOptions {
  /** Days of daily counts kept (windows of the signals must fit in them), 1-3650. @defaultValue `120` */
  readonly retainDays?: number;
  /**
   * Event types whose latest occurrences are kept, each with the properties to keep.
   * @defaultValue the types the built-in risk signals read: `email_sent` and `email_opened`
   * (`campaign`), `email_clicked` (`campaign`), `billing_interval_changed` (`from`, `to`),
   * `support_ticket_closed` (`satisfaction`), `survey_nps`, `survey_csat` (`score`)
   */
  readonly recent?: Readonly<Record<string, readonly string[]>>;
  /** How many occurrences `recent` keeps per type, 1-1000. @defaultValue `20` */
  readonly recentLimit?: number;
  /**
   * Event types also counted per value of a property: `{ feature_used: 'feature' }` counts a
   * `feature_used` event with `feature: 'reports'` under `'feature_used:reports'` too.
   * @defaultValue `{ feature_used: 'feature' }`
   */
  readonly splitBy?: Readonly<Record<string, string>>;
}

/** The default `recent` of {@link ActivityHistoryOptions}. */
const DEFAULT_RECENT: Readonly<Record<string, readonly string[]>> = {
  email_sent: ['campaign'],
  email_opened: ['campaign'],
  email_clicked: ['campaign'],
  billing_interval_changed: ['from', 'to'],
  support_ticket_closed: ['satisfaction'],
  survey_nps: ['score'],
  survey_csat: ['score'],
};
const DEFAULT_SPLIT: Readonly<Record<string, string>> = { feature_used: 'feature' };
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

interface ResolvedOptions {
  readonly retainDays: number;
  readonly recent: Readonly<Record<string, readonly string[]>>;
  readonly recentLimit: number;
  readonly splitBy: Readonly<Record<string, string>>;
}

function resolveOptions(options: unknown, fn: string): ResolvedOptions {
  const where: Where = { fn, root: 'options', path: [] };
  const o = requireObject(options, where);
  const recent =
    o.recent === undefined ? DEFAULT_RECENT : requireObject(o.recent, at(where, 'recent'));
  for (const key of Object.keys(recent)) {
    const props = recent[key];
    if (!Array.isArray(props) || props.some((p) => typeof p !== 'string'))
      failInput(at(where, 'recent', key), {
        code: 'invalid_type',
        path: [],
        expected: 'an array of property names',
        received: describeType(props),
      });
  }
  const splitBy =
    o.splitBy === undefined ? DEFAULT_SPLIT : requireObject(o.splitBy, at(where, 'splitBy'));
  for (const key of Object.keys(splitBy))
    if (typeof splitBy[key] !== 'string')
      failInput(at(where, 'splitBy', key), {
        code: 'invalid_type',
        path: [],
        expected: 'a property name',
        received: describeType(splitBy[key]),
      });
  return {
    retainDays:
      o.retainDays === undefined ? 120 : requireDays(o.retainDays, at(where, 'retainDays')),
    recent: recent as Record<string, readonly string[]>,
    recentLimit:
      o.recentLimit === undefined
        ? 20
        : requireNumber(o.recentLimit, at(where, 'recentLimit'), {
            min: 1,
            max: 1000,
            integer: true,
          }),
    splitBy: splitBy as Record<string, string>,
  };
}

/** A type entry being updated in place (a copy of the stored one). */
interface Draft {
  count: number;
  first: number;
  last: number;
  days: number[];
  counts: number[];
  recent: ActivityOccurrence[] | undefined;
}

function draftOf(old: ActivityTypeHistory | undefined, keepsRecent: boolean): Draft {
  if (old === undefined)
    return {
      count: 0,
      first: Number.POSITIVE_INFINITY,
      last: Number.NEGATIVE_INFINITY,
      days: [],
      counts: [],
      recent: keepsRecent ? [] : undefined,
    };
  return {
    count: old.count,
    first: old.first,
    last: old.last,
    days: old.days.slice(),
    counts: old.counts.slice(),
    recent: old.recent === undefined ? (keepsRecent ? [] : undefined) : old.recent.slice(),
  };
}

/** Adds one event on `day` to a draft (days before `cutoff` are not kept). */
function addDay(d: Draft, day: number, cutoff: number): void {
  if (day < cutoff) return;
  const days = d.days;
  let i = days.length;
  // events mostly arrive in order: look from the end
  while (i > 0 && days[i - 1]! > day) i--;
  if (i > 0 && days[i - 1] === day) d.counts[i - 1]!++;
  else {
    days.splice(i, 0, day);
    d.counts.splice(i, 0, 1);
  }
}

function insertRecent(list: ActivityOccurrence[], o: ActivityOccurrence, limit: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1]!.at > o.at || (list[i - 1]!.at === o.at && list[i - 1]!.id > o.id)))
    i--;
  list.splice(i, 0, o);
  if (list.length > limit) list.splice(0, list.length - limit);
}

function prune(d: Draft, cutoff: number): void {
  let k = 0;
  while (k < d.days.length && d.days[k]! < cutoff) k++;
  if (k > 0) {
    d.days.splice(0, k);
    d.counts.splice(0, k);
  }
}

function keptProperties(
  props: Readonly<Record<string, unknown>> | undefined,
  names: readonly string[],
): Record<string, ActivityPropertyValue> {
  const out: Record<string, ActivityPropertyValue> = {};
  if (props === undefined) return out;
  for (const name of names) {
    if (FORBIDDEN.has(name) || !Object.hasOwn(props, name)) continue;
    const v = props[name];
    if (v === null || typeof v === 'string' || typeof v === 'boolean') out[name] = v;
    else if (typeof v === 'number' && Number.isFinite(v)) out[name] = v;
  }
  return out;
}

/**
 * Folds events into a customer's activity history and returns the new history; the old one is
 * not changed (types the events do not touch are shared). Folding the same events in any order,
 * in one batch or many, gives the same history, so the engine can keep it per customer and fold
 * each tick's new events. Fold each event once.
 *
 * Daily counts are kept for `retainDays` back from the day of the latest event; older days are
 * dropped (totals, first and last seen are kept for ever). Days are UTC days.
 *
 * @param history - The history so far, or `undefined` to start one.
 * @param events - The events to fold in (activity events, as the rest of the library takes them;
 * the events of one customer).
 * @param options - See {@link ActivityHistoryOptions}.
 * @returns The updated history (plain JSON).
 * @throws {RetentionInputError} When an event or an option is malformed, naming its index.
 *
 * @example
 * const history = updateActivityHistory(undefined, [
 *   { id: 'e1', customerId: 'c1', type: 'login', at: '2026-03-01T09:00:00Z' },
 *   { id: 'e2', customerId: 'c1', type: 'feature_used', at: '2026-03-01T09:05:00Z', properties: { feature: 'reports' } },
 *   { id: 'e3', customerId: 'c1', type: 'login', at: '2026-03-03T10:00:00Z' },
 * ]);
 * [history.types.login.count, history.types.login.days.length, history.types['feature_used:reports'].count]
 * //=> [2, 2, 1]
 *
 * @category scoring
 */
export function updateActivityHistory(
  history: ActivityHistory | undefined,
  events: Iterable<ActivityEvent>,
  options: ActivityHistoryOptions = {},
): ActivityHistory {
  const fn = 'updateActivityHistory';
  const o = resolveOptions(options, fn);
  const base: ActivityHistory =
    history === undefined
      ? { version: 1, retainDays: o.retainDays, first: null, last: null, types: {} }
      : readHistory(history, fn, 'history');
  if (base.retainDays !== o.retainDays)
    failInput(
      { fn, root: 'options', path: ['retainDays'] },
      {
        code: 'invalid_value',
        path: [],
        detail: 'use the retainDays the history was started with',
      },
    );
  const drafts = new Map<string, Draft>();
  let first = base.first ?? Number.POSITIVE_INFINITY;
  let last = base.last ?? Number.NEGATIVE_INFINITY;
  const root: Where = { fn, root: 'events', path: [] };
  let index = 0;
  const touch = (type: string): Draft => {
    let d = drafts.get(type);
    if (d === undefined) {
      d = draftOf(own(base.types, type), own(o.recent, type) !== undefined);
      drafts.set(type, d);
    }
    return d;
  };
  for (const e of events) {
    const w = at(root, index++);
    const rec = requireObject(e, w);
    const id = rec.id;
    if (typeof id !== 'string' || id.length === 0 || id.length > 256)
      failInput(at(w, 'id'), {
        code: 'invalid_type',
        path: [],
        expected: 'a non-empty string of at most 256 characters',
        received: describeType(id),
      });
    const type = rec.type;
    if (typeof type !== 'string' || type.length === 0 || type.length > 256)
      failInput(at(w, 'type'), {
        code: 'invalid_type',
        path: [],
        expected: 'a non-empty string of at most 256 characters',
        received: describeType(type),
      });
    const t = toInstant(rec.at as InstantInput, { fn, root: 'events', path: [...w.path, 'at'] });
    const props = rec.properties;
    if (
      props !== undefined &&
      (typeof props !== 'object' || props === null || Array.isArray(props))
    )
      failInput(at(w, 'properties'), {
        code: 'invalid_type',
        path: [],
        expected: 'an object',
        received: describeType(props),
      });
    if (t > last) last = t;
    if (t < first) first = t;
    if (FORBIDDEN.has(type)) continue;
    const cutoff = dayOf(last) - o.retainDays + 1;
    const day = dayOf(t);
    const keys = [type];
    const split = own(o.splitBy, type);
    if (split !== undefined && props !== undefined && Object.hasOwn(props, split)) {
      const v = (props as Record<string, unknown>)[split];
      if (
        (typeof v === 'string' && v.length > 0 && v.length <= 256) ||
        (typeof v === 'number' && Number.isFinite(v))
      )
        keys.push(`${type}:${v}`);
    }
    for (const key of keys) {
      const d = touch(key);
      d.count++;
      if (t < d.first) d.first = t;
      if (t > d.last) d.last = t;
      addDay(d, day, cutoff);
      if (key === type && d.recent !== undefined) {
        const names = own(o.recent, type)!;
        insertRecent(
          d.recent,
          {
            at: t,
            id,
            properties: keptProperties(props as Record<string, unknown> | undefined, names),
          },
          o.recentLimit,
        );
      }
    }
  }
  if (
    drafts.size === 0 &&
    first === (base.first ?? Number.POSITIVE_INFINITY) &&
    last === (base.last ?? Number.NEGATIVE_INFINITY)
  )
    return base;
  const cutoff = dayOf(last) - o.retainDays + 1;
  const types: Record<string, ActivityTypeHistory> = {};
  // every type is pruned to the same window, so the history never depends on the order of batches
  for (const key of Object.keys(base.types)) {
    const old = base.types[key]!;
    if (drafts.has(key)) continue;
    if (old.days.length > 0 && old.days[0]! < cutoff) {
      const d = draftOf(old, old.recent !== undefined);
      prune(d, cutoff);
      types[key] = freeze(d);
    } else types[key] = old;
  }
  for (const [key, d] of drafts) {
    prune(d, cutoff);
    types[key] = freeze(d);
  }
  const sorted: Record<string, ActivityTypeHistory> = {};
  for (const key of Object.keys(types).sort()) sorted[key] = types[key]!;
  return {
    version: 1,
    retainDays: o.retainDays,
    first: Number.isFinite(first) ? first : null,
    last: Number.isFinite(last) ? last : null,
    types: sorted,
  };
}

function freeze(d: Draft): ActivityTypeHistory {
  return d.recent === undefined
    ? { count: d.count, first: d.first, last: d.last, days: d.days, counts: d.counts }
    : {
        count: d.count,
        first: d.first,
        last: d.last,
        days: d.days,
        counts: d.counts,
        recent: d.recent,
      };
}

/** Checks the shape of a stored history (cheaply: not every day). @internal */
export function readHistory(history: unknown, fn: string, root: string): ActivityHistory {
  const where: Where = { fn, root, path: [] };
  const h = requireObject(history, where);
  if (h.version !== 1)
    failInput(at(where, 'version'), {
      code: 'invalid_value',
      path: [],
      expected: 'an activity history from updateActivityHistory (version 1)',
    });
  requireDays(h.retainDays, at(where, 'retainDays'));
  requireObject(h.types, at(where, 'types'));
  return history as ActivityHistory;
}

/** The history of one type, read through own properties only. @internal */
export function typeOf(history: ActivityHistory, type: string): ActivityTypeHistory | undefined {
  return own(history.types, type);
}

/** Events of the types on UTC days `[fromDay, toDay]`. @internal */
export function countDays(
  history: ActivityHistory,
  types: readonly string[],
  fromDay: number,
  toDay: number,
): number {
  let total = 0;
  for (const type of types) {
    const t = typeOf(history, type);
    if (t === undefined) continue;
    const { days, counts } = t;
    // binary search for the first day >= fromDay
    let lo = 0;
    let hi = days.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (days[mid]! < fromDay) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < days.length && days[i]! <= toDay; i++) total += counts[i]!;
  }
  return total;
}

/** Validates `asOf` against a history: not before its latest event. @internal */
export function asOfFor(history: ActivityHistory, asOf: unknown, fn: string): number {
  const t = toInstant(asOf as InstantInput, { fn, root: 'options', path: ['asOf'] });
  if (history.last !== null && t < history.last)
    failInput(
      { fn, root: 'options', path: ['asOf'] },
      {
        code: 'out_of_range',
        path: [],
        detail:
          'asOf is before the latest event in the history; build the history from the events up to asOf',
      },
    );
  return t;
}

/** Checks that a window of `days` days fits in the history's retained days. @internal */
export function requireWindow(history: ActivityHistory, days: unknown, where: Where): number {
  const n = requireDays(days, where);
  if (n > history.retainDays)
    failInput(where, {
      code: 'out_of_range',
      path: [],
      detail: `the history keeps ${history.retainDays} days of counts`,
      expected: `at most ${history.retainDays}`,
    });
  return n;
}

/**
 * Facts about one event type at `asOf`, as {@link activityFacts} returns them.
 *
 * @category scoring
 */
export type ActivityTypeFacts = {
  /** Events of the type, ever. */
  readonly count: number;
  /** The latest event of the type. */
  readonly last: Instant;
  /** Days from the latest event to `asOf`. */
  readonly daysSinceLast: number;
} & { readonly [window: `last${number}d`]: number };

/**
 * Options of {@link activityFacts}.
 *
 * @category scoring
 */
export interface ActivityFactsOptions {
  /** The instant of the facts; not before the history's latest event. */
  readonly asOf: InstantInput;
  /**
   * Windows to count, in whole UTC days ending with the day of `asOf` (`30` counts that day
   * and the 29 before it), each at most the history's `retainDays`.
   * @defaultValue `[7, 30, 90]`
   */
  readonly windows?: readonly number[];
}

/**
 * Turns an activity history into plain facts for health measures and conditions: per event type,
 * the total count, the latest instant, the days since it, and the count in each window
 * (`last7d`, `last30d`, ...). A health measure reads them by path, e.g.
 * `'activity.login.last30d'` when you put them under `activity`.
 *
 * @param history - A history from {@link updateActivityHistory}.
 * @param options - See {@link ActivityFactsOptions}.
 * @returns The facts, keyed by event type (and `type:value` for split types).
 * @throws {RetentionInputError} When `asOf` is before the latest event or a window is longer than
 * the history keeps.
 *
 * @example
 * const history = updateActivityHistory(undefined, [
 *   { id: 'e1', customerId: 'c1', type: 'login', at: '2026-02-01T09:00:00Z' },
 *   { id: 'e2', customerId: 'c1', type: 'login', at: '2026-02-27T09:00:00Z' },
 *   { id: 'e3', customerId: 'c1', type: 'login', at: '2026-02-28T09:00:00Z' },
 * ]);
 * activityFacts(history, { asOf: '2026-03-01T09:00:00Z', windows: [7, 30] }).login
 * //=> { count: 3, last: Date.parse('2026-02-28T09:00:00Z'), daysSinceLast: 1, last7d: 2, last30d: 3 }
 *
 * @category scoring
 */
export function activityFacts(
  history: ActivityHistory,
  options: ActivityFactsOptions,
): Record<string, ActivityTypeFacts> {
  const fn = 'activityFacts';
  const h = readHistory(history, fn, 'history');
  const where: Where = { fn, root: 'options', path: [] };
  requireObject(options, where);
  const asOf = asOfFor(h, options.asOf, fn);
  const windows = (options.windows ?? [7, 30, 90]).map((w, i) =>
    requireWindow(h, w, at(where, 'windows', i)),
  );
  const today = dayOf(asOf);
  const out: Record<string, ActivityTypeFacts> = {};
  for (const type of Object.keys(h.types)) {
    const t = h.types[type]!;
    const facts: Record<string, number> = {
      count: t.count,
      last: t.last,
      daysSinceLast: (asOf - t.last) / DAY,
    };
    for (const w of windows) facts[`last${w}d`] = countDays(h, [type], today - w + 1, today);
    out[type] = facts as ActivityTypeFacts;
  }
  return out;
}
