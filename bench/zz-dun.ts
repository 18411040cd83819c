import {
  classifyDecline,
  type DunningCampaign,
  type DunningEvent,
  defineDunningPolicy,
  dunningMetrics,
  knownDeclineCodes,
  planDunning,
} from '/work/main/dist/dunning/index.js';
import type { Subscription } from '/work/main/dist/index.js';
import { actionKey, fromWallClock, wallClock } from '/work/main/dist/index.js';
import { createRandom } from '/work/main/dist/testing/index.js';
import type { BenchModule } from './harness';

const SUBSCRIPTIONS = 1_000_000;
const CAMPAIGNS = 10_000;
const DAY = 86_400_000;

const dunning: BenchModule = {
  name: 'dunning',
  groups() {
    const r = createRandom(8);
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney', 'UTC'];
    const now = Date.UTC(2026, 4, 1);
    const policy = defineDunningPolicy({
      id: 'standard',
      version: 1,
      billing: { interval: 'month' },
      updatePaymentUrl: 'https://example.com/billing/{customerId}',
      retries: { schedule: ['1d', '3d', '5d', '7d'], window: '14d' },
      finalAction: { type: 'cancel' },
    });
    // A billing base on 1 May: renewals spread over the next month, one card in ten expiring first.
    const subs: Subscription[] = Array.from({ length: SUBSCRIPTIONS }, (_, i) => ({
      id: `sub_${i}`,
      customerId: `cus_${i}`,
      plan: 'team',
      status: 'active',
      billingInterval: 'month',
      amount: 4900,
      currency: 'EUR',
      startedAt: now - 100 * DAY,
      currentPeriodEnd: now + Math.floor(r.next() * 31 * DAY),
      ...(i % 10 === 0 ? { card: { expMonth: 5, expYear: 2026 } } : {}),
    }));
    const zoneOf = subs.map((_, i) => zones[i % zones.length]!);
    const sendAt = 10 * 60 * 60_000;
    let sink = 0;

    // Campaigns: a failed renewal each, driven to its end by a billing backend whose retries
    // succeed one time in five.
    const codes = knownDeclineCodes().map((c) => c.code);
    const failures = Array.from({ length: CAMPAIGNS }, (_, i) => ({
      sub: { ...subs[i]!, status: 'past_due' as const, currentPeriodEnd: now + 31 * DAY },
      event: {
        type: 'payment_failed',
        at: now,
        amount: 4900,
        currency: 'EUR',
        declineCode:
          r.next() < 0.8 ? 'insufficient_funds' : codes[Math.floor(r.next() * codes.length)]!,
      } satisfies DunningEvent,
    }));
    const closed: DunningCampaign[] = [];
    const driveAll = () => {
      let calls = 0;
      closed.length = 0;
      for (const { sub, event } of failures) {
        let plan = planDunning(sub, policy, { now, events: [event] });
        calls++;
        while (plan.nextWakeUpAt !== null) {
          const t = plan.nextWakeUpAt;
          const events: DunningEvent[] = [];
          for (const s of plan.steps)
            if (s.kind === 'retry' && s.dueAt === t)
              events.push(
                stableOk(s.action.key)
                  ? { type: 'payment_succeeded', at: t, amount: 4900, currency: 'EUR' }
                  : {
                      type: 'payment_failed',
                      at: t,
                      amount: 4900,
                      currency: 'EUR',
                      declineCode: 'insufficient_funds',
                    },
              );
          plan = planDunning(sub, policy, { now: t, state: plan.state, events });
          calls++;
          closed.push(...plan.closed);
        }
      }
      return calls;
    };
    const calls = driveAll();
    const allCodes = Array.from({ length: SUBSCRIPTIONS }, (_, i) => codes[i % codes.length]!);
    const table = new Map(knownDeclineCodes().map((c) => [c.code, c.class]));

    return [
      {
        title: `plan ${SUBSCRIPTIONS.toLocaleString('en-US')} subscriptions (7- and 3-day reminders in 5 time zones)`,
        baseline: 'hand-written loop: reminder instants and keys',
        iterations: 3,
        time: 0,
        warmup: 1,
        cases: [
          {
            name: 'hand-written loop: reminder instants only',
            items: SUBSCRIPTIONS,
            fn: () => {
              for (let i = 0; i < SUBSCRIPTIONS; i++) {
                const charge = subs[i]!.currentPeriodEnd as number;
                const zone = zoneOf[i]!;
                const day = Math.floor(wallClock(charge, zone) / DAY);
                sink += fromWallClock((day - 7) * DAY + sendAt, zone);
                sink += fromWallClock((day - 3) * DAY + sendAt, zone);
              }
            },
          },
          {
            name: 'hand-written loop: reminder instants and keys',
            items: SUBSCRIPTIONS,
            fn: () => {
              for (let i = 0; i < SUBSCRIPTIONS; i++) {
                const s = subs[i]!;
                const charge = s.currentPeriodEnd as number;
                const zone = zoneOf[i]!;
                const day = Math.floor(wallClock(charge, zone) / DAY);
                const occurrence = `${s.id}:${charge}`;
                for (const n of [7, 3]) {
                  const dueAt = fromWallClock((day - n) * DAY + sendAt, zone);
                  if (dueAt < now) continue;
                  const source = {
                    module: 'dunning' as const,
                    definitionId: 'standard',
                    version: 1,
                    occurrence,
                    step: `pre-charge-${n}d`,
                  };
                  sink += dueAt + actionKey(s.customerId, source).length;
                }
              }
            },
          },
          {
            name: 'retention-kit planDunning',
            items: SUBSCRIPTIONS,
            fn: () => {
              for (let i = 0; i < SUBSCRIPTIONS; i++)
                sink += planDunning(subs[i]!, policy, { now, timeZone: zoneOf[i]! }).steps.length;
            },
          },
          {
            name: 'retention-kit planDunning, horizon 1 day',
            items: SUBSCRIPTIONS,
            fn: () => {
              for (let i = 0; i < SUBSCRIPTIONS; i++)
                sink += planDunning(subs[i]!, policy, { now, timeZone: zoneOf[i]!, horizon: '1d' })
                  .steps.length;
            },
          },
        ],
        targets: [
          {
            kind: 'time',
            case: 'retention-kit planDunning',
            atMostMs: 1000,
            description: 'plans 1M subscriptions in under 1 s (whole timeline, every key)',
          },
          {
            kind: 'time',
            case: 'retention-kit planDunning, horizon 1 day',
            atMostMs: 1000,
            description: 'plans 1M subscriptions in under 1 s (engine mode: keys for the next day)',
          },
        ],
      },
      {
        title: `drive ${CAMPAIGNS.toLocaleString('en-US')} failed renewals to their end (${calls.toLocaleString('en-US')} planDunning calls)`,
        iterations: 3,
        time: 0,
        warmup: 1,
        cases: [
          { name: 'retention-kit planDunning, campaign by campaign', items: calls, fn: driveAll },
        ],
        notes: () => {
          const m = dunningMetrics(closed);
          return {
            'recovery rate (simulated)': (m.recoveryRate ?? 0).toFixed(3),
            campaigns: m.campaigns,
          };
        },
      },
      {
        title: `classify ${SUBSCRIPTIONS.toLocaleString('en-US')} decline codes`,
        baseline: 'Map lookup',
        cases: [
          {
            name: 'Map lookup',
            items: SUBSCRIPTIONS,
            fn: () => {
              for (const code of allCodes) if (table.get(code) === 'hard') sink++;
            },
          },
          {
            name: 'retention-kit classifyDecline',
            items: SUBSCRIPTIONS,
            fn: () => {
              for (const code of allCodes) if (classifyDecline(code).class === 'hard') sink++;
            },
          },
        ],
      },
      {
        title: `dunningMetrics over ${closed.length.toLocaleString('en-US')} closed campaigns`,
        baseline: 'hand-written loop',
        cases: [
          {
            name: 'hand-written loop',
            items: closed.length,
            fn: () => {
              let failed = 0;
              let recovered = 0;
              for (const c of closed) {
                failed += c.amountFailed;
                recovered += c.recoveredByRetries + c.recoveredByCustomer;
              }
              sink += recovered / failed;
            },
          },
          {
            name: 'retention-kit dunningMetrics',
            items: closed.length,
            fn: () => {
              sink += dunningMetrics(closed).recoveryRate ?? 0;
            },
          },
        ],
        // printed so the engine cannot drop the timed loops as dead code
        notes: () => ({ checksum: sink % 997 }),
      },
    ];
  },
};

/** A retry succeeds one time in five, the same way on every run. */
function stableOk(key: string): boolean {
  return Number.parseInt(key.slice(4, 8), 16) % 5 === 0;
}

export default dunning;
