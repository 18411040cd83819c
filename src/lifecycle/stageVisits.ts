import { type InstantInput, toInstant } from '../core/instant';
import type { StageState } from './transition';

/**
 * One stay in a stage, from a state's history.
 *
 * @category lifecycle
 */
export interface StageVisit {
  readonly stage: string;
  /** When the stay began (epoch milliseconds). */
  readonly enteredAt: number;
  /** When it ended, or `null` for the current stage. */
  readonly leftAt: number | null;
  /** Its length in milliseconds, up to `now` for the current stage. */
  readonly ms: number;
}

/**
 * Lists a customer's stays in stages, oldest first, as of `now`: entries after `now` are left out
 * and the stay in progress runs until `now`. A stage left and resumed later is two stays.
 *
 * @param state - A customer's state.
 * @param now - The instant to measure at.
 * @returns The stays.
 * @throws {RetentionInputError} When `now` is not a valid instant.
 *
 * @example
 * const machine = onboardingMachine();
 * let { state } = startStageMachine(machine, { signedUpAt: '2026-03-01T00:00:00Z' });
 * state = transition(machine, state, { type: 'cancelled', at: '2026-03-03T00:00:00Z' }, '2026-03-03T00:00:00Z').state;
 * stageVisits(state, '2026-03-04T00:00:00Z').map((v) => [v.stage, v.ms / 86_400_000])
 * //=> [['orientation', 2], ['churned', 1]]
 *
 * @category lifecycle
 */
export function stageVisits(state: StageState, now: InstantInput): StageVisit[] {
  const t = toInstant(now, { fn: 'stageVisits', root: 'now' });
  const out: StageVisit[] = [];
  const history = state.history;
  for (let i = 0; i < history.length; i++) {
    const entry = history[i]!;
    if (entry.at > t) break;
    const next = history[i + 1];
    const leftAt = next !== undefined && next.at <= t ? next.at : null;
    out.push({ stage: entry.stage, enteredAt: entry.at, leftAt, ms: (leftAt ?? t) - entry.at });
  }
  return out;
}
