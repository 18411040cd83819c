import type {
  ClaimOptions,
  CommitInput,
  CommitResult,
  CustomerClaim,
  CustomerRecord,
  OutboxEntry,
  OutboxStatus,
  RetentionStore,
  StoredEvent,
} from '../adapters/types';
import type { PlannedAction } from '../core/action';
import { RetentionError } from '../core/errors';
import type { NormalizedActivityEvent } from '../core/records';
import type { JsonValue } from '../core/validate';
import { checkSchemaName, type SqlClient } from './migrations';

/**
 * Options of {@link createPostgresStore}.
 *
 * @category postgres
 */
export interface PostgresStoreOptions {
  /** A `pg` `Pool` or `Client`, a PGlite instance, or anything with the same `query`. */
  readonly client: SqlClient;
  /** The schema {@link migrate} created. @defaultValue `'retention_kit'` */
  readonly schema?: string;
}

type Row = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

function customerOf(r: Row): CustomerRecord {
  return {
    customerId: String(r.customer_id),
    version: num(r.version),
    state: r.state === null || r.state === undefined ? null : json<JsonValue>(r.state),
    wakeAt: numOrNull(r.wake_at),
    eventCursor: num(r.event_cursor),
  };
}

function entryOf(r: Row): OutboxEntry {
  return {
    action: json<PlannedAction>(r.action),
    status: String(r.status) as OutboxStatus,
    attempts: num(r.attempts),
    availableAt: num(r.available_at),
    owner: r.lease_owner === null || r.lease_owner === undefined ? null : String(r.lease_owner),
    leaseUntil: numOrNull(r.lease_until),
    lastError: r.last_error === null || r.last_error === undefined ? null : String(r.last_error),
    updatedAt: num(r.updated_at),
  };
}

/** A `pg` `Pool` runs queries side by side on its connections; anything else gets one at a time. */
const isPool = (client: SqlClient): boolean =>
  typeof (client as { totalCount?: unknown }).totalCount === 'number';

/**
 * A single connection runs one query at a time: queue them here rather than hand the client a
 * second query while one is running (which `pg` deprecates), whatever the caller's concurrency.
 */
function oneAtATime(client: SqlClient): SqlClient {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    query(text, params) {
      const run = tail.then(
        () => client.query(text, params),
        () => client.query(text, params),
      );
      tail = run.catch(() => undefined);
      return run;
    },
  };
}

interface PendingCompletion {
  readonly key: string;
  readonly owner: string;
  readonly now: number;
  readonly resolve: (done: boolean) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Completions issued while another is on its way to the server are sent together, in one
 * statement, when it returns. Each call still resolves only once its own row is updated (or
 * found not to be claimed by its owner), so callers see the same answers as one statement per
 * call, in far fewer round trips when a worker delivers many actions at once.
 */
function completionBatcher(
  run: (batch: readonly PendingCompletion[]) => Promise<ReadonlySet<string>>,
): (key: string, owner: string, now: number) => Promise<boolean> {
  let queue: PendingCompletion[] = [];
  let flushing = false;
  const flush = async () => {
    flushing = true;
    while (queue.length > 0) {
      // a key completed twice at once goes to the next batch, so the second call sees the first
      const batch: PendingCompletion[] = [];
      const rest: PendingCompletion[] = [];
      const keys = new Set<string>();
      for (const p of queue) {
        if (keys.has(p.key)) rest.push(p);
        else {
          keys.add(p.key);
          batch.push(p);
        }
      }
      queue = rest;
      try {
        const done = await run(batch);
        for (const p of batch) p.resolve(done.has(p.key));
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    flushing = false;
  };
  return (key, owner, now) =>
    new Promise<boolean>((resolve, reject) => {
      queue.push({ key, owner, now, resolve, reject });
      // the first call waits a microtask for the calls made in the same turn
      if (!flushing) {
        flushing = true;
        queueMicrotask(() => void flush());
      }
    });
}

const byAvailability = (a: OutboxEntry, b: OutboxEntry) =>
  a.availableAt - b.availableAt || (a.action.key < b.action.key ? -1 : 1);

/**
 * A {@link RetentionStore} on PostgreSQL, through any `pg`-style client: `pg` (a `Pool` for
 * several workers) or PGlite. Run {@link migrate} once first. Every call is one SQL statement, so
 * one round trip and atomic under autocommit; claims use `FOR UPDATE SKIP LOCKED`, so any number
 * of workers and processes can tick the same database. Completions made while another is on its
 * way are sent together in one statement. A client that is not a `Pool` gets one query at a
 * time.
 *
 * @param options - See {@link PostgresStoreOptions}.
 * @returns The store.
 * @throws {RetentionError} `invalid_input` for a bad schema name.
 *
 * @example
 * // import { Pool } from 'pg';
 * // const client = new Pool({ connectionString: process.env.DATABASE_URL });
 * // await migrate(client);
 * // const store = createPostgresStore({ client });
 * createPostgresStore({ client: { query: async () => ({ rows: [] }) } }).capabilities
 * //=> { concurrentProcesses: true }
 *
 * @category postgres
 */
export function createPostgresStore(options: PostgresStoreOptions): RetentionStore {
  const db = isPool(options.client) ? options.client : oneAtATime(options.client);
  const s = checkSchemaName(options.schema ?? 'retention_kit');
  const complete = completionBatcher(async (batch) => {
    const { rows } = await db.query(
      `UPDATE ${s}.outbox AS o SET status = 'delivered', lease_owner = NULL, lease_until = NULL, updated_at = v.now
       FROM unnest($1::text[], $2::text[], $3::bigint[]) AS v(key, owner, now)
       WHERE o.key = v.key AND o.status = 'claimed' AND o.lease_owner = v.owner
       RETURNING o.key`,
      [batch.map((p) => p.key), batch.map((p) => p.owner), batch.map((p) => p.now)],
    );
    return new Set(rows.map((r) => String(r.key)));
  });

  return {
    capabilities: { concurrentProcesses: true },

    async appendEvents(events: readonly NormalizedActivityEvent[], { now }) {
      if (events.length === 0) return { inserted: 0, duplicates: 0 };
      const payload = events.map((e, ord) => ({
        ord,
        id: e.id,
        customer_id: e.customerId,
        type: e.type,
        at: e.at,
        properties: e.properties,
      }));
      const { rows } = await db.query(
        `WITH input AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS e(ord int, id text, customer_id text, type text, at bigint, properties jsonb)
         ), ins AS (
           INSERT INTO ${s}.events (id, customer_id, type, at, properties)
           SELECT id, customer_id, type, at, properties FROM input ORDER BY ord
           ON CONFLICT (id) DO NOTHING
           RETURNING seq, customer_id
         ), touched AS (
           INSERT INTO ${s}.customers AS c (customer_id, wake_at, last_seq)
           SELECT customer_id, $2::bigint, max(seq) FROM ins GROUP BY customer_id ORDER BY customer_id
           ON CONFLICT (customer_id) DO UPDATE
             SET wake_at = LEAST(COALESCE(c.wake_at, EXCLUDED.wake_at), EXCLUDED.wake_at),
                 last_seq = GREATEST(c.last_seq, EXCLUDED.last_seq)
           RETURNING 1
         )
         SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM touched)::int AS touched`,
        [JSON.stringify(payload), now],
      );
      const inserted = num(rows[0]?.inserted ?? 0);
      return { inserted, duplicates: events.length - inserted };
    },

    async readEvents(customerId, { afterSeq, limit }) {
      const { rows } = await db.query(
        `SELECT seq, id, customer_id, type, at, properties FROM ${s}.events
         WHERE customer_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [customerId, afterSeq, limit ?? 1_000_000],
      );
      return rows.map(
        (r): StoredEvent => ({
          seq: num(r.seq),
          id: String(r.id),
          customerId: String(r.customer_id),
          type: String(r.type),
          at: num(r.at),
          properties: json(r.properties),
        }),
      );
    },

    async getCustomer(customerId) {
      const { rows } = await db.query(
        `SELECT customer_id, version, state, wake_at, event_cursor FROM ${s}.customers WHERE customer_id = $1`,
        [customerId],
      );
      return rows[0] === undefined ? null : customerOf(rows[0]);
    },

    async claimDueCustomers({ now, limit, owner, leaseMs }: ClaimOptions) {
      const { rows } = await db.query(
        `UPDATE ${s}.customers SET lease_owner = $3, lease_until = $1::bigint + $4::bigint
         WHERE customer_id IN (
           SELECT customer_id FROM ${s}.customers
           WHERE wake_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
           ORDER BY wake_at, customer_id COLLATE "C" LIMIT $2
           FOR UPDATE SKIP LOCKED)
         RETURNING customer_id, version, state, wake_at, event_cursor, lease_owner, lease_until`,
        [now, limit, owner, leaseMs],
      );
      return rows
        .map(
          (r): CustomerClaim => ({
            ...customerOf(r),
            owner: String(r.lease_owner),
            leaseUntil: num(r.lease_until),
          }),
        )
        .sort((a, b) => a.wakeAt! - b.wakeAt! || (a.customerId < b.customerId ? -1 : 1));
    },

    async commit(input: CommitInput): Promise<CommitResult> {
      const actions = input.enqueue.map((a) => ({
        key: a.key,
        customer_id: a.customerId,
        action: a,
        due_at: a.dueAt,
      }));
      const { rows } = await db.query(
        `WITH upd AS (
           UPDATE ${s}.customers SET
             version = version + 1,
             state = $3::jsonb,
             wake_at = CASE WHEN last_seq > $5::bigint THEN $6::bigint ELSE $4::bigint END,
             event_cursor = $5,
             lease_owner = CASE WHEN lease_owner = $9 THEN NULL ELSE lease_owner END,
             lease_until = CASE WHEN lease_owner = $9 THEN NULL ELSE lease_until END
           WHERE customer_id = $1 AND version = $2
           RETURNING version
         ), ins AS (
           INSERT INTO ${s}.customers (customer_id, version, state, wake_at, event_cursor, last_seq)
           SELECT $1, 1, $3::jsonb, $4::bigint, $5::bigint, 0
           WHERE $2::int = 0 AND NOT EXISTS (SELECT 1 FROM ${s}.customers WHERE customer_id = $1)
           ON CONFLICT (customer_id) DO NOTHING
           RETURNING version
         ), ok AS (
           SELECT version FROM upd UNION ALL SELECT version FROM ins
         ), enq AS (
           -- sub-statements share one snapshot, so the cancelling UPDATE below cannot see rows
           -- inserted here: an action cancelled in the same commit is inserted as cancelled
           INSERT INTO ${s}.outbox (key, customer_id, action, status, attempts, available_at, updated_at)
           SELECT a.key, a.customer_id, a.action,
                  CASE WHEN a.key = ANY($8::text[]) THEN 'cancelled' ELSE 'pending' END,
                  0, a.due_at, $6::bigint
           FROM jsonb_to_recordset($7::jsonb) AS a(key text, customer_id text, action jsonb, due_at bigint)
           WHERE EXISTS (SELECT 1 FROM ok)
           ON CONFLICT (key) DO NOTHING
           RETURNING key, status
         ), can AS (
           UPDATE ${s}.outbox SET status = 'cancelled', updated_at = $6
           WHERE key = ANY($8::text[]) AND status = 'pending' AND EXISTS (SELECT 1 FROM ok)
           RETURNING key
         )
         SELECT (SELECT version FROM ok) AS version,
                (SELECT count(*) FROM enq)::int AS enqueued,
                ((SELECT count(*) FROM can) + (SELECT count(*) FROM enq WHERE status = 'cancelled'))::int AS cancelled`,
        [
          input.customerId,
          input.expectedVersion,
          JSON.stringify(input.state),
          input.wakeAt,
          input.eventCursor,
          input.now,
          JSON.stringify(actions),
          [...input.cancel],
          input.owner ?? null,
        ],
      );
      const row = rows[0];
      if (row === undefined || row.version === null || row.version === undefined) {
        throw new RetentionError(
          'conflict',
          `commit: the customer changed since it was read (expected version ${input.expectedVersion})`,
        );
      }
      return {
        version: num(row.version),
        enqueued: num(row.enqueued),
        cancelled: num(row.cancelled),
      };
    },

    async claimActions({ now, limit, owner, leaseMs }: ClaimOptions) {
      const { rows } = await db.query(
        `UPDATE ${s}.outbox SET status = 'claimed', lease_owner = $3, lease_until = $1::bigint + $4::bigint,
           attempts = attempts + 1, updated_at = $1
         WHERE key IN (
           SELECT key FROM ${s}.outbox
           WHERE (status = 'pending' AND available_at <= $1) OR (status = 'claimed' AND lease_until <= $1)
           ORDER BY available_at, key COLLATE "C" LIMIT $2
           FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [now, limit, owner, leaseMs],
      );
      return rows.map(entryOf).sort(byAvailability);
    },

    completeAction(key, owner, { now }) {
      return complete(key, owner, now);
    },

    async failAction(key, owner, { now, error, retryAt }) {
      const { rows } = await db.query(
        `UPDATE ${s}.outbox SET
           status = CASE WHEN $4::bigint IS NULL THEN 'dead' ELSE 'pending' END,
           available_at = COALESCE($4::bigint, available_at),
           lease_owner = NULL, lease_until = NULL, last_error = $5, updated_at = $3
         WHERE key = $1 AND status = 'claimed' AND lease_owner = $2 RETURNING key`,
        [key, owner, now, retryAt, error.slice(0, 2000)],
      );
      return rows.length === 1;
    },

    async listActions(filter = {}) {
      const { rows } = await db.query(
        `SELECT * FROM ${s}.outbox
         WHERE ($1::text IS NULL OR customer_id = $1) AND ($2::text IS NULL OR status = $2)
         ORDER BY available_at, key COLLATE "C" LIMIT $3`,
        [filter.customerId ?? null, filter.status ?? null, filter.limit ?? 1_000_000],
      );
      return rows.map(entryOf);
    },
  };
}
