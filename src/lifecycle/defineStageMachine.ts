import * as z from 'zod';
import {
  type CompiledCondition,
  type Condition,
  checkFactPath,
  compileCondition,
  conditionFacts,
  validateCondition,
} from '../core/condition';
import { type Duration, type DurationInput, parseDuration } from '../core/duration';
import {
  type IssuePath,
  RetentionDefinitionError,
  RetentionInputError,
  type RetentionIssue,
} from '../core/errors';
import { lazy } from '../core/lazy';
import type { Attributes } from '../core/records';
import {
  addIssues,
  issueParams,
  type JsonValue,
  parseDefinition,
  zDuration,
  zId,
  zJsonRecord,
  zVersion,
} from '../core/validate';

/**
 * The facts a guard may read besides the machine's own state: whatever the caller passes as
 * `facts` to {@link transition} (a health score, a plan, usage counts). Typed per machine through
 * the second type parameter of {@link defineStageMachine}.
 *
 * @category lifecycle
 */
export type StageFacts = Readonly<Record<string, unknown>>;

/**
 * An event as a guard sees it: the type, the instant (epoch milliseconds), the id when the event
 * had one, and its properties.
 *
 * @category lifecycle
 */
export interface StageEventView {
  readonly type: string;
  readonly at: number;
  readonly id?: string;
  readonly properties: Attributes;
}

/**
 * What a guard reads. A condition guard addresses it by path (`'event.properties.score'`,
 * `'milestones.first_value'`, `'facts.health'`, `'interrupted.elapsed'`); a code guard receives it
 * as its argument.
 *
 * - `facts`: the facts passed to {@link transition} (`{}` when none).
 * - `event`: the event being applied; only transitions with `on` see one.
 * - `milestones`: the first instant of each milestone event the machine records.
 * - `stage`: the current stage and the instant it was entered.
 * - `interrupted`: the stage a `resume` transition would return to, with the time already spent in
 *   it (milliseconds); absent when nothing was interrupted.
 * - `signedUpAt` and `now`: epoch milliseconds; `now` is the instant the transition would happen.
 *
 * @category lifecycle
 */
export interface StageGuardContext<F = StageFacts> {
  readonly facts: F;
  readonly event: StageEventView | undefined;
  readonly milestones: Readonly<Record<string, number>>;
  readonly stage: { readonly id: string; readonly enteredAt: number };
  readonly interrupted: { readonly stage: string; readonly elapsed: number } | undefined;
  readonly signedUpAt: number;
  readonly now: number;
}

/**
 * A guard written in code: a pure predicate over the {@link StageGuardContext}. A machine with a
 * code guard works like any other but is no longer plain JSON (its `serializable` flag is `false`):
 * keep guards in the condition language when the definition must be stored or edited in an admin
 * UI.
 *
 * @category lifecycle
 */
export type StageGuard<F = StageFacts> = (context: StageGuardContext<F>) => boolean;

/**
 * One way out of a stage. Exactly one trigger:
 *
 * - `on: 'event_type'`: when an event of that type is applied;
 * - `after: duration`: when that much time has passed since entering the stage (`since: 'stage'`,
 *   the default) or since signup (`since: 'signup'`); fixed (`'7d'`) or calendar (`{ months: 2 }`,
 *   counted in the customer's time zone); `after: 'hold'` fires when the stage's hold ends;
 * - neither: an eventless transition, taken as soon as its `guard` holds (a guard is required).
 *
 * And exactly one destination: `target` (a stage), or `resume: true` (back to the stage this one
 * interrupted, whose clock continues where it stopped).
 *
 * @category lifecycle
 */
export interface StageTransitionDefinition<S extends string = string, F = StageFacts> {
  /** The event type that triggers the transition. */
  readonly on?: string;
  /** Time that must pass before the transition is taken, or `'hold'` for the end of the stage's hold. */
  readonly after?: DurationInput | 'hold';
  /** What `after` counts from. @defaultValue `'stage'` */
  readonly since?: 'stage' | 'signup';
  /** The stage to move to. */
  readonly target?: S;
  /** Return to the interrupted stage instead of a fixed target. */
  readonly resume?: true;
  /** A condition (plain JSON) or a predicate in code that must hold. @defaultValue always */
  readonly guard?: Condition | StageGuard<F>;
  /** Higher wins when several transitions can fire on the same input. @defaultValue `0` */
  readonly priority?: number;
  /** What the transition means, for people. */
  readonly description?: string;
}

/**
 * How long a stage holds a customer before its `after: 'hold'` transition fires: the duration in
 * the entering event's `properties[property]` when it is a valid duration, else `default`, and
 * never more than `max`. Used for a pause of a chosen length.
 *
 * @category lifecycle
 */
export interface StageHold {
  /** A path inside the entering event's properties, e.g. `'length'`. */
  readonly property?: string;
  /** The hold when the event names none (or the stage is entered without an event). */
  readonly default: DurationInput;
  /** The longest hold allowed. @defaultValue no limit */
  readonly max?: DurationInput;
}

/**
 * A stage: its metadata (goal, key actions, success metric and any JSON data) and its ways out.
 *
 * @category lifecycle
 */
export interface StageDefinition<S extends string = string, F = StageFacts> {
  /** What the stage is for, e.g. `'a calm, successful start'`. */
  readonly goal?: string;
  /** What the team does in it. */
  readonly keyActions?: readonly string[];
  /** How success in the stage is measured. */
  readonly successMetric?: string;
  /** Anything else, as JSON. */
  readonly data?: Readonly<Record<string, JsonValue>>;
  /** Marks a stage with no way out as intended. @defaultValue `false` */
  readonly final?: boolean;
  /** The hold `after: 'hold'` transitions wait for. */
  readonly hold?: StageHold;
  /** The ways out. @defaultValue `[]` */
  readonly transitions?: readonly StageTransitionDefinition<S, F>[];
}

/**
 * Maps the stages of an older version of a machine to stages of this version. A stage of the old
 * version that is not listed keeps its name, which must then exist in this version.
 *
 * @category lifecycle
 */
export interface StageMigration<S extends string = string> {
  /** The older version this migration reads. */
  readonly from: number;
  /** Old stage name to new stage name. @defaultValue `{}` */
  readonly stages?: Readonly<Record<string, S>>;
}

/**
 * A stage machine as plain data. See {@link defineStageMachine}.
 *
 * @category lifecycle
 */
export interface StageMachineDefinition<S extends string = string, F = StageFacts> {
  /** Identifies the machine; stored in every state. */
  readonly id: string;
  /** A positive integer, raised whenever the definition changes. */
  readonly version: number;
  /** The stage a customer starts in. */
  readonly initial: NoInfer<S>;
  /** The stages by id (letters, digits, `_` and `-`). */
  readonly stages: { readonly [K in S]: StageDefinition<NoInfer<S>, F> };
  /** Event types whose first occurrence the state records, for guards (`milestones.<type>`). @defaultValue `[]` */
  readonly milestones?: readonly string[];
  /**
   * How late an event may arrive. The machine holds every input for this long before acting on it,
   * so that events arriving out of order within the skew give the same result as in order; stage
   * changes are delayed by as much. A fixed duration. @defaultValue `0`
   */
  readonly skew?: DurationInput;
  /** Most stage entries kept in a state's history (the oldest are dropped). @defaultValue `100` */
  readonly historyLimit?: number;
  /** How states of older versions map to this one. @defaultValue `[]` */
  readonly migrations?: readonly StageMigration<NoInfer<S>>[];
}

/**
 * A validated stage machine, returned by {@link defineStageMachine} and accepted by
 * {@link transition}, {@link nextWakeUp} and the analytics.
 *
 * @category lifecycle
 */
export interface StageMachine<S extends string = string, F = StageFacts> {
  readonly id: string;
  readonly version: number;
  readonly initial: S;
  /** The declared stages, in definition order. */
  readonly stages: readonly S[];
  /** The definition it was built from. */
  readonly definition: StageMachineDefinition<S, F>;
  /** `false` when a guard is written in code, so the definition is not plain JSON. */
  readonly serializable: boolean;
}

/**
 * Options of {@link defineStageMachine}.
 *
 * @category lifecycle
 */
export interface DefineStageMachineOptions {
  /**
   * Earlier versions of the machine still found in stored states. Each must have the same id and a
   * lower version, and a migration from its version must map every one of its stages to a stage of
   * the new version; otherwise the definition is rejected. @defaultValue `[]`
   */
  readonly previous?: readonly StageMachine<string, never>[];
}

// ---------------------------------------------------------------------------------------------
// The compiled form, kept out of the public object.

/** @internal */
export type GuardFn = (context: StageGuardContext<unknown>) => boolean;

/** @internal */
export interface CompiledTransition {
  readonly stage: string;
  readonly index: number;
  readonly kind: 'event' | 'time' | 'hold' | 'eventless';
  readonly event: string | null;
  readonly duration: Duration | null;
  readonly since: 'stage' | 'signup';
  /** The target stage, or `null` to resume the interrupted stage. */
  readonly target: string | null;
  readonly priority: number;
  readonly guard: GuardFn | null;
  /**
   * Whether the guard can change its answer without the state changing: it reads `facts` or
   * `now`, compares instants with now, or is code.
   */
  readonly tickSensitive: boolean;
  /** Position among the stage's time and hold transitions, or -1. */
  readonly timedIndex: number;
}

/** @internal */
export interface CompiledHold {
  readonly property: string | null;
  readonly default: Duration;
  readonly max: Duration | null;
}

/** @internal */
export interface CompiledStage {
  readonly id: string;
  readonly final: boolean;
  readonly hold: CompiledHold | null;
  /** Event transitions by event type, best first. */
  readonly byEvent: ReadonlyMap<string, readonly CompiledTransition[]>;
  /** Time and hold transitions, in definition order. */
  readonly timed: readonly CompiledTransition[];
  /** Eventless transitions, best first. */
  readonly eventless: readonly CompiledTransition[];
  /** Whether the stage can resume the stage it interrupted. */
  readonly resumable: boolean;
  /**
   * Whether an eventless or time transition has a guard that can change without the state
   * changing; if not, a tick before the next due instant cannot change anything.
   */
  readonly tickSensitive: boolean;
}

/** @internal */
export interface CompiledMachine {
  readonly id: string;
  readonly version: number;
  readonly initial: string;
  readonly stages: ReadonlyMap<string, CompiledStage>;
  /** Event types any transition or milestone uses; other events change nothing. */
  readonly relevant: ReadonlySet<string>;
  readonly milestones: ReadonlySet<string>;
  readonly skewMs: number;
  readonly historyLimit: number;
  readonly migrations: ReadonlyMap<number, Readonly<Record<string, string>>>;
  /** Most stage changes at one instant before the machine is deemed to loop. */
  readonly maxStepsPerInstant: number;
}

const registry = /* @__PURE__ */ lazy(() => new WeakMap<object, CompiledMachine>());

// one machine serves millions of calls in a row: the last lookup is remembered
let lastMachine: object | undefined;
let lastCompiled: CompiledMachine | undefined;

/**
 * The compiled form of a machine made by {@link defineStageMachine}.
 *
 * @internal
 */
export function compiledOf(machine: StageMachine, fn: string): CompiledMachine {
  if (machine === lastMachine && lastCompiled !== undefined) return lastCompiled;
  const compiled =
    typeof machine === 'object' && machine !== null ? registry().get(machine) : undefined;
  if (compiled === undefined) {
    throw new RetentionInputError(
      fn,
      [
        {
          code: 'invalid_type',
          path: [],
          expected: 'a machine returned by defineStageMachine',
        },
      ],
      'machine',
    );
  }
  lastMachine = machine;
  lastCompiled = compiled;
  return compiled;
}

// ---------------------------------------------------------------------------------------------
// Schema

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const STAGE_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_STAGES = 100;
const MAX_TRANSITIONS = 100;

const zGuard = /* @__PURE__ */ lazy(() =>
  z.unknown().superRefine((value, ctx) => {
    if (typeof value === 'function') return;
    addIssues(ctx, validateCondition(value));
  }),
);

const zAfter = /* @__PURE__ */ lazy(() =>
  z.custom<DurationInput | 'hold'>(
    (v) => v === 'hold' || zDuration().safeParse(v).success,
    issueParams('invalid_duration', {
      expected: "'hold', milliseconds, a string like '7d', or { months, days, ... }",
    }),
  ),
);

const zTransition = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    on: z.string().min(1).max(256).optional(),
    after: zAfter().optional(),
    since: z.enum(['stage', 'signup']).optional(),
    target: z.string().optional(),
    resume: z.literal(true).optional(),
    guard: zGuard().optional(),
    priority: z.number().int().min(-1_000_000).max(1_000_000).optional(),
    description: z.string().max(10_000).optional(),
  }),
);

const zStage = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    goal: z.string().max(10_000).optional(),
    keyActions: z.array(z.string().max(10_000)).max(1000).optional(),
    successMetric: z.string().max(10_000).optional(),
    data: zJsonRecord().optional(),
    final: z.boolean().optional(),
    hold: z
      .strictObject({
        property: z.string().optional(),
        default: zDuration(),
        max: zDuration().optional(),
      })
      .optional(),
    transitions: z.array(zTransition()).max(MAX_TRANSITIONS).optional(),
  }),
);

const zFixedDuration = /* @__PURE__ */ lazy(() =>
  z.custom<DurationInput>(
    (v) => {
      try {
        return parseDuration(v as DurationInput).kind === 'fixed';
      } catch {
        return false;
      }
    },
    issueParams('invalid_duration', { expected: "a fixed duration such as '5m' or '1h'" }),
  ),
);

const zMachine = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    id: zId(),
    version: zVersion(),
    initial: z.string(),
    stages: z.record(z.string(), zStage()),
    milestones: z.array(z.string().min(1).max(256)).max(1000).optional(),
    skew: zFixedDuration().optional(),
    historyLimit: z.number().int().min(2).max(100_000).optional(),
    migrations: z
      .array(
        z.strictObject({
          from: zVersion(),
          stages: z.record(z.string(), z.string()).optional(),
        }),
      )
      .max(1000)
      .optional(),
  }),
);

// ---------------------------------------------------------------------------------------------
// Semantic checks

const GUARD_ROOTS = new Set([
  'facts',
  'event',
  'milestones',
  'stage',
  'interrupted',
  'signedUpAt',
  'now',
]);

type Def = StageMachineDefinition<string, unknown>;
type TransitionDef = StageTransitionDefinition<string, unknown>;

function kindOf(t: TransitionDef): CompiledTransition['kind'] {
  if (t.on !== undefined) return 'event';
  if (t.after === 'hold') return 'hold';
  if (t.after !== undefined) return 'time';
  return 'eventless';
}

/** Calendar parts as comparable numbers: months, days, and elapsed milliseconds. */
function calendarParts(d: Duration & { kind: 'calendar' }): [number, number, number] {
  return [
    d.years * 12 + d.months,
    d.weeks * 7 + d.days,
    ((d.hours * 60 + d.minutes) * 60 + d.seconds) * 1000,
  ];
}

/** Whether `a` is earlier than `b` from every anchor, in every time zone. */
function alwaysEarlier(a: Duration, b: Duration): boolean {
  if (a.kind === 'fixed' && b.kind === 'fixed') return a.ms < b.ms;
  if (a.kind === 'calendar' && b.kind === 'calendar') {
    const x = calendarParts(a);
    const y = calendarParts(b);
    return x.every((v, i) => v <= y[i]!) && x.some((v, i) => v < y[i]!);
  }
  return false;
}

/** Whether two time transitions of one stage can fall due at the same instant. */
function canCoincide(a: CompiledTransition, b: CompiledTransition): boolean {
  if (a.kind === 'hold' || b.kind === 'hold') return true;
  if (a.since !== b.since) return true;
  return !(alwaysEarlier(a.duration!, b.duration!) || alwaysEarlier(b.duration!, a.duration!));
}

function competes(a: CompiledTransition, b: CompiledTransition): boolean {
  if (a.priority !== b.priority) return false;
  if (a.kind === 'event' || b.kind === 'event') return a.event !== null && a.event === b.event;
  if (a.kind === 'eventless' || b.kind === 'eventless')
    return a.kind === 'eventless' && b.kind === 'eventless';
  return canCoincide(a, b);
}

function checkGuardFacts(
  guard: Condition,
  kind: CompiledTransition['kind'],
  milestones: ReadonlySet<string>,
  path: IssuePath,
  issues: RetentionIssue[],
): void {
  for (const fact of conditionFacts(guard)) {
    const [root, second] = fact.split('.');
    if (!GUARD_ROOTS.has(root!)) {
      issues.push({
        code: 'unknown_reference',
        path,
        detail: `a guard reads ${JSON.stringify(fact)}, but facts start with ${[...GUARD_ROOTS].join(', ')}`,
      });
    } else if (root === 'event' && kind !== 'event') {
      issues.push({
        code: 'invalid_value',
        path,
        detail: `only transitions with "on" see an event, but the guard reads ${JSON.stringify(fact)}`,
      });
    } else if (root === 'milestones' && second !== undefined && !milestones.has(second)) {
      issues.push({
        code: 'unknown_reference',
        path,
        detail: `milestone ${JSON.stringify(second)} is not listed in "milestones"`,
      });
    }
  }
}

function compileGuard(guard: Condition | StageGuard<unknown> | undefined): {
  guard: GuardFn | null;
  tickSensitive: boolean;
} {
  if (guard === undefined) return { guard: null, tickSensitive: false };
  if (typeof guard === 'function') return { guard: guard as GuardFn, tickSensitive: true };
  const compiled: CompiledCondition = compileCondition(guard);
  return {
    guard: (context) => compiled.evaluate(context, context.now),
    tickSensitive:
      compiled.usesNow ||
      compiled.facts.some((f) => f === 'now' || f === 'facts' || f.startsWith('facts.')),
  };
}

/** Checks the stages and their transitions; returns each stage's transitions, without guards. */
function analyse(def: Def, issues: RetentionIssue[]): Map<string, CompiledTransition[]> {
  const stageIds = Object.keys(def.stages);
  const declared = new Set(stageIds);
  const milestones = new Set(def.milestones ?? []);
  const out = new Map<string, CompiledTransition[]>();

  if (stageIds.length > MAX_STAGES) {
    issues.push({ code: 'too_big', path: ['stages'], expected: `at most ${MAX_STAGES} stages` });
  }
  for (const id of stageIds) {
    if (!STAGE_ID_RE.test(id) || FORBIDDEN.has(id)) {
      issues.push({
        code: FORBIDDEN.has(id) ? 'forbidden_key' : 'invalid_value',
        path: ['stages', id],
        expected: 'a stage id of 1-64 letters, digits, _ and -',
      });
    }
  }
  if (!declared.has(def.initial)) {
    issues.push({ code: 'unknown_reference', path: ['initial'], expected: 'a declared stage' });
  }

  for (const id of stageIds) {
    const stage = def.stages[id]!;
    const at = ['stages', id];
    const list = stage.transitions ?? [];
    const compiled: CompiledTransition[] = [];
    list.forEach((t, index) => {
      const p = [...at, 'transitions', index];
      const kind = kindOf(t);
      if (t.on !== undefined && t.after !== undefined) {
        issues.push({
          code: 'invalid_value',
          path: p,
          detail: 'a transition has one trigger: "on" or "after", not both',
        });
      }
      if (t.since !== undefined && kind !== 'time') {
        issues.push({
          code: 'invalid_value',
          path: [...p, 'since'],
          detail: '"since" goes with an "after" duration',
        });
      }
      if (kind === 'eventless' && t.guard === undefined) {
        issues.push({
          code: 'required',
          path: [...p, 'guard'],
          detail: 'a transition without "on" or "after" fires when its guard holds',
        });
      }
      if (kind === 'hold' && stage.hold === undefined) {
        issues.push({
          code: 'invalid_value',
          path: [...p, 'after'],
          detail: '"after: hold" needs a "hold" on the stage',
        });
      }
      if ((t.target === undefined) === (t.resume === undefined)) {
        issues.push({
          code: 'invalid_value',
          path: p,
          detail: 'a transition has one destination: "target" or "resume: true"',
        });
      } else if (t.target !== undefined && !declared.has(t.target)) {
        issues.push({
          code: 'unknown_reference',
          path: [...p, 'target'],
          expected: 'a declared stage',
        });
      } else if (t.target === id && kind === 'eventless') {
        issues.push({
          code: 'invalid_value',
          path: [...p, 'target'],
          detail: 'an eventless transition back to its own stage would fire forever',
        });
      }
      if (t.guard !== undefined && typeof t.guard !== 'function') {
        checkGuardFacts(t.guard, kind, milestones, [...p, 'guard'], issues);
      }
      compiled.push({
        stage: id,
        index,
        kind,
        event: t.on ?? null,
        duration: kind === 'time' ? parseDuration(t.after as DurationInput) : null,
        since: t.since ?? 'stage',
        target: t.target ?? null,
        priority: t.priority ?? 0,
        guard: null,
        tickSensitive: false,
        timedIndex: -1,
      });
    });

    if (stage.final === true && list.length > 0) {
      issues.push({
        code: 'invalid_value',
        path: [...at, 'final'],
        detail: 'a final stage has no transitions',
      });
    }
    if (stage.final !== true && !list.some((t) => t.resume === true || t.target !== id)) {
      issues.push({
        code: 'invalid_value',
        path: at,
        detail: 'the stage has no way out; add a transition or mark it final',
      });
    }
    if (stage.hold?.property !== undefined) {
      const problem = checkFactPath(stage.hold.property);
      if (problem !== null) issues.push({ ...problem, path: [...at, 'hold', 'property'] });
    }
    for (let j = 0; j < compiled.length; j++) {
      for (let i = 0; i < j; i++) {
        if (competes(compiled[i]!, compiled[j]!)) {
          issues.push({
            code: 'ambiguous',
            path: [...at, 'transitions', j],
            detail: `it can fire on the same input as transitions[${i}]; give them different priorities`,
          });
        }
      }
    }
    out.set(id, compiled);
  }

  checkReachable(def, stageIds, issues);
  checkInstantCycles(def, out, issues);
  checkMigrations(def, declared, issues);
  return out;
}

/** Whether a transition can fire the instant its stage is entered, whatever the guards say. */
function firesOnEntry(t: CompiledTransition, guarded: boolean): boolean {
  if (guarded || t.kind !== 'time' || t.target === null) return false;
  if (t.since === 'signup') return true;
  const d = t.duration!;
  return d.kind === 'fixed'
    ? d.ms === 0
    : d.years + d.months + d.weeks + d.days + d.hours + d.minutes + d.seconds === 0;
}

/**
 * Rejects cycles of unguarded time transitions that can fire on entry (since signup, or of zero
 * length): once due, the customer would go round them forever at one instant.
 */
function checkInstantCycles(
  def: Def,
  transitions: ReadonlyMap<string, CompiledTransition[]>,
  issues: RetentionIssue[],
): void {
  const edges = new Map<string, CompiledTransition[]>();
  for (const [stage, list] of transitions) {
    const defs = def.stages[stage]!.transitions ?? [];
    edges.set(
      stage,
      list.filter((t) => firesOnEntry(t, defs[t.index]!.guard !== undefined)),
    );
  }
  const state = new Map<string, 'open' | 'done'>();
  const visit = (stage: string): void => {
    state.set(stage, 'open');
    for (const t of edges.get(stage) ?? []) {
      const next = t.target!;
      if (state.get(next) === 'open') {
        issues.push({
          code: 'invalid_value',
          path: ['stages', t.stage, 'transitions', t.index],
          detail:
            'it closes a cycle of unguarded time transitions that fire on entry (since signup, or of zero length), which would never stop',
        });
      } else if (!state.has(next) && edges.has(next)) {
        visit(next);
      }
    }
    state.set(stage, 'done');
  };
  for (const stage of edges.keys()) if (!state.has(stage)) visit(stage);
}

/** Stages a `resume` out of each stage can return to: the stages that can enter it, to a fixpoint. */
function resumeTargets(def: Def, stageIds: readonly string[]): Map<string, Set<string>> {
  const into = new Map<string, Set<string>>(stageIds.map((s) => [s, new Set<string>()]));
  let grew = true;
  while (grew) {
    grew = false;
    for (const from of stageIds) {
      for (const t of def.stages[from]!.transitions ?? []) {
        const targets =
          t.resume === true
            ? [...(into.get(from) ?? [])]
            : t.target !== undefined
              ? [t.target]
              : [];
        for (const to of targets) {
          const set = into.get(to);
          if (set !== undefined && to !== from && !set.has(from)) {
            set.add(from);
            grew = true;
          }
        }
      }
    }
  }
  return into;
}

function checkReachable(def: Def, stageIds: readonly string[], issues: RetentionIssue[]): void {
  if (!(def.initial in def.stages)) return;
  const into = resumeTargets(def, stageIds);
  const seen = new Set([def.initial]);
  const queue = [def.initial];
  while (queue.length > 0) {
    const from = queue.pop()!;
    for (const t of def.stages[from]!.transitions ?? []) {
      const targets = t.resume === true ? [...(into.get(from) ?? [])] : [t.target];
      for (const to of targets) {
        if (to !== undefined && to in def.stages && !seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
  }
  for (const id of stageIds) {
    if (!seen.has(id)) {
      issues.push({
        code: 'unreachable',
        path: ['stages', id],
        detail: `no transition leads to it from ${JSON.stringify(def.initial)}`,
      });
    }
  }
}

function checkMigrations(def: Def, declared: ReadonlySet<string>, issues: RetentionIssue[]): void {
  const seen = new Set<number>();
  (def.migrations ?? []).forEach((m, i) => {
    if (m.from >= def.version) {
      issues.push({
        code: 'out_of_range',
        path: ['migrations', i, 'from'],
        expected: `a version below ${def.version}`,
      });
    }
    if (seen.has(m.from)) {
      issues.push({ code: 'duplicate', path: ['migrations', i, 'from'] });
    }
    seen.add(m.from);
    for (const [old, next] of Object.entries(m.stages ?? {})) {
      if (FORBIDDEN.has(old)) {
        issues.push({ code: 'forbidden_key', path: ['migrations', i, 'stages', old] });
      } else if (!declared.has(next)) {
        issues.push({
          code: 'unknown_reference',
          path: ['migrations', i, 'stages', old],
          expected: 'a declared stage',
        });
      }
    }
  });
}

function checkPrevious(
  def: Def,
  declared: ReadonlySet<string>,
  previous: readonly StageMachine<string, never>[],
  issues: RetentionIssue[],
): void {
  previous.forEach((old, i) => {
    const path = ['options', 'previous', i];
    if (old.id !== def.id || old.version >= def.version) {
      issues.push({
        code: 'invalid_value',
        path,
        detail: `expected machine ${JSON.stringify(def.id)} at a version below ${def.version}`,
      });
      return;
    }
    const index = (def.migrations ?? []).findIndex((m) => m.from === old.version);
    if (index === -1) {
      issues.push({
        code: 'required',
        path: ['migrations'],
        detail: `states of version ${old.version} need a migration`,
      });
      return;
    }
    const map = def.migrations![index]!.stages ?? {};
    for (const stage of old.stages) {
      if (!Object.hasOwn(map, stage) && !declared.has(stage)) {
        issues.push({
          code: 'required',
          path: ['migrations', index, 'stages', stage],
          detail: `stage ${JSON.stringify(stage)} of version ${old.version} is not mapped`,
        });
      }
    }
  });
}

/** Builds the compiled machine from a valid definition. */
function build(def: Def, transitions: ReadonlyMap<string, CompiledTransition[]>): CompiledMachine {
  const best = (a: CompiledTransition, b: CompiledTransition) =>
    b.priority - a.priority || a.index - b.index;
  const stages = new Map<string, CompiledStage>();
  const relevant = new Set(def.milestones ?? []);
  for (const [id, raw] of transitions) {
    const stageDef = def.stages[id]!;
    let timed = 0;
    const list = raw.map(
      (t): CompiledTransition => ({
        ...t,
        ...compileGuard(stageDef.transitions![t.index]!.guard),
        timedIndex: t.kind === 'time' || t.kind === 'hold' ? timed++ : -1,
      }),
    );
    const byEvent = new Map<string, CompiledTransition[]>();
    for (const t of list) {
      if (t.kind !== 'event') continue;
      relevant.add(t.event!);
      const group = byEvent.get(t.event!) ?? [];
      group.push(t);
      byEvent.set(t.event!, group);
    }
    for (const group of byEvent.values()) group.sort(best);
    const hold = stageDef.hold;
    stages.set(id, {
      id,
      final: stageDef.final === true,
      hold:
        hold === undefined
          ? null
          : {
              property: hold.property ?? null,
              default: parseDuration(hold.default),
              max: hold.max === undefined ? null : parseDuration(hold.max),
            },
      byEvent,
      timed: list.filter((t) => t.kind === 'time' || t.kind === 'hold'),
      eventless: list.filter((t) => t.kind === 'eventless').sort(best),
      resumable: list.some((t) => t.target === null),
      tickSensitive: list.some((t) => t.kind !== 'event' && t.tickSensitive),
    });
  }
  const migrations = new Map<number, Readonly<Record<string, string>>>();
  for (const m of def.migrations ?? []) migrations.set(m.from, m.stages ?? {});
  return {
    id: def.id,
    version: def.version,
    initial: def.initial,
    stages,
    relevant,
    milestones: new Set(def.milestones ?? []),
    skewMs: def.skew === undefined ? 0 : durationMs(parseDuration(def.skew)),
    historyLimit: def.historyLimit ?? 100,
    migrations,
    maxStepsPerInstant: 4 * stages.size + 4,
  };
}

function durationMs(d: Duration): number {
  return d.kind === 'fixed' ? d.ms : 0;
}

/**
 * Validates a stage machine definition and compiles it for {@link transition}. Each customer is
 * always in exactly one stage; a stage has metadata (goal, key actions, success metric, JSON data)
 * and transitions on events, on elapsed time (since signup or since entering the stage, fixed or
 * calendar durations in the customer's time zone) or on guards alone. Guards are conditions in the
 * shared condition language (plain JSON, the default) or predicates in code (then the machine is
 * not serialisable).
 *
 * When several transitions of a stage could fire at once, the highest `priority` wins; time
 * transitions fall due in order of their due instants, and at one instant an eventless transition
 * goes before a time transition of the same priority. Two transitions that could fire on the same
 * input with the same priority make the definition ambiguous, as does a stage no transition leads
 * to, a stage with no way out that is not marked final, or a target that does not exist. The
 * library cannot prove two guards exclusive, so transitions on the same event, two eventless
 * transitions, and time transitions that can fall due together (the same duration, different
 * anchors, or a fixed against a calendar duration) need distinct priorities.
 *
 * @param definition - The machine as data (see {@link StageMachineDefinition}).
 * @param options - See {@link DefineStageMachineOptions}.
 * @returns The machine.
 * @throws {RetentionDefinitionError} With every issue and its path when the definition is invalid.
 *
 * @example
 * const trial = defineStageMachine({
 *   id: 'trial',
 *   version: 1,
 *   initial: 'trialing',
 *   stages: {
 *     trialing: {
 *       goal: 'reach first value',
 *       transitions: [
 *         { on: 'subscribed', target: 'customer' },
 *         { after: '14d', target: 'lapsed' },
 *       ],
 *     },
 *     customer: { final: true },
 *     lapsed: { transitions: [{ on: 'subscribed', target: 'customer' }] },
 *   },
 * });
 * trial.stages
 * //=> ['trialing', 'customer', 'lapsed']
 *
 * @example
 * defineStageMachine({
 *   id: 'broken',
 *   version: 1,
 *   initial: 'a',
 *   stages: {
 *     a: { transitions: [{ on: 'go', target: 'b' }, { on: 'go', target: 'c' }] },
 *     b: { final: true },
 *     c: { final: true },
 *   },
 * })
 * //=> throws 'defineStageMachine: definition.stages.a.transitions[1] is ambiguous: it can fire on the same input as transitions[0]; give them different priorities'
 *
 * @category lifecycle
 */
export function defineStageMachine<const S extends string, F = StageFacts>(
  definition: StageMachineDefinition<S, F>,
  options: DefineStageMachineOptions = {},
): StageMachine<S, F> {
  const fn = 'defineStageMachine';
  parseDefinition(zMachine(), definition, fn);
  return assemble(definition, options, fn);
}

/**
 * Checks the semantics of a definition whose shape is known to be right (the library's own
 * machines, which a test validates in full) and compiles it, without building the zod schema.
 *
 * @internal
 */
export function assemble<S extends string, F>(
  definition: StageMachineDefinition<S, F>,
  options: DefineStageMachineOptions,
  fn: string,
): StageMachine<S, F> {
  const def = definition as unknown as Def;
  const issues: RetentionIssue[] = [];
  const transitions = analyse(def, issues);
  checkPrevious(def, new Set(Object.keys(def.stages)), options.previous ?? [], issues);
  if (issues.length > 0) throw new RetentionDefinitionError(fn, issues);
  const compiled = build(def, transitions);
  const serializable = Object.values(def.stages).every((s) =>
    (s.transitions ?? []).every((t) => typeof t.guard !== 'function'),
  );
  const machine: StageMachine<S, F> = Object.freeze({
    id: def.id,
    version: def.version,
    initial: def.initial as S,
    stages: Object.freeze(Object.keys(def.stages)) as readonly S[],
    definition,
    serializable,
  });
  registry().set(machine, compiled);
  return machine;
}
