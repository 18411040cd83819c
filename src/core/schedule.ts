import { describeType, failInput, type InputLocation } from './errors';
import type { Instant } from './instant';
import { fromLocal, fromWallClock, timeZoneOffset, toLocal } from './timeZone';

const DAY = 86_400_000;
const MINUTE = 60_000;

/** The weekday (0 is Sunday) of a day number counted from 1970-01-01, a Thursday. */
const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7;

/**
 * A day of the week: 0 is Sunday, 6 is Saturday (as `Date.prototype.getDay`).
 *
 * @category core
 */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/**
 * A local time of day, `'HH:mm'` on a 24-hour clock (`'09:00'`, `'18:30'`).
 *
 * @category core
 */
export type TimeOfDay = string;

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Parses a local time of day.
 *
 * @param text - `'HH:mm'`, from `'00:00'` to `'23:59'`.
 * @param location - Where the value sits in the caller's input, for the error message.
 * @returns Minutes after midnight.
 * @throws {RetentionInputError} When the text is not a valid `'HH:mm'`.
 *
 * @example
 * parseTimeOfDay('09:30')
 * //=> 570
 *
 * @category core
 */
export function parseTimeOfDay(text: TimeOfDay, location: InputLocation = {}): number {
  const m = typeof text === 'string' ? TIME_RE.exec(text) : null;
  if (m === null) {
    return failInput(location, {
      code: 'invalid_value',
      path: [],
      expected: "a time of day 'HH:mm' from '00:00' to '23:59'",
      received: describeType(text),
    });
  }
  return Number(m[1]) * 60 + Number(m[2]);
}

function localDayStart(
  year: number,
  month: number,
  day: number,
  minutes: number,
  timeZone: string,
): Instant {
  return fromLocal(
    { year, month, day, hour: Math.floor(minutes / 60), minute: minutes % 60 },
    timeZone,
  );
}

/**
 * The first instant at or after `instant` whose local time in `timeZone` is `time`: later the
 * same local day if that time has not passed, otherwise the next day. On a daylight-saving night
 * when the time does not exist, it is the instant just after the gap (02:30 becomes 03:30).
 *
 * @param instant - Epoch milliseconds.
 * @param time - The local time of day, `'HH:mm'`.
 * @param timeZone - A valid IANA time-zone name.
 * @returns Epoch milliseconds.
 * @throws {RetentionInputError} When `time` is malformed.
 *
 * @example
 * nextLocalTime(Date.UTC(2026, 5, 1, 12), '10:00', 'Europe/Berlin') === Date.UTC(2026, 5, 2, 8)
 * //=> true (10:00 in Berlin is 08:00 UTC; it has passed on 1 June, so 2 June)
 *
 * @category core
 */
export function nextLocalTime(instant: Instant, time: TimeOfDay, timeZone: string): Instant {
  const minutes = parseTimeOfDay(time, { fn: 'nextLocalTime', root: 'time' });
  return nextLocalMinutes(instant, minutes, timeZone);
}

/** {@link nextLocalTime} with a pre-parsed time. @internal */
export function nextLocalMinutes(instant: Instant, minutes: number, timeZone: string): Instant {
  const local = toLocal(instant, timeZone);
  for (let offset = 0; offset < 3; offset++) {
    const candidate = localDayStart(local.year, local.month, local.day + offset, minutes, timeZone);
    if (candidate >= instant) return candidate;
  }
  /* c8 ignore next */
  return localDayStart(local.year, local.month, local.day + 3, minutes, timeZone);
}

/**
 * A window of local time in which messages may be sent, e.g. `{ start: '09:00', end: '20:00' }`.
 * A window whose end is earlier than its start runs past midnight (`{ start: '22:00', end:
 * '06:00' }`); `days` lists the weekdays on which a window starts. Quiet hours are the complement
 * of a send window.
 *
 * @category core
 */
export interface SendWindow {
  /** Local time the window opens, `'HH:mm'`. */
  readonly start: TimeOfDay;
  /** Local time the window closes (exclusive), `'HH:mm'`; must differ from `start`. */
  readonly end: TimeOfDay;
  /** Weekdays on which the window opens. @defaultValue every day */
  readonly days?: readonly Weekday[];
}

/**
 * A validated send window, in minutes after midnight.
 *
 * @category core
 */
export interface ParsedSendWindow {
  readonly start: number;
  readonly end: number;
  /** Bit `d` is set when the window opens on weekday `d`. */
  readonly dayMask: number;
}

/**
 * Validates a send window.
 *
 * @param window - The window.
 * @param location - Where the value sits in the caller's input, for the error message.
 * @returns The parsed window.
 * @throws {RetentionInputError} When a time is malformed, `start` equals `end`, or `days` is empty
 * or holds something other than 0-6.
 *
 * @example
 * parseSendWindow({ start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5] })
 * //=> { start: 540, end: 1200, dayMask: 62 }
 *
 * @category core
 */
export function parseSendWindow(
  window: SendWindow,
  location: InputLocation = {},
): ParsedSendWindow {
  const path = location.path ?? [];
  const start = parseTimeOfDay(window.start, { ...location, path: [...path, 'start'] });
  const end = parseTimeOfDay(window.end, { ...location, path: [...path, 'end'] });
  if (start === end) {
    return failInput(location, {
      code: 'invalid_value',
      path: ['end'],
      detail:
        'a send window must not start and end at the same time; leave it out to allow any time',
    });
  }
  let dayMask = 0x7f;
  if (window.days !== undefined) {
    if (!Array.isArray(window.days) || window.days.length === 0) {
      return failInput(location, {
        code: 'invalid_value',
        path: ['days'],
        expected: 'a non-empty list of weekdays 0-6',
      });
    }
    dayMask = 0;
    window.days.forEach((d, i) => {
      if (!(Number.isInteger(d) && d >= 0 && d <= 6)) {
        failInput(location, {
          code: 'out_of_range',
          path: ['days', i],
          expected: 'a weekday 0 (Sunday) to 6 (Saturday)',
        });
      }
      dayMask |= 1 << d;
    });
  }
  return { start, end, dayMask };
}

/**
 * The first instant at or after `instant` that lies inside a send window in the customer's time
 * zone: `instant` itself when it is already inside, otherwise the next opening. An opening time
 * that a clock change skips opens as {@link fromLocal} resolves it (02:30 on a spring-forward
 * night opens at 03:30); a window the change skips whole does not open that day.
 *
 * @param instant - Epoch milliseconds.
 * @param window - The window (validated with {@link parseSendWindow} or raw).
 * @param timeZone - A valid IANA time-zone name.
 * @returns Epoch milliseconds.
 * @throws {RetentionInputError} When a raw window is invalid.
 *
 * @example
 * // Quiet hours 21:00-08:00 in New York: a message due at 23:00 local waits until 08:00.
 * const due = Date.UTC(2026, 5, 2, 3); // 23:00 on 1 June in New York (UTC-4)
 * nextInSendWindow(due, { start: '08:00', end: '21:00' }, 'America/New_York') === Date.UTC(2026, 5, 2, 12)
 * //=> true
 *
 * @category core
 */
export function nextInSendWindow(
  instant: Instant,
  window: SendWindow | ParsedSendWindow,
  timeZone: string,
): Instant {
  const w =
    typeof window.start === 'number'
      ? (window as ParsedSendWindow)
      : parseSendWindow(window as SendWindow, { fn: 'nextInSendWindow', root: 'window' });
  const wraps = w.end < w.start;
  // Away from a clock change (the same offset a day before and four and eight days after), local
  // time is the instant plus one offset and the next opening is arithmetic on it.
  const offset = timeZoneOffset(timeZone, instant);
  if (
    timeZoneOffset(timeZone, instant - DAY) === offset &&
    timeZoneOffset(timeZone, instant + 4 * DAY) === offset &&
    timeZoneOffset(timeZone, instant + 8 * DAY) === offset
  ) {
    const local = instant + offset;
    const today = Math.floor(local / DAY);
    for (let day = today - 1; day <= today + 7; day++) {
      if ((w.dayMask & (1 << weekdayOf(day))) === 0) continue;
      const open = day * DAY + w.start * MINUTE;
      const close = (wraps ? day + 1 : day) * DAY + w.end * MINUTE;
      if (open <= local && local < close) return instant;
      if (open >= local) return open - offset;
    }
  }
  // Near a change: each candidate day's opening and close resolved on the wall-clock axis.
  const today = Math.floor((instant + offset) / DAY);
  let best = Number.POSITIVE_INFINITY;
  for (let day = today - 1; day <= today + 8; day++) {
    if ((w.dayMask & (1 << weekdayOf(day))) === 0) continue;
    const open = fromWallClock(day * DAY + w.start * MINUTE, timeZone);
    const close = fromWallClock((wraps ? day + 1 : day) * DAY + w.end * MINUTE, timeZone);
    // a window that a clock change skips whole (00:00-01:00 on a night that jumps from 00:00 to
    // 01:00) does not open that day
    if (close <= open) continue;
    if (open <= instant && instant < close) return instant;
    if (open >= instant && open < best) best = open;
  }
  return best;
}

/**
 * Options for business-day alignment.
 *
 * @category core
 */
export interface BusinessDayOptions {
  /** IANA time zone whose calendar decides the day. @defaultValue `'UTC'` */
  readonly timeZone?: string;
  /** Weekdays that are not business days. @defaultValue `[0, 6]` (Sunday and Saturday) */
  readonly weekend?: readonly Weekday[];
  /** Local dates that are not business days, as `'YYYY-MM-DD'`. @defaultValue `[]` */
  readonly holidays?: readonly string[];
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

interface ParsedBusinessDays {
  readonly timeZone: string;
  readonly weekendMask: number;
  readonly holidays: ReadonlySet<string>;
}

function parseBusinessDays(options: BusinessDayOptions, fn: string): ParsedBusinessDays {
  let weekendMask = 0b1000001;
  if (options.weekend !== undefined) {
    weekendMask = 0;
    options.weekend.forEach((d, i) => {
      if (!(Number.isInteger(d) && d >= 0 && d <= 6)) {
        failInput(
          { fn, path: ['weekend', i], root: 'options' },
          { code: 'out_of_range', path: [], expected: 'a weekday 0-6' },
        );
      }
      weekendMask |= 1 << d;
    });
    if (weekendMask === 0x7f) {
      failInput(
        { fn, path: ['weekend'], root: 'options' },
        { code: 'invalid_value', path: [], detail: 'every day of the week is a weekend day' },
      );
    }
  }
  const holidays = new Set<string>();
  (options.holidays ?? []).forEach((h, i) => {
    if (typeof h !== 'string' || !DATE_RE.test(h)) {
      failInput(
        { fn, path: ['holidays', i], root: 'options' },
        {
          code: 'invalid_value',
          path: [],
          expected: "a local date 'YYYY-MM-DD'",
          received: describeType(h),
        },
      );
    }
    holidays.add(h);
  });
  return { timeZone: options.timeZone ?? 'UTC', weekendMask, holidays };
}

function dateLabel(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Tells whether an instant falls on a business day in a time zone (not a weekend day, not a
 * listed holiday).
 *
 * @param instant - Epoch milliseconds.
 * @param options - See {@link BusinessDayOptions}.
 * @returns `true` on a business day.
 * @throws {RetentionInputError} When a weekday or holiday is malformed.
 *
 * @example
 * isBusinessDay(Date.UTC(2026, 11, 25, 12), { holidays: ['2026-12-25'] })
 * //=> false
 *
 * @category core
 */
export function isBusinessDay(instant: Instant, options: BusinessDayOptions = {}): boolean {
  const parsed = parseBusinessDays(options, 'isBusinessDay');
  const local = toLocal(instant, parsed.timeZone);
  return (
    (parsed.weekendMask & (1 << local.weekday)) === 0 &&
    !parsed.holidays.has(dateLabel(local.year, local.month, local.day))
  );
}

/**
 * Moves an instant forward to the same local time of day on the next business day, or returns it
 * unchanged when it already falls on one. A retry due on a Saturday at 10:00 runs on Monday at
 * 10:00 (or Tuesday, if Monday is a holiday).
 *
 * @param instant - Epoch milliseconds.
 * @param options - See {@link BusinessDayOptions}.
 * @returns Epoch milliseconds.
 * @throws {RetentionInputError} When a weekday or holiday is malformed.
 *
 * @example
 * // Saturday 6 June 2026, 10:00 UTC moves to Monday 8 June, 10:00 UTC:
 * alignToBusinessDay(Date.UTC(2026, 5, 6, 10)) === Date.UTC(2026, 5, 8, 10)
 * //=> true
 *
 * @category core
 */
export function alignToBusinessDay(instant: Instant, options: BusinessDayOptions = {}): Instant {
  const parsed = parseBusinessDays(options, 'alignToBusinessDay');
  const local = toLocal(instant, parsed.timeZone);
  const minuteOfDay = local.hour * 60 + local.minute;
  const rest = local.second * 1000 + local.millisecond;
  for (let offset = 0; offset < 370; offset++) {
    const d = new Date(Date.UTC(local.year, local.month - 1, local.day + offset));
    const label = dateLabel(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
    if ((parsed.weekendMask & (1 << d.getUTCDay())) !== 0 || parsed.holidays.has(label)) continue;
    if (offset === 0) return instant;
    return (
      localDayStart(
        d.getUTCFullYear(),
        d.getUTCMonth() + 1,
        d.getUTCDate(),
        minuteOfDay,
        parsed.timeZone,
      ) + rest
    );
  }
  return failInput(
    { fn: 'alignToBusinessDay', path: ['holidays'], root: 'options' },
    {
      code: 'invalid_value',
      path: [],
      detail: 'no business day within a year',
    },
  );
}
