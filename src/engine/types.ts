import type { StoredEvent } from '../adapters/types';
import type { PlannedAction } from '../core/action';
import type { Attributes } from '../core/records';
import type { JsonValue } from '../core/validate';

/**
 * What the engine knows of a customer besides events: kept from `signup` and `customer_updated`
 * events (see {@link RetentionEngine.ingestCustomers}).
 *
 * @category engine
 */
export interface CustomerProfile {
  readonly customerId: string;
  /** When the customer signed up, or `null` before a signup or profile event. */
  readonly signedUpAt: number | null;
  /** The customer's IANA time zone. @defaultValue `'UTC'` */
  readonly timeZone: string;
  /** Attributes (plan, LTV, country...), merged from profile events. */
  readonly attributes: Attributes;
}

/**
 * Something a planner reports while evaluating a customer: a stage entered, a campaign started.
 * Later planners in the same evaluation see it (a trigger can react to a stage entered), and the
 * engine emits it once the evaluation is committed.
 *
 * @category engine
 */
export interface EngineSignal {
  /** The kind, e.g. `'stage_entered'`. */
  readonly type: string;
  /** When it happened (epoch ms). */
  readonly at: number;
  /** Details, e.g. `{ stage: 'immersion', from: 'orientation' }`. */
  readonly data: Attributes;
}

/**
 * What a planner receives for one customer.
 *
 * @category engine
 */
export interface PlannerInput {
  readonly customerId: string;
  /** The evaluation time. */
  readonly now: number;
  /** Events new since the previous evaluation, in time order (ties in arrival order). */
  readonly events: readonly StoredEvent[];
  readonly profile: CustomerProfile;
  /** Signals from the planners before this one, in this evaluation. */
  readonly signals: readonly EngineSignal[];
}

/**
 * What a planner returns for one customer.
 *
 * @category engine
 */
export interface PlannerResult<S = JsonValue> {
  /** The planner's new state for the customer: plain JSON (objects, arrays, strings, finite numbers, booleans, null), stored by the engine. */
  readonly state: S;
  /** Actions to deliver, with deterministic idempotency keys. */
  readonly actions: readonly PlannedAction[];
  /** Keys of pending actions that are no longer wanted (a goal was reached). */
  readonly cancel: readonly string[];
  /** When this planner next needs the customer evaluated, or `null`. */
  readonly wakeAt: number | null;
  /** Signals for later planners and for the engine's events. @defaultValue `[]` */
  readonly signals?: readonly EngineSignal[];
}

/**
 * A pure, synchronous planning step the engine runs for each due customer. The built-in modules
 * (lifecycle, triggers, dunning, win-back) are wired in as planners; a team can add its own.
 *
 * @category engine
 */
export interface EnginePlanner<S = JsonValue> {
  /** Unique name; the key of the planner's state in the customer's stored state. */
  readonly name: string;
  /**
   * Plans for one customer. Must be deterministic (the same inputs give the same result) and must
   * not change `state` or `input`: build a new state, reusing unchanged parts of the old one
   * freely. The engine freezes `input` (the planners of one evaluation share it until one adds a
   * signal), and the memory store hands out frozen states and events, so a change there throws
   * a `TypeError`, reported as this planner's failure.
   */
  plan(state: S | undefined, input: PlannerInput): PlannerResult<S>;
}

/**
 * A failure a tick met and reported instead of throwing.
 *
 * @category engine
 */
export interface EngineFailure {
  /** Where it happened. */
  readonly stage: 'store' | 'planner' | 'delivery';
  /** The operation, e.g. `'commit'` or the planner's name. */
  readonly operation: string;
  readonly customerId?: string;
  readonly key?: string;
  /** The error's message (never a customer's data from the library itself). */
  readonly message: string;
}

/**
 * What one evaluation pass did.
 *
 * @category engine
 */
export interface EvaluateReport {
  /** Customers evaluated and committed. */
  readonly evaluated: number;
  /** Evaluations lost to a concurrent commit (another worker evaluated the customer). */
  readonly conflicts: number;
  /** Actions new to the outbox. */
  readonly planned: number;
  /** Pending actions cancelled. */
  readonly cancelled: number;
  readonly failures: readonly EngineFailure[];
}

/**
 * What one delivery pass did.
 *
 * @category engine
 */
export interface DeliverReport {
  readonly delivered: number;
  /** Failed deliveries rescheduled for a retry. */
  readonly retried: number;
  /** Deliveries given up on (a permanent failure, or attempts exhausted). */
  readonly dead: number;
  /** Deliveries made after this worker's lease lapsed (another worker may repeat them; the idempotency key lets the provider deduplicate). */
  readonly lostLeases: number;
  readonly failures: readonly EngineFailure[];
}

/**
 * What a tick did: an evaluation pass, then a delivery pass.
 *
 * @category engine
 */
export interface TickReport {
  /** The tick's time. */
  readonly now: number;
  readonly evaluate: EvaluateReport;
  readonly deliver: DeliverReport;
  /** `true` when nothing failed. */
  readonly ok: boolean;
}

/**
 * The engine's events, for observability (eventemitter3, typed).
 *
 * @category engine
 */
export interface EngineEvents {
  /** A customer's evaluation was committed. */
  'customer:evaluated': [
    {
      readonly customerId: string;
      readonly version: number;
      readonly planned: number;
      readonly cancelled: number;
      readonly wakeAt: number | null;
    },
  ];
  /** A lifecycle planner moved a customer to another stage. */
  'stage:changed': [
    {
      readonly customerId: string;
      readonly from: string | null;
      readonly to: string;
      readonly at: number;
    },
  ];
  /** Any planner signal, after its evaluation was committed. */
  signal: [{ readonly customerId: string; readonly signal: EngineSignal }];
  /** An action entered the outbox. */
  'action:planned': [PlannedAction];
  /** A pending action was cancelled. */
  'action:cancelled': [{ readonly customerId: string; readonly key: string }];
  /** An action was delivered. */
  'action:delivered': [{ readonly action: PlannedAction; readonly attempt: number }];
  /** A delivery failed and will be retried at `retryAt`. */
  'action:failed': [
    {
      readonly action: PlannedAction;
      readonly attempt: number;
      readonly error: string;
      readonly retryAt: number;
    },
  ];
  /** A delivery failed for good (dead-lettered). */
  'action:dead': [
    { readonly action: PlannedAction; readonly attempt: number; readonly error: string },
  ];
  /** Another worker committed the customer first; this evaluation was dropped. */
  conflict: [{ readonly customerId: string }];
  /** A failure the tick reports. */
  failure: [EngineFailure];
}

/**
 * The customer's state as the engine stores it: the profile and each planner's state.
 *
 * @category engine
 */
export interface EngineCustomerState {
  /** Format version of this object. */
  readonly v: 1;
  readonly profile: CustomerProfile;
  readonly planners: Readonly<Record<string, JsonValue>>;
}
