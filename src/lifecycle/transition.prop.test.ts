import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../test/helpers/contracts';
import { compileCondition, readFact } from '../core/condition';
import { addDuration, type DurationInput, isDurationInput } from '../core/duration';
import type { JsonValue } from '../core/validate';
import {
  defineStageMachine,
  type StageGuardContext,
  type StageMachine,
  type StageMachineDefinition,
  type StageTransitionDefinition,
} from './defineStageMachine';
import { migrateStageState } from './migrateStageState';
import { nextWakeUp } from './nextWakeUp';
import { startStageMachine } from './startStageMachine';
import {
  type StageEntry,
  type StageEvent,
  type StageInput,
  type StageState,
  transition,
} from './transition';

type Facts = { readonly flag: boolean };
type Def = StageMachineDefinition<string, Facts>;
type TransitionDef = StageTransitionDefinition<string, Facts>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 2, 20, 10);
const STAGE_IDS = ['s0', 's1', 's2', 's3', 's4'];
const EVENT_TYPES = ['e0', 'e1', 'e2'];
const DURATIONS: DurationInput[] = ['6h', '1d', '3d', { days: 2 }, { weeks: 1 }, { months: 1 }];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe'];

// ---------------------------------------------------------------------------------------------
// Random machines, valid by construction: a chain s0 -> s1 -> ... keeps every stage reachable and
// gives every stage a way out; priorities are the transitions' positions, so nothing is
// ambiguous; transitions that can fire on entry (eventless, since signup) only go forward, so no
// instant can loop.

/** Guards over the state only: the same answer whenever the state is the same. */
const stateGuards = (): (TransitionDef['guard'] | undefined)[] => [
  undefined,
  { fact: 'milestones.e0', op: 'exists' },
  { fact: 'milestones.e0', op: 'exists', value: false },
  { fact: 'stage.enteredAt', op: 'gt', value: { fact: 'signedUpAt' } },
  (c: StageGuardContext<Facts>) => Math.floor(c.stage.enteredAt / HOUR) % 3 !== 0,
];
const factGuards = (): TransitionDef['guard'][] => [{ fact: 'facts.flag', op: 'eq', value: true }];
const eventGuards = (): TransitionDef['guard'][] => [
  { fact: 'event.properties.x', op: 'lt', value: 5 },
  { fact: 'event.properties.x', op: 'gte', value: 3 },
];

interface TransitionSpec {
  readonly kind: 'event' | 'time' | 'hold' | 'eventless';
  readonly event: string;
  readonly after: DurationInput;
  readonly signup: boolean;
  readonly target: number;
  readonly resume: boolean;
  readonly guard: number;
}

const specArb: fc.Arbitrary<TransitionSpec> = fc.record({
  kind: fc.constantFrom('event', 'time', 'hold', 'eventless'),
  event: fc.constantFrom(...EVENT_TYPES),
  after: fc.constantFrom(...DURATIONS),
  signup: fc.boolean(),
  target: fc.nat(4),
  resume: fc.boolean(),
  guard: fc.nat(8),
});

interface MachineOptions {
  /** Allow guards over `facts` (which can change between calls). */
  readonly factGuards: boolean;
  readonly skew?: string;
}

function arbDefinition(options: MachineOptions): fc.Arbitrary<Def> {
  return fc
    .record({
      n: fc.integer({ min: 2, max: 5 }),
      stages: fc.array(
        fc.record({
          hold: fc.boolean(),
          chainByTime: fc.boolean(),
          chainAfter: fc.constantFrom(...DURATIONS),
          extra: fc.array(specArb, { maxLength: 3 }),
        }),
        { minLength: 5, maxLength: 5 },
      ),
      lastFinal: fc.boolean(),
      zone: fc.constantFrom(...ZONES),
    })
    .map(({ n, stages: specs, lastFinal }) => {
      const ids = STAGE_IDS.slice(0, n);
      const stages: Record<string, Def['stages'][string]> = {};
      ids.forEach((id, i) => {
        const spec = specs[i]!;
        const list: TransitionDef[] = [];
        const last = i === n - 1;
        if (last && lastFinal && spec.extra.length === 0) {
          stages[id] = { final: true };
          return;
        }
        list.push(
          last
            ? { on: 'e0', target: ids[0]! }
            : spec.chainByTime
              ? { after: spec.chainAfter, target: ids[i + 1]! }
              : { on: EVENT_TYPES[i % 3]!, target: ids[i + 1]! },
        );
        for (const x of spec.extra) {
          const pool = [...stateGuards(), ...(options.factGuards ? factGuards() : [])];
          let kind = x.kind;
          if (kind === 'hold' && !spec.hold) kind = 'time';
          if (kind === 'eventless' && i === n - 1) kind = 'event';
          const forward = i + 1 + (x.target % (n - i - 1 || 1));
          const t: Record<string, unknown> = {};
          if (kind === 'event') {
            t.on = x.event;
            const guards = [...pool, ...eventGuards()];
            const guard = guards[x.guard % guards.length];
            if (guard !== undefined) t.guard = guard;
          } else {
            if (kind === 'time') {
              t.after = x.after;
              if (x.signup && i < n - 1) t.since = 'signup';
            } else if (kind === 'hold') t.after = 'hold';
            const guard =
              kind === 'eventless'
                ? pool[1 + (x.guard % (pool.length - 1))]
                : pool[x.guard % pool.length];
            if (guard !== undefined) t.guard = guard;
          }
          const mustGoForward = kind === 'eventless' || t.since === 'signup';
          if (x.resume && !mustGoForward) t.resume = true;
          else t.target = ids[mustGoForward ? forward : x.target % n]!;
          list.push(t as TransitionDef);
        }
        stages[id] = {
          ...(spec.hold ? { hold: { property: 'len', default: '2d', max: { days: 5 } } } : {}),
          transitions: list.map((t, priority) => ({ ...t, priority })),
        };
      });
      return {
        id: 'random',
        version: 1,
        initial: 's0',
        milestones: ['e0'],
        ...(options.skew === undefined ? {} : { skew: options.skew }),
        stages,
      };
    });
}

const zoneArb = fc.constantFrom(...ZONES);

interface RawEvent {
  readonly type: string;
  readonly x: number;
  readonly len: DurationInput | 'bad';
  readonly gap: number;
}

const rawEventArb: fc.Arbitrary<RawEvent> = fc.record({
  type: fc.constantFrom(...EVENT_TYPES, 'noise'),
  x: fc.nat(9),
  len: fc.constantFrom<DurationInput | 'bad'>('1d', '3d', { days: 2 }, 'bad'),
  gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6 * DAY })),
});

/** Events with distinct ids at non-decreasing instants from T0. */
function toEvents(raw: readonly RawEvent[]): StageEvent[] {
  let at = T0;
  return raw.map((r, i) => {
    at += r.gap;
    return {
      type: r.type,
      at,
      id: `ev${String(i).padStart(3, '0')}`,
      properties: { x: r.x, len: r.len as JsonValue },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The reference: a direct, slow reading of the documented semantics (no skew), with none of the
// engine's shortcuts (no cached due instants, no wake-up, no fast path, no copy-on-write).

interface RefState {
  stage: string;
  history: StageEntry[];
  asOf: number;
  seq: number;
  milestones: Record<string, number>;
  stack: { stage: string; elapsed: number; remaining?: number }[];
}

type Guard = (ctx: StageGuardContext<unknown>) => boolean;

function reference(
  def: Def,
  signedUpAt: number,
  timeZone: string,
  inputs: readonly (readonly [StageInput, number, Facts])[],
) {
  const guardOf = (t: TransitionDef): Guard | null => {
    if (t.guard === undefined) return null;
    if (typeof t.guard === 'function') return t.guard as Guard;
    const c = compileCondition(t.guard);
    return (ctx) => c.evaluate(ctx, ctx.now);
  };
  const transitionsOf = (stage: string) => def.stages[stage]!.transitions ?? [];
  const relevant = new Set([
    ...(def.milestones ?? []),
    ...Object.values(def.stages).flatMap((s) =>
      (s.transitions ?? []).flatMap((t) => (t.on === undefined ? [] : [t.on])),
    ),
  ]);
  const resumable = (stage: string) => transitionsOf(stage).some((t) => t.resume === true);
  let facts: Facts = { flag: false };
  const st: RefState = {
    stage: def.initial,
    history: [],
    asOf: signedUpAt,
    seq: 1,
    milestones: {},
    stack: [],
  };
  const holdUntil = (stage: string, at: number, props: Record<string, unknown> | undefined) => {
    const hold = def.stages[stage]!.hold!;
    const value =
      props === undefined || hold.property === undefined
        ? undefined
        : readFact(props, hold.property);
    const length = value !== undefined && isDurationInput(value) ? value : hold.default;
    const until = addDuration(at, length, { timeZone });
    return hold.max === undefined
      ? until
      : Math.min(until, addDuration(at, hold.max, { timeZone }));
  };
  st.history.push(
    def.stages[def.initial]!.hold === undefined
      ? { stage: def.initial, at: signedUpAt }
      : {
          stage: def.initial,
          at: signedUpAt,
          until: holdUntil(def.initial, signedUpAt, undefined),
        },
  );
  const entry = () => st.history[st.history.length - 1]!;
  const context = (now: number, event: StageEvent | undefined): StageGuardContext<unknown> => {
    const top = st.stack[st.stack.length - 1];
    return {
      facts,
      event:
        event === undefined
          ? undefined
          : {
              type: event.type,
              at: now,
              ...(event.id === undefined ? {} : { id: event.id }),
              properties: event.properties ?? {},
            },
      milestones: { ...st.milestones },
      stage: { id: st.stage, enteredAt: entry().at },
      interrupted: top === undefined ? undefined : { stage: top.stage, elapsed: top.elapsed },
      signedUpAt,
      now,
    };
  };
  const dueOf = (t: TransitionDef): number | null => {
    if (t.after === undefined || t.on !== undefined) return null;
    const e = entry();
    if (t.after === 'hold') return e.until ?? Number.POSITIVE_INFINITY;
    const anchor = t.since === 'signup' ? signedUpAt : e.at - (e.elapsed ?? 0);
    return addDuration(anchor, t.after, { timeZone });
  };
  const enter = (t: TransitionDef, at: number, event: StageEvent | undefined) => {
    const from = entry();
    if (t.resume === true) {
      const top = st.stack.pop()!;
      const e: StageEntry = { stage: top.stage, at };
      st.history.push({
        ...e,
        ...(top.elapsed > 0 ? { elapsed: top.elapsed } : {}),
        ...(top.remaining === undefined ? {} : { until: at + top.remaining }),
      });
    } else {
      const target = t.target!;
      if (resumable(target)) {
        st.stack.push({
          stage: st.stage,
          elapsed: at - from.at + (from.elapsed ?? 0),
          ...(from.until === undefined ? {} : { remaining: Math.max(0, from.until - at) }),
        });
      } else st.stack = [];
      st.history.push(
        def.stages[target]!.hold === undefined
          ? { stage: target, at }
          : {
              stage: target,
              at,
              until: holdUntil(
                target,
                at,
                event?.properties as Record<string, unknown> | undefined,
              ),
            },
      );
    }
    const limit = def.historyLimit ?? 100;
    if (st.history.length > limit) st.history = st.history.slice(-limit);
    if (st.stack.length > limit) st.stack = st.stack.slice(-limit);
    st.stage = entry().stage;
    st.seq += 1;
    st.asOf = Math.max(st.asOf, at);
  };
  const settle = (at: number) => {
    for (;;) {
      let best: { t: TransitionDef; priority: number; due: number; index: number } | null = null;
      transitionsOf(st.stage).forEach((t, index) => {
        if (t.on !== undefined) return;
        if (t.resume === true && st.stack.length === 0) return;
        const due = t.after === undefined ? Number.NEGATIVE_INFINITY : dueOf(t)!;
        if (due > at) return;
        const guard = guardOf(t);
        if (guard !== null && !guard(context(at, undefined))) return;
        const priority = t.priority ?? 0;
        const better =
          best === null ||
          priority > best.priority ||
          (priority === best.priority &&
            (due < best.due || (due === best.due && index < best.index)));
        if (better) best = { t, priority, due, index };
      });
      if (best === null) return;
      enter((best as { t: TransitionDef }).t, at, undefined);
    }
  };
  const passTime = (until: number) => {
    for (;;) {
      const dues = transitionsOf(st.stage)
        .map(dueOf)
        .filter((d): d is number => d !== null && d > st.asOf);
      const next = Math.min(...dues);
      if (!(next <= until)) return;
      st.asOf = next;
      settle(next);
    }
  };
  settle(signedUpAt);
  for (const [input, now, f] of inputs) {
    facts = f;
    if (input !== 'tick' && relevant.has(input.type)) {
      const at = Math.max(Math.min(input.at as number, now), st.asOf);
      passTime(at);
      st.asOf = Math.max(st.asOf, at);
      const candidates = transitionsOf(st.stage)
        .map((t, index) => ({ t, index }))
        .filter(({ t }) => t.on === input.type)
        .sort((a, b) => (b.t.priority ?? 0) - (a.t.priority ?? 0) || a.index - b.index);
      for (const { t } of candidates) {
        if (t.resume === true && st.stack.length === 0) continue;
        const guard = guardOf(t);
        if (guard !== null && !guard(context(at, input))) continue;
        enter(t, at, input);
        break;
      }
      if ((def.milestones ?? []).includes(input.type) && !(input.type in st.milestones)) {
        st.milestones[input.type] = at;
      }
      settle(at);
    }
    passTime(now);
    settle(Math.max(now, st.asOf));
  }
  const dues = transitionsOf(st.stage)
    .map(dueOf)
    .filter((d): d is number => d !== null && d > st.asOf);
  const wakeAt =
    dues.length === 0 || Math.min(...dues) === Number.POSITIVE_INFINITY ? null : Math.min(...dues);
  return { ...st, wakeAt };
}

/** The invariants every state must satisfy. */
function checkInvariants<F>(machine: StageMachine<string, F>, state: StageState): void {
  const declared = new Set<string>(machine.stages);
  expect(declared.has(state.stage), 'the stage is declared').toBe(true);
  for (const e of state.history)
    expect(declared.has(e.stage), 'history stages are declared').toBe(true);
  for (const s of state.interrupted) expect(declared.has(s.stage)).toBe(true);
  expect(state.history.at(-1)?.stage).toBe(state.stage);
  for (let i = 1; i < state.history.length; i++) {
    expect(state.history[i]!.at).toBeGreaterThanOrEqual(state.history[i - 1]!.at);
  }
  expect(state.asOf).toBeGreaterThanOrEqual(state.history.at(-1)!.at);
  expect(nextWakeUp(machine, state)).toBe(state.wakeAt);
  if (state.wakeAt !== null) expect(state.wakeAt).toBeGreaterThan(state.asOf);
}

function run(
  machine: StageMachine<string, Facts>,
  start: StageState,
  inputs: readonly (readonly [StageInput, number, Facts?])[],
) {
  let state = start;
  const emitted = [];
  for (const [input, now, facts] of inputs) {
    const r = transition(machine, state, input, now, facts === undefined ? {} : { facts });
    state = r.state;
    emitted.push(...r.emitted);
  }
  return { state, emitted };
}

// ---------------------------------------------------------------------------------------------
// Model-based: random commands against the engine, checked after each against the reference.

interface Model {
  readonly def: Def;
  readonly machine: StageMachine<string, Facts>;
  readonly zone: string;
  now: number;
  inputs: (readonly [StageInput, number, Facts])[];
}
interface Real {
  state: StageState;
}

/** An event that happened `lag` before it arrives, `gap` after the previous input. */
class SendEvent implements fc.Command<Model, Real> {
  constructor(
    readonly raw: RawEvent,
    readonly lag: number,
    readonly flag: boolean,
  ) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const now = m.now + this.raw.gap;
    const at = Math.max(T0, now - this.lag);
    const event: StageEvent = {
      type: this.raw.type,
      at,
      id: `ev${m.inputs.length}`,
      properties: { x: this.raw.x, len: this.raw.len as JsonValue },
    };
    const facts = { flag: this.flag };
    m.now = now;
    m.inputs.push([event, now, facts]);
    r.state = transition(m.machine, r.state, event, now, { facts }).state;
    compare(m, r);
  }
  toString = () => `event(${this.raw.type}, +${this.raw.gap}, lag ${this.lag})`;
}

class Tick implements fc.Command<Model, Real> {
  constructor(
    readonly gap: number,
    readonly flag: boolean,
  ) {}
  check = () => true;
  run(m: Model, r: Real): void {
    m.now += this.gap;
    const facts = { flag: this.flag };
    m.inputs.push(['tick', m.now, facts]);
    const before = r.state;
    const result = transition(m.machine, r.state, 'tick', m.now, { facts });
    r.state = result.state;
    compare(m, r);
    // the same tick again changes nothing, and returns the very same state
    const again = transition(m.machine, r.state, 'tick', m.now, { facts });
    expect(again.changed).toBe(false);
    expect(again.state).toBe(r.state);
    if (!result.changed) expect(result.state).toBe(before);
  }
  toString = () => `tick(+${this.gap})`;
}

function compare(m: Model, r: Real): void {
  checkInvariants(m.machine, r.state);
  const ref = reference(m.def, T0, m.zone, m.inputs);
  expect({
    stage: r.state.stage,
    history: r.state.history,
    asOf: r.state.asOf,
    seq: r.state.seq,
    milestones: r.state.milestones,
    interrupted: r.state.interrupted,
    wakeAt: r.state.wakeAt,
  }).toEqual({
    stage: ref.stage,
    history: ref.history,
    asOf: ref.asOf,
    seq: ref.seq,
    milestones: ref.milestones,
    interrupted: ref.stack,
    wakeAt: ref.wakeAt,
  });
}

const commands = fc.commands(
  [
    fc
      .tuple(
        rawEventArb,
        fc.oneof(
          fc.constant(0),
          fc.integer({ min: 1, max: DAY }),
          fc.integer({ min: 1, max: 8 * DAY }),
        ),
        fc.boolean(),
      )
      .map(([raw, lag, flag]) => new SendEvent(raw, lag, flag)),
    fc
      .tuple(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 * DAY })), fc.boolean())
      .map(([gap, flag]) => new Tick(gap, flag)),
  ],
  { maxCommands: 25 },
);

describe('transition (properties)', () => {
  it('equals the reference interpreter after every event and tick, and keeps every invariant (model-based)', () => {
    fc.assert(
      fc.property(arbDefinition({ factGuards: true }), zoneArb, commands, (def, zone, cmds) => {
        const machine = defineStageMachine(def);
        const state = startStageMachine(
          machine,
          { signedUpAt: T0, timeZone: zone },
          { facts: { flag: false } },
        ).state;
        fc.modelRun(
          () => ({ model: { def, machine, zone, now: T0, inputs: [] }, real: { state } }),
          cmds,
        );
      }),
      { numRuns: 150 },
    );
  });

  it('matches the reference when each event is processed as it happens', () => {
    const def = arbDefinition({ factGuards: false });
    fc.assert(
      fc.property(def, fc.array(rawEventArb, { maxLength: 20 }), zoneArb, (d, raw, zone) => {
        const machine = defineStageMachine(d);
        const events = toEvents(raw);
        const inputs = events.map((e) => [e, e.at as number, { flag: false }] as const);
        const start = startStageMachine(machine, { signedUpAt: T0, timeZone: zone }).state;
        const { state } = run(machine, start, inputs);
        const ref = reference(d, T0, zone, inputs);
        expect(state.history).toEqual(ref.history);
      }),
      { numRuns: 100 },
    );
  });

  it('replaying the same inputs gives the same state and the same changes', () => {
    fc.assert(
      fc.property(
        arbDefinition({ factGuards: true }),
        fc.array(rawEventArb, { maxLength: 20 }),
        fc.boolean(),
        (def, raw, flag) => {
          const machine = defineStageMachine(def);
          const inputs: [StageInput, number, Facts][] = toEvents(raw).flatMap((e) => [
            [e, e.at as number, { flag }],
            ['tick', (e.at as number) + DAY, { flag: !flag }],
          ]);
          const start = startStageMachine(machine, { signedUpAt: T0 }).state;
          expect(run(machine, start, inputs)).toStrictEqual(run(machine, start, inputs));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('extra ticks between inputs change nothing (guards over the state only)', () => {
    fc.assert(
      fc.property(
        arbDefinition({ factGuards: false }),
        fc.array(rawEventArb, { maxLength: 15 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 15 }),
        (def, raw, cuts) => {
          const machine = defineStageMachine(def);
          const events = toEvents(raw);
          const end = ((events.at(-1)?.at as number | undefined) ?? T0) + 90 * DAY;
          const plain: [StageInput, number][] = [
            ...events.map((e) => [e, e.at as number] as [StageInput, number]),
            ['tick', end],
          ];
          // ticks at random instants, each before the event it precedes
          const ticked: [StageInput, number][] = [];
          let previous = T0;
          events.forEach((e, i) => {
            const at = e.at as number;
            const cut = cuts[i];
            if (cut !== undefined)
              ticked.push(['tick', previous + Math.floor((at - previous) * cut)]);
            ticked.push([e, at]);
            previous = at;
          });
          ticked.push(['tick', end - DAY], ['tick', end]);
          const start = startStageMachine(machine, { signedUpAt: T0 }).state;
          expect(run(machine, start, ticked).state).toEqual(run(machine, start, plain).state);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('events arriving out of order within the skew give the same state as in order', () => {
    const SKEW = 10 * 60_000;
    fc.assert(
      fc.property(
        arbDefinition({ factGuards: false, skew: '10m' }),
        fc.array(
          fc.record({
            raw: rawEventArb,
            delay: fc.integer({ min: 0, max: SKEW }),
            order: fc.nat(),
          }),
          { maxLength: 15 },
        ),
        (def, items) => {
          const machine = defineStageMachine(def);
          const events = toEvents(items.map((i) => ({ ...i.raw, gap: i.raw.gap % (2 * SKEW) })));
          const end = ((events.at(-1)?.at as number | undefined) ?? T0) + 60 * DAY;
          const inOrder: [StageInput, number][] = events.map((e) => [e, e.at as number]);
          // each event arrives up to the skew after it happened; arrivals in the order of arrival
          const arrivals = events
            .map((e, i) => ({ e, now: (e.at as number) + items[i]!.delay, order: items[i]!.order }))
            .sort((a, b) => a.now - b.now || a.order - b.order)
            .map(({ e, now }) => [e, now] as [StageInput, number]);
          const start = startStageMachine(machine, { signedUpAt: T0 }).state;
          const a = run(machine, start, [...inOrder, ['tick', end]]);
          const b = run(machine, start, [...arrivals, ['tick', end]]);
          checkInvariants(machine, b.state);
          expect(b.state).toEqual(a.state);
          expect(b.emitted).toEqual(a.emitted);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('never mutates its inputs, and gives the same result twice', () => {
    fc.assert(
      fc.property(
        arbDefinition({ factGuards: true }),
        fc.array(rawEventArb, { minLength: 1, maxLength: 10 }),
        (def, raw) => {
          const machine = defineStageMachine(def);
          const events = toEvents(raw);
          const start = startStageMachine(machine, { signedUpAt: T0 }).state;
          let state = run(
            machine,
            start,
            events.slice(0, -1).map((e) => [e, e.at as number]),
          ).state;
          const last = events.at(-1)!;
          const facts = { flag: true };
          const snapshot = JSON.stringify([state, last, facts, def]);
          deepFreeze(state);
          deepFreeze(last);
          deepFreeze(facts);
          const first = transition(machine, state, last, (last.at as number) + DAY, { facts });
          const second = transition(machine, state, last, (last.at as number) + DAY, { facts });
          expect(second).toStrictEqual(first);
          expect(JSON.stringify([state, last, facts, def])).toBe(snapshot);
          state = first.state;
          checkInvariants(machine, state);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a migration that renames stages is the same as running the renamed machine', () => {
    fc.assert(
      fc.property(
        arbDefinition({ factGuards: false }),
        fc.array(rawEventArb, { maxLength: 20 }),
        fc.nat(20),
        (def, raw, split) => {
          const rename = (s: string) => `new_${s}`;
          const renamed: Def = {
            ...def,
            version: 2,
            initial: rename(def.initial),
            stages: Object.fromEntries(
              Object.entries(def.stages).map(([id, stage]) => [
                rename(id),
                {
                  ...stage,
                  ...(stage.transitions === undefined
                    ? {}
                    : {
                        transitions: stage.transitions.map((t) =>
                          t.target === undefined ? t : { ...t, target: rename(t.target) },
                        ),
                      }),
                },
              ]),
            ),
            migrations: [
              {
                from: 1,
                stages: Object.fromEntries(Object.keys(def.stages).map((s) => [s, rename(s)])),
              },
            ],
          };
          const v1 = defineStageMachine(def);
          const v2 = defineStageMachine(renamed, { previous: [v1] });
          const inputs = toEvents(raw).map((e) => [e, e.at as number] as [StageInput, number]);
          const before = inputs.slice(0, split);
          const after = inputs.slice(split);
          const oldState = run(v1, startStageMachine(v1, { signedUpAt: T0 }).state, before).state;
          const newState = run(v2, startStageMachine(v2, { signedUpAt: T0 }).state, before).state;
          expect(migrateStageState(v2, oldState)).toEqual(newState);
          // an old state keeps working with the new machine (migrated on the first call)
          const end: [StageInput, number] = ['tick', T0 + 400 * DAY];
          expect(run(v2, oldState, [...after, end]).state).toEqual(
            run(v2, newState, [...after, end]).state,
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
