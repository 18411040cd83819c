/**
 * fast-check arbitraries of trigger rules, facts and event streams, for the triggers properties.
 * Every instant and duration sits on a 15-minute grid (send windows too), so evaluating at every
 * grid point is a brute-force reference for the scheduler that follows `nextEvaluationAt`.
 */
import * as fc from 'fast-check';
import type { ActionSpec, Channel } from '../../src/core/action';
import type { FrequencyCap } from '../../src/core/caps';
import type { Condition } from '../../src/core/condition';
import type { ActivityEvent } from '../../src/core/records';
import type {
  CompiledRules,
  TriggerEvaluation,
  TriggerState,
} from '../../src/triggers/compileRules';
import type { RuleTrigger, TriggerRule } from '../../src/triggers/defineRule';

export const T0 = Date.UTC(2026, 2, 1);
export const GRID = 15 * 60_000;
export const HORIZON = 12 * 86_400_000;
export const END = T0 + HORIZON;
export const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'] as const;
const TYPES = ['a', 'b', 'c', 'd'] as const;

const arbType = fc.constantFrom(...TYPES);
const arbGridInstant = fc.integer({ min: 0, max: HORIZON / GRID }).map((k) => T0 + k * GRID);
const arbDuration = fc.constantFrom<string | { days: number } | { hours: number }>(
  '15m',
  '1h',
  '3h',
  '1d',
  '2d',
  { days: 1 },
  { hours: 5 },
);

/** Conditions whose truth changes only on the grid. */
const gridConditions: Condition[] = [
  { fact: 'n', op: 'gte', value: 3 },
  { fact: 'flag', op: 'eq', value: true },
  { not: { fact: 'flag', op: 'eq', value: true } },
  { fact: '$events.a.count', op: 'gte', value: 2 },
  { fact: '$events.b.within.1h', op: 'eq', value: 0 },
  {
    any: [
      { fact: 'n', op: 'lt', value: 2 },
      { fact: '$events.d.within.3h', op: 'gte', value: 1 },
    ],
  },
];
/** Conditions with `now` operators, whose truth flips one millisecond after a grid point. */
const nowConditions: Condition[] = [
  { fact: '$events.c.last', op: 'olderThan', value: '2h' },
  { fact: 'renewsAt', op: 'withinNext', value: '1d' },
  { fact: '$events.a.last', op: 'withinLast', value: '45m' },
];

export interface RuleArbitraryOptions {
  /** Allow conditions with now-dependent operators (off for the stepping reference). */
  readonly nowOperators?: boolean;
  /** Allow rule-level caps (scope 'definition'). */
  readonly ruleCaps?: boolean;
  /** Allow `globalCaps: false`. */
  readonly optOut?: boolean;
  /** Restrict re-entry to 'every'. */
  readonly everyOnly?: boolean;
  /** Trigger kinds to draw from. */
  readonly kinds?: readonly RuleTrigger['kind'][];
  /** Always move capped actions to the next slot. */
  readonly deferOnCap?: boolean;
  /** Rule conditions read facts only (not the event history, not now). */
  readonly factsOnlyConditions?: boolean;
}

function arbTrigger(
  conditions: fc.Arbitrary<Condition>,
  kinds: readonly RuleTrigger['kind'][],
): fc.Arbitrary<RuleTrigger> {
  const all: Record<RuleTrigger['kind'], fc.Arbitrary<RuleTrigger>> = {
    event: fc.record(
      {
        kind: fc.constant('event' as const),
        event: arbType,
        where: fc.constant<Condition>({ fact: 'v', op: 'gte', value: 1 }),
        dedupeBy: fc.constant('g'),
      },
      { requiredKeys: ['kind', 'event'] },
    ),
    eventWithout: fc.record({
      kind: fc.constant('eventWithout' as const),
      event: arbType,
      without: arbType,
      within: arbDuration,
    }),
    inactivity: fc.record(
      {
        kind: fc.constant('inactivity' as const),
        event: arbType,
        for: arbDuration,
        since: fc.constant('start'),
      },
      { requiredKeys: ['kind', 'event', 'for'] },
    ),
    date: fc.record({
      kind: fc.constant('date' as const),
      fact: fc.constantFrom('renewsAt', 'start', '$events.a.first'),
      offsets: fc.subarray(
        [{ before: '1d' }, { after: '3h' }, { after: { days: 2 } }, { before: { hours: 5 } }],
        { minLength: 1 },
      ),
    }),
    condition: fc.record({ kind: fc.constant('condition' as const), condition: conditions }),
    milestone: fc.record({
      kind: fc.constant('milestone' as const),
      fact: fc.constantFrom('counter', '$events.a.count'),
      thresholds: fc.subarray([1, 3, 5], { minLength: 1 }),
    }),
    stageEntered: fc.record({
      kind: fc.constant('stageEntered' as const),
      stage: fc.constantFrom('s1', 's2'),
      event: fc.constant('d'),
      property: fc.constant('s'),
    }),
  };
  return fc.oneof(...kinds.map((k) => all[k]));
}

const ACTIONS: readonly [Channel, string][] = [
  ['email', 'x'],
  ['sms', 'y'],
  ['push', 'z'],
  ['in_app', 'w'],
  ['crm_task', 'v'],
];

const arbActions: fc.Arbitrary<ActionSpec[]> = fc
  .uniqueArray(fc.integer({ min: 0, max: ACTIONS.length - 1 }), { minLength: 1, maxLength: 2 })
  .chain((indexes) =>
    fc.tuple(
      ...indexes.map((i) =>
        fc.record(
          {
            channel: fc.constant(ACTIONS[i]![0]),
            template: fc.constant(ACTIONS[i]![1]),
            priority: fc.integer({ min: -1, max: 2 }),
            params: fc.constant({ text: 'Hi {{name | "there"}} ({{$trigger.occurrence}})' }),
          },
          { requiredKeys: ['channel', 'template'] },
        ),
      ),
    ),
  );

const arbTime = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

const arbWindow = fc
  .record(
    {
      start: arbTime,
      end: arbTime,
      days: fc.subarray([0, 1, 2, 3, 4, 5, 6] as const, { minLength: 1 }),
    },
    { requiredKeys: ['start', 'end'] },
  )
  .filter((w) => w.start !== w.end);

/** A set of 1-5 valid rules with ids r0, r1... */
export function arbRules(options: RuleArbitraryOptions = {}): fc.Arbitrary<TriggerRule[]> {
  const conditions = fc.constantFrom(
    ...gridConditions,
    ...(options.nowOperators ? nowConditions : []),
  );
  const kinds = options.kinds ?? [
    'event',
    'eventWithout',
    'inactivity',
    'date',
    'condition',
    'milestone',
    'stageEntered',
  ];
  const ruleConditions = options.factsOnlyConditions
    ? fc.constantFrom(...gridConditions.slice(0, 3))
    : conditions;
  const rule = fc.record(
    {
      trigger: arbTrigger(conditions, kinds),
      conditions: ruleConditions,
      actions: arbActions,
      delivery: fc.record(
        {
          delay: arbDuration,
          sendWindow: arbWindow,
          caps: options.ruleCaps
            ? fc.constant<FrequencyCap[]>([{ max: 1, per: '1d', scope: 'definition' }])
            : fc.constant<FrequencyCap[]>([]),
          onCap: options.deferOnCap
            ? fc.constant('defer' as const)
            : fc.constantFrom('skip' as const, 'defer' as const),
          expireAfter: fc.constantFrom('3h', '1d'),
          globalCaps: options.optOut ? fc.boolean() : fc.constant(true),
        },
        { requiredKeys: [] },
      ),
      reentry: options.everyOnly
        ? fc.constant('every' as const)
        : fc.constantFrom<TriggerRule['reentry']>('once', 'every', { oncePer: '1d' }),
      exit: fc.oneof(
        fc.record({ events: fc.subarray([...TYPES], { minLength: 1 }) }),
        fc.constant({ condition: { fact: 'flag', op: 'eq', value: true } as Condition }),
      ),
      goal: fc.record({ events: fc.subarray([...TYPES], { minLength: 1 }) }),
    },
    { requiredKeys: ['trigger', 'actions'] },
  );
  return fc
    .array(rule, { minLength: 1, maxLength: 5 })
    .map((rules) => rules.map((r, i) => ({ id: `r${i}`, version: 1, ...r }) as TriggerRule));
}

/** Optional global caps. */
export const arbGlobalCaps: fc.Arbitrary<FrequencyCap[]> = fc.oneof(
  fc.constant<FrequencyCap[]>([]),
  fc.array(
    fc.record(
      {
        max: fc.integer({ min: 1, max: 3 }),
        per: fc.constantFrom('1h', '1d', '7d'),
        scope: fc.constantFrom('customer' as const, 'channel' as const),
        channel: fc.constantFrom<Channel>('email', 'sms'),
      },
      { requiredKeys: ['max', 'per'] },
    ),
    { minLength: 1, maxLength: 2 },
  ),
);

/** Facts on the grid. */
export const arbFacts = fc.record(
  {
    n: fc.integer({ min: 0, max: 5 }),
    flag: fc.boolean(),
    counter: fc.integer({ min: 0, max: 6 }),
    start: arbGridInstant,
    renewsAt: arbGridInstant,
    name: fc.constantFrom('Ada', '<b>Bob</b>'),
  },
  { requiredKeys: ['n', 'flag', 'counter'] },
);

/** A stream of events on the grid with unique ids (sometimes a repeated one). */
export const arbEvents: fc.Arbitrary<ActivityEvent[]> = fc
  .array(
    fc.record({
      type: arbType,
      at: arbGridInstant,
      v: fc.integer({ min: 0, max: 2 }),
      g: fc.constantFrom('x', 'y'),
      s: fc.constantFrom('s1', 's2'),
    }),
    { maxLength: 25 },
  )
  .map((list) =>
    list.map((e, i) => ({
      id: `e${i}`,
      customerId: 'c1',
      type: e.type,
      at: e.at,
      properties: { v: e.v, g: e.g, s: e.s },
    })),
  );

export const arbZone = fc.constantFrom(...ZONES);

/** One evaluation of a run, with what went in. */
export interface RunStep {
  readonly now: number;
  readonly input: TriggerState | undefined;
  readonly events: readonly ActivityEvent[];
  readonly result: TriggerEvaluation;
}

/**
 * Evaluates at T0, at each event's instant (delivering it then), and wherever
 * `nextEvaluationAt` says, until END; or, with `stepping`, at every grid point.
 */
export function simulate(
  rules: CompiledRules,
  events: readonly ActivityEvent[],
  options: {
    readonly timeZone: string;
    readonly facts: (now: number) => Record<string, unknown>;
    readonly stepping?: boolean;
  },
): RunStep[] {
  const arrivals = new Map<number, ActivityEvent[]>();
  for (const e of events) {
    const list = arrivals.get(e.at as number) ?? [];
    list.push(e);
    arrivals.set(e.at as number, list);
  }
  const arrivalTimes = [...arrivals.keys()].sort((a, b) => a - b);
  const steps: RunStep[] = [];
  let state: TriggerState | undefined;
  let now = T0;
  for (let guard = 0; guard < 5000 && now <= END; guard++) {
    const batch = arrivals.get(now) ?? [];
    const result = rules.evaluate(
      {
        customerId: 'c1',
        timeZone: options.timeZone,
        facts: options.facts(now) as Record<string, never>,
        events: batch,
        ...(state === undefined ? {} : { state }),
      },
      now,
    );
    steps.push({ now, input: state, events: batch, result });
    state = result.state;
    if (options.stepping) now += GRID;
    else {
      const nextArrival = arrivalTimes.find((t) => t > now) ?? Number.POSITIVE_INFINITY;
      const next = Math.min(nextArrival, result.nextEvaluationAt ?? Number.POSITIVE_INFINITY);
      if (!Number.isFinite(next)) break;
      now = next;
    }
  }
  return steps;
}
