import { describe, expectTypeOf, it } from 'vitest';
import type { ActivityEvent } from '../core/records';
import {
  defineStageMachine,
  nextWakeUp,
  type OnboardingStage,
  onboardingMachine,
  type StageAnalytics,
  type StageChange,
  type StageGuardContext,
  type StageInput,
  type StageMachine,
  type StageState,
  type StageTransitionResult,
  stageAnalytics,
  startStageMachine,
  transition,
} from './index';

describe('lifecycle public types', () => {
  it('infers the stage names, and rejects targets and initial stages that are not among them', () => {
    const machine = defineStageMachine({
      id: 'm',
      version: 1,
      initial: 'a',
      stages: { a: { transitions: [{ on: 'go', target: 'b' }] }, b: { final: true } },
    });
    expectTypeOf(machine).toEqualTypeOf<StageMachine<'a' | 'b'>>();
    expectTypeOf(machine.stages).toEqualTypeOf<readonly ('a' | 'b')[]>();

    defineStageMachine({
      id: 'm',
      version: 1,
      initial: 'a',
      // @ts-expect-error 'c' is not a stage
      stages: { a: { transitions: [{ on: 'go', target: 'c' }] }, b: { final: true } },
    });
    defineStageMachine({
      id: 'm',
      version: 1,
      // @ts-expect-error 'z' is not a stage
      initial: 'z',
      stages: { a: { final: true } },
    });
  });

  it('types the facts that code guards and transition options see', () => {
    type Facts = { readonly health: number };
    const machine = defineStageMachine<'ok' | 'risk', Facts>({
      id: 'm',
      version: 1,
      initial: 'ok',
      stages: {
        ok: {
          transitions: [
            {
              guard: (c) => {
                expectTypeOf(c).toEqualTypeOf<StageGuardContext<Facts>>();
                expectTypeOf(c.facts.health).toEqualTypeOf<number>();
                return c.facts.health < 40;
              },
              target: 'risk',
            },
          ],
        },
        risk: { final: true },
      },
    });
    const { state } = startStageMachine(machine, { signedUpAt: 0 }, { facts: { health: 80 } });
    transition(machine, state, 'tick', 1, { facts: { health: 30 } });
    // @ts-expect-error facts of another shape
    transition(machine, state, 'tick', 1, { facts: { plan: 'x' } });
  });

  it('accepts events (an ActivityEvent fits) and ticks, and returns the documented shapes', () => {
    const machine = onboardingMachine();
    expectTypeOf(machine).toEqualTypeOf<StageMachine<OnboardingStage>>();
    const { state } = startStageMachine(machine, { signedUpAt: '2026-01-01' });
    expectTypeOf(state).toEqualTypeOf<StageState>();
    const event: ActivityEvent = { id: 'e', customerId: 'c', type: 'first_value', at: 0 };
    expectTypeOf(event).toExtend<StageInput>();
    expectTypeOf(
      transition(machine, state, event, Date.now()),
    ).toEqualTypeOf<StageTransitionResult>();
    expectTypeOf(transition(machine, state, 'tick', new Date()).emitted).toEqualTypeOf<
      readonly StageChange[]
    >();
    // @ts-expect-error only 'tick' is a bare input
    transition(machine, state, 'tock', 0);
    expectTypeOf(nextWakeUp(machine, state)).toEqualTypeOf<number | null>();
    expectTypeOf(stageAnalytics(machine, [state], { asOf: 0 })).toEqualTypeOf<StageAnalytics>();
  });

  it('states are plain JSON', () => {
    expectTypeOf<StageState['history'][number]>().toEqualTypeOf<{
      readonly stage: string;
      readonly at: number;
      readonly elapsed?: number;
      readonly until?: number;
    }>();
    expectTypeOf<StageState['wakeAt']>().toEqualTypeOf<number | null>();
  });
});
