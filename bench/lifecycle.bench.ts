import {
  assign,
  type SnapshotFrom,
  setup,
  initialTransition as xInitial,
  transition as xTransition,
} from 'xstate';
import {
  defineStageMachine,
  nextWakeUp,
  onboardingMachine,
  type StageInput,
  type StageState,
  startStageMachine,
  transition,
} from '../src/index';
import { createRandom } from '../src/testing/index';
import type { BenchModule } from './harness';

const DAY = 86_400_000;
/** Customers in the head-to-head with XState (each with a dozen inputs or so). */
const CUSTOMERS = 2_000;
/** States advanced by one daily tick. */
const MILLION = 1_000_000;

/**
 * The machine both libraries run: onboarding stages with fixed durations (XState delays are
 * milliseconds), a time transition guarded by a milestone, guarded events, and a win-back path.
 */
const benchMachine = () =>
  defineStageMachine({
    id: 'bench',
    version: 1,
    initial: 'orientation',
    milestones: ['first_value'],
    stages: {
      orientation: {
        transitions: [
          {
            after: '7d',
            guard: { fact: 'milestones.first_value', op: 'exists' },
            target: 'immersion',
          },
          {
            on: 'health_changed',
            guard: { fact: 'event.properties.score', op: 'lt', value: 40 },
            target: 'at_risk',
          },
          { on: 'cancelled', target: 'churned' },
        ],
      },
      immersion: {
        transitions: [
          { after: '21d', target: 'rooting' },
          {
            on: 'health_changed',
            guard: { fact: 'event.properties.score', op: 'lt', value: 40 },
            target: 'at_risk',
          },
          { on: 'cancelled', target: 'churned' },
        ],
      },
      rooting: {
        transitions: [
          { after: '60d', target: 'established' },
          {
            on: 'health_changed',
            guard: { fact: 'event.properties.score', op: 'lt', value: 40 },
            target: 'at_risk',
          },
          { on: 'cancelled', target: 'churned' },
        ],
      },
      established: {
        transitions: [
          {
            on: 'health_changed',
            guard: { fact: 'event.properties.score', op: 'lt', value: 40 },
            target: 'at_risk',
          },
          { on: 'cancelled', target: 'churned' },
        ],
      },
      at_risk: {
        transitions: [
          {
            on: 'health_changed',
            guard: { fact: 'event.properties.score', op: 'gte', value: 60 },
            target: 'immersion',
          },
          { on: 'cancelled', target: 'churned' },
        ],
      },
      churned: { transitions: [{ on: 'reactivated', target: 'won_back' }] },
      won_back: {
        transitions: [
          { after: '30d', target: 'established' },
          {
            on: 'health_changed',
            guard: { fact: 'event.properties.score', op: 'lt', value: 40 },
            target: 'at_risk',
          },
          { on: 'cancelled', target: 'churned' },
        ],
      },
    },
  });

type XEvent =
  | { type: 'first_value'; at: number }
  | { type: 'health_changed'; at: number; score: number }
  | { type: 'cancelled'; at: number }
  | { type: 'reactivated'; at: number };

/** The same machine the XState way: delays in `after`, guards and context updates in `setup`. */
const xstateMachine = () =>
  setup({
    types: {
      context: {} as { signedUpAt: number; firstValue: boolean },
      input: {} as { signedUpAt: number },
      events: {} as XEvent,
    },
    guards: {
      hasFirstValue: ({ context }) => context.firstValue,
      orientationOver: ({ context, event }) => event.at - context.signedUpAt >= 7 * DAY,
      unhealthy: ({ event }) => event.type === 'health_changed' && event.score < 40,
      recovered: ({ event }) => event.type === 'health_changed' && event.score >= 60,
    },
    actions: { recordFirstValue: assign({ firstValue: true }) },
    delays: { week: 7 * DAY, threeWeeks: 21 * DAY, sixtyDays: 60 * DAY, thirtyDays: 30 * DAY },
  }).createMachine({
    id: 'bench',
    initial: 'orientation',
    context: ({ input }) => ({ signedUpAt: input.signedUpAt, firstValue: false }),
    states: {
      orientation: {
        after: { week: { guard: 'hasFirstValue', target: 'immersion' } },
        on: {
          // first value after the first week: the transition the timer could not take
          first_value: [
            { guard: 'orientationOver', target: 'immersion', actions: 'recordFirstValue' },
            { actions: 'recordFirstValue' },
          ],
          health_changed: { guard: 'unhealthy', target: 'at_risk' },
          cancelled: 'churned',
        },
      },
      immersion: {
        after: { threeWeeks: 'rooting' },
        on: {
          first_value: { actions: 'recordFirstValue' },
          health_changed: { guard: 'unhealthy', target: 'at_risk' },
          cancelled: 'churned',
        },
      },
      rooting: {
        after: { sixtyDays: 'established' },
        on: {
          first_value: { actions: 'recordFirstValue' },
          health_changed: { guard: 'unhealthy', target: 'at_risk' },
          cancelled: 'churned',
        },
      },
      established: {
        on: {
          first_value: { actions: 'recordFirstValue' },
          health_changed: { guard: 'unhealthy', target: 'at_risk' },
          cancelled: 'churned',
        },
      },
      at_risk: {
        on: {
          first_value: { actions: 'recordFirstValue' },
          health_changed: { guard: 'recovered', target: 'immersion' },
          cancelled: 'churned',
        },
      },
      churned: { on: { first_value: { actions: 'recordFirstValue' }, reactivated: 'won_back' } },
      won_back: {
        after: { thirtyDays: 'established' },
        on: {
          first_value: { actions: 'recordFirstValue' },
          health_changed: { guard: 'unhealthy', target: 'at_risk' },
          cancelled: 'churned',
        },
      },
    },
  });

/** The delayed event XState schedules in each stage, which its engine would deliver when due. */
const AFTER_EVENT: Record<string, string> = {
  orientation: 'xstate.after.week.bench.orientation',
  immersion: 'xstate.after.threeWeeks.bench.immersion',
  rooting: 'xstate.after.sixtyDays.bench.rooting',
  won_back: 'xstate.after.thirtyDays.bench.won_back',
};

interface Script {
  readonly initial: StageState;
  readonly inputs: readonly { readonly input: StageInput; readonly now: number }[];
  readonly xInitial: SnapshotFrom<ReturnType<typeof xstateMachine>>;
  readonly xEvents: readonly XEvent[];
}

/**
 * Random customers' events, and the inputs an engine would send: each event when it happens, and a
 * tick whenever nextWakeUp falls due. XState gets the same events, and its delayed event for the
 * stage at each tick. Both must end every input in the same stage, or the setup throws.
 */
function scripts(): Script[] {
  const m = benchMachine();
  const xm = xstateMachine();
  const r = createRandom(6);
  const out: Script[] = [];
  for (let c = 0; c < CUSTOMERS; c++) {
    const signedUpAt = Date.UTC(2026, 0, 1) + Math.floor(r.next() * 90 * DAY);
    const events: XEvent[] = [];
    const at = (days: number) => signedUpAt + Math.floor(days * DAY) + 1;
    if (r.next() < 0.8) events.push({ type: 'first_value', at: at(r.next() * 12) });
    const checks = 3 + Math.floor(r.next() * 4);
    for (let i = 0; i < checks; i++) {
      events.push({
        type: 'health_changed',
        at: at(r.next() * 150),
        score: Math.floor(r.next() * 100),
      });
    }
    if (r.next() < 0.15) {
      const cancelAt = r.next() * 120;
      events.push({ type: 'cancelled', at: at(cancelAt) });
      if (r.next() < 0.5)
        events.push({ type: 'reactivated', at: at(cancelAt + 5 + r.next() * 20) });
    }
    events.sort((a, b) => a.at - b.at);

    const initial = startStageMachine(m, { signedUpAt }).state;
    let state = initial;
    let [snap] = xInitial(xm, { signedUpAt });
    const x0 = snap;
    const inputs: { input: StageInput; now: number }[] = [];
    const xEvents: XEvent[] = [];
    const feed = (input: StageInput, now: number, xEvent: XEvent | null) => {
      inputs.push({ input, now });
      state = transition(m, state, input, now).state;
      if (xEvent !== null) {
        xEvents.push(xEvent);
        [snap] = xTransition(xm, snap, xEvent);
      }
      if (snap.value !== state.stage) {
        throw new Error(`bench machines disagree: ${String(snap.value)} vs ${state.stage}`);
      }
    };
    const tickUntil = (until: number) => {
      for (
        let due = nextWakeUp(m, state);
        due !== null && due <= until;
        due = nextWakeUp(m, state)
      ) {
        const after = AFTER_EVENT[state.stage]!;
        feed('tick', due, { type: after, at: due } as unknown as XEvent);
      }
    };
    for (const e of events) {
      tickUntil(e.at);
      const properties = e.type === 'health_changed' ? { score: e.score } : {};
      feed({ type: e.type, at: e.at, properties }, e.at, e);
    }
    tickUntil(signedUpAt + 200 * DAY);
    out.push({ initial, inputs, xInitial: x0, xEvents });
  }
  return out;
}

/** A million onboarding states spread over 150 days of signups, 6 time zones and typical paths. */
function millionStates(now: number): StageState[] {
  const m = onboardingMachine();
  const r = createRandom(11);
  const zones = [
    'UTC',
    'Europe/Berlin',
    'America/New_York',
    'Asia/Tokyo',
    'Australia/Sydney',
    'Asia/Kolkata',
  ];
  const states: StageState[] = new Array(MILLION);
  for (let i = 0; i < MILLION; i++) {
    const signedUpAt = now - Math.floor(r.next() * 150 * DAY);
    let s = startStageMachine(m, { signedUpAt, timeZone: zones[i % zones.length]! }).state;
    const roll = r.next();
    const at = Math.min(now, signedUpAt + Math.floor(r.next() * 10 * DAY));
    if (roll < 0.75) s = transition(m, s, { type: 'first_value', at }, at).state;
    else if (roll < 0.8) s = transition(m, s, { type: 'risk_detected', at }, at).state;
    else if (roll < 0.85) s = transition(m, s, { type: 'paused', at }, at).state;
    else if (roll < 0.9) s = transition(m, s, { type: 'cancelled', at }, at).state;
    states[i] = transition(m, s, 'tick', now).state;
  }
  return states;
}

const lifecycle: BenchModule = {
  name: 'lifecycle',
  groups() {
    const list = scripts();
    const m = benchMachine();
    const xm = xstateMachine();
    const inputCount = list.reduce((n, s) => n + s.inputs.length, 0);
    const xInputCount = list.reduce((n, s) => n + s.xEvents.length, 0);
    if (inputCount !== xInputCount) throw new Error('the two scripts differ in length');

    const today = Date.UTC(2026, 6, 1);
    const tomorrow = today + DAY;
    // Built on first use, in the second group's untimed warm-up, so that the head-to-head does not
    // run next to a heap of a million states.
    let built: StageState[] | undefined;
    const states = () => {
      built ??= millionStates(today);
      return built;
    };
    const onboarding = onboardingMachine();
    let sink = 0;
    let changed = 0;
    return [
      {
        title: `same machine, same ${inputCount.toLocaleString('en-US')} inputs (${CUSTOMERS.toLocaleString('en-US')} customers' events and due ticks)`,
        baseline: 'xstate transition (pure)',
        iterations: 5,
        cases: [
          {
            name: 'xstate transition (pure)',
            items: inputCount,
            fn: () => {
              for (const s of list) {
                let snap = s.xInitial;
                for (const e of s.xEvents) [snap] = xTransition(xm, snap, e);
                sink += snap.value.length;
              }
            },
          },
          {
            name: 'retention-kit transition',
            items: inputCount,
            fn: () => {
              for (const s of list) {
                let state = s.initial;
                for (const { input, now } of s.inputs)
                  state = transition(m, state, input, now).state;
                sink += state.seq;
              }
            },
          },
        ],
        targets: [
          {
            kind: 'faster',
            case: 'retention-kit transition',
            atLeast: 10,
            description: 'at least 10x the throughput of XState v5 pure transition',
          },
        ],
      },
      {
        title: `advance ${MILLION.toLocaleString('en-US')} onboarding states by one daily tick`,
        baseline: 'hand-written loop (reads each state)',
        iterations: 5,
        warmup: 1,
        cases: [
          {
            name: 'hand-written loop (reads each state)',
            items: MILLION,
            fn: () => {
              for (const s of states())
                sink += s.history[s.history.length - 1]!.at < tomorrow ? 1 : 0;
            },
          },
          {
            name: 'retention-kit transition(tick)',
            items: MILLION,
            fn: () => {
              changed = 0;
              for (const s of states()) {
                if (transition(onboarding, s, 'tick', tomorrow).changed) changed++;
              }
            },
          },
        ],
        targets: [
          {
            kind: 'time',
            case: 'retention-kit transition(tick)',
            atMostMs: 1000,
            description: '1M customer states advanced by one daily tick in under 1 s',
          },
        ],
        notes: () => ({ 'states changed by the tick': changed, sink: sink % 7 }),
      },
    ];
  },
};

export default lifecycle;
