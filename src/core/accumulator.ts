/**
 * The accumulator form every streaming calculator offers: feed records with `add`, combine
 * partitions with `merge`, read the answer with `result`. Partitions computed in worker threads or
 * separate processes travel as `snapshot()` (plain JSON) and merge to exactly the answer of one
 * pass over all records.
 *
 * @example
 * const a = churnRateAccumulator({ from, to });
 * const b = churnRateAccumulator({ from, to });
 * a.addAll(partition1);
 * b.addAll(partition2);
 * a.merge(b.snapshot()).result(); // the same as churnRate([...partition1, ...partition2], { from, to })
 * //=> { rate, churned, atStart, ... }
 *
 * @typeParam TRecord - What `add` accepts.
 * @typeParam TResult - What `result` returns.
 * @typeParam TSnapshot - The JSON-serialisable state exchanged between partitions.
 * @category core
 */
export interface Accumulator<TRecord, TResult, TSnapshot> {
  /** Adds one record. Throws a `RetentionInputError` naming the record's index when it is invalid. */
  add(record: TRecord): this;
  /** Adds every record of an iterable, in one pass. */
  addAll(records: Iterable<TRecord>): this;
  /**
   * Merges another partition (an accumulator created with the same options, or its snapshot).
   * Throws a `RetentionError` when the options differ.
   */
  merge(other: Accumulator<TRecord, TResult, TSnapshot> | TSnapshot): this;
  /** The answer for every record added or merged so far. Does not change the state. */
  result(): TResult;
  /** The state as plain JSON, for sending to another process and merging there. */
  snapshot(): TSnapshot;
}
