/**
 * The engine's daily tick (issue 10): over 100k customers with the memory store in under 2 s.
 * (The PostgreSQL target is in engine-postgres.bench.ts, a module of its own so that this one's
 * 100k customers are not in memory while it runs.) The baseline of the daily tick is the same planners called in
 * a plain loop with state in a Map: the floor the engine's bookkeeping (claims, leases, commits,
 * the outbox) adds to.
 */
import { createManualClock } from '../src/adapters/clock';
import { createMemoryStore } from '../src/adapters/memoryStore';
import type { Delivery, StoredEvent } from '../src/adapters/types';
import type { PlannedAction } from '../src/core/action';
import type { ActivityEvent, Customer, Subscription } from '../src/core/records';
import { defineDunningPolicy } from '../src/dunning/index';
import {
  type CustomerProfile,
  createRetentionEngine,
  dunningPlanner,
  type EnginePlanner,
  lifecyclePlanner,
} from '../src/engine/index';
import { onboardingMachine } from '../src/lifecycle/index';
import { createRandom } from '../src/testing/index';
import type { BenchGroup, BenchModule } from './harness';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** A delivery that sends nowhere: the recording one would keep every action in memory. */
const nullDelivery: Delivery = {
  async send() {},
};

const CUSTOMERS = Number(process.env.RK_BENCH_ENGINE_CUSTOMERS ?? 100_000);
const T0 = Date.UTC(2026, 5, 1, 6);

const policy = () =>
  defineDunningPolicy({
    id: 'standard',
    version: 1,
    billing: { interval: 'month' },
    updatePaymentUrl: 'https://example.com/billing',
    retries: { schedule: ['1d', '3d', '5d', '7d'], window: '14d' },
    finalAction: { type: 'cancel' },
  });

const lifecycleOptions = {
  events: { report_created: 'first_value', subscription_canceled: 'cancelled' },
};

/** A planner of the kind users write: a nudge to customers who have not reached first value. */
const nudgePlanner = (): EnginePlanner<{ readonly nudged: boolean } | null> => ({
  name: 'nudge',
  plan(prior, { customerId, events, profile, now }) {
    if (prior?.nudged === true || profile.signedUpAt === null)
      return { state: prior ?? null, actions: [], cancel: [], wakeAt: null };
    const valued = events.some((e) => e.type === 'report_created');
    if (valued || now - profile.signedUpAt < 3 * DAY)
      return { state: { nudged: valued }, actions: [], cancel: [], wakeAt: null };
    const action: PlannedAction = {
      key: `nudge:${customerId}`,
      customerId,
      channel: 'email',
      template: 'first-report-nudge',
      params: {},
      priority: 0,
      dueAt: now,
      source: { module: 'custom', definitionId: 'nudge', version: 1, occurrence: customerId },
    };
    return { state: { nudged: true }, actions: [action], cancel: [], wakeAt: null };
  },
});

interface Population {
  readonly customers: Customer[];
  readonly subscriptions: Subscription[];
}

function population(): Population {
  const random = createRandom(7);
  const customers: Customer[] = [];
  const subscriptions: Subscription[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const id = `c${i}`;
    const signedUpAt = T0 - Math.floor(random.next() * 120) * DAY - Math.floor(random.next() * DAY);
    customers.push({
      id,
      signedUpAt,
      timeZone: ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'][i % 4]!,
      attributes: { plan: i % 3 === 0 ? 'pro' : 'team' },
    });
    subscriptions.push({
      id: `s${i}`,
      customerId: id,
      plan: i % 3 === 0 ? 'pro' : 'team',
      status: 'active',
      billingInterval: 'month',
      amount: i % 3 === 0 ? 9900 : 2900,
      currency: 'USD',
      startedAt: signedUpAt,
      currentPeriodEnd: T0 + (1 + (i % 30)) * DAY + 2 * HOUR,
    });
  }
  return { customers, subscriptions };
}

/** One day of activity: every customer does something, some reach first value, a few fail a charge. */
function dayOfEvents(day: number, n: number): ActivityEvent[] {
  const random = createRandom(1000 + day);
  const at = T0 + day * DAY + 2 * HOUR;
  const events: ActivityEvent[] = [];
  for (let i = 0; i < n; i++) {
    const u = random.next();
    const type = u < 0.05 ? 'report_created' : u < 0.055 ? 'subscription_canceled' : 'login';
    events.push({ id: `d${day}-${i}`, customerId: `c${i}`, type, at: at + (i % 3600) * 1000 });
  }
  return events;
}

function planners(): EnginePlanner[] {
  return [
    lifecyclePlanner(onboardingMachine(), lifecycleOptions) as unknown as EnginePlanner,
    dunningPlanner(policy()) as unknown as EnginePlanner,
    nudgePlanner() as unknown as EnginePlanner,
  ];
}

async function dailyTickGroup(pop: Population): Promise<BenchGroup> {
  // the engine over the memory store, primed with the customers and their subscriptions
  const store = createMemoryStore();
  const clock = createManualClock(T0);
  const engine = createRetentionEngine({
    store,
    delivery: nullDelivery,
    clock,
    workerId: 'bench',
    planners: planners(),
  });
  await engine.ingestCustomers(pop.customers, { now: T0 });
  await engine.ingestSubscriptions(pop.subscriptions, { now: T0 });
  await engine.tick({ now: T0 });
  let day = 0;
  let planned = 0;
  let delivered = 0;

  // the floor: the same planners over the same days, state in a Map, no store
  const floorPlanners = planners();
  const floorState = new Map<string, Record<string, unknown>>();
  const profiles = new Map<string, CustomerProfile>();
  for (const c of pop.customers)
    profiles.set(c.id, {
      customerId: c.id,
      signedUpAt: c.signedUpAt as number,
      timeZone: c.timeZone ?? 'UTC',
      attributes: c.attributes ?? {},
    });
  let floorDay = 0;
  let floorEvents: StoredEvent[] = [];
  const floorTick = () => {
    const now = T0 + floorDay * DAY + 3 * HOUR;
    let n = 0;
    for (const e of floorEvents) {
      const prior = floorState.get(e.customerId) ?? {};
      const next: Record<string, unknown> = {};
      const input = {
        customerId: e.customerId,
        now,
        events: [e],
        profile: profiles.get(e.customerId)!,
        signals: [] as never[],
      };
      for (const p of floorPlanners) {
        const r = p.plan(prior[p.name] as never, input);
        next[p.name] = r.state;
        n += r.actions.length;
      }
      floorState.set(e.customerId, next);
    }
    return n;
  };

  return {
    title: `daily tick, ${CUSTOMERS.toLocaleString('en-US')} active customers (lifecycle, dunning, a custom planner)`,
    iterations: 5,
    time: 0,
    warmup: 0,
    baseline: 'planners in a plain loop (no store)',
    cases: [
      {
        name: 'planners in a plain loop (no store)',
        items: CUSTOMERS,
        beforeEach: () => {
          floorDay++;
          floorEvents = dayOfEvents(floorDay, CUSTOMERS).map((e, i) => ({
            ...e,
            at: e.at as number,
            seq: i + 1,
            properties: {},
          }));
        },
        fn: floorTick,
      },
      {
        name: 'engine.tick, memory store',
        items: CUSTOMERS,
        beforeEach: async () => {
          day++;
          clock.set(T0 + day * DAY + 3 * HOUR);
          await engine.ingest(dayOfEvents(day, CUSTOMERS));
        },
        fn: async () => {
          const r = await engine.tick();
          if (!r.ok || r.evaluate.evaluated < CUSTOMERS)
            throw new Error(`tick evaluated ${r.evaluate.evaluated} of ${CUSTOMERS}`);
          planned += r.evaluate.planned;
          delivered += r.deliver.delivered;
        },
      },
    ],
    targets: [
      {
        kind: 'time',
        case: 'engine.tick, memory store',
        atMostMs: 2000,
        description: 'a daily tick over 100k customers with the memory store in under 2 s',
      },
    ],
    notes: () => ({
      'actions planned': planned,
      'actions delivered': delivered,
      'heap after (MB)': Math.round(process.memoryUsage().heapUsed / 1e6),
    }),
  };
}

const module: BenchModule = {
  name: 'engine',
  async groups() {
    return [await dailyTickGroup(population())];
  },
};
export default module;
