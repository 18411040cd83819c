import { type InstantInput, toInstant } from '../core/instant';
import { toTimeZone } from '../core/timeZone';
import { compiledOf, type StageMachine } from './defineStageMachine';
import { start } from './engine';
import type { StageTransitionResult, TransitionOptions } from './transition';

/**
 * The customer a state is started for: when they signed up and their time zone. A
 * {@link Customer} fits.
 *
 * @category lifecycle
 */
export interface StageCustomer {
  /** When the customer signed up: the first stage is entered then. */
  readonly signedUpAt: InstantInput;
  /** The IANA time zone calendar durations are counted in. @defaultValue `'UTC'` */
  readonly timeZone?: string;
}

/**
 * Starts a customer on a machine: the initial stage is entered at signup (with its hold, if it has
 * one), then eventless transitions are checked. The result's `emitted` holds the entry into the
 * initial stage (`from: null`, cause `start`), so a welcome can react to it like to any other
 * stage change.
 *
 * @param machine - The machine, from {@link defineStageMachine}.
 * @param customer - When the customer signed up, and their time zone.
 * @param options - See {@link TransitionOptions}.
 * @returns The first state, `changed: true`, and the initial stage change.
 * @throws {RetentionInputError} When `signedUpAt` or `timeZone` is invalid.
 *
 * @example
 * const { state, emitted } = startStageMachine(onboardingMachine(), {
 *   signedUpAt: '2026-03-01T09:00:00+01:00',
 *   timeZone: 'Europe/Berlin',
 * });
 * [state.stage, emitted[0]?.from, emitted[0]?.to, state.history.length]
 * //=> ['orientation', null, 'orientation', 1]
 *
 * @category lifecycle
 */
export function startStageMachine<S extends string, F>(
  machine: StageMachine<S, F>,
  customer: StageCustomer,
  options: TransitionOptions<F> = {},
): StageTransitionResult {
  const fn = 'startStageMachine';
  const m = compiledOf(machine as StageMachine, fn);
  const signedUpAt = toInstant(customer.signedUpAt, {
    fn,
    path: ['signedUpAt'],
    root: 'customer',
  });
  const timeZone = toTimeZone(customer.timeZone, { fn, path: ['timeZone'], root: 'customer' });
  return start(m, signedUpAt, timeZone, options.facts);
}
