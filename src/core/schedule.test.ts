import { describe, expect, it } from 'vitest';
import {
  alignToBusinessDay,
  isBusinessDay,
  nextInSendWindow,
  nextLocalTime,
  parseSendWindow,
  parseTimeOfDay,
} from './schedule';

describe('local times', () => {
  it('parses HH:mm', () => {
    expect(parseTimeOfDay('09:30')).toBe(570);
    expect(parseTimeOfDay('00:00')).toBe(0);
    expect(parseTimeOfDay('23:59')).toBe(1439);
    for (const bad of ['24:00', '9:30', '09:60', '0930', ''])
      expect(() => parseTimeOfDay(bad)).toThrow(/is not valid|has an invalid value/);
  });

  it('finds the next local time, across DST', () => {
    expect(nextLocalTime(Date.UTC(2026, 5, 1, 12), '10:00', 'Europe/Berlin')).toBe(
      Date.UTC(2026, 5, 2, 8),
    );
    expect(nextLocalTime(Date.UTC(2026, 5, 1, 7), '10:00', 'Europe/Berlin')).toBe(
      Date.UTC(2026, 5, 1, 8),
    );
    // 09:00 local before and after the spring-forward night in New York
    expect(nextLocalTime(Date.UTC(2026, 2, 7, 15), '09:00', 'America/New_York')).toBe(
      Date.UTC(2026, 2, 8, 13),
    );
    // 02:30 does not exist on 29 March 2026 in Berlin: 03:30 local (01:30 UTC)
    expect(nextLocalTime(Date.UTC(2026, 2, 28, 23), '02:30', 'Europe/Berlin')).toBe(
      Date.UTC(2026, 2, 29, 1, 30),
    );
  });
});

describe('send windows', () => {
  it('validates windows', () => {
    expect(parseSendWindow({ start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5] })).toEqual({
      start: 540,
      end: 1200,
      dayMask: 62,
    });
    expect(() =>
      parseSendWindow(
        { start: '09:00', end: '09:00' },
        { fn: 'defineRule', path: ['sendWindow'], root: 'rule' },
      ),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: defineRule: rule.sendWindow.end has an invalid value: a send window must not start and end at the same time; leave it out to allow any time]`,
    );
    expect(() => parseSendWindow({ start: '09:00', end: '10:00', days: [] })).toThrow(
      /days has an invalid value/,
    );
    expect(() => parseSendWindow({ start: '09:00', end: '10:00', days: [7 as never] })).toThrow(
      /days\[0\] is out of range/,
    );
  });

  it('returns the instant itself inside the window and the next opening outside it', () => {
    const w = { start: '08:00', end: '21:00' };
    expect(nextInSendWindow(Date.UTC(2026, 5, 2, 3), w, 'America/New_York')).toBe(
      Date.UTC(2026, 5, 2, 12),
    );
    expect(nextInSendWindow(Date.UTC(2026, 5, 2, 15), w, 'America/New_York')).toBe(
      Date.UTC(2026, 5, 2, 15),
    );
    // the close itself is outside: 21:00 on 1 June waits for 08:00 on 2 June
    expect(nextInSendWindow(Date.UTC(2026, 5, 2, 1), w, 'America/New_York')).toBe(
      Date.UTC(2026, 5, 2, 12),
    );
    // weekdays only: Friday 22:00 in Berlin waits for Monday 08:00
    const weekdays = { ...w, days: [1, 2, 3, 4, 5] as const };
    expect(nextInSendWindow(Date.UTC(2026, 5, 5, 20), weekdays, 'Europe/Berlin')).toBe(
      Date.UTC(2026, 5, 8, 6),
    );
    // a window past midnight
    const night = { start: '22:00', end: '06:00' };
    expect(nextInSendWindow(Date.UTC(2026, 5, 2, 1), night, 'UTC')).toBe(Date.UTC(2026, 5, 2, 1));
    expect(nextInSendWindow(Date.UTC(2026, 5, 2, 12), night, 'UTC')).toBe(Date.UTC(2026, 5, 2, 22));
  });

  it('skips a day whose window the clocks skip whole', () => {
    // Chile jumps from 00:00 to 01:00 on Sunday 6 September 2026: that day has no 00:00-01:00,
    // so the window opens on the next Sunday (UTC-3)
    const w = { start: '00:00', end: '01:00', days: [0] as const };
    expect(nextInSendWindow(Date.UTC(2026, 8, 6, 3), w, 'America/Santiago')).toBe(
      Date.UTC(2026, 8, 13, 3),
    );
    // a window the gap only shortens opens when the clocks resume
    const longer = { start: '00:00', end: '01:30', days: [0] as const };
    expect(nextInSendWindow(Date.UTC(2026, 8, 6, 3), longer, 'America/Santiago')).toBe(
      Date.UTC(2026, 8, 6, 4),
    );
  });
});

describe('business days', () => {
  it('skips weekends and holidays, keeping the local time', () => {
    expect(isBusinessDay(Date.UTC(2026, 11, 25, 12), { holidays: ['2026-12-25'] })).toBe(false);
    expect(isBusinessDay(Date.UTC(2026, 11, 24, 12))).toBe(true);
    expect(alignToBusinessDay(Date.UTC(2026, 5, 6, 10))).toBe(Date.UTC(2026, 5, 8, 10));
    expect(alignToBusinessDay(Date.UTC(2026, 5, 6, 10), { holidays: ['2026-06-08'] })).toBe(
      Date.UTC(2026, 5, 9, 10),
    );
    expect(alignToBusinessDay(Date.UTC(2026, 5, 3, 10))).toBe(Date.UTC(2026, 5, 3, 10));
    // Friday and Saturday weekend, in Dubai
    expect(
      alignToBusinessDay(Date.UTC(2026, 5, 5, 6), { weekend: [5, 6], timeZone: 'Asia/Dubai' }),
    ).toBe(Date.UTC(2026, 5, 7, 6));
    expect(() => alignToBusinessDay(0, { weekend: [0, 1, 2, 3, 4, 5, 6] })).toThrow(
      /every day of the week is a weekend day/,
    );
    expect(() => alignToBusinessDay(0, { holidays: ['25/12/2026'] })).toThrow(
      /options.holidays\[0\] has an invalid value/,
    );
  });
});
