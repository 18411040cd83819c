import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordingDelivery } from '../adapters/delivery';
import { createPostgresStore, migrate } from '../postgres/index';
import { createRetentionEngine } from './engine';
import { cartPlanner, pingPlanner } from './testPlanners';

const T0 = Date.UTC(2026, 0, 1);
let db: PGlite;

beforeAll(async () => {
  db = new PGlite();
  await migrate(db, { schema: 'rk_engine' });
});
afterAll(async () => {
  await db.close();
});

describe('engines on one PostgreSQL database (PGlite)', () => {
  it('interleaved engines deliver each action exactly once, with cancellations honoured', async () => {
    const delivery = createRecordingDelivery();
    const engines = Array.from({ length: 3 }, (_, i) =>
      createRetentionEngine({
        store: createPostgresStore({ client: db, schema: 'rk_engine' }),
        delivery,
        planners: [pingPlanner(0), cartPlanner()],
        workerId: `w${i}`,
        batchSize: 5,
        concurrency: 2,
      }),
    );
    const events = Array.from({ length: 120 }, (_, i) => ({
      id: `e${i}`,
      customerId: `c${i % 20}`,
      type: i % 4 === 0 ? 'cart_added' : 'ping',
      at: T0 + (i % 6) * 60_000,
    }));
    await engines[0]!.ingest(events, { now: T0 });
    await engines[1]!.ingest(
      [{ id: 'order', customerId: 'c0', type: 'order_placed', at: T0 + 3_600_000 }],
      { now: T0 + 3_600_000 },
    );
    for (let step = 0; step <= 20; step++) {
      const now = T0 + step * 30 * 60_000;
      await Promise.all(engines.map((e) => e.tick({ now })));
    }
    expect(delivery.duplicates).toBe(0);
    const carts = events.filter((e) => e.type === 'cart_added');
    const pings = events.length - carts.length;
    // c0's carts were cancelled by its order; every other action went out once
    expect(delivery.sent.length).toBe(pings + carts.filter((e) => e.customerId !== 'c0').length);
  });
});
