import { describe, expect, it } from 'vitest';
import { addDuration } from '../core/duration';
import { RetentionError, RetentionInputError } from '../core/errors';
import {
  defineStageMachine,
  type StageGuardContext,
  type StageMachineDefinition,
} from './defineStageMachine';
import { migrateStageState } from './migrateStageState';
import { nextWakeUp } from './nextWakeUp';
import { parseStageState } from './parseStageState';
import { stageEnteredEvent } from './stageEnteredEvent';
import { startStageMachine } from './startStageMachine';
import { timeInStage } from './timeInStage';
import { type StageInput, type StageState, transition } from './transition';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 12);

function feed<S extends string, F>(
  machine: Parameters<typeof transition<S, F>>[0],
  state: StageState,
  inputs: readonly (readonly [StageInput, number])[],
  facts?: F,
) {
  let s = state;
  const emitted = [];
  for (const [input, now] of inputs) {
    const r = transition(machine, s, input, now, facts === undefined ? {} : { facts });
    s = r.state;
    emitted.push(...r.emitted);
  }
  return { state: s, emitted };
}

const trial = () =>
  defineStageMachine({
    id: 'trial',
    version: 1,
    initial: 'trialing',
    milestones: ['activated'],
    stages: {
      trialing: {
        transitions: [
          {
            on: 'subscribed',
            guard: { fact: 'event.properties.plan', op: 'eq', value: 'business' },
            target: 'vip',
            priority: 1,
          },
          { on: 'subscribed', target: 'customer' },
          {
            after: '14d',
            guard: { fact: 'milestones.activated', op: 'exists' },
            target: 'extended',
          },
          { after: '30d', target: 'lapsed' },
        ],
      },
      extended: {
        transitions: [
          { after: '7d', target: 'lapsed' },
          { on: 'subscribed', target: 'customer' },
        ],
      },
      customer: { final: true },
      vip: { final: true },
      lapsed: { transitions: [{ on: 'subscribed', target: 'customer' }] },
    },
  });

describe('transition', () => {
  it('takes the highest-priority transition whose guard holds', () => {
    const m = trial();
    const { state } = startStageMachine(m, { signedUpAt: T0 });
    const business = { type: 'subscribed', at: T0 + DAY, properties: { plan: 'business' } };
    const team = { type: 'subscribed', at: T0 + DAY, properties: { plan: 'team' } };
    expect(transition(m, state, business, T0 + DAY).state.stage).toBe('vip');
    const r = transition(m, state, team, T0 + DAY);
    expect(r.state.stage).toBe('customer');
    expect(r.emitted).toEqual([
      {
        type: 'stage:changed',
        machine: 'trial',
        version: 1,
        seq: 2,
        from: 'trialing',
        to: 'customer',
        at: T0 + DAY,
        resumed: false,
        cause: { kind: 'event', event: 'subscribed', transition: 1 },
      },
    ]);
    expect(r.state.history).toEqual([
      { stage: 'trialing', at: T0 },
      { stage: 'customer', at: T0 + DAY },
    ]);
  });

  it('takes time transitions at their due instants, even when the tick comes much later', () => {
    const m = trial();
    const { state } = startStageMachine(m, { signedUpAt: T0 });
    const activated = transition(
      m,
      state,
      { type: 'activated', at: T0 + 2 * DAY },
      T0 + 2 * DAY,
    ).state;
    const r = transition(m, activated, 'tick', T0 + 100 * DAY);
    expect(r.emitted.map((c) => [c.from, c.to, c.at, c.cause])).toEqual([
      ['trialing', 'extended', T0 + 14 * DAY, { kind: 'time', due: T0 + 14 * DAY, transition: 2 }],
      ['extended', 'lapsed', T0 + 21 * DAY, { kind: 'time', due: T0 + 21 * DAY, transition: 0 }],
    ]);
    expect(r.state.asOf).toBe(T0 + 21 * DAY);
  });

  it('keeps a time transition whose guard failed, and takes it when the guard holds later', () => {
    const m = trial();
    const { state } = startStageMachine(m, { signedUpAt: T0 });
    // day 14: not activated, so the 14-day transition is passed over and waits
    const day20 = transition(m, state, 'tick', T0 + 20 * DAY);
    expect(day20.state.stage).toBe('trialing');
    expect(day20.changed).toBe(true);
    expect(day20.state.asOf).toBe(T0 + 14 * DAY);
    // activation on day 22 makes it hold: taken then, not back-dated to day 14
    const day22 = transition(
      m,
      day20.state,
      { type: 'activated', at: T0 + 22 * DAY },
      T0 + 22 * DAY,
    );
    expect(day22.emitted.map((c) => [c.to, c.at])).toEqual([['extended', T0 + 22 * DAY]]);
    // and the same without the tick in between
    const direct = transition(m, state, { type: 'activated', at: T0 + 22 * DAY }, T0 + 22 * DAY);
    expect(direct.state).toEqual(day22.state);
  });

  it('records a milestone once, after checking the event’s own transitions', () => {
    const seen: (number | undefined)[] = [];
    const m = defineStageMachine({
      id: 'm',
      version: 1,
      initial: 'a',
      milestones: ['go'],
      stages: {
        a: {
          transitions: [
            {
              on: 'go',
              guard: (c: StageGuardContext) => {
                seen.push(c.milestones.go);
                return false;
              },
              target: 'b',
            },
          ],
        },
        b: { final: true },
      },
    });
    const { state } = startStageMachine(m, { signedUpAt: T0 });
    const { state: after } = feed(m, state, [
      [{ type: 'go', at: T0 + 1 }, T0 + 1],
      [{ type: 'go', at: T0 + 2 }, T0 + 2],
    ]);
    expect(seen).toEqual([undefined, T0 + 1]);
    expect(after.milestones).toEqual({ go: T0 + 1 });
  });

  it('counts calendar durations in the customer’s time zone, since the stage or since signup', () => {
    const m = defineStageMachine({
      id: 'm',
      version: 1,
      initial: 'a',
      stages: {
        a: { transitions: [{ on: 'go', target: 'b' }] },
        b: {
          transitions: [
            { after: { days: 1 }, target: 'c' },
            { after: { months: 1 }, since: 'signup', target: 'd', priority: 1 },
          ],
        },
        c: { final: true },
        d: { final: true },
      },
    });
    // 09:00 in Berlin the day before the clocks go forward: one calendar day is 23 hours
    const signup = Date.UTC(2026, 2, 1, 8);
    const enter = Date.UTC(2026, 2, 28, 8);
    const monthAfterSignup = Date.UTC(2026, 3, 1, 7); // 09:00 summer time
    const { state } = startStageMachine(m, { signedUpAt: signup, timeZone: 'Europe/Berlin' });
    const inB = transition(m, state, { type: 'go', at: enter }, enter).state;
    expect(nextWakeUp(m, inB)).toBe(enter + 23 * 3_600_000);
    const r = transition(m, inB, 'tick', enter + 2 * DAY);
    expect(r.emitted.map((c) => [c.to, c.at])).toEqual([['c', enter + 23 * 3_600_000]]);
    // since signup: one calendar month after 1 March, 09:00 local; already due when entered later
    expect(inB.wakeAt).toBe(enter + 23 * 3_600_000);
    const late = monthAfterSignup + 3_600_000;
    expect(
      transition(m, state, { type: 'go', at: late }, late).emitted.map((c) => [c.to, c.at]),
    ).toEqual([
      ['b', late],
      ['d', late],
    ]);
  });

  it('checks eventless transitions against the facts of each call, before time transitions of the same priority', () => {
    const m = defineStageMachine<'a' | 'flagged' | 'timeout', { risk: number }>({
      id: 'm',
      version: 1,
      initial: 'a',
      stages: {
        a: {
          transitions: [
            { after: '1d', target: 'timeout' },
            { guard: { fact: 'facts.risk', op: 'gt', value: 0.5 }, target: 'flagged' },
          ],
        },
        flagged: { final: true },
        timeout: { final: true },
      },
    });
    const { state } = startStageMachine(m, { signedUpAt: T0 }, { facts: { risk: 0.1 } });
    const calm = transition(m, state, 'tick', T0 + 3_600_000, { facts: { risk: 0.2 } });
    expect(calm.changed).toBe(false);
    const risky = transition(m, state, 'tick', T0 + 3_600_000, { facts: { risk: 0.9 } });
    expect(risky.emitted.map((c) => [c.to, c.at, c.cause.kind])).toEqual([
      ['flagged', T0 + 3_600_000, 'guard'],
    ]);
    // both enabled at one instant (the facts of the call are assumed to hold since the last
    // input): the eventless one wins at equal priority
    const both = transition(m, state, 'tick', T0 + 2 * DAY, { facts: { risk: 0.9 } });
    expect(both.emitted.map((c) => [c.to, c.at])).toEqual([['flagged', T0 + DAY]]);
    const calmAfterDay = transition(m, state, 'tick', T0 + 2 * DAY, { facts: { risk: 0.1 } });
    expect(calmAfterDay.emitted.map((c) => [c.to, c.at])).toEqual([['timeout', T0 + DAY]]);
    const startedRisky = startStageMachine(m, { signedUpAt: T0 }, { facts: { risk: 0.9 } });
    expect(startedRisky.emitted.map((c) => c.to)).toEqual(['a', 'flagged']);
  });

  it('gives code guards the whole context, with typed facts', () => {
    const contexts: StageGuardContext<{ plan: string }>[] = [];
    const m = defineStageMachine<'a' | 'b', { plan: string }>({
      id: 'm',
      version: 1,
      initial: 'a',
      stages: {
        a: {
          transitions: [
            {
              on: 'go',
              guard: (c) => {
                contexts.push(c);
                return c.facts.plan === 'pro';
              },
              target: 'b',
            },
          ],
        },
        b: { final: true },
      },
    });
    const { state } = startStageMachine(m, { signedUpAt: T0 });
    const event = { type: 'go', at: T0 + 5, id: 'e1', properties: { n: 1 } };
    expect(transition(m, state, event, T0 + 9, { facts: { plan: 'free' } }).changed).toBe(true);
    expect(transition(m, state, event, T0 + 9, { facts: { plan: 'pro' } }).state.stage).toBe('b');
    expect(contexts[0]).toEqual({
      facts: { plan: 'free' },
      event: { type: 'go', at: T0 + 5, id: 'e1', properties: { n: 1 } },
      milestones: {},
      stage: { id: 'a', enteredAt: T0 },
      interrupted: undefined,
      signedUpAt: T0,
      now: T0 + 5,
    });
  });

  it('applies a late event at asOf and a future one at now', () => {
    const m = trial();
    const { state } = startStageMachine(m, { signedUpAt: T0 });
    const ticked = transition(m, state, 'tick', T0 + 40 * DAY).state;
    expect(ticked.asOf).toBe(T0 + 30 * DAY);
    const late = transition(m, ticked, { type: 'subscribed', at: T0 + DAY }, T0 + 41 * DAY);
    expect(late.emitted.map((c) => [c.from, c.to, c.at])).toEqual([
      ['lapsed', 'customer', T0 + 30 * DAY],
    ]);
    const future = transition(m, state, { type: 'subscribed', at: T0 + 9 * DAY }, T0 + DAY);
    expect(future.emitted.map((c) => c.at)).toEqual([T0 + DAY]);
  });

  it('returns the very same state when nothing changes', () => {
    const m = trial();
    const { state } = startStageMachine(m, { signedUpAt: T0 });
    for (const input of [
      'tick',
      { type: 'unknown', at: T0 + 1 },
      { type: 'subscribed', at: T0 },
    ] as const) {
      // (a subscription at signup is a real change, so it is the control)
      const r = transition(m, state, input, T0 + DAY);
      if (input !== 'tick' && input.type === 'subscribed') expect(r.changed).toBe(true);
      else {
        expect(r).toEqual({ state, changed: false, emitted: [] });
        expect(r.state).toBe(state);
      }
    }
    const once = transition(m, state, 'tick', T0 + 31 * DAY).state;
    const twice = transition(m, once, 'tick', T0 + 31 * DAY);
    expect(twice.changed).toBe(false);
    expect(twice.state).toBe(once);
  });

  it('holds a stage for the length the entering event names, within the maximum', () => {
    const m = defineStageMachine({
      id: 'm',
      version: 1,
      initial: 'a',
      stages: {
        a: { transitions: [{ on: 'pause', target: 'p' }] },
        p: {
          hold: { property: 'length', default: '7d', max: { days: 30 } },
          transitions: [{ after: 'hold', resume: true }],
        },
      },
    });
    const { state } = startStageMachine(m, { signedUpAt: T0 });
    const pause = (properties: Record<string, string | number>) =>
      transition(m, state, { type: 'pause', at: T0 + DAY, properties }, T0 + DAY).state;
    expect(pause({ length: '2d' }).history[1]?.until).toBe(T0 + 3 * DAY);
    expect(pause({ length: 'soon' }).history[1]?.until).toBe(T0 + 8 * DAY);
    expect(pause({ other: '2d' }).history[1]?.until).toBe(T0 + 8 * DAY);
    expect(pause({ length: '90d' }).history[1]?.until).toBe(T0 + 31 * DAY);
    expect(nextWakeUp(m, pause({ length: 86_400_000 }))).toBe(T0 + 2 * DAY);
  });

  it('resumes the interrupted stage with its clock and hold where they stopped', () => {
    const m = defineStageMachine({
      id: 'm',
      version: 1,
      initial: 'trial',
      stages: {
        trial: {
          hold: { default: '10d' },
          transitions: [
            { after: 'hold', target: 'done' },
            { on: 'risk', target: 'risky' },
          ],
        },
        risky: {
          transitions: [
            { on: 'ok', resume: true },
            { on: 'pause', target: 'paused' },
          ],
        },
        paused: { transitions: [{ on: 'back', resume: true }] },
        done: { final: true },
      },
    });
    const { state } = startStageMachine(m, { signedUpAt: T0 });
    const { state: s, emitted } = feed(m, state, [
      [{ type: 'risk', at: T0 + 4 * DAY }, T0 + 4 * DAY],
      [{ type: 'pause', at: T0 + 5 * DAY }, T0 + 5 * DAY],
      [{ type: 'back', at: T0 + 8 * DAY }, T0 + 8 * DAY],
      [{ type: 'ok', at: T0 + 9 * DAY }, T0 + 9 * DAY],
    ]);
    expect(emitted.map((c) => [c.to, c.resumed])).toEqual([
      ['risky', false],
      ['paused', false],
      ['risky', true],
      ['trial', true],
    ]);
    // 4 of the 10 days were used before the risk: 6 left from day 9
    expect(s.history.at(-1)).toEqual({
      stage: 'trial',
      at: T0 + 9 * DAY,
      elapsed: 4 * DAY,
      until: T0 + 15 * DAY,
    });
    expect(timeInStage(s, T0 + 10 * DAY)).toBe(5 * DAY);
    expect(s.interrupted).toEqual([]);
    expect(transition(m, s, 'tick', T0 + 20 * DAY).emitted.map((c) => [c.to, c.at])).toEqual([
      ['done', T0 + 15 * DAY],
    ]);
  });

  it('skips a resume when nothing was interrupted', () => {
    const v1 = defineStageMachine({
      id: 'm',
      version: 1,
      initial: 'a',
      stages: {
        a: { transitions: [{ on: 'go', target: 'p' }] },
        p: { transitions: [{ on: 'back', resume: true }] },
      },
    });
    const v2 = defineStageMachine({
      id: 'm',
      version: 2,
      initial: 'p',
      stages: {
        a: { transitions: [{ on: 'go', target: 'p' }] },
        p: {
          transitions: [
            { on: 'back', resume: true },
            { on: 'go', target: 'a' },
          ],
        },
      },
      migrations: [{ from: 1 }],
    });
    const { state } = startStageMachine(v2, { signedUpAt: T0 });
    expect(transition(v2, state, { type: 'back', at: T0 + 1 }, T0 + 1).emitted).toEqual([]);
    expect(v1.version).toBe(1);
  });

  it('keeps the latest entries within historyLimit, and keeps counting them', () => {
    const m = defineStageMachine({
      id: 'm',
      version: 1,
      initial: 'a',
      historyLimit: 3,
      stages: {
        a: { transitions: [{ on: 'go', target: 'b' }] },
        b: { transitions: [{ on: 'go', target: 'a' }] },
      },
    });
    const { state } = startStageMachine(m, { signedUpAt: T0 });
    const inputs = [1, 2, 3, 4, 5].map((i) => [{ type: 'go', at: T0 + i }, T0 + i] as const);
    const s = feed(m, state, inputs).state;
    expect(s.seq).toBe(6);
    expect(s.history).toEqual([
      { stage: 'b', at: T0 + 3 },
      { stage: 'a', at: T0 + 4 },
      { stage: 'b', at: T0 + 5 },
    ]);
  });

  describe('skew', () => {
    const machine = () =>
      defineStageMachine({
        id: 'm',
        version: 1,
        initial: 'a',
        skew: '5m',
        stages: {
          a: {
            transitions: [
              { on: 'cancel', target: 'gone' },
              { after: '1h', target: 'b' },
            ],
          },
          b: { transitions: [{ on: 'cancel', target: 'gone' }] },
          gone: { final: true },
        },
      });

    it('holds events for the skew and applies them in order of their instants', () => {
      const m = machine();
      const { state } = startStageMachine(m, { signedUpAt: T0 });
      const held = transition(m, state, { type: 'cancel', at: T0 + 1000 }, T0 + 1000);
      expect(held.changed).toBe(true);
      expect(held.state.stage).toBe('a');
      expect(held.state.pending).toEqual([{ type: 'cancel', at: T0 + 1000 }]);
      expect(nextWakeUp(m, held.state)).toBe(T0 + 1000 + 300_000);
      const released = transition(m, held.state, 'tick', T0 + 1000 + 300_000);
      expect(released.emitted.map((c) => [c.to, c.at])).toEqual([['gone', T0 + 1000]]);
      expect(released.state.pending).toEqual([]);
    });

    it('a cancellation arriving 4 minutes late still wins over a time transition due in between', () => {
      const m = machine();
      const { state } = startStageMachine(m, { signedUpAt: T0 });
      const hour = T0 + 3_600_000;
      // the tick at the due instant cannot take it yet: it waits for the skew
      const early = transition(m, state, 'tick', hour);
      expect(early.changed).toBe(false);
      const late = transition(m, state, { type: 'cancel', at: hour - 60_000 }, hour + 180_000);
      const r = transition(m, late.state, 'tick', hour + 400_000);
      expect(r.state.history.map((e) => e.stage)).toEqual(['a', 'gone']);
    });
  });

  describe('versions', () => {
    const v1 = () =>
      defineStageMachine({
        id: 'plan',
        version: 1,
        initial: 'trial',
        stages: {
          trial: {
            transitions: [
              { on: 'paid', target: 'paying' },
              { on: 'hold', target: 'onhold' },
            ],
          },
          onhold: { transitions: [{ on: 'paid', target: 'paying' }] },
          paying: { final: true },
        },
      });
    const v2 = () =>
      defineStageMachine(
        {
          id: 'plan',
          version: 2,
          initial: 'onboarding',
          stages: {
            onboarding: {
              transitions: [
                { on: 'paid', target: 'paying' },
                { after: '7d', target: 'nudge' },
              ],
            },
            nudge: { transitions: [{ on: 'paid', target: 'paying' }] },
            paying: { final: true },
          },
          migrations: [{ from: 1, stages: { trial: 'onboarding', onhold: 'onboarding' } }],
        },
        { previous: [v1()] },
      );

    it('migrates an older state on the fly, keeping its history and clocks', () => {
      const old = v1();
      const { state } = startStageMachine(old, { signedUpAt: T0 });
      const onHold = transition(old, state, { type: 'hold', at: T0 + DAY }, T0 + DAY).state;
      const machine = v2();
      const migrated = migrateStageState(machine, onHold);
      expect(migrated).toMatchObject({
        version: 2,
        stage: 'onboarding',
        history: [{ stage: 'onboarding', at: T0 }],
        seq: 2,
        wakeAt: T0 + 7 * DAY,
      });
      expect(nextWakeUp(machine, onHold)).toBe(T0 + 7 * DAY);
      const r = transition(machine, onHold, 'tick', T0 + DAY + 1);
      expect(r.changed).toBe(true);
      expect(r.state).toEqual(migrated);
      expect(transition(machine, onHold, 'tick', T0 + 8 * DAY).state.stage).toBe('nudge');
    });

    it('migrates even when the input would change nothing, so the new version is persisted', () => {
      const def = (version: number) =>
        ({
          id: 'same',
          version,
          initial: 'a',
          stages: { a: { transitions: [{ after: '7d', target: 'b' }] }, b: { final: true } },
          ...(version > 1 ? { migrations: [{ from: 1 }] } : {}),
        }) as const;
      const old = startStageMachine(defineStageMachine(def(1)), { signedUpAt: T0 }).state;
      const machine = defineStageMachine(def(2));
      for (const input of ['tick', { type: 'unused', at: T0 + 1 }] as const) {
        const r = transition(machine, old, input, T0 + DAY);
        expect(r.changed).toBe(true);
        expect(r.state).toEqual({ ...old, version: 2 });
      }
    });

    it('refuses a state of a version it has no migration from: never a silent reset', () => {
      const newer = startStageMachine(v2(), { signedUpAt: T0 }).state;
      let error: unknown;
      try {
        transition(v1(), newer, 'tick', T0);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RetentionError);
      expect((error as RetentionError).code).toBe('unknown_version');
      expect(() => nextWakeUp(v1(), newer)).toThrowErrorMatchingInlineSnapshot(
        `[RetentionError: nextWakeUp: the state is at version 2 of machine "plan", which version 1 cannot read (add a migration from version 2)]`,
      );
    });

    it('reports a stage the new version neither declares nor maps', () => {
      const loose = defineStageMachine({
        id: 'plan',
        version: 2,
        initial: 'trial',
        stages: {
          trial: { transitions: [{ on: 'paid', target: 'paying' }] },
          paying: { final: true },
        },
        migrations: [{ from: 1 }],
      });
      const old = v1();
      const onHold = transition(
        old,
        startStageMachine(old, { signedUpAt: T0 }).state,
        { type: 'hold', at: T0 },
        T0,
      ).state;
      expect(() => transition(loose, onHold, 'tick', T0)).toThrowErrorMatchingInlineSnapshot(
        `[RetentionInputError: transition: state.history[1].stage refers to something that does not exist: the stage is not declared by version 2 and its migration from version 1 does not map it]`,
      );
    });
  });

  describe('errors', () => {
    const m = trial();
    const { state } = startStageMachine(m, { signedUpAt: T0 });

    it('rejects states of other machines and undeclared stages', () => {
      const other = startStageMachine(
        defineStageMachine({ id: 'x', version: 1, initial: 'a', stages: { a: { final: true } } }),
        {
          signedUpAt: T0,
        },
      ).state;
      expect(() => transition(m, other, 'tick', T0)).toThrowErrorMatchingInlineSnapshot(
        `[RetentionInputError: transition: state.machine has an invalid value: expected machine "trial"]`,
      );
      expect(() =>
        transition(
          m,
          { ...state, stage: 'nowhere', history: [{ stage: 'nowhere', at: T0 }] },
          'tick',
          T0,
        ),
      ).toThrowErrorMatchingInlineSnapshot(
        `[RetentionInputError: transition: state.stage refers to something that does not exist: the stage is not declared by the machine or is not the last history entry]`,
      );
      expect(() =>
        transition(m, null as unknown as StageState, 'tick', T0),
      ).toThrowErrorMatchingInlineSnapshot(
        `[RetentionInputError: transition: state has the wrong type (expected a stage state (from startStageMachine or transition); received null)]`,
      );
    });

    it('rejects malformed inputs, instants and machines', () => {
      expect(() =>
        transition(m, state, { type: '', at: T0 }, T0),
      ).toThrowErrorMatchingInlineSnapshot(
        `[RetentionInputError: transition: input.type has the wrong type (expected a non-empty string; received empty string)]`,
      );
      expect(() =>
        transition(m, state, { type: 'x', at: '2026-01-05T12:00:00' }, T0),
      ).toThrowErrorMatchingInlineSnapshot(
        `[RetentionInputError: transition: input.at is an ISO-8601 date-time without a UTC offset (expected a trailing Z or ±hh:mm; received string)]`,
      );
      expect(() =>
        transition(m, state, 'tock' as StageInput, T0),
      ).toThrowErrorMatchingInlineSnapshot(
        `[RetentionInputError: transition: input has the wrong type (expected an event or 'tick'; received string)]`,
      );
      expect(() => transition(m, state, 'tick', Number.NaN)).toThrowErrorMatchingInlineSnapshot(
        `[RetentionInputError: transition: now is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received NaN)]`,
      );
      expect(() => transition({ ...m }, state, 'tick', T0)).toThrowErrorMatchingInlineSnapshot(
        `[RetentionInputError: transition: machine has the wrong type (expected a machine returned by defineStageMachine)]`,
      );
      expect(() => startStageMachine(m, { signedUpAt: T0, timeZone: 'Mars/Olympus' })).toThrow(
        RetentionInputError,
      );
    });

    it('stops eventless transitions that keep firing at one instant', () => {
      const loop = defineStageMachine({
        id: 'loop',
        version: 1,
        initial: 'a',
        stages: {
          a: { transitions: [{ guard: { fact: 'facts.on', op: 'eq', value: true }, target: 'b' }] },
          b: { transitions: [{ guard: { fact: 'facts.on', op: 'eq', value: true }, target: 'a' }] },
        },
      });
      const s = startStageMachine(loop, { signedUpAt: T0 }).state;
      expect(() =>
        transition(loop, s, 'tick', T0 + 1, { facts: { on: true } }),
      ).toThrowErrorMatchingInlineSnapshot(
        `[RetentionError: transition: machine "loop" changed stage more than 12 times at one instant (eventless transitions whose guards keep holding)]`,
      );
    });
  });

  it('accepts instants in every form', () => {
    const m = trial();
    const { state } = startStageMachine(m, { signedUpAt: '2026-01-05T12:00:00Z' });
    const a = transition(
      m,
      state,
      { type: 'subscribed', at: new Date(T0 + DAY) },
      '2026-01-06T12:00:00+00:00',
    );
    const b = transition(m, state, { type: 'subscribed', at: T0 + DAY }, T0 + DAY);
    expect(a).toEqual(b);
  });
});

describe('stageEnteredEvent', () => {
  it('has the documented shape, with a stable id', () => {
    const m = trial();
    const { state } = startStageMachine(m, { signedUpAt: T0 });
    const [change] = transition(m, state, { type: 'subscribed', at: T0 + 1 }, T0 + 1).emitted;
    expect(stageEnteredEvent(change!, 'c1')).toEqual({
      id: 'trial:c1:2',
      customerId: 'c1',
      type: 'stage_entered',
      at: T0 + 1,
      properties: {
        stage: 'customer',
        from: 'trialing',
        machine: 'trial',
        version: 1,
        seq: 2,
        resumed: false,
        cause: 'event',
      },
    });
  });
});

describe('parseStageState', () => {
  const m = trial();
  const { state } = startStageMachine(m, { signedUpAt: T0 });

  it('round-trips a state through JSON', () => {
    expect(parseStageState(m, JSON.parse(JSON.stringify(state)))).toEqual(state);
  });

  it('recomputes the wake-up instead of trusting it', () => {
    expect(parseStageState(m, { ...state, wakeAt: 0 }).wakeAt).toBe(state.wakeAt);
  });

  it('names the path of malformed fields', () => {
    expect(() =>
      parseStageState(m, { ...state, history: [{ stage: 'trialing', at: 1.5 }] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: parseStageState: state.history[0].at has the wrong type (expected int; received number)]`,
    );
    expect(() =>
      parseStageState(m, {
        ...state,
        stage: 'customer',
        history: [
          { stage: 'trialing', at: T0 },
          { stage: 'customer', at: T0 - 1 },
        ],
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: parseStageState: state.history[1].at is out of order (expected entries in time order)]`,
    );
  });
});

describe('startStageMachine', () => {
  it('enters the initial stage at signup, with its hold', () => {
    const def: StageMachineDefinition<'p' | 'a'> = {
      id: 'm',
      version: 1,
      initial: 'p',
      stages: {
        p: { hold: { default: { days: 3 } }, transitions: [{ after: 'hold', target: 'a' }] },
        a: { final: true },
      },
    };
    const m = defineStageMachine(def);
    const r = startStageMachine(m, { signedUpAt: T0, timeZone: 'Asia/Tokyo' });
    expect(r.state).toEqual({
      machine: 'm',
      version: 1,
      stage: 'p',
      seq: 1,
      signedUpAt: T0,
      timeZone: 'Asia/Tokyo',
      asOf: T0,
      history: [
        { stage: 'p', at: T0, until: addDuration(T0, { days: 3 }, { timeZone: 'Asia/Tokyo' }) },
      ],
      milestones: {},
      interrupted: [],
      pending: [],
      wakeAt: T0 + 3 * DAY,
    });
    expect(r.emitted).toEqual([
      {
        type: 'stage:changed',
        machine: 'm',
        version: 1,
        seq: 1,
        from: null,
        to: 'p',
        at: T0,
        resumed: false,
        cause: { kind: 'start' },
      },
    ]);
  });
});
