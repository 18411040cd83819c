import type { NormalizedActivityEvent } from '../../core/records';
import {
  type StageChange,
  type StageMachine,
  type StageState,
  startStageMachine,
  transition,
} from '../../lifecycle/index';
import type { EnginePlanner, EngineSignal } from '../types';
import { inTimeOrder, NO_SIGNALS, signalEvent } from './signals';

/**
 * Options of {@link lifecyclePlanner}.
 *
 * @category engine
 */
export interface LifecyclePlannerOptions {
  /**
   * Your event types mapped to the machine's (`{ subscription_paused: 'paused' }`); events of
   * other types reach the machine under their own names, and the machine ignores those it does
   * not use. @defaultValue `{}`
   */
  readonly events?: Readonly<Record<string, string>>;
  /** Signal types from earlier planners the machine receives as events. @defaultValue `['risk_detected', 'health_changed']` */
  readonly signals?: readonly string[];
}

/**
 * The events (under the machine's names) and the heard signals (as events) in time order, events
 * before signals at the same instant; or null when the events are in time order and no signal is
 * heard (the usual case), for the caller to feed the events as they come.
 */
/** An event under the machine's name for its type, when the mapping gives one. */
function underMachineName(
  e: NormalizedActivityEvent,
  mapping: Readonly<Record<string, string>>,
): NormalizedActivityEvent {
  const type = mapping[e.type];
  return type === undefined ? e : { ...e, type };
}

function mergedInTimeOrder(
  events: readonly NormalizedActivityEvent[],
  signals: readonly EngineSignal[],
  signalTypes: ReadonlySet<string>,
  mapping: Readonly<Record<string, string>>,
  customerId: string,
): readonly NormalizedActivityEvent[] | null {
  let heard = false;
  for (const s of signals) if (signalTypes.has(s.type)) heard = true;
  if (!heard && inTimeOrder(events)) return null;
  const inputs: { readonly order: number; readonly input: NormalizedActivityEvent }[] = [];
  events.forEach((e, order) => {
    inputs.push({ order, input: underMachineName(e, mapping) });
  });
  signals.forEach((s, i) => {
    if (signalTypes.has(s.type))
      inputs.push({ order: events.length + i, input: signalEvent(customerId, s, i) });
  });
  inputs.sort((a, b) => a.input.at - b.input.at || a.order - b.order);
  return inputs.map((x) => x.input);
}

/**
 * The signal a stage change becomes: `stage_entered`, with the stage, the stage left, the machine
 * and the change's sequence number (with the machine and the customer, a unique occurrence id).
 *
 * @param change - A stage change from `transition` or `startStageMachine`.
 * @returns The signal.
 *
 * @example
 * stageSignal({ type: 'stage:changed', machine: 'onboarding', version: 1, seq: 2, from: 'orientation', to: 'immersion', at: 0, resumed: false, cause: { kind: 'time', due: 0, transition: 0 } }).data
 * //=> { stage: 'immersion', from: 'orientation', machine: 'onboarding', seq: 2, resumed: false }
 *
 * @category engine
 */
export function stageSignal(change: StageChange): EngineSignal {
  return {
    type: 'stage_entered',
    at: change.at,
    data: {
      stage: change.to,
      from: change.from,
      machine: change.machine,
      seq: change.seq,
      resumed: change.resumed,
    },
  };
}

/**
 * Runs a stage machine for each customer: starts it at the customer's signup (from the profile),
 * feeds it the customer's events (mapped to the machine's names) and the risk signals of earlier
 * planners, in time order, then lets time pass to `now`. Every stage entered becomes a
 * `stage_entered` signal, which later planners (triggers) see and the engine emits as
 * `stage:changed`. Wakes the customer when the next time-based transition falls due.
 *
 * @param machine - A machine from `defineStageMachine` or `onboardingMachine()`.
 * @param options - See {@link LifecyclePlannerOptions}.
 * @returns The planner, named `'lifecycle'`.
 *
 * @example
 * const planner = lifecyclePlanner(onboardingMachine());
 * const r = planner.plan(undefined, {
 *   customerId: 'c1', now: Date.UTC(2026, 0, 9), signals: [], events: [],
 *   profile: { customerId: 'c1', signedUpAt: Date.UTC(2026, 0, 1), timeZone: 'UTC', attributes: {} },
 * });
 * [r.state?.stage, r.signals?.map((s) => s.data.stage)]
 * //=> ['orientation', ['orientation']]
 *
 * @category engine
 */
export function lifecyclePlanner<S extends string, F>(
  machine: StageMachine<S, F>,
  options: LifecyclePlannerOptions = {},
): EnginePlanner<StageState | null> {
  const mapping = options.events ?? {};
  const signalTypes = new Set(options.signals ?? ['risk_detected', 'health_changed']);
  return {
    name: 'lifecycle',
    plan(prior, { customerId, events, profile, signals, now }) {
      const changes: StageChange[] = [];
      let state: StageState;
      if (prior === undefined || prior === null) {
        // the machine starts at signup; until the profile says when that was, there is nothing to run
        if (profile.signedUpAt === null)
          return { state: null, actions: [], cancel: [], wakeAt: null };
        const started = startStageMachine(machine, {
          signedUpAt: profile.signedUpAt,
          timeZone: profile.timeZone,
        });
        state = started.state;
        for (const c of started.emitted) changes.push(c);
      } else {
        state = prior;
      }
      // each input is fed at its own time (time runs to it, not past it: a later input of this
      // evaluation must not find the machine already at `now`), and then time runs to `now`
      const feed = (input: NormalizedActivityEvent | 'tick'): void => {
        const r: { state: StageState; emitted: readonly StageChange[] } = transition(
          machine,
          state,
          input,
          input === 'tick' || input.at > now ? now : input.at,
        );
        state = r.state;
        for (const c of r.emitted) changes.push(c);
      };
      // the machine hears the events (under its own names) and the chosen signals, in time order
      const merged = mergedInTimeOrder(events, signals, signalTypes, mapping, customerId);
      if (merged === null) {
        for (const e of events) feed(underMachineName(e, mapping));
      } else {
        for (const input of merged) feed(input);
      }
      feed('tick');
      return {
        state,
        actions: [],
        cancel: [],
        wakeAt: state.wakeAt,
        signals: changes.length === 0 ? NO_SIGNALS : changes.map(stageSignal),
      };
    },
  };
}
