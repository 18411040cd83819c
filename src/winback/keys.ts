/**
 * The idempotency keys of win-back actions, computed without allocating per key. Internal.
 *
 * A key is `actionKey(customerId, { module: 'winback', definitionId, occurrence, step })` from
 * core: MurmurHash3 x86-128 of `JSON.stringify(['winback', definitionId, customerId, occurrence,
 * step])`. Planning a million customers computes three million keys, and core's general path
 * checks and encodes a list of parts. This path writes the JSON bytes of the five known parts into
 * one reusable buffer and hashes them with core's `keyOfJsonBytes`; any part that JSON would
 * escape (a quote, a backslash, a control character) or that is not ASCII goes through core's
 * `actionKey`, so the keys are the same in every case (a property test compares them).
 */
import { actionKey } from '../core/action';
import { keyOfJsonBytes } from '../core/hash';

let scratch: Uint8Array | undefined;

/** Writes `"text"` at `n`; returns the end, or -1 when the text needs JSON escaping or is not ASCII. */
function writeString(out: Uint8Array, n: number, text: string): number {
  let i = n;
  out[i++] = 0x22;
  for (let j = 0; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) return -1;
    out[i++] = c;
  }
  out[i++] = 0x22;
  return i;
}

/** The key of one win-back step, equal to core's `actionKey`. @internal */
export function winbackActionKey(
  customerId: string,
  definitionId: string,
  version: number,
  occurrence: string,
  step: string,
): string {
  // two brackets, five quoted parts (ten quotes) and four commas
  const size =
    16 +
    'winback'.length +
    definitionId.length +
    customerId.length +
    occurrence.length +
    step.length;
  if (scratch === undefined || scratch.length < size)
    scratch = new Uint8Array(Math.max(512, size * 2));
  const out = scratch;
  let n = 0;
  out[n++] = 0x5b; // [
  n = writeString(out, n, 'winback');
  out[n++] = 0x2c; // ,
  n = writeString(out, n, definitionId);
  if (n > 0) {
    out[n++] = 0x2c;
    n = writeString(out, n, customerId);
  }
  if (n > 0) {
    out[n++] = 0x2c;
    n = writeString(out, n, occurrence);
  }
  if (n > 0) {
    out[n++] = 0x2c;
    n = writeString(out, n, step);
  }
  if (n < 0)
    return actionKey(customerId, { module: 'winback', definitionId, version, occurrence, step });
  out[n++] = 0x5d; // ]
  return keyOfJsonBytes(out, n);
}
