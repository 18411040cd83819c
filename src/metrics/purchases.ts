/**
 * The state behind repeatPurchaseRate and timeToSecondPurchase: per customer, the times of their
 * first two orders (the two earliest, which are mergeable), and the latest order seen.
 *
 * @internal
 * @module
 */
import type { Instant } from '../core/instant';
import type { JsonValue } from '../core/validate';
import { CustomerIndex } from './customerIndex';
import type { MetricOrder } from './inputs';
import {
  checkRecord,
  finiteOrNull,
  growF64,
  MetricAccumulator,
  readId,
  readInstant,
  type Site,
  snapArray,
  snapNullable,
  snapNumber,
  snapString,
} from './internal';

export class FirstTwoOrders<T> extends MetricAccumulator<MetricOrder, T> {
  readonly index = new CustomerIndex();
  first = new Float64Array(0);
  second = new Float64Array(0);
  /** The latest order at or before `asOf` (or at all without it). */
  latest = Number.NEGATIVE_INFINITY;

  constructor(
    site: Site,
    kind: string,
    options: JsonValue,
    private readonly asOf: Instant | undefined,
    private readonly project: (state: FirstTwoOrders<T>) => T,
  ) {
    super(site, kind, options);
  }

  private row(id: string): number {
    const row = this.index.row(id);
    if (row >= this.first.length) {
      this.first = growF64(this.first, row + 1, Number.POSITIVE_INFINITY);
      this.second = growF64(this.second, row + 1, Number.POSITIVE_INFINITY);
    }
    return row;
  }

  private fold(row: number, at: number): void {
    if (at < this.first[row]!) {
      this.second[row] = this.first[row]!;
      this.first[row] = at;
    } else if (at < this.second[row]!) this.second[row] = at;
  }

  protected accept(order: MetricOrder, index: number): void {
    const site = this.site;
    checkRecord(order, site, index);
    const id = readId(order.customerId, site, index);
    const at = readInstant(order.at, site, index, 'at');
    if (this.asOf !== undefined && at > this.asOf) return;
    if (at > this.latest) this.latest = at;
    this.fold(this.row(id), at);
  }

  protected state(): JsonValue {
    const ids = this.index.ids();
    const customers: JsonValue[] = [];
    for (let row = 0; row < this.index.size; row++) {
      customers.push([ids[row]!, this.first[row]!, finiteOrNull(this.second[row]!)]);
    }
    return { latest: finiteOrNull(this.latest), customers };
  }

  protected absorb(state: JsonValue): void {
    const fn = this.site.fn;
    const s = state as { latest?: unknown; customers?: unknown } | null;
    const latest = snapNullable(
      fn,
      s?.latest ?? null,
      ['state', 'latest'],
      Number.NEGATIVE_INFINITY,
    );
    if (latest > this.latest) this.latest = latest;
    const inf = Number.POSITIVE_INFINITY;
    snapArray(fn, s?.customers, ['state', 'customers']).forEach((entry, i) => {
      const path = ['state', 'customers', i];
      const e = snapArray(fn, entry, path);
      const row = this.row(snapString(fn, e[0], [...path, 0]));
      this.fold(row, snapNumber(fn, e[1], [...path, 1]));
      this.fold(row, snapNullable(fn, e[2], [...path, 2], inf));
    });
  }

  result(): T {
    return this.project(this);
  }
}
