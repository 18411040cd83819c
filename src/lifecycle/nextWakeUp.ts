import { compiledOf, type StageMachine } from './defineStageMachine';
import { checkState } from './engine';
import type { StageState } from './transition';

/**
 * When a customer's state next needs a `'tick'`: the first instant after `state.asOf` at which a
 * time transition of the current stage falls due (or its hold ends), or a held event is released,
 * plus the machine's skew. A time transition that already fell due with a failing guard is not
 * counted: it is checked again with the next event or tick, so send the events (or ticks) that can
 * change its guard. Guards that compare instants with `now` are also only checked on inputs. The
 * answer is the state's own `wakeAt` (recomputed when the state is migrated).
 *
 * @param machine - The machine, from {@link defineStageMachine}.
 * @param state - The customer's state.
 * @returns Epoch milliseconds, or `null` when nothing will happen without an event.
 * @throws {RetentionInputError} When the state belongs to another machine or names an undeclared
 * stage.
 * @throws {RetentionError} With code `unknown_version` when the state's version cannot be read.
 *
 * @example
 * const machine = defineStageMachine({
 *   id: 'trial',
 *   version: 1,
 *   initial: 'trialing',
 *   stages: {
 *     trialing: { transitions: [{ on: 'subscribed', target: 'customer' }, { after: { days: 14 }, target: 'lapsed' }] },
 *     customer: { final: true },
 *     lapsed: { transitions: [{ on: 'subscribed', target: 'customer' }] },
 *   },
 * });
 * const { state } = startStageMachine(machine, { signedUpAt: '2026-03-20T09:00:00+01:00', timeZone: 'Europe/Berlin' });
 * new Date(nextWakeUp(machine, state) ?? 0).toISOString()
 * //=> '2026-04-03T07:00:00.000Z'
 *
 * @category lifecycle
 */
export function nextWakeUp<S extends string, F>(
  machine: StageMachine<S, F>,
  state: StageState,
): number | null {
  const fn = 'nextWakeUp';
  const m = compiledOf(machine as StageMachine, fn);
  return checkState(m, state, fn).wakeAt;
}
