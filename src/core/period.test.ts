import { describe, expect, it } from 'vitest';
import { RetentionInputError } from './errors';
import {
  inPeriod,
  periodKeyFn,
  periodKeyStart,
  periodSeries,
  startOfPeriod,
  toPeriod,
} from './period';

describe('periods', () => {
  it('validates { from, to }', () => {
    expect(toPeriod({ from: '2026-01-01', to: '2026-02-01' })).toEqual({
      from: Date.UTC(2026, 0, 1),
      to: Date.UTC(2026, 1, 1),
    });
    expect(() =>
      toPeriod({ from: '2026-02-01', to: '2026-02-01' }, { fn: 'churnRate', root: 'options' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: churnRate: options.to is not a valid period: the end must be after the start]`,
    );
    expect(() => toPeriod({ from: 'x', to: '2026-02-01' }, { fn: 'f', root: 'options' })).toThrow(
      /options.from is not a valid instant/,
    );
    expect(() => toPeriod(null as never)).toThrow(RetentionInputError);
  });

  it('is half-open', () => {
    expect(inPeriod({ from: 0, to: 10 }, 0)).toBe(true);
    expect(inPeriod({ from: 0, to: 10 }, 9)).toBe(true);
    expect(inPeriod({ from: 0, to: 10 }, 10)).toBe(false);
  });

  it('cuts a span into calendar buckets in a time zone', () => {
    expect(
      periodSeries({ from: '2026-01-15', to: '2026-03-01' }, 'month').map((b) => b.label),
    ).toEqual(['2026-01', '2026-02']);
    const days = periodSeries(
      { from: '2026-03-28T00:00:00+01:00', to: '2026-03-31T00:00:00+02:00' },
      'day',
      { timeZone: 'Europe/Berlin' },
    );
    expect(days.map((d) => (d.to - d.from) / 3_600_000)).toEqual([24, 23, 24]);
    expect(days.map((d) => d.label)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
    expect(
      periodSeries({ from: '2026-01-01', to: '2027-01-01' }, 'quarter').map((b) => b.label),
    ).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
    expect(
      periodSeries({ from: '2025-06-01', to: '2027-01-01' }, 'year').map((b) => b.label),
    ).toEqual(['2025', '2026']);
    const weeks = periodSeries({ from: '2026-05-13', to: '2026-05-20' }, 'week', {
      weekStartsOn: 0,
    });
    expect(weeks.map((w) => w.label)).toEqual(['2026-05-10', '2026-05-17']);
  });

  it('guards against a runaway series', () => {
    expect(() =>
      periodSeries({ from: '1970-01-01', to: '2026-01-01' }, 'day', { maxBuckets: 100 }),
    ).toThrow(/is too big: more than 100 day buckets/);
  });

  it('keys buckets consistently with their starts', () => {
    const key = periodKeyFn('month', { timeZone: 'Asia/Tokyo' });
    expect(key(Date.UTC(2026, 0, 31, 20)) - key(Date.UTC(2026, 0, 1))).toBe(1);
    expect(periodKeyStart(key(Date.UTC(2026, 4, 17)), 'month', { timeZone: 'Asia/Tokyo' })).toBe(
      Date.UTC(2026, 3, 30, 15),
    );
    expect(startOfPeriod('2026-05-17T15:00:00Z', 'week')).toBe(Date.UTC(2026, 4, 11));
    expect(startOfPeriod('2026-05-17T15:00:00Z', 'day', { timeZone: 'America/Los_Angeles' })).toBe(
      Date.UTC(2026, 4, 17, 7),
    );
    // Santiago's clocks skip midnight on 6 September 2026: the day starts at 01:00.
    expect(startOfPeriod('2026-09-06T12:00:00Z', 'day', { timeZone: 'America/Santiago' })).toBe(
      Date.UTC(2026, 8, 6, 4),
    );
  });

  it('rejects bad options', () => {
    expect(() => periodKeyFn('fortnight' as never)).toThrow(
      /options.granularity is not one of the allowed values/,
    );
    expect(() => periodKeyFn('week', { weekStartsOn: 7 as never })).toThrow(
      /options.weekStartsOn is out of range/,
    );
    expect(() => periodKeyFn('day', { timeZone: 'Nowhere' })).toThrow(/options.timeZone/);
  });
});
