/**
 * The demo's engine run: the simulated business fed to `createRetentionEngine` day by day (new
 * customers, the day's events, payments and subscription snapshots), one tick at the end of each
 * day, with what the engine reports collected for the dashboard.
 */
import { createManualClock } from '../../src/adapters/clock';
import { createRecordingDelivery, type RecordingDelivery } from '../../src/adapters/delivery';
import { createMemoryStore } from '../../src/adapters/memoryStore';
import { addDuration } from '../../src/core/duration';
import type { ActivityEvent, Subscription } from '../../src/core/records';
import type { DunningCampaign } from '../../src/dunning/index';
import { defineDunningPolicy } from '../../src/dunning/index';
import { createRetentionEngine } from '../../src/engine/index';
import { onboardingMachine } from '../../src/lifecycle/index';
import { defineHealthModel } from '../../src/scoring/index';
import type { SimulatedBusiness } from '../../src/testing/index';
import type { TriggerRule } from '../../src/triggers/index';
import { defineWinbackPolicy, type WinbackEntry } from '../../src/winback/index';

const DAY = 86_400_000;

/** What the dashboard needs from the engine run. */
export interface EngineRun {
  readonly delivery: RecordingDelivery;
  /** Each customer's current stage. */
  readonly stage: ReadonlyMap<string, string>;
  /** Each customer's stage at the middle of the run (for the stage flow). */
  readonly stageAtMiddle: ReadonlyMap<string, string>;
  /** Each customer's latest health band and score. */
  readonly health: ReadonlyMap<string, { readonly band: string; readonly score: number }>;
  readonly dunningClosed: readonly DunningCampaign[];
  readonly winbackClosed: readonly WinbackEntry[];
  /** Win-back sequences started (distinct cancellations with a planned message). */
  readonly winbackStarted: number;
  readonly stageChanges: number;
  readonly evaluations: number;
  readonly planned: number;
  readonly cancelled: number;
  readonly failures: number;
  readonly seconds: number;
}

/** The rules the demo's SaaS runs: the DOMAIN scenarios that fit a subscription product. */
export const demoRules: TriggerRule[] = [
  {
    id: 'welcome',
    version: 1,
    description: 'a personal welcome when onboarding starts',
    trigger: { kind: 'stageEntered', stage: 'orientation' },
    actions: [{ channel: 'email', template: 'welcome' }],
    reentry: 'once',
  },
  {
    id: 'tour-reminder',
    version: 1,
    description: 'started the product tour and left it: a reminder inside the product',
    trigger: {
      kind: 'eventWithout',
      event: 'tour_started',
      without: 'tour_completed',
      within: '1d',
    },
    actions: [{ channel: 'in_app', template: 'finish-the-tour' }],
    reentry: 'once',
  },
  {
    id: 'first-report-help',
    version: 1,
    description: 'no first report three days after signup: a how-to',
    trigger: { kind: 'date', fact: 'signedUpAt', offsets: [{ after: '3d' }] },
    conditions: { fact: '$events.report_created.count', op: 'eq', value: 0 },
    actions: [{ channel: 'email', template: 'first-report-how-to' }],
    delivery: { sendWindow: { start: '09:00', end: '18:00' } },
  },
  {
    id: 'day-14-csat',
    version: 1,
    description: 'a CSAT survey two weeks in',
    trigger: { kind: 'date', fact: 'signedUpAt', offsets: [{ after: '14d' }] },
    actions: [{ channel: 'email', template: 'csat-survey' }],
    delivery: { sendWindow: { start: '09:00', end: '18:00' } },
  },
  {
    id: 'big-account-quiet',
    version: 1,
    description:
      'a business-plan customer with no login for three weeks: a task for a personal call',
    trigger: { kind: 'inactivity', event: 'login', for: '21d' },
    conditions: { fact: 'plan', op: 'eq', value: 'business' },
    actions: [{ channel: 'crm_task', template: 'personal-call', priority: 10 }],
  },
  {
    id: 'at-risk-check-in',
    version: 1,
    description: 'entered at-risk: a check-in from customer success',
    trigger: { kind: 'stageEntered', stage: 'at_risk' },
    actions: [{ channel: 'email', template: 'check-in' }],
    reentry: { oncePer: '30d' },
  },
  {
    id: 'integration-milestone',
    version: 1,
    description: 'the first integration connected: congratulations and the next step',
    trigger: { kind: 'event', event: 'integration_connected' },
    actions: [{ channel: 'in_app', template: 'integration-next-steps' }],
    reentry: 'once',
  },
];

const tiers = (...points: [number, number][]) => ({
  kind: 'tiers' as const,
  tiers: points.map(([atLeast, score]) => ({ atLeast, score })),
});

/**
 * The health model: in the first two weeks, onboarding progress (a new customer is not at risk
 * for having no history yet); after that, usage breadth and depth over the last 30 days, value
 * (reports) and support experience.
 */
export const demoHealthModel = () =>
  defineHealthModel({
    id: 'saas-health',
    version: 1,
    scorecards: [
      {
        id: 'onboarding',
        when: { fact: 'daysSinceSignup', op: 'lt', value: 14 },
        dimensions: [
          {
            id: 'progress',
            measures: [
              {
                id: 'logins',
                fact: 'activity.login.last7d',
                scale: tiers([0, 50], [1, 75], [3, 100]),
                missing: { score: 50 },
              },
              {
                id: 'tour',
                fact: 'activity.tour_completed.count',
                scale: tiers([0, 50], [1, 100]),
                missing: { score: 50 },
              },
              {
                id: 'project',
                fact: 'activity.project_created.count',
                scale: tiers([0, 50], [1, 100]),
                missing: { score: 50 },
              },
            ],
          },
        ],
      },
      {
        id: 'established',
        dimensions: [
          {
            id: 'usage',
            weight: 3,
            measures: [
              {
                id: 'logins',
                fact: 'activity.login.last30d',
                scale: tiers([0, 0], [1, 45], [3, 75], [6, 100]),
                missing: { score: 0 },
              },
              {
                id: 'features',
                fact: 'activity.feature_used.last30d',
                scale: { kind: 'linear', zeroAt: 0, fullAt: 10 },
                missing: { score: 0 },
              },
            ],
          },
          {
            id: 'value',
            weight: 2,
            measures: [
              {
                id: 'reports',
                fact: 'activity.report_created.last30d',
                scale: { kind: 'linear', zeroAt: 0, fullAt: 2 },
                missing: { score: 0 },
              },
            ],
          },
          {
            id: 'support',
            measures: [
              {
                id: 'incidents',
                fact: 'activity.incident_affected.last30d',
                scale: tiers([0, 100], [1, 60], [3, 20]),
                missing: { score: 100 },
              },
            ],
          },
        ],
      },
    ],
  });

/** The rules and policies the demo runs, exported for the docs and tests. */
export const demoDunningPolicy = () =>
  defineDunningPolicy({
    id: 'standard',
    version: 1,
    billing: { interval: 'month' },
    updatePaymentUrl: 'https://example.com/billing',
    retries: { schedule: ['1d', '3d', '5d', '7d'], window: '14d' },
    finalAction: { type: 'cancel' },
  });

export const demoWinbackPolicy = () =>
  defineWinbackPolicy({ id: 'winback', version: 1, holdout: { share: 0.1 } });

/** The day's records, cut from the simulated history. */
function byDay<T>(records: readonly T[], at: (r: T) => number, start: number, days: number): T[][] {
  const out: T[][] = Array.from({ length: days }, () => []);
  for (const r of records) {
    const d = Math.floor((at(r) - start) / DAY);
    if (d >= 0 && d < days) out[d]!.push(r);
  }
  return out;
}

/**
 * Runs the engine over the simulated history, one tick at the end of each day.
 *
 * @param business - The simulated business.
 * @param onDay - Called after each day's tick (for progress).
 */
export async function runEngine(
  business: SimulatedBusiness,
  onDay: (day: number, days: number) => void,
): Promise<EngineRun> {
  const started = performance.now();
  const { start } = business.options;
  const days = Math.round((business.end - start) / DAY);
  const store = createMemoryStore();
  const delivery = createRecordingDelivery();
  const clock = createManualClock(start);
  const engine = createRetentionEngine({
    store,
    delivery,
    clock,
    workerId: 'demo',
    healthModel: demoHealthModel(),
    // scores are refreshed on every event; a quiet customer is rescored weekly
    scoring: { every: '7d' },
    machine: onboardingMachine(),
    lifecycle: {
      events: {
        report_created: 'first_value',
        subscription_paused: 'paused',
        subscription_resumed: 'resumed',
        subscription_canceled: 'cancelled',
        subscription_reactivated: 'reactivated',
      },
    },
    dunningPolicy: demoDunningPolicy(),
    winbackPolicy: demoWinbackPolicy(),
    rules: demoRules,
  });

  const stage = new Map<string, string>();
  let stageAtMiddle = new Map<string, string>();
  const health = new Map<string, { band: string; score: number }>();
  const dunningClosed: DunningCampaign[] = [];
  const winbackClosed: WinbackEntry[] = [];
  const winbackOccurrences = new Set<string>();
  let stageChanges = 0;
  engine.on('stage:changed', ({ customerId, to }) => {
    stage.set(customerId, to);
    stageChanges++;
  });
  engine.on('signal', ({ customerId, signal }) => {
    if (signal.type === 'health_changed')
      health.set(customerId, { band: String(signal.data.band), score: Number(signal.data.score) });
    else if (signal.type === 'dunning_closed')
      dunningClosed.push(signal.data.campaign as unknown as DunningCampaign);
    else if (signal.type === 'winback_closed')
      winbackClosed.push(signal.data.entry as unknown as WinbackEntry);
  });
  engine.on('action:planned', (a) => {
    if (a.source.module === 'winback')
      winbackOccurrences.add(`${a.customerId}:${a.source.occurrence}`);
  });

  // payments go in through ingestPayments; the same charges in the activity stream are left out
  const activity = byDay(
    business.events.filter((e) => e.type !== 'payment_failed' && e.type !== 'payment_succeeded'),
    (e) => e.at as number,
    start,
    days,
  );
  const signups = byDay(business.customers, (c) => c.signedUpAt as number, start, days);
  const payments = byDay(business.payments, (p) => p.at as number, start, days);
  const subscriptionOf = new Map(business.subscriptions.map((s) => [s.id, s]));
  let evaluations = 0;
  let planned = 0;
  let cancelled = 0;
  let failures = 0;

  for (let day = 0; day < days; day++) {
    const end = start + (day + 1) * DAY;
    const now = { now: end };
    if (signups[day]!.length > 0) await engine.ingestCustomers(signups[day]!, now);
    if (activity[day]!.length > 0) await engine.ingest(activity[day] as ActivityEvent[], now);
    if (payments[day]!.length > 0) {
      await engine.ingestPayments(payments[day]!, now);
      // a successful charge starts the next billing period: the subscription's new snapshot
      const snapshots: Subscription[] = [];
      for (const p of payments[day]!) {
        const sub =
          p.subscriptionId === undefined ? undefined : subscriptionOf.get(p.subscriptionId);
        if (sub === undefined || p.outcome !== 'succeeded') continue;
        const next = addDuration(
          p.at as number,
          sub.billingInterval === 'year' ? { years: 1 } : { months: 1 },
          { timeZone: 'UTC' },
        );
        // the period just paid for is active, whatever became of the subscription later
        const { canceledAt: _, ...rest } = sub;
        snapshots.push({ ...rest, status: 'active', currentPeriodEnd: next });
      }
      if (snapshots.length > 0) await engine.ingestSubscriptions(snapshots, now);
    }
    clock.set(end);
    const report = await engine.tick();
    evaluations += report.evaluate.evaluated;
    planned += report.evaluate.planned;
    cancelled += report.evaluate.cancelled;
    failures += report.evaluate.failures.length + report.deliver.failures.length;
    if (day === Math.floor(days / 2)) stageAtMiddle = new Map(stage);
    onDay(day + 1, days);
  }
  return {
    delivery,
    stage,
    stageAtMiddle,
    health,
    dunningClosed,
    winbackClosed,
    winbackStarted: winbackOccurrences.size,
    stageChanges,
    evaluations,
    planned,
    cancelled,
    failures,
    seconds: (performance.now() - started) / 1000,
  };
}
