import {
  type ChurnExample,
  defineHealthModel,
  fitChurnModel,
  type HealthPopulationMember,
  predictChurn,
  rocAuc,
  scorePopulation,
} from '../src/index';
import { createRandom } from '../src/testing/index';
import type { BenchModule } from './harness';

const M = 1_000_000;
const N_FIT = 100_000;
const asOf = Date.UTC(2026, 2, 1);

/** Ten measures in three dimensions: tiers, linear ramps (both ways) and booleans. */
const model = defineHealthModel({
  id: 'bench',
  version: 1,
  dimensions: [
    {
      id: 'usage',
      weight: 3,
      measures: [
        {
          id: 'logins',
          fact: 'logins30d',
          weight: 2,
          scale: {
            kind: 'tiers',
            tiers: [
              { atLeast: 1, score: 30 },
              { atLeast: 5, score: 70 },
              { atLeast: 10, score: 100 },
            ],
          },
        },
        { id: 'reports', fact: 'reports30d', scale: { kind: 'linear', zeroAt: 0, fullAt: 20 } },
        { id: 'minutes', fact: 'minutes30d', scale: { kind: 'linear', zeroAt: 0, fullAt: 600 } },
        {
          id: 'recency',
          fact: 'daysSinceLogin',
          weight: 2,
          scale: { kind: 'linear', zeroAt: 30, fullAt: 0 },
        },
      ],
    },
    {
      id: 'adoption',
      weight: 2,
      measures: [
        { id: 'features', fact: 'featuresUsed', scale: { kind: 'linear', zeroAt: 0, fullAt: 8 } },
        { id: 'seats', fact: 'seatShare', scale: { kind: 'linear', zeroAt: 0.2, fullAt: 0.9 } },
        { id: 'integration', fact: 'integrated', scale: { kind: 'boolean' } },
      ],
    },
    {
      id: 'relationship',
      measures: [
        {
          id: 'nps',
          fact: 'nps',
          missing: { score: 50 },
          scale: {
            kind: 'tiers',
            below: 0,
            tiers: [
              { atLeast: 7, score: 60 },
              { atLeast: 9, score: 100 },
            ],
          },
        },
        { id: 'tickets', fact: 'openTickets', scale: { kind: 'linear', zeroAt: 5, fullAt: 0 } },
        { id: 'paidOnTime', fact: 'paidOnTime', missing: 'zero', scale: { kind: 'boolean' } },
      ],
    },
  ],
});

interface Facts {
  logins30d: number;
  reports30d: number;
  minutes30d: number;
  daysSinceLogin: number;
  featuresUsed: number;
  seatShare: number;
  integrated: boolean;
  nps: number | undefined;
  openTickets: number;
  paidOnTime: boolean;
}

const ramp = (v: number, zeroAt: number, fullAt: number) => {
  const t = (v - zeroAt) / (fullAt - zeroAt);
  return t <= 0 ? 0 : t >= 1 ? 100 : 100 * t;
};

/**
 * The same model written by hand for these ten facts: no validation, no paths, no missing-data
 * policies beyond the one neutral NPS, no bands or trend. The floor a general engine is compared to.
 */
function handScore(f: Facts): number {
  const logins = f.logins30d >= 10 ? 100 : f.logins30d >= 5 ? 70 : f.logins30d >= 1 ? 30 : 0;
  const usage =
    (2 * logins +
      ramp(f.reports30d, 0, 20) +
      ramp(f.minutes30d, 0, 600) +
      2 * ramp(f.daysSinceLogin, 30, 0)) /
    6;
  const adoption =
    (ramp(f.featuresUsed, 0, 8) + ramp(f.seatShare, 0.2, 0.9) + (f.integrated ? 100 : 0)) / 3;
  const nps = f.nps === undefined ? 50 : f.nps >= 9 ? 100 : f.nps >= 7 ? 60 : 0;
  const relationship = (nps + ramp(f.openTickets, 5, 0) + (f.paidOnTime ? 100 : 0)) / 3;
  return (3 * usage + 2 * adoption + relationship) / 6;
}

function accounts(n: number, seed: number): HealthPopulationMember[] {
  const r = createRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const facts: Facts = {
      logins30d: r.poisson(6),
      reports30d: r.poisson(8),
      minutes30d: Math.round(r.exponential(1 / 200)),
      daysSinceLogin: r.int(40),
      featuresUsed: r.int(9),
      seatShare: r.next(),
      integrated: r.chance(0.4),
      nps: r.chance(0.3) ? r.int(11) : undefined,
      openTickets: r.poisson(1),
      paidOnTime: r.chance(0.9),
    };
    return { id: `a${i}`, facts };
  });
}

/** Examples from a known logistic model of ten features (two of them irrelevant). */
function churnData(n: number, seed: number): ChurnExample[] {
  const r = createRandom(seed);
  const w = [0.9, -0.6, 0.4, -0.3, 0.25, -0.2, 0.15, 0.1, 0, 0];
  return Array.from({ length: n }, () => {
    const x = w.map(() => r.normal());
    const z = -2 + x.reduce((s, v, j) => s + v * w[j]!, 0);
    const features: Record<string, number> = {};
    x.forEach((v, j) => {
      features[`x${j}`] = v;
    });
    return { features, churned: r.chance(1 / (1 + Math.exp(-z))) };
  });
}

/**
 * A plain logistic regression by hand: full-batch gradient descent with a fixed step on
 * standardised features, the same L2 penalty, a fixed number of epochs, no hold-out.
 */
function handFit(examples: readonly ChurnExample[], names: readonly string[], epochs: number) {
  const n = examples.length;
  const k = names.length;
  const x = new Float64Array(n * k);
  const y = new Float64Array(n);
  const mean = new Float64Array(k);
  const sd = new Float64Array(k);
  examples.forEach((e, i) => {
    y[i] = e.churned ? 1 : 0;
    for (let j = 0; j < k; j++) x[i * k + j] = e.features[names[j]!] as number;
  });
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i * k + j]!;
    mean[j] = s / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (x[i * k + j]! - mean[j]!) ** 2;
    sd[j] = Math.sqrt(v / n) || 1;
    for (let i = 0; i < n; i++) x[i * k + j] = (x[i * k + j]! - mean[j]!) / sd[j]!;
  }
  const w = new Float64Array(k);
  let b = 0;
  const g = new Float64Array(k);
  for (let epoch = 0; epoch < epochs; epoch++) {
    g.fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      let z = b;
      for (let j = 0; j < k; j++) z += w[j]! * x[i * k + j]!;
      const d = 1 / (1 + Math.exp(-z)) - y[i]!;
      gb += d;
      for (let j = 0; j < k; j++) g[j] = g[j]! + d * x[i * k + j]!;
    }
    b -= (0.5 * gb) / n;
    for (let j = 0; j < k; j++) w[j] = w[j]! - 0.5 * (g[j]! / n + 0.001 * w[j]!);
  }
  return { w, b, mean, sd };
}

const scoring: BenchModule = {
  name: 'scoring',
  groups() {
    const members = accounts(M, 1);
    const facts = members.map((m) => m.facts as Facts);
    const train = churnData(N_FIT, 2);
    const test = churnData(20_000, 3);
    const names = Array.from({ length: 10 }, (_, j) => `x${j}`);
    let sink = 0;
    // the hand-written score and the library's agree, so both do the same work
    const check = scorePopulation(model, members.slice(0, 1000), { asOf, detail: 'summary' });
    check.scores.forEach((s, i) => {
      if (Math.abs(s.score! - handScore(facts[i]!)) > 1e-9)
        throw new Error(`bench model mismatch at account ${i}`);
    });
    let fitted: ReturnType<typeof fitChurnModel> | undefined;
    let hand: ReturnType<typeof handFit> | undefined;
    return [
      {
        title: 'Health scores, 1,000,000 accounts, a 10-measure model in 3 dimensions',
        baseline: 'hand-written loop (same model, no validation)',
        iterations: 5,
        time: 0,
        warmup: 1,
        cases: [
          {
            name: 'hand-written loop (same model, no validation)',
            items: M,
            fn: () => {
              const out = new Float64Array(M);
              for (let i = 0; i < M; i++) out[i] = handScore(facts[i]!);
              sink += out[M - 1]!;
            },
          },
          {
            name: "retention-kit scorePopulation (detail: 'summary')",
            items: M,
            fn: () => {
              sink += scorePopulation(model, members, { asOf, detail: 'summary' }).counts.scored;
            },
          },
        ],
        targets: [
          {
            kind: 'time',
            case: "retention-kit scorePopulation (detail: 'summary')",
            atMostMs: 1000,
            description: 'scoring 1M accounts with a 10-measure model in under 1 s',
          },
        ],
        notes: () => ({ sink }),
      },
      {
        title: 'Churn model, fitting on 100,000 examples of 10 features',
        baseline: 'hand-written gradient descent (200 epochs)',
        iterations: 3,
        time: 0,
        warmup: 0,
        cases: [
          {
            name: 'hand-written gradient descent (200 epochs)',
            items: N_FIT,
            fn: () => {
              hand = handFit(train, names, 200);
            },
          },
          {
            name: 'retention-kit fitChurnModel (BFGS, 25% held out)',
            items: N_FIT,
            fn: () => {
              fitted = fitChurnModel(train, { seed: 1 });
            },
          },
        ],
        targets: [
          {
            kind: 'time',
            case: 'retention-kit fitChurnModel (BFGS, 25% held out)',
            atMostMs: 10_000,
            description: 'fitting the churn model on 100k examples in seconds (under 10 s)',
          },
        ],
        notes: () => {
          const auc = (p: (f: ChurnExample['features']) => number) =>
            rocAuc(test.map((e) => ({ churned: e.churned, score: p(e.features) })))!;
          const h = hand!;
          const handAuc = auc((f) => {
            let z = h.b;
            names.forEach((name, j) => {
              z += (h.w[j]! * ((f[name] as number) - h.mean[j]!)) / h.sd[j]!;
            });
            return z;
          });
          return {
            'fitChurnModel iterations': fitted!.training.iterations,
            'fitChurnModel converged': String(fitted!.training.converged),
            'fitChurnModel test AUC (20k fresh examples)': auc((f) => predictChurn(fitted!, f)),
            'hand-written test AUC': handAuc,
          };
        },
      },
    ];
  },
};

export default scoring;
