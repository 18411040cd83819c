import { describeType, failInput } from '../core/errors';
import { type Instant, type InstantInput, toInstant } from '../core/instant';
import type { ActivityEvent } from '../core/records';
import {
  type ActivityHistory,
  type ActivityHistoryOptions,
  updateActivityHistory,
} from './activityHistory';
import type { ChurnExample } from './fitChurnModel';
import { at, DAY, requireNumber, requireObject, requireStringList, type Where } from './internal';
import { type RiskFeaturesOptions, riskFeatures } from './riskFeatures';

/**
 * A labelled example with where it came from.
 *
 * @category scoring
 */
export interface LabelledChurnExample extends ChurnExample {
  readonly customerId: string;
  /** The snapshot: features use only the events before it. */
  readonly asOf: Instant;
  /** The customer's first churn event, when it falls within the horizon. */
  readonly churnedAt: Instant | null;
}

/**
 * Options of {@link churnExamples}.
 *
 * @category scoring
 */
export interface ChurnExamplesOptions {
  /**
   * Snapshot instants. Choose them at least `horizonDays` before the end of your data, or the
   * customers who churn after the end are labelled as staying.
   */
  readonly snapshots: readonly InstantInput[];
  /** A customer is labelled churned when their churn event falls within this many days after the snapshot. */
  readonly horizonDays: number;
  /** The events that mark a churn. @defaultValue `['subscription_canceled']` */
  readonly churnTypes?: readonly string[];
  /** Options of the features (without `asOf`). @defaultValue `{}` */
  readonly features?: Omit<RiskFeaturesOptions, 'asOf'>;
  /** Options of the histories the features are computed from. @defaultValue `{}` */
  readonly history?: ActivityHistoryOptions;
  /**
   * Computes the features from the history at the snapshot, instead of {@link riskFeatures}.
   * @defaultValue `riskFeatures(history, { ...features, asOf })`
   */
  readonly featuresOf?: (
    history: ActivityHistory,
    asOf: Instant,
    customerId: string,
  ) => Readonly<Record<string, number | boolean | null>>;
}

/**
 * Builds labelled training examples from an event history, without looking ahead: for each
 * snapshot and each customer with an event before it who has not churned yet, the features come
 * from the events strictly before the snapshot, and the label says whether the customer's first
 * churn event falls within `horizonDays` after it. Customers who churned before a snapshot are
 * left out of it (a customer's first churn is the one that counts).
 *
 * @param events - Every customer's activity events, in any order.
 * @param options - See {@link ChurnExamplesOptions}; `snapshots` and `horizonDays` are required.
 * @returns The examples, snapshot by snapshot, customers in order of their first event.
 * @throws {RetentionInputError} When an event or an option is malformed.
 *
 * @example
 * const day = (d) => Date.UTC(2026, 0, 1 + d);
 * const events = [
 *   { id: '1', customerId: 'a', type: 'login', at: day(0) },
 *   { id: '2', customerId: 'b', type: 'login', at: day(1) },
 *   { id: '3', customerId: 'b', type: 'login', at: day(20) },
 *   { id: '4', customerId: 'a', type: 'subscription_canceled', at: day(25) },
 * ];
 * churnExamples(events, { snapshots: [day(10), day(30)], horizonDays: 30 }).map((e) => [e.customerId, e.asOf === day(10) ? 10 : 30, e.churned])
 * //=> [['a', 10, true], ['b', 10, false], ['b', 30, false]]
 *
 * @category scoring
 */
export function churnExamples(
  events: Iterable<ActivityEvent>,
  options: ChurnExamplesOptions,
): LabelledChurnExample[] {
  const fn = 'churnExamples';
  const where: Where = { fn, root: 'options', path: [] };
  requireObject(options, where);
  if (!Array.isArray(options.snapshots))
    failInput(at(where, 'snapshots'), {
      code: 'invalid_type',
      path: [],
      expected: 'an array of instants',
      received: describeType(options.snapshots),
    });
  const snapshots = options.snapshots
    .map((s, i) => toInstant(s, { fn, root: 'options', path: ['snapshots', i] }))
    .sort((a, b) => a - b);
  const horizon =
    requireNumber(options.horizonDays, at(where, 'horizonDays'), {
      min: 0,
      minExclusive: true,
      max: 3650,
    }) * DAY;
  const churnTypes = new Set(
    options.churnTypes === undefined
      ? ['subscription_canceled']
      : requireStringList(options.churnTypes, at(where, 'churnTypes')),
  );
  const historyOptions = options.history ?? {};
  const featureOptions = options.features ?? {};
  const featuresOf =
    options.featuresOf ??
    ((history: ActivityHistory, asOf: Instant) =>
      riskFeatures(history, { ...featureOptions, asOf }));

  // Group the events by customer, in time order.
  const root: Where = { fn, root: 'events', path: [] };
  const byCustomer = new Map<string, { at: number; id: string; e: ActivityEvent }[]>();
  let index = 0;
  for (const e of events) {
    const w = at(root, index++);
    const rec = requireObject(e, w);
    const customerId = rec.customerId;
    if (typeof customerId !== 'string' || customerId.length === 0)
      failInput(at(w, 'customerId'), {
        code: 'invalid_type',
        path: [],
        expected: 'a non-empty string',
        received: describeType(customerId),
      });
    const t = toInstant(rec.at as InstantInput, { fn, root: 'events', path: [...w.path, 'at'] });
    let list = byCustomer.get(customerId);
    if (list === undefined) {
      list = [];
      byCustomer.set(customerId, list);
    }
    list.push({ at: t, id: String(rec.id), e });
  }
  const customers = [...byCustomer.entries()].map(([customerId, list]) => {
    list.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    let churnAt = Number.POSITIVE_INFINITY;
    for (const x of list)
      if (churnTypes.has(x.e.type)) {
        churnAt = x.at;
        break;
      }
    return { customerId, list, churnAt, first: list[0]!.at };
  });
  customers.sort((a, b) => a.first - b.first || (a.customerId < b.customerId ? -1 : 1));

  const out: LabelledChurnExample[][] = snapshots.map(() => []);
  for (const c of customers) {
    let history: ActivityHistory | undefined;
    let next = 0;
    snapshots.forEach((asOf, s) => {
      if (c.first >= asOf || c.churnAt < asOf) return;
      let end = next;
      while (end < c.list.length && c.list[end]!.at < asOf) end++;
      history = updateActivityHistory(
        history,
        c.list.slice(next, end).map((x) => x.e),
        historyOptions,
      );
      next = end;
      const churned = c.churnAt < asOf + horizon;
      out[s]!.push({
        customerId: c.customerId,
        asOf,
        features: featuresOf(history, asOf, c.customerId),
        churned,
        churnedAt: churned ? c.churnAt : null,
      });
    });
  }
  return out.flat();
}
