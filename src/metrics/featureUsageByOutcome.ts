import type { Accumulator } from '../core/accumulator';
import type { Duration, DurationInput } from '../core/duration';
import { parseDuration } from '../core/duration';
import { describeType, failInput } from '../core/errors';
import type { Instant, InstantInput } from '../core/instant';
import type { Lifetime } from '../core/records';
import type { JsonValue } from '../core/validate';
import type { MetricEvent } from './inputs';
import {
  checkIterable,
  checkRecord,
  deadline,
  finiteOrNull,
  MetricAccumulator,
  optionInstant,
  optionsObject,
  optionTimeZone,
  optionTypes,
  readId,
  readInstant,
  readType,
  type Site,
  snapArray,
  snapNullable,
  snapNumber,
  snapString,
} from './internal';
import type { MetricSnapshot } from './snapshot';

/**
 * Options of {@link featureUsageByOutcome}.
 *
 * @category metrics
 */
export interface FeatureUsageByOutcomeOptions {
  /** "Now": events after it are ignored; without `window`, the outcome is read at `asOf`. */
  readonly asOf: InstantInput;
  /**
   * Compare customers over their first `window` (e.g. `'30d'`): a feature counts when first used
   * before `first start + window`, and the outcome is whether they were still active then.
   * Customers whose window ends after `asOf` are pending. @defaultValue none: all history up to `asOf`
   */
  readonly window?: DurationInput;
  /**
   * Where the feature name is: by default each event type is a feature (`'integration_connected'`);
   * with `{ event: 'feature_used', property: 'feature' }`, the property of those events is.
   * @defaultValue the event type
   */
  readonly feature?: { readonly event: string; readonly property: string };
  /** Only these features. @defaultValue every feature seen */
  readonly features?: readonly string[];
  /** The time zone of calendar windows. @defaultValue `'UTC'` */
  readonly timeZone?: string;
}

/**
 * How one feature was used by churned and by retained customers.
 *
 * @category metrics
 */
export interface FeatureUsage {
  /** The feature. */
  readonly feature: string;
  /** Churned customers who used it. */
  readonly usedByChurned: number;
  /** Retained customers who used it. */
  readonly usedByRetained: number;
  /** Share of churned customers who never used it, or `null` without churned customers. */
  readonly neverUsedByChurned: number | null;
  /** Share of retained customers who never used it, or `null` without retained customers. */
  readonly neverUsedByRetained: number | null;
  /**
   * `neverUsedByChurned - neverUsedByRetained`: how much more often churned customers skipped it
   * (positive: a feature the customers who stay tend to use). `null` when either share is.
   */
  readonly gap: number | null;
}

/**
 * The answer of {@link featureUsageByOutcome}.
 *
 * @category metrics
 */
export interface FeatureUsageByOutcomeResult {
  /** Customers not active at the outcome instant. */
  readonly churned: number;
  /** Customers active at the outcome instant. */
  readonly retained: number;
  /** Customers whose window ends after `asOf`. */
  readonly pending: number;
  /** Customers with events but no lifetime starting at or before `asOf` (left out). */
  readonly withoutLifetime: number;
  /** One entry per feature, largest `gap` first (then by name). */
  readonly features: readonly FeatureUsage[];
}

/**
 * What {@link featureUsageByOutcomeAccumulator} accepts: an event, or a lifetime (told apart by
 * its `start`).
 *
 * @category metrics
 */
export type FeatureUsageRecord = MetricEvent | Lifetime;

interface Resolved {
  readonly asOf: Instant;
  readonly window: Duration | undefined;
  readonly feature: { readonly event: string; readonly property: string } | undefined;
  readonly only: ReadonlySet<string> | undefined;
  readonly timeZone: string;
}

interface CustomerState {
  /** Lifetimes as `[start, end, ...]`, end Infinity while open. */
  readonly spans: number[];
  /** First use of each feature. */
  readonly uses: Map<string, number>;
}

class FeatureUsageAccumulator extends MetricAccumulator<
  FeatureUsageRecord,
  FeatureUsageByOutcomeResult
> {
  private readonly customers = new Map<string, CustomerState>();

  constructor(
    site: Site,
    private readonly o: Resolved,
  ) {
    super(site, 'retention-kit/featureUsageByOutcome', {
      asOf: o.asOf,
      window: (o.window ?? null) as unknown as JsonValue,
      feature:
        o.feature === undefined ? null : { event: o.feature.event, property: o.feature.property },
      features: o.only === undefined ? null : [...o.only].sort(),
      timeZone: o.timeZone,
    });
  }

  private customer(id: string): CustomerState {
    let c = this.customers.get(id);
    if (c === undefined) {
      c = { spans: [], uses: new Map() };
      this.customers.set(id, c);
    }
    return c;
  }

  private use(id: string, feature: string, at: number): void {
    const uses = this.customer(id).uses;
    const t = uses.get(feature);
    if (t === undefined || at < t) uses.set(feature, at);
  }

  event(event: MetricEvent, index: number, site: Site): void {
    checkRecord(event, site, index);
    const id = readId(event.customerId, site, index);
    const type = readType(event.type, site, index);
    const at = readInstant(event.at, site, index, 'at');
    if (at > this.o.asOf) return;
    let feature: string = type;
    const spec = this.o.feature;
    if (spec !== undefined) {
      if (type !== spec.event) return;
      const value = event.properties?.[spec.property];
      if (typeof value !== 'string' || value === '') return;
      feature = value;
    }
    if (this.o.only !== undefined && !this.o.only.has(feature)) return;
    this.use(id, feature, at);
  }

  lifetime(lifetime: Lifetime, index: number, site: Site): void {
    checkRecord(lifetime, site, index);
    const id = readId(lifetime.customerId, site, index);
    const start = readInstant(lifetime.start, site, index, 'start');
    const end =
      lifetime.end === undefined
        ? Number.POSITIVE_INFINITY
        : readInstant(lifetime.end, site, index, 'end');
    if (end < start) {
      failInput(
        { fn: site.fn, path: [index, 'end'], root: site.root },
        { code: 'order', path: [], detail: 'the end is before the start' },
      );
    }
    this.customer(id).spans.push(start, end);
  }

  protected accept(record: FeatureUsageRecord, index: number): void {
    if (typeof record === 'object' && record !== null && 'start' in record) {
      this.lifetime(record, index, this.site);
    } else this.event(record as MetricEvent, index, this.site);
  }

  protected state(): JsonValue {
    const customers: JsonValue[] = [];
    for (const [id, c] of this.customers) {
      customers.push([id, c.spans.map(finiteOrNull), [...c.uses].map(([f, t]) => [f, t])]);
    }
    return { customers };
  }

  protected absorb(state: JsonValue): void {
    const fn = this.site.fn;
    snapArray(fn, (state as { customers?: unknown } | null)?.customers, [
      'state',
      'customers',
    ]).forEach((entry, i) => {
      const path = ['state', 'customers', i];
      const e = snapArray(fn, entry, path);
      const id = snapString(fn, e[0], [...path, 0]);
      const c = this.customer(id);
      const spans = snapArray(fn, e[1], [...path, 1]);
      for (let j = 0; j + 1 < spans.length; j += 2) {
        c.spans.push(
          snapNumber(fn, spans[j], [...path, 1, j]),
          snapNullable(fn, spans[j + 1], [...path, 1, j + 1], Number.POSITIVE_INFINITY),
        );
      }
      snapArray(fn, e[2], [...path, 2]).forEach((raw, j) => {
        const u = snapArray(fn, raw, [...path, 2, j]);
        this.use(
          id,
          snapString(fn, u[0], [...path, 2, j, 0]),
          snapNumber(fn, u[1], [...path, 2, j, 1]),
        );
      });
    });
  }

  result(): FeatureUsageByOutcomeResult {
    const { asOf, window, timeZone } = this.o;
    let churned = 0;
    let retained = 0;
    let pending = 0;
    let withoutLifetime = 0;
    const used = new Map<string, [number, number]>();
    for (const c of this.customers.values()) {
      let first = Number.POSITIVE_INFINITY;
      for (let j = 0; j < c.spans.length; j += 2) if (c.spans[j]! < first) first = c.spans[j]!;
      if (first > asOf) {
        withoutLifetime++;
        continue;
      }
      const at = window === undefined ? asOf : deadline(first, window, timeZone);
      if (at > asOf) {
        pending++;
        continue;
      }
      let active = false;
      for (let j = 0; j < c.spans.length && !active; j += 2) {
        active = c.spans[j]! <= at && at < c.spans[j + 1]!;
      }
      if (active) retained++;
      else churned++;
      for (const [feature, t] of c.uses) {
        let counts = used.get(feature);
        if (counts === undefined) {
          counts = [0, 0];
          used.set(feature, counts);
        }
        // With a window, only uses before its end count; without, everything up to asOf does.
        if (window === undefined || t < at) counts[active ? 1 : 0]++;
      }
    }
    const features = this.o.only === undefined ? [...used.keys()] : [...this.o.only];
    const rows: FeatureUsage[] = features.map((feature) => {
      const [byChurned, byRetained] = used.get(feature) ?? [0, 0];
      const neverChurned = churned > 0 ? (churned - byChurned) / churned : null;
      const neverRetained = retained > 0 ? (retained - byRetained) / retained : null;
      return {
        feature,
        usedByChurned: byChurned,
        usedByRetained: byRetained,
        neverUsedByChurned: neverChurned,
        neverUsedByRetained: neverRetained,
        gap: neverChurned === null || neverRetained === null ? null : neverChurned - neverRetained,
      };
    });
    rows.sort((a, b) => {
      const ga = a.gap ?? Number.NEGATIVE_INFINITY;
      const gb = b.gap ?? Number.NEGATIVE_INFINITY;
      return gb - ga || (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0);
    });
    return { churned, retained, pending, withoutLifetime, features: rows };
  }
}

function resolve(fn: string, options: FeatureUsageByOutcomeOptions): Resolved {
  const o = optionsObject(fn, options);
  let feature: Resolved['feature'];
  if (o.feature !== undefined) {
    const f = o.feature;
    if (typeof f !== 'object' || f === null) {
      failInput(
        { fn, path: ['feature'], root: 'options' },
        {
          code: 'invalid_type',
          path: [],
          expected: '{ event, property }',
          received: describeType(f),
        },
      );
    }
    for (const key of ['event', 'property'] as const) {
      const v: unknown = f[key];
      if (typeof v !== 'string' || v === '') {
        failInput(
          { fn, path: ['feature', key], root: 'options' },
          v === undefined
            ? { code: 'required', path: [] }
            : {
                code: 'invalid_type',
                path: [],
                expected: 'a non-empty string',
                received: describeType(v),
              },
        );
      }
    }
    feature = { event: f.event, property: f.property };
  }
  const only = optionTypes(fn, o.features, 'features', false);
  return {
    asOf: optionInstant(fn, o.asOf, 'asOf'),
    window:
      o.window === undefined
        ? undefined
        : parseDuration(o.window, { fn, path: ['window'], root: 'options' }),
    feature,
    only: only === undefined ? undefined : new Set(only),
    timeZone: optionTimeZone(fn, o.timeZone),
  };
}

/**
 * Creates the accumulator form of {@link featureUsageByOutcome}. `add` takes events and lifetimes
 * alike (a record with a `start` is a lifetime). Memory grows with customers times features.
 *
 * @param options - See {@link FeatureUsageByOutcomeOptions}.
 * @returns An accumulator whose `result()` is a {@link FeatureUsageByOutcomeResult}.
 * @throws {RetentionInputError} When an option is invalid; `add` throws for an invalid record.
 *
 * @example
 * const acc = featureUsageByOutcomeAccumulator({ asOf: '2026-06-01' });
 * acc.add({ customerId: 'a', start: '2026-01-01' }).add({ customerId: 'a', type: 'integration_connected', at: '2026-01-02' });
 * acc.add({ customerId: 'b', start: '2026-01-01', end: '2026-02-01' });
 * acc.result().features[0]
 * //=> { feature: 'integration_connected', usedByChurned: 0, usedByRetained: 1, neverUsedByChurned: 1, neverUsedByRetained: 0, gap: 1 }
 *
 * @category metrics
 */
export function featureUsageByOutcomeAccumulator(
  options: FeatureUsageByOutcomeOptions,
): Accumulator<FeatureUsageRecord, FeatureUsageByOutcomeResult, MetricSnapshot> {
  const fn = 'featureUsageByOutcomeAccumulator';
  return new FeatureUsageAccumulator({ fn, root: 'records' }, resolve(fn, options));
}

/**
 * Which features churned customers never used, compared with retained ones: the "most churned
 * customers never connected the CRM" question. A customer's outcome comes from their lifetimes:
 * retained when active at the outcome instant (`asOf`, or `first start + window` to compare first
 * months), churned otherwise. For each feature it reports how many of each group used it and the
 * share of each group that never did; features are sorted by the gap between those shares.
 *
 * @param events - Activity events `{ customerId, type, at, properties? }`, in any order.
 * @param lifetimes - Lifetimes `{ customerId, start, end? }`, in any order.
 * @param options - See {@link FeatureUsageByOutcomeOptions}.
 * @returns The group sizes and one row per feature, largest gap first.
 * @throws {RetentionInputError} When an option, an event or a lifetime is invalid, naming the list,
 * the index and the path.
 *
 * @example
 * const lifetimes = [
 *   { customerId: 'a', start: '2026-01-05T00:00:00Z' },
 *   { customerId: 'b', start: '2026-01-06T00:00:00Z' },
 *   { customerId: 'c', start: '2026-01-07T00:00:00Z', end: '2026-01-30T00:00:00Z' },
 *   { customerId: 'd', start: '2026-01-08T00:00:00Z', end: '2026-01-25T00:00:00Z' },
 * ];
 * const events = [
 *   { customerId: 'a', type: 'integration_connected', at: '2026-01-06T00:00:00Z' },
 *   { customerId: 'b', type: 'integration_connected', at: '2026-01-09T00:00:00Z' },
 *   { customerId: 'a', type: 'report_created', at: '2026-01-07T00:00:00Z' },
 *   { customerId: 'c', type: 'report_created', at: '2026-01-08T00:00:00Z' },
 *   { customerId: 'd', type: 'report_created', at: '2026-01-09T00:00:00Z' },
 * ];
 * const r = featureUsageByOutcome(events, lifetimes, { asOf: '2026-03-01T00:00:00Z', window: '30d' });
 * r.features.map((f) => [f.feature, f.neverUsedByChurned, f.neverUsedByRetained])
 * //=> [['integration_connected', 1, 0], ['report_created', 0, 0.5]]
 *
 * @category metrics
 */
export function featureUsageByOutcome(
  events: Iterable<MetricEvent>,
  lifetimes: Iterable<Lifetime>,
  options: FeatureUsageByOutcomeOptions,
): FeatureUsageByOutcomeResult {
  const fn = 'featureUsageByOutcome';
  const acc = new FeatureUsageAccumulator({ fn, root: 'records' }, resolve(fn, options));
  const eventSite = { fn, root: 'events' };
  const lifetimeSite = { fn, root: 'lifetimes' };
  checkIterable(events, eventSite);
  checkIterable(lifetimes, lifetimeSite);
  let index = 0;
  for (const event of events) acc.event(event, index++, eventSite);
  index = 0;
  for (const lifetime of lifetimes) acc.lifetime(lifetime, index++, lifetimeSite);
  return acc.result();
}
