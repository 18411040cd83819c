import type { ActionSpec, PlannedAction } from '../core/action';
import {
  type CappedAction,
  type FrequencyCap,
  type ParsedFrequencyCap,
  parseFrequencyCaps,
} from '../core/caps';
import {
  type CompiledCondition,
  type Condition,
  compileCondition,
  compileConditionReading,
  makeGetter,
} from '../core/condition';
import { type Duration, parseDuration } from '../core/duration';
import {
  type IssuePath,
  RetentionDefinitionError,
  RetentionInputError,
  type RetentionIssue,
} from '../core/errors';
import type { Instant, InstantInput } from '../core/instant';
import type { ActivityEvent, Attributes } from '../core/records';
import { type ParsedSendWindow, parseSendWindow } from '../core/schedule';
import { parseTemplate, templateFromParts } from './compileTemplate';
import { conditionLeaves, type RuleTrigger, ruleIssues, type TriggerRule } from './defineRule';
import type { RuleExplanation, TriggerCancellation } from './describeTriggerExplanation';
import { evaluateRules, factReader, initialState, instantOfValue } from './evaluate';
import {
  type HistoryOptions,
  resolveHistoryOptions,
  type TriggerHistory,
} from './updateTriggerHistory';

/**
 * Options of {@link compileRules}.
 *
 * @category triggers
 */
export interface CompileRulesOptions {
  /**
   * Frequency caps that apply to every rule (unless a rule sets `delivery.globalCaps: false`),
   * e.g. `[{ max: 3, per: '7d' }]` for at most three actions a week per customer across rules.
   * @defaultValue `[]`
   */
  readonly caps?: readonly FrequencyCap[];
  /** How many latest instants the history keeps per event type that needs them (1-1000). @defaultValue `32` */
  readonly recentLimit?: number;
}

/**
 * An event that was seen but fires later: an `eventWithout` occurrence waiting for its window to
 * end, or an event dated in the future.
 *
 * @category triggers
 */
export interface TriggerWatch {
  readonly occurrence: string;
  /** When the occurrence started (exits and goals after this instant end it). */
  readonly since: Instant;
  /** When it fires. */
  readonly fireAt: Instant;
  /** The event, for `$event` in templates. */
  readonly event: {
    readonly id: string;
    readonly type: string;
    readonly at: Instant;
    readonly properties: Attributes;
  };
}

/**
 * One rule's bookkeeping for one customer.
 *
 * @category triggers
 */
export interface TriggerRuleState {
  /** How many occurrences fired (for re-entry). */
  readonly fired: number;
  /** When the last fired occurrence fired. */
  readonly lastFiredAt: Instant | null;
  /** The id of the last fired occurrence (later steps of a date trigger belong to it). */
  readonly lastOccurrence: string | null;
  /** Ids of the latest handled event occurrences (at most 32), so a re-delivered event is not fired twice. */
  readonly seen: readonly string[];
  /** Instants of the latest handled inactivity occurrences (at most 32): each fires once. */
  readonly done: readonly Instant[];
  /** Occurrences that fire later. */
  readonly watches: readonly TriggerWatch[];
  /** Condition triggers: whether the customer was inside the segment at the last evaluation. */
  readonly inside?: boolean;
  /** Condition triggers: how many times the customer entered the segment. */
  readonly entries?: number;
  /** Milestone triggers: the highest threshold reached. */
  readonly reached?: number;
  /** Date triggers: the fact's instant whose offsets `dateSteps` tracks. */
  readonly dateOf?: Instant;
  /** Date triggers: bit `i` is set once offset `i` of `dateOf` has been handled. */
  readonly dateSteps?: number;
}

/**
 * A planned action not yet due, kept so an exit or a goal can cancel it and so caps count it.
 *
 * @category triggers
 */
export interface PendingTriggerAction extends CappedAction {
  /** Its idempotency key. */
  readonly key: string;
  readonly occurrence: string;
  /** When its occurrence started. */
  readonly since: Instant;
}

/**
 * The per-customer bookkeeping of a rule set: a small JSON value the caller stores and passes
 * back to the next evaluation. It holds the event history view, what each rule fired, the
 * occurrences waiting to fire, the pending actions and the recent actions frequency caps count.
 * Rules not in the set keep their entries, so a rule removed and added back resumes.
 *
 * @category triggers
 */
export interface TriggerState {
  /** The layout version of this value. */
  readonly version: 1;
  /** `now` of the latest evaluation. */
  readonly evaluatedAt: Instant | null;
  /**
   * Date and inactivity occurrences due at or before this instant count as handled (set by
   * `initialState({ asOf })` for customers whose past should not fire).
   */
  readonly asOf: Instant | null;
  readonly history: TriggerHistory;
  readonly rules: Readonly<Record<string, TriggerRuleState>>;
  /** Planned actions due after `evaluatedAt`. */
  readonly pending: readonly PendingTriggerAction[];
  /** Actions already due, kept as long as the longest frequency cap window. */
  readonly sent: readonly CappedAction[];
}

/**
 * Options of {@link CompiledRules.initialState}: start a customer's bookkeeping from history you
 * already have, without firing anything for it.
 *
 * @category triggers
 */
export interface TriggerStateOptions {
  /** Past events, folded into the history (they fire no event trigger). @defaultValue `[]` */
  readonly events?: Iterable<ActivityEvent>;
  /** Date and inactivity occurrences due at or before this instant count as handled. @defaultValue none */
  readonly asOf?: InstantInput;
}

/**
 * What a rule set evaluates for one customer.
 *
 * @category triggers
 */
export interface TriggerContext {
  /** The customer; part of every idempotency key. */
  readonly customerId: string;
  /** The customer's IANA time zone, for send windows and calendar durations. @defaultValue `'UTC'` */
  readonly timeZone?: string;
  /**
   * The customer's facts, the root of condition paths (`'attributes.plan'`, `'ltv'`). Keys
   * starting with `$` are reserved: `$events` is the event history view.
   * @defaultValue `{}`
   */
  readonly facts?: Attributes;
  /** Events that arrived since the previous evaluation, in any order. @defaultValue `[]` */
  readonly events?: readonly ActivityEvent[];
  /** The state returned by the previous evaluation. @defaultValue a fresh state */
  readonly state?: TriggerState | null;
}

/**
 * The result of evaluating a rule set for one customer.
 *
 * @category triggers
 */
export interface TriggerEvaluation {
  /** Store it; pass it to the next evaluation. */
  readonly state: TriggerState;
  /** Newly planned actions, each with its idempotency key and due time (now or later), sorted by due time. */
  readonly actions: readonly PlannedAction[];
  /** Previously planned actions, not yet due, that must not be sent. */
  readonly cancel: readonly TriggerCancellation[];
  /**
   * The next instant at which evaluating again could plan or cancel something if no event arrives
   * and no fact changes, or `null` when nothing is scheduled. Always later than `now`.
   */
  readonly nextEvaluationAt: Instant | null;
}

/**
 * A {@link TriggerEvaluation} with the explanation of every rule.
 *
 * @category triggers
 */
export interface ExplainedTriggerEvaluation extends TriggerEvaluation {
  readonly rules: readonly RuleExplanation[];
}

/**
 * A compiled rule set: validated once, evaluated for many customers. `evaluate` is pure and
 * synchronous: state in, `{ state, actions, cancel, nextEvaluationAt }` out.
 *
 * @category triggers
 */
export interface CompiledRules {
  /** The rules, as given. */
  readonly rules: readonly TriggerRule[];
  /** Event types whose arrival can change an outcome (triggers, follow-ups, exits, goals, `$events` paths), sorted. */
  readonly eventTypes: readonly string[];
  /** The history options the evaluator uses, for building a history with {@link updateTriggerHistory}. */
  readonly historyOptions: {
    readonly recentTypes: readonly string[];
    readonly recentLimit: number;
  };
  /**
   * Evaluates the rules for one customer at `now`. Pure and synchronous.
   *
   * @throws {RetentionInputError} When the context, an event, the state or `now` is malformed.
   */
  evaluate(context: TriggerContext, now: InstantInput): TriggerEvaluation;
  /** {@link CompiledRules.evaluate} with a structured explanation of every rule. */
  explain(context: TriggerContext, now: InstantInput): ExplainedTriggerEvaluation;
  /** A fresh state, optionally seeded with past events and a starting instant. */
  initialState(options?: TriggerStateOptions): TriggerState;
}

/** A condition with the instants at which its time-dependent tests may change. @internal */
export interface TimedCondition {
  /** Evaluated with the evaluation's state as the root (see `factReader`). */
  readonly compiled: CompiledCondition;
  /** The earliest instant after `now` at which the condition may change, or Infinity; null when it never does by itself. */
  readonly nextChange: ((root: unknown, now: number) => number) | null;
}

/** A compiled trigger. @internal */
export type CompiledTrigger =
  | {
      readonly kind: 'event';
      readonly event: string;
      readonly where: CompiledCondition | undefined;
      readonly dedupe: ((properties: unknown) => unknown) | undefined;
      readonly dedupePath: string | undefined;
    }
  | {
      readonly kind: 'eventWithout';
      readonly event: string;
      readonly where: CompiledCondition | undefined;
      readonly dedupe: ((properties: unknown) => unknown) | undefined;
      readonly dedupePath: string | undefined;
      readonly without: string;
      readonly within: Duration;
    }
  | {
      readonly kind: 'inactivity';
      readonly event: string;
      /** The slot of `event` in `RuleSet.historyTypes`. */
      readonly slot: number;
      readonly for: Duration;
      readonly since: TriggerFact | undefined;
    }
  | {
      readonly kind: 'date';
      readonly fact: TriggerFact;
      readonly offsets: readonly {
        readonly sign: 1 | -1;
        readonly duration: Duration;
        readonly label: string;
        /** Bounds of a calendar offset's length in milliseconds, before time-zone changes. */
        readonly minMs: number;
        readonly maxMs: number;
      }[];
    }
  | { readonly kind: 'condition'; readonly condition: TimedCondition }
  | {
      readonly kind: 'milestone';
      readonly fact: TriggerFact;
      readonly thresholds: readonly number[];
    };

/**
 * How a rule reads a fact path (a trigger's fact, a condition's): from the facts, or, for a
 * `$events.<type>...` path, from that type's history entry alone, so the rule needs neither the
 * whole view nor the copy of the facts that carries it. Each distinct path has a slot, so rules
 * that read the same fact (`signedUpAt`) read it once per evaluation. @internal
 */
export interface TriggerFact {
  /** The index in `RuleSet.view` of the entry the path reads (-1 with `field` null). */
  readonly view: number;
  /**
   * The field of the view entry the path reads (`within`: the count in the window of
   * `windowMs`), computed from the history entry without building the entry; null for a path
   * read from the facts through `get`. Rule validation admits no other path into `$events`
   * (`recent` is read by the window probes only).
   */
  readonly field: 'count' | 'first' | 'last' | 'recent' | 'within' | null;
  /** The window of a `within` field, in milliseconds (0 otherwise). */
  readonly windowMs: number;
  /** Reads the path from the facts (when `field` is null). */
  readonly get: (facts: unknown) => unknown;
  /** The slot of the path among the set's trigger facts (`RuleSet.factCount` of them). */
  readonly slot: number;
}

/** A compiled action. @internal */
export interface CompiledAction {
  readonly spec: ActionSpec;
  readonly step: string;
  readonly priority: number;
  /** Renders the templated params, or null when no param is a template. */
  readonly render: ((scope: unknown) => { params: Attributes; missing: string[] }) | null;
}

/** A compiled rule. @internal */
export interface CompiledRule {
  readonly rule: TriggerRule;
  readonly id: string;
  readonly version: number;
  readonly kind: RuleTrigger['kind'];
  readonly trigger: CompiledTrigger;
  /** Event-driven (event, event without follow-up, stage): nothing happens without its events or state. */
  readonly idleWithoutEvents: boolean;
  /** The event type of an event-driven trigger. */
  readonly triggerEvent: string;
  /**
   * The entries of the `$events` view (indices in `RuleSet.view`) that the rule's templates read:
   * they render against a copy of the facts with the view holding at least these entries
   * (conditions and trigger facts read the history entries directly).
   */
  readonly viewTypes: readonly number[];
  readonly conditions: CompiledCondition | undefined;
  readonly actions: readonly CompiledAction[];
  readonly delay: Duration | undefined;
  readonly window: ParsedSendWindow | undefined;
  readonly caps: readonly ParsedFrequencyCap[];
  readonly onCap: 'skip' | 'defer';
  readonly expireMs: number | undefined;
  readonly reentry:
    | { readonly mode: 'once' }
    | { readonly mode: 'every' }
    | { readonly mode: 'per'; readonly period: Duration };
  readonly exitEvents: readonly string[];
  readonly goalEvents: readonly string[];
  readonly exitCondition: TimedCondition | undefined;
  readonly goalCondition: TimedCondition | undefined;
}

/** A compiled rule set's internals. @internal */
export interface RuleSet {
  readonly rules: readonly CompiledRule[];
  readonly history: HistoryOptions;
  /**
   * The `$events` view: each event type a path reads (missing ones appear with count 0), with the
   * windows read through `$events.<type>.within.<duration>`.
   */
  readonly view: readonly {
    readonly type: string;
    readonly windows: readonly { readonly label: string; readonly ms: number }[] | undefined;
  }[];
  /**
   * The event types whose history entries the evaluator reads, by slot: the view's types first
   * (entry `i` of `view` has slot `i`), then those only inactivity triggers read.
   */
  readonly historyTypes: readonly string[];
  /** How many distinct trigger fact paths the rules read (see {@link TriggerFact}). */
  readonly factCount: number;
  /** Rules with an exit or goal condition that changes with time. */
  readonly timedEnds: readonly CompiledRule[];
  /** The index of each rule in `rules`, by id. */
  readonly ruleIndex: ReadonlyMap<string, number>;
  /** The indices of the rules that are not event-driven (`idleWithoutEvents` false), ascending. */
  readonly busy: readonly number[];
  /** The longest frequency cap window, for pruning `sent`. */
  readonly maxCapMs: number;
}

const NOW_OPS = new Set(['withinLast', 'olderThan', 'withinNext']);

/** Parses `$events.<type>.within.<duration>`; null for any other path. */
function windowOf(path: string): { type: string; label: string; ms: number } | null {
  if (!path.startsWith('$events.')) return null;
  const s = path.split('.');
  if (s.length !== 4 || s[2] !== 'within') return null;
  const d = parseDuration(s[3]!);
  return d.kind === 'fixed' ? { type: s[1]!, label: s[3]!, ms: d.ms } : null;
}

/**
 * Compiles a rule's condition to read through the evaluation (see {@link factReader}): each path
 * once per evaluation, shared by every rule that reads it, and `$events` paths from the
 * customer's history entry without a copy of the facts. `evaluate`, `explain` and `nextChange`
 * take the evaluation's state as their root.
 */
function ruleCondition(condition: Condition, ctx: SetContext): CompiledCondition {
  return compileConditionReading(condition, (path) => readerOf(ctx, path));
}

/** The reader of `path` for the set's rules: through the evaluation (see {@link factReader}). */
function readerOf(ctx: SetContext, path: string): (root: unknown) => unknown {
  return factReader(triggerFact(ctx, path));
}

function timed(condition: Condition, ctx: SetContext): TimedCondition {
  const compiled = ruleCondition(condition, ctx);
  type Probe = (root: unknown, now: number, best: number) => number;
  const probes: Probe[] = [];
  const instant = (v: unknown) => instantOfValue(v);
  for (const leaf of conditionLeaves(condition)) {
    for (const fact of [leaf.fact, leaf.ref]) {
      if (fact === undefined) continue;
      const w = windowOf(fact);
      if (w === null) continue;
      const recent = readerOf(ctx, `$events.${w.type}.recent`);
      probes.push((root, now, best) => {
        const list = recent(root);
        if (!Array.isArray(list)) return best;
        let b = best;
        // indexed: a for...of here allocated its iterator on every call
        for (let i = 0; i < list.length; i++) {
          const r = list[i] as number;
          if (r > now && r < b) b = r;
          if (r + w.ms > now && r + w.ms < b) b = r + w.ms;
        }
        return b;
      });
    }
  }
  const walk = (c: Condition) => {
    if ('all' in c) c.all.forEach(walk);
    else if ('any' in c) c.any.forEach(walk);
    else if ('not' in c) walk(c.not);
    else if (NOW_OPS.has(c.op)) {
      const get = readerOf(ctx, c.fact);
      const ms = (parseDuration(c.value as string) as { ms: number }).ms;
      const op = c.op;
      probes.push((root, now, best) => {
        const x = instant(get(root));
        if (x === undefined) return best;
        // the instants at which the test's truth can flip, given the comparators in core:
        // withinLast holds on [x, x + ms], olderThan after x + ms, withinNext on [x - ms, x]
        const a =
          op === 'withinLast'
            ? Math.ceil(x)
            : op === 'olderThan'
              ? Math.floor(x + ms) + 1
              : Math.ceil(x - ms);
        const z =
          op === 'olderThan' ? a : op === 'withinLast' ? Math.floor(x + ms) + 1 : Math.floor(x) + 1;
        let b = best;
        if (a > now && a < b) b = a;
        if (z > now && z < b) b = z;
        return b;
      });
    }
  };
  walk(condition);
  return {
    compiled,
    nextChange:
      probes.length === 0
        ? null
        : (root, now) => {
            let best = Number.POSITIVE_INFINITY;
            for (let i = 0; i < probes.length; i++) best = probes[i]!(root, now, best);
            return best;
          },
  };
}

/** The shortest and longest a duration can be on a calendar, ignoring time-zone changes. */
function lengthBounds(d: Duration): { minMs: number; maxMs: number } {
  if (d.kind === 'fixed') return { minMs: d.ms, maxMs: d.ms };
  const day = 86_400_000;
  const clock = ((d.hours * 60 + d.minutes) * 60 + d.seconds) * 1000;
  const fixedDays = d.weeks * 7 + d.days;
  return {
    minMs: (d.years * 365 + d.months * 28 + fixedDays) * day + clock,
    maxMs: (d.years * 366 + d.months * 31 + fixedDays) * day + clock,
  };
}

function label(sign: 1 | -1, d: Duration): string {
  const prefix = sign < 0 ? 'before' : 'after';
  if (d.kind === 'fixed') return `${prefix}:${d.ms}ms`;
  const parts: string[] = [];
  for (const [k, unit] of [
    ['years', 'y'],
    ['months', 'mo'],
    ['weeks', 'w'],
    ['days', 'd'],
    ['hours', 'h'],
    ['minutes', 'm'],
    ['seconds', 's'],
  ] as const) {
    if (d[k] !== 0) parts.push(`${d[k]}${unit}`);
  }
  return `${prefix}:${parts.length === 0 ? '0d' : parts.join('')}`;
}

/** Compiles the templated strings inside an action's params. */
function compileParams(params: Attributes): CompiledAction['render'] {
  type Renderer = (scope: unknown, missing: string[]) => unknown;
  let templated = false;
  const build = (value: unknown): Renderer => {
    if (typeof value === 'string' && value.includes('{{')) {
      const parsed = parseTemplate(value);
      /* c8 ignore next: defineRule has rejected malformed templates */
      if ('issues' in parsed) throw new RetentionDefinitionError('compileRules', parsed.issues);
      const t = templateFromParts(value, parsed.parts, parsed.variables);
      templated = true;
      return (scope, missing) => {
        const r = t.render(scope);
        for (const m of r.missing) if (!missing.includes(m)) missing.push(m);
        return r.text;
      };
    }
    if (Array.isArray(value)) {
      const items = value.map(build);
      return (scope, missing) => items.map((f) => f(scope, missing));
    }
    if (typeof value === 'object' && value !== null) {
      const entries = Object.keys(value).map(
        (k) => [k, build((value as Record<string, unknown>)[k])] as const,
      );
      return (scope, missing) => {
        const out: Record<string, unknown> = {};
        for (const [k, f] of entries)
          Object.defineProperty(out, k, {
            value: f(scope, missing),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        return out;
      };
    }
    return () => value;
  };
  const root = build(params);
  if (!templated) return null;
  return (scope) => {
    const missing: string[] = [];
    return { params: root(scope, missing) as Attributes, missing };
  };
}

/** What compiling the rules of one set shares. */
interface SetContext {
  readonly globalCaps: readonly ParsedFrequencyCap[];
  /** The index of each event type of the view in `RuleSet.view`. */
  readonly viewIndex: ReadonlyMap<string, number>;
  /** The slot of each event type whose history entry is read (grows while compiling). */
  readonly historySlots: Map<string, number>;
  /** The compiled trigger fact of each distinct path (grows while compiling). */
  readonly facts: Map<string, TriggerFact>;
}

/** The slot of an event type in `RuleSet.historyTypes`, added when new. */
function historySlot(ctx: SetContext, type: string): number {
  let slot = ctx.historySlots.get(type);
  if (slot === undefined) {
    slot = ctx.historySlots.size;
    ctx.historySlots.set(type, slot);
  }
  return slot;
}

/** Compiles a trigger's fact path, once per distinct path. */
function triggerFact(ctx: SetContext, path: string): TriggerFact {
  let fact = ctx.facts.get(path);
  if (fact !== undefined) return fact;
  const slot = ctx.facts.size;
  const get = makeGetter(path);
  fact = { view: -1, field: null, windowMs: 0, get, slot };
  if (path.startsWith('$events.')) {
    const segments = path.split('.');
    const index = ctx.viewIndex.get(segments[1]!);
    const rest = segments.slice(2).join('.');
    const window = windowOf(path);
    if (window !== null && index !== undefined)
      fact = { view: index, field: 'within', windowMs: window.ms, get, slot };
    else if (
      index !== undefined &&
      (rest === 'count' || rest === 'first' || rest === 'last' || rest === 'recent')
    )
      fact = { view: index, field: rest, windowMs: 0, get, slot };
    // any other $events path reads the facts, which cannot hold $events: always missing
  }
  ctx.facts.set(path, fact);
  return fact;
}

function compileRule(rule: TriggerRule, ctx: SetContext): CompiledRule {
  const t = rule.trigger;
  let trigger: CompiledTrigger;
  switch (t.kind) {
    case 'event':
    case 'stageEntered': {
      const where =
        t.kind === 'event'
          ? t.where
          : { fact: t.property ?? 'stage', op: 'eq' as const, value: t.stage };
      trigger = {
        kind: 'event',
        event: t.kind === 'event' ? t.event : (t.event ?? 'stage_entered'),
        where: where === undefined ? undefined : compileCondition(where),
        dedupe: t.kind === 'event' && t.dedupeBy !== undefined ? makeGetter(t.dedupeBy) : undefined,
        dedupePath: t.kind === 'event' ? t.dedupeBy : undefined,
      };
      break;
    }
    case 'eventWithout':
      trigger = {
        kind: 'eventWithout',
        event: t.event,
        where: t.where === undefined ? undefined : compileCondition(t.where),
        dedupe: t.dedupeBy === undefined ? undefined : makeGetter(t.dedupeBy),
        dedupePath: t.dedupeBy,
        without: t.without,
        within: parseDuration(t.within),
      };
      break;
    case 'inactivity':
      trigger = {
        kind: 'inactivity',
        event: t.event,
        slot: historySlot(ctx, t.event),
        for: parseDuration(t.for),
        since: t.since === undefined ? undefined : triggerFact(ctx, t.since),
      };
      break;
    case 'date':
      trigger = {
        kind: 'date',
        fact: triggerFact(ctx, t.fact),
        offsets: t.offsets.map((o) => {
          const sign = 'before' in o ? -1 : 1;
          const duration = parseDuration('before' in o ? o.before : o.after);
          return { sign, duration, label: label(sign, duration), ...lengthBounds(duration) };
        }),
      };
      break;
    case 'condition':
      trigger = { kind: 'condition', condition: timed(t.condition, ctx) };
      break;
    case 'milestone':
      trigger = {
        kind: 'milestone',
        fact: triggerFact(ctx, t.fact),
        thresholds: t.thresholds,
      };
      break;
  }
  const d = rule.delivery ?? {};
  const ownCaps = d.caps === undefined ? [] : parseFrequencyCaps(d.caps);
  const reentry = rule.reentry ?? 'every';
  return {
    rule,
    id: rule.id,
    version: rule.version,
    kind: t.kind,
    trigger,
    idleWithoutEvents: trigger.kind === 'event' || trigger.kind === 'eventWithout',
    triggerEvent: trigger.kind === 'event' || trigger.kind === 'eventWithout' ? trigger.event : '',
    viewTypes: viewTypesOf(templatePathsOf(rule), ctx.viewIndex),
    conditions: rule.conditions === undefined ? undefined : ruleCondition(rule.conditions, ctx),
    actions: rule.actions.map((spec) => ({
      spec,
      step: `${spec.channel}:${spec.template}`,
      priority: spec.priority ?? 0,
      render: compileParams(spec.params ?? {}),
    })),
    delay: d.delay === undefined ? undefined : parseDuration(d.delay),
    window: d.sendWindow === undefined ? undefined : parseSendWindow(d.sendWindow),
    caps: d.globalCaps === false ? ownCaps : [...ctx.globalCaps, ...ownCaps],
    onCap: d.onCap ?? 'skip',
    expireMs:
      d.expireAfter === undefined ? undefined : (parseDuration(d.expireAfter) as { ms: number }).ms,
    reentry:
      reentry === 'once' || reentry === 'every'
        ? { mode: reentry }
        : { mode: 'per', period: parseDuration(reentry.oncePer) },
    exitEvents: rule.exit?.events ?? [],
    goalEvents: rule.goal?.events ?? [],
    exitCondition: rule.exit?.condition === undefined ? undefined : timed(rule.exit.condition, ctx),
    goalCondition: rule.goal?.condition === undefined ? undefined : timed(rule.goal.condition, ctx),
  };
}

/** The view entries that paths read, sorted: the type of each `$events.<type>...` path. */
function viewTypesOf(paths: readonly string[], viewIndex: ReadonlyMap<string, number>): number[] {
  const out = new Set<number>();
  for (const p of paths) {
    if (!p.startsWith('$events.')) continue;
    const i = viewIndex.get(p.split('.')[1]!);
    if (i !== undefined) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

/** Every path the templates of a rule's actions read. */
function templatePathsOf(rule: TriggerRule): string[] {
  const out: string[] = [];
  const visit = (value: unknown) => {
    if (typeof value === 'string' && value.includes('{{')) {
      const parsed = parseTemplate(value);
      if (!('issues' in parsed)) out.push(...parsed.variables);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit);
  };
  for (const a of rule.actions) visit(a.params ?? {});
  return out;
}

/**
 * Every `$`-free and `$events` path a rule reads (conditions, the fact of a date, milestone or
 * inactivity trigger, templates).
 */
function pathsOf(rule: TriggerRule): string[] {
  const out: string[] = [];
  const fromCondition = (c: Condition | undefined) => {
    if (c === undefined) return;
    for (const leaf of conditionLeaves(c)) {
      out.push(leaf.fact);
      if (leaf.ref !== undefined) out.push(leaf.ref);
    }
  };
  const t = rule.trigger;
  if (t.kind === 'condition') fromCondition(t.condition);
  if (t.kind === 'date' || t.kind === 'milestone') out.push(t.fact);
  if (t.kind === 'inactivity' && t.since !== undefined) out.push(t.since);
  fromCondition(rule.conditions);
  fromCondition(rule.exit?.condition);
  fromCondition(rule.goal?.condition);
  out.push(...templatePathsOf(rule));
  return out;
}

/**
 * Validates a set of trigger rules and compiles it into a fast, pure evaluator. Compile once (at
 * start-up, or when an operator saves a rule) and evaluate for every customer.
 *
 * `evaluate(context, now)` folds the new events into the state's history, finds each rule's
 * occurrences due by `now` (events, ends of windows, inactivity, dates, segment entries,
 * milestones), checks exits, goals, re-entry and conditions, places the actions (delay, the
 * customer's send window, frequency caps; when several compete for a capped slot the higher
 * priority wins, then the earlier due time, then rule id, occurrence and action order), and
 * returns the planned actions with their idempotency keys, the pending actions to cancel, the new
 * state and the next instant worth evaluating. Safe on rules from untrusted JSON.
 *
 * @param rules - The rules (each is checked as {@link defineRule} does; ids must be unique).
 * @param options - See {@link CompileRulesOptions}.
 * @returns The compiled rule set.
 * @throws {RetentionDefinitionError} With every issue and its path (`[ruleIndex, ...]`) when a
 * rule is invalid, two rules share an id, or a global cap is invalid.
 *
 * @example
 * const rules = compileRules([{
 *   id: 'cart-delivery-faq', version: 1,
 *   trigger: { kind: 'eventWithout', event: 'cart_added', without: 'order_placed', within: '3h' },
 *   actions: [{ channel: 'email', template: 'delivery-faq' }],
 * }]);
 * const first = rules.evaluate({ customerId: 'c1', events: [{ id: 'e1', customerId: 'c1', type: 'cart_added', at: '2026-06-01T10:00:00Z' }] }, '2026-06-01T10:00:00Z');
 * [first.actions.length, new Date(first.nextEvaluationAt!).toISOString()]
 * //=> [0, '2026-06-01T13:00:00.000Z']
 *
 * @example
 * const rules = compileRules([{ id: 'cart-delivery-faq', version: 1, trigger: { kind: 'eventWithout', event: 'cart_added', without: 'order_placed', within: '3h' }, actions: [{ channel: 'email', template: 'delivery-faq' }] }]);
 * const first = rules.evaluate({ customerId: 'c1', events: [{ id: 'e1', customerId: 'c1', type: 'cart_added', at: '2026-06-01T10:00:00Z' }] }, '2026-06-01T10:00:00Z');
 * const later = rules.evaluate({ customerId: 'c1', state: first.state }, first.nextEvaluationAt!);
 * later.actions.map((a) => [a.template, a.source.occurrence])
 * //=> [['delivery-faq', 'event:e1']]
 *
 * @example
 * compileRules([{ id: 'x', version: 1, trigger: { kind: 'event', event: 'login', where: { fact: 'constructor.prototype', op: 'exists' } }, actions: [{ channel: 'email', template: 't' }] }])
 * //=> throws 'compileRules: definition[0].trigger.where.fact is a forbidden key...'
 *
 * @category triggers
 */
export function compileRules(
  rules: readonly TriggerRule[],
  options: CompileRulesOptions = {},
): CompiledRules {
  const fn = 'compileRules';
  const issues: RetentionIssue[] = [];
  if (!Array.isArray(rules)) {
    throw new RetentionDefinitionError(fn, [
      { code: 'invalid_type', path: [], expected: 'an array of rules' },
    ]);
  }
  if (rules.length > 1000) {
    throw new RetentionDefinitionError(fn, [
      { code: 'too_big', path: [], expected: 'at most 1000 rules in one set' },
    ]);
  }
  const ids = new Map<string, number>();
  rules.forEach((rule, i) => {
    for (const issue of ruleIssues(rule)) issues.push({ ...issue, path: [i, ...issue.path] });
    const id = (rule as { id?: unknown } | null)?.id;
    if (typeof id === 'string') {
      if (ids.has(id)) {
        issues.push({
          code: 'duplicate',
          path: [i, 'id'],
          detail: `rule ${ids.get(id)} has the same id`,
        });
      } else ids.set(id, i);
    }
  });
  let globalCaps: ParsedFrequencyCap[] = [];
  try {
    globalCaps = parseFrequencyCaps(options.caps ?? [], { path: ['caps'] as IssuePath });
  } catch (error) {
    if (!(error instanceof RetentionInputError)) throw error;
    issues.push(...error.issues.map((issue) => ({ ...issue, path: ['options', ...issue.path] })));
  }
  let historyLimit = 32;
  try {
    historyLimit = resolveHistoryOptions(
      { recentLimit: options.recentLimit ?? 32 },
      fn,
    ).recentLimit;
  } catch (error) {
    if (!(error instanceof RetentionInputError)) throw error;
    issues.push({
      code: 'out_of_range',
      path: ['options', 'recentLimit'],
      expected: 'a whole number from 1 to 1000',
    });
  }
  if (issues.length > 0) throw new RetentionDefinitionError(fn, issues);

  const recentTypes = new Set<string>();
  const eventTypes = new Set<string>();
  const viewTypes = new Set<string>();
  const windows = new Map<string, { label: string; ms: number }[]>();
  for (const rule of rules) {
    for (const path of pathsOf(rule)) {
      if (!path.startsWith('$events.')) continue;
      const type = path.split('.')[1]!;
      viewTypes.add(type);
      eventTypes.add(type);
      const w = windowOf(path);
      if (w !== null) {
        recentTypes.add(w.type);
        const list = windows.get(w.type) ?? [];
        if (!list.some((x) => x.label === w.label)) list.push({ label: w.label, ms: w.ms });
        windows.set(w.type, list);
      }
    }
  }
  const view = [...viewTypes].sort().map((type) => ({ type, windows: windows.get(type) }));
  const ctx: SetContext = {
    globalCaps,
    viewIndex: new Map(view.map((v, i) => [v.type, i])),
    historySlots: new Map(view.map((v, i) => [v.type, i])),
    facts: new Map(),
  };
  const compiled = rules.map((r) => compileRule(r, ctx));
  for (const r of compiled) {
    const t = r.trigger;
    if (t.kind === 'event' || t.kind === 'eventWithout' || t.kind === 'inactivity')
      eventTypes.add(t.event);
    if (t.kind === 'eventWithout') {
      recentTypes.add(t.without);
      eventTypes.add(t.without);
    }
    for (const e of [...r.exitEvents, ...r.goalEvents]) {
      recentTypes.add(e);
      eventTypes.add(e);
    }
  }
  const set: RuleSet = {
    rules: compiled,
    history: { recentTypes, recentLimit: historyLimit },
    view,
    historyTypes: [...ctx.historySlots.keys()],
    factCount: ctx.facts.size,
    timedEnds: compiled.filter(
      (r) => r.exitCondition?.nextChange != null || r.goalCondition?.nextChange != null,
    ),
    ruleIndex: new Map(compiled.map((r, i) => [r.id, i])),
    busy: compiled.flatMap((r, i) => (r.idleWithoutEvents ? [] : [i])),
    maxCapMs: Math.max(0, ...compiled.flatMap((r) => r.caps.map((c) => c.perMs))),
  };
  return {
    rules,
    eventTypes: [...eventTypes].sort(),
    historyOptions: { recentTypes: [...recentTypes].sort(), recentLimit: historyLimit },
    evaluate: (context, now) => evaluateRules(set, context, now, false),
    explain: (context, now) => evaluateRules(set, context, now, true) as ExplainedTriggerEvaluation,
    initialState: (stateOptions = {}) => initialState(set, stateOptions),
  };
}
