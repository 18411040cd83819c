/**
 * The shared state behind the revenue calculators (mrrMovements, netRevenueRetention,
 * grossRevenueRetention, revenueChurn): per subscription, the MRR in force at `from` and at `to`;
 * per customer, whether they ever paid before `from`; and, for movements, the changes inside the
 * period. One pass over MRR changes in any order; memory grows with subscriptions (plus the
 * changes inside the period when movements are tracked).
 *
 * @internal
 * @module
 */
import { describeType, failInput, RetentionInputError } from '../core/errors';
import type { Instant, InstantInput } from '../core/instant';
import { type CurrencyConverter, isCurrencyCode } from '../core/money';
import type { MrrChange } from '../core/records';
import type { JsonValue } from '../core/validate';
import { BlockIds, CustomerIndex } from './customerIndex';
import {
  checkRecord,
  finiteOrNull,
  growF64,
  growI32,
  MetricAccumulator,
  optionPeriod,
  optionsObject,
  readId,
  readInstant,
  type Site,
  snapArray,
  snapNullable,
  snapNumber,
  snapString,
} from './internal';

/**
 * Options shared by the revenue calculators ({@link mrrMovements}, {@link netRevenueRetention},
 * {@link grossRevenueRetention}, {@link revenueChurn}).
 *
 * @category metrics
 */
export interface RevenueOptions {
  /** The start of the period: the opening MRR is the MRR in force at this instant. */
  readonly from: InstantInput;
  /** The end of the period: the closing MRR is the MRR in force at this instant. */
  readonly to: InstantInput;
  /**
   * The currency of the results. Required with `convert`; without it, every change must be in
   * one currency (or leave `currency` out). @defaultValue the currency of the changes
   */
  readonly currency?: string;
  /**
   * Converts amounts in other currencies to `currency` (integer minor units). Without it, mixing
   * currencies is an error. It is called once per change, with no date: pass the rate you report
   * at. @defaultValue none
   */
  readonly convert?: CurrencyConverter;
}

export interface ResolvedRevenueOptions {
  readonly from: Instant;
  readonly to: Instant;
  readonly currency: string | undefined;
  readonly convert: CurrencyConverter | undefined;
}

export function resolveRevenueOptions(fn: string, options: RevenueOptions): ResolvedRevenueOptions {
  const o = optionsObject(fn, options);
  const { from, to } = optionPeriod(fn, o.from, o.to);
  if (o.currency !== undefined && !isCurrencyCode(o.currency)) {
    failInput(
      { fn, path: ['currency'], root: 'options' },
      {
        code: 'invalid_currency',
        path: [],
        expected: "three upper-case letters, e.g. 'USD'",
        received: describeType(o.currency),
      },
    );
  }
  if (o.convert !== undefined) {
    if (typeof o.convert !== 'function') {
      failInput(
        { fn, path: ['convert'], root: 'options' },
        {
          code: 'invalid_type',
          path: [],
          expected: 'a function',
          received: describeType(o.convert),
        },
      );
    }
    if (o.currency === undefined) {
      failInput(
        { fn, path: ['currency'], root: 'options' },
        { code: 'required', path: [], detail: 'name the currency to convert to' },
      );
    }
  }
  return { from, to, currency: o.currency, convert: o.convert };
}

/**
 * Opening and closing MRR (each customer's sum over their subscriptions), summed over every
 * customer and over the base (the customers paying at `from`), in one pass without per-customer
 * arrays.
 */
export interface LedgerTotals {
  readonly currency: string | undefined;
  /** All customers' MRR in force at `from`. */
  readonly startingMrr: number;
  /** All customers' MRR in force at `to`. */
  readonly endingMrr: number;
  readonly customersAtStart: number;
  readonly customersAtEnd: number;
  /** The same over the base, split into expansion, contraction and churn. */
  readonly base: BaseRetention;
}

/** The five movement kinds, as ChartMogul classifies them. */
export interface MovementTotals {
  newMrr: number;
  newCustomers: number;
  newCount: number;
  expansionMrr: number;
  expansionCustomers: number;
  expansionCount: number;
  contractionMrr: number;
  contractionCustomers: number;
  contractionCount: number;
  churnMrr: number;
  churnCustomers: number;
  churnCount: number;
  reactivationMrr: number;
  reactivationCustomers: number;
  reactivationCount: number;
}

const NONE = -1;
/** Ints per customer, numbers per subscription, numbers per change. */
const C = 3;
const S = 6;
const K = 4;
const AMBIGUOUS = 'two changes of one subscription at the same instant set different MRR';

/**
 * The ledger. `T` is what `result()` returns; `project` turns the ledger into it.
 */
export class MrrLedger<T> extends MetricAccumulator<MrrChange, T> {
  private currency: string | undefined;
  private readonly index = new CustomerIndex();
  /** Per customer, `C` ints: first subscription, paid before `from` (0/1), first change. */
  private cust = new Int32Array(0);
  private custCount = 0;
  /**
   * Per subscription, `S` numbers: time and MRR in force at `from`, time and MRR in force at `to`,
   * flags (1: conflict at `from`, 2: conflict at `to`, 4: named by a subscriptionId) and the next
   * subscription of the customer. One row per subscription keeps its state in one cache line.
   */
  private subs = new Float64Array(0);
  private subCount = 0;
  /** The subscriptionId of each named subscription (flag 4), by subscription. */
  private readonly subKey = new Map<number, string>();
  /** Per change inside `(from, to]`, `K` numbers: at, subscription, MRR, next change of the customer. */
  private ch = new Float64Array(0);
  private changeCount = 0;

  constructor(
    site: Site,
    kind: string,
    private readonly o: ResolvedRevenueOptions,
    private readonly movements: boolean,
    private readonly project: (ledger: MrrLedger<T>) => T,
    extra: Readonly<Record<string, JsonValue>> = {},
  ) {
    super(site, kind, {
      from: o.from,
      to: o.to,
      currency: o.currency ?? null,
      convert: o.convert !== undefined,
      ...extra,
    });
    this.currency = o.currency;
  }

  private readonly block = new BlockIds();

  protected override prefetchBlock(changes: readonly MrrChange[], n: number): void {
    const block = this.block;
    for (let j = 0; j < n; j++) {
      const c = changes[j];
      const id = typeof c === 'object' && c !== null ? c.customerId : undefined;
      block.set(j, typeof id === 'string' ? id : undefined);
    }
    block.prefetch(this.index, n);
    const rows = block.rows;
    let loaded = 0;
    // the customers' rows, then their first subscriptions' rows
    const cust = this.cust;
    const count = this.custCount;
    for (let j = 0; j < n; j++) {
      const r = rows[j]!;
      rows[j] = r >= 0 && r < count ? cust[r * C]! : NONE;
    }
    const subs = this.subs;
    for (let j = 0; j < n; j++) {
      const sub = rows[j]!;
      if (sub !== NONE) loaded += subs[sub * S]!;
    }
    block.keep(loaded);
  }

  /** The row of customer `id` (see {@link BlockIds.row} for `j`), adding it when new. */
  private customer(id: string, j?: number): number {
    const row = this.block.row(this.index, id, j);
    if (row === this.custCount) {
      this.custCount++;
      this.cust = growI32(this.cust, this.custCount * C, 0);
      this.cust[row * C] = NONE;
      this.cust[row * C + 1] = 0;
      this.cust[row * C + 2] = NONE;
    }
    return row;
  }

  private subscription(customer: number, key: string): number {
    const subs = this.subs;
    const named = key !== '';
    let sub = this.cust[customer * C]!;
    while (sub !== NONE) {
      const isNamed = (subs[sub * S + 4]! & 4) !== 0;
      if (named ? isNamed && this.subKey.get(sub) === key : !isNamed) return sub;
      sub = subs[sub * S + 5]!;
    }
    sub = this.subCount++;
    if (named) this.subKey.set(sub, key);
    this.subs = growF64(this.subs, this.subCount * S, 0);
    const at = sub * S;
    this.subs[at] = Number.NEGATIVE_INFINITY;
    this.subs[at + 1] = 0;
    this.subs[at + 2] = Number.NEGATIVE_INFINITY;
    this.subs[at + 3] = 0;
    this.subs[at + 4] = named ? 4 : 0;
    this.subs[at + 5] = this.cust[customer * C]!;
    this.cust[customer * C] = sub;
    return sub;
  }

  private pushChange(customer: number, sub: number, at: number, mrr: number): void {
    const i = this.changeCount++;
    this.ch = growF64(this.ch, this.changeCount * K, 0);
    this.ch[i * K] = at;
    this.ch[i * K + 1] = sub;
    this.ch[i * K + 2] = mrr;
    this.ch[i * K + 3] = this.cust[customer * C + 2]!;
    this.cust[customer * C + 2] = i;
  }

  /** Merges "MRR `v` set at `t`" (and a conflict already seen there) into field pair `f`. */
  private latest(sub: number, f: 0 | 2, t: number, v: number, conflict: boolean): void {
    const subs = this.subs;
    const at = sub * S;
    const bit = f === 0 ? 1 : 2;
    const known = subs[at + f]!;
    if (t > known) {
      subs[at + f] = t;
      subs[at + f + 1] = v;
      subs[at + 4] = (subs[at + 4]! & ~bit) | (conflict ? bit : 0);
    } else if (t === known && t !== Number.NEGATIVE_INFINITY) {
      if (conflict || v !== subs[at + f + 1]) subs[at + 4] = subs[at + 4]! | bit;
    }
  }

  /** Folds one change of subscription `sub` at `at` setting `mrr`. */
  private fold(customer: number, sub: number, at: number, mrr: number): void {
    const { from, to } = this.o;
    if (at <= from) {
      if (mrr > 0) this.cust[customer * C + 1] = 1;
      this.latest(sub, 0, at, mrr, false);
    }
    if (at <= to) {
      this.latest(sub, 2, at, mrr, false);
      if (this.movements && at > from) this.pushChange(customer, sub, at, mrr);
    }
  }

  private mismatch(index: number | undefined, code: string): never {
    const detail = `${code} differs from ${this.currency}; pass options.currency and options.convert to combine currencies`;
    throw new RetentionInputError(
      this.site.fn,
      [
        {
          code: 'invalid_value',
          path: index === undefined ? ['currency'] : [index, 'currency'],
          detail,
        },
      ],
      index === undefined ? 'snapshot' : this.site.root,
    );
  }

  protected accept(change: MrrChange, index: number, j?: number): void {
    const site = this.site;
    checkRecord(change, site, index);
    const id = readId(change.customerId, site, index);
    const at = readInstant(change.at, site, index, 'at');
    let mrr = change.mrr;
    if (!(Number.isSafeInteger(mrr) && mrr >= 0)) {
      failInput(
        { fn: site.fn, path: [index, 'mrr'], root: site.root },
        {
          code: 'invalid_amount',
          path: [],
          expected: 'a non-negative integer number of minor units (cents)',
          received: describeType(mrr),
        },
      );
    }
    const code = change.currency;
    if (code !== undefined) {
      if (!isCurrencyCode(code)) {
        failInput(
          { fn: site.fn, path: [index, 'currency'], root: site.root },
          {
            code: 'invalid_currency',
            path: [],
            expected: "three upper-case letters, e.g. 'USD'",
            received: describeType(code),
          },
        );
      }
      if (this.currency === undefined) this.currency = code;
      else if (code !== this.currency) {
        const convert = this.o.convert;
        if (convert === undefined) this.mismatch(index, code);
        const converted = convert(mrr, code, this.currency);
        if (!(Number.isSafeInteger(converted) && converted >= 0)) {
          failInput(
            { fn: site.fn, path: [index, 'mrr'], root: `converted ${site.root}` },
            {
              code: 'invalid_amount',
              path: [],
              expected: 'options.convert to return a non-negative integer',
              received: describeType(converted),
            },
          );
        }
        mrr = converted;
      }
    }
    const sub = change.subscriptionId;
    if (sub !== undefined && (typeof sub !== 'string' || sub === '')) {
      failInput(
        { fn: site.fn, path: [index, 'subscriptionId'], root: site.root },
        {
          code: 'invalid_type',
          path: [],
          expected: 'a non-empty string',
          received: describeType(sub),
        },
      );
    }
    const customer = this.customer(id, j);
    this.fold(customer, this.subscription(customer, sub ?? ''), at, mrr);
  }

  protected state(): JsonValue {
    const ids = this.index.ids();
    const customers: JsonValue[] = [];
    const subs = this.subs;
    for (let c = 0; c < this.custCount; c++) {
      const list: JsonValue[] = [];
      const position = new Map<number, number>();
      for (let sub = this.cust[c * C]!; sub !== NONE; sub = subs[sub * S + 5]!) {
        const at = sub * S;
        position.set(sub, list.length);
        list.push([
          this.subKey.get(sub) ?? '',
          finiteOrNull(subs[at]!),
          subs[at + 1]!,
          finiteOrNull(subs[at + 2]!),
          subs[at + 3]!,
          subs[at + 4]! & 3,
        ]);
      }
      const changes: JsonValue[] = [];
      for (let i = this.cust[c * C + 2]!; i !== NONE; i = this.ch[i * K + 3]!) {
        changes.push([this.ch[i * K]!, position.get(this.ch[i * K + 1]!)!, this.ch[i * K + 2]!]);
      }
      customers.push([ids[c]!, this.cust[c * C + 1]!, list, changes]);
    }
    return { currency: this.currency ?? null, customers };
  }

  protected absorb(state: JsonValue): void {
    const fn = this.site.fn;
    const s = state as { currency?: unknown; customers?: unknown } | null;
    const currency = s?.currency;
    if (currency !== null && currency !== undefined) {
      const code = snapString(fn, currency, ['state', 'currency']);
      if (this.currency === undefined) this.currency = code;
      else if (code !== this.currency) this.mismatch(undefined, code);
    }
    snapArray(fn, s?.customers, ['state', 'customers']).forEach((entry, i) => {
      const path = ['state', 'customers', i];
      const e = snapArray(fn, entry, path);
      const customer = this.customer(snapString(fn, e[0], [...path, 0]));
      if (snapNumber(fn, e[1], [...path, 1]) !== 0) this.cust[customer * C + 1] = 1;
      const subs = snapArray(fn, e[2], [...path, 2]).map((raw, j) => {
        const p = [...path, 2, j];
        const x = snapArray(fn, raw, p);
        const sub = this.subscription(customer, snapString(fn, x[0], [...p, 0]));
        const conflict = snapNumber(fn, x[5], [...p, 5]);
        this.latest(
          sub,
          0,
          snapNullable(fn, x[1], [...p, 1], Number.NEGATIVE_INFINITY),
          snapNumber(fn, x[2], [...p, 2]),
          (conflict & 1) !== 0,
        );
        this.latest(
          sub,
          2,
          snapNullable(fn, x[3], [...p, 3], Number.NEGATIVE_INFINITY),
          snapNumber(fn, x[4], [...p, 4]),
          (conflict & 2) !== 0,
        );
        return sub;
      });
      if (this.movements) {
        snapArray(fn, e[3], [...path, 3]).forEach((raw, j) => {
          const p = [...path, 3, j];
          const x = snapArray(fn, raw, p);
          const at = snapNumber(fn, x[0], [...p, 0]);
          const sub = subs[snapNumber(fn, x[1], [...p, 1])];
          if (sub === undefined) snapNumber(fn, Number.NaN, [...p, 1]);
          this.pushChange(customer, sub!, at, snapNumber(fn, x[2], [...p, 2]));
        });
      }
    });
  }

  private ambiguous(): never {
    throw new RetentionInputError(
      this.site.fn,
      [{ code: 'ambiguous', path: [], detail: AMBIGUOUS }],
      this.site.root,
    );
  }

  /** Opening and closing MRR summed over all customers and over the base. */
  totals(): LedgerTotals {
    const n = this.custCount;
    const subs = this.subs;
    let startingMrr = 0;
    let endingMrr = 0;
    let customersAtStart = 0;
    let customersAtEnd = 0;
    let baseStarting = 0;
    let baseEnding = 0;
    let expansion = 0;
    let contraction = 0;
    let churn = 0;
    let churnedCustomers = 0;
    for (let c = 0; c < n; c++) {
      let open = 0;
      let close = 0;
      for (let sub = this.cust[c * C]!; sub !== NONE; sub = subs[sub * S + 5]!) {
        if ((subs[sub * S + 4]! & 3) !== 0) this.ambiguous();
        open += subs[sub * S + 1]!;
        close += subs[sub * S + 3]!;
      }
      startingMrr += open;
      endingMrr += close;
      if (close > 0) customersAtEnd++;
      if (open <= 0) continue;
      customersAtStart++;
      baseStarting += open;
      baseEnding += close;
      if (close === 0) {
        churn += open;
        churnedCustomers++;
      } else if (close > open) expansion += close - open;
      else contraction += open - close;
    }
    const currency = this.currency;
    return {
      currency,
      startingMrr,
      endingMrr,
      customersAtStart,
      customersAtEnd,
      base: {
        currency: currency ?? null,
        customers: customersAtStart,
        startingMrr: baseStarting,
        endingMrr: baseEnding,
        expansion,
        contraction,
        churn,
        churnedCustomers,
      },
    };
  }

  /** Replays each customer's changes inside the period and classifies them. */
  movementTotals(): MovementTotals {
    const t: MovementTotals = {
      newMrr: 0,
      newCustomers: 0,
      newCount: 0,
      expansionMrr: 0,
      expansionCustomers: 0,
      expansionCount: 0,
      contractionMrr: 0,
      contractionCustomers: 0,
      contractionCount: 0,
      churnMrr: 0,
      churnCustomers: 0,
      churnCount: 0,
      reactivationMrr: 0,
      reactivationCustomers: 0,
      reactivationCount: 0,
    };
    const subs = this.subs;
    const ch = this.ch;
    const current = new Float64Array(this.subCount);
    const order: number[] = [];
    const byTime = (a: number, b: number) => ch[a * K]! - ch[b * K]!;
    for (let c = 0; c < this.custCount; c++) {
      let head = this.cust[c * C + 2]!;
      if (head === NONE) continue;
      let total = 0;
      for (let sub = this.cust[c * C]!; sub !== NONE; sub = subs[sub * S + 5]!) {
        if ((subs[sub * S + 4]! & 1) !== 0) this.ambiguous();
        current[sub] = subs[sub * S + 1]!;
        total += current[sub]!;
      }
      order.length = 0;
      for (; head !== NONE; head = ch[head * K + 3]!) order.push(head);
      if (order.length > 1) order.sort(byTime);
      let paid = this.cust[c * C + 1] === 1;
      let kinds = 0;
      for (let i = 0; i < order.length; ) {
        const at = ch[order[i]! * K]!;
        const before = total;
        let j = i;
        // Apply every change at this instant together (and catch contradictory duplicates).
        for (; j < order.length && ch[order[j]! * K] === at; j++) {
          const k = order[j]! * K;
          const sub = ch[k + 1]!;
          for (let m = i; m < j; m++) {
            const prior = order[m]! * K;
            if (ch[prior + 1] === sub && ch[prior + 2] !== ch[k + 2]) this.ambiguous();
          }
          total += ch[k + 2]! - current[sub]!;
          current[sub] = ch[k + 2]!;
        }
        i = j;
        const after = total;
        if (before === 0 && after > 0) {
          if (paid) {
            t.reactivationMrr += after;
            t.reactivationCount++;
            kinds |= 16;
          } else {
            t.newMrr += after;
            t.newCount++;
            kinds |= 1;
          }
        } else if (before > 0 && after === 0) {
          t.churnMrr += before;
          t.churnCount++;
          kinds |= 8;
        } else if (after > before) {
          t.expansionMrr += after - before;
          t.expansionCount++;
          kinds |= 2;
        } else if (after < before) {
          t.contractionMrr += before - after;
          t.contractionCount++;
          kinds |= 4;
        }
        if (after > 0) paid = true;
      }
      if (kinds & 1) t.newCustomers++;
      if (kinds & 2) t.expansionCustomers++;
      if (kinds & 4) t.contractionCustomers++;
      if (kinds & 8) t.churnCustomers++;
      if (kinds & 16) t.reactivationCustomers++;
    }
    return t;
  }

  result(): T {
    return this.project(this);
  }
}

/** What the customers paying at `from` (the base) paid at `from` and at `to`. */
export interface BaseRetention {
  readonly currency: string | null;
  readonly customers: number;
  readonly startingMrr: number;
  readonly endingMrr: number;
  readonly expansion: number;
  readonly contraction: number;
  readonly churn: number;
  readonly churnedCustomers: number;
}
