/**
 * `addAll` of the calculators that prefetch (cohortRetention and the revenue ledger) works in
 * blocks of 64 records: it hashes a block's customer ids and loads their slots or rows before
 * folding the records one by one. These properties check that this fast path equals the general
 * one, `add` record by record: the same result, the same snapshot, and on an invalid record the
 * same error at the same index with the same state kept.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, useMediumSizes } from '../../test/helpers/metrics';
import type { Accumulator } from '../core/accumulator';
import { arbActivityEvents, arbMrrChanges } from '../testing/arbitraries';
import { cohortRetentionAccumulator } from './cohortRetention';
import { grossRevenueRetentionAccumulator } from './grossRevenueRetention';
import { mrrMovementsAccumulator } from './mrrMovements';
import { netRevenueRetentionAccumulator } from './netRevenueRetention';
import type { MetricSnapshot } from './snapshot';

useMediumSizes();

type Acc = Accumulator<unknown, unknown, MetricSnapshot>;

/** What `run` returns, or the message of the error it throws. */
function outcomeOf(run: () => unknown): unknown {
  try {
    return run();
  } catch (e) {
    return (e as Error).message;
  }
}

/** Adds `records` one by one; returns the error message, if any. */
function oneByOne(acc: Acc, records: readonly unknown[]): unknown {
  return outcomeOf(() => {
    for (const r of records) acc.add(r);
  });
}

function inBlocks(acc: Acc, records: Iterable<unknown>): unknown {
  return outcomeOf(() => {
    acc.addAll(records);
  });
}

/** The result, or the error `result()` throws (two changes of a subscription at one instant). */
const outcome = (acc: Acc): unknown => outcomeOf(() => acc.result());

/**
 * Both ways, from arrays and from a generator (also one that throws after its records), agree on
 * errors, snapshots and results.
 */
function assertSamePaths(make: () => Acc, records: readonly unknown[]): void {
  function* generate() {
    yield* records;
  }
  for (const input of [records, generate()]) {
    const plain = make();
    const error = oneByOne(plain, records);
    const fast = make();
    expect(inBlocks(fast, input)).toBe(error);
    expect(fast.snapshot()).toEqual(plain.snapshot());
    expect(outcome(fast)).toEqual(outcome(plain));
    // the accumulator keeps counting from where it stopped
    expect(inBlocks(fast, records.slice(0, 3))).toBe(oneByOne(plain, records.slice(0, 3)));
    expect(fast.snapshot()).toEqual(plain.snapshot());
  }
  // a source that fails after its records: every record it gave is accepted before its error
  function* failing() {
    yield* records;
    throw new Error('the source failed');
  }
  const plain = make();
  const error = oneByOne(plain, records) ?? 'the source failed';
  const fast = make();
  expect(inBlocks(fast, failing())).toBe(error);
  expect(fast.snapshot()).toEqual(plain.snapshot());
}

/** Inserts `bad` at `at` (modulo the length + 1) when given. */
function spoil<T>(records: readonly T[], bad: unknown, at: number | undefined): unknown[] {
  if (at === undefined) return [...records];
  const i = at % (records.length + 1);
  return [...records.slice(0, i), bad, ...records.slice(i)];
}

const MIN = Date.UTC(2025, 0, 1);
const arbBad = fc.constantFrom<unknown>(
  null,
  7,
  { customerId: '', type: 'login', at: MIN },
  { customerId: 'x', type: 'login', at: 'not an instant' },
  { customerId: 'x', at: MIN, mrr: Number.NaN },
  { customerId: 42, type: 'signup', at: MIN, mrr: 100 },
);

describe('addAll in prefetching blocks equals add one by one', () => {
  it('cohortRetention', () => {
    fc.assert(
      fc.property(
        arbActivityEvents({
          min: MIN,
          max: MIN + 120 * DAY,
          customers: 90,
          maxLength: 300,
          types: ['signup', 'login', 'order'],
        }),
        fc.constantFrom<'on' | 'onOrAfter'>('on', 'onOrAfter'),
        arbBad,
        fc.option(fc.nat(), { nil: undefined }),
        (events, criterion, bad, at) => {
          assertSamePaths(
            () =>
              cohortRetentionAccumulator({
                granularity: 'week',
                criterion,
                startEvent: 'signup',
                returnEvent: ['login', 'order'],
              }) as Acc,
            spoil(events, bad, at),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the revenue calculators', () => {
    const period = { from: MIN + 30 * DAY, to: MIN + 90 * DAY };
    fc.assert(
      fc.property(
        fc.oneof(
          ...[1, 2].map((subscriptions) =>
            arbMrrChanges({
              min: MIN,
              max: MIN + 120 * DAY,
              customers: 90,
              subscriptions,
              maxLength: 300,
            }),
          ),
        ),
        arbBad,
        fc.option(fc.nat(), { nil: undefined }),
        (changes, bad, at) => {
          const records = spoil(changes, bad, at);
          for (const make of [
            mrrMovementsAccumulator,
            netRevenueRetentionAccumulator,
            grossRevenueRetentionAccumulator,
          ]) {
            assertSamePaths(() => make(period) as Acc, records);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
