import * as z from 'zod';
import { type ActionSpec, actionSpecSchema } from '../core/action';
import { type FrequencyCap, parseFrequencyCaps } from '../core/caps';
import { type Condition, checkFactPath, conditionSchema } from '../core/condition';
import { type DurationInput, type FixedDurationInput, parseDuration } from '../core/duration';
import {
  describeType,
  type IssuePath,
  RetentionDefinitionError,
  RetentionInputError,
  type RetentionIssue,
} from '../core/errors';
import { lazy } from '../core/lazy';
import { parseSendWindow, type SendWindow } from '../core/schedule';
import { addIssues, fromZodIssues, issueParams, zDuration, zId, zVersion } from '../core/validate';
import { parseTemplate } from './compileTemplate';

/**
 * Fires once for every event of a type: `{ kind: 'event', event: 'import_failed' }`. `where`
 * filters on the event's properties (`{ fact: 'step', op: 'eq', value: 'import_data' }`);
 * `dedupeBy` names a property that identifies the occurrence, so several events with the same
 * value (one incident reported twice) fire once.
 *
 * @category triggers
 */
export interface EventTrigger {
  readonly kind: 'event';
  /** The event type. */
  readonly event: string;
  /** A condition on the event's properties (paths are relative to `properties`). */
  readonly where?: Condition;
  /** A property path whose value identifies the occurrence. @defaultValue the event id */
  readonly dedupeBy?: string;
}

/**
 * Fires when an event happened and another did not follow within a window, at the end of the
 * window: `{ kind: 'eventWithout', event: 'cart_added', without: 'order_placed', within: '3h' }`
 * fires 3 hours after each cart unless an order arrived in between.
 *
 * @category triggers
 */
export interface EventWithoutTrigger {
  readonly kind: 'eventWithout';
  /** The event type that starts the wait. */
  readonly event: string;
  /** A condition on the starting event's properties. */
  readonly where?: Condition;
  /** The event type whose arrival within the window cancels the occurrence. */
  readonly without: string;
  /** The window, fixed (`'3h'`) or calendar (`{ days: 1 }`, in the customer's time zone). */
  readonly within: DurationInput;
  /** A property path whose value identifies the occurrence. @defaultValue the event id */
  readonly dedupeBy?: string;
}

/**
 * Fires when an event has not happened for a while: `{ kind: 'inactivity', event: 'login', for:
 * '21d' }` fires 21 days after the last login, once per stretch of inactivity. A customer who
 * never had the event is measured from the instant in the `since` fact (e.g. `'signedUpAt'`), or
 * not at all without one.
 *
 * @category triggers
 */
export interface InactivityTrigger {
  readonly kind: 'inactivity';
  readonly event: string;
  /** How long without the event. */
  readonly for: DurationInput;
  /** A fact path holding the instant to measure from when the event never happened. */
  readonly since?: string;
}

/**
 * One offset of a {@link DateTrigger}: a duration before or after the fact's instant.
 *
 * @category triggers
 */
export type DateTriggerOffset =
  | { readonly before: DurationInput }
  | { readonly after: DurationInput };

/**
 * Fires at instants relative to a date held in a fact: `{ kind: 'date', fact: 'signedUpAt',
 * offsets: [{ after: { days: 14 } }] }`, or `{ kind: 'date', fact: 'subscription.renewsAt',
 * offsets: [{ before: '7d' }, { before: '3d' }] }` (two reminders of one renewal). The fact holds an
 * instant (epoch milliseconds or ISO-8601 with an offset); `$events.<type>.first` and `.last` work
 * too. Calendar offsets count in the customer's time zone.
 *
 * @category triggers
 */
export interface DateTrigger {
  readonly kind: 'date';
  /** The fact path holding the instant. */
  readonly fact: string;
  /** One to ten offsets; each fires once per value of the fact. */
  readonly offsets: readonly DateTriggerOffset[];
}

/**
 * Fires when a customer enters a segment: the condition becomes true (having been false or never
 * evaluated). `{ kind: 'condition', condition: { all: [{ fact: 'ltv', op: 'gt', value: 100000 },
 * { fact: 'attributes.plan', op: 'eq', value: 'business' }] } }`.
 *
 * @category triggers
 */
export interface ConditionTrigger {
  readonly kind: 'condition';
  readonly condition: Condition;
}

/**
 * Fires when a counter fact crosses a threshold, once per threshold: `{ kind: 'milestone', fact:
 * 'usage.hoursSaved', thresholds: [5, 10, 50] }`. When one evaluation finds several thresholds
 * crossed at once, it fires for the highest and marks the lower ones as reached.
 *
 * @category triggers
 */
export interface MilestoneTrigger {
  readonly kind: 'milestone';
  /** A fact path holding a number, e.g. `'usage.hoursSaved'` or `'$events.report_created.count'`. */
  readonly fact: string;
  /** One to 100 strictly increasing thresholds. */
  readonly thresholds: readonly number[];
}

/**
 * Fires when the customer enters a lifecycle stage, reported as an event (by default type
 * `stage_entered` with the stage in the property `stage`). No code dependency on the lifecycle
 * module: any producer of such events works. A stage held in a fact is a {@link ConditionTrigger}.
 *
 * @category triggers
 */
export interface StageEnteredTrigger {
  readonly kind: 'stageEntered';
  /** The stage id, e.g. `'immersion'`. */
  readonly stage: string;
  /** The event type. @defaultValue `'stage_entered'` */
  readonly event?: string;
  /** The property path holding the stage id. @defaultValue `'stage'` */
  readonly property?: string;
}

/**
 * What makes a rule fire. Each kind defines its occurrences, and each occurrence has a stable id
 * used in the actions' idempotency keys.
 *
 * @category triggers
 */
export type RuleTrigger =
  | EventTrigger
  | EventWithoutTrigger
  | InactivityTrigger
  | DateTrigger
  | ConditionTrigger
  | MilestoneTrigger
  | StageEnteredTrigger;

/**
 * How and when a rule's actions are delivered.
 *
 * @category triggers
 */
export interface RuleDelivery {
  /** Wait this long after the occurrence. @defaultValue none */
  readonly delay?: DurationInput;
  /** Send only inside this window of the customer's local time (quiet hours are the rest). @defaultValue any time */
  readonly sendWindow?: SendWindow;
  /** Frequency caps of this rule (see {@link FrequencyCap} for the scopes). @defaultValue `[]` */
  readonly caps?: readonly FrequencyCap[];
  /** Whether the rule set's caps apply to this rule (turn off for transactional notices). @defaultValue `true` */
  readonly globalCaps?: boolean;
  /** What to do with an action a cap blocks: drop it, or move it to the next allowed slot. @defaultValue `'skip'` */
  readonly onCap?: 'skip' | 'defer';
  /** Skip an occurrence (or a deferred action) more than this late. @defaultValue never */
  readonly expireAfter?: FixedDurationInput;
}

/**
 * Whether a customer may fire a rule again: only the first occurrence ever (`'once'`), every
 * occurrence (`'every'`), or at most one occurrence per period (`{ oncePer: '30d' }`).
 *
 * @category triggers
 */
export type RuleReentry = 'once' | 'every' | { readonly oncePer: DurationInput };

/**
 * An exit or a conversion goal: an event type that arrives after an occurrence started, or a
 * condition that holds, cancels the occurrence's pending actions and stops new ones.
 *
 * @category triggers
 */
export interface RuleExit {
  /** Event types that end the occurrence. */
  readonly events?: readonly string[];
  /** A condition on the customer's facts that ends every occurrence while it holds. */
  readonly condition?: Condition;
}

/**
 * A trigger rule: plain, versioned, JSON-serialisable data. Validate it with {@link defineRule}
 * and compile a set of rules with {@link compileRules}.
 *
 * @example
 * const cartAbandoned: TriggerRule = {
 *   id: 'cart-delivery-faq',
 *   version: 1,
 *   trigger: { kind: 'eventWithout', event: 'cart_added', without: 'order_placed', within: '3h' },
 *   actions: [{ channel: 'email', template: 'delivery-faq', params: { subject: 'Questions about delivery, {{firstName | "friend"}}?' } }],
 *   delivery: { sendWindow: { start: '09:00', end: '20:00' } },
 *   reentry: { oncePer: '7d' },
 *   goal: { events: ['order_placed'] },
 * };
 *
 * @category triggers
 */
export interface TriggerRule {
  /** A stable id; it is part of every idempotency key, so keep it when you edit the rule. */
  readonly id: string;
  /** Bump it when you change the rule. */
  readonly version: number;
  /** A label for people. */
  readonly name?: string;
  readonly description?: string;
  readonly trigger: RuleTrigger;
  /** Checked on the customer's facts when an occurrence fires; it fires only if they hold. */
  readonly conditions?: Condition;
  /** One to ten actions, each a distinct channel and template; string params are templates. */
  readonly actions: readonly ActionSpec[];
  readonly delivery?: RuleDelivery;
  /** @defaultValue `'every'` */
  readonly reentry?: RuleReentry;
  /** Leaving: cancels pending actions. */
  readonly exit?: RuleExit;
  /** Converting: cancels pending actions (reported with reason `'goal'`). */
  readonly goal?: RuleExit;
}

/** The kinds of {@link RuleTrigger}. @internal */
export const TRIGGER_KINDS = [
  'event',
  'eventWithout',
  'inactivity',
  'date',
  'condition',
  'milestone',
  'stageEntered',
] as const;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_JSON_DEPTH = 80;
const MAX_JSON_NODES = 50_000;
const MAX_STRING = 20_000;

/**
 * Checks that a value is plain JSON within limits, before any schema looks at it: plain objects
 * and arrays only, finite numbers, bounded depth, nodes and string length, and no key that could
 * reach a prototype. Returns the first problem found, with its path.
 */
function jsonIssue(
  value: unknown,
  path: IssuePath,
  depth: number,
  budget: { nodes: number },
): RetentionIssue | null {
  if (--budget.nodes < 0) {
    return budget.nodes === -1
      ? { code: 'too_big', path, expected: `at most ${MAX_JSON_NODES} values in one rule` }
      : null;
  }
  if (depth > MAX_JSON_DEPTH) {
    return { code: 'too_deep', path, expected: `at most ${MAX_JSON_DEPTH} levels of nesting` };
  }
  if (value === null || value === undefined || typeof value === 'boolean') return null;
  if (typeof value === 'string') {
    return value.length > MAX_STRING
      ? { code: 'too_big', path, expected: `at most ${MAX_STRING} characters` }
      : null;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? null
      : { code: 'invalid_value', path, expected: 'a finite number', received: describeType(value) };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = jsonIssue(value[i], [...path, i], depth + 1, budget);
      if (problem !== null) return problem;
    }
    return null;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      return { code: 'invalid_type', path, expected: 'plain JSON', received: describeType(value) };
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return { code: 'forbidden_key', path: [...path, key] };
      const problem = jsonIssue(
        (value as Record<string, unknown>)[key],
        [...path, key],
        depth + 1,
        budget,
      );
      if (problem !== null) return problem;
    }
    return null;
  }
  return { code: 'invalid_type', path, expected: 'plain JSON', received: describeType(value) };
}

const zEventType = /* @__PURE__ */ lazy(() =>
  zId().refine(
    (t) => !FORBIDDEN_KEYS.has(t),
    issueParams('forbidden_key', {
      detail: 'an event type may not be __proto__, constructor or prototype',
    }),
  ),
);

const zPath = /* @__PURE__ */ lazy(() =>
  z.string().superRefine((value, ctx) => {
    const problem = checkFactPath(value);
    if (problem !== null) addIssues(ctx, [problem], { value });
  }),
);

const zRuleExit = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      events: z.array(zEventType()).min(1).max(20).optional(),
      condition: conditionSchema().optional(),
    })
    .refine(
      (v) => v.events !== undefined || v.condition !== undefined,
      issueParams('required', { detail: 'give events, a condition, or both' }),
    ),
);

const zTrigger = /* @__PURE__ */ lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('event'),
      event: zEventType(),
      where: conditionSchema().optional(),
      dedupeBy: zPath().optional(),
    }),
    z.strictObject({
      kind: z.literal('eventWithout'),
      event: zEventType(),
      where: conditionSchema().optional(),
      without: zEventType(),
      within: zDuration(),
      dedupeBy: zPath().optional(),
    }),
    z.strictObject({
      kind: z.literal('inactivity'),
      event: zEventType(),
      for: zDuration(),
      since: zPath().optional(),
    }),
    z.strictObject({
      kind: z.literal('date'),
      fact: zPath(),
      offsets: z
        .array(
          z.union([
            z.strictObject({ before: zDuration() }),
            z.strictObject({ after: zDuration() }),
          ]),
        )
        .min(1)
        .max(10),
    }),
    z.strictObject({ kind: z.literal('condition'), condition: conditionSchema() }),
    z.strictObject({
      kind: z.literal('milestone'),
      fact: zPath(),
      thresholds: z.array(z.number()).min(1).max(100),
    }),
    z.strictObject({
      kind: z.literal('stageEntered'),
      stage: zId(),
      event: zEventType().optional(),
      property: zPath().optional(),
    }),
  ]),
);

const zRule = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    id: zId().refine(
      (t) => !FORBIDDEN_KEYS.has(t),
      issueParams('forbidden_key', {
        detail: 'a rule id may not be __proto__, constructor or prototype',
      }),
    ),
    version: zVersion(),
    name: z.string().max(256).optional(),
    description: z.string().max(4096).optional(),
    trigger: zTrigger(),
    conditions: conditionSchema().optional(),
    actions: z.array(actionSpecSchema()).min(1).max(10),
    delivery: z
      .strictObject({
        delay: zDuration().optional(),
        sendWindow: z
          .strictObject({
            start: z.string().max(5),
            end: z.string().max(5),
            days: z.array(z.number()).max(7).optional(),
          })
          .optional(),
        caps: z
          .array(
            z.strictObject({
              max: z.number().int().min(0).max(10_000),
              per: z.union([z.string().max(64), z.number()]),
              scope: z.enum(['customer', 'channel', 'definition']).optional(),
              channel: z
                .enum(['email', 'in_app', 'sms', 'push', 'messenger', 'webhook', 'crm_task'])
                .optional(),
            }),
          )
          .max(10)
          .optional(),
        globalCaps: z.boolean().optional(),
        onCap: z.enum(['skip', 'defer']).optional(),
        expireAfter: zDuration().optional(),
      })
      .optional(),
    reentry: z
      .union([z.literal('once'), z.literal('every'), z.strictObject({ oncePer: zDuration() })])
      .optional(),
    exit: zRuleExit().optional(),
    goal: zRuleExit().optional(),
  }),
);

/** One leaf of a condition with its path inside the condition. @internal */
export interface ConditionLeaf {
  readonly path: IssuePath;
  readonly fact: string;
  readonly ref: string | undefined;
}

/** Every fact test of a valid condition, with its path. @internal */
export function conditionLeaves(condition: Condition, base: IssuePath = []): ConditionLeaf[] {
  const out: ConditionLeaf[] = [];
  const walk = (c: Condition, path: IssuePath) => {
    if ('all' in c) {
      c.all.forEach((x, i) => {
        walk(x, [...path, 'all', i]);
      });
    } else if ('any' in c) {
      c.any.forEach((x, i) => {
        walk(x, [...path, 'any', i]);
      });
    } else if ('not' in c) walk(c.not, [...path, 'not']);
    else {
      const v = c.value;
      const ref =
        typeof v === 'object' && v !== null && !Array.isArray(v) && 'fact' in v
          ? (v as { fact: string }).fact
          : undefined;
      out.push({ path, fact: c.fact, ref });
    }
  };
  walk(condition, base);
  return out;
}

/** The fields of `$events.<type>`. */
const EVENT_FIELDS = new Set(['count', 'first', 'last']);

/**
 * Checks a path that starts with `$` in a context: conditions may use `$events`; templates may also
 * use `$event` (the triggering event's properties) and `$trigger`; a `where` may use none.
 *
 * @internal
 */
export function reservedPathIssue(
  path: string,
  allowed: 'none' | 'conditions' | 'templates',
): string | null {
  if (!path.startsWith('$')) return null;
  const segments = path.split('.');
  const root = segments[0];
  if (root === '$events' && allowed !== 'none') {
    const field = segments[2];
    if (segments.length === 3 && field !== undefined && EVENT_FIELDS.has(field)) return null;
    if (segments.length === 4 && field === 'within') {
      try {
        const d = parseDuration(segments[3]!);
        if (d.kind === 'fixed' && d.ms > 0 && d.ms <= MAX_RULE_DURATION_MS) return null;
      } catch {
        // reported below
      }
      return 'a window must be a fixed duration from 1ms to 100 years, as in $events.login.within.7d';
    }
    return 'use $events.<type>.count, .first, .last or .within.<duration>';
  }
  if (allowed === 'templates' && root === '$event' && segments.length >= 2) return null;
  if (
    allowed === 'templates' &&
    root === '$trigger' &&
    segments.length === 2 &&
    (segments[1] === 'occurrence' || segments[1] === 'at' || segments[1] === 'threshold')
  ) {
    return null;
  }
  if (allowed === 'none')
    return 'paths starting with $ are reserved; a where condition reads the event properties';
  return allowed === 'conditions'
    ? 'paths starting with $ are reserved; conditions may read $events.<type>.count, .first, .last or .within.<duration>'
    : 'paths starting with $ are reserved; templates may read $events..., $event.<property> and $trigger.occurrence, .at or .threshold';
}

function checkConditionPaths(
  condition: Condition | undefined,
  base: IssuePath,
  allowed: 'none' | 'conditions',
  issues: RetentionIssue[],
): void {
  if (condition === undefined) return;
  for (const leaf of conditionLeaves(condition, base)) {
    for (const [fact, at] of [
      [leaf.fact, [...leaf.path, 'fact']],
      [leaf.ref, [...leaf.path, 'value', 'fact']],
    ] as const) {
      if (fact === undefined) continue;
      const detail = reservedPathIssue(fact, allowed);
      if (detail !== null) issues.push({ code: 'invalid_value', path: at, detail });
    }
  }
}

/** Calls `visit` for every string inside a JSON value, with its path. */
function forEachString(
  value: unknown,
  path: IssuePath,
  visit: (text: string, path: IssuePath) => void,
): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      forEachString(v, [...path, i], visit);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value))
      forEachString((value as Record<string, unknown>)[key], [...path, key], visit);
  }
}

/** Re-roots the issues of a RetentionInputError thrown by a core parser. */
function fromInputError(error: unknown, base: IssuePath, issues: RetentionIssue[]): void {
  if (error instanceof RetentionInputError) {
    for (const issue of error.issues) issues.push({ ...issue, path: [...base, ...issue.path] });
  } else throw error;
}

/** The longest duration a rule may use anywhere: 100 years (so instants stay in range). */
const MAX_RULE_DURATION_MS = 100 * 366 * 86_400_000;

function tooLong(input: DurationInput): boolean {
  const d = parseDuration(input);
  if (d.kind === 'fixed') return d.ms > MAX_RULE_DURATION_MS;
  const approx =
    ((d.years * 366 + d.months * 31 + d.weeks * 7 + d.days) * 24 + d.hours) * 3_600_000 +
    d.minutes * 60_000 +
    d.seconds * 1000;
  return approx > MAX_RULE_DURATION_MS;
}

/** Every duration of a (structurally valid) rule, with its path. */
function durationsOf(rule: TriggerRule): [DurationInput, IssuePath][] {
  const out: [DurationInput, IssuePath][] = [];
  const t = rule.trigger;
  if (t.kind === 'eventWithout') out.push([t.within, ['trigger', 'within']]);
  if (t.kind === 'inactivity') out.push([t.for, ['trigger', 'for']]);
  if (t.kind === 'date') {
    t.offsets.forEach((o, i) => {
      out.push(
        'before' in o
          ? [o.before, ['trigger', 'offsets', i, 'before']]
          : [o.after, ['trigger', 'offsets', i, 'after']],
      );
    });
  }
  const d = rule.delivery;
  if (d?.delay !== undefined) out.push([d.delay, ['delivery', 'delay']]);
  if (d?.expireAfter !== undefined) out.push([d.expireAfter, ['delivery', 'expireAfter']]);
  d?.caps?.forEach((cap, i) => {
    if (typeof cap.per === 'number' || typeof cap.per === 'string') {
      try {
        parseDuration(cap.per);
        out.push([cap.per, ['delivery', 'caps', i, 'per']]);
      } catch {
        // reported by parseFrequencyCaps
      }
    }
  });
  if (typeof rule.reentry === 'object') out.push([rule.reentry.oncePer, ['reentry', 'oncePer']]);
  return out;
}

/** Checks what the schema cannot: reserved paths, templates, windows, caps, thresholds. */
function semanticIssues(rule: TriggerRule): RetentionIssue[] {
  const issues: RetentionIssue[] = [];
  const t = rule.trigger;
  for (const [input, path] of durationsOf(rule)) {
    if (tooLong(input)) issues.push({ code: 'out_of_range', path, expected: 'at most 100 years' });
  }
  if (t.kind === 'event' || t.kind === 'eventWithout') {
    checkConditionPaths(t.where, ['trigger', 'where'], 'none', issues);
    if (t.dedupeBy?.startsWith('$')) {
      issues.push({
        code: 'invalid_value',
        path: ['trigger', 'dedupeBy'],
        detail: 'dedupeBy is a path into the event properties; paths starting with $ are reserved',
      });
    }
  }
  if (t.kind === 'condition')
    checkConditionPaths(t.condition, ['trigger', 'condition'], 'conditions', issues);
  if (
    t.kind === 'milestone' ||
    t.kind === 'date' ||
    (t.kind === 'inactivity' && t.since !== undefined)
  ) {
    const fact = t.kind === 'inactivity' ? t.since! : t.fact;
    const detail = reservedPathIssue(fact, 'conditions');
    if (detail !== null) {
      issues.push({
        code: 'invalid_value',
        path: ['trigger', t.kind === 'inactivity' ? 'since' : 'fact'],
        detail,
      });
    }
  }
  if (t.kind === 'stageEntered' && t.property !== undefined && t.property.startsWith('$')) {
    issues.push({
      code: 'invalid_value',
      path: ['trigger', 'property'],
      detail: 'property is a path into the event properties; paths starting with $ are reserved',
    });
  }
  if (t.kind === 'milestone') {
    t.thresholds.forEach((x, i) => {
      if (!Number.isFinite(x) || (i > 0 && x <= t.thresholds[i - 1]!)) {
        issues.push({
          code: 'order',
          path: ['trigger', 'thresholds', i],
          expected: 'finite thresholds in strictly increasing order',
        });
      }
    });
  }
  if (t.kind === 'eventWithout' || t.kind === 'inactivity') {
    const d = parseDuration(t.kind === 'eventWithout' ? t.within : t.for);
    if (d.kind === 'fixed' && d.ms === 0) {
      issues.push({
        code: 'out_of_range',
        path: ['trigger', t.kind === 'eventWithout' ? 'within' : 'for'],
        expected: 'a duration longer than zero',
      });
    }
  }
  checkConditionPaths(rule.conditions, ['conditions'], 'conditions', issues);
  checkConditionPaths(rule.exit?.condition, ['exit', 'condition'], 'conditions', issues);
  checkConditionPaths(rule.goal?.condition, ['goal', 'condition'], 'conditions', issues);

  const steps = new Set<string>();
  rule.actions.forEach((action, i) => {
    const step = `${action.channel}:${action.template}`;
    if (steps.has(step)) {
      issues.push({
        code: 'duplicate',
        path: ['actions', i],
        detail:
          'each action of a rule needs its own channel and template (they make its idempotency key)',
      });
    }
    steps.add(step);
    forEachString(action.params ?? {}, ['actions', i, 'params'], (text, path) => {
      if (!text.includes('{{')) return;
      const parsed = parseTemplate(text);
      if ('issues' in parsed) {
        for (const issue of parsed.issues) issues.push({ ...issue, path });
        return;
      }
      for (const variable of parsed.variables) {
        const detail = reservedPathIssue(variable, 'templates');
        if (detail !== null) issues.push({ code: 'invalid_value', path, detail });
      }
    });
  });

  const delivery = rule.delivery;
  if (delivery?.sendWindow !== undefined) {
    try {
      parseSendWindow(delivery.sendWindow);
    } catch (error) {
      fromInputError(error, ['delivery', 'sendWindow'], issues);
    }
  }
  if (delivery?.caps !== undefined) {
    try {
      parseFrequencyCaps(delivery.caps, { path: ['delivery', 'caps'] });
    } catch (error) {
      fromInputError(error, [], issues);
    }
  }
  if (delivery?.expireAfter !== undefined) {
    const d = parseDuration(delivery.expireAfter);
    if (d.kind !== 'fixed') {
      issues.push({
        code: 'invalid_duration',
        path: ['delivery', 'expireAfter'],
        expected: "a fixed duration such as '2d'",
        received: 'calendar duration',
      });
    }
  }
  return issues;
}

/**
 * Every issue of a candidate rule, with its path inside the rule; empty when the rule is valid.
 * Safe on untrusted JSON.
 *
 * @internal
 */
export function ruleIssues(value: unknown): RetentionIssue[] {
  const problem = jsonIssue(value, [], 0, { nodes: MAX_JSON_NODES });
  if (problem !== null) return [problem];
  const parsed = zRule().safeParse(value, { reportInput: true });
  if (!parsed.success) {
    const issues = fromZodIssues(parsed.error.issues);
    const trigger = (value as { trigger?: unknown } | null)?.trigger;
    const kind =
      typeof trigger === 'object' && trigger !== null
        ? (trigger as { kind?: unknown }).kind
        : undefined;
    return issues.map((issue) =>
      issue.path.length === 2 &&
      issue.path[0] === 'trigger' &&
      issue.path[1] === 'kind' &&
      !(TRIGGER_KINDS as readonly unknown[]).includes(kind)
        ? {
            code: 'invalid_enum',
            path: issue.path,
            expected: `one of ${TRIGGER_KINDS.join(', ')}`,
            received: describeType(kind),
          }
        : issue,
    );
  }
  return semanticIssues(value as TriggerRule);
}

/**
 * The zod schema of a {@link TriggerRule}, for definitions or API payloads that embed rules: it
 * runs every check of {@link defineRule} and reports each issue at its path. Built on first call.
 *
 * @returns The schema.
 *
 * @example
 * triggerRuleSchema().safeParse({ id: 'r', version: 1, trigger: { kind: 'event', event: 'signup' }, actions: [] }).success
 * //=> false
 *
 * @category triggers
 */
export const triggerRuleSchema = /* @__PURE__ */ lazy(
  (): z.ZodType<TriggerRule, TriggerRule> =>
    z.unknown().superRefine((value, ctx) => {
      addIssues(ctx, ruleIssues(value));
    }) as unknown as z.ZodType<TriggerRule, TriggerRule>,
);

/**
 * Validates a trigger rule and returns it unchanged, typed. Use it where rules are written (in
 * code, or when an admin UI saves one) so a bad rule fails there, with every issue and its path.
 * Safe on untrusted JSON: no code runs, no key or path can reach a prototype, strings, nesting and
 * size are limited, and no regular expression that could backtrack touches the input.
 *
 * @param rule - The candidate rule (any JSON).
 * @returns The same rule.
 * @throws {RetentionDefinitionError} With every issue and its path when the rule is invalid.
 *
 * @example
 * defineRule({
 *   id: 'day-14-csat',
 *   version: 1,
 *   trigger: { kind: 'date', fact: 'signedUpAt', offsets: [{ after: { days: 14 } }] },
 *   actions: [{ channel: 'email', template: 'csat-first-result' }],
 * }).id
 * //=> 'day-14-csat'
 *
 * @example
 * defineRule({ id: 'x', version: 1, trigger: { kind: 'inactivity', event: 'login', for: '3 weeks' }, actions: [{ channel: 'email', template: 't' }] })
 * //=> throws 'defineRule: definition.trigger.for is not a valid duration...'
 *
 * @category triggers
 */
export function defineRule(rule: TriggerRule): TriggerRule {
  const issues = ruleIssues(rule);
  if (issues.length > 0) throw new RetentionDefinitionError('defineRule', issues);
  return rule;
}
