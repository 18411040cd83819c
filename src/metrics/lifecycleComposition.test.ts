import { describe, expect, it } from 'vitest';
import type { MetricEvent } from './inputs';
import { lifecycleComposition } from './lifecycleComposition';

const rows = (r: ReturnType<typeof lifecycleComposition>) =>
  r.periods.map((p) => [p.label, p.new, p.returning, p.resurrecting, p.dormant]);

describe('lifecycleComposition', () => {
  it("classifies as PostHog's lifecycle insight does", () => {
    const events: MetricEvent[] = [
      { customerId: 'steady', type: 'message_sent', at: '2026-01-05T10:00:00Z' },
      { customerId: 'steady', type: 'message_sent', at: '2026-01-06T10:00:00Z' },
      { customerId: 'steady', type: 'message_sent', at: '2026-01-07T10:00:00Z' },
      { customerId: 'flaky', type: 'message_sent', at: '2026-01-05T11:00:00Z' },
      { customerId: 'flaky', type: 'message_sent', at: '2026-01-07T11:00:00Z' },
    ];
    const r = lifecycleComposition(events, { granularity: 'day' });
    expect(rows(r)).toEqual([
      ['2026-01-05', 2, 0, 0, 0],
      ['2026-01-06', 0, 1, 0, 1],
      ['2026-01-07', 0, 1, 1, 0],
    ]);
    expect(r.periods.map((p) => p.active)).toEqual([2, 1, 2]);
    expect(r.periods.map((p) => p.inProgress)).toEqual([false, false, true]);
  });

  it('first seen at any event; active only with the active events', () => {
    const events: MetricEvent[] = [
      { customerId: 'a', type: 'signup', at: '2026-01-05T10:00:00Z' },
      { customerId: 'a', type: 'message_sent', at: '2026-01-07T10:00:00Z' },
    ];
    const r = lifecycleComposition(events, {
      granularity: 'day',
      activeEvent: 'message_sent',
      asOf: '2026-01-08T12:00:00Z',
    });
    // Signed up on the 5th, first active on the 7th: resurrecting, not new (as PostHog, whose
    // "new" needs the person created in the same period).
    expect(rows(r)).toEqual([
      ['2026-01-07', 0, 0, 1, 0],
      ['2026-01-08', 0, 0, 0, 1],
    ]);
  });

  it('reports from a given period on, with the history before it still counted', () => {
    const events: MetricEvent[] = [
      { customerId: 'a', type: 'x', at: '2026-01-10T00:00:00Z' },
      { customerId: 'a', type: 'x', at: '2026-02-10T00:00:00Z' },
    ];
    const r = lifecycleComposition(events, {
      granularity: 'month',
      from: '2026-02-01T00:00:00Z',
      timeZone: 'Europe/Berlin',
    });
    expect(rows(r)).toEqual([['2026-02', 0, 1, 0, 0]]);
  });

  it('returns no periods on empty input, and reports the documented errors', () => {
    expect(lifecycleComposition([], { granularity: 'week' })).toEqual({
      granularity: 'week',
      timeZone: 'UTC',
      asOf: null,
      periods: [],
    });
    expect(() => lifecycleComposition([], { granularity: 'hour' as never })).toThrow(
      /options\.granularity is not one of the allowed values/,
    );
    expect(() =>
      lifecycleComposition([{ customerId: 'a', type: 'x', at: 1.5 }], { granularity: 'day' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: lifecycleComposition: events[0].at is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received number)]`,
    );
    expect(() =>
      lifecycleComposition([], { granularity: 'day', activeEvent: [''] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: lifecycleComposition: options.activeEvent[0] has the wrong type (expected a non-empty string; received empty string)]`,
    );
  });
});
