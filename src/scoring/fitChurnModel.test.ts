import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import { createRandom } from '../core/random';
import {
  type ChurnExample,
  describeChurnExplanation,
  explainChurn,
  fitChurnModel,
  predictChurn,
} from './fitChurnModel';

/** Examples drawn from a known logistic model: logit p = -1 + 1.5 a - 0.8 b, a ~ N(2, 1), b ~ N(0, 3). */
function synthetic(n: number, seed: number): ChurnExample[] {
  const r = createRandom(seed);
  const out: ChurnExample[] = [];
  for (let i = 0; i < n; i++) {
    const a = 2 + r.normal();
    const b = 3 * r.normal();
    const noise = r.next() < 0.5 ? 1 : 0;
    const logit = -1 + 1.5 * (a - 2) - 0.8 * (b / 3);
    out.push({ features: { a, b, noise }, churned: r.next() < 1 / (1 + Math.exp(-logit)) });
  }
  return out;
}

describe('fitChurnModel', () => {
  it('recovers the coefficients of a known logistic model', () => {
    const model = fitChurnModel(synthetic(40_000, 3), { l2: 0, holdout: 0 });
    expect(model.training.converged).toBe(true);
    // standardised coefficients: per standard deviation of a (1) and b (3)
    const [a, b, noise] = model.coefficients;
    expect(model.features).toEqual(['a', 'b', 'noise']);
    expect(a!).toBeCloseTo(1.5, 1);
    expect(b!).toBeCloseTo(-0.8, 1);
    expect(Math.abs(noise!)).toBeLessThan(0.05);
    expect(model.means[0]!).toBeCloseTo(2, 1);
    expect(model.scales[1]!).toBeCloseTo(3, 1);
    // at the means, the log-odds are the intercept (noise sits at its mean 0.5)
    expect(model.intercept).toBeCloseTo(-1, 1);
  });

  it('stops at the minimum of the penalised log-loss: its gradient is zero', () => {
    const examples = synthetic(3_000, 5);
    const l2 = 0.05;
    const model = fitChurnModel(examples, { l2, holdout: 0 });
    const d = model.features.length;
    const grad = new Array<number>(d + 1).fill(0);
    for (const e of examples) {
      const p = predictChurn(model, e.features);
      const y = e.churned ? 1 : 0;
      model.features.forEach((f, j) => {
        grad[j]! +=
          ((p - y) * ((e.features[f] as number) - model.means[j]!)) /
          model.scales[j]! /
          examples.length;
      });
      grad[d]! += (p - y) / examples.length;
    }
    model.coefficients.forEach((w, j) => {
      grad[j]! += l2 * w;
    });
    for (const g of grad) expect(Math.abs(g)).toBeLessThan(1e-6);
  });

  it('shrinks coefficients as the L2 penalty grows', () => {
    const examples = synthetic(2_000, 9);
    const norm = (l2: number) =>
      fitChurnModel(examples, { l2, holdout: 0 }).coefficients.reduce((s, w) => s + w * w, 0);
    expect(norm(0)).toBeGreaterThan(norm(0.1));
    expect(norm(0.1)).toBeGreaterThan(norm(10));
  });

  it('holds out a stratified, seeded share and evaluates the model on it', () => {
    const examples = synthetic(4_000, 1);
    const churned = examples.filter((e) => e.churned).length;
    const model = fitChurnModel(examples, { holdout: 0.25, seed: 4 });
    const evaluation = model.evaluation!;
    expect(evaluation.examples + model.training.examples).toBe(4_000);
    expect(evaluation.churned).toBe(Math.round(churned * 0.25));
    expect(evaluation.auc!).toBeGreaterThan(0.75);
    expect(evaluation.logLoss!).toBeLessThan(Math.LN2);
    expect(evaluation.calibration.reduce((s, b) => s + b.examples, 0)).toBe(evaluation.examples);
    // the same seed gives the same model; another seed another split
    expect(fitChurnModel(examples, { holdout: 0.25, seed: 4 })).toEqual(model);
    expect(fitChurnModel(examples, { holdout: 0.25, seed: 5 }).evaluation!.auc).not.toBe(
      evaluation.auc,
    );
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });

  it('turns booleans into 1 and 0 and missing values into the training mean', () => {
    const examples: ChurnExample[] = [];
    for (let i = 0; i < 400; i++)
      examples.push({
        features: { paying: i % 3 === 0, seats: i % 5 === 0 ? null : i % 7 },
        churned: i % 3 !== 0 && i % 2 === 0,
      });
    const model = fitChurnModel(examples, { holdout: 0 });
    expect(model.means[0]!).toBeCloseTo(134 / 400, 12);
    const missing = predictChurn(model, { paying: true });
    expect(predictChurn(model, { paying: true, seats: model.means[1]! })).toBeCloseTo(missing, 12);
    expect(predictChurn(model, { paying: true })).toBeLessThan(
      predictChurn(model, { paying: false }),
    );
  });

  it('is pure, and rejects malformed examples and training sets of one class', () => {
    assertPure(fitChurnModel, synthetic(300, 2), { seed: 3 });
    expect(() =>
      fitChurnModel([{ features: { a: 'x' }, churned: true }] as never),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: fitChurnModel: examples[0].features.a has the wrong type (expected a finite number, a boolean, null or undefined; received string)]`,
    );
    expect(() =>
      fitChurnModel([{ features: { a: 1 }, churned: 1 }] as never),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: fitChurnModel: examples[0].churned has the wrong type (expected a boolean; received integer)]`,
    );
    expect(() =>
      fitChurnModel([
        { features: { a: 1 }, churned: false },
        { features: { a: 2 }, churned: false },
      ]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: fitChurnModel: examples has an invalid value: the training examples need both churned and retained customers]`,
    );
    expect(() => fitChurnModel([], { holdout: 1 })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: fitChurnModel: options.holdout is out of range (expected a finite number >= 0 and <= 0.9)]`,
    );
  });
});

describe('predictChurn and explainChurn', () => {
  const model = fitChurnModel(synthetic(2_000, 8), { holdout: 0 });

  it('gives probabilities, and explanations whose contributions add up to the log-odds', () => {
    const features = { a: 3.5, b: -2 };
    const p = predictChurn(model, features);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
    const x = explainChurn(model, features);
    expect(x.probability).toBe(p);
    expect(x.intercept + x.contributions.reduce((s, c) => s + c.contribution, 0)).toBeCloseTo(
      x.logOdds,
      12,
    );
    expect(x.contributions.map((c) => c.feature)).toEqual(['a', 'b', 'noise']);
    expect(x.contributions[2]).toEqual({ feature: 'noise', value: null, contribution: 0 });
    expect(describeChurnExplanation(x, { top: 2 }).length).toBe(3);
  });

  it('ignores unknown features and rejects values that are not numbers', () => {
    expect(predictChurn(model, { a: 1, other: 5 })).toBe(predictChurn(model, { a: 1 }));
    expect(() => predictChurn(model, { a: '1' as never })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: predictChurn: features.a has the wrong type (expected a finite number, a boolean, null or undefined; received string)]`,
    );
  });
});
