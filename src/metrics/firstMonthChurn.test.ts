import { describe, expect, it } from 'vitest';
import type { Lifetime } from '../core/records';
import { firstMonthChurn, firstMonthChurnAccumulator } from './firstMonthChurn';

const DAY = 86_400_000;
const t0 = Date.UTC(2026, 0, 1);

describe('firstMonthChurn', () => {
  it('counts customers no longer active 30 days after their first start', () => {
    const lifetimes: Lifetime[] = [
      { customerId: 'left', start: t0, end: t0 + 12 * DAY },
      { customerId: 'at-the-end', start: t0, end: t0 + 30 * DAY },
      { customerId: 'stayed', start: t0, end: t0 + 30 * DAY + 1 },
      { customerId: 'came-back', start: t0, end: t0 + 5 * DAY },
      { customerId: 'came-back', start: t0 + 20 * DAY },
    ];
    expect(firstMonthChurn(lifetimes)).toEqual({
      rate: 0.5,
      churned: 2,
      retained: 2,
      customers: 4,
      pending: 0,
    });
  });

  it('measures from the first lifetime only, and takes any window', () => {
    const lifetimes: Lifetime[] = [
      { customerId: 'a', start: t0 - 400 * DAY, end: t0 - 390 * DAY },
      { customerId: 'a', start: t0 },
    ];
    expect(firstMonthChurn(lifetimes).churned).toBe(1);
    expect(firstMonthChurn(lifetimes, { window: '7d' }).churned).toBe(0);
  });

  it('restricts to a signup cohort and leaves open windows pending', () => {
    const lifetimes: Lifetime[] = [
      { customerId: 'dec', start: t0 - DAY },
      { customerId: 'jan', start: t0 + DAY, end: t0 + 3 * DAY },
      { customerId: 'jan-late', start: t0 + 29 * DAY },
    ];
    const r = firstMonthChurn(lifetimes, {
      cohort: { from: t0, to: t0 + 31 * DAY },
      asOf: t0 + 40 * DAY,
    });
    expect(r).toEqual({ rate: 1, churned: 1, retained: 0, customers: 2, pending: 1 });
  });

  it('returns a null rate on empty input and reports the documented errors', () => {
    expect(firstMonthChurn([])).toEqual({
      rate: null,
      churned: 0,
      retained: 0,
      customers: 0,
      pending: 0,
    });
    expect(() =>
      firstMonthChurn([{ customerId: 'a', start: t0, end: t0 - 1 }]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: firstMonthChurn: lifetimes[0].end is out of order: the end is before the start]`,
    );
    expect(() =>
      firstMonthChurn([], { cohort: { from: t0, to: t0 } }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: firstMonthChurn: options.cohort.to is not a valid period: the end must be after the start]`,
    );
    expect(() => firstMonthChurn([], { window: -5 })).toThrow(
      /options\.window is not a valid duration/,
    );
    expect(() =>
      firstMonthChurnAccumulator().merge(firstMonthChurnAccumulator({ window: '31d' })),
    ).toThrow(/different options/);
  });
});
