import { describe, expect, it } from 'vitest';
import {
  addDuration,
  durationToMs,
  formatDuration,
  isDurationInput,
  parseDuration,
  subtractDuration,
} from './duration';
import { RetentionInputError } from './errors';

const H = 3_600_000;
const D = 24 * H;

describe('parseDuration', () => {
  it.each([
    ['90m', 90 * 60_000],
    ['3h', 3 * H],
    ['7d', 7 * D],
    ['2w', 14 * D],
    ['1h30m', 90 * 60_000],
    ['1d 12h', 36 * H],
    ['1.5h', 90 * 60_000],
    ['250ms', 250],
    ['45s', 45_000],
    [0, 0],
    [1234, 1234],
  ])('reads %s as a fixed duration', (input, ms) => {
    expect(parseDuration(input)).toEqual({ kind: 'fixed', ms });
  });

  it('reads calendar durations with every field present', () => {
    expect(parseDuration({ months: 1, days: 2 })).toEqual({
      kind: 'calendar',
      years: 0,
      months: 1,
      weeks: 0,
      days: 2,
      hours: 0,
      minutes: 0,
      seconds: 0,
    });
  });

  it.each([
    ['a negative number', -1],
    ['NaN', Number.NaN],
    ['an unknown unit', '3y'],
    ['no unit', '3'],
    ['an empty string', ''],
    ['trailing junk', '3h!'],
    ['a negative string', '-3h'],
  ])('rejects %s', (_label, input) => {
    expect(() =>
      parseDuration(input as never, { fn: 'f', path: ['window'], root: 'options' }),
    ).toThrow(RetentionInputError);
    expect(isDurationInput(input)).toBe(false);
  });

  it('reads a string again after others, good or bad, with the same answer', () => {
    const seen: number[] = [];
    for (const text of ['3h', '3h', '90m', '3h', 'later', '3h', '1h 30m']) {
      if (text === 'later') expect(() => durationToMs(text)).toThrow(RetentionInputError);
      else seen.push(durationToMs(text));
    }
    expect(seen).toEqual([3, 3, 1.5, 3, 3, 1.5].map((h) => h * 3_600_000));
    expect(() => durationToMs('later')).toThrow(RetentionInputError);
  });

  it('names the bad key of a calendar duration', () => {
    expect(() =>
      parseDuration({ month: 1 } as never, { fn: 'f', path: ['delay'], root: 'rule' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: f: rule.delay.month is not a known key (expected years, months, weeks, days, hours, minutes, seconds)]`,
    );
    expect(() => parseDuration({ days: 1.5 })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: retention-kit: days is not a valid duration (expected a non-negative integer; received number)]`,
    );
  });

  it('gives fixed durations a length and refuses calendar ones', () => {
    expect(durationToMs('2w')).toBe(14 * D);
    expect(() => durationToMs({ months: 1 } as never)).toThrow(/expected a fixed duration/);
  });
});

describe('addDuration', () => {
  it('adds fixed durations as exact milliseconds, even across DST', () => {
    const t = Date.UTC(2026, 2, 28, 8);
    expect(addDuration(t, '1d', { timeZone: 'Europe/Berlin' }) - t).toBe(24 * H);
  });

  it('keeps the local time of day for calendar days across DST', () => {
    const t = Date.UTC(2026, 2, 28, 8); // 09:00 in Berlin, the day before spring-forward
    expect(addDuration(t, { days: 1 }, { timeZone: 'Europe/Berlin' }) - t).toBe(23 * H);
    const u = Date.UTC(2026, 9, 24, 7); // 09:00 in Berlin, the day before fall-back
    expect(addDuration(u, { days: 1 }, { timeZone: 'Europe/Berlin' }) - u).toBe(25 * H);
  });

  it('clamps to the end of a shorter month', () => {
    expect(addDuration(Date.UTC(2026, 0, 31), { months: 1 })).toBe(Date.UTC(2026, 1, 28));
    expect(addDuration(Date.UTC(2028, 0, 31), { months: 1 })).toBe(Date.UTC(2028, 1, 29));
    expect(addDuration(Date.UTC(2028, 1, 29), { years: 1 })).toBe(Date.UTC(2029, 1, 28));
    expect(subtractDuration(Date.UTC(2026, 2, 31), { months: 1 })).toBe(Date.UTC(2026, 1, 28));
  });

  it('rejects a bad time zone', () => {
    expect(() => addDuration(0, { days: 1 }, { timeZone: 'Nowhere' })).toThrow(
      /options.timeZone is not a known IANA time zone/,
    );
  });
});

describe('formatDuration', () => {
  it('prints largest units first', () => {
    expect(formatDuration(93_900_000)).toBe('1d 2h 5m');
    expect(formatDuration(0)).toBe('0ms');
    expect(formatDuration(1500)).toBe('1s 500ms');
    expect(formatDuration(-H)).toBe('-1h');
  });
});
