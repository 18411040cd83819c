import { compiledOf, type StageMachine } from './defineStageMachine';
import { checkState } from './engine';
import type { StageState } from './transition';

/**
 * Brings a stored state to the machine's version through the machine's migration from the state's
 * version: every stage name in the history, the current stage and the interrupted stages is
 * mapped, and consecutive entries that now name the same stage become one stay. Times, milestones
 * and held events are kept, so no customer is stranded or reset. {@link transition} and
 * {@link nextWakeUp} migrate on the fly; call this to migrate stored states in bulk.
 *
 * @param machine - The machine, from {@link defineStageMachine}.
 * @param state - A state of this machine, at its version or an older one.
 * @returns The state at the machine's version (the same object when it already is).
 * @throws {RetentionError} With code `unknown_version` when the machine has no migration from the
 * state's version (a newer version, or one never migrated): never a silent reset.
 * @throws {RetentionInputError} When the state belongs to another machine, or names a stage the
 * new version neither declares nor maps.
 *
 * @example
 * const v1 = defineStageMachine({
 *   id: 'plan', version: 1, initial: 'trial',
 *   stages: { trial: { transitions: [{ on: 'paid', target: 'paying' }] }, paying: { final: true } },
 * });
 * const v2 = defineStageMachine({
 *   id: 'plan', version: 2, initial: 'onboarding',
 *   stages: { onboarding: { transitions: [{ on: 'paid', target: 'paying' }] }, paying: { final: true } },
 *   migrations: [{ from: 1, stages: { trial: 'onboarding' } }],
 * }, { previous: [v1] });
 * const old = startStageMachine(v1, { signedUpAt: '2026-01-01' }).state;
 * const migrated = migrateStageState(v2, old);
 * [migrated.version, migrated.stage, migrated.history[0]?.at === old.history[0]?.at]
 * //=> [2, 'onboarding', true]
 *
 * @example
 * const v1 = defineStageMachine({ id: 'plan', version: 1, initial: 'a', stages: { a: { final: true } } });
 * const v3 = defineStageMachine({ id: 'plan', version: 3, initial: 'a', stages: { a: { final: true } } });
 * migrateStageState(v1, startStageMachine(v3, { signedUpAt: 0 }).state)
 * //=> throws 'migrateStageState: the state is at version 3 of machine "plan", which version 1 cannot read (...)'
 *
 * @category lifecycle
 */
export function migrateStageState<S extends string, F>(
  machine: StageMachine<S, F>,
  state: StageState,
): StageState {
  const fn = 'migrateStageState';
  return checkState(compiledOf(machine as StageMachine, fn), state, fn);
}
