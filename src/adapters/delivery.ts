import type { Channel, PlannedAction } from '../core/action';
import { RetentionError } from '../core/errors';
import type { Delivery, DeliveryContext } from './types';

/**
 * Thrown by a {@link Delivery} for a failure that retrying cannot fix (an invalid address, an
 * unsubscribed recipient): the engine dead-letters the action at once.
 *
 * @example
 * const error = new PermanentDeliveryError('the address bounced');
 * [error instanceof RetentionError, error.code]
 * //=> [true, 'delivery_failure']
 *
 * @category adapters
 */
export class PermanentDeliveryError extends RetentionError {
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super('delivery_failure', message, options);
    this.name = 'PermanentDeliveryError';
  }
}

/**
 * One delivery a {@link RecordingDelivery} accepted.
 *
 * @category adapters
 */
export interface RecordedDelivery {
  readonly action: PlannedAction;
  readonly attempt: number;
}

/**
 * A delivery that records what it sends, as a provider that deduplicates by idempotency key
 * would: a second send of the same key is acknowledged but not recorded again.
 *
 * @category adapters
 */
export interface RecordingDelivery extends Delivery {
  /** Every action accepted, once per idempotency key, in order. */
  readonly sent: readonly RecordedDelivery[];
  /** How many sends repeated a key already accepted (deduplicated). */
  readonly duplicates: number;
  /** Accepted actions per channel. */
  countByChannel(): Partial<Record<Channel, number>>;
}

/**
 * Options of {@link createRecordingDelivery}.
 *
 * @category adapters
 */
export interface RecordingDeliveryOptions {
  /**
   * Decides whether a send fails: return an `Error` to throw (a `PermanentDeliveryError` for a
   * permanent failure) or `undefined` to accept. @defaultValue every send succeeds
   */
  readonly fail?: (action: PlannedAction, context: DeliveryContext) => Error | undefined;
}

/**
 * Creates a delivery that records instead of sending: for tests, demos and dry runs.
 *
 * @param options - See {@link RecordingDeliveryOptions}.
 * @returns The recording delivery.
 *
 * @example
 * const delivery = createRecordingDelivery();
 * const action = { key: 'k1', customerId: 'c1', channel: 'email', template: 'welcome', params: {}, priority: 0, dueAt: 0,
 *   source: { module: 'triggers', definitionId: 'welcome', version: 1, occurrence: 'signup' } } as const;
 * await delivery.send(action, { idempotencyKey: 'k1', attempt: 1 });
 * await delivery.send(action, { idempotencyKey: 'k1', attempt: 2 });
 * [delivery.sent.length, delivery.duplicates]
 * //=> [1, 1]
 *
 * @category adapters
 */
export function createRecordingDelivery(options: RecordingDeliveryOptions = {}): RecordingDelivery {
  const sent: RecordedDelivery[] = [];
  const keys = new Set<string>();
  let duplicates = 0;
  return {
    sent,
    get duplicates() {
      return duplicates;
    },
    async send(action, context) {
      const failure = options.fail?.(action, context);
      if (failure !== undefined) throw failure;
      if (keys.has(context.idempotencyKey)) {
        duplicates++;
        return;
      }
      keys.add(context.idempotencyKey);
      sent.push({ action, attempt: context.attempt });
    },
    countByChannel() {
      const counts: Partial<Record<Channel, number>> = {};
      for (const s of sent) counts[s.action.channel] = (counts[s.action.channel] ?? 0) + 1;
      return counts;
    },
  };
}
