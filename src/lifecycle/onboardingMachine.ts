import { lazy } from '../core/lazy';
import {
  assemble,
  type StageMachine,
  type StageMachineDefinition,
  type StageTransitionDefinition,
} from './defineStageMachine';

/**
 * The stages of {@link onboardingMachine}.
 *
 * @category lifecycle
 */
export type OnboardingStage =
  | 'orientation'
  | 'immersion'
  | 'rooting'
  | 'established'
  | 'paused'
  | 'at_risk'
  | 'churned'
  | 'won_back';

type T = StageTransitionDefinition<OnboardingStage>;

/** The ways out every active stage shares: risk signals, a pause, a cancellation. */
function activeExits(): T[] {
  return [
    {
      on: 'risk_detected',
      target: 'at_risk',
      description: 'a risk signal from a health model or a rule',
    },
    {
      on: 'health_changed',
      guard: { fact: 'event.properties.score', op: 'lt', value: 40 },
      target: 'at_risk',
      description: 'the health score fell below 40',
    },
    { on: 'paused', target: 'paused', description: 'the customer paused instead of cancelling' },
    { on: 'cancelled', target: 'churned' },
  ];
}

const FIRST_VALUE_REACHED = { fact: 'milestones.first_value', op: 'exists' } as const;
const NO_FIRST_VALUE_YET = { fact: 'milestones.first_value', op: 'exists', value: false } as const;

/**
 * The definition behind {@link onboardingMachine}, as plain data: a fresh copy on every call, to
 * read, store, or extend into a machine of your own (give it your own `id`, or a higher `version`
 * and a migration).
 *
 * @returns The definition.
 *
 * @example
 * Object.keys(onboardingDefinition().stages)
 * //=> ['orientation', 'immersion', 'rooting', 'established', 'paused', 'at_risk', 'churned', 'won_back']
 *
 * @category lifecycle
 */
export function onboardingDefinition(): StageMachineDefinition<OnboardingStage> {
  return {
    id: 'onboarding',
    version: 1,
    initial: 'orientation',
    milestones: ['first_value'],
    stages: {
      orientation: {
        goal: 'a calm, successful start',
        keyActions: ['personal welcome', 'interactive tour', 'solve the first task'],
        successMetric: 'time to first value; profile activated',
        data: { period: 'days 1-7' },
        transitions: [
          {
            after: { days: 7 },
            guard: FIRST_VALUE_REACHED,
            target: 'immersion',
            description:
              'one calendar week after signup once first value is reached, or when it is reached later',
          },
          ...activeExits(),
        ],
      },
      immersion: {
        goal: 'deepen use and embed the product in daily work',
        keyActions: ['educational content', 'proactive check-in'],
        successMetric: '2-3 key features used; steady activity',
        data: { period: 'weeks 2-4' },
        transitions: [{ after: { weeks: 3 }, target: 'rooting' }, ...activeExits()],
      },
      rooting: {
        goal: 'show measurable value and return on investment',
        keyActions: ['business review', 'feedback', 'integration offers'],
        successMetric: 'CSAT and NPS; renewal or repeat purchase',
        data: { period: 'months 2-3' },
        transitions: [{ after: { months: 2 }, target: 'established' }, ...activeExits()],
      },
      established: {
        goal: 'keep the value growing',
        keyActions: [
          'periodic review of results and new goals',
          'automated CSAT/NPS after key actions',
        ],
        successMetric: 'retention; net revenue retention',
        transitions: activeExits(),
      },
      paused: {
        goal: 'keep the door open during a break',
        keyActions: ['confirm the resume date', 'a light touch before resuming'],
        successMetric: 'share of pausers who resume',
        hold: { property: 'length', default: { months: 1 }, max: { months: 3 } },
        transitions: [
          {
            after: 'hold',
            resume: true,
            description: 'the pause ends: back where the customer left off',
          },
          { on: 'resumed', resume: true, description: 'the customer resumed early' },
          { on: 'cancelled', target: 'churned' },
        ],
      },
      at_risk: {
        goal: 'restore confidence before the customer leaves',
        keyActions: ['personal contact from a specialist', 'help with the blocked key action'],
        successMetric: 'health recovered',
        transitions: [
          {
            on: 'health_changed',
            guard: { fact: 'event.properties.score', op: 'gte', value: 60 },
            resume: true,
            description: 'health recovered to 60 or more: back to the interrupted stage',
          },
          {
            on: 'first_value',
            guard: NO_FIRST_VALUE_YET,
            resume: true,
            description: 'first value, reached while at risk, counts as recovery',
          },
          { on: 'paused', target: 'paused' },
          { on: 'cancelled', target: 'churned' },
        ],
      },
      churned: {
        goal: 'learn why, and keep a way back',
        keyActions: ['exit survey', 'win-back sequence'],
        successMetric: 'win-back rate',
        transitions: [{ on: 'reactivated', target: 'won_back' }],
      },
      won_back: {
        goal: 'prove the value again',
        keyActions: [
          'welcome back',
          'solve the problem the customer left over',
          'check-in after 30 days',
        ],
        successMetric: 'still active 30 days after returning',
        transitions: [
          {
            after: { days: 30 },
            guard: FIRST_VALUE_REACHED,
            target: 'established',
            description: 'a customer who had seen value is established again after 30 days back',
          },
          {
            on: 'first_value',
            guard: NO_FIRST_VALUE_YET,
            target: 'immersion',
            description: 'a customer who never saw value deepens use once they do',
          },
          ...activeExits(),
        ],
      },
    },
  };
}

/**
 * The default onboarding machine, built from the lifecycle in the domain brief:
 *
 * | stage | entered | left |
 * |---|---|---|
 * | `orientation` (days 1-7) | at signup | after 7 calendar days once `first_value` happened, or at `first_value` when later |
 * | `immersion` (weeks 2-4) | from orientation | after 3 weeks in the stage |
 * | `rooting` (months 2-3) | from immersion | after 2 months in the stage |
 * | `established` | from rooting, or 30 days after a win-back | by risk, pause or cancellation |
 * | `paused` | `paused` (`properties.length`, default 1 month, at most 3) | when the pause ends or on `resumed`: back to the stage left, whose clock continues |
 * | `at_risk` | `risk_detected`, or `health_changed` with `properties.score` below 40 | `health_changed` with a score of 60 or more (or a first `first_value`): back to the stage left |
 * | `churned` | `cancelled` | `reactivated` |
 * | `won_back` | `reactivated` | 30 days later to `established` if the customer had seen value; at a first `first_value` to `immersion` |
 *
 * Events it reads: `first_value` (a milestone), `risk_detected`, `health_changed`, `paused`,
 * `resumed`, `cancelled`, `reactivated`. Built on first call; {@link onboardingDefinition} is the
 * same machine as data (what {@link defineStageMachine} accepts).
 *
 * @returns The machine (the same object on every call).
 *
 * @example
 * const machine = onboardingMachine();
 * let { state } = startStageMachine(machine, { signedUpAt: '2026-03-02T09:00:00Z' });
 * state = transition(machine, state, { type: 'first_value', at: '2026-03-04T10:00:00Z' }, '2026-03-04T10:00:00Z').state;
 * state = transition(machine, state, 'tick', '2026-03-10T00:00:00Z').state;
 * [state.stage, new Date(state.history[1]?.at ?? 0).toISOString()]
 * //=> ['immersion', '2026-03-09T09:00:00.000Z']
 *
 * @category lifecycle
 */
export const onboardingMachine: () => StageMachine<OnboardingStage> = /* @__PURE__ */ lazy(() =>
  assemble(onboardingDefinition(), {}, 'onboardingMachine'),
);
