import { actionKey } from '../src/core/action';
import { fromWallClock, wallClock } from '../src/core/timeZone';
import { createRandom } from '../src/testing/index';
import {
  classifyExitReason,
  defineWinbackPolicy,
  EXIT_REASONS,
  planWinback,
  type WinbackCustomer,
  type WinbackEvent,
} from '../src/winback/index';
import type { BenchModule } from './harness';

const CUSTOMERS = 1_000_000;
const ANSWERS = 100_000;
const DAY = 86_400_000;

const winback: BenchModule = {
  name: 'winback',
  groups() {
    const r = createRandom(9);
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney', 'UTC'];
    const reasons = EXIT_REASONS;
    const start = Date.UTC(2026, 2, 1);
    // Three segments, a send window, a weekly cap and a 10% holdout: the work of a real policy.
    const policy = defineWinbackPolicy({
      id: 'winback',
      version: 1,
      segments: [
        { id: 'price', when: { fact: 'reason', op: 'eq', value: 'price' } },
        {
          id: 'no-value',
          when: { fact: 'reason', op: 'in', value: ['no_value', 'missing_feature'] },
        },
        { id: 'everyone-else' },
      ],
      delivery: {
        sendWindow: { start: '09:00', end: '20:00' },
        caps: [{ max: 2, per: '7d' }],
      },
      holdout: { share: 0.1 },
    });
    // A million voluntary cancellations over March, each with the reason chosen in the cancel
    // flow, planned at its decision (an hour later) with every step.
    const customers: WinbackCustomer[] = [];
    const events: WinbackEvent[][] = [];
    const nows: number[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const at = start + Math.floor(r.next() * 31 * DAY);
      customers.push({
        id: `cus_${i}`,
        timeZone: zones[i % zones.length]!,
        plan: i % 3 === 0 ? 'pro' : 'team',
        mrr: i % 3 === 0 ? 9900 : 2900,
        currency: 'EUR',
      });
      events.push([
        {
          id: `cancel_${i}`,
          type: 'subscription_canceled',
          at,
          properties: { kind: 'voluntary' },
        },
        {
          type: 'cancellation_requested',
          at: at - 60_000,
          properties: { reason: reasons[Math.floor(r.next() * reasons.length)]! },
        },
      ]);
      nows.push(at + 3_600_000);
    }
    const steps = [3, 14, 30];
    const sendAt = 10 * 60 * 60_000;
    let sink = 0;
    const texts = [
      'Too expensive for what we use',
      'We switched to a competitor',
      'Never really got value from it',
      'The export feature we needed is missing',
      'Слишком дорого для нас',
      'Закрыли бизнес',
      'Support never answered my ticket',
      'Constant bugs and crashes',
    ];
    const answers = Array.from({ length: ANSWERS }, (_, i) => texts[i % texts.length]!);

    return [
      {
        title: `plan win-back for ${CUSTOMERS.toLocaleString('en-US')} churned customers (3 segments, send window, cap, 10% holdout, 5 time zones)`,
        baseline: 'hand-written loop: step instants and keys',
        iterations: 3,
        time: 0,
        warmup: 1,
        cases: [
          {
            name: 'hand-written loop: step instants and keys',
            items: CUSTOMERS,
            fn: () => {
              for (let i = 0; i < CUSTOMERS; i++) {
                const canceledAt = events[i]![0]!.at as number;
                const zone = customers[i]!.timeZone!;
                const day = Math.floor(wallClock(canceledAt, zone) / DAY);
                for (const n of steps) {
                  const dueAt = fromWallClock((day + n) * DAY + sendAt, zone);
                  const source = {
                    module: 'winback' as const,
                    definitionId: 'winback',
                    version: 1,
                    occurrence: `cancel_${i}`,
                    step: `s${n}`,
                  };
                  sink += dueAt + actionKey(customers[i]!.id, source).length;
                }
              }
            },
          },
          {
            name: 'retention-kit planWinback',
            items: CUSTOMERS,
            fn: () => {
              for (let i = 0; i < CUSTOMERS; i++)
                sink += planWinback(customers[i]!, policy, { now: nows[i]!, events: events[i]! })
                  .actions.length;
            },
          },
          {
            name: 'retention-kit planWinback, horizon 1 day',
            items: CUSTOMERS,
            fn: () => {
              for (let i = 0; i < CUSTOMERS; i++)
                sink += planWinback(customers[i]!, policy, {
                  now: nows[i]!,
                  events: events[i]!,
                  horizon: '1d',
                }).actions.length;
            },
          },
        ],
        targets: [
          {
            kind: 'time',
            case: 'retention-kit planWinback',
            atMostMs: 1000,
            description:
              'plans win-back for 1M churned customers in under 1 s (every step and key)',
          },
          {
            kind: 'time',
            case: 'retention-kit planWinback, horizon 1 day',
            atMostMs: 1000,
            description: 'plans win-back for 1M churned customers in under 1 s (engine mode)',
          },
        ],
        notes: () => ({ sink: sink > 0 ? 'ok' : 'empty' }),
      },
      {
        title: `classify ${ANSWERS.toLocaleString('en-US')} exit-survey answers (English and Russian)`,
        cases: [
          {
            name: 'retention-kit classifyExitReason',
            items: ANSWERS,
            fn: () => {
              for (const a of answers) sink += classifyExitReason(a).confidence;
            },
          },
        ],
      },
    ];
  },
};

export default winback;
