import { describe, expect, it } from 'vitest';
import type { Lifetime } from '../core/records';
import { simulateBusiness } from '../testing/simulate';
import { featureUsageByOutcome, featureUsageByOutcomeAccumulator } from './featureUsageByOutcome';
import type { MetricEvent } from './inputs';

const DAY = 86_400_000;
const t0 = Date.UTC(2026, 0, 1);

describe('featureUsageByOutcome', () => {
  it('compares the share of churned and retained customers who never used each feature', () => {
    const lifetimes: Lifetime[] = [
      { customerId: 'r1', start: t0 },
      { customerId: 'r2', start: t0 },
      { customerId: 'c1', start: t0, end: t0 + 20 * DAY },
      { customerId: 'c2', start: t0, end: t0 + 25 * DAY },
    ];
    const events: MetricEvent[] = [
      { customerId: 'r1', type: 'feature_used', at: t0 + DAY, properties: { feature: 'crm_sync' } },
      { customerId: 'r2', type: 'feature_used', at: t0 + DAY, properties: { feature: 'crm_sync' } },
      { customerId: 'c1', type: 'feature_used', at: t0 + DAY, properties: { feature: 'reports' } },
      { customerId: 'r1', type: 'feature_used', at: t0 + DAY, properties: { feature: 'reports' } },
      { customerId: 'c2', type: 'login', at: t0 + DAY },
    ];
    const r = featureUsageByOutcome(events, lifetimes, {
      asOf: t0 + 60 * DAY,
      feature: { event: 'feature_used', property: 'feature' },
    });
    expect(r).toEqual({
      churned: 2,
      retained: 2,
      pending: 0,
      withoutLifetime: 0,
      features: [
        {
          feature: 'crm_sync',
          usedByChurned: 0,
          usedByRetained: 2,
          neverUsedByChurned: 1,
          neverUsedByRetained: 0,
          gap: 1,
        },
        {
          feature: 'reports',
          usedByChurned: 1,
          usedByRetained: 1,
          neverUsedByChurned: 0.5,
          neverUsedByRetained: 0.5,
          gap: 0,
        },
      ],
    });
  });

  it('compares first months with a window: usage after it does not count, open windows are pending', () => {
    const lifetimes: Lifetime[] = [
      { customerId: 'late-user', start: t0 },
      { customerId: 'early-churn', start: t0, end: t0 + 10 * DAY },
      { customerId: 'recent', start: t0 + 50 * DAY },
    ];
    const events: MetricEvent[] = [
      { customerId: 'late-user', type: 'integration_connected', at: t0 + 40 * DAY },
      { customerId: 'late-user', type: 'integration_connected', at: t0 + 30 * DAY }, // exactly at the end: too late
      { customerId: 'recent', type: 'integration_connected', at: t0 + 51 * DAY },
    ];
    const r = featureUsageByOutcome(events, lifetimes, { asOf: t0 + 60 * DAY, window: '30d' });
    expect(r).toMatchObject({ churned: 1, retained: 1, pending: 1 });
    expect(r.features).toEqual([
      {
        feature: 'integration_connected',
        usedByChurned: 0,
        usedByRetained: 0,
        neverUsedByChurned: 1,
        neverUsedByRetained: 1,
        gap: 0,
      },
    ]);
  });

  it('lists the requested features even when nobody used them, and skips customers without a lifetime', () => {
    const r = featureUsageByOutcome(
      [{ customerId: 'ghost', type: 'api', at: t0 }],
      [{ customerId: 'a', start: t0, end: t0 + DAY }],
      { asOf: t0 + 9 * DAY, features: ['api', 'exports'] },
    );
    expect(r.withoutLifetime).toBe(1);
    expect(r.features.map((f) => [f.feature, f.neverUsedByChurned, f.gap])).toEqual([
      ['api', 1, null],
      ['exports', 1, null],
    ]);
  });

  it('finds the feature the simulated churners skip (the CRM integration)', () => {
    const b = simulateBusiness({ seed: 3, customers: 1500, days: 120 });
    const r = featureUsageByOutcome(b.events, b.lifetimes, {
      asOf: b.end,
      window: '30d',
      features: ['integration_connected', 'report_created', 'login'],
    });
    expect(r.churned).toBeGreaterThan(20);
    const crm = r.features.find((f) => f.feature === 'integration_connected')!;
    expect(crm.gap!).toBeGreaterThan(0);
    expect(crm.neverUsedByChurned!).toBeGreaterThan(crm.neverUsedByRetained!);
  });

  it('returns empty groups on empty input and reports the documented errors', () => {
    expect(featureUsageByOutcome([], [], { asOf: t0 })).toEqual({
      churned: 0,
      retained: 0,
      pending: 0,
      withoutLifetime: 0,
      features: [],
    });
    expect(() => featureUsageByOutcome([], [], {} as never)).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: featureUsageByOutcome: options.asOf is required]`,
    );
    expect(() =>
      featureUsageByOutcome([], [], { asOf: t0, feature: { event: 'feature_used' } as never }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: featureUsageByOutcome: options.feature.property is required]`,
    );
    expect(() =>
      featureUsageByOutcome(
        [{ customerId: 'a', type: 'x', at: t0 }],
        [{ customerId: 'a', start: t0, end: 'never' }],
        { asOf: t0 },
      ),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: featureUsageByOutcome: lifetimes[0].end is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received string)]`,
    );
    expect(() =>
      featureUsageByOutcome([{ customerId: 'a', type: 'x' } as never], [], { asOf: t0 }),
    ).toThrow(/events\[0\]\.at/);
    expect(() =>
      featureUsageByOutcome([], {} as never, { asOf: t0 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: featureUsageByOutcome: lifetimes has the wrong type (expected an iterable; received object)]`,
    );
    expect(() =>
      featureUsageByOutcomeAccumulator({ asOf: t0 }).add({
        customerId: 'a',
        start: t0,
        end: t0 - 1,
      }),
    ).toThrow(/records\[0\]\.end is out of order/);
  });
});
