/**
 * The idempotency keys of win-back actions. Internal.
 *
 * A key is `actionKey(customerId, { module: 'winback', definitionId, occurrence, step })` from
 * core: MurmurHash3 x86-128 of `JSON.stringify(['winback', definitionId, customerId, occurrence,
 * step])`. Core's `idempotencyKey` writes those parts' JSON bytes into a reused buffer and builds
 * the key without per-key arrays, so this calls it with the parts directly, without the `source`
 * object `actionKey` reads them from.
 */
import { idempotencyKey } from '../core/hash';

/** The key of one win-back step, equal to core's `actionKey`. @internal */
export function winbackActionKey(
  customerId: string,
  definitionId: string,
  occurrence: string,
  step: string,
): string {
  return idempotencyKey(['winback', definitionId, customerId, occurrence, step]);
}
