/**
 * The evaluation core behind transition, startStageMachine, nextWakeUp and the migrations: a
 * mutable draft of one state, advanced through time and events, then frozen into a new state only
 * when something changed.
 *
 * @internal
 * @module
 */
import { readFact } from '../core/condition';
import { type Duration, isDurationInput, parseDuration, shiftByDuration } from '../core/duration';
import { describeType, failInput, RetentionError, RetentionInputError } from '../core/errors';
import type { Attributes } from '../core/records';
import type {
  CompiledHold,
  CompiledMachine,
  CompiledStage,
  CompiledTransition,
  StageEventView,
  StageGuardContext,
} from './defineStageMachine';
import type {
  InterruptedStage,
  PendingStageEvent,
  StageChange,
  StageChangeCause,
  StageEntry,
  StageState,
  StageTransitionResult,
} from './transition';

const EMPTY_PROPERTIES: Attributes = /* @__PURE__ */ Object.freeze({});
const NO_CHANGES: readonly StageChange[] = /* @__PURE__ */ Object.freeze([]);

/** A state being advanced. Arrays and records are copied before their first change. */
interface Draft {
  readonly m: CompiledMachine;
  readonly base: StageState;
  readonly facts: unknown;
  stage: CompiledStage;
  seq: number;
  asOf: number;
  history: readonly StageEntry[];
  milestones: Readonly<Record<string, number>>;
  interrupted: readonly InterruptedStage[];
  pending: readonly PendingStageEvent[];
  dirty: boolean;
  emitted: StageChange[] | null;
  /** Due instants of the current stage's time transitions (by `timedIndex`), computed once per entry. */
  dues: number[] | null;
}

function draftOf(m: CompiledMachine, state: StageState, facts: unknown): Draft {
  return {
    m,
    base: state,
    facts: facts ?? EMPTY_PROPERTIES,
    stage: m.stages.get(state.stage)!,
    seq: state.seq,
    asOf: state.asOf,
    history: state.history,
    milestones: state.milestones,
    interrupted: state.interrupted,
    pending: state.pending,
    dirty: false,
    emitted: null,
    dues: null,
  };
}

function lastEntry(d: Draft): StageEntry {
  return d.history[d.history.length - 1]!;
}

function shift(instant: number, duration: Duration, timeZone: string): number {
  return duration.kind === 'fixed'
    ? instant + duration.ms
    : shiftByDuration(instant, duration, 1, timeZone);
}

/** When each time or hold transition of the current stage falls due, computed once per entry. */
function duesOf(d: Draft): number[] {
  if (d.dues !== null) return d.dues;
  const entry = lastEntry(d);
  const dues = d.stage.timed.map((t) => {
    if (t.kind === 'hold') return entry.until ?? Number.POSITIVE_INFINITY;
    const anchor = t.since === 'signup' ? d.base.signedUpAt : entry.at - (entry.elapsed ?? 0);
    return shift(anchor, t.duration!, d.base.timeZone);
  });
  d.dues = dues;
  return dues;
}

/** The first due instant after `asOf`, or infinity. */
function nextDue(d: Draft): number {
  let next = Number.POSITIVE_INFINITY;
  for (const due of duesOf(d)) if (due > d.asOf && due < next) next = due;
  return next;
}

function guardContext(
  d: Draft,
  now: number,
  event: StageEventView | undefined,
): StageGuardContext<unknown> {
  const top = d.interrupted[d.interrupted.length - 1];
  return {
    facts: d.facts,
    event,
    milestones: d.milestones,
    stage: { id: d.stage.id, enteredAt: lastEntry(d).at },
    interrupted: top === undefined ? undefined : { stage: top.stage, elapsed: top.elapsed },
    signedUpAt: d.base.signedUpAt,
    now,
  };
}

function holdUntil(
  d: Draft,
  hold: CompiledHold,
  at: number,
  event: StageEventView | undefined,
): number {
  let length = hold.default;
  if (event !== undefined && hold.property !== null) {
    const value = readFact(event.properties, hold.property);
    if (value !== undefined && isDurationInput(value)) length = parseDuration(value);
  }
  const zone = d.base.timeZone;
  const until = shift(at, length, zone);
  return hold.max === null ? until : Math.min(until, shift(at, hold.max, zone));
}

/** Takes a transition at instant `at`. */
function enter(
  d: Draft,
  t: CompiledTransition,
  at: number,
  cause: StageChangeCause,
  event: StageEventView | undefined,
): void {
  const { m } = d;
  const from = d.stage.id;
  const current = lastEntry(d);
  let entry: StageEntry;
  if (t.target === null) {
    const top = d.interrupted[d.interrupted.length - 1]!;
    d.interrupted = d.interrupted.slice(0, -1);
    entry = {
      stage: top.stage,
      at,
      ...(top.elapsed > 0 ? { elapsed: top.elapsed } : {}),
      ...(top.remaining === undefined ? {} : { until: at + top.remaining }),
    };
  } else {
    const target = m.stages.get(t.target)!;
    if (target.resumable) {
      const interrupted: InterruptedStage = {
        stage: from,
        elapsed: at - current.at + (current.elapsed ?? 0),
        ...(current.until === undefined ? {} : { remaining: Math.max(0, current.until - at) }),
      };
      const stack = [...d.interrupted, interrupted];
      d.interrupted = stack.length > m.historyLimit ? stack.slice(-m.historyLimit) : stack;
    } else if (d.interrupted.length > 0) {
      d.interrupted = [];
    }
    entry =
      target.hold === null
        ? { stage: t.target, at }
        : { stage: t.target, at, until: holdUntil(d, target.hold, at, event) };
  }
  const history = [...d.history, entry];
  d.history = history.length > m.historyLimit ? history.slice(-m.historyLimit) : history;
  d.seq += 1;
  d.stage = m.stages.get(entry.stage)!;
  d.dues = null;
  if (at > d.asOf) d.asOf = at;
  d.dirty = true;
  d.emitted ??= [];
  d.emitted.push({
    type: 'stage:changed',
    machine: m.id,
    version: m.version,
    seq: d.seq,
    from,
    to: entry.stage,
    at,
    resumed: t.target === null,
    cause,
  });
}

function loopError(d: Draft): never {
  throw new RetentionError(
    'limit_exceeded',
    `transition: machine ${JSON.stringify(d.m.id)} changed stage more than ${d.m.maxStepsPerInstant} times at one instant (eventless transitions whose guards keep holding)`,
  );
}

/**
 * Takes, at instant `at`, the best enabled transition that needs no event (an eventless one, or a
 * time one already due), then again in the stage entered, until none is enabled.
 */
function settle(d: Draft, at: number): void {
  for (let steps = 0; ; steps++) {
    const stage = d.stage;
    const canResume = d.interrupted.length > 0;
    let context: StageGuardContext<unknown> | undefined;
    let best: CompiledTransition | null = null;
    let bestDue = Number.NEGATIVE_INFINITY;
    for (const t of stage.eventless) {
      if (t.target === null && !canResume) continue;
      context ??= guardContext(d, at, undefined);
      if (t.guard!(context)) {
        best = t;
        break;
      }
    }
    for (const t of stage.timed) {
      if (best !== null && t.priority < best.priority) continue;
      if (t.target === null && !canResume) continue;
      const due = duesOf(d)[t.timedIndex]!;
      if (due > at) continue;
      if (
        best !== null &&
        t.priority === best.priority &&
        (due > bestDue || (due === bestDue && t.index > best.index))
      ) {
        continue;
      }
      if (t.guard !== null) {
        context ??= guardContext(d, at, undefined);
        if (!t.guard(context)) continue;
      }
      best = t;
      bestDue = due;
    }
    if (best === null) return;
    if (steps >= d.m.maxStepsPerInstant) loopError(d);
    const cause: StageChangeCause =
      best.kind === 'eventless'
        ? { kind: 'guard', transition: best.index }
        : { kind: 'time', due: bestDue, transition: best.index };
    enter(d, best, at, cause, undefined);
  }
}

/** Lets time pass until `until`: every due instant of the current stage on the way is evaluated. */
function advance(d: Draft, until: number): void {
  for (;;) {
    const next = nextDue(d);
    if (next > until) return;
    d.asOf = next;
    d.dirty = true;
    settle(d, next);
  }
}

function applyEvent(d: Draft, p: PendingStageEvent): void {
  if (p.at > d.asOf) {
    d.asOf = p.at;
    d.dirty = true;
  }
  const view: StageEventView = {
    type: p.type,
    at: p.at,
    ...(p.id === undefined ? {} : { id: p.id }),
    properties: p.properties ?? EMPTY_PROPERTIES,
  };
  const candidates = d.stage.byEvent.get(p.type);
  if (candidates !== undefined) {
    const canResume = d.interrupted.length > 0;
    let context: StageGuardContext<unknown> | undefined;
    for (const t of candidates) {
      if (t.target === null && !canResume) continue;
      if (t.guard !== null) {
        context ??= guardContext(d, p.at, view);
        if (!t.guard(context)) continue;
      }
      enter(d, t, p.at, { kind: 'event', event: p.type, transition: t.index }, view);
      break;
    }
  }
  if (d.m.milestones.has(p.type) && !Object.hasOwn(d.milestones, p.type)) {
    d.milestones = { ...d.milestones, [p.type]: p.at };
    d.dirty = true;
  }
  settle(d, p.at);
}

/** Orders pending events: by instant, then id, type and properties, so arrival order never matters. */
function comparePending(a: PendingStageEvent, b: PendingStageEvent): number {
  if (a.at !== b.at) return a.at - b.at;
  const ia = a.id ?? '';
  const ib = b.id ?? '';
  if (ia !== ib) return ia < ib ? -1 : 1;
  if (a.type !== b.type) return a.type < b.type ? -1 : 1;
  const pa = JSON.stringify(a.properties ?? {});
  const pb = JSON.stringify(b.properties ?? {});
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

/** When the draft next needs a tick: its next due instant or held event, plus the skew. */
function wakeAtOf(d: Draft): number | null {
  let next = nextDue(d);
  const held = d.pending[0];
  if (held !== undefined && held.at < next) next = held.at;
  return next === Number.POSITIVE_INFINITY ? null : next + d.m.skewMs;
}

function finish(d: Draft): StageTransitionResult {
  if (!d.dirty) return { state: d.base, changed: false, emitted: NO_CHANGES };
  const s = d.base;
  return {
    state: {
      machine: s.machine,
      version: s.version,
      stage: d.stage.id,
      seq: d.seq,
      signedUpAt: s.signedUpAt,
      timeZone: s.timeZone,
      asOf: d.asOf,
      history: d.history,
      milestones: d.milestones,
      interrupted: d.interrupted,
      pending: d.pending,
      wakeAt: wakeAtOf(d),
    },
    changed: true,
    emitted: d.emitted ?? NO_CHANGES,
  };
}

/**
 * Advances a checked state by one input (an event, already parsed, or `null` for a tick).
 *
 * @internal
 */
export function run(
  m: CompiledMachine,
  state: StageState,
  event: PendingStageEvent | null,
  now: number,
  facts: unknown,
): StageTransitionResult {
  const d = draftOf(m, state, facts);
  const watermark = now - m.skewMs;
  if (event !== null && m.relevant.has(event.type)) {
    let at = Math.min(event.at, now);
    if (at < d.asOf) at = d.asOf;
    const p = at === event.at ? event : { ...event, at };
    if (d.pending.length === 0 && at <= watermark) {
      advance(d, at);
      applyEvent(d, p);
    } else {
      const pending = [...d.pending, p].sort(comparePending);
      d.pending = pending;
      d.dirty = true;
    }
  }
  while (d.pending.length > 0 && d.pending[0]!.at <= watermark) {
    const p = d.pending[0]!;
    d.pending = d.pending.slice(1);
    d.dirty = true;
    advance(d, p.at);
    applyEvent(d, p);
  }
  advance(d, watermark);
  settle(d, Math.max(watermark, d.asOf));
  return finish(d);
}

/**
 * Whether an input certainly changes nothing, judged from the state object alone (no history):
 * a tick, or an event no transition or milestone uses, before the state's wake-up, in a stage
 * whose eventless and time transitions cannot change their answer without the state changing.
 * The state must belong to the machine's version and name a declared stage; anything else goes
 * the long way, through the full checks.
 *
 * @internal
 */
export function isNoOp(
  m: CompiledMachine,
  state: StageState,
  eventType: string | null,
  now: number,
): boolean {
  if (typeof state !== 'object' || state === null) return false;
  if (state.machine !== m.id || state.version !== m.version) return false;
  if (eventType !== null && m.relevant.has(eventType)) return false;
  const stage = m.stages.get(state.stage);
  if (stage === undefined || stage.tickSensitive) return false;
  const wakeAt = state.wakeAt;
  return wakeAt === null || (typeof wakeAt === 'number' && now < wakeAt);
}

/**
 * The result of an input that changes nothing.
 *
 * @internal
 */
export function unchanged(state: StageState): StageTransitionResult {
  return { state, changed: false, emitted: NO_CHANGES };
}

/**
 * The first state of a customer: the initial stage entered at signup, then eventless transitions
 * checked.
 *
 * @internal
 */
export function start(
  m: CompiledMachine,
  signedUpAt: number,
  timeZone: string,
  facts: unknown,
): StageTransitionResult {
  const initial = m.stages.get(m.initial)!;
  const base: StageState = {
    machine: m.id,
    version: m.version,
    stage: m.initial,
    seq: 0,
    signedUpAt,
    timeZone,
    asOf: signedUpAt,
    history: [],
    milestones: {},
    interrupted: [],
    pending: [],
    wakeAt: null,
  };
  const d = draftOf(m, base, facts);
  const entry: StageEntry =
    initial.hold === null
      ? { stage: m.initial, at: signedUpAt }
      : {
          stage: m.initial,
          at: signedUpAt,
          until: holdUntil(d, initial.hold, signedUpAt, undefined),
        };
  d.history = [entry];
  d.seq = 1;
  d.dirty = true;
  d.emitted = [
    {
      type: 'stage:changed',
      machine: m.id,
      version: m.version,
      seq: 1,
      from: null,
      to: m.initial,
      at: signedUpAt,
      resumed: false,
      cause: { kind: 'start' },
    },
  ];
  settle(d, signedUpAt);
  return finish(d);
}

/**
 * When the state next needs a tick: the first due instant of the current stage after `asOf`, or
 * the release of the first held event, each plus the skew.
 *
 * @internal
 */
export function wakeUp(m: CompiledMachine, state: StageState): number | null {
  return wakeAtOf(draftOf(m, state, undefined));
}

/** Where a state sits in the caller's input: the `state` argument, or an element of a list. */
export interface StateLocation {
  readonly root: string;
  readonly path: readonly (string | number)[];
}

const STATE: StateLocation = { root: 'state', path: [] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Maps a state of an older version to the machine's version through its migration. Stage names
 * the migration does not list keep their name, which must exist in the new version.
 *
 * @internal
 */
export function migrate(
  m: CompiledMachine,
  state: StageState,
  fn: string,
  at: StateLocation = STATE,
): StageState {
  const map = m.migrations.get(state.version);
  if (map === undefined) {
    throw new RetentionError(
      'unknown_version',
      `${fn}: the state is at version ${state.version} of machine ${JSON.stringify(m.id)}, which version ${m.version} cannot read (add a migration from version ${state.version})`,
    );
  }
  const rename = (stage: string, path: readonly (string | number)[]): string => {
    const next = Object.hasOwn(map, stage) ? map[stage]! : stage;
    if (!m.stages.has(next)) {
      throw new RetentionInputError(
        fn,
        [
          {
            code: 'unknown_reference',
            path: [...at.path, ...path],
            detail: `the stage is not declared by version ${m.version} and its migration from version ${state.version} does not map it`,
          },
        ],
        at.root,
      );
    }
    return next;
  };
  const history: StageEntry[] = [];
  state.history.forEach((entry, i) => {
    const stage = rename(entry.stage, ['history', i, 'stage']);
    const previous = history[history.length - 1];
    const before = state.history[i - 1];
    if (previous !== undefined && previous.stage === stage && before!.stage !== entry.stage) {
      // two old stages became one: the stay continues, with the later hold (a stage entered
      // again from itself stays two entries)
      const merged: StageEntry = {
        stage,
        at: previous.at,
        ...(previous.elapsed === undefined ? {} : { elapsed: previous.elapsed }),
        ...(entry.until === undefined ? {} : { until: entry.until }),
      };
      history[history.length - 1] = merged;
    } else {
      history.push(entry.stage === stage ? entry : { ...entry, stage });
    }
  });
  return {
    ...state,
    version: m.version,
    stage: rename(state.stage, ['stage']),
    history,
    interrupted: state.interrupted.map((s, i) => {
      const stage = rename(s.stage, ['interrupted', i, 'stage']);
      return stage === s.stage ? s : { ...s, stage };
    }),
  };
}

/**
 * Checks what transition needs of a state (cheaply: the hot path runs it for every input) and
 * migrates it when it is of an older version.
 *
 * @internal
 */
export function checkState(
  m: CompiledMachine,
  state: StageState,
  fn: string,
  at: StateLocation = STATE,
): StageState {
  const where = { fn, path: at.path, root: at.root };
  if (!isRecord(state) || !Array.isArray(state.history) || state.history.length === 0) {
    failInput(where, {
      code: 'invalid_type',
      path: [],
      expected: 'a stage state (from startStageMachine or transition)',
      received: describeType(state),
    });
  }
  if (state.machine !== m.id) {
    failInput(where, {
      code: 'invalid_value',
      path: ['machine'],
      detail: `expected machine ${JSON.stringify(m.id)}`,
    });
  }
  const current = state.version === m.version ? state : migrate(m, state, fn, at);
  if (
    !m.stages.has(current.stage) ||
    current.history[current.history.length - 1]!.stage !== current.stage
  ) {
    failInput(where, {
      code: 'unknown_reference',
      path: ['stage'],
      detail: 'the stage is not declared by the machine or is not the last history entry',
    });
  }
  // a migrated state has new stages, hence a new wake-up
  return current === state ? state : { ...current, wakeAt: wakeUp(m, current) };
}
