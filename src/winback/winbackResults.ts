import type { Accumulator } from '../core/accumulator';
import { describeType, failInput, type InputLocation, RetentionError } from '../core/errors';
import type { CurrencyConverter } from '../core/money';
import { at, optionalCurrency, optionalNumber, requireObject } from './input';
import type { WinbackEntry } from './planWinback';

/**
 * An entry as {@link winbackResults} reads it: the {@link WinbackEntry} records
 * {@link planWinback} returns in `closed` fit.
 *
 * @category winback
 */
export type WinbackResultEntry = Pick<
  WinbackEntry,
  | 'segment'
  | 'group'
  | 'offerId'
  | 'closedAt'
  | 'reactivatedAt'
  | 'reactivatedMrr'
  | 'reactivatedCurrency'
>;

/**
 * Options of {@link winbackResults} and {@link winbackResultsAccumulator}.
 *
 * @category winback
 */
export interface WinbackResultsOptions {
  /** The currency of the revenue figures. @defaultValue the first entry's currency */
  readonly currency?: string;
  /** Converts revenue in other currencies; without it, mixing currencies is an error. */
  readonly convert?: CurrencyConverter;
}

/**
 * The outcome of one group (treatment or holdout).
 *
 * @category winback
 */
export interface WinbackGroupResult {
  /** Closed entries. */
  readonly entries: number;
  /** Entries that reactivated within the attribution window. */
  readonly wonBack: number;
  /** `wonBack / entries`. */
  readonly rate: number | null;
  /** Monthly revenue of the reactivations, in minor units. */
  readonly revenue: number;
  /** `revenue / entries`. */
  readonly revenuePerEntry: number | null;
}

/**
 * Treatment against holdout for one slice of entries.
 *
 * @category winback
 */
export interface WinbackComparison {
  readonly treatment: WinbackGroupResult;
  readonly holdout: WinbackGroupResult;
  /** `treatment.rate - holdout.rate`: what the campaign added; `null` without both groups. */
  readonly uplift: number | null;
  /**
   * A 95% interval of the uplift (normal approximation of the difference of two proportions);
   * `null` without both groups.
   */
  readonly upliftInterval: readonly [number, number] | null;
  /** `uplift * treatment.entries`: reactivations the campaign caused. */
  readonly incrementalWins: number | null;
  /** `(treatment.revenuePerEntry - holdout.revenuePerEntry) * treatment.entries`. */
  readonly incrementalRevenue: number | null;
}

/**
 * What {@link winbackResults} returns. Only closed entries count (an open one's outcome is not
 * known yet).
 *
 * @category winback
 */
export interface WinbackResults extends WinbackComparison {
  /** Entries not closed yet, left out. */
  readonly open: number;
  /** The currency of every revenue figure; `null` when no revenue was seen and none was given. */
  readonly currency: string | null;
  /** Per segment, sorted by segment. */
  readonly bySegment: readonly (WinbackComparison & { readonly segment: string })[];
  /** Per planned offer (intent to treat: the offer the sequence was to make), sorted by id; `null` for sequences without an offer. */
  readonly byOffer: readonly (WinbackComparison & { readonly offerId: string | null })[];
}

/**
 * The JSON state of a {@link WinbackResultsAccumulator}.
 *
 * @category winback
 */
export interface WinbackResultsSnapshot {
  readonly v: 1;
  readonly currency: string | null;
  readonly open: number;
  /** `[segment, offerId or null, group, entries, wonBack, revenue]`. */
  readonly cells: readonly (readonly [
    string,
    string | null,
    'treatment' | 'holdout',
    number,
    number,
    number,
  ])[];
}

/**
 * The accumulator form of {@link winbackResults}.
 *
 * @category winback
 */
export type WinbackResultsAccumulator = Accumulator<
  WinbackResultEntry,
  WinbackResults,
  WinbackResultsSnapshot
>;

const FN = 'winbackResults';
const Z95 = 1.959963984540054;

type Cell = [number, number, number];

function group(cell: Cell | undefined): WinbackGroupResult {
  const [entries, wonBack, revenue] = cell ?? [0, 0, 0];
  return {
    entries,
    wonBack,
    rate: entries === 0 ? null : wonBack / entries,
    revenue,
    revenuePerEntry: entries === 0 ? null : revenue / entries,
  };
}

function compare(t: Cell | undefined, h: Cell | undefined): WinbackComparison {
  const treatment = group(t);
  const holdout = group(h);
  if (treatment.rate === null || holdout.rate === null)
    return {
      treatment,
      holdout,
      uplift: null,
      upliftInterval: null,
      incrementalWins: null,
      incrementalRevenue: null,
    };
  const uplift = treatment.rate - holdout.rate;
  const se = Math.sqrt(
    (treatment.rate * (1 - treatment.rate)) / treatment.entries +
      (holdout.rate * (1 - holdout.rate)) / holdout.entries,
  );
  return {
    treatment,
    holdout,
    uplift,
    upliftInterval: [uplift - Z95 * se, uplift + Z95 * se],
    incrementalWins: uplift * treatment.entries,
    incrementalRevenue: (treatment.revenuePerEntry! - holdout.revenuePerEntry!) * treatment.entries,
  };
}

function addCell(
  into: Map<string, [Cell | undefined, Cell | undefined]>,
  key: string,
  g: 0 | 1,
  cell: Cell,
) {
  let pair = into.get(key);
  if (pair === undefined) {
    pair = [undefined, undefined];
    into.set(key, pair);
  }
  let c = pair[g];
  if (c === undefined) {
    c = [0, 0, 0];
    pair[g] = c;
  }
  c[0] += cell[0];
  c[1] += cell[1];
  c[2] += cell[2];
}

class ResultsAccumulator implements WinbackResultsAccumulator {
  /** JSON key `[segment, offerId, group]` -> cell. */
  private readonly cells = new Map<string, Cell>();
  private open = 0;
  private currency: string | null;
  private index = 0;

  constructor(
    currency: string | null,
    private readonly convert: CurrencyConverter | undefined,
  ) {
    this.currency = currency;
  }

  /** An amount in the accumulator's currency. */
  private inCurrency(amount: number, currency: string | null, fn: string): number {
    if (amount === 0) return 0;
    const from = currency ?? this.currency;
    if (from === null)
      throw new RetentionError(
        'currency_mismatch',
        `${fn}: a reactivation has revenue but no currency; give reactivatedCurrency, or the currency option`,
      );
    if (this.currency === null) this.currency = from;
    if (from === this.currency) return amount;
    if (this.convert === undefined)
      throw new RetentionError(
        'currency_mismatch',
        `${fn}: revenue in ${from} and ${this.currency} cannot be added without a converter (options.convert)`,
      );
    return Math.round(this.convert(amount, from, this.currency));
  }

  private cell(segment: string, offerId: string | null, g: 'treatment' | 'holdout'): Cell {
    const key = JSON.stringify([segment, offerId, g]);
    let c = this.cells.get(key);
    if (c === undefined) {
      c = [0, 0, 0];
      this.cells.set(key, c);
    }
    return c;
  }

  add(record: WinbackResultEntry): this {
    const where: InputLocation = { fn: FN, root: 'entries', path: [this.index] };
    this.index++;
    const r = requireObject(record, where);
    if (typeof r.segment !== 'string')
      failInput(at(where, 'segment'), {
        code: 'invalid_type',
        path: [],
        expected: 'a string',
        received: describeType(r.segment),
      });
    if (r.group !== 'treatment' && r.group !== 'holdout')
      failInput(at(where, 'group'), {
        code: 'invalid_enum',
        path: [],
        expected: "'treatment' or 'holdout'",
        received: describeType(r.group),
      });
    const offerId = r.offerId ?? null;
    if (offerId !== null && typeof offerId !== 'string')
      failInput(at(where, 'offerId'), {
        code: 'invalid_type',
        path: [],
        expected: 'a string or null',
        received: describeType(offerId),
      });
    if (r.closedAt === null || r.closedAt === undefined) {
      this.open++;
      return this;
    }
    optionalNumber(r.closedAt, at(where, 'closedAt'), { integer: true });
    const won = r.reactivatedAt !== null && r.reactivatedAt !== undefined;
    const mrr =
      optionalNumber(r.reactivatedMrr, at(where, 'reactivatedMrr'), { integer: true, min: 0 }) ?? 0;
    const currency = optionalCurrency(r.reactivatedCurrency, at(where, 'reactivatedCurrency'));
    const c = this.cell(r.segment, offerId, r.group);
    c[0]++;
    if (won) {
      c[1]++;
      c[2] += this.inCurrency(mrr, currency, FN);
    }
    return this;
  }

  addAll(records: Iterable<WinbackResultEntry>): this {
    for (const r of records) this.add(r);
    return this;
  }

  merge(other: WinbackResultsAccumulator | WinbackResultsSnapshot): this {
    const fn = `${FN}Accumulator.merge`;
    const snap = other instanceof ResultsAccumulator ? other.snapshot() : other;
    const s = requireObject(snap, { fn, root: 'other' });
    if (s.v !== 1 || !Array.isArray(s.cells))
      failInput(
        { fn, root: 'other' },
        { code: 'invalid_value', path: [], detail: 'not a win-back results snapshot' },
      );
    const snapshot = s as unknown as WinbackResultsSnapshot;
    this.open += snapshot.open;
    for (const [segment, offerId, g, entries, won, revenue] of snapshot.cells) {
      const c = this.cell(segment, offerId, g);
      c[0] += entries;
      c[1] += won;
      c[2] += this.inCurrency(revenue, snapshot.currency, fn);
    }
    return this;
  }

  snapshot(): WinbackResultsSnapshot {
    return {
      v: 1,
      currency: this.currency,
      open: this.open,
      cells: [...this.cells.keys()].sort().map((key) => {
        const [segment, offerId, g] = JSON.parse(key) as [
          string,
          string | null,
          'treatment' | 'holdout',
        ];
        const [entries, won, revenue] = this.cells.get(key)!;
        return [segment, offerId, g, entries, won, revenue] as const;
      }),
    };
  }

  result(): WinbackResults {
    const total = new Map<string, [Cell | undefined, Cell | undefined]>();
    const bySegment = new Map<string, [Cell | undefined, Cell | undefined]>();
    const byOffer = new Map<string, [Cell | undefined, Cell | undefined]>();
    for (const [key, cell] of this.cells) {
      const [segment, offerId, g] = JSON.parse(key) as [
        string,
        string | null,
        'treatment' | 'holdout',
      ];
      const gi = g === 'treatment' ? 0 : 1;
      addCell(total, '', gi, cell);
      addCell(bySegment, segment, gi, cell);
      addCell(byOffer, JSON.stringify(offerId), gi, cell);
    }
    const all = total.get('') ?? [undefined, undefined];
    const sorted = <T>(m: Map<string, T>) =>
      [...m.keys()].sort().map((k) => [k, m.get(k)!] as const);
    return {
      ...compare(all[0], all[1]),
      open: this.open,
      currency: this.currency,
      bySegment: sorted(bySegment).map(([segment, [t, h]]) => ({ segment, ...compare(t, h) })),
      byOffer: sorted(byOffer).map(([k, [t, h]]) => ({
        offerId: JSON.parse(k) as string | null,
        ...compare(t, h),
      })),
    };
  }
}

function resolve(options: WinbackResultsOptions, fn: string): ResultsAccumulator {
  const where: InputLocation = { fn, root: 'options', path: [] };
  const o = requireObject(options, where);
  const currency = optionalCurrency(o.currency, at(where, 'currency'));
  if (o.convert !== undefined && typeof o.convert !== 'function')
    failInput(at(where, 'convert'), {
      code: 'invalid_type',
      path: [],
      expected: 'a function (amount, from, to) => amount',
      received: describeType(o.convert),
    });
  return new ResultsAccumulator(currency, o.convert as CurrencyConverter | undefined);
}

/**
 * Creates the accumulator form of {@link winbackResults}: add entries from several workers or
 * days and merge them, live or through `snapshot()`.
 *
 * @param options - See {@link WinbackResultsOptions}.
 * @returns An empty accumulator.
 * @throws {RetentionInputError} When an option is invalid; `add` throws for a malformed entry.
 * @throws {RetentionError} With code `currency_mismatch` when revenue comes in several currencies
 * and no converter is given.
 *
 * @example
 * const entry = { segment: 'all', offerId: 'winback-20-off', closedAt: 1, reactivatedMrr: null, reactivatedCurrency: null };
 * const a = winbackResultsAccumulator().addAll([
 *   { ...entry, group: 'treatment', reactivatedAt: 1, reactivatedMrr: 2900, reactivatedCurrency: 'USD' },
 *   { ...entry, group: 'treatment', reactivatedAt: null },
 * ]);
 * const b = winbackResultsAccumulator().add({ ...entry, group: 'holdout', reactivatedAt: null });
 * const r = a.merge(b.snapshot()).result();
 * [r.treatment.rate, r.holdout.rate, r.uplift, r.incrementalRevenue]
 * //=> [0.5, 0, 0.5, 2900]
 *
 * @category winback
 */
export function winbackResultsAccumulator(
  options: WinbackResultsOptions = {},
): WinbackResultsAccumulator {
  return resolve(options, `${FN}Accumulator`);
}

/**
 * Measures a win-back campaign against its holdout: the win-back rate (entries that reactivated
 * within the attribution window), the reactivated monthly revenue, and the uplift over the
 * holdout group with a 95% interval, overall, per segment and per planned offer. Feed it the
 * entries {@link planWinback} returns in `closed` (open entries are counted apart). Both groups
 * are judged by the same rule and window, so the difference is what the messages caused.
 *
 * @param entries - Closed entries in any order (see {@link WinbackResultEntry}).
 * @param options - See {@link WinbackResultsOptions}.
 * @returns Treatment against holdout, overall, per segment and per offer.
 * @throws {RetentionInputError} When an entry is malformed (naming its index) or an option is
 * invalid.
 * @throws {RetentionError} With code `currency_mismatch` when revenue comes in several currencies
 * and no converter is given.
 *
 * @example
 * const closed = (group, segment, won) => ({
 *   segment, group, offerId: 'winback-20-off', closedAt: 1,
 *   reactivatedAt: won ? 1 : null, reactivatedMrr: won ? 4900 : null, reactivatedCurrency: won ? 'USD' : null,
 * });
 * const r = winbackResults([
 *   closed('treatment', 'price', true), closed('treatment', 'price', false),
 *   closed('treatment', 'no_value', false), closed('treatment', 'no_value', true),
 *   closed('holdout', 'price', false), closed('holdout', 'no_value', true),
 * ]);
 * [r.treatment.rate, r.holdout.rate, r.treatment.revenue, r.bySegment.map((s) => [s.segment, s.uplift])]
 * //=> [0.5, 0.5, 9800, [['no_value', -0.5], ['price', 0.5]]]
 *
 * @category winback
 */
export function winbackResults(
  entries: Iterable<WinbackResultEntry>,
  options: WinbackResultsOptions = {},
): WinbackResults {
  return resolve(options, FN).addAll(entries).result();
}
