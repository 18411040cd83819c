import type { Instant, InstantInput } from '../core/instant';
import {
  type ActivityHistory,
  asOfFor,
  countDays,
  readHistory,
  requireWindow,
} from './activityHistory';
import {
  at,
  DAY,
  dayOf,
  requireNumber,
  requireObject,
  requireStringList,
  type Where,
} from './internal';
import { rateDropTest } from './rateTest';
import type { RiskSignal } from './riskSignal';

/**
 * Options of {@link activityDropSignal}.
 *
 * @category scoring
 */
export interface ActivityDropOptions {
  /** The instant of the check; not before the history's latest event. */
  readonly asOf: InstantInput;
  /** The event types that count as activity. @defaultValue `['login']` */
  readonly types?: readonly string[];
  /** Length of the recent window in UTC days, ending with the day of `asOf`. @defaultValue `14` */
  readonly recentDays?: number;
  /** Length of the baseline just before it, in UTC days. @defaultValue `56` */
  readonly baselineDays?: number;
  /** The smallest relative drop in the daily rate that fires, 0-1. @defaultValue `0.5` */
  readonly minDrop?: number;
  /** The largest p-value that fires: how surprising the drop must be under a steady rate. @defaultValue `0.05` */
  readonly significance?: number;
}

/**
 * The evidence of {@link activityDropSignal}.
 *
 * @category scoring
 */
export interface ActivityDropEvidence {
  readonly types: readonly string[];
  readonly recentCount: number;
  /** Exposure of the recent window in days (shorter when the customer is newer, or `asOf` is mid-day). */
  readonly recentDays: number;
  readonly baselineCount: number;
  /** Exposure of the baseline in days (0 for a customer newer than the recent window). */
  readonly baselineDays: number;
  /** Events per day. */
  readonly recentRate: number;
  readonly baselineRate: number;
  /** One-sided p-value of the exact conditional test (1 without events). */
  readonly pValue: number;
  /** The first event of the history, from which exposure is counted. */
  readonly since: Instant | null;
}

/**
 * Fires when a customer's activity drops sharply against their own baseline: the daily rate in
 * the recent window is at least `minDrop` below the rate in the baseline before it, and the drop
 * is significant for counts. The test is the exact conditional test of two Poisson rates: given
 * `n = recent + baseline` events, under a steady rate the recent count is
 * `Binomial(n, recentDays / (recentDays + baselineDays))`, and the p-value is the chance of a
 * count as low or lower. A customer who logs in twice a month cannot reach significance by
 * missing a week, so low-volume customers do not flap; a daily user who stops does.
 *
 * Exposure starts at the history's first event, so a customer who joined during the baseline is
 * compared over the days they were there. Strength is the relative drop (0 when the rate rose).
 *
 * Reads: the daily counts of `types` in the history.
 *
 * @param history - The customer's history, from {@link updateActivityHistory}.
 * @param options - See {@link ActivityDropOptions}; `asOf` is required.
 * @returns The signal, with the counts, rates and p-value as evidence.
 * @throws {RetentionInputError} When an option is out of range or the windows do not fit in the
 * history's retained days.
 *
 * @example
 * // a daily user who went quiet: a login a day for 8 weeks, then one in the last 2 weeks
 * const events = [];
 * for (let d = 0; d < 56; d++) events.push({ id: `a${d}`, customerId: 'c', type: 'login', at: Date.UTC(2026, 0, 1 + d, 9) });
 * events.push({ id: 'b', customerId: 'c', type: 'login', at: '2026-03-03T09:00:00Z' });
 * const signal = activityDropSignal(updateActivityHistory(undefined, events), { asOf: '2026-03-12T00:00:00Z' });
 * [signal.fired, Number(signal.strength.toFixed(2)), signal.evidence.pValue < 0.001]
 * //=> [true, 0.92, true]
 *
 * @example
 * // a customer who logs in every two weeks: nothing for 13 days is no evidence of a drop
 * const events = [0, 14, 28, 42].map((d) => ({ id: `a${d}`, customerId: 'c', type: 'login', at: Date.UTC(2026, 0, 1 + d, 9) }));
 * const signal = activityDropSignal(updateActivityHistory(undefined, events), { asOf: '2026-03-12T00:00:00Z' });
 * [signal.fired, signal.strength, Number(signal.evidence.pValue.toFixed(2))]
 * //=> [false, 1, 0.53]
 *
 * @category scoring
 */
export function activityDropSignal(
  history: ActivityHistory,
  options: ActivityDropOptions,
): RiskSignal<ActivityDropEvidence> {
  const fn = 'activityDropSignal';
  const h = readHistory(history, fn, 'history');
  const where: Where = { fn, root: 'options', path: [] };
  requireObject(options, where);
  const asOf = asOfFor(h, options.asOf, fn);
  const types =
    options.types === undefined ? ['login'] : requireStringList(options.types, at(where, 'types'));
  const recentDays = requireWindow(h, options.recentDays ?? 14, at(where, 'recentDays'));
  const baselineDays = options.baselineDays ?? 56;
  requireWindow(
    h,
    recentDays + requireNumber(baselineDays, at(where, 'baselineDays'), { min: 1, integer: true }),
    at(where, 'baselineDays'),
  );
  const minDrop = requireNumber(options.minDrop ?? 0.5, at(where, 'minDrop'), { min: 0, max: 1 });
  const significance = requireNumber(options.significance ?? 0.05, at(where, 'significance'), {
    min: 0,
    max: 1,
  });
  return activityDrop(h, asOf, types, recentDays, baselineDays, minDrop, significance);
}

/** The signal with checked options. @internal */
export function activityDrop(
  h: ActivityHistory,
  asOf: number,
  types: readonly string[],
  recentDays: number,
  baselineDays: number,
  minDrop: number,
  significance: number,
): RiskSignal<ActivityDropEvidence> {
  const today = dayOf(asOf);
  const recentFrom = today - recentDays + 1;
  const baselineFrom = recentFrom - baselineDays;
  const recentCount = countDays(h, types, recentFrom, today);
  const baselineCount = countDays(h, types, baselineFrom, recentFrom - 1);
  // exposure in days, from the customer's first event (a newer customer has less of it)
  const since = h.first ?? asOf;
  const recentStart = Math.max(recentFrom * DAY, since);
  const baselineStart = Math.max(baselineFrom * DAY, since);
  const recentExposure = Math.max(0, (asOf - recentStart) / DAY);
  const baselineExposure = Math.max(0, (recentFrom * DAY - baselineStart) / DAY);
  const test = rateDropTest(recentCount, recentExposure, baselineCount, baselineExposure);
  const fired = test.drop >= minDrop && test.drop > 0 && test.pValue <= significance;
  return {
    signal: 'activity_drop',
    fired,
    strength: test.drop,
    evidence: {
      types: [...types],
      recentCount,
      recentDays: recentExposure,
      baselineCount,
      baselineDays: baselineExposure,
      recentRate: test.recentRate,
      baselineRate: test.baselineRate,
      pValue: test.pValue,
      since: h.first,
    },
  };
}
