/**
 * Shared contract assertions, run against every primitive of a kind: pure functions are
 * deterministic and never mutate their inputs; accumulators merge partitions to the answer of one
 * pass, also through a JSON snapshot, whatever the order of records.
 */
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'vitest';
import type { Accumulator } from '../../src/core/accumulator';

/** Freezes a value and everything reachable from it, so a mutation throws in strict mode. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value))
      deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  }
  return value;
}

/**
 * Calls `fn` twice on deep-frozen copies of `args` and checks the two results are equal and the
 * arguments unchanged. Returns the result.
 */
export function assertPure<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R {
  const before = structuredClone(args);
  const frozen = deepFreeze(structuredClone(args));
  const first = fn(...frozen);
  const second = fn(...frozen);
  expect(second).toStrictEqual(first);
  // the caller's own (unfrozen) arguments must not change either
  fn(...args);
  expect(args).toStrictEqual(before);
  return first;
}

/**
 * Calls each function and returns the message of the error it throws, or `'no error'`; every
 * error must be a `type` (documented errors are `RetentionError`s naming the path).
 */
export function errorMessages(
  type: abstract new (...args: never[]) => Error,
  calls: readonly (() => unknown)[],
): string[] {
  return calls.map((call) => {
    try {
      call();
      return 'no error';
    } catch (error) {
      expect(error).toBeInstanceOf(type);
      return (error as Error).message;
    }
  });
}

/** Splits a list into `parts` contiguous partitions (some may be empty). */
export function partition<T>(items: readonly T[], cuts: readonly number[]): T[][] {
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(items.length, c))))].sort(
    (a, b) => a - b,
  );
  const out: T[][] = [];
  let start = 0;
  for (const p of points) {
    out.push(items.slice(start, p));
    start = p;
  }
  out.push(items.slice(start));
  return out;
}

/**
 * Checks the accumulator contract on `records`: one pass equals the merge of partitions (as live
 * accumulators and as JSON snapshots), equals the reversed order, and `result()` does not change
 * the state.
 */
export function assertMergeable<TRecord, TResult, TSnapshot>(
  make: () => Accumulator<TRecord, TResult, TSnapshot>,
  records: readonly TRecord[],
  cuts: readonly number[],
  equal: (a: TResult, b: TResult) => boolean = isDeepStrictEqual,
): TResult {
  const whole = make().addAll(records);
  const expected = whole.result();
  expect(equal(whole.result(), expected), 'result() must not change the state').toBe(true);

  const parts = partition(records, cuts);
  const live = make();
  for (const part of parts) live.merge(make().addAll(part));
  expect(equal(live.result(), expected), 'merge of live partitions equals one pass').toBe(true);

  const viaJson = make();
  for (const part of parts)
    viaJson.merge(JSON.parse(JSON.stringify(make().addAll(part).snapshot())) as TSnapshot);
  expect(equal(viaJson.result(), expected), 'merge of JSON snapshots equals one pass').toBe(true);

  const reversed = make().addAll([...records].reverse());
  expect(equal(reversed.result(), expected), 'order of records does not matter').toBe(true);
  return expected;
}
