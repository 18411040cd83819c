import { failInput } from '../core/errors';
import type { InstantInput } from '../core/instant';
import { activityDrop } from './activityDropSignal';
import { type ActivityHistory, asOfFor, countDays, readHistory, typeOf } from './activityHistory';
import { at, DAY, dayOf, requireObject, requireStringList, type Where } from './internal';
import {
  badExperienceSignal,
  billingSwitchSignal,
  failedPaymentsSignal,
  ignoredEmailsSignal,
  inactivity,
  unusedPaidFeatureSignal,
} from './riskSignals';

/**
 * Options of {@link riskFeatures}.
 *
 * @category scoring
 */
export interface RiskFeaturesOptions {
  /** The instant of the features; not before the history's latest event. */
  readonly asOf: InstantInput;
  /** The event types that count as activity. @defaultValue `['login']` */
  readonly activityTypes?: readonly string[];
  /** Event types whose total count to add as `count.<type>` (milestones such as `'report_created'`). @defaultValue `[]` */
  readonly counts?: readonly string[];
  /** Paid features, for `unusedPaidFeatures`. @defaultValue none (the feature is left out) */
  readonly paidFeatures?: readonly string[];
}

/**
 * Turns a customer's activity history into the numeric features of a churn model: what the risk
 * signals and the usual health measures look at, as numbers (so the model, not a threshold,
 * decides how much each matters).
 *
 * | feature | meaning |
 * |---|---|
 * | `tenureDays` | days since the history's first event |
 * | `daysSinceActivity` | days since the last activity (`activityTypes`), or since the first event |
 * | `activityLast7d`, `activityLast30d` | activity events in the last 7 and 30 UTC days |
 * | `activityDrop` | relative drop of the last 14 days against the 56 before (0-1) |
 * | `activityDropSurprise` | `-log10` of the drop's p-value, at most 10 |
 * | `ignoredEmails` | engagement emails ignored in a row |
 * | `failedPayments` | failed payments in the last 30 days |
 * | `paymentUnresolved` | 1 when the latest failure has not been followed by a payment |
 * | `badExperiences` | bad support or survey ratings in the last 60 days |
 * | `billingSwitch` | 1 after a switch to a shorter billing interval in the last 90 days |
 * | `unusedPaidFeatures` | share of `paidFeatures` unused for 30 days (only with `paidFeatures`) |
 * | `count.<type>` | events of each type in `counts`, ever |
 *
 * @param history - The customer's history, from {@link updateActivityHistory}.
 * @param options - See {@link RiskFeaturesOptions}; `asOf` is required.
 * @returns The features, plain JSON.
 * @throws {RetentionInputError} When an option is malformed, `asOf` is before the history's
 * latest event, or the history keeps fewer than 70 days of counts.
 *
 * @example
 * const history = updateActivityHistory(undefined, [
 *   { id: 'e1', customerId: 'c', type: 'signup', at: '2026-01-01T00:00:00Z' },
 *   { id: 'e2', customerId: 'c', type: 'login', at: '2026-02-20T00:00:00Z' },
 *   { id: 'e3', customerId: 'c', type: 'report_created', at: '2026-02-20T00:10:00Z' },
 * ]);
 * const f = riskFeatures(history, { asOf: '2026-03-01T00:00:00Z', counts: ['report_created'] });
 * [f.tenureDays, f.daysSinceActivity, f.activityLast30d, f['count.report_created']]
 * //=> [59, 9, 1, 1]
 *
 * @category scoring
 */
export function riskFeatures(
  history: ActivityHistory,
  options: RiskFeaturesOptions,
): Record<string, number> {
  const fn = 'riskFeatures';
  const h = readHistory(history, fn, 'history');
  const where: Where = { fn, root: 'options', path: [] };
  requireObject(options, where);
  const asOf = asOfFor(h, options.asOf, fn);
  const types =
    options.activityTypes === undefined
      ? ['login']
      : requireStringList(options.activityTypes, at(where, 'activityTypes'));
  const counts =
    options.counts === undefined ? [] : requireStringList(options.counts, at(where, 'counts'));
  if (h.retainDays < 70)
    failInput(
      { fn, root: 'history', path: ['retainDays'] },
      {
        code: 'out_of_range',
        path: [],
        expected: 'at least 70 days of counts (14 recent and 56 baseline)',
      },
    );
  const today = dayOf(asOf);
  const drop = activityDrop(h, asOf, types, 14, 56, 0.5, 0.05);
  const seen = inactivity(h, asOf, types, 21);
  const failed = failedPaymentsSignal(h, { asOf: options.asOf });
  const out: Record<string, number> = {
    tenureDays: h.first === null ? 0 : (asOf - h.first) / DAY,
    daysSinceActivity: seen.evidence.daysSince ?? 0,
    activityLast7d: countDays(h, types, today - 6, today),
    activityLast30d: countDays(h, types, today - 29, today),
    activityDrop: drop.strength,
    activityDropSurprise: Math.min(10, -Math.log10(Math.max(drop.evidence.pValue, 1e-300))),
    ignoredEmails: ignoredEmailsSignal(h, { asOf: options.asOf }).evidence.ignoredInARow,
    failedPayments: failed.evidence.failures,
    paymentUnresolved: failed.evidence.unresolved ? 1 : 0,
    badExperiences: badExperienceSignal(h, { asOf: options.asOf }).evidence.bad.length,
    billingSwitch: billingSwitchSignal(h, { asOf: options.asOf }).fired ? 1 : 0,
  };
  if (options.paidFeatures !== undefined)
    out.unusedPaidFeatures = unusedPaidFeatureSignal(h, {
      asOf: options.asOf,
      features: options.paidFeatures,
    }).strength;
  for (const type of counts) out[`count.${type}`] = typeOf(h, type)?.count ?? 0;
  return out;
}
