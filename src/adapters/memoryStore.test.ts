import { describe, expect, it } from 'vitest';
import { storeConformance } from '../testing/conformance';
import { createMemoryStore } from './memoryStore';
import type { RetentionStore } from './types';

/** The names of the conformance tests a memory store changed by `alter` fails. */
async function failingConformanceTests(
  alter: (store: RetentionStore) => RetentionStore,
): Promise<string[]> {
  const failures: string[] = [];
  const tests: [string, () => Promise<void>][] = [];
  storeConformance(
    (name, fn) => tests.push([name, fn]),
    () => alter(createMemoryStore()),
  );
  for (const [name, fn] of tests) await fn().catch(() => failures.push(name));
  return failures;
}

describe('createMemoryStore', () => {
  storeConformance(it, () => createMemoryStore());

  it('reports its size', async () => {
    const store = createMemoryStore();
    await store.appendEvents(
      [{ id: 'e1', customerId: 'c1', type: 'login', at: 0, properties: {} }],
      { now: 0 },
    );
    expect(store.size()).toEqual({ events: 1, customers: 1, actions: 0 });
  });

  it('a state JSON cannot hold fails the commit and writes nothing', async () => {
    const store = createMemoryStore();
    const commit = {
      customerId: 'c1',
      expectedVersion: 0,
      wakeAt: null,
      eventCursor: 0,
      enqueue: [],
      cancel: [],
      now: 0,
    };
    await store.commit({ ...commit, state: { stage: 'orientation' } });
    const bad = { stage: 'immersion', at: 10n } as unknown as { stage: string };
    await expect(store.commit({ ...commit, expectedVersion: 1, state: bad })).rejects.toThrow(
      TypeError,
    );
    expect(await store.getCustomer('c1')).toMatchObject({
      version: 1,
      state: { stage: 'orientation' },
    });
  });

  it('the suite catches a store that breaks the contract', async () => {
    // a store whose commit ignores versions must fail the conflict test
    const failures = await failingConformanceTests((store) => ({
      ...store,
      commit: (input) =>
        store
          .commit({ ...input, expectedVersion: input.expectedVersion })
          .catch(() => store.commit({ ...input, expectedVersion: input.expectedVersion + 1 })),
    }));
    expect(failures).toContain(
      'RetentionStore customers: a stale version is a conflict and writes nothing',
    );
    expect(failures).toContain(
      'RetentionStore concurrency: of several commits on the same version, exactly one wins',
    );
  });

  it('hands out frozen states and events: the same objects on every read, read-only', async () => {
    const store = createMemoryStore();
    await store.appendEvents(
      [{ id: 'e1', customerId: 'c1', type: 'login', at: 0, properties: { tags: ['a'] } }],
      { now: 0 },
    );
    await store.commit({
      customerId: 'c1',
      expectedVersion: 0,
      state: { list: [1], nested: { a: 'x' } },
      wakeAt: 0,
      eventCursor: 1,
      enqueue: [],
      cancel: [],
      now: 0,
    });
    const first = await store.getCustomer('c1');
    const [claim] = await store.claimDueCustomers({ now: 0, limit: 1, owner: 'w', leaseMs: 10 });
    expect(claim?.state).toBe(first?.state);
    const state = first?.state as { list: number[]; nested: { a: string } };
    expect(Object.isFrozen(state) && Object.isFrozen(state.list)).toBe(true);
    expect(() => state.list.push(2)).toThrow(TypeError);
    expect(() => {
      state.nested.a = 'y';
    }).toThrow(TypeError);
    const [event] = await store.readEvents('c1', { afterSeq: 0 });
    expect(event).toBe((await store.readEvents('c1', { afterSeq: 0 }))[0]);
    expect(() => (event!.properties.tags as string[]).push('b')).toThrow(TypeError);
    expect((await store.getCustomer('c1'))?.state).toEqual({ list: [1], nested: { a: 'x' } });
  });

  it('a commit reuses what the new state kept of the stored one and copies the rest', async () => {
    const store = createMemoryStore();
    const base = {
      customerId: 'c1',
      wakeAt: null,
      eventCursor: 0,
      enqueue: [],
      cancel: [],
      now: 0,
    };
    await store.commit({
      ...base,
      expectedVersion: 0,
      state: { kept: { a: [1] }, other: { b: 2 } },
    });
    const read = (await store.getCustomer('c1'))?.state as {
      kept: { a: number[] };
      other: { b: number };
    };
    const added = { c: [3] };
    await store.commit({ ...base, expectedVersion: 1, state: { kept: read.kept, added } });
    added.c.push(4);
    const after = (await store.getCustomer('c1'))?.state as { kept: unknown; added: unknown };
    expect(after).toEqual({ kept: { a: [1] }, added: { c: [3] } });
    expect(after.kept).toBe(read.kept);
    expect(after.added).not.toBe(added);
    expect(Object.isFrozen(after.added)).toBe(true);
  });

  it('the suite catches a store that hands out objects a reader can change', async () => {
    // one mutable copy per customer, handed to every reader
    const shared = new Map<string, unknown>();
    const failures = await failingConformanceTests((store) => ({
      ...store,
      async getCustomer(id) {
        const r = await store.getCustomer(id);
        if (r === null) return r;
        if (!shared.has(id)) shared.set(id, JSON.parse(JSON.stringify(r.state)));
        return { ...r, state: shared.get(id) as typeof r.state };
      },
    }));
    expect(failures).toContain(
      'RetentionStore customers: states are copied in, and reads cannot change them',
    );
  });
});
