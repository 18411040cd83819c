import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import { calibrationTable, logLoss, rocAuc, type ScoredOutcome } from './evaluation';

/** The AUC by definition: over every (churned, stayed) pair, 1 when ranked right, 1/2 for a tie. */
function naiveAuc(outcomes: readonly ScoredOutcome[]): number | null {
  let pairs = 0;
  let wins = 0;
  for (const a of outcomes) {
    if (!a.churned) continue;
    for (const b of outcomes) {
      if (b.churned) continue;
      pairs++;
      wins += a.score > b.score ? 1 : a.score === b.score ? 0.5 : 0;
    }
  }
  return pairs === 0 ? null : wins / pairs;
}

const outcome = fc.record({
  // few distinct scores, so ties are common
  score: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
  churned: fc.boolean(),
});

describe('rocAuc', () => {
  it('equals the pairwise definition on random data, ties included, and stays in [0, 1]', () => {
    fc.assert(
      fc.property(fc.array(outcome, { maxLength: 80 }), (outcomes) => {
        const fast = rocAuc(outcomes);
        const slow = naiveAuc(outcomes);
        if (slow === null) expect(fast).toBeNull();
        else {
          expect(fast).not.toBeNull();
          expect(Math.abs(fast! - slow)).toBeLessThan(1e-12);
          expect(fast!).toBeGreaterThanOrEqual(0);
          expect(fast!).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 for a constant score', () => {
    const perfect = [1, 2, 3, 4].map((s) => ({ score: s, churned: s > 2 }));
    expect(rocAuc(perfect)).toBe(1);
    expect(rocAuc(perfect.map((o) => ({ ...o, score: -o.score })))).toBe(0);
    expect(rocAuc(perfect.map((o) => ({ ...o, score: 7 })))).toBe(0.5);
    expect(rocAuc([{ score: 1, churned: true }])).toBeNull();
  });

  it('does not depend on the order of the outcomes, nor on a monotone transform of the scores', () => {
    fc.assert(
      fc.property(
        fc.array(outcome, { maxLength: 50 }),
        fc.integer({ min: 0, max: 1000 }),
        (outcomes, seed) => {
          const shuffled = [...outcomes].sort(
            (a, b) => ((a.score * 31 + seed) % 7) - ((b.score * 31 + seed) % 7),
          );
          expect(rocAuc(shuffled)).toBe(rocAuc(outcomes));
          // an increasing transform keeps the ranking, so the AUC
          const integers = outcomes.map((o) => ({ ...o, score: Math.round(o.score) }));
          expect(
            rocAuc(integers.map((o) => ({ ...o, score: o.score ** 3 + 2 * o.score - 7 }))),
          ).toBe(rocAuc(integers));
        },
      ),
    );
  });

  it('is pure, and rejects scores that are not finite', () => {
    assertPure(rocAuc, [
      { score: 1, churned: true },
      { score: 0, churned: false },
    ]);
    expect(() => rocAuc([{ score: Number.NaN, churned: true }])).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: rocAuc: outcomes[0].score has the wrong type (expected a finite number; received NaN)]`,
    );
    expect(() =>
      rocAuc([{ score: 1, churned: 'yes' as never }]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: rocAuc: outcomes[0].churned has the wrong type (expected a boolean; received string)]`,
    );
  });
});

describe('logLoss', () => {
  it('is the mean negative log-likelihood, clipped so certainty costs about 34.5', () => {
    expect(logLoss([{ score: 0.5, churned: true }])).toBeCloseTo(Math.LN2, 15);
    expect(
      logLoss([
        { score: 0.9, churned: true },
        { score: 0.3, churned: false },
      ]),
    ).toBeCloseTo(-(Math.log(0.9) + Math.log(0.7)) / 2, 15);
    expect(logLoss([{ score: 0, churned: true }])).toBeCloseTo(-Math.log(1e-15), 10);
    expect(logLoss([])).toBeNull();
    expect(() => logLoss([{ score: 1.5, churned: true }])).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: logLoss: outcomes[0].score is out of range (expected a finite number >= 0 and <= 1)]`,
    );
  });
});

describe('calibrationTable', () => {
  it('groups predictions in equal-width bins, leaving out empty ones', () => {
    const table = calibrationTable(
      [
        { score: 0, churned: false },
        { score: 0.19, churned: true },
        { score: 0.2, churned: false },
        { score: 1, churned: true },
      ],
      { bins: 5 },
    );
    expect(table.map((b) => [b.from, b.to, b.examples, b.churned])).toEqual([
      [0, 0.2, 2, 1],
      [0.2, 0.4, 1, 0],
      [0.8, 1, 1, 1],
    ]);
    expect(table[0]!.meanPredicted).toBeCloseTo(0.095, 15);
    expect(table[0]!.observedRate).toBe(0.5);
  });

  it('accounts for every prediction', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ score: fc.double({ min: 0, max: 1, noNaN: true }), churned: fc.boolean() }),
        ),
        fc.integer({ min: 1, max: 20 }),
        (outcomes, bins) => {
          const table = calibrationTable(outcomes, { bins });
          expect(table.reduce((s, b) => s + b.examples, 0)).toBe(outcomes.length);
          expect(table.reduce((s, b) => s + b.churned, 0)).toBe(
            outcomes.filter((o) => o.churned).length,
          );
          for (const b of table) {
            expect(b.meanPredicted).toBeGreaterThanOrEqual(b.from - 1e-12);
            expect(b.meanPredicted).toBeLessThanOrEqual(b.to + 1e-12);
          }
        },
      ),
    );
  });
});
