/**
 * The evaluator behind `CompiledRules.evaluate` and `.explain`: occurrences, exits, re-entry,
 * conditions, delivery (delay, send window, caps, priority) and the next evaluation instant.
 *
 * @internal
 * @module
 */
import { type ActionSource, actionKey, type PlannedAction, planAction } from '../core/action';
import { type CappedAction, nextAllowedByCaps } from '../core/caps';
import { type Duration, shiftByDuration } from '../core/duration';
import { describeType, failInput } from '../core/errors';
import { idempotencyKey } from '../core/hash';
import { type InstantInput, isInstantInput, toInstant } from '../core/instant';
import type { Attributes } from '../core/records';
import { nextInSendWindow } from '../core/schedule';
import { isValidTimeZone, toTimeZone } from '../core/timeZone';
import type {
  CompiledAction,
  CompiledRule,
  ExplainedTriggerEvaluation,
  PendingTriggerAction,
  RuleSet,
  TriggerContext,
  TriggerEvaluation,
  TriggerFact,
  TriggerRuleState,
  TriggerState,
  TriggerStateOptions,
  TriggerWatch,
} from './compileRules';
import type {
  ActionExplanation,
  OccurrenceExplanation,
  RuleExplanation,
  TriggerCancellation,
} from './describeTriggerExplanation';
import {
  type EventTypeHistory,
  foldHistory,
  type HistoryLocation,
  historyOf,
  type NormalizedTriggerEvent,
  normalizeEvents,
  type TriggerHistory,
} from './updateTriggerHistory';

/** The latest instant a fact may hold so that adding a rule's durations stays in range. */
const MAX_FACT_INSTANT = 8.5e15;
const SEEN_LIMIT = 32;
const WATCH_LIMIT = 50;
const hasOwn = Object.prototype.hasOwnProperty;

/** Reads an instant from a fact value: integer-rounded epoch ms, a Date, or ISO-8601 with offset. @internal */
export function instantOfValue(value: unknown): number | undefined {
  let t: number | undefined;
  if (typeof value === 'number') t = Number.isFinite(value) ? Math.round(value) : undefined;
  else if (value instanceof Date) {
    const ms = value.getTime();
    t = Number.isNaN(ms) ? undefined : ms;
  } else if (typeof value === 'string' && isInstantInput(value)) t = toInstant(value);
  return t !== undefined && Math.abs(t) <= MAX_FACT_INSTANT ? t : undefined;
}

/**
 * A shallow copy with own data properties only. `Object.assign` is several times faster than
 * spreading, but it assigns, and assigning `__proto__` would set the copy's prototype, so an
 * object holding that key (parsed JSON can) is spread instead.
 *
 * @internal
 */
export function copyOwn(o: object): Record<string, unknown> {
  return hasOwn.call(o, '__proto__') ? { ...o } : (Object.assign({}, o) as Record<string, unknown>);
}

/** Adds `sign * d` in a time zone. @internal */
export function shift(t: number, d: Duration, sign: 1 | -1, timeZone: string): number {
  return d.kind === 'fixed' ? t + sign * d.ms : shiftByDuration(t, d, sign, timeZone);
}

/**
 * How far a calendar offset can land from its fixed estimate: daylight-saving changes and the
 * rare zone that moved across the date line shift wall clocks by at most a day; two days is safe.
 */
const CALENDAR_SLACK = 2 * 86_400_000;

/**
 * Whether an event of `type` happened in `(from, to]`, from the history. When the history cannot
 * tell (older instants were evicted from `recent`), it answers yes: an action is never sent after
 * an exit that may have happened.
 */
function happenedBetween(w: Work, type: string, from: number, to: number): boolean {
  const h = historyOf(w.history, type, w.historyWhere);
  if (h === undefined || h.last <= from || h.first > to) return false;
  if (h.first > from || h.last <= to) return true;
  const recent = h.recent;
  if (recent !== undefined) {
    for (const x of recent) if (x > from && x <= to) return true;
    if (recent.length >= h.count) return false;
    if (recent.length > 0 && recent[0]! <= from) return false;
  }
  return true;
}

function endedBetween(w: Work, r: CompiledRule, from: number, to: number): 'exit' | 'goal' | null {
  for (const type of r.exitEvents) if (happenedBetween(w, type, from, to)) return 'exit';
  for (const type of r.goalEvents) if (happenedBetween(w, type, from, to)) return 'goal';
  return null;
}

/** How many of the ascending instants `recent` are in `(from, to]`: two binary searches. */
function countWithin(recent: readonly number[] | undefined, from: number, to: number): number {
  if (recent === undefined) return 0;
  return countAtMost(recent, to) - countAtMost(recent, from);
}

/** How many of the ascending instants `recent` are at or before `t`. */
function countAtMost(recent: readonly number[], t: number): number {
  let lo = 0;
  let hi = recent.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (recent[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const ZERO: Readonly<{ count: number }> = /* @__PURE__ */ Object.freeze({ count: 0 });

/**
 * One entry of the `$events` view: for an event type a rule reads, its history entry `h` (or
 * `{ count: 0 }` for a type never seen) with the windows the rules ask for.
 */
function viewEntry(
  spec: RuleSet['view'][number],
  h: EventTypeHistory | undefined,
  now: number,
): unknown {
  if (spec.windows === undefined) return h ?? ZERO;
  const within: Record<string, number> = {};
  for (const w of spec.windows) within[w.label] = countWithin(h?.recent, now - w.ms, now);
  return h === undefined
    ? { count: 0, within }
    : { count: h.count, first: h.first, last: h.last, recent: h.recent, within };
}

interface Occurrence {
  readonly id: string;
  readonly step: string | undefined;
  readonly since: number;
  readonly fireAt: number;
  readonly event: TriggerWatch['event'] | undefined;
  readonly threshold: number | undefined;
}

/** A date step certainly after `now`, with the lower bound of its instant. */
interface LaterDate {
  readonly lo: number;
  readonly instant: number;
  readonly offset: Extract<CompiledRule['trigger'], { kind: 'date' }>['offsets'][number];
}

interface Draft {
  fired: number;
  lastFiredAt: number | null;
  lastOccurrence: string | null;
  seen: string[];
  done: number[];
  watches: TriggerWatch[];
  inside?: boolean;
  entries?: number;
  reached?: number;
  dateOf?: number;
  dateSteps?: number;
}

type MutableOccurrenceExplanation = {
  -readonly [K in keyof OccurrenceExplanation]: OccurrenceExplanation[K];
} & { actions?: ActionExplanation[] };

interface Candidate {
  readonly r: CompiledRule;
  readonly occ: Occurrence;
  readonly action: CompiledAction;
  readonly index: number;
  readonly due: number;
  readonly source: ActionSource;
  readonly record: MutableOccurrenceExplanation | undefined;
}

const EMPTY_RULE_STATE: TriggerRuleState = {
  fired: 0,
  lastFiredAt: null,
  lastOccurrence: null,
  seen: [],
  done: [],
  watches: [],
};
const NO_EVENTS: readonly NormalizedTriggerEvent[] = [];
const NO_SENT: readonly CappedAction[] = /* @__PURE__ */ Object.freeze([]);
const NO_ACTIONS: readonly PlannedAction[] = /* @__PURE__ */ Object.freeze([]);
const NO_CANCELLATIONS: readonly TriggerCancellation[] = /* @__PURE__ */ Object.freeze([]);

/** Where `evaluate` and `explain` find the stored history, for errors about its entries. */
const EVALUATE_HISTORY: HistoryLocation = {
  fn: 'CompiledRules.evaluate',
  root: 'context.state',
  path: ['history'],
};
const EXPLAIN_HISTORY: HistoryLocation = {
  fn: 'CompiledRules.explain',
  root: 'context.state',
  path: ['history'],
};

/** A fresh state, seeded with past events and a starting instant. @internal */
export function initialState(set: RuleSet, options: TriggerStateOptions): TriggerState {
  const fn = 'CompiledRules.initialState';
  const asOf =
    options.asOf === undefined
      ? null
      : toInstant(options.asOf, { fn, path: ['asOf'], root: 'options' });
  const events =
    options.events === undefined ? [] : normalizeEvents(options.events, fn, 'options.events');
  return {
    version: 1,
    evaluatedAt: null,
    asOf,
    history: foldHistory({}, events, set.history, { fn, root: 'options', path: [] }),
    rules: {},
    pending: [],
    sent: [],
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badState(fn: string, path: (string | number)[], expected: string, value: unknown): never {
  return failInput(
    { fn, path, root: 'context.state' },
    { code: 'invalid_value', path: [], expected, received: describeType(value) },
  );
}

/** Checks the shape of a stored state (cheaply: it comes from the caller's storage). */
function checkState(state: unknown, fn: string): TriggerState {
  if (!isRecord(state)) return badState(fn, [], 'a state returned by evaluate', state);
  if (state.version !== 1) {
    return badState(fn, ['version'], '1 (a state written by this library)', state.version);
  }
  if (!(state.evaluatedAt === null || Number.isSafeInteger(state.evaluatedAt))) {
    return badState(fn, ['evaluatedAt'], 'null or epoch milliseconds', state.evaluatedAt);
  }
  if (!(state.asOf === null || Number.isSafeInteger(state.asOf))) {
    return badState(fn, ['asOf'], 'null or epoch milliseconds', state.asOf);
  }
  if (!isRecord(state.history)) return badState(fn, ['history'], 'an object', state.history);
  if (!isRecord(state.rules)) return badState(fn, ['rules'], 'an object', state.rules);
  const pending = state.pending;
  const sent = state.sent;
  if (!Array.isArray(pending)) return badState(fn, ['pending'], 'an array', pending);
  if (!Array.isArray(sent)) return badState(fn, ['sent'], 'an array', sent);
  for (let i = 0; i < pending.length; i++) {
    const p: unknown = pending[i];
    if (
      !isRecord(p) ||
      typeof p.key !== 'string' ||
      typeof p.definitionId !== 'string' ||
      typeof p.channel !== 'string' ||
      typeof p.occurrence !== 'string' ||
      !Number.isSafeInteger(p.at) ||
      typeof p.since !== 'number'
    ) {
      badState(
        fn,
        ['pending', i],
        'a pending action { key, at, channel, definitionId, occurrence, since }',
        p,
      );
    }
  }
  for (let i = 0; i < sent.length; i++) {
    const x: unknown = sent[i];
    if (
      !isRecord(x) ||
      !Number.isSafeInteger(x.at) ||
      typeof x.channel !== 'string' ||
      typeof x.definitionId !== 'string'
    ) {
      badState(fn, ['sent', i], 'an action record { at, channel, definitionId }', x);
    }
  }
  return state as unknown as TriggerState;
}

function hasEventOfType(events: readonly NormalizedTriggerEvent[], type: string): boolean {
  for (let i = 0; i < events.length; i++) if (events[i]!.type === type) return true;
  return false;
}

/**
 * Stands for `undefined` in the arrays where a hole means "none" or "not yet": a stored rule state
 * that is `undefined` ({@link storedStates}), a value read as `undefined` ({@link cacheOf}).
 */
const UNDEFINED: object = /* @__PURE__ */ Object.freeze({});

/**
 * The stored state of each rule of the set, by rule index (a hole for a rule without one;
 * {@link UNDEFINED} for an own key holding `undefined`), or `undefined` when no rule has
 * one: one pass over the stored ids (a customer's state holds few) instead of a property lookup
 * per rule. Own keys, enumerable or not, as `hasOwn` sees them. Sets `w.idleWaiting` when an
 * event-driven rule's stored state may have something waiting (see {@link nothingWaiting}).
 */
function storedStates(w: Work, rules: TriggerState['rules']): unknown[] | undefined {
  const set = w.set;
  let out: unknown[] | undefined;
  for (const id of Object.getOwnPropertyNames(rules)) {
    const i = set.ruleIndex.get(id);
    if (i === undefined) continue;
    out ??= new Array<unknown>(set.rules.length);
    const rs: unknown = rules[id];
    out[i] = rs === undefined ? UNDEFINED : rs;
    if (set.rules[i]!.idleWithoutEvents && !nothingWaiting(out[i])) w.idleWaiting = true;
  }
  return out;
}

/**
 * True when a rule has no stored state, or a well-formed one with no watch (a state that is not
 * well formed is left to {@link ruleStateOf}, which reports it).
 */
function nothingWaiting(rs: unknown): boolean {
  return rs === undefined || (isRuleState(rs) && rs.watches.length === 0);
}

/** The shape {@link ruleStateOf} requires of a stored rule state. */
function isRuleState(rs: unknown): rs is TriggerRuleState {
  return (
    isRecord(rs) &&
    typeof rs.fired === 'number' &&
    Array.isArray(rs.seen) &&
    Array.isArray(rs.done) &&
    Array.isArray(rs.watches)
  );
}

/** A rule's stored state (from {@link storedStates}), checked. */
function ruleStateOf(stored: unknown, id: string, fn: string): TriggerRuleState {
  if (stored === undefined) return EMPTY_RULE_STATE;
  const rs = stored === UNDEFINED ? undefined : stored;
  if (!isRuleState(rs)) {
    return failInput(
      { fn, path: ['rules', id], root: 'context.state' },
      { code: 'invalid_value', path: [], expected: 'a rule state', received: describeType(rs) },
    );
  }
  return rs;
}

function eventOccurrenceId(
  dedupe: ((properties: unknown) => unknown) | undefined,
  dedupePath: string | undefined,
  e: NormalizedTriggerEvent,
): string {
  if (dedupe !== undefined) {
    const v = dedupe(e.properties);
    if (
      typeof v === 'string' ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v))
    ) {
      const id = `${dedupePath}=${String(v)}`;
      return id.length > 200 ? `${dedupePath}#${idempotencyKey([String(v)])}` : id;
    }
  }
  return `event:${e.id}`;
}

function reentryAllows(
  r: CompiledRule,
  st: TriggerRuleState | Draft,
  occ: Occurrence,
  timeZone: string,
): boolean {
  if (st.lastOccurrence !== null && occ.id === st.lastOccurrence) return true;
  const re = r.reentry;
  if (re.mode === 'every') return true;
  if (re.mode === 'once') return st.fired === 0;
  return st.lastFiredAt === null || occ.fireAt >= shift(st.lastFiredAt, re.period, 1, timeZone);
}

/**
 * What rule `r`'s templates render against: the facts themselves, or a copy of the facts (made
 * once per evaluation) whose `$events` view holds the entries the rule reads. Facts cannot hold
 * `$events` (it is rejected), so a rule that never reads it sees the same values either way,
 * without the copy. Entries are added as rules need them: a rule reads only the event types it
 * names, so the entries it does not read (and their order) cannot change what it sees.
 * (Conditions read through {@link factReader} instead.)
 */
function scopeFor(w: Work, r: CompiledRule): Record<string, unknown> {
  const types = r.viewTypes;
  if (types.length === 0) return w.facts;
  let scope = w.viewScope;
  if (scope === undefined) {
    scope = copyOwn(w.facts);
    scope.$events = {};
    w.viewScope = scope;
  }
  const view = scope.$events as Record<string, unknown>;
  const cache = cacheOf(w);
  const { set } = w;
  const at = set.historyTypes.length + set.view.length + set.factCount;
  for (let k = 0; k < types.length; k++) {
    const i = types[k]!;
    // keys are event types that passed rule validation: assignment cannot reach a prototype
    if (cache[at + i] === undefined) {
      view[set.view[i]!.type] = entryOf(w, i);
      cache[at + i] = true;
    }
  }
  return scope;
}

/**
 * The per-evaluation cache, one array: the history entries looked up (by slot of
 * `set.historyTypes`), then the view entries computed (by index in `set.view`), then the trigger
 * facts read (by slot), then whether each view entry is in `view`. A hole is "not yet";
 * {@link UNDEFINED} stands for `undefined`.
 */
function cacheOf(w: Work): unknown[] {
  if (w.cache === undefined) {
    const { set } = w;
    w.cache = new Array(set.historyTypes.length + 2 * set.view.length + set.factCount);
  }
  return w.cache;
}

/** Entry `i` of the `$events` view, computed once per evaluation. */
function entryOf(w: Work, i: number): unknown {
  const cache = cacheOf(w);
  const at = w.set.historyTypes.length + i;
  let entry = cache[at];
  if (entry === undefined) {
    const spec = w.set.view[i]!;
    entry = viewEntry(spec, historyAt(w, i, spec.type), w.now);
    cache[at] = entry;
  }
  return entry;
}

/**
 * The history entry of `type` (slot `slot` of `RuleSet.historyTypes`), looked up once per
 * evaluation: each customer's history tends to be an object of its own shape, which makes every
 * lookup a slow one.
 */
function historyAt(w: Work, slot: number, type: string): EventTypeHistory | undefined {
  const cache = cacheOf(w);
  const cached = cache[slot];
  if (cached !== undefined) return cached === UNDEFINED ? undefined : (cached as EventTypeHistory);
  const h = historyOf(w.history, type, w.historyWhere);
  cache[slot] = h ?? UNDEFINED;
  return h;
}

/**
 * The value of a rule's fact path (a trigger's, a condition's), read once per evaluation: from
 * the facts, or, for a `$events` path, from the history entry (see {@link viewField}).
 */
function readFact(w: Work, f: TriggerFact): unknown {
  const cache = cacheOf(w);
  const at = w.set.historyTypes.length + w.set.view.length + f.slot;
  const cached = cache[at];
  if (cached !== undefined) return cached === UNDEFINED ? undefined : cached;
  const field = f.field;
  const value = field === null ? f.get(w.facts) : viewField(w, f, field);
  cache[at] = value === undefined ? UNDEFINED : value;
  return value;
}

/**
 * The value {@link viewEntry} would hold in the field `field` of the entry `f.view`, read from
 * the history entry without building the entry: a windowed type's entry copies the history
 * entry's fields (count 0 for a type never seen); any other type's entry is the history entry
 * itself, read through own properties (or `{ count: 0 }`).
 */
function viewField(w: Work, f: TriggerFact, field: NonNullable<TriggerFact['field']>): unknown {
  const spec = w.set.view[f.view]!;
  const h = historyAt(w, f.view, spec.type);
  if (field === 'within') return countWithin(h?.recent, w.now - f.windowMs, w.now);
  if (h === undefined) return field === 'count' ? 0 : undefined;
  if (spec.windows === undefined && !hasOwn.call(h, field)) return undefined;
  switch (field) {
    case 'count':
      return h.count;
    case 'first':
      return h.first;
    case 'last':
      return h.last;
    default:
      return h.recent;
  }
}

/**
 * The reader a rule's compiled conditions use for a path (see `compileConditionReading`): their
 * root is the evaluation's {@link Work}, and the value comes from {@link readFact}, so a path is
 * read once per evaluation whichever rules read it, and a `$events` path from the customer's
 * history entry (see {@link viewField}).
 *
 * @internal
 */
export function factReader(f: TriggerFact): (root: unknown) => unknown {
  return (w) => readFact(w as Work, f);
}

/** A mutable copy of a rule state. */
function draftOf(rs: TriggerRuleState): Draft {
  const d: Draft = {
    fired: rs.fired,
    lastFiredAt: rs.lastFiredAt,
    lastOccurrence: rs.lastOccurrence,
    seen: rs.seen.slice(),
    done: rs.done.slice(),
    watches: rs.watches.slice(),
  };
  if (rs.inside !== undefined) d.inside = rs.inside;
  if (rs.entries !== undefined) d.entries = rs.entries;
  if (rs.reached !== undefined) d.reached = rs.reached;
  if (rs.dateOf !== undefined) d.dateOf = rs.dateOf;
  if (rs.dateSteps !== undefined) d.dateSteps = rs.dateSteps;
  return d;
}

function allAfter(list: readonly { readonly at: number }[], t: number): boolean {
  for (const x of list) if (x.at <= t) return false;
  return true;
}

function pushDone(d: Draft, at: number): void {
  d.done.push(at);
  if (d.done.length > SEEN_LIMIT) d.done.splice(0, d.done.length - SEEN_LIMIT);
}

function pushSeen(d: Draft, id: string): void {
  d.seen.push(id);
  if (d.seen.length > SEEN_LIMIT) d.seen.splice(0, d.seen.length - SEEN_LIMIT);
}

function byCandidateOrder(a: Candidate, b: Candidate): number {
  return (
    b.action.priority - a.action.priority ||
    a.due - b.due ||
    (a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0) ||
    (a.occ.id < b.occ.id ? -1 : a.occ.id > b.occ.id ? 1 : 0) ||
    ((a.occ.step ?? '') < (b.occ.step ?? '')
      ? -1
      : (a.occ.step ?? '') > (b.occ.step ?? '')
        ? 1
        : 0) ||
    a.index - b.index
  );
}

function byOccurrenceOrder(a: Occurrence, b: Occurrence): number {
  return (
    a.fireAt - b.fireAt ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) ||
    ((a.step ?? '') < (b.step ?? '') ? -1 : (a.step ?? '') > (b.step ?? '') ? 1 : 0)
  );
}

/** What one evaluation works on and collects; the phases below share it. */
interface Work {
  readonly set: RuleSet;
  readonly customerId: string;
  readonly timeZone: string;
  readonly now: number;
  /** Date and inactivity occurrences at or before this instant count as handled. */
  readonly floor: number;
  readonly events: readonly NormalizedTriggerEvent[];
  readonly history: TriggerHistory;
  /** Where the stored history sits in the input, for errors about its entries. */
  readonly historyWhere: HistoryLocation;
  /** The facts, as given. */
  readonly facts: Record<string, unknown>;
  /** The facts with the `$events` view, made when the first rule that reads it needs it. */
  viewScope: Record<string, unknown> | undefined;
  /** What this evaluation has looked up, read and computed so far: see {@link cacheOf}. */
  cache: unknown[] | undefined;
  /** Whether an event-driven rule's stored state may have an occurrence waiting. */
  idleWaiting: boolean;
  readonly explain: boolean;
  next: number;
  cancelled: Set<string> | undefined;
  cancellations: TriggerCancellation[] | undefined;
  /** Future calendar date steps whose exact instant only matters for `next`. */
  laterDates: LaterDate[] | undefined;
  candidates: Candidate[] | undefined;
  // the rule being evaluated
  rs: TriggerRuleState;
  d: Draft | undefined;
  ready: Occurrence[] | undefined;
  ex: MutableRuleExplanation | undefined;
}

type MutableRuleExplanation = {
  -readonly [K in keyof RuleExplanation]: RuleExplanation[K];
} & {
  occurrences: MutableOccurrenceExplanation[];
  waiting: { occurrence: string; step?: string; at: number }[];
  cancelled: TriggerCancellation[];
};

/** The rule's state as it stands in this evaluation (its draft once it changed). */
function current(w: Work): TriggerRuleState | Draft {
  return w.d ?? w.rs;
}

/** The rule's draft, created on the first change. */
function draft(w: Work): Draft {
  w.d ??= draftOf(w.rs);
  return w.d;
}

function later(w: Work, t: number): void {
  if (t > w.now && t < w.next) w.next = t;
}

function addReady(w: Work, occ: Occurrence): void {
  w.ready ??= [];
  w.ready.push(occ);
}

/** Validates the context and prepares the work of one evaluation. */
function prepare(
  set: RuleSet,
  context: TriggerContext,
  nowInput: InstantInput,
  explain: boolean,
  fn: string,
): { work: Work; prev: TriggerState | null } {
  const now =
    typeof nowInput === 'number' && Number.isSafeInteger(nowInput)
      ? nowInput
      : toInstant(nowInput, { fn, root: 'now' });
  if (!isRecord(context)) {
    return failInput(
      { fn, root: 'context' },
      { code: 'invalid_type', path: [], expected: 'an object', received: describeType(context) },
    );
  }
  const customerId = context.customerId;
  if (typeof customerId !== 'string' || customerId === '' || customerId.length > 256) {
    failInput(
      { fn, path: ['customerId'], root: 'context' },
      {
        code: 'invalid_value',
        path: [],
        expected: 'a non-empty string of at most 256 characters',
        received: describeType(customerId),
      },
    );
  }
  const zone = context.timeZone;
  const timeZone =
    typeof zone === 'string' && isValidTimeZone(zone)
      ? zone
      : toTimeZone(zone, { fn, path: ['timeZone'], root: 'context' });
  const facts = context.facts ?? {};
  if (!isRecord(facts)) {
    failInput(
      { fn, path: ['facts'], root: 'context' },
      { code: 'invalid_type', path: [], expected: 'an object', received: describeType(facts) },
    );
  }
  if (hasOwn.call(facts, '$events')) {
    failInput(
      { fn, path: ['facts', '$events'], root: 'context' },
      { code: 'forbidden_key', path: [], detail: '$events is reserved for the event history' },
    );
  }
  const prev = context.state == null ? null : checkState(context.state, fn);
  if (context.events !== undefined && !Array.isArray(context.events)) {
    failInput(
      { fn, path: ['events'], root: 'context' },
      {
        code: 'invalid_type',
        path: [],
        expected: 'an array of events',
        received: describeType(context.events),
      },
    );
  }
  const events =
    context.events === undefined || context.events.length === 0
      ? NO_EVENTS
      : normalizeEvents(context.events, fn, 'context.events');
  const prevHistory = prev?.history ?? {};
  const historyWhere = explain ? EXPLAIN_HISTORY : EVALUATE_HISTORY;
  const history =
    events.length === 0 ? prevHistory : foldHistory(prevHistory, events, set.history, historyWhere);
  return {
    prev,
    work: {
      set,
      customerId,
      timeZone,
      now,
      floor: prev?.asOf ?? Number.NEGATIVE_INFINITY,
      events,
      history,
      historyWhere,
      facts,
      viewScope: undefined,
      cache: undefined,
      idleWaiting: false,
      explain,
      next: Number.POSITIVE_INFINITY,
      cancelled: undefined,
      cancellations: undefined,
      laterDates: undefined,
      candidates: undefined,
      rs: EMPTY_RULE_STATE,
      d: undefined,
      ready: undefined,
      ex: undefined,
    },
  };
}

/** Cancels the rule's pending actions that an exit or a goal has ended. */
function cancelEnded(
  w: Work,
  r: CompiledRule,
  pending: readonly PendingTriggerAction[],
  exitNow: 'exit' | 'goal' | null,
): void {
  for (const p of pending) {
    if (p.at <= w.now) continue;
    const reason = exitNow ?? endedBetween(w, r, p.since, p.at);
    if (reason === null) continue;
    const c: TriggerCancellation = {
      key: p.key,
      definitionId: r.id,
      occurrence: p.occurrence,
      reason,
    };
    w.cancelled ??= new Set();
    w.cancelled.add(p.key);
    w.cancellations ??= [];
    w.cancellations.push(c);
    w.ex?.cancelled.push(c);
  }
}

/** Event and event-without triggers: new events, then the occurrences waiting for their time. */
function collectEvents(
  w: Work,
  t: Extract<CompiledRule['trigger'], { kind: 'event' | 'eventWithout' }>,
): void {
  const { events, now } = w;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.type !== t.event) continue;
    const id = eventOccurrenceId(t.dedupe, t.dedupePath, e);
    if (t.where !== undefined && !t.where.evaluate(e.properties, now)) {
      w.ex?.occurrences.push({ occurrence: id, at: e.at, since: e.at, outcome: 'filtered' });
      continue;
    }
    if (current(w).seen.includes(id)) {
      w.ex?.occurrences.push({ occurrence: id, at: e.at, since: e.at, outcome: 'duplicate' });
      continue;
    }
    const d = draft(w);
    pushSeen(d, id);
    const event = { id: e.id, type: e.type, at: e.at, properties: e.properties as Attributes };
    const fireAt = t.kind === 'eventWithout' ? shift(e.at, t.within, 1, w.timeZone) : e.at;
    if (t.kind === 'event' && fireAt <= now) {
      addReady(w, { id, step: undefined, since: e.at, fireAt, event, threshold: undefined });
    } else d.watches.push({ occurrence: id, since: e.at, fireAt, event });
  }
  const watches = current(w).watches;
  if (watches.length === 0) return;
  let kept: TriggerWatch[] | undefined;
  for (let i = 0; i < watches.length; i++) {
    const watch = watches[i]!;
    let drop = false;
    if (t.kind === 'eventWithout' && happenedBetween(w, t.without, watch.since, watch.fireAt)) {
      drop = true;
      w.ex?.occurrences.push({
        occurrence: watch.occurrence,
        at: watch.fireAt,
        since: watch.since,
        outcome: 'followed',
      });
    } else if (watch.fireAt <= now) {
      drop = true;
      addReady(w, {
        id: watch.occurrence,
        step: undefined,
        since: watch.since,
        fireAt: watch.fireAt,
        event: watch.event,
        threshold: undefined,
      });
    }
    if (drop) kept ??= watches.slice(0, i);
    else {
      kept?.push(watch);
      later(w, watch.fireAt);
      w.ex?.waiting.push({ occurrence: watch.occurrence, at: watch.fireAt });
    }
  }
  if (kept !== undefined) draft(w).watches = kept;
  const remaining = current(w).watches;
  if (remaining.length > WATCH_LIMIT) {
    draft(w).watches = [...remaining].sort(byFireAt).slice(-WATCH_LIMIT);
  }
}

function byFireAt(a: TriggerWatch, b: TriggerWatch): number {
  return a.fireAt - b.fireAt;
}

/** Inactivity: the end of the current stretch without the event. */
function collectInactivity(
  w: Work,
  t: Extract<CompiledRule['trigger'], { kind: 'inactivity' }>,
): void {
  let base = historyAt(w, t.slot, t.event)?.last;
  if (base === undefined && t.since !== undefined) base = instantOfValue(readFact(w, t.since));
  if (base === undefined) return;
  const fireAt = shift(base, t.for, 1, w.timeZone);
  if (fireAt > w.now) {
    later(w, fireAt);
    w.ex?.waiting.push({ occurrence: `inactive-since:${base}`, at: fireAt });
  } else if (fireAt > w.floor && !current(w).done.includes(fireAt)) {
    pushDone(draft(w), fireAt);
    addReady(w, {
      id: `inactive-since:${base}`,
      step: undefined,
      since: fireAt,
      fireAt,
      event: undefined,
      threshold: undefined,
    });
  }
}

/** Dates: each offset of the fact's instant, once per instant. */
function collectDates(w: Work, t: Extract<CompiledRule['trigger'], { kind: 'date' }>): void {
  const instant = instantOfValue(readFact(w, t.fact));
  if (instant === undefined) return;
  const tracked = current(w);
  const handled = tracked.dateOf === instant ? (tracked.dateSteps ?? 0) : 0;
  for (let i = 0; i < t.offsets.length; i++) {
    if ((handled & (1 << i)) !== 0) continue;
    const o = t.offsets[i]!;
    let fireAt: number;
    if (o.duration.kind === 'fixed') fireAt = instant + o.sign * o.duration.ms;
    else {
      // A calendar offset costs a few time-zone lookups; its fixed bounds often suffice: a step
      // that is certainly in the future only matters as a candidate for the next instant, so
      // its exact time waits until every rule has set its own (explain lists every waiting
      // step, so it computes them all).
      const lo =
        o.sign > 0 ? instant + o.minMs - CALENDAR_SLACK : instant - o.maxMs - CALENDAR_SLACK;
      const hi =
        o.sign > 0 ? instant + o.maxMs + CALENDAR_SLACK : instant - o.minMs + CALENDAR_SLACK;
      if (hi <= w.floor) continue;
      if (!w.explain && lo > w.now) {
        if (lo < w.next) {
          w.laterDates ??= [];
          w.laterDates.push({ lo, instant, offset: o });
        }
        continue;
      }
      fireAt = shift(instant, o.duration, o.sign, w.timeZone);
    }
    if (fireAt > w.now) {
      later(w, fireAt);
      w.ex?.waiting.push({ occurrence: `date:${instant}`, step: o.label, at: fireAt });
    } else if (fireAt > w.floor) {
      const d = draft(w);
      if (d.dateOf !== instant) {
        d.dateOf = instant;
        d.dateSteps = 0;
      }
      d.dateSteps = (d.dateSteps ?? 0) | (1 << i);
      addReady(w, {
        id: `date:${instant}`,
        step: o.label,
        since: fireAt,
        fireAt,
        event: undefined,
        threshold: undefined,
      });
    }
  }
}

/**
 * Takes the future calendar date steps set aside by {@link collectDates} into the next instant:
 * only a step whose lower bound is before the next instant so far can move it, so most need no
 * exact time.
 */
function settleLaterDates(w: Work, steps: readonly LaterDate[]): void {
  for (const step of steps) {
    if (step.lo >= w.next) continue;
    const o = step.offset;
    later(w, shift(step.instant, o.duration, o.sign, w.timeZone));
  }
}

/** Segment entry: the condition turning true. */
function collectEntry(w: Work, t: Extract<CompiledRule['trigger'], { kind: 'condition' }>): void {
  const holds = t.condition.compiled.evaluate(w, w.now);
  const inside = w.rs.inside === true;
  if (holds && !inside) {
    const d = draft(w);
    d.entries = (w.rs.entries ?? 0) + 1;
    d.inside = true;
    addReady(w, {
      id: `entry:${d.entries}`,
      step: undefined,
      since: w.now,
      fireAt: w.now,
      event: undefined,
      threshold: undefined,
    });
  } else if (!holds && inside) draft(w).inside = false;
  if (t.condition.nextChange !== null) later(w, t.condition.nextChange(w, w.now));
  if (w.ex !== undefined) w.ex.triggerCondition = t.condition.compiled.explain(w, w.now);
}

/** Milestones: the highest threshold newly reached. */
function collectMilestone(
  w: Work,
  t: Extract<CompiledRule['trigger'], { kind: 'milestone' }>,
): void {
  const value = readFact(w, t.fact);
  if (typeof value !== 'number' || !Number.isFinite(value)) return;
  const reached = w.rs.reached ?? Number.NEGATIVE_INFINITY;
  let top: number | undefined;
  for (const th of t.thresholds) if (th > reached && value >= th) top = th;
  if (top === undefined) return;
  draft(w).reached = top;
  addReady(w, {
    id: `milestone:${top}`,
    step: undefined,
    since: w.now,
    fireAt: w.now,
    event: undefined,
    threshold: top,
  });
}

/** Decides each due occurrence (exits, lateness, re-entry, conditions) and queues its actions. */
function fireReady(
  w: Work,
  r: CompiledRule,
  ready: Occurrence[],
  exitNow: 'exit' | 'goal' | null,
): void {
  if (ready.length > 1) ready.sort(byOccurrenceOrder);
  const { now, timeZone } = w;
  for (const occ of ready) {
    const record: MutableOccurrenceExplanation | undefined =
      w.ex === undefined
        ? undefined
        : {
            occurrence: occ.id,
            ...(occ.step === undefined ? {} : { step: occ.step }),
            at: occ.fireAt,
            since: occ.since,
            outcome: 'planned',
          };
    if (record !== undefined) w.ex!.occurrences.push(record);
    const expired = r.expireMs !== undefined && now - occ.fireAt > r.expireMs;
    const ended = exitNow ?? (expired ? null : endedBetween(w, r, occ.since, now));
    if (ended !== null || expired) {
      if (record !== undefined) {
        if (ended !== null) {
          record.outcome = 'exited';
          record.reason = ended;
        } else record.outcome = 'expired';
      }
      continue;
    }
    if (!reentryAllows(r, current(w), occ, timeZone)) {
      if (record !== undefined) record.outcome = 'reentry';
      continue;
    }
    if (r.conditions !== undefined && !r.conditions.evaluate(w, now)) {
      if (record !== undefined) {
        record.outcome = 'conditions_failed';
        record.conditions = r.conditions.explain(w, now);
      }
      continue;
    }
    if (record !== undefined && r.conditions !== undefined) {
      record.conditions = r.conditions.explain(w, now);
    }
    const d = draft(w);
    if (d.lastOccurrence !== occ.id) {
      d.fired++;
      d.lastFiredAt = occ.fireAt;
      d.lastOccurrence = occ.id;
    }
    if (record !== undefined) record.actions = [];
    for (let index = 0; index < r.actions.length; index++) {
      const action = r.actions[index]!;
      let due = r.delay === undefined ? occ.fireAt : shift(occ.fireAt, r.delay, 1, timeZone);
      if (due < now) due = now;
      if (r.window !== undefined) due = nextInSendWindow(due, r.window, timeZone);
      const source: ActionSource = {
        module: 'triggers',
        definitionId: r.id,
        version: r.version,
        occurrence: occ.id,
        step: occ.step === undefined ? action.step : `${occ.step}/${action.step}`,
      };
      w.candidates ??= [];
      w.candidates.push({ r, occ, action, index, due, source, record });
    }
  }
}

/** Evaluates one rule: exits and goals, cancellations, occurrences, firing. */
function evaluateRule(
  w: Work,
  r: CompiledRule,
  rs: TriggerRuleState,
  pending: readonly PendingTriggerAction[] | undefined,
): void {
  w.rs = rs;
  w.d = undefined;
  w.ready = undefined;
  const now = w.now;
  let exitNow: 'exit' | 'goal' | null = null;
  if (r.exitCondition?.compiled.evaluate(w, now)) exitNow = 'exit';
  else if (r.goalCondition?.compiled.evaluate(w, now)) exitNow = 'goal';
  const ex = w.ex;
  if (ex !== undefined) {
    if (r.exitCondition !== undefined) ex.exit = r.exitCondition.compiled.explain(w, now);
    if (r.goalCondition !== undefined) ex.goal = r.goalCondition.compiled.explain(w, now);
    if (r.conditions !== undefined) ex.conditions = r.conditions.explain(w, now);
  }
  if (pending !== undefined) cancelEnded(w, r, pending, exitNow);
  const t = r.trigger;
  switch (t.kind) {
    case 'event':
    case 'eventWithout':
      collectEvents(w, t);
      break;
    case 'inactivity':
      collectInactivity(w, t);
      break;
    case 'date':
      collectDates(w, t);
      break;
    case 'condition':
      collectEntry(w, t);
      break;
    case 'milestone':
      collectMilestone(w, t);
      break;
  }
  if (w.ready !== undefined) fireReady(w, r, w.ready, exitNow);
}

/**
 * Places the fired actions by priority, then due time, then rule, occurrence and action order:
 * frequency caps (counting sent and pending actions), send windows, lateness, templates.
 */
function place(
  w: Work,
  candidates: Candidate[],
  prevSent: readonly CappedAction[],
  prevPending: readonly PendingTriggerAction[],
): { actions: PlannedAction[]; sinceOf: Map<string, number> } {
  const actions: PlannedAction[] = [];
  const sinceOf = new Map<string, number>();
  if (candidates.length > 1) candidates.sort(byCandidateOrder);
  const capHistory: CappedAction[] = [...prevSent];
  for (const p of prevPending)
    if (w.cancelled === undefined || !w.cancelled.has(p.key)) capHistory.push(p);
  const { timeZone, customerId } = w;
  for (const c of candidates) {
    const { r, occ, action } = c;
    const channel = action.spec.channel;
    let at = c.due;
    let suppressed: 'cap' | 'expired' | undefined;
    if (r.caps.length > 0) {
      const first = nextAllowedByCaps(capHistory, { at, channel, definitionId: r.id }, r.caps);
      if (first !== at) {
        if (r.onCap === 'skip' || !Number.isFinite(first)) suppressed = 'cap';
        else {
          let candidate = first;
          let placed = false;
          for (let i = 0; i < 64 && Number.isFinite(candidate); i++) {
            const inWindow =
              r.window === undefined ? candidate : nextInSendWindow(candidate, r.window, timeZone);
            const allowed = nextAllowedByCaps(
              capHistory,
              { at: inWindow, channel, definitionId: r.id },
              r.caps,
            );
            if (allowed === inWindow) {
              candidate = inWindow;
              placed = true;
              break;
            }
            candidate = allowed;
          }
          if (!placed) suppressed = 'cap';
          else if (r.expireMs !== undefined && candidate - occ.fireAt > r.expireMs) {
            suppressed = 'expired';
          } else at = candidate;
        }
      }
    }
    if (suppressed !== undefined) {
      c.record?.actions?.push({
        channel,
        template: action.spec.template,
        key: actionKey(customerId, c.source),
        outcome: 'suppressed',
        reason: suppressed,
      });
      continue;
    }
    capHistory.push({ at, channel, definitionId: r.id });
    let params = action.spec.params ?? {};
    let missing: readonly string[] = [];
    if (action.render !== null) {
      const tscope = copyOwn(scopeFor(w, r));
      tscope.$event = occ.event?.properties ?? {};
      tscope.$trigger = {
        occurrence: occ.id,
        at: new Date(occ.fireAt).toISOString(),
        ...(occ.threshold === undefined ? {} : { threshold: occ.threshold }),
      };
      const rendered = action.render(tscope);
      params = rendered.params;
      missing = rendered.missing;
    }
    const planned = planAction(
      { channel, template: action.spec.template, params, priority: action.priority },
      { customerId, dueAt: at, source: c.source },
    );
    actions.push(planned);
    sinceOf.set(planned.key, occ.since);
    c.record?.actions?.push({
      channel,
      template: action.spec.template,
      key: planned.key,
      outcome: 'planned',
      dueAt: at,
      ...(missing.length === 0 ? {} : { missing }),
    });
  }
  actions.sort(byDueThenPriority);
  if (w.explain) {
    for (const c of candidates) {
      const rec = c.record!;
      if (rec.outcome === 'planned' && rec.actions!.every(isSuppressed)) rec.outcome = 'suppressed';
    }
  }
  return { actions, sinceOf };
}

function byDueThenPriority(a: PlannedAction, b: PlannedAction): number {
  return (
    a.dueAt - b.dueAt || b.priority - a.priority || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

function isSuppressed(a: ActionExplanation): boolean {
  return a.outcome === 'suppressed';
}

/** Evaluates a rule set for one customer. @internal */
export function evaluateRules(
  set: RuleSet,
  context: TriggerContext,
  nowInput: InstantInput,
  explain: boolean,
): TriggerEvaluation | ExplainedTriggerEvaluation {
  const fn = explain ? 'CompiledRules.explain' : 'CompiledRules.evaluate';
  const { work: w, prev } = prepare(set, context, nowInput, explain, fn);
  const { now, events } = w;
  const prevRules = prev?.rules ?? {};
  const prevPending = prev?.pending ?? [];
  const prevSent = prev?.sent ?? [];

  let pendingByRule: Map<string, PendingTriggerAction[]> | undefined;
  if (prevPending.length > 0) {
    pendingByRule = new Map();
    for (const p of prevPending) {
      const list = pendingByRule.get(p.definitionId);
      if (list === undefined) pendingByRule.set(p.definitionId, [p]);
      else list.push(p);
    }
  }
  const explanations: RuleExplanation[] | undefined = explain ? [] : undefined;
  let rulesOut: Record<string, TriggerRuleState> | undefined;

  const stored = storedStates(w, prevRules);
  const rules = set.rules;
  // When nothing can wake an event-driven rule (no event, no pending action, nothing waiting in
  // a stored state), the check below would skip every one of them: visit the others only.
  const order =
    !explain && events.length === 0 && pendingByRule === undefined && !w.idleWaiting
      ? set.busy
      : undefined;
  const count = order === undefined ? rules.length : order.length;
  for (let k = 0; k < count; k++) {
    const i = order === undefined ? k : order[k]!;
    const r = rules[i]!;
    const rs = stored?.[i];
    const pending = pendingByRule?.get(r.id);
    // An event-driven rule with no event of its type in this batch, no occurrence waiting and no
    // pending action has nothing to do (explain still reports it). Its stored state, when it has
    // one, is then unchanged: only a waiting occurrence (a watch) could come due.
    if (
      r.idleWithoutEvents &&
      !explain &&
      pending === undefined &&
      (events.length === 0 || !hasEventOfType(events, r.triggerEvent)) &&
      nothingWaiting(rs)
    ) {
      continue;
    }
    w.ex = explain
      ? {
          ruleId: r.id,
          version: r.version,
          trigger: r.kind,
          occurrences: [],
          waiting: [],
          cancelled: [],
        }
      : undefined;
    evaluateRule(w, r, ruleStateOf(rs, r.id, fn), pending);
    if (w.d !== undefined) {
      rulesOut ??= copyOwn(prevRules) as Record<string, TriggerRuleState>;
      // rule ids passed validation: plain assignment cannot reach a prototype
      rulesOut[r.id] = w.d;
    }
    if (w.ex !== undefined) explanations!.push(w.ex as RuleExplanation);
  }

  if (w.laterDates !== undefined) settleLaterDates(w, w.laterDates);

  let actions: readonly PlannedAction[] = NO_ACTIONS;
  let sinceOf: Map<string, number> | undefined;
  if (w.candidates !== undefined) {
    ({ actions, sinceOf } = place(w, w.candidates, prevSent, prevPending));
  }

  // what stays pending, and what caps keep counting; reused as is when nothing changed
  const keepSent = set.maxCapMs > 0;
  const horizon = now - set.maxCapMs;
  let pending: readonly PendingTriggerAction[] = prevPending;
  let sent: readonly CappedAction[] = keepSent ? prevSent : NO_SENT;
  if (
    actions.length > 0 ||
    w.cancelled !== undefined ||
    !allAfter(prevPending, now) ||
    (keepSent && !allAfter(prevSent, horizon))
  ) {
    const nextPending: PendingTriggerAction[] = [];
    const nextSent: CappedAction[] = [];
    if (keepSent) for (const x of prevSent) if (x.at > horizon) nextSent.push(x);
    for (const p of prevPending) {
      if (w.cancelled?.has(p.key)) continue;
      if (p.at > now) nextPending.push(p);
      else if (keepSent && p.at > horizon) {
        nextSent.push({ at: p.at, channel: p.channel, definitionId: p.definitionId });
      }
    }
    for (const a of actions) {
      if (a.dueAt > now) {
        nextPending.push({
          key: a.key,
          at: a.dueAt,
          channel: a.channel,
          definitionId: a.source.definitionId,
          occurrence: a.source.occurrence,
          since: sinceOf!.get(a.key)!,
        });
      } else if (keepSent) {
        nextSent.push({ at: a.dueAt, channel: a.channel, definitionId: a.source.definitionId });
      }
    }
    pending = nextPending;
    sent = nextSent;
  }

  // an exit or goal condition that changes with time must be seen before a pending action is due
  if (pending.length > 0) {
    for (const r of set.timedEnds) {
      let lastDue = Number.NEGATIVE_INFINITY;
      for (const p of pending) if (p.definitionId === r.id && p.at > lastDue) lastDue = p.at;
      for (const c of [r.exitCondition, r.goalCondition]) {
        const change = c?.nextChange?.(w, now);
        if (change !== undefined && change < lastDue) later(w, change);
      }
    }
  }

  const state: TriggerState = {
    version: 1,
    evaluatedAt: prev?.evaluatedAt != null && prev.evaluatedAt > now ? prev.evaluatedAt : now,
    asOf: prev?.asOf ?? null,
    history: w.history,
    rules: rulesOut ?? prevRules,
    pending,
    sent,
  };
  const result: TriggerEvaluation = {
    state,
    actions,
    cancel: w.cancellations ?? NO_CANCELLATIONS,
    nextEvaluationAt: Number.isFinite(w.next) ? w.next : null,
  };
  return explanations === undefined ? result : { ...result, rules: explanations };
}
