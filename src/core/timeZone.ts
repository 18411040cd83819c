import { tzOffset } from '@date-fns/tz/tzOffset';
import { failInput, type InputLocation } from './errors';
import type { Instant } from './instant';

const validity = new Map<string, boolean>();

/**
 * Tells whether a string names a time zone the runtime knows (an IANA name such as
 * `'Europe/Berlin'`, or `'UTC'`).
 *
 * @param timeZone - The candidate name.
 * @returns `true` when the runtime's `Intl` accepts it.
 *
 * @example
 * isValidTimeZone('America/New_York')
 * //=> true
 *
 * @example
 * isValidTimeZone('Mars/Olympus_Mons')
 * //=> false
 *
 * @category core
 */
export function isValidTimeZone(timeZone: string): boolean {
  let known = validity.get(timeZone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
      known = timeZone.length > 0;
    } catch {
      known = false;
    }
    validity.set(timeZone, known);
  }
  return known;
}

/**
 * Checks a time-zone name and returns it, or throws.
 *
 * @param timeZone - The candidate name; `undefined` means `'UTC'`.
 * @param location - Where the value sits in the caller's input, for the error message.
 * @returns The time-zone name.
 * @throws {RetentionInputError} When the runtime does not know the time zone.
 *
 * @example
 * toTimeZone(undefined)
 * //=> 'UTC'
 *
 * @category core
 */
export function toTimeZone(timeZone: string | undefined, location: InputLocation = {}): string {
  if (timeZone === undefined) return 'UTC';
  if (typeof timeZone === 'string' && isValidTimeZone(timeZone)) return timeZone;
  return failInput(location, {
    code: 'invalid_time_zone',
    path: [],
    expected: "an IANA time zone such as 'Europe/Berlin'",
    received: typeof timeZone,
  });
}

const HOUR = 3_600_000;
const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Etc/Zulu']);

/** Slots of a zone's direct-mapped hour cache: 4,096 hours, about 170 days, 64 KB. */
const SLOTS = 4096;

interface ZoneCache {
  /** Every hour seen (NaN: a transition inside that hour). */
  readonly offsets: Map<number, number>;
  /**
   * A direct-mapped copy in front of the map, by hour modulo {@link SLOTS}: at `2 * slot` the
   * hour held (-1 when empty), at `2 * slot + 1` its offset, so a lookup reads one cache line.
   */
  readonly slots: Float64Array;
}
const zoneCaches = new Map<string, ZoneCache>();

/** How many zones {@link zoneCacheOf} remembers by name. */
const RECENT = 8;
/** The zones looked up last and their caches (`null` for a UTC name), replaced in turn. */
const recentNames: string[] = [];
const recentCaches: (ZoneCache | null)[] = [];
let recentNext = 0;

/**
 * The offset cache of a valid zone, `null` for a name of UTC. The last few zones are found by
 * comparing names, without hashing them into the map: a workload that alternates between a
 * handful of zones (customers in a few regions) does no map lookup.
 */
function zoneCacheOf(timeZone: string): ZoneCache | null {
  for (let i = 0; i < recentNames.length; i++) {
    if (recentNames[i] === timeZone) return recentCaches[i]!;
  }
  let cache: ZoneCache | null = null;
  if (!UTC_NAMES.has(timeZone)) {
    cache = zoneCaches.get(timeZone) ?? null;
    if (cache === null) {
      const slots = new Float64Array(2 * SLOTS);
      for (let k = 0; k < slots.length; k += 2) slots[k] = -1;
      cache = { offsets: new Map(), slots };
      zoneCaches.set(timeZone, cache);
    }
  }
  recentNames[recentNext] = timeZone;
  recentCaches[recentNext] = cache;
  recentNext = (recentNext + 1) % RECENT;
  return cache;
}

function exactOffset(timeZone: string, instant: Instant): number {
  const minutes = tzOffset(timeZone, new Date(instant));
  return Math.round(minutes * 60_000);
}

/**
 * The UTC offset of a time zone at an instant, in milliseconds (positive east of Greenwich:
 * `+3_600_000` for Berlin in winter).
 *
 * Offsets are cached per hour: an hour whose start and end have the same offset is served from
 * the cache; an hour containing a transition is computed exactly for each instant. Transitions
 * are at least hours apart in every IANA zone, so the cache never returns a wrong offset. The
 * hours of the last months of each zone sit in a typed array in front of the cache (64 KB per
 * zone), so a repeated lookup costs two reads of one cache line.
 *
 * @param timeZone - A valid IANA time-zone name (check it first with {@link toTimeZone}).
 * @param instant - Epoch milliseconds.
 * @returns The offset in milliseconds.
 *
 * @example
 * timeZoneOffset('Europe/Berlin', Date.UTC(2026, 6, 1))
 * //=> 7200000
 *
 * @category core
 */
export function timeZoneOffset(timeZone: string, instant: Instant): number {
  const cache = zoneCacheOf(timeZone);
  return cache === null ? 0 : offsetIn(cache, timeZone, instant);
}

/** {@link timeZoneOffset} with the zone's cache found. */
function offsetIn(cache: ZoneCache, timeZone: string, instant: Instant): number {
  const hour = Math.floor(instant / HOUR);
  const at = 2 * (hour & (SLOTS - 1));
  const slots = cache.slots;
  if (slots[at] === hour) return slots[at + 1]!;
  const cached = cache.offsets.get(hour);
  if (cached !== undefined) {
    if (Number.isNaN(cached)) return exactOffset(timeZone, instant);
    slots[at] = hour;
    slots[at + 1] = cached;
    return cached;
  }
  const start = exactOffset(timeZone, hour * HOUR);
  const end = exactOffset(timeZone, hour * HOUR + HOUR - 1);
  if (cache.offsets.size > 200_000) cache.offsets.clear();
  if (start === end) {
    cache.offsets.set(hour, start);
    slots[at] = hour;
    slots[at + 1] = start;
    return start;
  }
  // an hour with a transition is computed for each instant; it never enters the slots
  cache.offsets.set(hour, Number.NaN);
  return exactOffset(timeZone, instant);
}

/**
 * The wall-clock fields of an instant in a time zone.
 *
 * @category core
 */
export interface LocalDateTime {
  /** Full year, e.g. 2026. */
  readonly year: number;
  /** Month, 1-12. */
  readonly month: number;
  /** Day of the month, 1-31. */
  readonly day: number;
  /** Hour, 0-23. */
  readonly hour: number;
  /** Minute, 0-59. */
  readonly minute: number;
  /** Second, 0-59. */
  readonly second: number;
  /** Millisecond, 0-999. */
  readonly millisecond: number;
  /** Day of the week, 0 (Sunday) to 6 (Saturday). */
  readonly weekday: number;
}

/**
 * Reads the wall-clock date and time of an instant in a time zone.
 *
 * @param instant - Epoch milliseconds.
 * @param timeZone - A valid IANA time-zone name.
 * @returns The local fields.
 *
 * @example
 * toLocal(Date.UTC(2026, 0, 1, 23, 30), 'Asia/Tokyo')
 * //=> { year: 2026, month: 1, day: 2, hour: 8, minute: 30, second: 0, millisecond: 0, weekday: 5 }
 *
 * @category core
 */
export function toLocal(instant: Instant, timeZone: string): LocalDateTime {
  const d = new Date(instant + timeZoneOffset(timeZone, instant));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
    weekday: d.getUTCDay(),
  };
}

/**
 * The wall-clock time as milliseconds on a UTC-like axis (the instant shifted by its offset).
 * Arithmetic on this axis is calendar arithmetic; {@link fromWallClock} maps back.
 *
 * @param instant - Epoch milliseconds.
 * @param timeZone - A valid IANA time-zone name.
 * @returns The local wall-clock time expressed as if it were UTC.
 *
 * @example
 * wallClock(Date.UTC(2026, 0, 1, 12), 'Europe/Berlin') === Date.UTC(2026, 0, 1, 13)
 * //=> true
 *
 * @category core
 */
export function wallClock(instant: Instant, timeZone: string): number {
  return instant + timeZoneOffset(timeZone, instant);
}

/**
 * Maps a wall-clock time (as produced by {@link wallClock} or `Date.UTC(...)` of local fields)
 * back to an instant in a time zone.
 *
 * A wall-clock time that occurs twice (when clocks go back) resolves to the earlier instant; one
 * that does not exist (when clocks go forward) resolves to the same distance after the gap, so
 * 02:30 on a spring-forward night in Berlin becomes 03:30. This is the `compatible`
 * disambiguation of Temporal, and it does not depend on the host's time zone.
 *
 * @param wall - Local date and time as milliseconds on the UTC-like axis.
 * @param timeZone - A valid IANA time-zone name.
 * @returns Epoch milliseconds.
 *
 * @example
 * fromWallClock(Date.UTC(2026, 2, 29, 2, 30), 'Europe/Berlin') === Date.UTC(2026, 2, 29, 1, 30)
 * //=> true
 *
 * @category core
 */
export function fromWallClock(wall: number, timeZone: string): Instant {
  const cache = zoneCacheOf(timeZone);
  if (cache === null) return wall;
  const before = offsetIn(cache, timeZone, wall - 86_400_000);
  const after = offsetIn(cache, timeZone, wall + 86_400_000);
  const early = wall - before;
  const earlyValid = offsetIn(cache, timeZone, early) === before;
  if (before === after) {
    if (earlyValid) return early;
  } else {
    const late = wall - after;
    const lateValid = offsetIn(cache, timeZone, late) === after;
    if (earlyValid && lateValid) return Math.min(early, late);
    if (earlyValid) return early;
    if (lateValid) return late;
  }
  // In a gap: keep the offset from before the transition, which lands after the gap.
  return early;
}

/**
 * Builds an instant from local date and time fields in a time zone. Months and days overflow
 * like `Date.UTC` (month 13 is January of the next year).
 *
 * @param fields - Year, month (1-12), day and optionally hour, minute, second, millisecond.
 * @param timeZone - A valid IANA time-zone name.
 * @returns Epoch milliseconds, disambiguated as in {@link fromWallClock}.
 *
 * @example
 * fromLocal({ year: 2026, month: 7, day: 1, hour: 9 }, 'Europe/Berlin') === Date.UTC(2026, 6, 1, 7)
 * //=> true
 *
 * @category core
 */
export function fromLocal(
  fields: {
    readonly year: number;
    readonly month: number;
    readonly day: number;
    readonly hour?: number;
    readonly minute?: number;
    readonly second?: number;
    readonly millisecond?: number;
  },
  timeZone: string,
): Instant {
  const d = new Date(0);
  d.setUTCFullYear(fields.year, fields.month - 1, fields.day);
  d.setUTCHours(fields.hour ?? 0, fields.minute ?? 0, fields.second ?? 0, fields.millisecond ?? 0);
  return fromWallClock(d.getTime(), timeZone);
}
