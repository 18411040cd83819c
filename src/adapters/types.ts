import type { PlannedAction } from '../core/action';
import type { NormalizedActivityEvent } from '../core/records';
import type { JsonValue } from '../core/validate';

/**
 * An event as the store keeps it: the normalized event plus the sequence number the store gave it
 * when it was appended (increasing in append order, across all customers).
 *
 * @category adapters
 */
export interface StoredEvent extends NormalizedActivityEvent {
  /** Append order, starting at 1. */
  readonly seq: number;
}

/**
 * What the store keeps per customer. The store never looks inside `state`.
 *
 * @category adapters
 */
export interface CustomerRecord {
  readonly customerId: string;
  /** Incremented by every successful commit; 0 before the first one. */
  readonly version: number;
  /** The modules' states for this customer (stage, trigger bookkeeping, campaigns), or `null`. */
  readonly state: JsonValue | null;
  /** When the customer next needs evaluating, or `null` for "only when an event arrives". */
  readonly wakeAt: number | null;
  /** The `seq` of the last event folded into `state` (0 before any). */
  readonly eventCursor: number;
}

/**
 * A customer claimed for evaluation by one worker, until `leaseUntil`.
 *
 * @category adapters
 */
export interface CustomerClaim extends CustomerRecord {
  /** The worker holding the claim. */
  readonly owner: string;
  /** The claim lapses at this instant; another worker may then claim the customer. */
  readonly leaseUntil: number;
}

/**
 * One atomic write of a customer's evaluation: the new state and wake-up, the actions to add to
 * the outbox and the pending actions to cancel. Either all of it is written or none.
 *
 * @category adapters
 */
export interface CommitInput {
  readonly customerId: string;
  /** The version the evaluation read; the commit fails with a `conflict` error otherwise. */
  readonly expectedVersion: number;
  readonly state: JsonValue;
  /** When the customer next needs evaluating, or `null`. */
  readonly wakeAt: number | null;
  /** The `seq` of the last event the evaluation folded in. */
  readonly eventCursor: number;
  /** Actions to add; an action whose key is already in the outbox is left as it is. */
  readonly enqueue: readonly PlannedAction[];
  /**
   * Keys of pending actions to cancel (claimed and delivered ones are not affected); an action
   * both enqueued and cancelled by the same commit is stored as cancelled.
   */
  readonly cancel: readonly string[];
  /** The evaluation time: a customer with events after `eventCursor` is due again from it. */
  readonly now: number;
  /** Releases this worker's claim on the customer, if it holds one. */
  readonly owner?: string;
}

/**
 * What a commit wrote.
 *
 * @category adapters
 */
export interface CommitResult {
  /** The customer's new version. */
  readonly version: number;
  /** How many actions were new to the outbox. */
  readonly enqueued: number;
  /** How many pending actions were cancelled. */
  readonly cancelled: number;
}

/**
 * The life of an action in the outbox: `pending` until a worker claims it, `claimed` while it is
 * being delivered (until its lease lapses), then `delivered`, or back to `pending` for a retry, or
 * `dead` when retries are exhausted; `cancelled` when a goal or an exit made it moot.
 *
 * @category adapters
 */
export type OutboxStatus = 'pending' | 'claimed' | 'delivered' | 'cancelled' | 'dead';

/**
 * An action in the outbox.
 *
 * @category adapters
 */
export interface OutboxEntry {
  readonly action: PlannedAction;
  readonly status: OutboxStatus;
  /** Delivery attempts so far (a claim counts as one). */
  readonly attempts: number;
  /** Not claimable before this instant (the due time, or the next retry). */
  readonly availableAt: number;
  /** The worker holding the claim, while claimed. */
  readonly owner: string | null;
  /** When the claim lapses, while claimed. */
  readonly leaseUntil: number | null;
  /** The last delivery error, as text. */
  readonly lastError: string | null;
  /** When the entry last changed. */
  readonly updatedAt: number;
}

/**
 * Options of the two claim calls.
 *
 * @category adapters
 */
export interface ClaimOptions {
  /** The current instant. */
  readonly now: number;
  /** Most rows to claim. */
  readonly limit: number;
  /** The claiming worker's id. */
  readonly owner: string;
  /** How long the claim lasts. */
  readonly leaseMs: number;
}

/**
 * What an adapter supports, so the conformance suite runs only the groups that apply.
 *
 * @category adapters
 */
export interface StoreCapabilities {
  /**
   * Whether several processes (or connections) may claim from one store at once, each claim
   * skipping rows another holds (`FOR UPDATE SKIP LOCKED` in SQL). In-process stores are safe for
   * interleaved async workers in one process.
   */
  readonly concurrentProcesses: boolean;
}

/**
 * The storage a retention engine runs against. Every call is one atomic step (one round trip
 * for a SQL store), so a crash between calls never leaves anything half-written.
 *
 * @category adapters
 */
export interface RetentionStore {
  readonly capabilities: StoreCapabilities;
  /**
   * Appends events, ignoring any whose id is already stored (re-ingesting is a no-op), and makes
   * each customer with a new event due for evaluation at `now` (creating unknown customers).
   */
  appendEvents(
    events: readonly NormalizedActivityEvent[],
    options: { readonly now: number },
  ): Promise<{ readonly inserted: number; readonly duplicates: number }>;
  /** A customer's events with `seq` greater than `afterSeq`, in `seq` order. */
  readEvents(
    customerId: string,
    options: { readonly afterSeq: number; readonly limit?: number },
  ): Promise<StoredEvent[]>;
  /** A customer's record, or `null` for a customer the store has never seen. */
  getCustomer(customerId: string): Promise<CustomerRecord | null>;
  /**
   * Claims up to `limit` customers whose `wakeAt` is at or before `now` and that no other worker
   * holds (or whose claim has lapsed), earliest `wakeAt` first.
   */
  claimDueCustomers(options: ClaimOptions): Promise<CustomerClaim[]>;
  /** Writes one evaluation atomically; throws a `RetentionError` with code `conflict` on a stale version. */
  commit(input: CommitInput): Promise<CommitResult>;
  /**
   * Claims up to `limit` outbox entries that are pending and available at `now`, or claimed under
   * a lapsed lease, earliest first; each claim increments `attempts`.
   */
  claimActions(options: ClaimOptions): Promise<OutboxEntry[]>;
  /** Marks a claimed action delivered; `false` when `owner` no longer holds it. */
  completeAction(key: string, owner: string, options: { readonly now: number }): Promise<boolean>;
  /**
   * Records a failed delivery: back to `pending` until `retryAt`, or `dead` when `retryAt` is
   * `null`; `false` when `owner` no longer holds it.
   */
  failAction(
    key: string,
    owner: string,
    options: { readonly now: number; readonly error: string; readonly retryAt: number | null },
  ): Promise<boolean>;
  /** Outbox entries, for observability and tests. */
  listActions(filter?: {
    readonly customerId?: string;
    readonly status?: OutboxStatus;
    readonly limit?: number;
  }): Promise<OutboxEntry[]>;
}

/**
 * What a delivery is told besides the action.
 *
 * @category adapters
 */
export interface DeliveryContext {
  /** The action's idempotency key: pass it to providers that deduplicate (most email APIs do). */
  readonly idempotencyKey: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/**
 * Sends one action on its channel. Throwing means failure; throw a
 * `PermanentDeliveryError` for failures that must not be retried (an invalid address).
 *
 * @category adapters
 */
export interface Delivery {
  send(action: PlannedAction, context: DeliveryContext): Promise<void>;
}

/**
 * The source of the current time. Only the engine's default clock reads the system clock.
 *
 * @category adapters
 */
export interface Clock {
  now(): number;
}
