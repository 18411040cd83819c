import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PlannedAction } from '../core/action';
import { createMemoryStore } from './memoryStore';

/**
 * The memory store indexes claimable rows in heaps with lazy deletion. A naive model that scans
 * and sorts everything on each claim must agree with it on any interleaving of operations.
 */
type Op =
  | { kind: 'append'; customer: number; at: number }
  | {
      kind: 'commit';
      customer: number;
      wake: number | null;
      enqueue: number[];
      cancel: number[];
      /** Commit as the customer's last claimer, which releases its lease. */
      release: boolean;
    }
  | { kind: 'claimCustomers'; limit: number; lease: number }
  | { kind: 'claimActions'; limit: number; lease: number }
  | { kind: 'complete'; key: number; owner: number; asOwner: boolean }
  | { kind: 'fail'; key: number; owner: number; asOwner: boolean; retry: number | null }
  | { kind: 'advance'; by: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('append' as const), customer: fc.nat(4), at: fc.nat(50) }),
  fc.record({
    kind: fc.constant('commit' as const),
    customer: fc.nat(4),
    wake: fc.option(fc.oneof(fc.nat(5), fc.nat(80))),
    enqueue: fc.array(fc.nat(4), { maxLength: 3 }),
    cancel: fc.array(fc.nat(4), { maxLength: 2 }),
    release: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('claimCustomers' as const),
    limit: fc.integer({ min: 1, max: 3 }),
    lease: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({
    kind: fc.constant('claimActions' as const),
    limit: fc.integer({ min: 1, max: 3 }),
    lease: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({
    kind: fc.constant('complete' as const),
    key: fc.nat(4),
    owner: fc.nat(3),
    asOwner: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('fail' as const),
    key: fc.nat(4),
    owner: fc.nat(3),
    asOwner: fc.boolean(),
    retry: fc.option(fc.nat(40)),
  }),
  fc.record({ kind: fc.constant('advance' as const), by: fc.nat(20) }),
);

const action = (k: number, dueAt: number): PlannedAction => ({
  key: `k${k}`,
  customerId: 'c',
  channel: 'email',
  template: 't',
  params: {},
  priority: 0,
  dueAt,
  source: { module: 'triggers', definitionId: 'r', version: 1, occurrence: String(k) },
});

describe('memory store index', () => {
  it('claims exactly what a scan-and-sort model claims, on any interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 80 }), async (ops) => {
        const store = createMemoryStore();
        // the model: rows with the fields that decide claims
        const customers = new Map<
          string,
          {
            wakeAt: number | null;
            leaseUntil: number | null;
            version: number;
            owner?: string | null;
          }
        >();
        const outbox = new Map<
          string,
          { status: string; availableAt: number; leaseUntil: number | null; owner: string | null }
        >();
        const eventIds = new Set<string>();
        let now = 0;
        let worker = 0;
        for (const o of ops) {
          switch (o.kind) {
            case 'advance':
              now += o.by;
              break;
            case 'append': {
              const id = `c${o.customer}`;
              const eventId = `e${now}-${o.customer}-${o.at}`;
              await store.appendEvents(
                [
                  {
                    id: eventId,
                    customerId: id,
                    type: 'x',
                    at: o.at,
                    properties: {},
                  },
                ],
                { now },
              );
              // a repeated event id is ignored by the store, so it changes nothing
              if (eventIds.has(eventId)) break;
              eventIds.add(eventId);
              const row = customers.get(id) ?? { wakeAt: null, leaseUntil: null, version: 0 };
              row.wakeAt = row.wakeAt === null ? now : Math.min(row.wakeAt, now);
              customers.set(id, row);
              break;
            }
            case 'commit': {
              const id = `c${o.customer}`;
              const row = customers.get(id) ?? { wakeAt: null, leaseUntil: null, version: 0 };
              const lastSeqBeyond = false; // the model commits at the latest cursor below
              const events = await store.readEvents(id, { afterSeq: 0 });
              // as the last claimer (releasing the lease), or as a caller that never claimed
              const owner = o.release && typeof row.owner === 'string' ? row.owner : undefined;
              await store.commit({
                ...(owner === undefined ? {} : { owner }),
                customerId: id,
                expectedVersion: row.version,
                state: {},
                wakeAt: o.wake,
                eventCursor: events.at(-1)?.seq ?? 0,
                enqueue: o.enqueue.map((k) => action(k, k * 5)),
                cancel: o.cancel.map((k) => `k${k}`),
                now,
              });
              row.version++;
              row.wakeAt = lastSeqBeyond ? now : o.wake;
              if (owner !== undefined) {
                row.leaseUntil = null;
                row.owner = null;
              }
              customers.set(id, row);
              for (const k of o.enqueue)
                if (!outbox.has(`k${k}`))
                  outbox.set(`k${k}`, {
                    status: 'pending',
                    availableAt: k * 5,
                    leaseUntil: null,
                    owner: null,
                  });
              for (const k of o.cancel) {
                const e = outbox.get(`k${k}`);
                if (e?.status === 'pending') e.status = 'cancelled';
              }
              break;
            }
            case 'claimCustomers': {
              const owner = `w${worker++}`;
              const got = (
                await store.claimDueCustomers({ now, limit: o.limit, owner, leaseMs: o.lease })
              ).map((c) => c.customerId);
              const expected = [...customers.entries()]
                .filter(
                  ([, r]) =>
                    r.wakeAt !== null && Math.max(r.wakeAt, r.leaseUntil ?? -Infinity) <= now,
                )
                .sort(
                  ([a, x], [b, y]) =>
                    Math.max(x.wakeAt!, x.leaseUntil ?? -Infinity) -
                      Math.max(y.wakeAt!, y.leaseUntil ?? -Infinity) || (a < b ? -1 : 1),
                )
                .slice(0, o.limit)
                .map(([id]) => id);
              expect(got).toEqual(expected);
              for (const id of got)
                Object.assign(customers.get(id)!, { leaseUntil: now + o.lease, owner });
              break;
            }
            case 'claimActions': {
              const owner = `w${worker++}`;
              const got = (
                await store.claimActions({ now, limit: o.limit, owner, leaseMs: o.lease })
              ).map((e) => e.action.key);
              const at = (e: { status: string; availableAt: number; leaseUntil: number | null }) =>
                e.status === 'pending' ? e.availableAt : e.leaseUntil!;
              const expected = [...outbox.entries()]
                .filter(
                  ([, e]) => (e.status === 'pending' || e.status === 'claimed') && at(e) <= now,
                )
                .sort(([a, x], [b, y]) => at(x) - at(y) || (a < b ? -1 : 1))
                .slice(0, o.limit)
                .map(([k]) => k);
              expect(got).toEqual(expected);
              for (const k of got)
                Object.assign(outbox.get(k)!, {
                  status: 'claimed',
                  leaseUntil: now + o.lease,
                  owner,
                });
              break;
            }
            case 'complete': {
              const e = outbox.get(`k${o.key}`);
              const owner = o.asOwner && e?.owner ? e.owner : `w${o.owner}`;
              const ok = await store.completeAction(`k${o.key}`, owner, { now });
              expect(ok).toBe(e?.status === 'claimed' && e.owner === owner);
              if (ok) Object.assign(e!, { status: 'delivered', leaseUntil: null, owner: null });
              break;
            }
            case 'fail': {
              const e = outbox.get(`k${o.key}`);
              const owner = o.asOwner && e?.owner ? e.owner : `w${o.owner}`;
              const retryAt = o.retry === null ? null : now + o.retry;
              const ok = await store.failAction(`k${o.key}`, owner, { now, error: 'x', retryAt });
              expect(ok).toBe(e?.status === 'claimed' && e.owner === owner);
              if (ok)
                Object.assign(e!, {
                  status: retryAt === null ? 'dead' : 'pending',
                  availableAt: retryAt ?? e!.availableAt,
                  leaseUntil: null,
                  owner: null,
                });
              break;
            }
          }
        }
      }),
      {
        numRuns: 1000,
        examples: [
          [
            [
              // a commit by the claimer releases the lease: due again at once
              { kind: 'append', customer: 0, at: 0 },
              { kind: 'claimCustomers', limit: 1, lease: 10 },
              { kind: 'commit', customer: 0, wake: 0, enqueue: [], cancel: [], release: true },
              { kind: 'claimCustomers', limit: 1, lease: 10 },
            ],
          ],
          [
            [
              { kind: 'append', customer: 4, at: 0 },
              { kind: 'commit', customer: 4, wake: null, enqueue: [], cancel: [], release: false },
              { kind: 'append', customer: 4, at: 0 },
              { kind: 'claimCustomers', limit: 1, lease: 1 },
            ],
          ],
        ],
      },
    );
  });
});
