import { describe, expect, it } from 'vitest';
import { activationRate, activationRateAccumulator } from './activationRate';
import type { MetricEvent } from './inputs';

const DAY = 86_400_000;
const t0 = Date.UTC(2026, 0, 1);
const keyActions = ['project_created', 'colleague_invited'];

describe('activationRate', () => {
  it('needs ALL key actions before start + window (an action exactly at the end is too late)', () => {
    const events: MetricEvent[] = [
      { customerId: 'all', type: 'signup', at: t0 },
      { customerId: 'all', type: 'project_created', at: t0 + DAY },
      { customerId: 'all', type: 'colleague_invited', at: t0 + 7 * DAY - 1 },
      { customerId: 'one', type: 'signup', at: t0 },
      { customerId: 'one', type: 'project_created', at: t0 + DAY },
      { customerId: 'late', type: 'signup', at: t0 },
      { customerId: 'late', type: 'project_created', at: t0 + DAY },
      { customerId: 'late', type: 'colleague_invited', at: t0 + 7 * DAY },
    ];
    const r = activationRate(events, { keyActions, window: '7d' });
    expect(r).toEqual({
      rate: 1 / 3,
      activated: 1,
      customers: 3,
      pending: 0,
      keyActions: [
        { action: 'project_created', done: 3, rate: 1 },
        { action: 'colleague_invited', done: 1, rate: 1 / 3 },
      ],
    });
  });

  it('counts an action done before the start event as done at the start', () => {
    const r = activationRate(
      [
        { customerId: 'a', type: 'project_created', at: t0 - DAY },
        { customerId: 'a', type: 'signup', at: t0 },
      ],
      { keyActions: ['project_created'], window: '7d' },
    );
    expect(r.activated).toBe(1);
  });

  it('leaves customers whose window is still open out of the rate until they activate', () => {
    const events: MetricEvent[] = [
      { customerId: 'open', type: 'signup', at: t0 + 8 * DAY },
      { customerId: 'open-done', type: 'signup', at: t0 + 8 * DAY },
      { customerId: 'open-done', type: 'project_created', at: t0 + 9 * DAY },
      { customerId: 'closed', type: 'signup', at: t0 },
    ];
    const r = activationRate(events, {
      keyActions: ['project_created'],
      window: '7d',
      asOf: t0 + 10 * DAY,
    });
    expect(r).toMatchObject({ customers: 3, pending: 1, activated: 1, rate: 0.5 });
  });

  it('restricts to a cohort of start events, with a custom start event and a calendar window', () => {
    const events: MetricEvent[] = [
      { customerId: 'in', type: 'first_login', at: '2026-03-28T12:00:00+01:00' },
      { customerId: 'in', type: 'project_created', at: '2026-04-04T11:30:00+02:00' },
      { customerId: 'out', type: 'first_login', at: '2026-04-02T12:00:00+02:00' },
    ];
    const options = {
      keyActions: ['project_created'],
      startEvent: 'first_login',
      cohort: { from: '2026-03-01T00:00:00+01:00', to: '2026-04-01T00:00:00+02:00' },
      timeZone: 'Europe/Berlin',
    };
    // 7 calendar days in Berlin end on 4 April 12:00 local, 23 hours of elapsed time less than 7 x 24h.
    expect(activationRate(events, { ...options, window: { days: 7 } })).toMatchObject({
      customers: 1,
      activated: 1,
    });
    expect(activationRate(events, { ...options, window: { days: 6 } })).toMatchObject({
      customers: 1,
      activated: 0,
    });
  });

  it('returns a null rate on empty input, and reports the documented errors', () => {
    expect(activationRate([], { keyActions, window: '7d' })).toEqual({
      rate: null,
      activated: 0,
      customers: 0,
      pending: 0,
      keyActions: [
        { action: 'project_created', done: 0, rate: null },
        { action: 'colleague_invited', done: 0, rate: null },
      ],
    });
    expect(() =>
      activationRate([], { keyActions: [], window: '7d' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: activationRate: options.keyActions has an invalid value (expected an event type or a non-empty list of event types; received array)]`,
    );
    expect(() =>
      activationRate([], { keyActions, window: 'a week' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: activationRate: options.window is not a valid duration (expected milliseconds, a string like '90m', '3h', '7d', '2w' or '1h30m', or { months, days, ... }; received string)]`,
    );
    expect(() =>
      activationRate([], { keyActions, window: '7d', timeZone: 'Mars/Olympus' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: activationRate: options.timeZone is not a known IANA time zone (expected an IANA time zone such as 'Europe/Berlin'; received string)]`,
    );
    expect(() =>
      activationRate([{ customerId: 'a', type: 'signup', at: new Date(Number.NaN) }], {
        keyActions,
        window: '7d',
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: activationRate: events[0].at is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received Date (invalid))]`,
    );
    expect(() =>
      activationRateAccumulator({ keyActions, window: '7d' }).merge(
        activationRateAccumulator({ keyActions, window: { days: 7 } }),
      ),
    ).toThrow(/different options/);
  });
});
