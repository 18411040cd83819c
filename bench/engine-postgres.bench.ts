/**
 * The engine's PostgreSQL target (issue 10): the store on loopback claims and completes at least
 * 5,000 actions per second with 4 workers, each an engine with its own connection. A module of
 * its own, run before engine.bench.ts, so that the daily tick's 100k customers are not on the
 * heap while it runs. Starts a throwaway server with scripts/postgres-server.mjs (Debian's
 * `postgresql`), and skips when none is installed.
 */
import { createManualClock } from '../src/adapters/clock';
import type { Delivery } from '../src/adapters/types';
import type { PlannedAction } from '../src/core/action';
import { createRetentionEngine } from '../src/engine/index';
import type { BenchGroup, BenchModule } from './harness';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 5, 1, 6);
/** A delivery that sends nowhere. */
const nullDelivery: Delivery = {
  async send() {},
};

const ACTIONS = 20_000;
const WORKERS = 4;

async function postgresGroup(): Promise<BenchGroup | null> {
  let server: { url: string; stop(): void };
  try {
    // @ts-expect-error a plain ES module script without types
    const { startPostgres } = await import('../scripts/postgres-server.mjs');
    server = await startPostgres();
  } catch (error) {
    console.log(
      `  (skipping the PostgreSQL group: ${(error as Error).message.split('\n')[0] ?? 'no server'})`,
    );
    return null;
  }
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    server.stop();
  };
  process.once('exit', stop);
  const { default: pg } = await import('pg');
  const { createPostgresStore, migrate } = await import('../src/postgres/index');
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await migrate(admin, { schema: 'bench' });
  const writer = createPostgresStore({ client: admin, schema: 'bench' });
  const clients = await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      return c;
    }),
  );
  const engines = clients.map((client, i) =>
    createRetentionEngine({
      store: createPostgresStore({ client, schema: 'bench' }),
      delivery: nullDelivery,
      workerId: `w${i}`,
      clock: createManualClock(T0),
      batchSize: 200,
      concurrency: 8,
    }),
  );
  let round = 0;
  const fill = async () => {
    round++;
    // 100 actions per customer commit, as a day of planning would leave them in the outbox
    for (let c = 0; c < ACTIONS / 100; c++) {
      const customerId = `r${round}-c${c}`;
      const enqueue: PlannedAction[] = Array.from({ length: 100 }, (_, k) => ({
        key: `r${round}-${c}-${k}`,
        customerId,
        channel: 'email',
        template: 'bench',
        params: { k },
        priority: 0,
        dueAt: T0,
        source: { module: 'custom', definitionId: 'bench', version: 1, occurrence: `${k}` },
      }));
      await writer.commit({
        customerId,
        expectedVersion: 0,
        state: null,
        wakeAt: null,
        eventCursor: 0,
        enqueue,
        cancel: [],
        now: T0,
        owner: 'filler',
      });
    }
  };
  let delivered = 0;
  return {
    title: `PostgreSQL outbox on loopback: claim and complete ${ACTIONS.toLocaleString('en-US')} actions, ${WORKERS} workers`,
    iterations: 5,
    time: 0,
    warmup: 1,
    cases: [
      {
        name: `${WORKERS} engines deliver, one connection each`,
        items: ACTIONS,
        beforeEach: fill,
        fn: async () => {
          const reports = await Promise.all(engines.map((e) => e.deliver({ now: T0 + HOUR })));
          const n = reports.reduce((sum, r) => sum + r.delivered, 0);
          if (n !== ACTIONS) throw new Error(`delivered ${n} of ${ACTIONS}`);
          delivered += n;
        },
      },
    ],
    targets: [
      {
        kind: 'rate',
        case: `${WORKERS} engines deliver, one connection each`,
        atLeastPerSecond: 5000,
        description:
          'the PostgreSQL store claims and completes at least 5,000 actions/s with 4 workers',
      },
    ],
    notes: () => ({ 'actions delivered': delivered }),
    // open connections would keep the process alive after the last module
    dispose: async () => {
      await Promise.all([admin, ...clients].map((c) => c.end()));
      stop();
    },
  };
}

const module: BenchModule = {
  name: 'engine-postgres',
  async groups() {
    const pg = await postgresGroup();
    return pg === null ? [] : [pg];
  },
};
export default module;
