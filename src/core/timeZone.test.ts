import { tzOffset } from '@date-fns/tz';
import { describe, expect, it } from 'vitest';
import { RetentionInputError } from './errors';
import {
  fromLocal,
  fromWallClock,
  isValidTimeZone,
  timeZoneOffset,
  toLocal,
  toTimeZone,
  wallClock,
} from './timeZone';

const H = 3_600_000;

describe('time zones', () => {
  it('validates names', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(toTimeZone(undefined)).toBe('UTC');
    expect(() =>
      toTimeZone('Nowhere/City', { fn: 'f', path: ['timeZone'], root: 'options' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: f: options.timeZone is not a known IANA time zone (expected an IANA time zone such as 'Europe/Berlin'; received string)]`,
    );
    expect(() => toTimeZone(42 as never)).toThrow(RetentionInputError);
  });

  it('reads offsets on both sides of a transition exactly', () => {
    // Berlin springs forward at 01:00 UTC on 29 March 2026.
    const t = Date.UTC(2026, 2, 29, 1);
    expect(timeZoneOffset('Europe/Berlin', t - 1)).toBe(1 * H);
    expect(timeZoneOffset('Europe/Berlin', t)).toBe(2 * H);
    // Lord Howe moves by 30 minutes.
    expect(timeZoneOffset('Australia/Lord_Howe', Date.UTC(2026, 0, 15))).toBe(11 * H);
    expect(timeZoneOffset('Australia/Lord_Howe', Date.UTC(2026, 6, 15))).toBe(10.5 * H);
    expect(timeZoneOffset('Asia/Kathmandu', Date.UTC(2026, 6, 15))).toBe(5.75 * H);
  });

  it('matches @date-fns/tz minute by minute across a year of transitions', () => {
    for (const zone of [
      'Europe/Berlin',
      'America/New_York',
      'Australia/Lord_Howe',
      'America/Santiago',
      'Pacific/Chatham',
    ]) {
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 7 * 60_000 * 61) {
        expect(timeZoneOffset(zone, t)).toBe(Math.round(tzOffset(zone, new Date(t)) * 60_000));
      }
    }
  });

  it('maps local fields to instants, resolving gaps forward and overlaps to the earlier instant', () => {
    expect(toLocal(Date.UTC(2026, 0, 1, 23, 30), 'Asia/Tokyo')).toEqual({
      year: 2026,
      month: 1,
      day: 2,
      hour: 8,
      minute: 30,
      second: 0,
      millisecond: 0,
      weekday: 5,
    });
    // 02:30 does not exist in Berlin on 29 March 2026: it becomes 03:30 (01:30 UTC).
    expect(fromLocal({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin')).toBe(
      Date.UTC(2026, 2, 29, 1, 30),
    );
    // 02:30 happens twice on 25 October 2026: the first one (00:30 UTC).
    expect(
      fromLocal({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Berlin'),
    ).toBe(Date.UTC(2026, 9, 25, 0, 30));
    // New York falls back on 1 November 2026 at 06:00 UTC.
    expect(
      fromLocal({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, 'America/New_York'),
    ).toBe(Date.UTC(2026, 10, 1, 5, 30));
    expect(fromWallClock(Date.UTC(2026, 5, 1, 12), 'UTC')).toBe(Date.UTC(2026, 5, 1, 12));
    expect(wallClock(Date.UTC(2026, 0, 1, 12), 'Europe/Berlin')).toBe(Date.UTC(2026, 0, 1, 13));
  });
});
