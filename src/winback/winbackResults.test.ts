import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMergeable, assertPure } from '../../test/helpers/contracts';
import { drive } from '../../test/helpers/winback';
import { RetentionError, RetentionInputError } from '../core/errors';
import { simulateBusiness } from '../testing/index';
import { defineWinbackPolicy } from './defineWinbackPolicy';
import type { WinbackEntry } from './planWinback';
import { winbackHoldoutGroup } from './winbackHoldoutGroup';
import {
  type WinbackResultEntry,
  winbackResults,
  winbackResultsAccumulator,
} from './winbackResults';

const arbEntry: fc.Arbitrary<WinbackResultEntry> = fc
  .record({
    segment: fc.constantFrom('price', 'no_value', 'all'),
    group: fc.constantFrom('treatment' as const, 'holdout' as const),
    offerId: fc.constantFrom('a', 'b', null),
    closed: fc.boolean(),
    won: fc.boolean(),
    mrr: fc.option(fc.integer({ min: 0, max: 50_000 }), { nil: null }),
  })
  .map(({ closed, won, mrr, ...e }) => ({
    ...e,
    closedAt: closed ? 1 : null,
    reactivatedAt: won ? 1 : null,
    reactivatedMrr: won ? mrr : null,
    reactivatedCurrency: won && mrr !== null ? 'EUR' : null,
  }));

describe('winbackResults', () => {
  it('equals a naive count of closed entries by group', () => {
    fc.assert(
      fc.property(fc.array(arbEntry, { maxLength: 60 }), (entries) => {
        const r = winbackResults(entries);
        const closed = entries.filter((e) => e.closedAt !== null);
        expect(r.open).toBe(entries.length - closed.length);
        for (const g of ['treatment', 'holdout'] as const) {
          const mine = closed.filter((e) => e.group === g);
          const won = mine.filter((e) => e.reactivatedAt !== null);
          const res = r[g];
          expect([res.entries, res.wonBack, res.revenue]).toEqual([
            mine.length,
            won.length,
            won.reduce((s, e) => s + (e.reactivatedMrr ?? 0), 0),
          ]);
          expect(res.rate).toBe(mine.length === 0 ? null : won.length / mine.length);
        }
        if (r.uplift !== null) {
          expect(r.uplift).toBeCloseTo(r.treatment.rate! - r.holdout.rate!, 12);
          expect(r.upliftInterval![0]).toBeLessThanOrEqual(r.uplift);
          expect(r.upliftInterval![1]).toBeGreaterThanOrEqual(r.uplift);
        } else expect(r.treatment.entries === 0 || r.holdout.entries === 0).toBe(true);
        const sum = (
          rows: readonly { treatment: { entries: number }; holdout: { entries: number } }[],
        ) => rows.reduce((s, x) => s + x.treatment.entries + x.holdout.entries, 0);
        expect(sum(r.bySegment)).toBe(closed.length);
        expect(sum(r.byOffer)).toBe(closed.length);
        for (const x of [r, ...r.bySegment, ...r.byOffer])
          for (const rate of [x.treatment.rate, x.holdout.rate])
            expect(rate === null || (rate >= 0 && rate <= 1)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('merges partitions to the answer of one pass, also through JSON', () => {
    fc.assert(
      fc.property(
        fc.array(arbEntry, { maxLength: 40 }),
        fc.array(fc.nat(40), { maxLength: 3 }),
        (entries, cuts) => {
          assertMergeable(() => winbackResultsAccumulator(), entries, cuts);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('measures a campaign on a simulated business against its holdout', () => {
    const business = simulateBusiness({ seed: 5, customers: 2500, days: 300 });
    const policy = defineWinbackPolicy({
      id: 'winback',
      version: 1,
      segments: [
        { id: 'price', when: { fact: 'reason', op: 'eq', value: 'price' } },
        { id: 'no_value', when: { fact: 'reason', op: 'eq', value: 'no_value' } },
        { id: 'other' },
      ],
      holdout: { share: 0.3 },
    });
    const byCustomer = new Map<
      string,
      { type: string; at: number; id: string; properties: Record<string, never> }[]
    >();
    for (const e of business.events) {
      const list = byCustomer.get(e.customerId) ?? [];
      list.push({
        ...e,
        at: Number(e.at),
        properties: (e.properties ?? {}) as Record<string, never>,
      });
      byCustomer.set(e.customerId, list);
    }
    const closed: WinbackEntry[] = [];
    const open: WinbackEntry[] = [];
    for (const c of business.customers) {
      const events = byCustomer.get(c.id) ?? [];
      if (!events.some((e) => e.type === 'subscription_canceled')) continue;
      const r = drive(
        { ...c, ...(c.timeZone === undefined ? {} : { timeZone: c.timeZone }) },
        policy,
        events,
        business.end,
      );
      closed.push(...r.closed);
      const entry = r.state?.entry;
      if (entry != null && entry.closedAt === null) open.push(entry);
      // the holdout never gets a message
      if (winbackHoldoutGroup(c.id, policy) === 'holdout') expect(r.planned.size).toBe(0);
    }
    const r = assertPure(winbackResults, [...closed, ...open]);
    console.info(
      `simulated win-back: ${r.treatment.entries} treated, ${r.holdout.entries} held out; ` +
        `win-back rate ${(r.treatment.rate! * 100).toFixed(1)}% vs ${(r.holdout.rate! * 100).toFixed(1)}%, ` +
        `uplift ${(r.uplift! * 100).toFixed(1)} points [${r.upliftInterval!.map((x) => (x * 100).toFixed(1)).join(', ')}]`,
    );
    expect(r.open).toBe(open.length);
    expect(r.treatment.entries + r.holdout.entries).toBeGreaterThan(150);
    const share = r.holdout.entries / (r.treatment.entries + r.holdout.entries);
    const n = r.treatment.entries + r.holdout.entries;
    expect(Math.abs(share - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / n));
    // the simulator's customers come back whatever we send: the interval must admit no effect
    expect(r.upliftInterval![0]).toBeLessThanOrEqual(0);
    expect(r.upliftInterval![1]).toBeGreaterThanOrEqual(0);
    expect(r.bySegment.map((s) => s.segment)).toEqual(['no_value', 'other', 'price']);
    expect(r.byOffer.map((s) => s.offerId)).toEqual(['winback-20-off']);
  });

  it('needs a converter to mix currencies', () => {
    const won = (currency: string): WinbackResultEntry => ({
      segment: 'all',
      group: 'treatment',
      offerId: null,
      closedAt: 1,
      reactivatedAt: 1,
      reactivatedMrr: 1000,
      reactivatedCurrency: currency,
    });
    expect(() => winbackResults([won('USD'), won('EUR')])).toThrowErrorMatchingInlineSnapshot(
      `[RetentionError: winbackResults: revenue in EUR and USD cannot be added without a converter (options.convert)]`,
    );
    expect(() => winbackResults([{ ...won('USD'), reactivatedCurrency: null }])).toThrow(
      RetentionError,
    );
    const r = winbackResults([won('USD'), won('EUR')], {
      currency: 'USD',
      convert: (a, from) => (from === 'EUR' ? a * 2 : a),
    });
    expect([r.treatment.revenue, r.currency]).toEqual([3000, 'USD']);
  });

  it('rejects malformed entries, naming the index', () => {
    const ok: WinbackResultEntry = {
      segment: 'all',
      group: 'holdout',
      offerId: null,
      closedAt: 1,
      reactivatedAt: null,
      reactivatedMrr: null,
      reactivatedCurrency: null,
    };
    const run = (bad: unknown) => () => winbackResults([ok, bad as WinbackResultEntry]);
    expect(run({ ...ok, group: 'control' })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: winbackResults: entries[1].group is not one of the allowed values (expected 'treatment' or 'holdout'; received string)]`,
    );
    expect(run({ ...ok, segment: 3 })).toThrow(/entries\[1\].segment has the wrong type/);
    expect(run({ ...ok, offerId: 3 })).toThrow(/entries\[1\].offerId has the wrong type/);
    expect(run({ ...ok, reactivatedAt: 1, reactivatedMrr: -4 })).toThrow(
      /entries\[1\].reactivatedMrr is out of range/,
    );
    expect(run(null)).toThrow(RetentionInputError);
    expect(() => winbackResults([], { currency: 'usd' })).toThrow(
      /options.currency is not an ISO 4217 currency code/,
    );
    expect(() => winbackResultsAccumulator().merge({ v: 2 } as never)).toThrow(
      /not a win-back results snapshot/,
    );
  });
});
