import { describeType, failInput } from '../core/errors';
import { type InstantInput, toInstant } from '../core/instant';
import type { Attributes } from '../core/records';
import { compiledOf, type StageFacts, type StageMachine } from './defineStageMachine';
import { checkState, isNoOp, run, unchanged } from './engine';

/**
 * One entry of a state's history: the customer entered `stage` at `at` (epoch milliseconds).
 * `elapsed` is time already spent in the stage before this entry (when it resumed an interrupted
 * stage); `until` is when the stage's hold ends.
 *
 * @category lifecycle
 */
export interface StageEntry {
  readonly stage: string;
  readonly at: number;
  readonly elapsed?: number;
  readonly until?: number;
}

/**
 * A stage that was interrupted (by a pause or a risk) and that a `resume` transition returns to:
 * the time already spent in it, and what was left of its hold.
 *
 * @category lifecycle
 */
export interface InterruptedStage {
  readonly stage: string;
  readonly elapsed: number;
  readonly remaining?: number;
}

/**
 * An event held back because it arrived within the machine's `skew`, so that a late event can
 * still be applied in order.
 *
 * @category lifecycle
 */
export interface PendingStageEvent {
  readonly type: string;
  readonly at: number;
  readonly id?: string;
  readonly properties?: Attributes;
}

/**
 * Where one customer stands in a stage machine: a small JSON value to persist per customer.
 *
 * - `machine`, `version`: the machine and the version the state belongs to;
 * - `stage`: the current stage (always the stage of the last `history` entry);
 * - `seq`: how many stages the customer has entered in all (the current entry's number, an
 *   idempotency key for stage-change notifications; it survives history truncation);
 * - `signedUpAt`, `timeZone`: the anchor of `since: 'signup'` and the zone calendar durations are
 *   counted in;
 * - `asOf`: the latest instant the state has accounted for (the last event applied, due instant
 *   passed or stage entered);
 * - `history`: the stage entries, oldest first;
 * - `milestones`: the first instant of each milestone event;
 * - `interrupted`: the stages a `resume` returns to, innermost last;
 * - `pending`: events held back within the skew;
 * - `wakeAt`: when the state next needs a `'tick'` (what {@link nextWakeUp} returns), or `null`
 *   when only an event can change it. Store it in an indexed column to find the customers due.
 *
 * @category lifecycle
 */
export interface StageState {
  readonly machine: string;
  readonly version: number;
  readonly stage: string;
  readonly seq: number;
  readonly signedUpAt: number;
  readonly timeZone: string;
  readonly asOf: number;
  readonly history: readonly StageEntry[];
  readonly milestones: Readonly<Record<string, number>>;
  readonly interrupted: readonly InterruptedStage[];
  readonly pending: readonly PendingStageEvent[];
  readonly wakeAt: number | null;
}

/**
 * An event fed to {@link transition}: its type, when it happened, and optionally an id (used to
 * order events at the same instant) and properties (which guards read as `event.properties`).
 * An {@link ActivityEvent} fits.
 *
 * @category lifecycle
 */
export interface StageEvent {
  readonly type: string;
  readonly at: InstantInput;
  readonly id?: string;
  readonly properties?: Attributes;
}

/**
 * What {@link transition} accepts: an event, or `'tick'` to let time pass until `now`.
 *
 * @category lifecycle
 */
export type StageInput = StageEvent | 'tick';

/**
 * Why a stage changed: the customer started (`start`), an event arrived (`event`, with its type),
 * time passed (`time`, with the instant the transition fell due) or a guard came to hold
 * (`guard`). `transition` is the index of the transition in the definition of the stage left.
 *
 * @category lifecycle
 */
export type StageChangeCause =
  | { readonly kind: 'start' }
  | { readonly kind: 'event'; readonly event: string; readonly transition: number }
  | { readonly kind: 'time'; readonly due: number; readonly transition: number }
  | { readonly kind: 'guard'; readonly transition: number };

/**
 * A stage change, as {@link transition} emits it. The engine turns it into a `stage:changed`
 * event; {@link stageEnteredEvent} turns it into a `stage_entered` activity event that triggers
 * can react to. `seq` numbers the entry (1 for the initial stage), so `machine`, the customer and
 * `seq` identify the change.
 *
 * @category lifecycle
 */
export interface StageChange {
  readonly type: 'stage:changed';
  readonly machine: string;
  readonly version: number;
  readonly seq: number;
  readonly from: string | null;
  readonly to: string;
  readonly at: number;
  /** Whether `to` was resumed where it had been interrupted. */
  readonly resumed: boolean;
  readonly cause: StageChangeCause;
}

/**
 * The result of {@link transition}: the next state, whether it differs from the one passed in
 * (persist it when it does; when it does not, `state` is the very object passed in), and the
 * stage changes made, in order.
 *
 * @category lifecycle
 */
export interface StageTransitionResult {
  readonly state: StageState;
  readonly changed: boolean;
  readonly emitted: readonly StageChange[];
}

/**
 * Options of {@link transition}, {@link startStageMachine}.
 *
 * @category lifecycle
 */
export interface TransitionOptions<F = StageFacts> {
  /**
   * The customer's facts as of `now`, which guards read as `facts.*`. Every guard checked during
   * the call sees these, including guards of time transitions that fell due before `now`.
   * @defaultValue `{}`
   */
  readonly facts?: F;
}

/**
 * Advances one customer's state by one input: an event, or `'tick'` to let time pass until `now`.
 * Pure: the state passed in is never changed, and the same arguments give the same result.
 *
 * Time first: every time transition of the current stage that falls due up to the input's instant
 * is taken at its due instant when its guard holds there (a stage entered that way may have its own
 * due transitions). A time transition whose guard fails stays enabled and is checked again at every
 * later event, stage change and tick, and taken at that instant when its guard holds. Then the
 * event is applied at its instant (its milestone recorded after the transitions are checked), and
 * eventless transitions are checked. An event older than `state.asOf` is applied at `state.asOf`;
 * one later than `now` at `now`. With a `skew`, inputs are held until `now - skew` passes them, so
 * events arriving up to `skew` late are applied in order. A state of an older version is migrated
 * first.
 *
 * @param machine - The machine, from {@link defineStageMachine}.
 * @param state - The customer's state (from {@link startStageMachine} or an earlier call).
 * @param input - An event, or `'tick'`.
 * @param now - The current instant: when the input is processed.
 * @param options - See {@link TransitionOptions}.
 * @returns The next state, whether it changed, and the stage changes made.
 * @throws {RetentionInputError} When the state belongs to another machine or names an undeclared
 * stage, or the event or `now` is malformed.
 * @throws {RetentionError} With code `unknown_version` when the state's version is neither the
 * machine's nor one it has a migration from; with code `limit_exceeded` when eventless transitions
 * keep changing the stage at one instant.
 *
 * @example
 * const machine = defineStageMachine({
 *   id: 'trial',
 *   version: 1,
 *   initial: 'trialing',
 *   stages: {
 *     trialing: { transitions: [{ on: 'subscribed', target: 'customer' }, { after: '14d', target: 'lapsed' }] },
 *     customer: { final: true },
 *     lapsed: { transitions: [{ on: 'subscribed', target: 'customer' }] },
 *   },
 * });
 * const { state } = startStageMachine(machine, { signedUpAt: '2026-03-01T00:00:00Z' });
 * const later = transition(machine, state, 'tick', '2026-03-20T00:00:00Z');
 * [later.state.stage, later.emitted.map((c) => new Date(c.at).toISOString())]
 * //=> ['lapsed', ['2026-03-15T00:00:00.000Z']]
 *
 * @example
 * const machine = defineStageMachine({
 *   id: 'trial',
 *   version: 1,
 *   initial: 'trialing',
 *   stages: {
 *     trialing: { transitions: [{ on: 'subscribed', guard: { fact: 'event.properties.plan', op: 'neq', value: 'free' }, target: 'customer' }] },
 *     customer: { final: true },
 *   },
 * });
 * const { state } = startStageMachine(machine, { signedUpAt: '2026-03-01T00:00:00Z' });
 * const paid = { type: 'subscribed', at: '2026-03-05T10:00:00Z', properties: { plan: 'team' } };
 * transition(machine, state, paid, '2026-03-05T10:00:01Z').state.stage
 * //=> 'customer'
 *
 * @category lifecycle
 */
export function transition<S extends string, F>(
  machine: StageMachine<S, F>,
  state: StageState,
  input: StageInput,
  now: InstantInput,
  options?: TransitionOptions<F>,
): StageTransitionResult {
  const fn = 'transition';
  const m = compiledOf(machine as StageMachine, fn);
  const t =
    typeof now === 'number' && Number.isInteger(now) ? now : toInstant(now, { fn, root: 'now' });
  if (input === 'tick' && isNoOp(m, state, null, t)) return unchanged(state);
  const checked = checkState(m, state, fn);
  let event = null;
  if (input !== 'tick') {
    if (typeof input !== 'object' || input === null) {
      failInput(
        { fn, root: 'input' },
        {
          code: 'invalid_type',
          path: [],
          expected: "an event or 'tick'",
          received: describeType(input),
        },
      );
    }
    if (typeof input.type !== 'string' || input.type === '') {
      failInput(
        { fn, root: 'input' },
        {
          code: 'invalid_type',
          path: ['type'],
          expected: 'a non-empty string',
          received: describeType(input.type),
        },
      );
    }
    const at =
      typeof input.at === 'number' && Number.isInteger(input.at)
        ? input.at
        : toInstant(input.at, { fn, path: ['at'], root: 'input' });
    event = {
      type: input.type,
      at,
      ...(input.id === undefined ? {} : { id: input.id }),
      ...(input.properties === undefined ? {} : { properties: input.properties }),
    };
  }
  if (checked === state && isNoOp(m, state, event?.type ?? null, t)) return unchanged(state);
  const result = run(m, checked, event, t, options?.facts);
  if (checked !== state && !result.changed) return { ...result, state: checked, changed: true };
  return result;
}
