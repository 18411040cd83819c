/**
 * The next instant inside a send window, fast when no clock change is near. Internal.
 *
 * Core's `nextInSendWindow` resolves local dates through `Date` objects and the time-zone
 * database for every call, which is right but costs more than the rest of planning a customer.
 * Away from a clock change (the zone's offset is the same a day before and eight days after),
 * local time is the instant plus one offset, and the next opening is plain arithmetic on it; near
 * a change, and for a window that opens on no day of the coming week, this defers to core. A
 * property test compares the two on random instants, zones and windows, including the days of
 * clock changes.
 */
import type { Instant } from '../core/instant';
import { nextInSendWindow, type ParsedSendWindow } from '../core/schedule';
import { timeZoneOffset } from '../core/timeZone';

const DAY = 86_400_000;
const MINUTE = 60_000;

/** Day of the week of a day number counted from 1970-01-01 (a Thursday). */
const weekday = (day: number): number => (((day + 4) % 7) + 7) % 7;

/** The first instant at or after `t` inside `window` in `timeZone` (`nextInSendWindow`). @internal */
export function nextSendable(t: Instant, window: ParsedSendWindow, timeZone: string): Instant {
  const offset = timeZoneOffset(timeZone, t);
  if (
    timeZoneOffset(timeZone, t - DAY) !== offset ||
    timeZoneOffset(timeZone, t + 4 * DAY) !== offset ||
    timeZoneOffset(timeZone, t + 8 * DAY) !== offset
  )
    return nextInSendWindow(t, window, timeZone);
  const local = t + offset;
  const today = Math.floor(local / DAY);
  const wraps = window.end < window.start;
  for (let d = today - 1; d <= today + 7; d++) {
    if ((window.dayMask & (1 << weekday(d))) === 0) continue;
    const open = d * DAY + window.start * MINUTE;
    const close = (wraps ? d + 1 : d) * DAY + window.end * MINUTE;
    if (open <= local && local < close) return t;
    if (open >= local) return open - offset;
  }
  return nextInSendWindow(t, window, timeZone);
}
