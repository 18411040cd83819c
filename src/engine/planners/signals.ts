import type { NormalizedActivityEvent } from '../../core/records';
import type { EngineSignal } from '../types';

/** No signals: shared and frozen, for evaluations and planners that add none. Internal. */
export const NO_SIGNALS: readonly EngineSignal[] = Object.freeze([]);

/**
 * Whether events are in time order (as stores return a customer's events, in seq order, almost
 * always are). Internal.
 */
export function inTimeOrder(events: readonly { readonly at: number }[]): boolean {
  for (let i = 1; i < events.length; i++) if (events[i]!.at < events[i - 1]!.at) return false;
  return true;
}

/**
 * A signal of an earlier planner as an event for the planners after it: the signal's type, time
 * and data as the event's type, time and properties. The id is stable for the same evaluation
 * inputs: the signal's `seq` when it carries one (stage changes do), else its index among the
 * evaluation's signals. Internal.
 */
export function signalEvent(
  customerId: string,
  signal: EngineSignal,
  index: number,
): NormalizedActivityEvent {
  const seq = signal.data.seq;
  return {
    id: `signal:${signal.type}:${signal.at}:${typeof seq === 'number' ? seq : index}`,
    customerId,
    type: signal.type,
    at: signal.at,
    properties: signal.data,
  };
}
