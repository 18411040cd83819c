import { daysFromCivil, daysInMonth } from './calendar';
import { describeType, failInput, type InputLocation } from './errors';

/**
 * An instant as callers may pass it: a `Date`, integer epoch milliseconds, or an ISO-8601 string
 * with a UTC offset (`'2026-03-01T09:30:00Z'`, `'2026-03-01T12:30:00+03:00'`) or a plain date
 * (`'2026-03-01'`, read as midnight UTC).
 *
 * @category core
 */
export type InstantInput = Date | number | string;

/**
 * An instant inside the library: integer milliseconds since 1970-01-01T00:00:00Z.
 *
 * @category core
 */
export type Instant = number;

/** The range of a JavaScript `Date`: ±100,000,000 days around the epoch. */
const MAX_MS = 8.64e15;

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:(Z|z)|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

const EXPECTED = 'Date, integer epoch milliseconds or ISO-8601 string with a UTC offset';

/**
 * Parses an ISO-8601 string strictly. Returns the instant, `'no-offset'` for a date-time without a
 * UTC offset, or `null` when the string is not a valid ISO-8601 date or date-time.
 */
function parseIso(text: string): number | 'no-offset' | null {
  const m = ISO_RE.exec(text);
  if (m === null) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const days = daysFromCivil(year, month, day);
  if (m[4] === undefined) return days * 86_400_000;
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (hour > 23 || minute > 59 || second > 59) return null;
  const fraction = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000 + 1e-9);
  let offsetMinutes: number;
  if (m[8] !== undefined) offsetMinutes = 0;
  else if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = m[11] === undefined ? 0 : Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  } else return 'no-offset';
  return days * 86_400_000 + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + fraction;
}

/**
 * Converts an {@link InstantInput} to epoch milliseconds, rejecting anything that is not clearly
 * an instant: an invalid `Date`, `NaN`, a fractional or out-of-range number, a string that is not
 * ISO-8601, or an ISO-8601 date-time without a UTC offset (ambiguous: whose local time?).
 *
 * @param value - The instant to convert.
 * @param location - Where the value sits in the caller's input, for the error message.
 * @returns Epoch milliseconds.
 * @throws {RetentionInputError} When `value` is not a valid instant; the error names the function,
 * the path and the index of the record, never the value.
 *
 * @example
 * toInstant('2026-03-01T12:30:00+03:00')
 * //=> 1772357400000
 *
 * @example
 * toInstant('2026-03-01T12:30:00', { fn: 'churnRate', path: [4, 'end'], root: 'lifetimes' })
 * //=> throws 'churnRate: lifetimes[4].end is an ISO-8601 date-time without a UTC offset (...)'
 *
 * @category core
 */
export function toInstant(value: InstantInput, location: InputLocation = {}): Instant {
  if (typeof value === 'number') {
    if (isEpochMs(value)) return value;
  } else if (typeof value === 'string') {
    const parsed = parseIso(value);
    if (typeof parsed === 'number' && parsed >= -MAX_MS && parsed <= MAX_MS) return parsed;
    if (parsed === 'no-offset') {
      return failInput(location, {
        code: 'missing_offset',
        path: [],
        expected: 'a trailing Z or ±hh:mm',
        received: 'string',
      });
    }
  } else if (value instanceof Date) {
    const ms = value.getTime();
    if (!Number.isNaN(ms)) return ms;
  }
  return failInput(location, {
    code: 'invalid_instant',
    path: [],
    expected: EXPECTED,
    received: describeType(value),
  });
}

/**
 * Like {@link toInstant}, but returns `undefined` for `undefined` (an optional field left out).
 *
 * @param value - The instant to convert, or `undefined`.
 * @param location - Where the value sits in the caller's input, for the error message.
 * @returns Epoch milliseconds, or `undefined`.
 * @throws {RetentionInputError} When `value` is present but not a valid instant.
 *
 * @example
 * toOptionalInstant(undefined)
 * //=> undefined
 *
 * @category core
 */
export function toOptionalInstant(
  value: InstantInput | undefined,
  location: InputLocation = {},
): Instant | undefined {
  return value === undefined ? undefined : toInstant(value, location);
}

/**
 * Whether a value is epoch milliseconds that {@link toInstant} returns unchanged: an integer
 * within ±8.64e15. The hot paths of the planners test this before building an error location.
 * @internal
 */
export function isEpochMs(value: unknown): value is Instant {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= MAX_MS;
}

/**
 * Tells whether a value is a valid {@link InstantInput}, without throwing.
 *
 * @param value - Anything.
 * @returns `true` when {@link toInstant} would accept it.
 *
 * @example
 * isInstantInput('2026-03-01')
 * //=> true
 *
 * @example
 * isInstantInput('next tuesday')
 * //=> false
 *
 * @category core
 */
export function isInstantInput(value: unknown): value is InstantInput {
  if (typeof value === 'number') return isEpochMs(value);
  if (typeof value === 'string') {
    const parsed = parseIso(value);
    return typeof parsed === 'number' && Math.abs(parsed) <= MAX_MS;
  }
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/**
 * Formats an instant as an ISO-8601 string in UTC (`2026-03-01T09:30:00.000Z`).
 *
 * @param instant - The instant.
 * @returns The ISO-8601 string.
 * @throws {RetentionInputError} When `instant` is not a valid instant.
 *
 * @example
 * formatInstant(1772357400000)
 * //=> '2026-03-01T09:30:00.000Z'
 *
 * @category core
 */
export function formatInstant(instant: InstantInput): string {
  return new Date(toInstant(instant, { fn: 'formatInstant' })).toISOString();
}
