import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMergeable, assertPure } from '../../test/helpers/contracts';
import { RetentionError, RetentionInputError } from '../core/errors';
import { simulateBusiness } from '../testing/index';
import type { SaveOfferKind } from './cancellationSave';
import {
  type CancellationSaveOutcome,
  cancellationSaveResults,
  cancellationSaveResultsAccumulator,
} from './cancellationSaveResults';
import { EXIT_REASONS, isExitReason } from './exitReasons';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const ASOF = T0 + 120 * DAY;

const OFFERS: readonly { id: string; kind: SaveOfferKind }[] = [
  { id: 'pause', kind: 'pause' },
  { id: 'starter', kind: 'downgrade' },
  { id: 'off', kind: 'discount' },
  { id: 'call', kind: 'human' },
];

const arbOutcome: fc.Arbitrary<CancellationSaveOutcome> = fc
  .record({
    customerId: fc.constantFrom('a', 'b', 'c'),
    at: fc.integer({ min: T0, max: T0 + 110 * DAY }),
    reason: fc.option(fc.constantFrom(...EXIT_REASONS), { nil: null }),
    offered: fc.subarray([...OFFERS]),
    pick: fc.nat(4),
    resumeAfter: fc.option(fc.integer({ min: 0, max: 90 * DAY }), { nil: undefined }),
    cancelAfter: fc.option(fc.integer({ min: 0, max: 90 * DAY }), { nil: undefined }),
    mrr: fc.integer({ min: 0, max: 50_000 }),
  })
  .map(({ pick, resumeAfter, cancelAfter, ...o }) => ({
    ...o,
    accepted: pick < o.offered.length ? o.offered[pick]!.id : null,
    currency: 'USD',
    ...(resumeAfter === undefined ? {} : { resumedAt: o.at + resumeAfter }),
    ...(cancelAfter === undefined ? {} : { canceledAt: o.at + cancelAfter }),
  }));

describe('cancellationSaveResults', () => {
  it('equals a naive count on random outcomes', () => {
    fc.assert(
      fc.property(fc.array(arbOutcome, { maxLength: 50 }), (outcomes) => {
        const r = cancellationSaveResults(outcomes, { asOf: ASOF });
        const saves = outcomes.filter((o) => o.accepted != null);
        expect(r.attempts).toBe(outcomes.length);
        expect(r.withOffer).toBe(outcomes.filter((o) => o.offered.length > 0).length);
        expect(r.saved).toBe(saves.length);
        expect(r.savedMrr).toBe(saves.reduce((s, o) => s + o.mrr!, 0));
        const keptNaive = saves.filter(
          (o) =>
            Number(o.at) + 30 * DAY <= ASOF &&
            (o.canceledAt == null || Number(o.canceledAt) > Number(o.at) + 30 * DAY),
        ).length;
        expect(r.kept).toBe(keptNaive);
        const pauses = saves.filter((o) => o.accepted === 'pause');
        const returned = pauses.filter(
          (o) => o.resumedAt != null && Number(o.resumedAt) <= Number(o.at) + 60 * DAY,
        ).length;
        expect([r.pauses.accepted, r.pauses.returned]).toEqual([pauses.length, returned]);
        expect(r.pauses.decided).toBeGreaterThanOrEqual(r.pauses.returned + r.pauses.canceled);
        for (const x of [
          r.saveRate,
          r.keepRate,
          r.pauses.returnRate,
          ...r.byOffer.map((o) => o.acceptRate),
        ])
          expect(x === null || (x >= 0 && x <= 1)).toBe(true);
        expect(r.byReason.reduce((s, x) => s + x.attempts, 0)).toBe(outcomes.length);
        expect(r.byOffer.reduce((s, x) => s + x.accepted, 0)).toBe(saves.length);
      }),
      { numRuns: 150 },
    );
  });

  it('merges partitions to the answer of one pass, also through JSON', () => {
    fc.assert(
      fc.property(
        fc.array(arbOutcome, { maxLength: 30 }),
        fc.array(fc.nat(30), { maxLength: 3 }),
        (outcomes, cuts) => {
          assertMergeable(() => cancellationSaveResultsAccumulator({ asOf: ASOF }), outcomes, cuts);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('finds that about a third of simulated pausers return', () => {
    const business = simulateBusiness({ seed: 11, customers: 3000, days: 240, pauseShare: 0.3 });
    const outcomes: CancellationSaveOutcome[] = [];
    const open = new Map<
      string,
      { at: number; reason: unknown; paused: boolean; resumedAt?: number; canceledAt?: number }
    >();
    const flush = (id: string) => {
      const o = open.get(id);
      if (o === undefined) return;
      outcomes.push({
        customerId: id,
        at: o.at,
        reason: isExitReason(o.reason) ? o.reason : null,
        offered: [{ id: 'pause', kind: 'pause' }],
        accepted: o.paused ? 'pause' : null,
        ...(o.resumedAt === undefined ? {} : { resumedAt: o.resumedAt }),
        ...(o.canceledAt === undefined ? {} : { canceledAt: o.canceledAt }),
      });
      open.delete(id);
    };
    for (const e of business.events) {
      const t = Number(e.at);
      if (e.type === 'subscription_paused' || e.type === 'cancellation_requested') {
        flush(e.customerId);
        open.set(e.customerId, {
          at: t,
          reason: e.properties?.exitReason,
          paused: e.type === 'subscription_paused',
        });
      } else if (e.type === 'subscription_resumed') {
        const o = open.get(e.customerId);
        if (o !== undefined) o.resumedAt = t;
      } else if (e.type === 'subscription_canceled') {
        const o = open.get(e.customerId);
        if (o !== undefined && o.canceledAt === undefined) o.canceledAt = t;
      }
    }
    for (const id of [...open.keys()]) flush(id);
    const r = assertPure(cancellationSaveResults, outcomes, { asOf: business.end });
    const { decided, returned, returnRate } = r.pauses;
    console.info(
      `simulated pauses: ${r.pauses.accepted} accepted, ${decided} decided, ${returned} returned (${((returnRate ?? 0) * 100).toFixed(1)}%), ${r.pauses.canceled} cancelled`,
    );
    expect(decided).toBeGreaterThan(100);
    expect(returned + r.pauses.canceled).toBe(decided);
    // the simulator resumes a pause with probability 1/3: within 4 standard errors
    expect(Math.abs(returnRate! - 1 / 3)).toBeLessThan(
      4 * Math.sqrt(((1 / 3) * (2 / 3)) / decided),
    );
  });

  it('reports rates as null without a denominator', () => {
    const r = cancellationSaveResults([], { asOf: ASOF });
    expect([r.saveRate, r.keepRate, r.pauses.returnRate, r.currency]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it('needs a converter to mix currencies', () => {
    const outcomes: CancellationSaveOutcome[] = [
      {
        customerId: 'a',
        at: T0,
        offered: [OFFERS[2]!],
        accepted: 'off',
        mrr: 1000,
        currency: 'USD',
      },
      {
        customerId: 'b',
        at: T0,
        offered: [OFFERS[2]!],
        accepted: 'off',
        mrr: 1000,
        currency: 'EUR',
      },
    ];
    expect(() =>
      cancellationSaveResults(outcomes, { asOf: ASOF }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionError: cancellationSaveResults: amounts in EUR and USD cannot be added without a converter (options.convert)]`,
    );
    expect(() => cancellationSaveResults(outcomes, { asOf: ASOF })).toThrow(RetentionError);
    const r = cancellationSaveResults(outcomes, {
      asOf: ASOF,
      currency: 'USD',
      convert: (amount, from) => (from === 'EUR' ? amount * 1.1 : amount),
    });
    expect([r.savedMrr, r.currency]).toEqual([2100, 'USD']);
  });

  it('rejects malformed outcomes, naming the index', () => {
    const ok: CancellationSaveOutcome = { customerId: 'a', at: T0, offered: [OFFERS[0]!] };
    const run = (bad: unknown) => () =>
      cancellationSaveResults([ok, bad as CancellationSaveOutcome], { asOf: ASOF });
    expect(run({ ...ok, accepted: 'off' })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: cancellationSaveResults: outcomes[1].accepted refers to something that does not exist: not the id of an offer in offered]`,
    );
    expect(
      run({ ...ok, offered: [{ id: 'pause', kind: 'discount' }] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: cancellationSaveResults: outcomes[1].offered[0].kind has an invalid value: an offer id seen before with another kind]`,
    );
    expect(
      run({ ...ok, offered: [{ id: 'x', kind: 'refund' }] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: cancellationSaveResults: outcomes[1].offered[0].kind is not one of the allowed values (expected pause, downgrade, discount, human; received string)]`,
    );
    expect(run({ ...ok, offered: 'pause' })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: cancellationSaveResults: outcomes[1].offered has the wrong type (expected an array of { id, kind }; received string)]`,
    );
    expect(run({ ...ok, reason: 'bored' })).toThrow(
      /outcomes\[1\].reason is not one of the allowed values/,
    );
    expect(run({ ...ok, resumedAt: 'later' })).toThrow(
      /outcomes\[1\].resumedAt is not a valid instant/,
    );
    expect(run({ ...ok, mrr: 1.5 })).toThrow(/outcomes\[1\].mrr is out of range/);
    expect(run({ ...ok, customerId: 5 })).toThrow(RetentionInputError);
  });

  it('rejects invalid options and snapshots of other options', () => {
    expect(() => cancellationSaveResults([], { asOf: 'now' })).toThrow(
      /options.asOf is not a valid instant/,
    );
    expect(() =>
      cancellationSaveResults([], { asOf: ASOF, keepWindow: { months: 1 } as unknown as string }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: cancellationSaveResults: options.keepWindow is not a valid duration (expected a fixed duration; received calendar duration)]`,
    );
    expect(() => cancellationSaveResults([], { asOf: ASOF, returnWindow: 0 })).toThrow(
      /options.returnWindow is out of range/,
    );
    const a = cancellationSaveResultsAccumulator({ asOf: ASOF });
    const b = cancellationSaveResultsAccumulator({ asOf: ASOF, keepWindow: '7d' });
    expect(() => a.merge(b)).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: cancellationSaveResultsAccumulator.merge: other has an invalid value: a partition made with other options (or not a results snapshot)]`,
    );
  });
});
