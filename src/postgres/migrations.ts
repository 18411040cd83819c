import { RetentionError } from '../core/errors';

/**
 * A client with the `query(text, params)` method of `pg` (a `Client` or a `Pool`) or of PGlite.
 * The library bundles no driver.
 *
 * @category postgres
 */
export interface SqlClient {
  query(
    text: string,
    params?: unknown[],
  ): Promise<{ readonly rows: readonly Record<string, unknown>[] }>;
}

/**
 * One step of the schema, applied once and recorded in `<schema>.rk_migrations`.
 *
 * @category postgres
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** The statements, for a schema name. They run inside one `DO` block with the others of the step. */
  readonly statements: (schema: string) => readonly string[];
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Checks a schema name: lower-case letters, digits and underscores, at most 63 characters (it
 * is written into SQL as an identifier, so nothing else is accepted).
 *
 * @param schema - The candidate name.
 * @returns The name.
 * @throws {RetentionError} `invalid_input` for any other name.
 *
 * @example
 * checkSchemaName('retention_kit')
 * //=> 'retention_kit'
 *
 * @category postgres
 */
export function checkSchemaName(schema: string): string {
  if (typeof schema !== 'string' || !SCHEMA_RE.test(schema)) {
    throw new RetentionError(
      'invalid_input',
      'postgres: options.schema must be lower-case letters, digits and underscores (at most 63)',
    );
  }
  return schema;
}

/**
 * The schema's versioned migrations, in order. Apply them with {@link migrate}.
 *
 * @example
 * migrations.map((m) => [m.version, m.name])
 * //=> [[1, 'events, customers and outbox']]
 *
 * @category postgres
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'events, customers and outbox',
    statements: (s) => [
      `CREATE TABLE ${s}.events (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        customer_id text NOT NULL,
        type text NOT NULL,
        at bigint NOT NULL,
        properties jsonb NOT NULL
      )`,
      `CREATE INDEX events_customer_seq ON ${s}.events (customer_id, seq)`,
      `CREATE TABLE ${s}.customers (
        customer_id text PRIMARY KEY,
        version integer NOT NULL DEFAULT 0,
        state jsonb,
        wake_at bigint,
        event_cursor bigint NOT NULL DEFAULT 0,
        last_seq bigint NOT NULL DEFAULT 0,
        lease_owner text,
        lease_until bigint
      )`,
      `CREATE INDEX customers_due ON ${s}.customers (wake_at, customer_id) WHERE wake_at IS NOT NULL`,
      `CREATE TABLE ${s}.outbox (
        key text PRIMARY KEY,
        customer_id text NOT NULL,
        action jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'claimed', 'delivered', 'cancelled', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        available_at bigint NOT NULL,
        lease_owner text,
        lease_until bigint,
        last_error text,
        updated_at bigint NOT NULL
      )`,
      `CREATE INDEX outbox_ready ON ${s}.outbox (available_at, key) WHERE status IN ('pending', 'claimed')`,
      `CREATE INDEX outbox_customer ON ${s}.outbox (customer_id)`,
    ],
  },
];

function dollarQuote(sql: string): string {
  let tag = 'rk';
  while (sql.includes(`$${tag}$`)) tag += 'x';
  return `$${tag}$${sql}$${tag}$`;
}

/**
 * Brings a schema up to date: creates it if needed and applies each migration not yet recorded,
 * each as one statement (a `DO` block holding a transaction-scoped advisory lock), so several
 * processes can call it at once and it works through a pool, a single client or PGlite.
 *
 * @param client - A `pg`-style client (see {@link SqlClient}).
 * @param options - `schema`: where the tables live. @defaultValue `{ schema: 'retention_kit' }`
 * @returns The versions that were pending when the call started (empty when already up to date);
 * all of them are applied when it returns, by this call or by a concurrent one.
 * @throws {RetentionError} `invalid_input` for a bad schema name; the driver's error when SQL fails.
 *
 * @example
 * // const { PGlite } = await import('@electric-sql/pglite');
 * // await migrate(new PGlite(), { schema: 'retention_kit' })  //=> [1], then [] on the next call
 * typeof migrate
 * //=> 'function'
 *
 * @category postgres
 */
export async function migrate(
  client: SqlClient,
  options: { readonly schema?: string } = {},
): Promise<number[]> {
  const schema = checkSchemaName(options.schema ?? 'retention_kit');
  await client.query(`DO $rk_do$ BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('retention-kit:' || ${dollarQuote(schema)}));
    EXECUTE 'CREATE SCHEMA IF NOT EXISTS ${schema}';
    EXECUTE 'CREATE TABLE IF NOT EXISTS ${schema}.rk_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())';
  END $rk_do$`);
  const before = new Set(
    (await client.query(`SELECT version FROM ${schema}.rk_migrations`)).rows.map((r) =>
      Number(r.version),
    ),
  );
  for (const m of migrations) {
    if (before.has(m.version)) continue;
    const body = m
      .statements(schema)
      .map((sql) => `EXECUTE ${dollarQuote(sql)};`)
      .join('\n      ');
    // re-checked under the lock: another process may have applied it meanwhile
    await client.query(`DO $rk_do$ BEGIN
      PERFORM pg_advisory_xact_lock(hashtext('retention-kit:' || ${dollarQuote(schema)}));
      IF NOT EXISTS (SELECT 1 FROM ${schema}.rk_migrations WHERE version = ${m.version}) THEN
      ${body}
      INSERT INTO ${schema}.rk_migrations (version, name) VALUES (${m.version}, ${dollarQuote(m.name)});
      END IF;
    END $rk_do$`);
  }
  return migrations.map((m) => m.version).filter((v) => !before.has(v));
}
