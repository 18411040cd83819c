/**
 * Helpers for the metrics property tests: permutations drawn by fast-check, partition cuts, and
 * shifting every instant of a record by a fixed amount.
 */
import * as fc from 'fast-check';
import type { InstantInput } from '../../src/core/instant';
import { toInstant } from '../../src/core/instant';

/** Keys to reorder a list by: `reorder(items, keys)` is a permutation drawn by fast-check. */
export const arbOrderKeys = fc.array(fc.integer(), { minLength: 64, maxLength: 64 });

/** Returns the items reordered by `keys` (stable for equal keys). */
export function reorder<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, i) => ({ item, key: keys[i % keys.length]! * 1000 + i }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.item);
}

/** Up to four cut points for `assertMergeable`. */
export const arbCuts = fc.array(fc.nat({ max: 60 }), { maxLength: 4 });

/** Shifts an instant input by `delta` milliseconds, returning epoch milliseconds. */
export function shift(value: InstantInput, delta: number): number {
  return toInstant(value) + delta;
}

export const DAY = 86_400_000;

/**
 * Lets lists grow to their `maxLength` (fast-check's default "small" size stops near 10
 * records), so that customers have several records that interact. Call it at the top of a
 * property-test file; test files run isolated, so it does not leak into others.
 */
export function useMediumSizes(): void {
  fc.configureGlobal({ ...fc.readConfigureGlobal(), baseSize: 'medium' });
}
