import { describe, expect, it } from 'vitest';
import { funnel, funnelAccumulator } from './funnel';
import type { MetricEvent } from './inputs';

const DAY = 86_400_000;
const t0 = Date.UTC(2026, 0, 1);
const steps = ['signup', 'project_created', 'colleague_invited'];

describe('funnel', () => {
  it('reports conversion and drop-off per step', () => {
    const events: MetricEvent[] = [];
    for (let i = 0; i < 10; i++) events.push({ customerId: `c${i}`, type: 'signup', at: t0 });
    for (let i = 0; i < 6; i++)
      events.push({ customerId: `c${i}`, type: 'project_created', at: t0 + DAY });
    for (let i = 0; i < 3; i++)
      events.push({ customerId: `c${i}`, type: 'colleague_invited', at: t0 + 2 * DAY });
    const f = funnel(events, { steps, window: '7d' });
    expect(f).toEqual({
      entered: 10,
      completed: 3,
      rate: 0.3,
      steps: [
        {
          index: 0,
          event: 'signup',
          reached: 10,
          conversionFromPrevious: 1,
          conversionFromStart: 1,
          dropOff: 0,
          dropOffRate: 0,
        },
        {
          index: 1,
          event: 'project_created',
          reached: 6,
          conversionFromPrevious: 0.6,
          conversionFromStart: 0.6,
          dropOff: 4,
          dropOffRate: 0.4,
        },
        {
          index: 2,
          event: 'colleague_invited',
          reached: 3,
          conversionFromPrevious: 0.5,
          conversionFromStart: 0.3,
          dropOff: 3,
          dropOffRate: 0.5,
        },
      ],
    });
  });

  it('takes the best attempt: a later first step can start the attempt that fits the window', () => {
    const events: MetricEvent[] = [
      { customerId: 'a', type: 'signup', at: t0 },
      { customerId: 'a', type: 'signup', at: t0 + 20 * DAY },
      { customerId: 'a', type: 'project_created', at: t0 + 21 * DAY },
    ];
    expect(funnel(events, { steps: steps.slice(0, 2), window: '7d' }).completed).toBe(1);
  });

  it('lets steps at the same instant follow each other, but one event serves one step only', () => {
    const same: MetricEvent[] = [
      { customerId: 'a', type: 'project_created', at: t0 },
      { customerId: 'a', type: 'signup', at: t0 },
    ];
    expect(funnel(same, { steps: steps.slice(0, 2), window: '1h' }).completed).toBe(1);
    const once: MetricEvent[] = [{ customerId: 'a', type: 'login', at: t0 }];
    expect(
      funnel(once, { steps: ['login', 'login'], window: '1h' }).steps.map((s) => s.reached),
    ).toEqual([1, 0]);
    const twice: MetricEvent[] = [...once, { customerId: 'a', type: 'login', at: t0 + 1 }];
    expect(funnel(twice, { steps: ['login', 'login'], window: '1h' }).completed).toBe(1);
  });

  it('measures the window from the first step (an event exactly at its end is too late)', () => {
    const events: MetricEvent[] = [
      { customerId: 'a', type: 'signup', at: t0 },
      { customerId: 'a', type: 'project_created', at: t0 + 6 * DAY },
      { customerId: 'a', type: 'colleague_invited', at: t0 + 7 * DAY },
    ];
    expect(funnel(events, { steps, window: '7d' }).steps.map((s) => s.reached)).toEqual([1, 1, 0]);
  });

  it('starts attempts only within the cohort and ignores events after asOf', () => {
    const events: MetricEvent[] = [
      { customerId: 'a', type: 'signup', at: t0 - DAY },
      { customerId: 'a', type: 'project_created', at: t0 },
      { customerId: 'b', type: 'signup', at: t0 + DAY },
      { customerId: 'b', type: 'project_created', at: t0 + 3 * DAY },
    ];
    const f = funnel(events, {
      steps: steps.slice(0, 2),
      window: '7d',
      cohort: { from: t0, to: t0 + 30 * DAY },
      asOf: t0 + 2 * DAY,
    });
    expect(f.steps.map((s) => s.reached)).toEqual([1, 0]);
  });

  it('returns null rates on empty input, and reports the documented errors', () => {
    const f = funnel([], { steps, window: '7d' });
    expect(f.rate).toBeNull();
    expect(f.steps.map((s) => [s.reached, s.conversionFromPrevious, s.dropOffRate])).toEqual([
      [0, null, null],
      [0, null, null],
      [0, null, null],
    ]);
    expect(() => funnel([], { steps: [], window: '7d' })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: funnel: options.steps has an invalid value (expected a non-empty list of event types; received array)]`,
    );
    expect(() =>
      funnel([], { steps: ['a', 3 as never], window: '7d' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: funnel: options.steps[1] has the wrong type (expected a non-empty string; received integer)]`,
    );
    expect(() => funnel([], { steps } as never)).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: funnel: options.window is required]`,
    );
    expect(() =>
      funnel([{ customerId: 'a', type: 'signup' } as never], { steps, window: '7d' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: funnel: events[0].at is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received undefined)]`,
    );
    const acc = funnelAccumulator({ steps, window: '7d' });
    expect(() => acc.merge({ ...acc.snapshot(), state: { customers: [['a', [t0, 9]]] } })).toThrow(
      /snapshot\.state\.customers\[0\]\[1\]\[1\]/,
    );
  });
});
