import { type InstantInput, toInstant } from '../core/instant';
import type { StageState } from './transition';

/**
 * How long a customer has been in their current stage at `now`, in milliseconds, counting the time
 * spent in it before an interruption it resumed from (a pause, a risk): the clock that stage
 * transitions `since: 'stage'` count on.
 *
 * @param state - A customer's state.
 * @param now - The instant to measure at.
 * @returns Milliseconds, never negative.
 * @throws {RetentionInputError} When `now` is not a valid instant.
 *
 * @example
 * const machine = onboardingMachine();
 * const { state } = startStageMachine(machine, { signedUpAt: '2026-03-01T00:00:00Z' });
 * timeInStage(state, '2026-03-03T12:00:00Z') / 3_600_000
 * //=> 60
 *
 * @category lifecycle
 */
export function timeInStage(state: StageState, now: InstantInput): number {
  const t = toInstant(now, { fn: 'timeInStage', root: 'now' });
  const entry = state.history[state.history.length - 1]!;
  return Math.max(0, t - entry.at) + (entry.elapsed ?? 0);
}
