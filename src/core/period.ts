import { civilFromDays, daysFromCivil } from './calendar';
import { describeType, failInput, type InputLocation } from './errors';
import { type Instant, type InstantInput, toInstant } from './instant';
import { fromWallClock, timeZoneOffset, toTimeZone } from './timeZone';

/**
 * A half-open span of time `[from, to)`: it contains `from` and every instant before `to`.
 *
 * @category core
 */
export interface Period {
  /** First instant inside the period (epoch milliseconds). */
  readonly from: Instant;
  /** First instant after the period (epoch milliseconds). */
  readonly to: Instant;
}

/**
 * A period as callers may pass it, with any {@link InstantInput} at either end.
 *
 * @category core
 */
export interface PeriodInput {
  /** First instant inside the period. */
  readonly from: InstantInput;
  /** First instant after the period. */
  readonly to: InstantInput;
}

/**
 * Calendar buckets that a period series, a cohort table or a funnel window is cut into.
 *
 * @category core
 */
export type Granularity = 'day' | 'week' | 'month' | 'quarter' | 'year';

const GRANULARITIES: readonly Granularity[] = ['day', 'week', 'month', 'quarter', 'year'];

/**
 * Validates a period: both ends must be instants and `from` must be before `to`.
 *
 * @param input - The period.
 * @param location - Where the value sits in the caller's input, for the error message.
 * @returns The period in epoch milliseconds.
 * @throws {RetentionInputError} When an end is not an instant, or `to` is not after `from`.
 *
 * @example
 * toPeriod({ from: '2026-01-01', to: '2026-02-01' })
 * //=> { from: 1767225600000, to: 1769904000000 }
 *
 * @category core
 */
export function toPeriod(input: PeriodInput, location: InputLocation = {}): Period {
  if (typeof input !== 'object' || input === null) {
    return failInput(location, {
      code: 'invalid_period',
      path: [],
      expected: '{ from, to }',
      received: describeType(input),
    });
  }
  const path = location.path ?? [];
  const from = toInstant(input.from, { ...location, path: [...path, 'from'] });
  const to = toInstant(input.to, { ...location, path: [...path, 'to'] });
  if (!(to > from)) {
    return failInput(location, {
      code: 'invalid_period',
      path: ['to'],
      detail: 'the end must be after the start',
    });
  }
  return { from, to };
}

/**
 * Tells whether an instant lies inside a half-open period.
 *
 * @param period - The period.
 * @param instant - Epoch milliseconds.
 * @returns `from <= instant < to`.
 *
 * @example
 * inPeriod({ from: 0, to: 10 }, 10)
 * //=> false
 *
 * @category core
 */
export function inPeriod(period: Period, instant: Instant): boolean {
  return instant >= period.from && instant < period.to;
}

/**
 * Options for calendar bucketing.
 *
 * @category core
 */
export interface CalendarOptions {
  /** IANA time zone whose calendar defines the buckets. @defaultValue `'UTC'` */
  readonly timeZone?: string;
  /** First day of the week, 0 (Sunday) to 6 (Saturday). @defaultValue `1` (Monday, as ISO 8601) */
  readonly weekStartsOn?: 0 | 1 | 2 | 3 | 4 | 5 | 6;
}

/**
 * A function that maps an instant to the integer key of its calendar bucket. Consecutive buckets
 * have consecutive keys, so `key(b) - key(a)` counts the buckets between two instants.
 *
 * @category core
 */
export type PeriodKeyFn = (instant: Instant) => number;

/**
 * Builds a fast function that maps instants to calendar-bucket keys in a time zone: days since
 * 1970-01-01, weeks since the first week start before it, months since January 1970, quarters or
 * years. Use it to group millions of events without allocating dates.
 *
 * @param granularity - The bucket size.
 * @param options - See {@link CalendarOptions}.
 * @returns The key function.
 * @throws {RetentionInputError} When the granularity or the time zone is invalid.
 *
 * @example
 * const monthKey = periodKeyFn('month', { timeZone: 'Asia/Tokyo' });
 * monthKey(Date.UTC(2026, 0, 31, 20)) - monthKey(Date.UTC(2026, 0, 1))
 * //=> 1 (20:00 UTC on 31 January is already February in Tokyo)
 *
 * @category core
 */
export function periodKeyFn(granularity: Granularity, options: CalendarOptions = {}): PeriodKeyFn {
  const timeZone = toTimeZone(options.timeZone, {
    fn: 'periodKeyFn',
    path: ['timeZone'],
    root: 'options',
  });
  const weekStartsOn = options.weekStartsOn ?? 1;
  checkGranularity(granularity, 'periodKeyFn');
  checkWeekStart(weekStartsOn, 'periodKeyFn');
  const dayKey = (instant: Instant): number =>
    Math.floor((instant + timeZoneOffset(timeZone, instant)) / 86_400_000);
  switch (granularity) {
    case 'day':
      return dayKey;
    case 'week': {
      // 1970-01-01 was a Thursday (weekday 4).
      const shift = (4 - weekStartsOn + 7) % 7;
      return (instant) => Math.floor((dayKey(instant) + shift) / 7);
    }
    case 'month':
      return (instant) => {
        const c = civilFromDays(dayKey(instant));
        return (c.year - 1970) * 12 + c.month - 1;
      };
    case 'quarter':
      return (instant) => {
        const c = civilFromDays(dayKey(instant));
        return (c.year - 1970) * 4 + Math.floor((c.month - 1) / 3);
      };
    case 'year':
      return (instant) => civilFromDays(dayKey(instant)).year - 1970;
  }
}

function checkGranularity(granularity: Granularity, fn: string): void {
  if (!GRANULARITIES.includes(granularity)) {
    failInput(
      { fn, path: ['granularity'], root: 'options' },
      {
        code: 'invalid_enum',
        path: [],
        expected: GRANULARITIES.join(', '),
        received: describeType(granularity),
      },
    );
  }
}

function checkWeekStart(weekStartsOn: number, fn: string): void {
  if (!(Number.isInteger(weekStartsOn) && weekStartsOn >= 0 && weekStartsOn <= 6)) {
    failInput(
      { fn, path: ['weekStartsOn'], root: 'options' },
      { code: 'out_of_range', path: [], expected: 'an integer 0-6' },
    );
  }
}

function keyStartWall(key: number, granularity: Granularity, weekStartsOn: number): number {
  switch (granularity) {
    case 'day':
      return key * 86_400_000;
    case 'week': {
      const shift = (4 - weekStartsOn + 7) % 7;
      return (key * 7 - shift) * 86_400_000;
    }
    case 'month': {
      const year = 1970 + Math.floor(key / 12);
      const month = key - (year - 1970) * 12 + 1;
      return daysFromCivil(year, month, 1) * 86_400_000;
    }
    case 'quarter': {
      const year = 1970 + Math.floor(key / 4);
      const month = (key - (year - 1970) * 4) * 3 + 1;
      return daysFromCivil(year, month, 1) * 86_400_000;
    }
    case 'year':
      return daysFromCivil(1970 + key, 1, 1) * 86_400_000;
  }
}

/**
 * One bucket of a period series.
 *
 * @category core
 */
export interface PeriodBucket extends Period {
  /** The bucket's key, as {@link periodKeyFn} computes it. */
  readonly key: number;
  /** Position in the series, from 0. */
  readonly index: number;
  /** A label: `'2026-03-01'` for days and weeks (the first day), `'2026-03'`, `'2026-Q1'`, `'2026'`. */
  readonly label: string;
}

function labelOf(key: number, granularity: Granularity, weekStartsOn: number): string {
  const c = civilFromDays(Math.floor(keyStartWall(key, granularity, weekStartsOn) / 86_400_000));
  const yyyy = String(c.year).padStart(4, '0');
  const mm = String(c.month).padStart(2, '0');
  const dd = String(c.day).padStart(2, '0');
  switch (granularity) {
    case 'day':
    case 'week':
      return `${yyyy}-${mm}-${dd}`;
    case 'month':
      return `${yyyy}-${mm}`;
    case 'quarter':
      return `${yyyy}-Q${Math.floor((c.month - 1) / 3) + 1}`;
    case 'year':
      return yyyy;
  }
}

/**
 * The instant a bucket with a given key starts, in a time zone.
 *
 * @param key - A key from {@link periodKeyFn}.
 * @param granularity - The bucket size.
 * @param options - See {@link CalendarOptions}.
 * @returns Epoch milliseconds of the bucket's first instant (local midnight, or the first instant
 * after it when midnight falls in a daylight-saving gap).
 *
 * @example
 * periodKeyStart(periodKeyFn('month')(Date.UTC(2026, 4, 17)), 'month') === Date.UTC(2026, 4, 1)
 * //=> true
 *
 * @category core
 */
export function periodKeyStart(
  key: number,
  granularity: Granularity,
  options: CalendarOptions = {},
): Instant {
  const timeZone = toTimeZone(options.timeZone, {
    fn: 'periodKeyStart',
    path: ['timeZone'],
    root: 'options',
  });
  return fromWallClock(keyStartWall(key, granularity, options.weekStartsOn ?? 1), timeZone);
}

/**
 * The start of the calendar bucket containing an instant (start of its day, week, month, quarter
 * or year in a time zone).
 *
 * @param instant - The instant.
 * @param granularity - The bucket size.
 * @param options - See {@link CalendarOptions}.
 * @returns Epoch milliseconds.
 * @throws {RetentionInputError} When the instant, granularity or time zone is invalid.
 *
 * @example
 * startOfPeriod('2026-05-17T15:00:00Z', 'week') === Date.UTC(2026, 4, 11)
 * //=> true (Monday 11 May 2026)
 *
 * @category core
 */
export function startOfPeriod(
  instant: InstantInput,
  granularity: Granularity,
  options: CalendarOptions = {},
): Instant {
  const ms = toInstant(instant, { fn: 'startOfPeriod', root: 'instant' });
  return periodKeyStart(periodKeyFn(granularity, options)(ms), granularity, options);
}

/**
 * Options of {@link periodSeries}.
 *
 * @category core
 */
export interface PeriodSeriesOptions extends CalendarOptions {
  /** Largest number of buckets allowed, a guard against a typo spanning centuries. @defaultValue `100_000` */
  readonly maxBuckets?: number;
}

/**
 * Cuts a span of time into calendar buckets in a time zone. The first bucket is the one that
 * contains `from` (so it may start before it); the last is the one that contains the instant just
 * before `to`. Buckets are half-open and adjacent; around daylight-saving changes a day bucket is
 * 23 or 25 hours long.
 *
 * @param period - The span to cover.
 * @param granularity - The bucket size.
 * @param options - See {@link PeriodSeriesOptions}.
 * @returns The buckets in time order.
 * @throws {RetentionInputError} When the period is invalid, or the series would exceed `maxBuckets`.
 *
 * @example
 * periodSeries({ from: '2026-01-15', to: '2026-03-01' }, 'month').map((b) => b.label)
 * //=> ['2026-01', '2026-02']
 *
 * @category core
 */
export function periodSeries(
  period: PeriodInput,
  granularity: Granularity,
  options: PeriodSeriesOptions = {},
): PeriodBucket[] {
  const fn = 'periodSeries';
  const { from, to } = toPeriod(period, { fn, root: 'period' });
  const keyOf = periodKeyFn(granularity, options);
  const timeZone = toTimeZone(options.timeZone, { fn, path: ['timeZone'], root: 'options' });
  const weekStartsOn = options.weekStartsOn ?? 1;
  const first = keyOf(from);
  const last = keyOf(to - 1);
  const maxBuckets = options.maxBuckets ?? 100_000;
  if (last - first + 1 > maxBuckets) {
    return failInput(
      { fn, root: 'period' },
      { code: 'too_big', path: [], detail: `more than ${maxBuckets} ${granularity} buckets` },
    );
  }
  const buckets: PeriodBucket[] = [];
  let start = fromWallClock(keyStartWall(first, granularity, weekStartsOn), timeZone);
  for (let key = first; key <= last; key++) {
    const end = fromWallClock(keyStartWall(key + 1, granularity, weekStartsOn), timeZone);
    buckets.push({
      from: start,
      to: end,
      key,
      index: key - first,
      label: labelOf(key, granularity, weekStartsOn),
    });
    start = end;
  }
  return buckets;
}
