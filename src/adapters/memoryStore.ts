import type { PlannedAction } from '../core/action';
import { RetentionError } from '../core/errors';
import type { NormalizedActivityEvent } from '../core/records';
import type { JsonValue } from '../core/validate';
import { InstantHeap } from './heap';
import { frozenJsonCopy, jsonCopy } from './jsonCopy';
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
} from './types';

interface CustomerRow {
  customerId: string;
  version: number;
  /**
   * The state as a JSON column would give it back: a private copy made at commit, frozen, so
   * every read can hand out the same object and no caller can change it.
   */
  state: JsonValue | null;
  wakeAt: number | null;
  eventCursor: number;
  /** The customer's events, in seq order (the last one's seq is the customer's latest). */
  events: StoredEvent[];
  owner: string | null;
  leaseUntil: number | null;
  /** The claim whose lease the row holds, until a commit releases it or the lease lapses. */
  lease: LeaseBatch<CustomerRow> | null;
  /** When the row becomes claimable, as indexed in the heap (null: not indexed). */
  heapAt: number | null;
}

/**
 * The rows (customers or actions) one claim leased. A leased row is not in its index; when the
 * lease lapses, the rows still holding it are put back. A commit, completion or failure that
 * ends a lease only unlinks the row, so a claim and its commit leave nothing in the index for
 * later claims to pop and skip.
 */
interface LeaseBatch<R> {
  readonly until: number;
  readonly rows: R[];
}

/** Puts back in its index each row that still holds a lease lapsed by `now`. */
function putBackLapsed<R extends { lease: LeaseBatch<R> | null }>(
  leases: InstantHeap<LeaseBatch<R>>,
  now: number,
  index: (row: R) => void,
): void {
  while (leases.peekAt() <= now) {
    const lapsed = leases.pop()!;
    for (const row of lapsed.rows) {
      if (row.lease !== lapsed) continue;
      row.lease = null;
      index(row);
    }
  }
}

interface OutboxRow {
  action: PlannedAction;
  status: OutboxStatus;
  attempts: number;
  availableAt: number;
  owner: string | null;
  leaseUntil: number | null;
  lastError: string | null;
  updatedAt: number;
  /** The claim whose lease the row holds, until it is completed or failed or the lease lapses. */
  lease: LeaseBatch<OutboxRow> | null;
  /** When the row becomes claimable, as indexed in the heap (null: not indexed). */
  heapAt: number | null;
}

function record(row: CustomerRow): CustomerRecord {
  return {
    customerId: row.customerId,
    version: row.version,
    state: row.state,
    wakeAt: row.wakeAt,
    eventCursor: row.eventCursor,
  };
}

function entry(row: OutboxRow): OutboxEntry {
  return {
    action: jsonCopy(row.action),
    status: row.status,
    attempts: row.attempts,
    availableAt: row.availableAt,
    owner: row.owner,
    leaseUntil: row.leaseUntil,
    lastError: row.lastError,
    updatedAt: row.updatedAt,
  };
}

/**
 * A store with the state of an in-memory retention store, for inspection in tests.
 *
 * @category adapters
 */
export interface MemoryStore extends RetentionStore {
  /** Number of stored events, customers and outbox entries. */
  size(): { readonly events: number; readonly customers: number; readonly actions: number };
}

/**
 * The embedded default store: everything in memory, for tests, demos and small deployments. Each
 * call runs to completion before another starts, so interleaved async workers in one process
 * claim and commit safely. Data is copied in, so callers never share objects with it, and what it
 * hands out (states, events) is frozen: every reader gets the stored objects themselves, read-only,
 * so a read costs no copy and no caller can change what the store holds.
 * It does not persist anything and is not shared between processes.
 *
 * @returns A new, empty store.
 *
 * @example
 * const store = createMemoryStore();
 * await store.appendEvents([{ id: 'e1', customerId: 'c1', type: 'login', at: 0, properties: {} }], { now: 0 });
 * (await store.claimDueCustomers({ now: 0, limit: 10, owner: 'w1', leaseMs: 60_000 })).map((c) => c.customerId)
 * //=> ['c1']
 *
 * @category adapters
 */
export function createMemoryStore(): MemoryStore {
  const eventIds = new Set<string>();
  const customers = new Map<string, CustomerRow>();
  const outbox = new Map<string, OutboxRow>();
  let seq = 0;
  // When customers and actions become claimable, earliest first; a popped entry that no longer
  // matches its row is stale and skipped, so updating a row is one push.
  const dueCustomers = new InstantHeap<CustomerRow>();
  const leases = new InstantHeap<LeaseBatch<CustomerRow>>();
  const actionLeases = new InstantHeap<LeaseBatch<OutboxRow>>();
  const readyActions = new InstantHeap<OutboxRow>();

  const indexCustomer = (row: CustomerRow): void => {
    // a leased row waits in its lease batch until the lease lapses
    const at =
      row.wakeAt === null || row.lease !== null
        ? null
        : Math.max(row.wakeAt, row.leaseUntil ?? Number.NEGATIVE_INFINITY);
    if (at === row.heapAt) return;
    row.heapAt = at;
    if (at !== null) dueCustomers.push(at, row.customerId, row);
  };
  const indexAction = (row: OutboxRow): void => {
    // a claimed row waits in its lease batch until the lease lapses
    const at =
      row.status === 'pending'
        ? row.availableAt
        : row.status === 'claimed' && row.lease === null
          ? row.leaseUntil
          : null;
    if (at === row.heapAt) return;
    row.heapAt = at;
    if (at !== null) readyActions.push(at, row.action.key, row);
  };

  const customerRow = (customerId: string): CustomerRow => {
    let row = customers.get(customerId);
    if (row === undefined) {
      row = {
        customerId,
        version: 0,
        state: null,
        wakeAt: null,
        eventCursor: 0,
        events: [],
        owner: null,
        leaseUntil: null,
        lease: null,
        heapAt: null,
      };
      customers.set(customerId, row);
    }
    return row;
  };

  const store: MemoryStore = {
    capabilities: { concurrentProcesses: false },

    async appendEvents(list: readonly NormalizedActivityEvent[], { now }) {
      let inserted = 0;
      for (const e of list) {
        if (eventIds.has(e.id)) continue;
        eventIds.add(e.id);
        const stored: StoredEvent = Object.freeze({ ...frozenJsonCopy(e), seq: ++seq });
        const row = customerRow(e.customerId);
        row.events.push(stored);
        row.wakeAt = row.wakeAt === null ? now : Math.min(row.wakeAt, now);
        indexCustomer(row);
        inserted++;
      }
      return { inserted, duplicates: list.length - inserted };
    },

    async readEvents(customerId, { afterSeq, limit }) {
      const list = customers.get(customerId)?.events ?? [];
      // a customer's events are in seq order: find the first after the cursor by bisection, so a
      // long history is not walked on every evaluation
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (list[mid]!.seq <= afterSeq) lo = mid + 1;
        else hi = mid;
      }
      const end = limit === undefined ? list.length : Math.min(list.length, lo + limit);
      const out: StoredEvent[] = [];
      for (let i = lo; i < end; i++) out.push(list[i]!);
      return out;
    },

    async getCustomer(customerId) {
      const row = customers.get(customerId);
      return row === undefined ? null : record(row);
    },

    async claimDueCustomers({ now, limit, owner, leaseMs }: ClaimOptions) {
      // lapsed leases first: their customers are due again, in order with the rest
      putBackLapsed(leases, now, indexCustomer);
      const claims: CustomerClaim[] = [];
      let batch: LeaseBatch<CustomerRow> | null = null;
      while (claims.length < limit && dueCustomers.peekAt() <= now) {
        const at = dueCustomers.peekAt();
        const r = dueCustomers.pop()!;
        if (r.heapAt !== at) continue;
        r.heapAt = null;
        r.owner = owner;
        r.leaseUntil = now + leaseMs;
        batch ??= { until: r.leaseUntil, rows: [] };
        batch.rows.push(r);
        r.lease = batch;
        claims.push({
          customerId: r.customerId,
          version: r.version,
          state: r.state,
          wakeAt: r.wakeAt,
          eventCursor: r.eventCursor,
          owner,
          leaseUntil: r.leaseUntil,
        });
      }
      if (batch !== null) leases.push(batch.until, '', batch);
      return claims;
    },

    async commit(input: CommitInput): Promise<CommitResult> {
      const row = customers.get(input.customerId);
      const current = row?.version ?? 0;
      if (current !== input.expectedVersion) {
        throw new RetentionError(
          'conflict',
          `commit: the customer changed since it was read (version ${current}, expected ${input.expectedVersion})`,
        );
      }
      // copied before anything changes: a state JSON cannot hold throws with the row untouched
      // what the new state kept of the stored one (the same objects) is reused, not copied again
      const state = input.state === null ? null : frozenJsonCopy(input.state, row?.state);
      const target = row ?? customerRow(input.customerId);
      target.version = current + 1;
      target.state = state;
      target.eventCursor = input.eventCursor;
      // an event that arrived after the evaluation read its events keeps the customer due
      const lastSeq = target.events.at(-1)?.seq ?? 0;
      target.wakeAt = lastSeq > input.eventCursor ? input.now : input.wakeAt;
      if (input.owner !== undefined && target.owner === input.owner) {
        target.owner = null;
        target.leaseUntil = null;
        target.lease = null;
      }
      indexCustomer(target);
      let enqueued = 0;
      for (const action of input.enqueue) {
        if (outbox.has(action.key)) continue;
        const o: OutboxRow = {
          action: jsonCopy(action),
          status: 'pending',
          attempts: 0,
          availableAt: action.dueAt,
          owner: null,
          leaseUntil: null,
          lastError: null,
          updatedAt: input.now,
          lease: null,
          heapAt: null,
        };
        outbox.set(action.key, o);
        indexAction(o);
        enqueued++;
      }
      let cancelled = 0;
      for (const key of input.cancel) {
        const o = outbox.get(key);
        if (o !== undefined && o.status === 'pending') {
          o.status = 'cancelled';
          o.updatedAt = input.now;
          indexAction(o);
          cancelled++;
        }
      }
      return { version: target.version, enqueued, cancelled };
    },

    async claimActions({ now, limit, owner, leaseMs }: ClaimOptions) {
      // lapsed leases first: their actions are claimable again, in order with the rest
      putBackLapsed(actionLeases, now, indexAction);
      const claimed: OutboxEntry[] = [];
      let batch: LeaseBatch<OutboxRow> | null = null;
      while (claimed.length < limit && readyActions.peekAt() <= now) {
        const at = readyActions.peekAt();
        const o = readyActions.pop()!;
        if (o.heapAt !== at) continue;
        o.heapAt = null;
        o.status = 'claimed';
        o.owner = owner;
        o.leaseUntil = now + leaseMs;
        o.attempts++;
        o.updatedAt = now;
        batch ??= { until: o.leaseUntil, rows: [] };
        batch.rows.push(o);
        o.lease = batch;
        claimed.push(entry(o));
      }
      if (batch !== null) actionLeases.push(batch.until, '', batch);
      return claimed;
    },

    async completeAction(key, owner, { now }) {
      const o = outbox.get(key);
      if (o === undefined || o.status !== 'claimed' || o.owner !== owner) return false;
      o.status = 'delivered';
      o.owner = null;
      o.leaseUntil = null;
      o.lease = null;
      o.updatedAt = now;
      indexAction(o);
      return true;
    },

    async failAction(key, owner, { now, error, retryAt }) {
      const o = outbox.get(key);
      if (o === undefined || o.status !== 'claimed' || o.owner !== owner) return false;
      o.status = retryAt === null ? 'dead' : 'pending';
      o.availableAt = retryAt ?? o.availableAt;
      o.owner = null;
      o.leaseUntil = null;
      o.lease = null;
      o.lastError = error.slice(0, 2000);
      o.updatedAt = now;
      indexAction(o);
      return true;
    },

    async listActions(filter = {}) {
      const out: OutboxEntry[] = [];
      for (const o of outbox.values()) {
        if (filter.customerId !== undefined && o.action.customerId !== filter.customerId) continue;
        if (filter.status !== undefined && o.status !== filter.status) continue;
        out.push(entry(o));
      }
      out.sort((a, b) => a.availableAt - b.availableAt || (a.action.key < b.action.key ? -1 : 1));
      return filter.limit === undefined ? out : out.slice(0, filter.limit);
    },

    size() {
      return { events: eventIds.size, customers: customers.size, actions: outbox.size };
    },
  };
  return store;
}
