/**
 * Several engines, each on its own connection pool, ticking one real PostgreSQL database at
 * once: each action is delivered exactly once. `npm run test:postgres` starts the server.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createRecordingDelivery } from '../../src/adapters/delivery';
import { createRetentionEngine } from '../../src/engine/engine';
import { cartPlanner, pingPlanner } from '../../src/engine/testPlanners';
import { createPostgresStore, migrate } from '../../src/postgres/index';

const url = process.env.RETENTION_KIT_PG_URL;
if (url === undefined)
  throw new Error(
    'RETENTION_KIT_PG_URL is not set: run npm run test:postgres, which starts a server',
  );
const pools: pg.Pool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
});

describe('engines on separate connections to one server', () => {
  it('deliver each action exactly once', async () => {
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    pools.push(admin);
    await migrate(admin, { schema: 'rk_engines' });
    const T0 = Date.UTC(2026, 0, 1);
    const delivery = createRecordingDelivery();
    const engines = Array.from({ length: 4 }, (_, i) => {
      const pool = new pg.Pool({ connectionString: url, max: 3 });
      pools.push(pool);
      return createRetentionEngine({
        store: createPostgresStore({ client: pool, schema: 'rk_engines' }),
        delivery,
        planners: [pingPlanner(0), cartPlanner()],
        workerId: `w${i}`,
        batchSize: 25,
        concurrency: 3,
      });
    });
    const events = Array.from({ length: 3000 }, (_, i) => ({
      id: `e${i}`,
      customerId: `c${i % 400}`,
      type: i % 5 === 0 ? 'cart_added' : 'ping',
      at: T0 + (i % 30) * 60_000,
    }));
    await engines[0]!.ingest(events, { now: T0 });
    for (let step = 0; step <= 10; step++) {
      const now = T0 + step * 60 * 60_000;
      const reports = await Promise.all(engines.map((e) => e.tick({ now })));
      for (const r of reports) expect(r.ok).toBe(true);
    }
    expect(delivery.duplicates).toBe(0);
    expect(delivery.sent.length).toBe(3000);
    const { rows } = await admin.query(
      `SELECT status, count(*)::int AS n FROM rk_engines.outbox GROUP BY status`,
    );
    expect(rows).toEqual([{ status: 'delivered', n: 3000 }]);
  });
});
