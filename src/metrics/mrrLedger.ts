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
import { CustomerIndex } from './customerIndex';
import {
  checkRecord,
  finiteOrNull,
  growF64,
  growI32,
  growU8,
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

/** Totals per customer at `from` and `to`, and the classified movements when tracked. */
export interface LedgerTotals {
  readonly currency: string | undefined;
  /** Per customer row: MRR in force at `from`. */
  readonly opening: Float64Array;
  /** Per customer row: MRR in force at `to`. */
  readonly closing: Float64Array;
  readonly customers: number;
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
const AMBIGUOUS = 'two changes of one subscription at the same instant set different MRR';

/**
 * The ledger. `T` is what `result()` returns; `project` turns the ledger into it.
 */
export class MrrLedger<T> extends MetricAccumulator<MrrChange, T> {
  private currency: string | undefined;
  // customers
  private readonly index = new CustomerIndex();
  private firstSub = new Int32Array(0);
  private paidBefore = new Uint8Array(0);
  private changeHead = new Int32Array(0);
  // subscriptions (a linked list per customer)
  private subCustomer = new Int32Array(0);
  private subKey: string[] = [];
  private subNext = new Int32Array(0);
  private tFrom = new Float64Array(0);
  private vFrom = new Float64Array(0);
  private tTo = new Float64Array(0);
  private vTo = new Float64Array(0);
  private conflict = new Uint8Array(0); // bit 1: at from, bit 2: at to
  // changes inside (from, to], a linked list per customer
  private changeCount = 0;
  private chAt = new Float64Array(0);
  private chSub = new Int32Array(0);
  private chMrr = new Float64Array(0);
  private chNext = new Int32Array(0);

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

  private customer(id: string): number {
    const row = this.index.row(id);
    if (row >= this.firstSub.length) {
      this.firstSub = growI32(this.firstSub, row + 1, NONE);
      this.paidBefore = growU8(this.paidBefore, this.firstSub.length);
      this.changeHead = growI32(this.changeHead, this.firstSub.length, NONE);
    }
    return row;
  }

  private subscription(customer: number, key: string): number {
    let sub = this.firstSub[customer]!;
    while (sub !== NONE) {
      if (this.subKey[sub] === key) return sub;
      sub = this.subNext[sub]!;
    }
    sub = this.subKey.length;
    this.subKey.push(key);
    const n = sub + 1;
    this.subCustomer = growI32(this.subCustomer, n, 0);
    this.subNext = growI32(this.subNext, n, NONE);
    this.tFrom = growF64(this.tFrom, n, Number.NEGATIVE_INFINITY);
    this.vFrom = growF64(this.vFrom, n, 0);
    this.tTo = growF64(this.tTo, n, Number.NEGATIVE_INFINITY);
    this.vTo = growF64(this.vTo, n, 0);
    this.conflict = growU8(this.conflict, n);
    this.subCustomer[sub] = customer;
    this.subNext[sub] = this.firstSub[customer]!;
    this.firstSub[customer] = sub;
    return sub;
  }

  private pushChange(customer: number, sub: number, at: number, mrr: number): void {
    const i = this.changeCount++;
    const n = i + 1;
    this.chAt = growF64(this.chAt, n, 0);
    this.chSub = growI32(this.chSub, n, 0);
    this.chMrr = growF64(this.chMrr, n, 0);
    this.chNext = growI32(this.chNext, n, NONE);
    this.chAt[i] = at;
    this.chSub[i] = sub;
    this.chMrr[i] = mrr;
    this.chNext[i] = this.changeHead[customer]!;
    this.changeHead[customer] = i;
  }

  /** Folds one change of subscription `sub` at `at` setting `mrr`. */
  private fold(customer: number, sub: number, at: number, mrr: number): void {
    const { from, to } = this.o;
    if (at <= from) {
      if (mrr > 0) this.paidBefore[customer] = 1;
      const t = this.tFrom[sub]!;
      if (at > t) {
        this.tFrom[sub] = at;
        this.vFrom[sub] = mrr;
        this.conflict[sub]! &= ~1;
      } else if (at === t && mrr !== this.vFrom[sub]) this.conflict[sub]! |= 1;
    }
    if (at <= to) {
      const t = this.tTo[sub]!;
      if (at > t) {
        this.tTo[sub] = at;
        this.vTo[sub] = mrr;
        this.conflict[sub]! &= ~2;
      } else if (at === t && mrr !== this.vTo[sub]) this.conflict[sub]! |= 2;
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

  protected accept(change: MrrChange, index: number): void {
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
    const customer = this.customer(id);
    this.fold(customer, this.subscription(customer, sub ?? ''), at, mrr);
  }

  protected state(): JsonValue {
    const customers: JsonValue[] = [];
    for (let c = 0; c < this.index.ids.length; c++) {
      const subs: JsonValue[] = [];
      const position = new Map<number, number>();
      for (let s = this.firstSub[c]!; s !== NONE; s = this.subNext[s]!) {
        position.set(s, subs.length);
        subs.push([
          this.subKey[s]!,
          finiteOrNull(this.tFrom[s]!),
          this.vFrom[s]!,
          finiteOrNull(this.tTo[s]!),
          this.vTo[s]!,
          this.conflict[s]!,
        ]);
      }
      const changes: JsonValue[] = [];
      for (let i = this.changeHead[c]!; i !== NONE; i = this.chNext[i]!) {
        changes.push([this.chAt[i]!, position.get(this.chSub[i]!)!, this.chMrr[i]!]);
      }
      customers.push([this.index.ids[c]!, this.paidBefore[c]!, subs, changes]);
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
      if (snapNumber(fn, e[1], [...path, 1]) !== 0) this.paidBefore[customer] = 1;
      const subs = snapArray(fn, e[2], [...path, 2]).map((raw, j) => {
        const p = [...path, 2, j];
        const x = snapArray(fn, raw, p);
        const sub = this.subscription(customer, snapString(fn, x[0], [...p, 0]));
        const tFrom = snapNullable(fn, x[1], [...p, 1], Number.NEGATIVE_INFINITY);
        const vFrom = snapNumber(fn, x[2], [...p, 2]);
        const tTo = snapNullable(fn, x[3], [...p, 3], Number.NEGATIVE_INFINITY);
        const vTo = snapNumber(fn, x[4], [...p, 4]);
        const conflict = snapNumber(fn, x[5], [...p, 5]);
        if (tFrom > this.tFrom[sub]!) {
          this.tFrom[sub] = tFrom;
          this.vFrom[sub] = vFrom;
          this.conflict[sub] = (this.conflict[sub]! & ~1) | (conflict & 1);
        } else if (tFrom === this.tFrom[sub]! && tFrom !== Number.NEGATIVE_INFINITY) {
          if (vFrom !== this.vFrom[sub]! || (conflict & 1) !== 0) this.conflict[sub]! |= 1;
        }
        if (tTo > this.tTo[sub]!) {
          this.tTo[sub] = tTo;
          this.vTo[sub] = vTo;
          this.conflict[sub] = (this.conflict[sub]! & ~2) | (conflict & 2);
        } else if (tTo === this.tTo[sub]! && tTo !== Number.NEGATIVE_INFINITY) {
          if (vTo !== this.vTo[sub]! || (conflict & 2) !== 0) this.conflict[sub]! |= 2;
        }
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

  /** Opening and closing MRR per customer row. */
  totals(): LedgerTotals {
    const n = this.index.ids.length;
    const opening = new Float64Array(n);
    const closing = new Float64Array(n);
    for (let c = 0; c < n; c++) {
      let open = 0;
      let close = 0;
      for (let s = this.firstSub[c]!; s !== NONE; s = this.subNext[s]!) {
        if (this.conflict[s] !== 0) this.ambiguous();
        open += this.vFrom[s]!;
        close += this.vTo[s]!;
      }
      opening[c] = open;
      closing[c] = close;
    }
    return { currency: this.currency, opening, closing, customers: n };
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
    const current = new Float64Array(this.subKey.length);
    const order: number[] = [];
    const chAt = this.chAt;
    const byTime = (a: number, b: number) => chAt[a]! - chAt[b]!;
    for (let c = 0; c < this.index.ids.length; c++) {
      let head = this.changeHead[c]!;
      if (head === NONE) continue;
      let total = 0;
      for (let s = this.firstSub[c]!; s !== NONE; s = this.subNext[s]!) {
        if ((this.conflict[s]! & 1) !== 0) this.ambiguous();
        current[s] = this.vFrom[s]!;
        total += current[s]!;
      }
      order.length = 0;
      for (; head !== NONE; head = this.chNext[head]!) order.push(head);
      if (order.length > 1) order.sort(byTime);
      let paid = this.paidBefore[c] === 1;
      let kinds = 0;
      for (let i = 0; i < order.length; ) {
        const at = chAt[order[i]!]!;
        const before = total;
        let j = i;
        // Apply every change at this instant together (and catch contradictory duplicates).
        for (; j < order.length && chAt[order[j]!] === at; j++) {
          const k = order[j]!;
          const sub = this.chSub[k]!;
          for (let m = i; m < j; m++) {
            const prior = order[m]!;
            if (this.chSub[prior] === sub && this.chMrr[prior] !== this.chMrr[k]) this.ambiguous();
          }
          total += this.chMrr[k]! - current[sub]!;
          current[sub] = this.chMrr[k]!;
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

/** Sums the base's opening and closing MRR, split into expansion, contraction and churn. */
export function baseRetention(totals: LedgerTotals): BaseRetention {
  let customers = 0;
  let startingMrr = 0;
  let endingMrr = 0;
  let expansion = 0;
  let contraction = 0;
  let churn = 0;
  let churnedCustomers = 0;
  for (let c = 0; c < totals.customers; c++) {
    const open = totals.opening[c]!;
    if (open <= 0) continue;
    const close = totals.closing[c]!;
    customers++;
    startingMrr += open;
    endingMrr += close;
    if (close === 0) {
      churn += open;
      churnedCustomers++;
    } else if (close > open) expansion += close - open;
    else contraction += open - close;
  }
  return {
    currency: totals.currency ?? null,
    customers,
    startingMrr,
    endingMrr,
    expansion,
    contraction,
    churn,
    churnedCustomers,
  };
}
