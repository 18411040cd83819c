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
  foldHistory,
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
function happenedBetween(history: TriggerHistory, type: string, from: number, to: number): boolean {
  const h = historyOf(history, type);
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

function endedBetween(
  r: CompiledRule,
  history: TriggerHistory,
  from: number,
  to: number,
): 'exit' | 'goal' | null {
  for (const type of r.exitEvents) if (happenedBetween(history, type, from, to)) return 'exit';
  for (const type of r.goalEvents) if (happenedBetween(history, type, from, to)) return 'goal';
  return null;
}

function countWithin(recent: readonly number[] | undefined, from: number, to: number): number {
  if (recent === undefined) return 0;
  let n = 0;
  for (const x of recent) if (x > from && x <= to) n++;
  return n;
}

const ZERO: Readonly<{ count: number }> = /* @__PURE__ */ Object.freeze({ count: 0 });

/**
 * The `$events` view: for each event type a rule reads, its history entry (or `{ count: 0 }` for a
 * type never seen) with the windows the rules ask for. Keys are event types that passed rule
 * validation, so plain assignment cannot reach a prototype.
 */
function buildView(set: RuleSet, history: TriggerHistory, now: number): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const spec of set.view) {
    const h = historyOf(history, spec.type);
    if (spec.windows === undefined) {
      view[spec.type] = h ?? ZERO;
      continue;
    }
    const within: Record<string, number> = {};
    for (const w of spec.windows) within[w.label] = countWithin(h?.recent, now - w.ms, now);
    view[spec.type] =
      h === undefined
        ? { count: 0, within }
        : { count: h.count, first: h.first, last: h.last, recent: h.recent, within };
  }
  return view;
}

interface Occurrence {
  readonly id: string;
  readonly step: string | undefined;
  readonly since: number;
  readonly fireAt: number;
  readonly event: TriggerWatch['event'] | undefined;
  readonly threshold: number | undefined;
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
    history: foldHistory({}, events, set.history),
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
  for (const key of ['evaluatedAt', 'asOf'] as const) {
    const t = state[key];
    if (!(t === null || Number.isSafeInteger(t))) {
      return badState(fn, [key], 'null or epoch milliseconds', t);
    }
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

function ruleStateOf(rules: TriggerState['rules'], id: string, fn: string): TriggerRuleState {
  if (!hasOwn.call(rules, id)) return EMPTY_RULE_STATE;
  const rs = rules[id];
  if (
    !isRecord(rs) ||
    typeof rs.fired !== 'number' ||
    !Array.isArray(rs.seen) ||
    !Array.isArray(rs.done) ||
    !Array.isArray(rs.watches)
  ) {
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

function withView(
  scope: Record<string, unknown>,
  view: Record<string, unknown>,
): Record<string, unknown> {
  scope.$events = view;
  return scope;
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

/** Evaluates a rule set for one customer. @internal */
export function evaluateRules(
  set: RuleSet,
  context: TriggerContext,
  nowInput: InstantInput,
  explain: boolean,
): TriggerEvaluation | ExplainedTriggerEvaluation {
  const fn = explain ? 'CompiledRules.explain' : 'CompiledRules.evaluate';
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
  const prevHistory = prev?.history ?? {};
  const prevRules = prev?.rules ?? {};
  const prevPending = prev?.pending ?? [];
  const prevSent = prev?.sent ?? [];
  const floor = prev?.asOf ?? Number.NEGATIVE_INFINITY;
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
  const history = events.length === 0 ? prevHistory : foldHistory(prevHistory, events, set.history);
  const scope: Record<string, unknown> = set.usesView
    ? withView(copyOwn(facts), buildView(set, history, now))
    : facts;

  let pendingByRule: Map<string, PendingTriggerAction[]> | undefined;
  if (prevPending.length > 0) {
    pendingByRule = new Map();
    for (const p of prevPending) {
      const list = pendingByRule.get(p.definitionId);
      if (list === undefined) pendingByRule.set(p.definitionId, [p]);
      else list.push(p);
    }
  }
  let cancelled: Set<string> | undefined;
  // allocated on first use: most evaluations plan and cancel nothing
  let cancellations: TriggerCancellation[] | undefined;
  let candidates: Candidate[] | undefined;
  const explanations: RuleExplanation[] | undefined = explain ? [] : undefined;
  let rulesOut: Record<string, TriggerRuleState> | undefined;
  let next = Number.POSITIVE_INFINITY;

  for (const r of set.rules) {
    // An event-driven rule with no event of its type in this batch, no occurrence waiting and no
    // pending action has nothing to do (explain still reports it).
    if (
      r.idleWithoutEvents &&
      explanations === undefined &&
      (events.length === 0 || !hasEventOfType(events, r.triggerEvent)) &&
      !hasOwn.call(prevRules, r.id) &&
      pendingByRule?.has(r.id) !== true
    ) {
      continue;
    }
    const rs = ruleStateOf(prevRules, r.id, fn);
    let d: Draft | undefined;
    const ex =
      explanations === undefined
        ? undefined
        : ({
            ruleId: r.id,
            version: r.version,
            trigger: r.kind,
            occurrences: [] as MutableOccurrenceExplanation[],
            waiting: [] as { occurrence: string; step?: string; at: number }[],
            cancelled: [] as TriggerCancellation[],
          } as {
            -readonly [K in keyof RuleExplanation]: RuleExplanation[K];
          } & {
            occurrences: MutableOccurrenceExplanation[];
            waiting: { occurrence: string; step?: string; at: number }[];
            cancelled: TriggerCancellation[];
          });

    let exitNow: 'exit' | 'goal' | null = null;
    if (r.exitCondition?.compiled.evaluate(scope, now)) exitNow = 'exit';
    else if (r.goalCondition?.compiled.evaluate(scope, now)) exitNow = 'goal';
    if (ex !== undefined) {
      if (r.exitCondition !== undefined) ex.exit = r.exitCondition.compiled.explain(scope, now);
      if (r.goalCondition !== undefined) ex.goal = r.goalCondition.compiled.explain(scope, now);
      if (r.conditions !== undefined) ex.conditions = r.conditions.explain(scope, now);
    }

    const mine = pendingByRule?.get(r.id);
    if (mine !== undefined) {
      for (const p of mine) {
        if (p.at <= now) continue;
        const reason = exitNow ?? endedBetween(r, history, p.since, p.at);
        if (reason === null) continue;
        const c: TriggerCancellation = {
          key: p.key,
          definitionId: r.id,
          occurrence: p.occurrence,
          reason,
        };
        cancelled ??= new Set();
        cancelled.add(p.key);
        cancellations ??= [];
        cancellations.push(c);
        ex?.cancelled.push(c);
      }
    }

    let ready: Occurrence[] | undefined;
    const t = r.trigger;
    switch (t.kind) {
      case 'event':
      case 'eventWithout': {
        for (let i = 0; i < events.length; i++) {
          const e = events[i]!;
          if (e.type !== t.event) continue;
          const id = eventOccurrenceId(t.dedupe, t.dedupePath, e);
          if (t.where !== undefined && !t.where.evaluate(e.properties, now)) {
            ex?.occurrences.push({ occurrence: id, at: e.at, since: e.at, outcome: 'filtered' });
            continue;
          }
          if ((d ?? rs).seen.includes(id)) {
            ex?.occurrences.push({ occurrence: id, at: e.at, since: e.at, outcome: 'duplicate' });
            continue;
          }
          d ??= draftOf(rs);
          const dd = d;
          pushSeen(dd, id);
          const event = {
            id: e.id,
            type: e.type,
            at: e.at,
            properties: e.properties as Attributes,
          };
          const fireAt = t.kind === 'eventWithout' ? shift(e.at, t.within, 1, timeZone) : e.at;
          if (t.kind === 'event' && fireAt <= now) {
            ready ??= [];
            ready.push({
              id,
              step: undefined,
              since: e.at,
              fireAt,
              event,
              threshold: undefined,
            });
          } else dd.watches.push({ occurrence: id, since: e.at, fireAt, event });
        }
        const watches = (d ?? rs).watches;
        if (watches.length > 0) {
          let kept: TriggerWatch[] | undefined;
          for (let i = 0; i < watches.length; i++) {
            const w = watches[i]!;
            let drop = false;
            if (
              t.kind === 'eventWithout' &&
              happenedBetween(history, t.without, w.since, w.fireAt)
            ) {
              drop = true;
              ex?.occurrences.push({
                occurrence: w.occurrence,
                at: w.fireAt,
                since: w.since,
                outcome: 'followed',
              });
            } else if (w.fireAt <= now) {
              drop = true;
              ready ??= [];
              ready.push({
                id: w.occurrence,
                step: undefined,
                since: w.since,
                fireAt: w.fireAt,
                event: w.event,
                threshold: undefined,
              });
            }
            if (drop) kept ??= watches.slice(0, i);
            else {
              kept?.push(w);
              if (w.fireAt > now && w.fireAt < next) next = w.fireAt;
              ex?.waiting.push({ occurrence: w.occurrence, at: w.fireAt });
            }
          }
          if (kept !== undefined) {
            d ??= draftOf(rs);
            d.watches = kept;
          }
          const current = (d ?? rs).watches;
          if (current.length > WATCH_LIMIT) {
            d ??= draftOf(rs);
            d.watches = [...current].sort((a, b) => a.fireAt - b.fireAt).slice(-WATCH_LIMIT);
          }
        }
        break;
      }
      case 'inactivity': {
        let base = historyOf(history, t.event)?.last;
        if (base === undefined && t.since !== undefined) base = instantOfValue(t.since(scope));
        if (base !== undefined) {
          const fireAt = shift(base, t.for, 1, timeZone);
          if (fireAt > now) {
            if (fireAt < next) next = fireAt;
            ex?.waiting.push({ occurrence: `inactive-since:${base}`, at: fireAt });
          } else if (fireAt > floor && !(d ?? rs).done.includes(fireAt)) {
            d ??= draftOf(rs);
            pushDone(d, fireAt);
            ready ??= [];
            ready.push({
              id: `inactive-since:${base}`,
              step: undefined,
              since: fireAt,
              fireAt,
              event: undefined,
              threshold: undefined,
            });
          }
        }
        break;
      }
      case 'date': {
        const instant = instantOfValue(t.fact(scope));
        if (instant !== undefined) {
          const tracked = d ?? rs;
          const handled = tracked.dateOf === instant ? (tracked.dateSteps ?? 0) : 0;
          for (let i = 0; i < t.offsets.length; i++) {
            if ((handled & (1 << i)) !== 0) continue;
            const o = t.offsets[i]!;
            let fireAt: number;
            if (o.duration.kind === 'fixed') fireAt = instant + o.sign * o.duration.ms;
            else {
              // A calendar offset costs a few time-zone lookups; its fixed bounds often suffice:
              // a step that is certainly in the future and certainly not the next instant needs
              // no exact time (explain lists every waiting step, so it computes them all).
              const lo =
                o.sign > 0
                  ? instant + o.minMs - CALENDAR_SLACK
                  : instant - o.maxMs - CALENDAR_SLACK;
              const hi =
                o.sign > 0
                  ? instant + o.maxMs + CALENDAR_SLACK
                  : instant - o.minMs + CALENDAR_SLACK;
              if (ex === undefined && lo > now && lo >= next) continue;
              if (hi <= floor) continue;
              fireAt = shift(instant, o.duration, o.sign, timeZone);
            }
            if (fireAt > now) {
              if (fireAt < next) next = fireAt;
              ex?.waiting.push({ occurrence: `date:${instant}`, step: o.label, at: fireAt });
            } else if (fireAt > floor) {
              d ??= draftOf(rs);
              if (d.dateOf !== instant) {
                d.dateOf = instant;
                d.dateSteps = 0;
              }
              d.dateSteps = (d.dateSteps ?? 0) | (1 << i);
              ready ??= [];
              ready.push({
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
        break;
      }
      case 'condition': {
        const holds = t.condition.compiled.evaluate(scope, now);
        const inside = rs.inside === true;
        if (holds && !inside) {
          d ??= draftOf(rs);
          const dd = d;
          dd.entries = (rs.entries ?? 0) + 1;
          dd.inside = true;
          ready ??= [];
          ready.push({
            id: `entry:${dd.entries}`,
            step: undefined,
            since: now,
            fireAt: now,
            event: undefined,
            threshold: undefined,
          });
        } else if (!holds && inside) {
          d ??= draftOf(rs);
          d.inside = false;
        }
        if (t.condition.nextChange !== null) {
          const change = t.condition.nextChange(scope, now);
          if (change > now && change < next) next = change;
        }
        if (ex !== undefined) ex.triggerCondition = t.condition.compiled.explain(scope, now);
        break;
      }
      case 'milestone': {
        const value = t.fact(scope);
        if (typeof value === 'number' && Number.isFinite(value)) {
          const reached = rs.reached ?? Number.NEGATIVE_INFINITY;
          let top: number | undefined;
          for (const th of t.thresholds) if (th > reached && value >= th) top = th;
          if (top !== undefined) {
            d ??= draftOf(rs);
            d.reached = top;
            ready ??= [];
            ready.push({
              id: `milestone:${top}`,
              step: undefined,
              since: now,
              fireAt: now,
              event: undefined,
              threshold: top,
            });
          }
        }
        break;
      }
    }

    if (ready !== undefined && ready.length > 1) ready.sort(byOccurrenceOrder);
    const readyCount = ready === undefined ? 0 : ready.length;
    for (let i = 0; i < readyCount; i++) {
      const occ = ready![i]!;
      const record: MutableOccurrenceExplanation | undefined =
        ex === undefined
          ? undefined
          : {
              occurrence: occ.id,
              ...(occ.step === undefined ? {} : { step: occ.step }),
              at: occ.fireAt,
              since: occ.since,
              outcome: 'planned',
            };
      if (record !== undefined) ex!.occurrences.push(record);
      const expired = r.expireMs !== undefined && now - occ.fireAt > r.expireMs;
      const ended = exitNow ?? (expired ? null : endedBetween(r, history, occ.since, now));
      if (ended !== null || expired) {
        if (record !== undefined) {
          if (ended !== null) {
            record.outcome = 'exited';
            record.reason = ended;
          } else record.outcome = 'expired';
        }
        continue;
      }
      if (!reentryAllows(r, d ?? rs, occ, timeZone)) {
        if (record !== undefined) record.outcome = 'reentry';
        continue;
      }
      if (r.conditions !== undefined && !r.conditions.evaluate(scope, now)) {
        if (record !== undefined) {
          record.outcome = 'conditions_failed';
          record.conditions = r.conditions.explain(scope, now);
        }
        continue;
      }
      if (record !== undefined && r.conditions !== undefined) {
        record.conditions = r.conditions.explain(scope, now);
      }
      d ??= draftOf(rs);
      const dd = d;
      if (dd.lastOccurrence !== occ.id) {
        dd.fired++;
        dd.lastFiredAt = occ.fireAt;
        dd.lastOccurrence = occ.id;
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
        candidates ??= [];
        candidates.push({ r, occ, action, index, due, source, record });
      }
    }

    if (d !== undefined) {
      rulesOut ??= copyOwn(prevRules) as Record<string, TriggerRuleState>;
      const out: TriggerRuleState = d;
      // rule ids passed validation: plain assignment cannot reach a prototype
      rulesOut[r.id] = out;
    }
    if (ex !== undefined) explanations!.push(ex as RuleExplanation);
  }

  // place the fired actions: by priority, then due time, then rule, occurrence and action order
  let actions: PlannedAction[] = NO_ACTIONS as PlannedAction[];
  let sinceOf: Map<string, number> | undefined;
  if (candidates !== undefined) {
    actions = [];
    if (candidates.length > 1) candidates.sort(byCandidateOrder);
    const capHistory: CappedAction[] = [...prevSent];
    for (const p of prevPending)
      if (cancelled === undefined || !cancelled.has(p.key)) capHistory.push(p);
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
                r.window === undefined
                  ? candidate
                  : nextInSendWindow(candidate, r.window, timeZone);
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
            else if (r.expireMs !== undefined && candidate - occ.fireAt > r.expireMs)
              suppressed = 'expired';
            else at = candidate;
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
        const tscope = copyOwn(scope);
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
      sinceOf ??= new Map();
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
    actions.sort(
      (a, b) =>
        a.dueAt - b.dueAt ||
        b.priority - a.priority ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
    if (explanations !== undefined) {
      for (const c of candidates) {
        const rec = c.record!;
        if (rec.outcome === 'planned' && rec.actions!.every((a) => a.outcome === 'suppressed')) {
          rec.outcome = 'suppressed';
        }
      }
    }
  }

  const keepSent = set.maxCapMs > 0;
  const horizon = now - set.maxCapMs;
  let pending: readonly PendingTriggerAction[] = prevPending;
  let sent: readonly CappedAction[] = keepSent ? prevSent : NO_SENT;
  const settled =
    actions.length === 0 &&
    cancelled === undefined &&
    allAfter(prevPending, now) &&
    (!keepSent || allAfter(prevSent, horizon));
  if (!settled) {
    const nextPending: PendingTriggerAction[] = [];
    const nextSent: CappedAction[] = [];
    if (keepSent) for (const x of prevSent) if (x.at > horizon) nextSent.push(x);
    for (const p of prevPending) {
      if (cancelled?.has(p.key)) continue;
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
        const change = c?.nextChange?.(scope, now);
        if (change !== undefined && change < lastDue && change > now && change < next)
          next = change;
      }
    }
  }

  const state: TriggerState = {
    version: 1,
    evaluatedAt: prev?.evaluatedAt != null && prev.evaluatedAt > now ? prev.evaluatedAt : now,
    asOf: prev?.asOf ?? null,
    history,
    rules: rulesOut ?? prevRules,
    pending,
    sent,
  };
  const result: TriggerEvaluation = {
    state,
    actions,
    cancel: cancellations ?? NO_CANCELLATIONS,
    nextEvaluationAt: Number.isFinite(next) ? next : null,
  };
  return explanations === undefined ? result : { ...result, rules: explanations };
}
