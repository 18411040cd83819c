import type { StoredEvent } from '../adapters/types';
import type { Attributes } from '../core/records';
import { isValidTimeZone } from '../core/timeZone';
import type { JsonValue } from '../core/validate';
import type { CustomerProfile } from './types';

/**
 * The event type that carries a customer's profile: `properties` may hold `signedUpAt` (epoch
 * ms), `timeZone` (IANA) and `attributes` (merged into the profile's attributes).
 *
 * @example
 * PROFILE_EVENT
 * //=> 'customer_updated'
 *
 * @category engine
 */
export const PROFILE_EVENT = 'customer_updated';

/** @internal */
export function emptyProfile(customerId: string): CustomerProfile {
  return { customerId, signedUpAt: null, timeZone: 'UTC', attributes: {} };
}

const isRecord = (v: JsonValue | undefined): v is { readonly [k: string]: JsonValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Folds profile events into a customer's profile, in the order given: a `signup` event sets the
 * signup time (the first one wins) and merges its other properties into the attributes; a
 * `customer_updated` event sets `signedUpAt` and `timeZone` when valid and merges `attributes`.
 * Anything malformed is ignored, so a bad event cannot stop a customer's evaluation.
 *
 * @param profile - The profile so far.
 * @param events - New events, in time order.
 * @returns The new profile (the input is not changed), or the input itself when no event changes it.
 *
 * @example
 * foldProfile(
 *   { customerId: 'c1', signedUpAt: null, timeZone: 'UTC', attributes: {} },
 *   [{ id: 'e1', customerId: 'c1', type: 'customer_updated', at: 5, seq: 1, properties: { timeZone: 'Europe/Berlin', attributes: { plan: 'team' } } }],
 * )
 * //=> { customerId: 'c1', signedUpAt: null, timeZone: 'Europe/Berlin', attributes: { plan: 'team' } }
 *
 * @category engine
 */
export function foldProfile(
  profile: CustomerProfile,
  events: readonly StoredEvent[],
): CustomerProfile {
  let { signedUpAt, timeZone } = profile;
  let attributes: Attributes = profile.attributes;
  for (const e of events) {
    if (e.type === 'signup') {
      signedUpAt ??= e.at;
      const { timeZone: tz, ...rest } = e.properties;
      if (typeof tz === 'string' && isValidTimeZone(tz)) timeZone = tz;
      attributes = { ...attributes, ...rest };
    } else if (e.type === PROFILE_EVENT) {
      const p = e.properties;
      if (typeof p.signedUpAt === 'number' && Number.isSafeInteger(p.signedUpAt))
        signedUpAt = p.signedUpAt;
      if (typeof p.timeZone === 'string' && isValidTimeZone(p.timeZone)) timeZone = p.timeZone;
      if (isRecord(p.attributes)) attributes = { ...attributes, ...p.attributes };
    }
  }
  // unchanged: the same object, which a store can keep without copying it again
  if (
    signedUpAt === profile.signedUpAt &&
    timeZone === profile.timeZone &&
    attributes === profile.attributes
  )
    return profile;
  return { customerId: profile.customerId, signedUpAt, timeZone, attributes };
}
