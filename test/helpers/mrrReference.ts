/**
 * The revenue definitions written plainly, for the property tests of mrrMovements,
 * netRevenueRetention, grossRevenueRetention and revenueChurn: a customer's MRR at an instant is
 * recomputed from scratch, and movements are read by comparing the MRR just before and at each
 * instant a change happens.
 */
import * as fc from 'fast-check';
import { toInstant } from '../../src/core/instant';
import type { MrrChange } from '../../src/core/records';
import { arbMrrChanges } from '../../src/testing/arbitraries';

export interface ReferenceMovements {
  startingMrr: number;
  endingMrr: number;
  customersAtStart: number;
  customersAtEnd: number;
  kinds: Record<
    'newBusiness' | 'expansion' | 'contraction' | 'churn' | 'reactivation',
    { mrr: number; customers: number; count: number }
  >;
}

type Convert = (change: MrrChange) => number;

export function mrrAt(
  changes: readonly MrrChange[],
  id: string,
  t: number,
  amount: Convert,
): number {
  const latest = new Map<string, { at: number; mrr: number }>();
  for (const c of changes) {
    if (c.customerId !== id) continue;
    const at = toInstant(c.at);
    if (at > t) continue;
    const key = c.subscriptionId ?? '';
    const prev = latest.get(key);
    if (prev === undefined || at > prev.at) latest.set(key, { at, mrr: amount(c) });
  }
  let total = 0;
  for (const v of latest.values()) total += v.mrr;
  return total;
}

export function referenceMovements(
  changes: readonly MrrChange[],
  from: number,
  to: number,
  amount: Convert = (c) => c.mrr,
): ReferenceMovements {
  const ids = [...new Set(changes.map((c) => c.customerId))];
  const out: ReferenceMovements = {
    startingMrr: 0,
    endingMrr: 0,
    customersAtStart: 0,
    customersAtEnd: 0,
    kinds: {
      newBusiness: { mrr: 0, customers: 0, count: 0 },
      expansion: { mrr: 0, customers: 0, count: 0 },
      contraction: { mrr: 0, customers: 0, count: 0 },
      churn: { mrr: 0, customers: 0, count: 0 },
      reactivation: { mrr: 0, customers: 0, count: 0 },
    },
  };
  for (const id of ids) {
    const open = mrrAt(changes, id, from, amount);
    const close = mrrAt(changes, id, to, amount);
    out.startingMrr += open;
    out.endingMrr += close;
    if (open > 0) out.customersAtStart++;
    if (close > 0) out.customersAtEnd++;
    const instants = [
      ...new Set(changes.filter((c) => c.customerId === id).map((c) => toInstant(c.at))),
    ].sort((a, b) => a - b);
    const seen = new Set<string>();
    for (const u of instants) {
      if (u <= from || u > to) continue;
      const before = mrrAt(changes, id, u - 1, amount);
      const after = mrrAt(changes, id, u, amount);
      const paidBefore = instants.some((v) => v < u && mrrAt(changes, id, v, amount) > 0);
      let kind: keyof ReferenceMovements['kinds'] | undefined;
      let moved = 0;
      if (before === 0 && after > 0) {
        kind = paidBefore ? 'reactivation' : 'newBusiness';
        moved = after;
      } else if (before > 0 && after === 0) {
        kind = 'churn';
        moved = before;
      } else if (after > before) {
        kind = 'expansion';
        moved = after - before;
      } else if (after < before) {
        kind = 'contraction';
        moved = before - after;
      }
      if (kind === undefined) continue;
      out.kinds[kind].mrr += moved;
      out.kinds[kind].count++;
      if (!seen.has(kind)) out.kinds[kind].customers++;
      seen.add(kind);
    }
  }
  return out;
}

/** NRR and GRR over the customers paying at `from`. */
export function referenceRetention(
  changes: readonly MrrChange[],
  from: number,
  to: number,
  amount: Convert = (c) => c.mrr,
): {
  customers: number;
  starting: number;
  ending: number;
  kept: number;
  expansion: number;
  contraction: number;
  churn: number;
} {
  const ids = [...new Set(changes.map((c) => c.customerId))];
  const r = {
    customers: 0,
    starting: 0,
    ending: 0,
    kept: 0,
    expansion: 0,
    contraction: 0,
    churn: 0,
  };
  for (const id of ids) {
    const open = mrrAt(changes, id, from, amount);
    if (open <= 0) continue;
    const close = mrrAt(changes, id, to, amount);
    r.customers++;
    r.starting += open;
    r.ending += close;
    r.kept += Math.min(open, close);
    if (close === 0) r.churn += open;
    else if (close > open) r.expansion += close - open;
    else r.contraction += open - close;
  }
  return r;
}

const DAY = 86_400_000;
const MIN = Date.UTC(2025, 0, 1);
const MAX = Date.UTC(2026, 0, 1);

/**
 * MRR histories (some customers with several subscriptions, some changes exactly at the period's
 * ends) and a period.
 */
export const arbRevenueCase = fc
  .tuple(
    fc.oneof<fc.Arbitrary<MrrChange[]>[]>(
      arbMrrChanges({ min: MIN, max: MAX, customers: 6, maxLength: 40 }),
      // small amounts: many equal MRRs (changes that move nothing) and small churns
      arbMrrChanges({ min: MIN, max: MAX, customers: 5, maxLength: 40, subscriptions: 2 }).map(
        (cs) => cs.map((c) => ({ ...c, mrr: c.mrr % 5 === 0 ? 0 : c.mrr % 3000 })),
      ),
      arbMrrChanges({ min: MIN, max: MAX, customers: 4, maxLength: 40, subscriptions: 3 }),
      // few distinct instants: many simultaneous changes
      arbMrrChanges({ min: MIN, max: MIN + 20, customers: 3, maxLength: 30, subscriptions: 2 }),
    ),
    fc.integer({ min: MIN, max: MAX }),
    fc.integer({ min: 1, max: 200 * DAY }),
  )
  .chain(([changes, from, length]) => {
    const instants = changes.map((c) => c.at as number);
    const point = instants.length > 0 ? fc.constantFrom(...instants) : fc.constant(from);
    return fc.record({
      changes: fc.constant(changes),
      from: fc.oneof(fc.constant(from), point),
      to: fc.oneof(fc.constant(from + length), point),
    });
  })
  .map(({ changes, from, to }) => ({
    changes,
    from: Math.min(from, to),
    to: Math.max(from, to) + (from === to ? 1 : 0),
  }));
