import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import { rfmSummary } from './rfmSummary';

const orders = [
  { customerId: 'b', at: '2026-01-08T12:00:00Z', total: 80 },
  { customerId: 'a', at: '2026-01-01T10:00:00Z', total: 100 },
  { customerId: 'a', at: '2026-01-01T18:00:00Z', total: 50 },
  { customerId: 'a', at: '2026-01-05T09:00:00Z', total: 300 },
  { customerId: 'a', at: '2026-01-05T19:00:00Z', total: 100 },
  { customerId: 'a', at: '2026-01-20T09:00:00Z', total: 999 }, // after the calibration end
  { customerId: 'c', at: '2026-01-15T09:00:00Z', total: 10 }, // first order after the end
];

describe('rfmSummary', () => {
  it('does not count the first purchase and collapses orders of one period, as lifetimes does', () => {
    const rows = rfmSummary(orders, {
      calibrationEnd: '2026-01-10T23:59:59Z',
      unit: 'day',
      monetary: true,
    });
    expect(rows).toEqual([
      // periods with orders: Jan 1 (first), Jan 5 (one repeat, 300 + 100)
      { customerId: 'a', frequency: 1, recency: 4, T: 9, monetaryValue: 400 },
      { customerId: 'b', frequency: 0, recency: 0, T: 2, monetaryValue: 0 },
    ]);
  });

  it('counts calendar periods of the unit and time zone', () => {
    const weekly = rfmSummary(orders, { calibrationEnd: '2026-01-10T23:59:59Z', unit: 'week' });
    // 2026-01-01 is a Thursday: Jan 1 and Jan 5 (Monday) fall in consecutive ISO weeks
    expect(weekly.find((r) => r.customerId === 'a')).toEqual({
      customerId: 'a',
      frequency: 1,
      recency: 1,
      T: 1,
    });
    // 23:30 UTC on Jan 4 is already Jan 5 in Tokyo
    const tokyo = rfmSummary(
      [
        { customerId: 'x', at: '2026-01-01T10:00:00Z' },
        { customerId: 'x', at: '2026-01-04T23:30:00Z' },
      ],
      { calibrationEnd: '2026-01-09T00:00:00Z', unit: 'day', timeZone: 'Asia/Tokyo' },
    );
    expect(tokyo[0]).toMatchObject({ frequency: 1, recency: 4 });
  });

  it('is pure and independent of the order of the log', () => {
    const options = {
      calibrationEnd: '2026-01-10T23:59:59Z',
      unit: 'day',
      monetary: true,
    } as const;
    const forward = assertPure(rfmSummary, orders, options);
    expect(rfmSummary([...orders].reverse(), options)).toEqual(forward);
  });

  it('rejects bad orders and options with their index', () => {
    const end = { calibrationEnd: '2026-01-10T00:00:00Z', unit: 'day' } as const;
    expect(() =>
      rfmSummary(
        [
          { customerId: 'a', at: '2026-01-01' },
          { customerId: '', at: '2026-01-01' },
        ],
        end,
      ),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: rfmSummary: orders[1].customerId has the wrong type (expected a non-empty string; received empty string)]`,
    );
    expect(() => rfmSummary([{ customerId: 'a', at: '2026-01-01T10:00:00' }], end)).toThrow(
      /orders\[0\].at is an ISO-8601 date-time without a UTC offset/,
    );
    expect(() =>
      rfmSummary([{ customerId: 'a', at: '2026-01-01' }], { ...end, monetary: true }),
    ).toThrow(/orders\[0\].total has the wrong type/);
    expect(() =>
      rfmSummary([], { ...end, unit: 'fortnight' as 'day' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: rfmSummary: options.unit is not one of the allowed values (expected 'day', 'week', 'month', 'quarter' or 'year')]`,
    );
    expect(() => rfmSummary([], { ...end, timeZone: 'Mars/Olympus' })).toThrow(
      /options.timeZone is not a known IANA time zone/,
    );
  });
});
