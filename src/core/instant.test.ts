import { describe, expect, it } from 'vitest';
import { RetentionError, RetentionInputError } from './errors';
import { formatInstant, isInstantInput, toInstant, toOptionalInstant } from './instant';

describe('toInstant', () => {
  it('accepts Date, epoch milliseconds and ISO-8601 strings with an offset', () => {
    const ms = Date.UTC(2026, 2, 1, 9, 30);
    expect(toInstant(new Date(ms))).toBe(ms);
    expect(toInstant(ms)).toBe(ms);
    expect(toInstant('2026-03-01T09:30:00Z')).toBe(ms);
    expect(toInstant('2026-03-01T09:30:00.000Z')).toBe(ms);
    expect(toInstant('2026-03-01T12:30:00+03:00')).toBe(ms);
    expect(toInstant('2026-03-01T12:30:00+0300')).toBe(ms);
    expect(toInstant('2026-03-01T04:30:00-05')).toBe(ms);
    expect(toInstant('2026-03-01 09:30Z')).toBe(ms);
    expect(toInstant('2026-03-01T09:30:00,5Z')).toBe(ms + 500);
    expect(toInstant('2026-03-01T09:30:00.123456789Z')).toBe(ms + 123);
  });

  it('reads a plain date as midnight UTC', () => {
    expect(toInstant('2026-03-01')).toBe(Date.UTC(2026, 2, 1));
    expect(toInstant('0099-01-01')).toBe(new Date('0099-01-01T00:00:00Z').getTime());
  });

  it.each([
    ['an invalid Date', new Date(Number.NaN), 'Date (invalid)'],
    ['NaN', Number.NaN, 'NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
    ['a fractional number', 1.5, 'number'],
    ['a number beyond the Date range', 9e15, 'integer'],
    ['a word', 'yesterday', 'string'],
    ['an empty string', '', 'empty string'],
    ['30 February', '2026-02-30T00:00:00Z', 'string'],
    ['hour 24', '2026-02-03T24:00:00Z', 'string'],
    ['second 60', '2026-02-03T23:59:60Z', 'string'],
    ['a US date', '03/01/2026', 'string'],
    ['an offset of 25 hours', '2026-02-03T10:00:00+25:00', 'string'],
    ['null', null, 'null'],
    ['an object', {}, 'object'],
  ])('rejects %s', (_label, value, received) => {
    let error: unknown;
    try {
      toInstant(value as never, { fn: 'churnRate', path: [7, 'start'], root: 'lifetimes' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RetentionInputError);
    expect(error).toBeInstanceOf(RetentionError);
    const e = error as RetentionInputError;
    expect(e.code).toBe('invalid_input');
    expect(e.index).toBe(7);
    expect(e.path).toEqual([7, 'start']);
    expect(e.issues[0]).toMatchObject({ code: 'invalid_instant', received });
    expect(e.message).toMatch(/^churnRate: lifetimes\[7\]\.start is not a valid instant/);
  });

  it('rejects a date-time without an offset as ambiguous', () => {
    expect(() =>
      toInstant('2026-03-01T12:30:00', { fn: 'f', path: [0, 'at'], root: 'events' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: f: events[0].at is an ISO-8601 date-time without a UTC offset (expected a trailing Z or ±hh:mm; received string)]`,
    );
  });

  it('never puts the offending value in the message', () => {
    const secret = 'alice@example.com 2026';
    try {
      toInstant(secret);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain('alice');
    }
  });
});

describe('toOptionalInstant, isInstantInput, formatInstant', () => {
  it('passes undefined through', () => {
    expect(toOptionalInstant(undefined)).toBeUndefined();
    expect(toOptionalInstant('2026-01-01')).toBe(Date.UTC(2026, 0, 1));
  });
  it('tells instants apart without throwing', () => {
    expect(isInstantInput('2026-01-01')).toBe(true);
    expect(isInstantInput('2026-01-01T10:00:00')).toBe(false);
    expect(isInstantInput(new Date(Number.NaN))).toBe(false);
    expect(isInstantInput(0.5)).toBe(false);
    expect(isInstantInput(undefined)).toBe(false);
  });
  it('formats in UTC', () => {
    expect(formatInstant('2026-03-01T12:30:00+03:00')).toBe('2026-03-01T09:30:00.000Z');
    expect(() => formatInstant('soon')).toThrow(RetentionInputError);
  });
});
