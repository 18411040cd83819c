import { describeType, failInput } from '../core/errors';
import { bfgs } from '../core/numerics/optimize';
import { createRandom } from '../core/random';
import { aucOf, type CalibrationBin, calibrationOf, logLossOf } from './evaluation';
import { at, requireNumber, requireObject, type Where } from './internal';

/**
 * A feature value: a number, a boolean (1 or 0), or missing (`null` or `undefined`, replaced by
 * the training mean).
 *
 * @category scoring
 */
export type ChurnFeatureValue = number | boolean | null | undefined;

/**
 * Named feature values of one customer at one instant.
 *
 * @category scoring
 */
export type ChurnFeatures = Readonly<Record<string, ChurnFeatureValue>>;

/**
 * A labelled example: a customer's features at a snapshot, and whether they churned within the
 * horizon after it.
 *
 * @category scoring
 */
export interface ChurnExample {
  readonly features: ChurnFeatures;
  readonly churned: boolean;
}

/**
 * Options of {@link fitChurnModel}.
 *
 * @category scoring
 */
export interface FitChurnModelOptions {
  /** The features to use, in order. @defaultValue every feature name in the examples, sorted */
  readonly features?: readonly string[];
  /**
   * The L2 penalty `λ`: the fit minimises the mean log-loss plus `λ/2 · ‖w‖²` over the
   * standardised coefficients (the intercept is not penalised). scikit-learn's `C` is
   * `1 / (λ · n)`. @defaultValue `0.001`
   */
  readonly l2?: number;
  /** The share of examples held out for evaluation, stratified by label, 0 to 0.9. @defaultValue `0.25` */
  readonly holdout?: number;
  /** Seed of the held-out split. @defaultValue `1` */
  readonly seed?: number;
  /** Iterations of the optimiser (BFGS). @defaultValue `500` */
  readonly maxIterations?: number;
  /** Bins of the calibration table. @defaultValue `10` */
  readonly calibrationBins?: number;
}

/**
 * How a fitted model did on the held-out examples it never saw.
 *
 * @category scoring
 */
export interface ChurnEvaluation {
  readonly examples: number;
  readonly churned: number;
  /** Area under the ROC curve; `null` when the held-out part has one class only. */
  readonly auc: number | null;
  /** Mean log-loss. */
  readonly logLoss: number | null;
  /** Mean squared error of the probabilities. */
  readonly brier: number | null;
  readonly calibration: readonly CalibrationBin[];
}

/**
 * A fitted churn model: an L2-regularised logistic regression on standardised features, as
 * plain JSON (store it, ship it to the engine). Missing features take the training mean.
 *
 * @category scoring
 */
export interface ChurnModel {
  readonly kind: 'logistic-regression';
  readonly features: readonly string[];
  /** Training mean of each feature (also what a missing value becomes). */
  readonly means: readonly number[];
  /** Training standard deviation of each feature (1 for a constant one). */
  readonly scales: readonly number[];
  /** Coefficient of each standardised feature: the change in log-odds per standard deviation. */
  readonly coefficients: readonly number[];
  readonly intercept: number;
  readonly l2: number;
  readonly seed: number;
  readonly training: {
    readonly examples: number;
    readonly churned: number;
    readonly logLoss: number;
    readonly converged: boolean;
    readonly iterations: number;
  };
  /** `null` when `holdout` is 0. */
  readonly evaluation: ChurnEvaluation | null;
}

function featureValue(v: unknown, where: Where): number {
  if (v === undefined || v === null) return Number.NaN;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return failInput(where, {
    code: 'invalid_type',
    path: [],
    expected: 'a finite number, a boolean, null or undefined',
    received: describeType(v),
  });
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * Fits a churn-probability model: logistic regression with an L2 penalty on standardised
 * features, by BFGS on the exact gradient. A stratified, seeded share of the examples is held
 * out and the model is evaluated on it (AUC, log-loss, Brier score and a calibration table).
 * The same examples and seed always give the same model.
 *
 * Build the examples with {@link churnExamples} (features at snapshot dates from the events
 * before them, labelled by churn within a horizon after them) or from your own warehouse.
 *
 * @param examples - Labelled examples, any iterable (read once).
 * @param options - See {@link FitChurnModelOptions}.
 * @returns The model, with its training fit and held-out evaluation.
 * @throws {RetentionInputError} When an example is malformed, an option out of range, or the
 * training part lacks either churned or retained customers.
 *
 * @example
 * // more logins, less churn
 * const examples = [];
 * for (let i = 0; i < 200; i++) examples.push({ features: { logins: i % 20 }, churned: (i * 7) % 20 >= 4 + (i % 20) });
 * const model = fitChurnModel(examples, { holdout: 0 });
 * [model.coefficients[0] < 0, predictChurn(model, { logins: 1 }) > predictChurn(model, { logins: 15 })]
 * //=> [true, true]
 *
 * @category scoring
 */
export function fitChurnModel(
  examples: Iterable<ChurnExample>,
  options: FitChurnModelOptions = {},
): ChurnModel {
  const fn = 'fitChurnModel';
  const where: Where = { fn, root: 'options', path: [] };
  requireObject(options, where);
  const l2 = requireNumber(options.l2 ?? 0.001, at(where, 'l2'), { min: 0 });
  const holdout = requireNumber(options.holdout ?? 0.25, at(where, 'holdout'), {
    min: 0,
    max: 0.9,
  });
  const seed = requireNumber(options.seed ?? 1, at(where, 'seed'), { integer: true });
  const maxIterations = requireNumber(options.maxIterations ?? 500, at(where, 'maxIterations'), {
    min: 1,
    max: 100_000,
    integer: true,
  });
  const bins = requireNumber(options.calibrationBins ?? 10, at(where, 'calibrationBins'), {
    min: 1,
    max: 1000,
    integer: true,
  });

  // Read the examples once.
  const root: Where = { fn, root: 'examples', path: [] };
  if (examples === null || typeof examples !== 'object' || !(Symbol.iterator in examples))
    failInput(root, {
      code: 'invalid_type',
      path: [],
      expected: 'an iterable of { features, churned }',
      received: describeType(examples),
    });
  const rows: Readonly<Record<string, unknown>>[] = [];
  const labelList: number[] = [];
  const names = new Set<string>();
  for (const e of examples) {
    const w = at(root, rows.length);
    const rec = requireObject(e, w);
    const features = requireObject(rec.features, at(w, 'features'));
    if (typeof rec.churned !== 'boolean')
      failInput(at(w, 'churned'), {
        code: 'invalid_type',
        path: [],
        expected: 'a boolean',
        received: describeType(rec.churned),
      });
    if (options.features === undefined) for (const k of Object.keys(features)) names.add(k);
    rows.push(features);
    labelList.push(rec.churned ? 1 : 0);
  }
  const featureNames =
    options.features === undefined
      ? [...names].sort()
      : options.features.map((f, i) => {
          if (typeof f !== 'string' || f.length === 0)
            failInput(at(where, 'features', i), {
              code: 'invalid_type',
              path: [],
              expected: 'a feature name',
              received: describeType(f),
            });
          return f;
        });
  const n = rows.length;
  const d = featureNames.length;
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    for (let j = 0; j < d; j++) {
      const name = featureNames[j]!;
      x[i * d + j] = featureValue(
        Object.hasOwn(r, name) ? r[name] : undefined,
        at(root, i, 'features', name),
      );
    }
  }
  const labels = Uint8Array.from(labelList);

  // A stratified, seeded split.
  const random = createRandom(seed);
  const positives: number[] = [];
  const negatives: number[] = [];
  for (let i = 0; i < n; i++) (labels[i] === 1 ? positives : negatives).push(i);
  random.shuffle(positives);
  random.shuffle(negatives);
  const heldPos = Math.round(positives.length * holdout);
  const heldNeg = Math.round(negatives.length * holdout);
  const test = [...positives.slice(0, heldPos), ...negatives.slice(0, heldNeg)].sort(
    (a, b) => a - b,
  );
  const train = [...positives.slice(heldPos), ...negatives.slice(heldNeg)].sort((a, b) => a - b);
  const trainPositives = positives.length - heldPos;
  if (trainPositives === 0 || trainPositives === train.length)
    failInput(root, {
      code: 'invalid_value',
      path: [],
      detail: 'the training examples need both churned and retained customers',
    });

  // Standardise on the training part; missing values become the mean (0 after standardising).
  const means = new Array<number>(d).fill(0);
  const scales = new Array<number>(d).fill(1);
  for (let j = 0; j < d; j++) {
    let sum = 0;
    let count = 0;
    for (const i of train) {
      const v = x[i * d + j]!;
      if (!Number.isNaN(v)) {
        sum += v;
        count++;
      }
    }
    const mean = count === 0 ? 0 : sum / count;
    let ss = 0;
    for (const i of train) {
      const v = x[i * d + j]!;
      if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
    }
    const sd = count === 0 ? 0 : Math.sqrt(ss / count);
    means[j] = mean;
    scales[j] = sd > 0 ? sd : 1;
  }
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!;
      z[i * d + j] = Number.isNaN(v) ? 0 : (v - means[j]!) / scales[j]!;
    }

  // Minimise the penalised mean log-loss over the training rows.
  const m = train.length;
  const trainRows = Uint32Array.from(train);
  const objective = (theta: readonly number[]) => {
    const grad = new Array<number>(d + 1).fill(0);
    let loss = 0;
    const b = theta[d]!;
    for (let t = 0; t < m; t++) {
      const i = trainRows[t]!;
      let s = b;
      const base = i * d;
      for (let j = 0; j < d; j++) s += theta[j]! * z[base + j]!;
      const y = labels[i]!;
      loss += softplus(s) - y * s;
      const r = sigmoid(s) - y;
      for (let j = 0; j < d; j++) grad[j]! += r * z[base + j]!;
      grad[d]! += r;
    }
    let penalty = 0;
    for (let j = 0; j <= d; j++) grad[j] = grad[j]! / m;
    for (let j = 0; j < d; j++) {
      penalty += theta[j]! * theta[j]!;
      grad[j]! += l2 * theta[j]!;
    }
    return { value: loss / m + (l2 / 2) * penalty, gradient: grad };
  };
  const prior = trainPositives / m;
  const start = [...new Array<number>(d).fill(0), Math.log(prior / (1 - prior))];
  const fit = bfgs(objective, start, { maxIterations, gTolerance: 1e-7, maxStep: 5 });
  const coefficients = fit.x.slice(0, d);
  const intercept = fit.x[d]!;

  const predictRows = (rowsOf: readonly number[]) => {
    const p = new Float64Array(rowsOf.length);
    const y = new Uint8Array(rowsOf.length);
    rowsOf.forEach((i, k) => {
      let s = intercept;
      for (let j = 0; j < d; j++) s += coefficients[j]! * z[i * d + j]!;
      p[k] = sigmoid(s);
      y[k] = labels[i]!;
    });
    return { p, y };
  };
  const trained = predictRows(train);
  let evaluation: ChurnEvaluation | null = null;
  if (test.length > 0) {
    const { p, y } = predictRows(test);
    let brier = 0;
    let churned = 0;
    for (let k = 0; k < p.length; k++) {
      brier += (p[k]! - y[k]!) ** 2;
      churned += y[k]!;
    }
    evaluation = {
      examples: test.length,
      churned,
      auc: aucOf(p, y),
      logLoss: logLossOf(p, y),
      brier: brier / p.length,
      calibration: calibrationOf(p, y, bins),
    };
  }
  return {
    kind: 'logistic-regression',
    features: featureNames,
    means,
    scales,
    coefficients,
    intercept,
    l2,
    seed,
    training: {
      examples: m,
      churned: trainPositives,
      logLoss: logLossOf(trained.p, trained.y)!,
      converged: fit.converged,
      iterations: fit.iterations,
    },
    evaluation,
  };
}

function logOdds(model: ChurnModel, features: unknown, fn: string) {
  const where: Where = { fn, root: 'features', path: [] };
  const f = requireObject(features, where);
  let s = model.intercept;
  const terms: { feature: string; value: number | null; contribution: number }[] = [];
  model.features.forEach((name, j) => {
    const v = featureValue(Object.hasOwn(f, name) ? f[name] : undefined, at(where, name));
    const missing = Number.isNaN(v);
    const c = missing ? 0 : (model.coefficients[j]! * (v - model.means[j]!)) / model.scales[j]!;
    s += c;
    terms.push({ feature: name, value: missing ? null : v, contribution: c });
  });
  return { s, terms };
}

/**
 * The probability that a customer churns within the horizon the model was trained for.
 *
 * @param model - A model from {@link fitChurnModel}.
 * @param features - The customer's features (missing ones take the training mean; unknown ones
 * are ignored).
 * @returns A probability in [0, 1].
 * @throws {RetentionInputError} When a feature is not a number, boolean or missing.
 *
 * @example
 * const model = { kind: 'logistic-regression', features: ['daysSinceLogin'], means: [10], scales: [5], coefficients: [1.2], intercept: -2, l2: 0.001, seed: 1, training: { examples: 0, churned: 0, logLoss: 0, converged: true, iterations: 0 }, evaluation: null };
 * Number(predictChurn(model, { daysSinceLogin: 25 }).toFixed(3))
 * //=> 0.832
 *
 * @category scoring
 */
export function predictChurn(model: ChurnModel, features: ChurnFeatures): number {
  return sigmoid(logOdds(model, features, 'predictChurn').s);
}

/**
 * Why the model gives a customer the probability it gives: each feature's contribution to the
 * log-odds (coefficient times the standardised value; 0 for a missing feature), largest first.
 *
 * @category scoring
 */
export interface ChurnExplanation {
  readonly probability: number;
  readonly logOdds: number;
  /** The log-odds of a customer at the training means. */
  readonly intercept: number;
  readonly contributions: readonly {
    readonly feature: string;
    readonly value: number | null;
    readonly contribution: number;
  }[];
}

/**
 * Explains a churn prediction as a record: the probability, the log-odds, and each feature's
 * contribution to it, sorted by size. `intercept + Σ contribution = logOdds`.
 * {@link describeChurnExplanation} renders it.
 *
 * @param model - A model from {@link fitChurnModel}.
 * @param features - The customer's features.
 * @returns The explanation.
 * @throws {RetentionInputError} When a feature is not a number, boolean or missing.
 *
 * @example
 * const model = { kind: 'logistic-regression', features: ['daysSinceLogin', 'seats'], means: [10, 5], scales: [5, 2], coefficients: [1.2, -0.4], intercept: -2, l2: 0.001, seed: 1, training: { examples: 0, churned: 0, logLoss: 0, converged: true, iterations: 0 }, evaluation: null };
 * explainChurn(model, { daysSinceLogin: 25, seats: 9 }).contributions.map((c) => [c.feature, Number(c.contribution.toFixed(6))])
 * //=> [['daysSinceLogin', 3.6], ['seats', -0.8]]
 *
 * @category scoring
 */
export function explainChurn(model: ChurnModel, features: ChurnFeatures): ChurnExplanation {
  const { s, terms } = logOdds(model, features, 'explainChurn');
  terms.sort(
    (a, b) =>
      Math.abs(b.contribution) - Math.abs(a.contribution) || (a.feature < b.feature ? -1 : 1),
  );
  return { probability: sigmoid(s), logOdds: s, intercept: model.intercept, contributions: terms };
}

/**
 * Renders a churn explanation as lines of text: the probability, then the features that push it
 * up or down the most.
 *
 * @param explanation - From {@link explainChurn}.
 * @param options - `top`: how many features to list. @defaultValue `{ top: 5 }`
 * @returns The lines.
 *
 * @example
 * const model = { kind: 'logistic-regression', features: ['daysSinceLogin', 'seats'], means: [10, 5], scales: [5, 2], coefficients: [1.2, -0.4], intercept: -2, l2: 0.001, seed: 1, training: { examples: 0, churned: 0, logLoss: 0, converged: true, iterations: 0 }, evaluation: null };
 * describeChurnExplanation(explainChurn(model, { daysSinceLogin: 25, seats: 9 }))
 * //=> ['churn probability 69.0%', '  daysSinceLogin = 25 raises the log-odds by 3.60', '  seats = 9 lowers the log-odds by 0.80']
 *
 * @category scoring
 */
export function describeChurnExplanation(
  explanation: ChurnExplanation,
  options: { readonly top?: number } = {},
): string[] {
  const top = options.top ?? 5;
  const lines = [`churn probability ${(explanation.probability * 100).toFixed(1)}%`];
  for (const c of explanation.contributions.slice(0, top)) {
    if (c.contribution === 0) continue;
    const value = c.value === null ? 'missing' : String(Number(c.value.toFixed(4)));
    lines.push(
      `  ${c.feature} = ${value} ${c.contribution > 0 ? 'raises' : 'lowers'} the log-odds by ${Math.abs(c.contribution).toFixed(2)}`,
    );
  }
  return lines;
}
