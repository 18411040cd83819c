import { describeType, failInput, type InputLocation } from './errors';
import type { Instant } from './instant';
import { fromWallClock, timeZoneOffset, toTimeZone } from './timeZone';

/**
 * The unit suffixes of a fixed duration string: milliseconds, seconds, minutes, hours, days
 * (24 hours) and weeks (7 x 24 hours).
 *
 * @category core
 */
export type FixedDurationUnit = 'ms' | 's' | 'm' | 'h' | 'd' | 'w';

/**
 * A fixed-length duration: milliseconds as a number, or a string such as `'90m'`, `'3h'`,
 * `'7d'`, `'2w'` or `'1h30m'`. A fixed day is exactly 24 hours, whatever the clocks do.
 *
 * @category core
 */
export type FixedDurationInput = number | `${number}${FixedDurationUnit}` | (string & {});

/**
 * A calendar duration, counted on the wall clock of a time zone: `{ months: 1 }` from 31 January
 * is the last day of February, and `{ days: 1 }` across a daylight-saving change keeps the local
 * time of day (23 or 25 hours). Hours, minutes and seconds are elapsed time, as in date-fns' `add`.
 * Every field is a non-negative integer.
 *
 * @category core
 */
export interface CalendarDuration {
  readonly years?: number;
  readonly months?: number;
  readonly weeks?: number;
  readonly days?: number;
  readonly hours?: number;
  readonly minutes?: number;
  readonly seconds?: number;
}

/**
 * A duration as callers may pass it: fixed ({@link FixedDurationInput}) or calendar
 * ({@link CalendarDuration}).
 *
 * @category core
 */
export type DurationInput = FixedDurationInput | CalendarDuration;

/**
 * A parsed duration: `{ kind: 'fixed', ms }` or `{ kind: 'calendar', ... }` with every field
 * present.
 *
 * @category core
 */
export type Duration =
  | { readonly kind: 'fixed'; readonly ms: number }
  | {
      readonly kind: 'calendar';
      readonly years: number;
      readonly months: number;
      readonly weeks: number;
      readonly days: number;
      readonly hours: number;
      readonly minutes: number;
      readonly seconds: number;
    };

const UNIT_MS: Record<FixedDurationUnit, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;
const CALENDAR_KEYS = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'] as const;
const MAX_DURATION_MS = 8.64e15;

const EXPECTED_DURATION =
  "milliseconds, a string like '90m', '3h', '7d', '2w' or '1h30m', or { months, days, ... }";

/** The last text {@link parseFixedString} read, and what it gave: planners get the same horizon on every call. */
let lastText: string | undefined;
let lastMs: number | null = null;

function parseFixedString(text: string): number | null {
  if (text === lastText) return lastMs;
  lastMs = parseFixedParts(text);
  lastText = text;
  return lastMs;
}

function parseFixedParts(text: string): number | null {
  const trimmed = text.replace(/\s+/g, '');
  if (trimmed === '') return null;
  let total = 0;
  PART_RE.lastIndex = 0;
  let consumed = 0;
  while (consumed < trimmed.length) {
    PART_RE.lastIndex = consumed;
    const m = PART_RE.exec(trimmed);
    if (m === null) return null;
    total += Number(m[1]) * UNIT_MS[m[2] as FixedDurationUnit];
    consumed = PART_RE.lastIndex;
  }
  return Math.round(total);
}

/**
 * Parses a duration. Numbers are milliseconds; strings are one or more `<number><unit>` parts
 * (`'1h30m'`, `'1.5h'`); objects are calendar durations.
 *
 * @param input - The duration to parse.
 * @param location - Where the value sits in the caller's input, for the error message.
 * @returns The parsed {@link Duration}.
 * @throws {RetentionInputError} When the input is negative, not finite, has an unknown unit,
 * or is an object with unknown keys or non-integer fields.
 *
 * @example
 * parseDuration('1h30m')
 * //=> { kind: 'fixed', ms: 5400000 }
 *
 * @example
 * parseDuration({ months: 1 })
 * //=> { kind: 'calendar', years: 0, months: 1, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 }
 *
 * @category core
 */
export function parseDuration(input: DurationInput, location: InputLocation = {}): Duration {
  if (typeof input === 'number') {
    if (Number.isFinite(input) && input >= 0 && input <= MAX_DURATION_MS) {
      return { kind: 'fixed', ms: Math.round(input) };
    }
  } else if (typeof input === 'string') {
    const ms = parseFixedString(input);
    if (ms !== null && ms <= MAX_DURATION_MS) return { kind: 'fixed', ms };
  } else if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    const record = input as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!(CALENDAR_KEYS as readonly string[]).includes(key)) {
        return failInput(location, {
          code: 'unknown_key',
          path: [key],
          expected: CALENDAR_KEYS.join(', '),
        });
      }
      const v = record[key];
      if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= 0)) {
        return failInput(location, {
          code: 'invalid_duration',
          path: [key],
          expected: 'a non-negative integer',
          received: describeType(v),
        });
      }
    }
    return {
      kind: 'calendar',
      years: input.years ?? 0,
      months: input.months ?? 0,
      weeks: input.weeks ?? 0,
      days: input.days ?? 0,
      hours: input.hours ?? 0,
      minutes: input.minutes ?? 0,
      seconds: input.seconds ?? 0,
    };
  }
  return failInput(location, {
    code: 'invalid_duration',
    path: [],
    expected: EXPECTED_DURATION,
    received: describeType(input),
  });
}

/**
 * Tells whether a value is a valid {@link DurationInput}, without throwing.
 *
 * @param value - Anything.
 * @returns `true` when {@link parseDuration} would accept it.
 *
 * @example
 * isDurationInput('3h')
 * //=> true
 *
 * @example
 * isDurationInput('3 fortnights')
 * //=> false
 *
 * @category core
 */
export function isDurationInput(value: unknown): value is DurationInput {
  try {
    parseDuration(value as DurationInput);
    return true;
  } catch {
    return false;
  }
}

/**
 * The length of a fixed duration in milliseconds.
 *
 * @param input - A fixed duration (a number or a string such as `'7d'`).
 * @param location - Where the value sits in the caller's input, for the error message.
 * @returns Milliseconds.
 * @throws {RetentionInputError} When the input is not a valid fixed duration (calendar durations
 * have no fixed length: use {@link addDuration}).
 *
 * @example
 * durationToMs('2w')
 * //=> 1209600000
 *
 * @category core
 */
export function durationToMs(input: FixedDurationInput, location: InputLocation = {}): number {
  const parsed = parseDuration(input, location);
  if (parsed.kind === 'fixed') return parsed.ms;
  return failInput(location, {
    code: 'invalid_duration',
    path: [],
    expected: 'a fixed duration',
    received: 'calendar duration',
  });
}

/**
 * Options of {@link addDuration} and {@link subtractDuration}.
 *
 * @category core
 */
export interface DurationArithmeticOptions {
  /**
   * IANA time zone whose wall clock calendar durations are counted on.
   * @defaultValue `'UTC'`
   */
  readonly timeZone?: string;
}

function addMonthsWall(wall: number, months: number): number {
  if (months === 0) return wall;
  const d = new Date(wall);
  const day = d.getUTCDate();
  const target = new Date(wall);
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.getTime();
}

/**
 * Adds `sign * duration` to an instant in a valid time zone, without validation.
 *
 * @internal
 */
export function shiftByDuration(
  instant: Instant,
  duration: Duration,
  sign: 1 | -1,
  timeZone: string,
): Instant {
  if (duration.kind === 'fixed') return instant + sign * duration.ms;
  const { years, months, weeks, days, hours, minutes, seconds } = duration;
  let result = instant;
  const calendarMonths = years * 12 + months;
  const calendarDays = weeks * 7 + days;
  if (calendarMonths !== 0 || calendarDays !== 0) {
    // The whole date step on the wall clock, then one resolution to an instant, as Temporal's
    // ZonedDateTime.add does.
    const wall = result + timeZoneOffset(timeZone, result);
    const moved = addMonthsWall(wall, sign * calendarMonths) + sign * calendarDays * 86_400_000;
    result = fromWallClock(moved, timeZone);
  }
  return result + sign * ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

/**
 * Adds a duration to an instant. Fixed durations add exact milliseconds. Calendar durations move
 * the wall clock of `timeZone` (years and months first, clamping to the end of a shorter month,
 * then weeks and days), resolve that wall-clock time to an instant, then add hours, minutes and
 * seconds as elapsed time: the semantics of Temporal's `ZonedDateTime.prototype.add`.
 *
 * A wall-clock time that a daylight-saving change repeats resolves to the earlier instant, and
 * one it skips moves forward by the length of the gap (Temporal's `compatible` disambiguation).
 * Whenever no wall-clock time on the way is skipped or repeated, the result equals date-fns'
 * `add` on a `TZDate`. Where one is, `TZDate` picks by the sign of the zone's offset and the host's
 * own time zone (and date-fns resolves after the month step as well as after the day step), so
 * the library follows Temporal there, giving the same answer on every server.
 *
 * @param instant - Epoch milliseconds.
 * @param duration - The duration to add.
 * @param options - See {@link DurationArithmeticOptions}.
 * @returns Epoch milliseconds.
 * @throws {RetentionInputError} When the duration or the time zone is invalid.
 *
 * @example
 * // One calendar day across the spring-forward night in Berlin is 23 hours:
 * addDuration(Date.UTC(2026, 2, 28, 8), { days: 1 }, { timeZone: 'Europe/Berlin' }) - Date.UTC(2026, 2, 28, 8)
 * //=> 82800000
 *
 * @example
 * addDuration(Date.UTC(2026, 0, 31), { months: 1 }) === Date.UTC(2026, 1, 28)
 * //=> true
 *
 * @category core
 */
export function addDuration(
  instant: Instant,
  duration: DurationInput | Duration,
  options: DurationArithmeticOptions = {},
): Instant {
  return shiftWithOptions('addDuration', instant, duration, options, 1);
}

/**
 * Subtracts a duration from an instant: the mirror of {@link addDuration}.
 *
 * @param instant - Epoch milliseconds.
 * @param duration - The duration to subtract.
 * @param options - See {@link DurationArithmeticOptions}.
 * @returns Epoch milliseconds.
 * @throws {RetentionInputError} When the duration or the time zone is invalid.
 *
 * @example
 * subtractDuration(Date.UTC(2026, 2, 31), { months: 1 }) === Date.UTC(2026, 1, 28)
 * //=> true
 *
 * @category core
 */
export function subtractDuration(
  instant: Instant,
  duration: DurationInput | Duration,
  options: DurationArithmeticOptions = {},
): Instant {
  return shiftWithOptions('subtractDuration', instant, duration, options, -1);
}

/** Parses the arguments of addDuration / subtractDuration and shifts. */
function shiftWithOptions(
  fn: string,
  instant: Instant,
  duration: DurationInput | Duration,
  options: DurationArithmeticOptions,
  sign: 1 | -1,
): Instant {
  const parsed = isParsedDuration(duration)
    ? duration
    : parseDuration(duration, { fn, root: 'duration' });
  const timeZone = toTimeZone(options.timeZone, { fn, path: ['timeZone'], root: 'options' });
  return shiftByDuration(instant, parsed, sign, timeZone);
}

function isParsedDuration(value: unknown): value is Duration {
  return (
    typeof value === 'object' &&
    value !== null &&
    'kind' in value &&
    ((value as Duration).kind === 'fixed' || (value as Duration).kind === 'calendar')
  );
}

/**
 * Formats a fixed number of milliseconds compactly, largest units first (`'1d 2h 5m'`).
 *
 * @param ms - Milliseconds (non-negative).
 * @returns A short human-readable string; `'0ms'` for zero.
 *
 * @example
 * formatDuration(93_900_000)
 * //=> '1d 2h 5m'
 *
 * @category core
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest}ms`);
  return sign + parts.join(' ');
}
