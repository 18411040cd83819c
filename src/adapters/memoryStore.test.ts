import { describe, expect, it } from 'vitest';
import { storeConformance } from '../testing/conformance';
import { createMemoryStore } from './memoryStore';

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
    const failures: string[] = [];
    const tests: [string, () => Promise<void>][] = [];
    storeConformance(
      (name, fn) => tests.push([name, fn]),
      () => {
        const store = createMemoryStore();
        return {
          ...store,
          commit: (input) =>
            store
              .commit({ ...input, expectedVersion: input.expectedVersion })
              .catch(() => store.commit({ ...input, expectedVersion: input.expectedVersion + 1 })),
        };
      },
    );
    for (const [name, fn] of tests) await fn().catch(() => failures.push(name));
    expect(failures).toContain(
      'RetentionStore customers: a stale version is a conflict and writes nothing',
    );
    expect(failures).toContain(
      'RetentionStore concurrency: of several commits on the same version, exactly one wins',
    );
  });
});
