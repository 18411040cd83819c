import type { NormalizedActivityEvent } from '../../core/records';
import type { EngineSignal } from '../types';

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
