import type { Accumulator } from '../core/accumulator';
import { describeType, failInput, RetentionError } from '../core/errors';
import { type CurrencyConverter, isCurrencyCode, toCurrency } from '../core/money';
import type { DunningCampaign } from './planDunning';

/**
 * Options of {@link dunningMetricsAccumulator}. Partitions that are merged must use the same
 * options; with a converter, give `currency` so that every partition converts to it.
 *
 * @category dunning
 */
export interface DunningMetricsAccumulatorOptions {
  /** The currency of the amounts in the result. @defaultValue the first campaign's currency */
  readonly currency?: string;
  /** Converts amounts of other currencies, campaign by campaign; without it, mixing currencies is an error. */
  readonly convert?: CurrencyConverter;
}

/**
 * Options of {@link dunningMetrics}.
 *
 * @category dunning
 */
export interface DunningMetricsOptions extends DunningMetricsAccumulatorOptions {
  /**
   * Customers who left of their own accord in the same period, for `involuntaryChurnShare`.
   * @defaultValue `0` (then the share is 1 whenever a campaign churned, or `null` with none)
   */
  readonly voluntaryChurns?: number;
}

/**
 * How well dunning recovers failed payments. Amounts and rates count closed campaigns only (an
 * open campaign's outcome is not known yet); every rate is `null` when its denominator is zero.
 *
 * @category dunning
 */
export interface DunningMetrics {
  /** The currency of every amount; `null` when no campaign was seen and none was given. */
  readonly currency: string | null;
  readonly campaigns: number;
  readonly open: number;
  /** Closed campaigns that were paid in full. */
  readonly recovered: number;
  /** Closed campaigns that ended in the final action: involuntary churn. */
  readonly churned: number;
  /** Recovered campaigns whose last payment came from an automatic retry, or from the customer. */
  readonly recoveredByRetries: number;
  readonly recoveredByCustomer: number;
  /** Failed amount of the closed campaigns, in minor units. */
  readonly amountFailed: number;
  /** Paid back in those campaigns, including partial payments of campaigns that churned. */
  readonly amountRecovered: number;
  readonly amountRecoveredByRetries: number;
  readonly amountRecoveredByCustomer: number;
  /** `amountRecovered / amountFailed`. */
  readonly recoveryRate: number | null;
  /** `amountRecoveredByCustomer / amountRecovered`: the share won back by the customer acting. */
  readonly customerActionShare: number | null;
  readonly voluntaryChurns: number;
  /** `churned / (churned + voluntaryChurns)`: involuntary churn's share of all churn. */
  readonly involuntaryChurnShare: number | null;
  /** Mean time from the first failure to full payment, over recovered campaigns. */
  readonly meanTimeToRecoveryMs: number | null;
  /** Longest such time. */
  readonly maxTimeToRecoveryMs: number | null;
}

/**
 * The JSON state of a {@link dunningMetricsAccumulator}, to merge partitions computed elsewhere.
 *
 * @category dunning
 */
export interface DunningMetricsSnapshot {
  readonly kind: 'dunningMetrics';
  readonly currency: string | null;
  readonly voluntaryChurns: number;
  readonly campaigns: number;
  readonly open: number;
  readonly recovered: number;
  readonly churned: number;
  readonly recoveredByRetries: number;
  readonly recoveredByCustomer: number;
  readonly amountFailed: number;
  readonly amountRecoveredByRetries: number;
  readonly amountRecoveredByCustomer: number;
  readonly recoveryTimeSum: number;
  readonly recoveryTimeMax: number | null;
}

/**
 * The accumulator form of {@link dunningMetrics}, with one extra method:
 * `addVoluntaryChurns(n)` counts customers who left of their own accord.
 *
 * @category dunning
 */
export interface DunningMetricsAccumulator
  extends Accumulator<DunningCampaign, DunningMetrics, DunningMetricsSnapshot> {
  /** Adds `count` voluntary churns (a non-negative integer). */
  addVoluntaryChurns(count: number): this;
}

const FN = 'dunningMetrics';
type Sums = { -readonly [K in keyof DunningMetricsSnapshot]: DunningMetricsSnapshot[K] };

function empty(currency: string | null, voluntaryChurns: number): Sums {
  return {
    kind: 'dunningMetrics',
    currency,
    voluntaryChurns,
    campaigns: 0,
    open: 0,
    recovered: 0,
    churned: 0,
    recoveredByRetries: 0,
    recoveredByCustomer: 0,
    amountFailed: 0,
    amountRecoveredByRetries: 0,
    amountRecoveredByCustomer: 0,
    recoveryTimeSum: 0,
    recoveryTimeMax: null,
  };
}

const rate = (a: number, b: number): number | null => (b === 0 ? null : a / b);

function count(value: unknown, root: string): number {
  if (!(Number.isSafeInteger(value) && (value as number) >= 0))
    failInput(
      { fn: FN, root },
      {
        code: 'out_of_range',
        path: [],
        expected: 'an integer >= 0',
        received: describeType(value),
      },
    );
  return value as number;
}

/**
 * Creates the accumulator of {@link dunningMetrics}: add campaigns (from `plan.closed`, or the
 * campaigns of stored states) one at a time or from partitions, merge partitions live or as JSON
 * snapshots, and read the same answer as one pass.
 *
 * @param options - See {@link DunningMetricsAccumulatorOptions}.
 * @returns A fresh accumulator.
 * @throws {RetentionInputError} When an option is malformed (on creation), or a campaign is (on `add`).
 *
 * @example
 * const a = dunningMetricsAccumulator({ currency: 'USD' });
 * a.merge(dunningMetricsAccumulator({ currency: 'USD' }).addVoluntaryChurns(3).snapshot()).result().voluntaryChurns
 * //=> 3
 *
 * @category dunning
 */
export function dunningMetricsAccumulator(
  options: DunningMetricsAccumulatorOptions = {},
): DunningMetricsAccumulator {
  const fixed =
    options.currency === undefined
      ? null
      : toCurrency(options.currency, { fn: FN, path: ['currency'], root: 'options' });
  const convert = options.convert;
  const s: Sums = empty(fixed, 0);
  let index = 0;

  const amountIn = (amount: number, from: string): number => {
    if (s.currency === null) s.currency = from;
    if (from === s.currency) return amount;
    if (convert === undefined)
      throw new RetentionError(
        'currency_mismatch',
        `${FN}: cannot combine ${s.currency} and ${from} without a currency converter`,
      );
    const converted = convert(amount, from, s.currency);
    if (!Number.isSafeInteger(converted))
      failInput(
        { fn: FN, path: [index], root: 'campaigns' },
        { code: 'invalid_amount', path: [], detail: 'the converter returned a non-integer amount' },
      );
    return converted;
  };

  const acc: DunningMetricsAccumulator = {
    add(c) {
      const where = (field: string) => ({ fn: FN, path: [index, field], root: 'campaigns' });
      if (typeof c !== 'object' || c === null)
        failInput(
          { fn: FN, path: [index], root: 'campaigns' },
          {
            code: 'invalid_type',
            path: [],
            expected: 'a dunning campaign',
            received: describeType(c),
          },
        );
      if (!isCurrencyCode(c.currency))
        failInput(where('currency'), {
          code: 'invalid_currency',
          path: [],
          received: describeType(c.currency),
        });
      for (const field of ['amountFailed', 'recoveredByRetries', 'recoveredByCustomer'] as const)
        if (!(Number.isSafeInteger(c[field]) && c[field] >= 0))
          failInput(where(field), {
            code: 'invalid_amount',
            path: [],
            received: describeType(c[field]),
          });
      s.campaigns++;
      if (c.status === 'open') s.open++;
      else if (c.status === 'recovered' || c.status === 'final_action') {
        if (c.status === 'recovered') {
          s.recovered++;
          if (c.recoveredBy === 'customer') s.recoveredByCustomer++;
          else s.recoveredByRetries++;
          if (!(Number.isSafeInteger(c.closedAt) && Number.isSafeInteger(c.startedAt)))
            failInput(where('closedAt'), {
              code: 'invalid_instant',
              path: [],
              received: describeType(c.closedAt),
            });
          const t = (c.closedAt as number) - c.startedAt;
          s.recoveryTimeSum += t;
          s.recoveryTimeMax = s.recoveryTimeMax === null ? t : Math.max(s.recoveryTimeMax, t);
        } else s.churned++;
        s.amountFailed += amountIn(c.amountFailed, c.currency);
        s.amountRecoveredByRetries += amountIn(c.recoveredByRetries, c.currency);
        s.amountRecoveredByCustomer += amountIn(c.recoveredByCustomer, c.currency);
      } else
        failInput(where('status'), {
          code: 'invalid_enum',
          path: [],
          received: describeType(c.status),
        });
      index++;
      return acc;
    },
    addAll(campaigns) {
      for (const c of campaigns) acc.add(c);
      return acc;
    },
    addVoluntaryChurns(n) {
      s.voluntaryChurns += count(n, 'count');
      return acc;
    },
    merge(other) {
      const o: DunningMetricsSnapshot =
        'kind' in other && other.kind === 'dunningMetrics'
          ? (other as DunningMetricsSnapshot)
          : (other as DunningMetricsAccumulator).snapshot();
      if (o.kind !== 'dunningMetrics')
        throw new RetentionError('invalid_input', `${FN}: merge expects a dunningMetrics snapshot`);
      if (o.currency !== null && s.currency !== null && o.currency !== s.currency)
        throw new RetentionError(
          'currency_mismatch',
          `${FN}: cannot merge partitions in ${s.currency} and ${o.currency} (give options.currency to convert every partition to one)`,
        );
      if (s.currency === null) s.currency = o.currency;
      s.voluntaryChurns += o.voluntaryChurns;
      s.campaigns += o.campaigns;
      s.open += o.open;
      s.recovered += o.recovered;
      s.churned += o.churned;
      s.recoveredByRetries += o.recoveredByRetries;
      s.recoveredByCustomer += o.recoveredByCustomer;
      s.amountFailed += o.amountFailed;
      s.amountRecoveredByRetries += o.amountRecoveredByRetries;
      s.amountRecoveredByCustomer += o.amountRecoveredByCustomer;
      s.recoveryTimeSum += o.recoveryTimeSum;
      if (o.recoveryTimeMax !== null)
        s.recoveryTimeMax =
          s.recoveryTimeMax === null
            ? o.recoveryTimeMax
            : Math.max(s.recoveryTimeMax, o.recoveryTimeMax);
      return acc;
    },
    result() {
      const recoveredAmount = s.amountRecoveredByRetries + s.amountRecoveredByCustomer;
      return {
        currency: s.currency,
        campaigns: s.campaigns,
        open: s.open,
        recovered: s.recovered,
        churned: s.churned,
        recoveredByRetries: s.recoveredByRetries,
        recoveredByCustomer: s.recoveredByCustomer,
        amountFailed: s.amountFailed,
        amountRecovered: recoveredAmount,
        amountRecoveredByRetries: s.amountRecoveredByRetries,
        amountRecoveredByCustomer: s.amountRecoveredByCustomer,
        recoveryRate: rate(recoveredAmount, s.amountFailed),
        customerActionShare: rate(s.amountRecoveredByCustomer, recoveredAmount),
        voluntaryChurns: s.voluntaryChurns,
        involuntaryChurnShare: rate(s.churned, s.churned + s.voluntaryChurns),
        meanTimeToRecoveryMs: s.recovered === 0 ? null : s.recoveryTimeSum / s.recovered,
        maxTimeToRecoveryMs: s.recoveryTimeMax,
      };
    },
    snapshot() {
      return { ...s };
    },
  };
  return acc;
}

/**
 * Recovery metrics over dunning campaigns, in one pass: recovery rate (amount recovered / amount
 * failed), what was won back by automatic retries and what by the customer acting, involuntary
 * churn's share of all churn, and the time to recovery. Feed it the campaigns that closed
 * (`plan.closed` from {@link planDunning}); open ones are counted but not rated.
 *
 * @param campaigns - Campaigns, in any order.
 * @param options - See {@link DunningMetricsOptions}.
 * @returns The metrics, with the counts behind every rate.
 * @throws {RetentionInputError} When a campaign or an option is malformed.
 * @throws {RetentionError} `currency_mismatch` when campaigns are in several currencies and no
 * converter is given.
 *
 * @example
 * const base = { policyId: 'p', policyVersion: 1, invoiceIds: [], charge: 1, round: 1, attempts: [], updates: 0, retryOnUpdateAt: null,
 *   currency: 'USD', startedAt: 0, finalActionAt: 14 * 86400000, chargeFailedAt: 0, anchorAt: 0, windowEnd: 0, nextChargeAt: 0 };
 * const m = dunningMetrics([
 *   { ...base, id: 'a', status: 'recovered', closedAt: 2 * 86400000, recoveredBy: 'retry', amountFailed: 1000, amountDue: 0, recoveredByRetries: 1000, recoveredByCustomer: 0 },
 *   { ...base, id: 'b', status: 'recovered', closedAt: 4 * 86400000, recoveredBy: 'customer', amountFailed: 3000, amountDue: 0, recoveredByRetries: 0, recoveredByCustomer: 3000 },
 *   { ...base, id: 'c', status: 'final_action', closedAt: 14 * 86400000, recoveredBy: null, amountFailed: 4000, amountDue: 4000, recoveredByRetries: 0, recoveredByCustomer: 0 },
 * ], { voluntaryChurns: 3 });
 * [m.recoveryRate, m.customerActionShare, m.involuntaryChurnShare, m.meanTimeToRecoveryMs / 86400000]
 * //=> [0.5, 0.75, 0.25, 3]
 *
 * @category dunning
 */
export function dunningMetrics(
  campaigns: Iterable<DunningCampaign>,
  options: DunningMetricsOptions = {},
): DunningMetrics {
  const acc = dunningMetricsAccumulator(options);
  if (options.voluntaryChurns !== undefined)
    acc.addVoluntaryChurns(count(options.voluntaryChurns, 'options.voluntaryChurns'));
  return acc.addAll(campaigns).result();
}
