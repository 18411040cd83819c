import type { Accumulator } from '../core/accumulator';
import { durationToMs, type FixedDurationInput } from '../core/duration';
import { describeType, failInput, type InputLocation } from '../core/errors';
import { type InstantInput, toInstant, toOptionalInstant } from '../core/instant';
import type { CurrencyConverter } from '../core/money';
import type { SaveOfferKind } from './cancellationSave';
import { EXIT_REASONS, type ExitReason, isExitReason } from './exitReasons';
import {
  at,
  MoneyTotal,
  optionalCurrency,
  optionalNumber,
  requireId,
  requireObject,
} from './input';

/**
 * What happened in one cancellation flow, as {@link cancellationSaveResults} reads it: what was
 * offered (the offers of a {@link CancellationSavePlan} fit), what the customer accepted, and
 * what they did afterwards.
 *
 * @category winback
 */
export interface CancellationSaveOutcome {
  readonly customerId: string;
  /** When the offers were shown. */
  readonly at: InstantInput;
  /** The reason the customer gave. @defaultValue unknown */
  readonly reason?: ExitReason | null;
  /** The offers shown, by id and kind (empty when none fitted). */
  readonly offered: readonly { readonly id: string; readonly kind: SaveOfferKind }[];
  /** The id of the offer the customer accepted; absent or `null` when they cancelled anyway. */
  readonly accepted?: string | null;
  /** After an accepted pause: when the customer resumed paying, if they did. */
  readonly resumedAt?: InstantInput | null;
  /** When the customer cancelled after all, if they did. */
  readonly canceledAt?: InstantInput | null;
  /** What the customer pays per month, in minor units, for the saved revenue. */
  readonly mrr?: number;
  readonly currency?: string;
}

/**
 * Options of {@link cancellationSaveResults} and {@link cancellationSaveResultsAccumulator}.
 *
 * @category winback
 */
export interface CancellationSaveResultsOptions {
  /** The time of the report: a window still open at `asOf` is not decided yet. */
  readonly asOf: InstantInput;
  /** A save is kept when the customer does not cancel within this long of it. @defaultValue `'30d'` */
  readonly keepWindow?: FixedDurationInput;
  /** A paused customer has returned when they resume paying within this long of pausing. @defaultValue `'60d'` */
  readonly returnWindow?: FixedDurationInput;
  /** The currency of `savedMrr`. @defaultValue the first outcome's currency */
  readonly currency?: string;
  /** Converts amounts in other currencies; without it, mixing currencies is an error. */
  readonly convert?: CurrencyConverter;
}

/**
 * Save results of one exit reason.
 *
 * @category winback
 */
export interface SaveReasonRow {
  /** `null` for outcomes without a reason. */
  readonly reason: ExitReason | null;
  readonly attempts: number;
  readonly withOffer: number;
  readonly saved: number;
  /** `saved / withOffer`. */
  readonly saveRate: number | null;
}

/**
 * Results of one offer.
 *
 * @category winback
 */
export interface SaveOfferRow {
  readonly offerId: string;
  readonly kind: SaveOfferKind;
  readonly offered: number;
  readonly accepted: number;
  /** `accepted / offered`. */
  readonly acceptRate: number | null;
}

/**
 * What cancellation saves achieved. Every rate is `null` when its denominator is 0.
 *
 * @category winback
 */
export interface CancellationSaveResults {
  /** Cancellation flows recorded. */
  readonly attempts: number;
  /** Flows that showed at least one offer. */
  readonly withOffer: number;
  /** Flows whose customer accepted an offer. */
  readonly saved: number;
  /** `saved / withOffer`. */
  readonly saveRate: number | null;
  /** Saves whose keep window is over at `asOf` (or that cancelled within it). */
  readonly decided: number;
  /** Decided saves that did not cancel within the keep window. */
  readonly kept: number;
  /** `kept / decided`. */
  readonly keepRate: number | null;
  /** Monthly revenue of the saved customers, in minor units of `currency`. */
  readonly savedMrr: number;
  readonly currency: string | null;
  /** Accepted pauses: whether paused customers came back. */
  readonly pauses: {
    readonly accepted: number;
    /** Pauses whose customer resumed, cancelled, or whose return window is over. */
    readonly decided: number;
    /** Resumed paying within the return window. */
    readonly returned: number;
    /** Cancelled within the return window without resuming. */
    readonly canceled: number;
    /** `returned / decided`. */
    readonly returnRate: number | null;
  };
  /** Per reason, in the taxonomy's order (outcomes without a reason last). */
  readonly byReason: readonly SaveReasonRow[];
  /** Per offer, sorted by offer id. */
  readonly byOffer: readonly SaveOfferRow[];
}

/**
 * The JSON state of a {@link CancellationSaveResultsAccumulator}.
 *
 * @category winback
 */
export interface CancellationSaveResultsSnapshot {
  readonly v: 1;
  readonly config: string;
  /** attempts, withOffer, saved, decided, kept, pauses accepted, decided, returned, canceled. */
  readonly counts: readonly number[];
  /** `[reason or '', attempts, withOffer, saved]`. */
  readonly reasons: readonly (readonly [string, number, number, number])[];
  /** `[offerId, kind, offered, accepted]`. */
  readonly offers: readonly (readonly [string, SaveOfferKind, number, number])[];
  readonly savedMrr: { readonly amount: number; readonly currency: string | null };
}

/**
 * The accumulator form of {@link cancellationSaveResults}.
 *
 * @category winback
 */
export type CancellationSaveResultsAccumulator = Accumulator<
  CancellationSaveOutcome,
  CancellationSaveResults,
  CancellationSaveResultsSnapshot
>;

const FN = 'cancellationSaveResults';
const KINDS: readonly SaveOfferKind[] = ['pause', 'downgrade', 'discount', 'human'];
const rate = (a: number, b: number): number | null => (b === 0 ? null : a / b);

interface Config {
  readonly asOf: number;
  readonly keepMs: number;
  readonly returnMs: number;
  readonly currency: string | null;
  readonly convert: CurrencyConverter | undefined;
  readonly text: string;
}

function resolve(options: CancellationSaveResultsOptions, fn: string): Config {
  const where: InputLocation = { fn, root: 'options', path: [] };
  const o = requireObject(options, where);
  const asOf = toInstant(o.asOf as InstantInput, at(where, 'asOf'));
  const window = (key: string, fallback: string) => {
    const ms = durationToMs((o[key] as FixedDurationInput | undefined) ?? fallback, at(where, key));
    if (ms <= 0)
      failInput(at(where, key), { code: 'out_of_range', path: [], expected: 'longer than zero' });
    return ms;
  };
  const keepMs = window('keepWindow', '30d');
  const returnMs = window('returnWindow', '60d');
  const currency = optionalCurrency(o.currency, at(where, 'currency'));
  if (o.convert !== undefined && typeof o.convert !== 'function')
    failInput(at(where, 'convert'), {
      code: 'invalid_type',
      path: [],
      expected: 'a function (amount, from, to) => amount',
      received: describeType(o.convert),
    });
  return {
    asOf,
    keepMs,
    returnMs,
    currency,
    convert: o.convert as CurrencyConverter | undefined,
    text: JSON.stringify([asOf, keepMs, returnMs, currency]),
  };
}

class SaveResultsAccumulator implements CancellationSaveResultsAccumulator {
  private readonly counts = new Array<number>(9).fill(0);
  private readonly reasons = new Map<string, [number, number, number]>();
  private readonly offers = new Map<string, [SaveOfferKind, number, number]>();
  private readonly money: MoneyTotal;
  private index = 0;

  constructor(private readonly config: Config) {
    this.money = new MoneyTotal(FN, config.currency, config.convert);
  }

  private reasonRow(key: string): [number, number, number] {
    let row = this.reasons.get(key);
    if (row === undefined) {
      row = [0, 0, 0];
      this.reasons.set(key, row);
    }
    return row;
  }

  private offerRow(
    id: string,
    kind: SaveOfferKind,
    where: InputLocation,
  ): [SaveOfferKind, number, number] {
    let row = this.offers.get(id);
    if (row === undefined) {
      row = [kind, 0, 0];
      this.offers.set(id, row);
    } else if (row[0] !== kind)
      failInput(where, {
        code: 'invalid_value',
        path: ['kind'],
        detail: 'an offer id seen before with another kind',
      });
    return row;
  }

  add(record: CancellationSaveOutcome): this {
    const where: InputLocation = { fn: FN, root: 'outcomes', path: [this.index] };
    this.index++;
    const r = requireObject(record, where);
    requireId(r.customerId, at(where, 'customerId'));
    const t = toInstant(r.at as InstantInput, at(where, 'at'));
    const reason = r.reason ?? null;
    if (reason !== null && !isExitReason(reason))
      failInput(at(where, 'reason'), {
        code: 'invalid_enum',
        path: [],
        expected: `one of ${EXIT_REASONS.join(', ')}`,
        received: describeType(reason),
      });
    if (!Array.isArray(r.offered))
      failInput(at(where, 'offered'), {
        code: 'invalid_type',
        path: [],
        expected: 'an array of { id, kind }',
        received: describeType(r.offered),
      });
    const offered = (r.offered as readonly unknown[]).map((x, i) => {
      const w = at(where, 'offered', i);
      const o = requireObject(x, w);
      const id = requireId(o.id, at(w, 'id'));
      if (!KINDS.includes(o.kind as SaveOfferKind))
        failInput(at(w, 'kind'), {
          code: 'invalid_enum',
          path: [],
          expected: KINDS.join(', '),
          received: describeType(o.kind),
        });
      return { id, kind: o.kind as SaveOfferKind, where: w };
    });
    const acceptedId = r.accepted ?? null;
    const accepted = acceptedId === null ? undefined : offered.find((o) => o.id === acceptedId);
    if (acceptedId !== null && accepted === undefined)
      failInput(at(where, 'accepted'), {
        code: 'unknown_reference',
        path: [],
        detail: 'not the id of an offer in offered',
      });
    const resumedAt = toOptionalInstant(
      (r.resumedAt ?? undefined) as InstantInput | undefined,
      at(where, 'resumedAt'),
    );
    const canceledAt = toOptionalInstant(
      (r.canceledAt ?? undefined) as InstantInput | undefined,
      at(where, 'canceledAt'),
    );
    const mrr = optionalNumber(r.mrr, at(where, 'mrr'), { integer: true, min: 0 });
    const currency = optionalCurrency(r.currency, at(where, 'currency'));

    const c = this.counts;
    const row = this.reasonRow(reason ?? '');
    c[0] = c[0]! + 1;
    row[0]++;
    if (offered.length > 0) {
      c[1] = c[1]! + 1;
      row[1]++;
    }
    for (const o of offered) this.offerRow(o.id, o.kind, o.where)[1]++;
    if (accepted !== undefined) {
      c[2] = c[2]! + 1;
      row[2]++;
      this.offerRow(accepted.id, accepted.kind, accepted.where)[2]++;
      if (mrr !== null) this.money.add(mrr, currency);
      const { asOf, keepMs, returnMs } = this.config;
      const canceledWithinKeep = canceledAt !== undefined && canceledAt <= t + keepMs;
      if (canceledWithinKeep || t + keepMs <= asOf) {
        c[3] = c[3]! + 1;
        if (!canceledWithinKeep) c[4] = c[4]! + 1;
      }
      if (accepted.kind === 'pause') {
        c[5] = c[5]! + 1;
        const returned = resumedAt !== undefined && resumedAt <= t + returnMs;
        const canceled = !returned && canceledAt !== undefined && canceledAt <= t + returnMs;
        if (returned || canceled || t + returnMs <= asOf) c[6] = c[6]! + 1;
        if (returned) c[7] = c[7]! + 1;
        if (canceled) c[8] = c[8]! + 1;
      }
    }
    return this;
  }

  addAll(records: Iterable<CancellationSaveOutcome>): this {
    for (const r of records) this.add(r);
    return this;
  }

  merge(other: CancellationSaveResultsAccumulator | CancellationSaveResultsSnapshot): this {
    const fn = `${FN}Accumulator.merge`;
    const snap = other instanceof SaveResultsAccumulator ? other.snapshot() : other;
    const s = requireObject(snap, { fn, root: 'other' });
    if (s.v !== 1 || s.config !== this.config.text)
      failInput(
        { fn, root: 'other' },
        {
          code: 'invalid_value',
          path: [],
          detail: 'a partition made with other options (or not a results snapshot)',
        },
      );
    const snapshot = s as unknown as CancellationSaveResultsSnapshot;
    snapshot.counts.forEach((n, i) => {
      this.counts[i] = this.counts[i]! + n;
    });
    for (const [key, a, w, sv] of snapshot.reasons) {
      const row = this.reasonRow(key);
      row[0] += a;
      row[1] += w;
      row[2] += sv;
    }
    for (const [id, kind, offered, accepted] of snapshot.offers) {
      const row = this.offerRow(id, kind, { fn, root: 'other', path: ['offers'] });
      row[1] += offered;
      row[2] += accepted;
    }
    this.money.add(snapshot.savedMrr.amount, snapshot.savedMrr.currency);
    return this;
  }

  snapshot(): CancellationSaveResultsSnapshot {
    return {
      v: 1,
      config: this.config.text,
      counts: [...this.counts],
      reasons: [...this.reasons.entries()]
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map(([k, [a, w, s]]) => [k, a, w, s] as const),
      offers: [...this.offers.entries()]
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map(([id, [kind, o, acc]]) => [id, kind, o, acc] as const),
      savedMrr: { amount: this.money.amount, currency: this.money.currency },
    };
  }

  result(): CancellationSaveResults {
    const [attempts, withOffer, saved, decided, kept, pa, pd, pr, pc] = this.counts as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const reasonRows: SaveReasonRow[] = [];
    for (const reason of [...EXIT_REASONS, null]) {
      const row = this.reasons.get(reason ?? '');
      if (row === undefined) continue;
      reasonRows.push({
        reason,
        attempts: row[0],
        withOffer: row[1],
        saved: row[2],
        saveRate: rate(row[2], row[1]),
      });
    }
    return {
      attempts,
      withOffer,
      saved,
      saveRate: rate(saved, withOffer),
      decided,
      kept,
      keepRate: rate(kept, decided),
      savedMrr: this.money.amount,
      currency: this.money.currency,
      pauses: { accepted: pa, decided: pd, returned: pr, canceled: pc, returnRate: rate(pr, pd) },
      byReason: reasonRows,
      byOffer: [...this.offers.keys()].sort().map((offerId) => {
        const [kind, offered, accepted] = this.offers.get(offerId)!;
        return { offerId, kind, offered, accepted, acceptRate: rate(accepted, offered) };
      }),
    };
  }
}

/**
 * Creates the accumulator form of {@link cancellationSaveResults}, for outcomes split across
 * partitions: merge live accumulators or their JSON snapshots (with the same options; give a
 * converter to each partition alike).
 *
 * @param options - See {@link CancellationSaveResultsOptions}; `asOf` is required.
 * @returns An empty accumulator.
 * @throws {RetentionInputError} When an option is invalid; `add` throws for a malformed outcome,
 * `merge` for a snapshot made with other options.
 *
 * @example
 * const a = cancellationSaveResultsAccumulator({ asOf: '2026-06-01T00:00:00Z' });
 * a.add({ customerId: 'c1', at: '2026-03-01T00:00:00Z', offered: [{ id: 'pause', kind: 'pause' }], accepted: 'pause', resumedAt: '2026-04-01T00:00:00Z' });
 * const b = cancellationSaveResultsAccumulator({ asOf: '2026-06-01T00:00:00Z' });
 * b.add({ customerId: 'c2', at: '2026-03-02T00:00:00Z', offered: [{ id: 'pause', kind: 'pause' }], canceledAt: '2026-03-02T00:00:00Z' });
 * a.merge(b.snapshot()).result().byOffer
 * //=> [{ offerId: 'pause', kind: 'pause', offered: 2, accepted: 1, acceptRate: 0.5 }]
 *
 * @category winback
 */
export function cancellationSaveResultsAccumulator(
  options: CancellationSaveResultsOptions,
): CancellationSaveResultsAccumulator {
  return new SaveResultsAccumulator(resolve(options, `${FN}Accumulator`));
}

/**
 * Measures cancellation saves: how many flows showed an offer, how many customers accepted one
 * (the save rate, per reason and per offer), how many saves were kept (no cancellation within
 * `keepWindow`), the monthly revenue saved, and whether paused customers came back: returned
 * (resumed paying within `returnWindow` of pausing), cancelled, or still undecided at `asOf`.
 * One pass over any iterable.
 *
 * @param outcomes - One record per cancellation flow (see {@link CancellationSaveOutcome}).
 * @param options - See {@link CancellationSaveResultsOptions}; `asOf` is required.
 * @returns The counts and rates, per reason and per offer.
 * @throws {RetentionInputError} When an outcome is malformed (naming its index), accepted an
 * offer it was not shown, or reuses an offer id with another kind, or when an option is invalid.
 * @throws {RetentionError} With code `currency_mismatch` when `mrr` comes in several currencies
 * and no converter is given.
 *
 * @example
 * const r = cancellationSaveResults(
 *   [
 *     { customerId: 'c1', at: '2026-03-01T00:00:00Z', reason: 'temporary', offered: [{ id: 'pause', kind: 'pause' }],
 *       accepted: 'pause', resumedAt: '2026-04-01T00:00:00Z', mrr: 2900, currency: 'USD' },
 *     { customerId: 'c2', at: '2026-03-02T00:00:00Z', reason: 'temporary', offered: [{ id: 'pause', kind: 'pause' }],
 *       accepted: 'pause', canceledAt: '2026-04-02T00:00:00Z', mrr: 2900, currency: 'USD' },
 *     { customerId: 'c3', at: '2026-03-03T00:00:00Z', reason: 'price', offered: [{ id: '25-off', kind: 'discount' }],
 *       mrr: 9900, currency: 'USD' },
 *   ],
 *   { asOf: '2026-06-01T00:00:00Z' },
 * );
 * [r.saveRate, r.savedMrr, r.pauses.returnRate, r.byReason.map((x) => [x.reason, x.saveRate])]
 * //=> [2 / 3, 5800, 0.5, [['price', 0], ['temporary', 1]]]
 *
 * @category winback
 */
export function cancellationSaveResults(
  outcomes: Iterable<CancellationSaveOutcome>,
  options: CancellationSaveResultsOptions,
): CancellationSaveResults {
  return new SaveResultsAccumulator(resolve(options, FN)).addAll(outcomes).result();
}
