import type { RetentionStore } from '../adapters/types';
import type { PlannedAction } from '../core/action';
import { RetentionError } from '../core/errors';
import type { NormalizedActivityEvent } from '../core/records';

/**
 * Your test framework's test-registering function (`it` or `test` from vitest, jest, mocha or
 * `node:test`): called with a name and an async body.
 *
 * @category testing
 */
export type TestRegistrar = (name: string, fn: () => Promise<void>) => unknown;

/**
 * Options of the conformance suite.
 *
 * @category testing
 */
export interface ConformanceOptions {
  /**
   * Opens another handle on the same data (another connection to the same database), for the
   * concurrency tests. @defaultValue the same store object
   */
  readonly connect?: (store: RetentionStore) => Promise<RetentionStore> | RetentionStore;
  /** Releases a store (and the handles `connect` opened for it) after each test. */
  readonly cleanup?: (store: RetentionStore) => Promise<void> | void;
  /** Prefix of every test name. @defaultValue `'RetentionStore'` */
  readonly name?: string;
  /** Number of concurrent workers in the concurrency tests. @defaultValue `4` */
  readonly workers?: number;
}

/**
 * Creates a fresh, empty store for one test.
 *
 * @category testing
 */
export type StoreFactory = () => Promise<RetentionStore> | RetentionStore;

class ConformanceFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConformanceFailure';
  }
}

/** JSON with object keys sorted: stores may reorder keys (Postgres jsonb does), and JSON allows it. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : v,
  );
}

function same(actual: unknown, expected: unknown, what: string): void {
  const a = canonical(actual);
  const e = canonical(expected);
  if (a !== e) throw new ConformanceFailure(`${what}: expected ${e}, got ${a}`);
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new ConformanceFailure(what);
}

async function rejectsWith(code: string, run: () => Promise<unknown>, what: string): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof RetentionError && error.code === code) return;
    throw new ConformanceFailure(
      `${what}: expected a RetentionError with code ${code}, got ${String(error)}`,
    );
  }
  throw new ConformanceFailure(
    `${what}: expected a RetentionError with code ${code}, but it resolved`,
  );
}

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;

function event(
  id: string,
  customerId: string,
  at: number,
  type = 'login',
): NormalizedActivityEvent {
  return {
    id,
    customerId,
    type,
    at,
    properties: { source: 'conformance', n: 1, nested: { ok: true } },
  };
}

function action(key: string, customerId: string, dueAt: number): PlannedAction {
  return {
    key,
    customerId,
    channel: 'email',
    template: 'conformance',
    params: { first: 'Ada', list: [1, 2] },
    priority: 0,
    dueAt,
    source: { module: 'triggers', definitionId: 'conformance', version: 1, occurrence: key },
  };
}

function register(
  test: TestRegistrar,
  makeStore: StoreFactory,
  options: ConformanceOptions,
  group: string,
  name: string,
  body: (store: RetentionStore) => Promise<void>,
): void {
  test(`${options.name ?? 'RetentionStore'} ${group}: ${name}`, async () => {
    const store = await makeStore();
    try {
      await body(store);
    } finally {
      await options.cleanup?.(store);
    }
  });
}

/**
 * Registers the event tests: appending is idempotent by event id, events read back in append
 * order with their properties, and a customer with a new event becomes due.
 *
 * @param test - Your framework's `it` / `test`.
 * @param makeStore - Creates a fresh, empty store per test.
 * @param options - See {@link ConformanceOptions}.
 * @returns Nothing; the tests are registered through `test`.
 *
 * @example
 * // in a vitest file: eventsConformance(it, () => createMemoryStore());
 * typeof eventsConformance
 * //=> 'function'
 *
 * @category testing
 */
export function eventsConformance(
  test: TestRegistrar,
  makeStore: StoreFactory,
  options: ConformanceOptions = {},
): void {
  const t = (name: string, body: (s: RetentionStore) => Promise<void>) =>
    register(test, makeStore, options, 'events', name, body);

  t('appending the same event id twice stores it once', async (store) => {
    same(
      await store.appendEvents([event('e1', 'c1', T0), event('e2', 'c1', T0 + MIN)], { now: T0 }),
      { inserted: 2, duplicates: 0 },
      'first append',
    );
    same(
      await store.appendEvents([event('e1', 'c1', T0), event('e3', 'c2', T0)], { now: T0 }),
      { inserted: 1, duplicates: 1 },
      'second append',
    );
    same(
      (await store.readEvents('c1', { afterSeq: 0 })).map((e) => e.id),
      ['e1', 'e2'],
      'c1 events',
    );
  });

  t(
    'events read back in append order with increasing seq and their properties intact',
    async (store) => {
      await store.appendEvents([event('b', 'c1', T0 + 5 * MIN), event('a', 'c1', T0)], { now: T0 });
      const list = await store.readEvents('c1', { afterSeq: 0 });
      same(
        list.map((e) => e.id),
        ['b', 'a'],
        'append order, not time order',
      );
      check(list[0]!.seq > 0 && list[1]!.seq > list[0]!.seq, 'seq increases');
      same(
        { ...list[1], seq: undefined },
        { ...event('a', 'c1', T0), seq: undefined },
        'round trip',
      );
      same(
        (await store.readEvents('c1', { afterSeq: list[0]!.seq })).map((e) => e.id),
        ['a'],
        'afterSeq',
      );
      same(
        (await store.readEvents('c1', { afterSeq: 0, limit: 1 })).map((e) => e.id),
        ['b'],
        'limit',
      );
      same(await store.readEvents('nobody', { afterSeq: 0 }), [], 'unknown customer');
    },
  );

  t('a customer with a new event is due at the append time', async (store) => {
    await store.appendEvents([event('e1', 'c1', T0 - 60 * MIN)], { now: T0 });
    const c = await store.getCustomer('c1');
    same(
      c && { version: c.version, wakeAt: c.wakeAt, eventCursor: c.eventCursor, state: c.state },
      { version: 0, wakeAt: T0, eventCursor: 0, state: null },
      'new customer',
    );
    same(await store.getCustomer('nobody'), null, 'unknown customer');
  });
}

/**
 * Registers the customer-state tests: commits are versioned (a stale version is a `conflict` and
 * writes nothing), atomic with their outbox changes, and keep a customer due when an event arrived
 * after the evaluation read its events.
 *
 * @param test - Your framework's `it` / `test`.
 * @param makeStore - Creates a fresh, empty store per test.
 * @param options - See {@link ConformanceOptions}.
 * @returns Nothing; the tests are registered through `test`.
 *
 * @example
 * typeof customersConformance
 * //=> 'function'
 *
 * @category testing
 */
export function customersConformance(
  test: TestRegistrar,
  makeStore: StoreFactory,
  options: ConformanceOptions = {},
): void {
  const t = (name: string, body: (s: RetentionStore) => Promise<void>) =>
    register(test, makeStore, options, 'customers', name, body);

  t('commits are versioned and return what they wrote', async (store) => {
    const r1 = await store.commit({
      customerId: 'c1',
      expectedVersion: 0,
      state: { stage: 'orientation' },
      wakeAt: T0 + 60 * MIN,
      eventCursor: 0,
      enqueue: [action('k1', 'c1', T0)],
      cancel: [],
      now: T0,
    });
    same(r1, { version: 1, enqueued: 1, cancelled: 0 }, 'first commit');
    const r2 = await store.commit({
      customerId: 'c1',
      expectedVersion: 1,
      state: { stage: 'immersion' },
      wakeAt: null,
      eventCursor: 0,
      enqueue: [action('k1', 'c1', T0)],
      cancel: [],
      now: T0,
    });
    same(r2, { version: 2, enqueued: 0, cancelled: 0 }, 'a repeated key is not enqueued again');
    const c = await store.getCustomer('c1');
    same(
      c,
      { customerId: 'c1', version: 2, state: { stage: 'immersion' }, wakeAt: null, eventCursor: 0 },
      'stored record',
    );
  });

  t('a stale version is a conflict and writes nothing', async (store) => {
    await store.commit({
      customerId: 'c1',
      expectedVersion: 0,
      state: { n: 1 },
      wakeAt: null,
      eventCursor: 0,
      enqueue: [],
      cancel: [],
      now: T0,
    });
    await rejectsWith(
      'conflict',
      () =>
        store.commit({
          customerId: 'c1',
          expectedVersion: 0,
          state: { n: 2 },
          wakeAt: T0,
          eventCursor: 0,
          enqueue: [action('k2', 'c1', T0)],
          cancel: [],
          now: T0,
        }),
      'stale commit',
    );
    same((await store.getCustomer('c1'))?.state, { n: 1 }, 'state unchanged');
    same(await store.listActions({ customerId: 'c1' }), [], 'nothing enqueued');
    await rejectsWith(
      'conflict',
      () =>
        store.commit({
          customerId: 'new',
          expectedVersion: 3,
          state: {},
          wakeAt: null,
          eventCursor: 0,
          enqueue: [],
          cancel: [],
          now: T0,
        }),
      'unknown customer with a version',
    );
  });

  t('a commit keeps the customer due when events arrived after its cursor', async (store) => {
    await store.appendEvents([event('e1', 'c1', T0)], { now: T0 });
    const [e1] = await store.readEvents('c1', { afterSeq: 0 });
    await store.appendEvents([event('e2', 'c1', T0 + MIN)], { now: T0 + MIN });
    await store.commit({
      customerId: 'c1',
      expectedVersion: 0,
      state: {},
      wakeAt: T0 + 600 * MIN,
      eventCursor: e1!.seq,
      enqueue: [],
      cancel: [],
      now: T0 + 2 * MIN,
    });
    same((await store.getCustomer('c1'))?.wakeAt, T0 + 2 * MIN, 'due again at the commit time');
    const [, e2] = await store.readEvents('c1', { afterSeq: 0 });
    await store.commit({
      customerId: 'c1',
      expectedVersion: 1,
      state: {},
      wakeAt: T0 + 600 * MIN,
      eventCursor: e2!.seq,
      enqueue: [],
      cancel: [],
      now: T0 + 3 * MIN,
    });
    same(
      (await store.getCustomer('c1'))?.wakeAt,
      T0 + 600 * MIN,
      'caught up: the requested wake-up',
    );
  });

  t('states are copied in, and reads cannot change them', async (store) => {
    const state = { list: [1, 2], nested: { a: 'x' } };
    await store.commit({
      customerId: 'c1',
      expectedVersion: 0,
      state,
      wakeAt: null,
      eventCursor: 0,
      enqueue: [],
      cancel: [],
      now: T0,
    });
    state.list.push(3);
    const read = await store.getCustomer('c1');
    same(
      read?.state,
      { list: [1, 2], nested: { a: 'x' } },
      'the caller mutating its object changes nothing',
    );
    check(read !== null, 'the customer is stored');
    try {
      (read!.state as { list: number[] }).list.push(4);
    } catch (error) {
      // a store may hand out frozen data instead of copies: the change throws and nothing changes
      check(error instanceof TypeError, 'a read that refuses a change throws a TypeError');
    }
    same(
      (await store.getCustomer('c1'))?.state,
      { list: [1, 2], nested: { a: 'x' } },
      'mutating a read changes nothing',
    );
  });
}

/**
 * Registers the due-customer tests: claims return customers whose wake-up has come, earliest
 * first, hold them for the lease, and give them back when the lease lapses or a commit releases
 * them.
 *
 * @param test - Your framework's `it` / `test`.
 * @param makeStore - Creates a fresh, empty store per test.
 * @param options - See {@link ConformanceOptions}.
 * @returns Nothing; the tests are registered through `test`.
 *
 * @example
 * typeof dueCustomersConformance
 * //=> 'function'
 *
 * @category testing
 */
export function dueCustomersConformance(
  test: TestRegistrar,
  makeStore: StoreFactory,
  options: ConformanceOptions = {},
): void {
  const t = (name: string, body: (s: RetentionStore) => Promise<void>) =>
    register(test, makeStore, options, 'due customers', name, body);
  const put = (store: RetentionStore, id: string, wakeAt: number | null) =>
    store.commit({
      customerId: id,
      expectedVersion: 0,
      state: {},
      wakeAt,
      eventCursor: 0,
      enqueue: [],
      cancel: [],
      now: T0,
    });

  t('claims due customers, earliest first, up to the limit', async (store) => {
    await put(store, 'late', T0 + 30 * MIN);
    await put(store, 'early', T0 + 10 * MIN);
    await put(store, 'future', T0 + 999 * MIN);
    await put(store, 'never', null);
    const claims = await store.claimDueCustomers({
      now: T0 + 60 * MIN,
      limit: 10,
      owner: 'w1',
      leaseMs: 5 * MIN,
    });
    same(
      claims.map((c) => [c.customerId, c.owner, c.leaseUntil]),
      [
        ['early', 'w1', T0 + 65 * MIN],
        ['late', 'w1', T0 + 65 * MIN],
      ],
      'claims',
    );
    same(
      (
        await store.claimDueCustomers({
          now: T0 + 61 * MIN,
          limit: 10,
          owner: 'w2',
          leaseMs: 5 * MIN,
        })
      ).length,
      0,
      'held by w1',
    );
    const limited = await store.claimDueCustomers({
      now: T0 + 66 * MIN,
      limit: 1,
      owner: 'w2',
      leaseMs: 5 * MIN,
    });
    same(
      limited.map((c) => c.customerId),
      ['early'],
      'lapsed lease, limit 1',
    );
  });

  t('a commit by the owner releases the claim', async (store) => {
    await put(store, 'c1', T0);
    const [claim] = await store.claimDueCustomers({
      now: T0,
      limit: 1,
      owner: 'w1',
      leaseMs: 60 * MIN,
    });
    await store.commit({
      customerId: 'c1',
      expectedVersion: claim!.version,
      state: {},
      wakeAt: T0 + MIN,
      eventCursor: 0,
      enqueue: [],
      cancel: [],
      now: T0,
      owner: 'w1',
    });
    same(
      (await store.claimDueCustomers({ now: T0 + MIN, limit: 1, owner: 'w2', leaseMs: MIN })).map(
        (c) => c.customerId,
      ),
      ['c1'],
      'claimable again at its wake-up',
    );
  });
}

/**
 * Registers the outbox tests: claims with leases, completion and failure by the owner only,
 * retries and dead letters, cancellation of pending actions, and re-claiming after a lapsed
 * lease (a crashed worker's actions come back).
 *
 * @param test - Your framework's `it` / `test`.
 * @param makeStore - Creates a fresh, empty store per test.
 * @param options - See {@link ConformanceOptions}.
 * @returns Nothing; the tests are registered through `test`.
 *
 * @example
 * typeof outboxConformance
 * //=> 'function'
 *
 * @category testing
 */
export function outboxConformance(
  test: TestRegistrar,
  makeStore: StoreFactory,
  options: ConformanceOptions = {},
): void {
  const t = (name: string, body: (s: RetentionStore) => Promise<void>) =>
    register(test, makeStore, options, 'outbox', name, body);
  const enqueue = (
    store: RetentionStore,
    actions: PlannedAction[],
    cancel: string[] = [],
    version = 0,
  ) =>
    store.commit({
      customerId: 'c1',
      expectedVersion: version,
      state: {},
      wakeAt: null,
      eventCursor: 0,
      enqueue: actions,
      cancel,
      now: T0,
    });

  t('claims available actions with a lease and counts attempts', async (store) => {
    await enqueue(store, [
      action('later', 'c1', T0 + 60 * MIN),
      action('now', 'c1', T0),
      action('soon', 'c1', T0 + MIN),
    ]);
    const claimed = await store.claimActions({
      now: T0 + MIN,
      limit: 10,
      owner: 'w1',
      leaseMs: 5 * MIN,
    });
    same(
      claimed.map((e) => [e.action.key, e.status, e.attempts, e.owner, e.leaseUntil]),
      [
        ['now', 'claimed', 1, 'w1', T0 + 6 * MIN],
        ['soon', 'claimed', 1, 'w1', T0 + 6 * MIN],
      ],
      'claimed',
    );
    same(claimed[0]!.action, action('now', 'c1', T0), 'the action round-trips');
    same(
      (await store.claimActions({ now: T0 + 2 * MIN, limit: 10, owner: 'w2', leaseMs: 5 * MIN }))
        .length,
      0,
      'nothing else is available',
    );
  });

  t('only the owner completes or fails an action', async (store) => {
    await enqueue(store, [action('a', 'c1', T0), action('b', 'c1', T0), action('c', 'c1', T0)]);
    await store.claimActions({ now: T0, limit: 10, owner: 'w1', leaseMs: 5 * MIN });
    same(
      await store.completeAction('a', 'w2', { now: T0 }),
      false,
      'another worker cannot complete',
    );
    same(await store.completeAction('a', 'w1', { now: T0 }), true, 'the owner completes');
    same(await store.completeAction('a', 'w1', { now: T0 }), false, 'completing twice');
    same(
      await store.failAction('b', 'w1', { now: T0, error: 'timeout', retryAt: T0 + 10 * MIN }),
      true,
      'retry later',
    );
    same(
      await store.failAction('c', 'w1', { now: T0, error: 'bounced', retryAt: null }),
      true,
      'dead letter',
    );
    const all = await store.listActions({ customerId: 'c1' });
    same(
      all.map((e) => [e.action.key, e.status, e.availableAt, e.lastError]),
      [
        ['a', 'delivered', T0, null],
        ['c', 'dead', T0, 'bounced'],
        ['b', 'pending', T0 + 10 * MIN, 'timeout'],
      ],
      'statuses',
    );
    same(
      (await store.claimActions({ now: T0 + 10 * MIN, limit: 10, owner: 'w3', leaseMs: MIN })).map(
        (e) => [e.action.key, e.attempts],
      ),
      [['b', 2]],
      'retried at its time',
    );
    same(
      (await store.listActions({ status: 'dead' })).map((e) => e.action.key),
      ['c'],
      'filter by status',
    );
  });

  t(
    'a lapsed lease returns the action, and the old owner can no longer complete it',
    async (store) => {
      await enqueue(store, [action('a', 'c1', T0)]);
      await store.claimActions({ now: T0, limit: 1, owner: 'crashed', leaseMs: 5 * MIN });
      same(
        (await store.claimActions({ now: T0 + 4 * MIN, limit: 1, owner: 'w2', leaseMs: 5 * MIN }))
          .length,
        0,
        'still leased',
      );
      same(
        (
          await store.claimActions({ now: T0 + 5 * MIN, limit: 1, owner: 'w2', leaseMs: 5 * MIN })
        ).map((e) => [e.action.key, e.attempts]),
        [['a', 2]],
        're-claimed',
      );
      same(
        await store.completeAction('a', 'crashed', { now: T0 + 6 * MIN }),
        false,
        'the crashed worker lost it',
      );
      same(
        await store.completeAction('a', 'w2', { now: T0 + 6 * MIN }),
        true,
        'the new owner completes',
      );
    },
  );

  t('an action enqueued and cancelled in the same commit ends cancelled', async (store) => {
    const r = await enqueue(store, [action('both', 'c1', T0), action('kept', 'c1', T0)], ['both']);
    same(r, { version: 1, enqueued: 2, cancelled: 1 }, 'commit result');
    same(
      (await store.listActions({ customerId: 'c1' })).map((e) => [e.action.key, e.status]),
      [
        ['both', 'cancelled'],
        ['kept', 'pending'],
      ],
      'statuses',
    );
    same(
      (await store.claimActions({ now: T0, limit: 10, owner: 'w1', leaseMs: MIN })).map(
        (e) => e.action.key,
      ),
      ['kept'],
      'only the kept one is claimable',
    );
  });

  t('cancelling affects pending actions only', async (store) => {
    await enqueue(store, [action('p', 'c1', T0), action('q', 'c1', T0 + 60 * MIN)]);
    await store.claimActions({ now: T0, limit: 1, owner: 'w1', leaseMs: 5 * MIN });
    const r = await enqueue(store, [], ['p', 'q', 'unknown'], 1);
    same(r.cancelled, 1, 'one cancelled');
    same(
      (await store.listActions({ customerId: 'c1' })).map((e) => [e.action.key, e.status]),
      [
        ['p', 'claimed'],
        ['q', 'cancelled'],
      ],
      'statuses',
    );
    same(
      (await store.claimActions({ now: T0 + 61 * MIN, limit: 10, owner: 'w2', leaseMs: MIN })).map(
        (e) => e.action.key,
      ),
      ['p'],
      'a cancelled action is never claimed',
    );
  });
}

/**
 * Registers the concurrency tests: several workers (on separate handles when `connect` is given)
 * claiming at once never get the same action or customer, and of several commits on the same
 * version exactly one wins.
 *
 * @param test - Your framework's `it` / `test`.
 * @param makeStore - Creates a fresh, empty store per test.
 * @param options - See {@link ConformanceOptions}.
 * @returns Nothing; the tests are registered through `test`.
 *
 * @example
 * typeof concurrencyConformance
 * //=> 'function'
 *
 * @category testing
 */
export function concurrencyConformance(
  test: TestRegistrar,
  makeStore: StoreFactory,
  options: ConformanceOptions = {},
): void {
  const t = (name: string, body: (s: RetentionStore) => Promise<void>) =>
    register(test, makeStore, options, 'concurrency', name, body);
  const workers = options.workers ?? 4;
  const handles = async (store: RetentionStore) =>
    Promise.all(Array.from({ length: workers }, () => options.connect?.(store) ?? store));

  t('workers claiming at once never share an action', async (store) => {
    const actions = Array.from({ length: 60 }, (_, i) =>
      action(`k${String(i).padStart(3, '0')}`, 'c1', T0 + i),
    );
    await store.commit({
      customerId: 'c1',
      expectedVersion: 0,
      state: {},
      wakeAt: null,
      eventCursor: 0,
      enqueue: actions,
      cancel: [],
      now: T0,
    });
    const hs = await handles(store);
    const seen = new Map<string, string>();
    const run = async (h: RetentionStore, w: number) => {
      for (;;) {
        const batch = await h.claimActions({
          now: T0 + 1000,
          limit: 3,
          owner: `w${w}`,
          leaseMs: 60 * MIN,
        });
        if (batch.length === 0) return;
        for (const e of batch) {
          check(
            !seen.has(e.action.key),
            `${e.action.key} claimed by ${seen.get(e.action.key)} and w${w}`,
          );
          seen.set(e.action.key, `w${w}`);
          check(
            await h.completeAction(e.action.key, `w${w}`, { now: T0 + 1000 }),
            'the owner completes',
          );
        }
      }
    };
    await Promise.all(hs.map(run));
    same(seen.size, 60, 'every action claimed once');
  });

  t('workers claiming at once never share a customer', async (store) => {
    for (let i = 0; i < 30; i++) {
      await store.commit({
        customerId: `c${i}`,
        expectedVersion: 0,
        state: {},
        wakeAt: T0 + i,
        eventCursor: 0,
        enqueue: [],
        cancel: [],
        now: T0,
      });
    }
    const hs = await handles(store);
    const claims = await Promise.all(
      hs.map((h, w) =>
        h.claimDueCustomers({ now: T0 + 100, limit: 10, owner: `w${w}`, leaseMs: 60 * MIN }),
      ),
    );
    const ids = claims.flat().map((c) => c.customerId);
    same(new Set(ids).size, ids.length, 'no customer claimed twice');
    same(ids.length, Math.min(30, workers * 10), 'claims fill up to the limits');
  });

  t('of several commits on the same version, exactly one wins', async (store) => {
    await store.commit({
      customerId: 'c1',
      expectedVersion: 0,
      state: { n: 0 },
      wakeAt: null,
      eventCursor: 0,
      enqueue: [],
      cancel: [],
      now: T0,
    });
    const hs = await handles(store);
    const results = await Promise.allSettled(
      hs.map((h, w) =>
        h.commit({
          customerId: 'c1',
          expectedVersion: 1,
          state: { n: w + 1 },
          wakeAt: null,
          eventCursor: 0,
          enqueue: [action(`from-w${w}`, 'c1', T0)],
          cancel: [],
          now: T0,
        }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled').length;
    same(won, 1, 'one commit wins');
    for (const r of results)
      if (r.status === 'rejected')
        check(
          r.reason instanceof RetentionError && r.reason.code === 'conflict',
          `the others conflict (${String(r.reason)})`,
        );
    same((await store.listActions({ customerId: 'c1' })).length, 1, 'only the winner enqueued');
    same((await store.getCustomer('c1'))?.version, 2, 'one version step');
  });
}

/**
 * Registers the whole conformance suite for a storage adapter: events, customers, due customers,
 * outbox and concurrency. Run it from your adapter's test file with your framework's `it`.
 *
 * @param test - Your framework's `it` / `test`.
 * @param makeStore - Creates a fresh, empty store per test.
 * @param options - See {@link ConformanceOptions}.
 * @returns Nothing; the tests are registered through `test`.
 *
 * @example
 * // my-store.test.ts (vitest):
 * //   import { it } from 'vitest';
 * //   import { storeConformance } from 'retention-kit/testing';
 * //   storeConformance(it, () => createMyStore(), { cleanup: (s) => s.close() });
 * const names: string[] = [];
 * storeConformance((name) => names.push(name), () => { throw new Error('not run here'); });
 * names.length > 10
 * //=> true
 *
 * @category testing
 */
export function storeConformance(
  test: TestRegistrar,
  makeStore: StoreFactory,
  options: ConformanceOptions = {},
): void {
  eventsConformance(test, makeStore, options);
  customersConformance(test, makeStore, options);
  dueCustomersConformance(test, makeStore, options);
  outboxConformance(test, makeStore, options);
  concurrencyConformance(test, makeStore, options);
}
