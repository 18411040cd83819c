import { describeType, failInput } from '../core/errors';
import { type Instant, toInstant } from '../core/instant';
import type { ActivityEvent } from '../core/records';

/**
 * What the rules know about one event type of one customer: how many times it happened, when it
 * first and last happened, and (for the types that need it) the instants of its latest
 * occurrences, which answer window questions ("how many logins in the last 7 days?") and
 * absence questions ("was there an order within 3 hours of the cart?").
 *
 * @category triggers
 */
export interface EventTypeHistory {
  /** How many events of this type were folded in. */
  readonly count: number;
  /** The earliest of their instants (epoch milliseconds). */
  readonly first: Instant;
  /** The latest of their instants (epoch milliseconds). */
  readonly last: Instant;
  /**
   * The latest instants, ascending, at most `recentLimit` of them; present only for the types
   * listed in `recentTypes`.
   */
  readonly recent?: readonly Instant[];
}

/**
 * A compact, JSON-serialisable view of a customer's event history, keyed by event type. It is
 * built and kept up to date incrementally with {@link updateTriggerHistory}: folding events in
 * any order, in one batch or many, gives the same history.
 *
 * @category triggers
 */
export type TriggerHistory = Readonly<Record<string, EventTypeHistory>>;

/**
 * Options of {@link updateTriggerHistory}. Use the same options for every update of one history.
 *
 * @category triggers
 */
export interface UpdateTriggerHistoryOptions {
  /**
   * Event types whose latest instants are kept in `recent`, or `'all'`. A compiled rule set
   * knows which types its rules need (`CompiledRules.historyOptions`).
   * @defaultValue `[]`
   */
  readonly recentTypes?: readonly string[] | 'all';
  /** How many instants `recent` keeps per type, 1 to 1000. @defaultValue `32` */
  readonly recentLimit?: number;
}

/** Event types that could reach an object's prototype are not recorded. */
const FORBIDDEN_TYPES = new Set(['__proto__', 'constructor', 'prototype']);
const hasOwn = Object.prototype.hasOwnProperty;

/** Where a history sits in the caller's input, for errors. @internal */
export interface HistoryLocation {
  readonly fn: string;
  readonly root: string;
  readonly path: readonly (string | number)[];
}

/**
 * The entry of one event type, read through own properties only and checked cheaply (a history
 * comes from the caller's storage): a whole count of at least 1, first and last instants in
 * order, and `recent`, when present, an array whose ends are instants between them. A stored
 * entry that is not one throws instead of reading as a count of `'a'` or a last login of `null`.
 *
 * @internal
 */
export function historyOf(
  history: TriggerHistory,
  type: string,
  where: HistoryLocation,
): EventTypeHistory | undefined {
  if (!hasOwn.call(history, type)) return undefined;
  const h: unknown = history[type];
  if (h === undefined || isHistoryEntry(h)) return h;
  return failInput(
    { fn: where.fn, path: [...where.path, type], root: where.root },
    {
      code: 'invalid_value',
      path: [],
      expected: 'a history entry { count, first, last, recent? } written by this library',
      received: describeType(h),
    },
  );
}

function isHistoryEntry(h: unknown): h is EventTypeHistory {
  if (typeof h !== 'object' || h === null) return false;
  const e = h as { count?: unknown; first?: unknown; last?: unknown; recent?: unknown };
  const { count, first, last, recent } = e;
  if (
    !Number.isSafeInteger(count) ||
    (count as number) < 1 ||
    !Number.isSafeInteger(first) ||
    !Number.isSafeInteger(last) ||
    (first as number) > (last as number)
  ) {
    return false;
  }
  if (recent === undefined) return true;
  if (!Array.isArray(recent)) return false;
  const n = recent.length;
  if (n === 0) return true;
  const lo: unknown = recent[0];
  const hi: unknown = recent[n - 1];
  return (
    Number.isSafeInteger(lo) &&
    Number.isSafeInteger(hi) &&
    (lo as number) >= (first as number) &&
    (hi as number) <= (last as number)
  );
}

/** A normalised event: instant in epoch milliseconds, properties defaulted. @internal */
export interface NormalizedTriggerEvent {
  readonly id: string;
  readonly type: string;
  readonly at: Instant;
  readonly properties: Readonly<Record<string, unknown>>;
}

/**
 * Validates and normalises events, sorted by instant then id. Throws a RetentionInputError
 * naming the function, the path and the index of the first bad event.
 *
 * @internal
 */
export function normalizeEvents(
  events: Iterable<ActivityEvent>,
  fn: string,
  root: string,
): NormalizedTriggerEvent[] {
  const out: NormalizedTriggerEvent[] = [];
  let i = 0;
  for (const e of events) {
    if (typeof e !== 'object' || e === null) {
      failInput(
        { fn, path: [i], root },
        { code: 'invalid_type', path: [], expected: 'an event object', received: describeType(e) },
      );
    }
    if (typeof e.id !== 'string' || e.id === '' || e.id.length > 256) {
      failInput(
        { fn, path: [i, 'id'], root },
        {
          code: 'invalid_value',
          path: [],
          expected: 'a non-empty string of at most 256 characters',
          received: describeType(e.id),
        },
      );
    }
    if (typeof e.type !== 'string' || e.type === '' || e.type.length > 256) {
      failInput(
        { fn, path: [i, 'type'], root },
        {
          code: 'invalid_value',
          path: [],
          expected: 'a non-empty string of at most 256 characters',
          received: describeType(e.type),
        },
      );
    }
    const at = toInstant(e.at, { fn, path: [i, 'at'], root });
    const props = e.properties;
    if (
      props !== undefined &&
      (typeof props !== 'object' || props === null || Array.isArray(props))
    ) {
      failInput(
        { fn, path: [i, 'properties'], root },
        { code: 'invalid_type', path: [], expected: 'an object', received: describeType(props) },
      );
    }
    out.push({ id: e.id, type: e.type, at, properties: props ?? {} });
    i++;
  }
  out.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out;
}

/** Resolved options. @internal */
export interface HistoryOptions {
  readonly recentTypes: ReadonlySet<string> | 'all';
  readonly recentLimit: number;
}

/** Fills the defaults of {@link UpdateTriggerHistoryOptions} and validates them. @internal */
export function resolveHistoryOptions(
  options: UpdateTriggerHistoryOptions,
  fn: string,
): HistoryOptions {
  const limit = options.recentLimit ?? 32;
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) {
    failInput(
      { fn, path: ['recentLimit'], root: 'options' },
      { code: 'out_of_range', path: [], expected: 'a whole number from 1 to 1000' },
    );
  }
  const types = options.recentTypes ?? [];
  if (types !== 'all' && !Array.isArray(types)) {
    failInput(
      { fn, path: ['recentTypes'], root: 'options' },
      {
        code: 'invalid_type',
        path: [],
        expected: "an array of event types or 'all'",
        received: describeType(types),
      },
    );
  }
  return { recentTypes: types === 'all' ? 'all' : new Set(types), recentLimit: limit };
}

/** Inserts an instant into an ascending list (a copy), keeping the `limit` largest values. */
function insertRecent(old: readonly number[] | undefined, at: number, limit: number): number[] {
  const list = old === undefined ? [] : old.slice();
  let i = list.length;
  while (i > 0 && list[i - 1]! > at) i--;
  list.splice(i, 0, at);
  if (list.length > limit) list.splice(0, list.length - limit);
  return list;
}

/**
 * Folds already-normalised events into a history, one event at a time (batches are small: the
 * events since the previous evaluation). @internal
 */
export function foldHistory(
  history: TriggerHistory,
  events: readonly NormalizedTriggerEvent[],
  options: HistoryOptions,
  where: HistoryLocation,
): TriggerHistory {
  let out: Record<string, EventTypeHistory> | undefined;
  for (const e of events) {
    const type = e.type;
    if (FORBIDDEN_TYPES.has(type)) continue;
    // Object.assign is much faster than a spread; a stored history may hold a '__proto__' key
    // only if someone wrote one in, and then the spread keeps it an own property
    out ??= Object.hasOwn(history, '__proto__') ? { ...history } : Object.assign({}, history);
    const old = historyOf(out, type, where);
    const count = (old?.count ?? 0) + 1;
    const first = old === undefined || e.at < old.first ? e.at : old.first;
    const last = old === undefined || e.at > old.last ? e.at : old.last;
    // prototype keys are skipped, so assignment defines an own property ('toString' too)
    out[type] =
      options.recentTypes === 'all' || options.recentTypes.has(type)
        ? { count, first, last, recent: insertRecent(old?.recent, e.at, options.recentLimit) }
        : { count, first, last };
  }
  return out ?? history;
}

/**
 * Folds events into a customer's {@link TriggerHistory}: per event type, the count, the first and
 * last instants, and the latest instants of the types that need them. Pure: the history passed in
 * is not changed. Folding the same events in any order or batching gives the same history, so the
 * history can be built from an event stream, a warehouse backfill, or both. Events whose type is
 * `__proto__`, `constructor` or `prototype` are ignored. Re-delivered events are counted again, so
 * de-duplicate by event id before folding (the engine does).
 *
 * @param history - The history so far (`undefined` or `{}` for a new customer).
 * @param events - Events of one customer, in any order.
 * @param options - See {@link UpdateTriggerHistoryOptions}.
 * @returns The new history.
 * @throws {RetentionInputError} When an event has no id or type, or an invalid instant, or when
 *   the history is not an object or an entry it holds for a folded type is not a history entry.
 *
 * @example
 * const history = updateTriggerHistory(undefined, [
 *   { id: 'e1', customerId: 'c1', type: 'login', at: '2026-05-01T09:00:00Z' },
 *   { id: 'e2', customerId: 'c1', type: 'login', at: '2026-05-03T09:00:00Z' },
 * ]);
 * [history.login?.count, new Date(history.login!.last).toISOString()]
 * //=> [2, '2026-05-03T09:00:00.000Z']
 *
 * @example
 * // keep the latest instants of order_placed, for "no order within 3 hours" checks
 * updateTriggerHistory({}, [
 *   { id: 'o1', customerId: 'c1', type: 'order_placed', at: 1000 },
 *   { id: 'o2', customerId: 'c1', type: 'order_placed', at: 3000 },
 *   { id: 'o3', customerId: 'c1', type: 'order_placed', at: 2000 },
 * ], { recentTypes: ['order_placed'], recentLimit: 2 }).order_placed
 * //=> { count: 3, first: 1000, last: 3000, recent: [2000, 3000] }
 *
 * @category triggers
 */
export function updateTriggerHistory(
  history: TriggerHistory | undefined,
  events: Iterable<ActivityEvent>,
  options: UpdateTriggerHistoryOptions = {},
): TriggerHistory {
  const fn = 'updateTriggerHistory';
  const resolved = resolveHistoryOptions(options, fn);
  if (history !== undefined && (typeof history !== 'object' || history === null)) {
    failInput(
      { fn, root: 'history' },
      { code: 'invalid_type', path: [], expected: 'an object', received: describeType(history) },
    );
  }
  return foldHistory(history ?? {}, normalizeEvents(events, fn, 'events'), resolved, {
    fn,
    root: 'history',
    path: [],
  });
}
