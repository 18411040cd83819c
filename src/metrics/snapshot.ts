import type { JsonValue } from '../core/validate';

/**
 * The state of a metric accumulator as plain JSON, produced by `snapshot()` and accepted by
 * `merge()`: send it to another process, merge it there, and the result equals one pass over all
 * records. `kind` names the calculator, `options` are the (normalized) options the partition was
 * computed with; merging snapshots of different kinds or options throws.
 *
 * @example
 * const snap = npsAccumulator().addAll([10, 9, 3]).snapshot();
 * [snap.kind, JSON.parse(JSON.stringify(snap)).version]
 * //=> ['retention-kit/nps', 1]
 *
 * @category metrics
 */
export interface MetricSnapshot {
  /** Which calculator produced it, e.g. `'retention-kit/churnRate'`. */
  readonly kind: string;
  /** The snapshot format version. */
  readonly version: 1;
  /** The options of the accumulator, normalized (instants as epoch milliseconds). */
  readonly options: JsonValue;
  /** The calculator's partial state: counts and per-customer summaries, never raw records. */
  readonly state: JsonValue;
}
