import type { NormalizedActivityEvent } from '../core/records';
import type { StageChange } from './transition';

/**
 * Turns a stage change into the activity event triggers react to: type `stage_entered`, with the
 * stage entered in `properties.stage`. The shape:
 *
 * ```
 * { id: '<machine>:<customerId>:<seq>', customerId, type: 'stage_entered', at,
 *   properties: { stage, from, machine, version, seq, resumed, cause } }
 * ```
 *
 * `from` is `null` for the initial stage and `cause` is the cause's kind (`start`, `event`,
 * `time` or `guard`). The id is the same for the same change, so re-ingesting it is a no-op.
 *
 * @param change - A change from {@link transition} or {@link startStageMachine}.
 * @param customerId - The customer whose state changed.
 * @returns The activity event.
 *
 * @example
 * const { emitted } = startStageMachine(onboardingMachine(), { signedUpAt: '2026-03-01T00:00:00Z' });
 * const event = stageEnteredEvent(emitted[0]!, 'cus_42');
 * [event.id, event.type, event.properties.stage, event.properties.from]
 * //=> ['onboarding:cus_42:1', 'stage_entered', 'orientation', null]
 *
 * @category lifecycle
 */
export function stageEnteredEvent(
  change: StageChange,
  customerId: string,
): NormalizedActivityEvent {
  return {
    id: `${change.machine}:${customerId}:${change.seq}`,
    customerId,
    type: 'stage_entered',
    at: change.at,
    properties: {
      stage: change.to,
      from: change.from,
      machine: change.machine,
      version: change.version,
      seq: change.seq,
      resumed: change.resumed,
      cause: change.cause.kind,
    },
  };
}
