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
