import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetentionStore } from '../adapters/types';
import { storeConformance } from '../testing/conformance';
import { checkSchemaName, migrate, migrations } from './migrations';
import { createPostgresStore } from './store';

// One in-process PostgreSQL (PGlite, WASM) for the file; each test gets a schema of its own.
let db: PGlite;
let n = 0;
const schemaOf = new WeakMap<RetentionStore, string>();

beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
});
afterAll(async () => {
  await db.close();
});

async function freshStore(): Promise<RetentionStore> {
  const schema = `rk_test_${++n}`;
  await migrate(db, { schema });
  const store = createPostgresStore({ client: db, schema });
  schemaOf.set(store, schema);
  return store;
}

describe('createPostgresStore on PGlite', () => {
  storeConformance(it, freshStore, {
    name: 'PostgresStore (PGlite)',
    // PGlite has one connection: another store object on the same schema stands in for a second one.
    connect: (store) => createPostgresStore({ client: db, schema: schemaOf.get(store)! }),
    cleanup: async (store) => {
      await db.query(`DROP SCHEMA ${schemaOf.get(store)} CASCADE`);
    },
  });
});

describe('migrate', () => {
  it('applies each migration once and records it', async () => {
    expect(await migrate(db, { schema: 'rk_migrate_once' })).toEqual(
      migrations.map((m) => m.version),
    );
    expect(await migrate(db, { schema: 'rk_migrate_once' })).toEqual([]);
    const { rows } = await db.query<{ version: number; name: string }>(
      'SELECT version, name FROM rk_migrate_once.rk_migrations ORDER BY version',
    );
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
  });

  it('tolerates being called concurrently', async () => {
    const results = await Promise.all([
      migrate(db, { schema: 'rk_concurrent' }),
      migrate(db, { schema: 'rk_concurrent' }),
    ]);
    expect(results.flat().length).toBeGreaterThan(0);
    const { rows } = await db.query('SELECT count(*)::int AS n FROM rk_concurrent.rk_migrations');
    expect(rows[0]).toEqual({ n: migrations.length });
  });

  it('accepts only safe schema names', () => {
    expect(checkSchemaName('retention_kit')).toBe('retention_kit');
    for (const bad of ['Retention', 'rk; DROP TABLE x', 'a-b', '', 'x'.repeat(64), '1abc']) {
      expect(() => checkSchemaName(bad)).toThrow(/options.schema/);
    }
  });
});

describe('completions sent together', () => {
  it('answers each concurrent completion as if it ran alone, in fewer statements', async () => {
    const schema = 'rk_batched';
    await migrate(db, { schema });
    let statements = 0;
    const counting = {
      query: (text: string, params?: unknown[]) => {
        statements++;
        return db.query(text, params) as Promise<{ rows: Record<string, unknown>[] }>;
      },
    };
    const store = createPostgresStore({ client: counting, schema });
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    await store.commit({
      customerId: 'c1',
      expectedVersion: 0,
      state: null,
      wakeAt: null,
      eventCursor: 0,
      enqueue: keys.map((key) => ({
        key,
        customerId: 'c1',
        channel: 'email' as const,
        template: 't',
        params: {},
        priority: 0,
        dueAt: 0,
        source: { module: 'custom' as const, definitionId: 'd', version: 1, occurrence: key },
      })),
      cancel: [],
      now: 0,
      owner: 'w1',
    });
    const claimed = await store.claimActions({ now: 1, limit: 10, owner: 'w1', leaseMs: 60_000 });
    expect(claimed).toHaveLength(10);
    statements = 0;
    const results = await Promise.all([
      ...keys.map((key) => store.completeAction(key, 'w1', { now: 2 })),
      store.completeAction('k0', 'w1', { now: 2 }), // the same key again: already delivered
      store.completeAction('k1', 'w2', { now: 2 }), // not the owner
      store.completeAction('nope', 'w1', { now: 2 }),
    ]);
    expect(results).toEqual([...keys.map(() => true), false, false, false]);
    expect(statements).toBeLessThanOrEqual(3);
    const delivered = await store.listActions({ status: 'delivered' });
    expect(delivered.map((e) => e.action.key).sort()).toEqual(keys);
  });
});
