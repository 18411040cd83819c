/**
 * The PostgreSQL store against a real server (`npm run test:postgres` starts one): the
 * conformance suite with each worker on its own connection pool, and contention tests with
 * several connections claiming from the same tables at once.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { RetentionStore } from '../../src/adapters/types';
import type { PlannedAction } from '../../src/core/action';
import { createPostgresStore, migrate } from '../../src/postgres/index';
import { storeConformance } from '../../src/testing/conformance';

const url = process.env.RETENTION_KIT_PG_URL;
if (url === undefined)
  throw new Error(
    'RETENTION_KIT_PG_URL is not set: run npm run test:postgres, which starts a server',
  );

const admin = new pg.Pool({ connectionString: url, max: 2 });
const pools = new Map<RetentionStore, { schema: string; pools: pg.Pool[] }>();
let n = 0;

afterAll(async () => {
  await admin.end();
});

async function freshStore(): Promise<RetentionStore> {
  const schema = `rk_real_${++n}`;
  await migrate(admin, { schema });
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const store = createPostgresStore({ client: pool, schema });
  pools.set(store, { schema, pools: [pool] });
  return store;
}

/** Another store on its own connection, on the same schema. */
function connect(store: RetentionStore): RetentionStore {
  const entry = pools.get(store)!;
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  entry.pools.push(pool);
  return createPostgresStore({ client: pool, schema: entry.schema });
}

async function cleanup(store: RetentionStore): Promise<void> {
  const entry = pools.get(store)!;
  await Promise.all(entry.pools.map((p) => p.end()));
  await admin.query(`DROP SCHEMA ${entry.schema} CASCADE`);
}

describe('createPostgresStore on a real server', () => {
  storeConformance(it, freshStore, {
    name: 'PostgresStore (server)',
    connect,
    cleanup,
    workers: 6,
  });

  it('four connections claiming 2,000 actions get each exactly once', async () => {
    const store = await freshStore();
    try {
      const T0 = Date.UTC(2026, 0, 1);
      const actions: PlannedAction[] = Array.from({ length: 2000 }, (_, i) => ({
        key: `k${i}`,
        customerId: `c${i % 50}`,
        channel: 'email',
        template: 't',
        params: {},
        priority: 0,
        dueAt: T0 + (i % 100),
        source: { module: 'triggers', definitionId: 'r', version: 1, occurrence: String(i) },
      }));
      for (let c = 0; c < 50; c++) {
        await store.commit({
          customerId: `c${c}`,
          expectedVersion: 0,
          state: {},
          wakeAt: null,
          eventCursor: 0,
          enqueue: actions.filter((a) => a.customerId === `c${c}`),
          cancel: [],
          now: T0,
        });
      }
      const workers = [store, connect(store), connect(store), connect(store)];
      const owners = new Map<string, number>();
      await Promise.all(
        workers.map(async (w, i) => {
          for (;;) {
            const batch = await w.claimActions({
              now: T0 + 1000,
              limit: 25,
              owner: `w${i}`,
              leaseMs: 60_000,
            });
            if (batch.length === 0) return;
            for (const e of batch) {
              expect(owners.has(e.action.key)).toBe(false);
              owners.set(e.action.key, i);
            }
            await Promise.all(
              batch.map((e) => w.completeAction(e.action.key, `w${i}`, { now: T0 + 1000 })),
            );
          }
        }),
      );
      expect(owners.size).toBe(2000);
      expect(new Set(owners.values()).size).toBeGreaterThan(1);
      expect((await store.listActions({ status: 'delivered' })).length).toBe(2000);
    } finally {
      await cleanup(store);
    }
  });

  it('customers claimed by many connections at once are never shared', async () => {
    const store = await freshStore();
    try {
      const T0 = Date.UTC(2026, 0, 1);
      for (let c = 0; c < 500; c++) {
        await store.commit({
          customerId: `c${c}`,
          expectedVersion: 0,
          state: { c },
          wakeAt: T0 + c,
          eventCursor: 0,
          enqueue: [],
          cancel: [],
          now: T0,
        });
      }
      const workers = [store, ...Array.from({ length: 5 }, () => connect(store))];
      const claimed: string[] = [];
      await Promise.all(
        workers.map(async (w, i) => {
          for (;;) {
            const batch = await w.claimDueCustomers({
              now: T0 + 1000,
              limit: 20,
              owner: `w${i}`,
              leaseMs: 60_000,
            });
            if (batch.length === 0) return;
            for (const c of batch) claimed.push(c.customerId);
          }
        }),
      );
      expect(claimed.length).toBe(500);
      expect(new Set(claimed).size).toBe(500);
    } finally {
      await cleanup(store);
    }
  });
});
