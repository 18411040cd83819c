import { fitBgNbd, fitSbg, kaplanMeier, type SurvivalObservation } from '../src/index';
import { createRandom } from '../src/testing/index';
import { loadCdnow } from '../test/helpers/cdnow';
import type { BenchModule } from './harness';

const M = 1_000_000;

/** A plain Kaplan-Meier: sort the records by duration, then one loop (no bands, no late entry). */
function naiveKaplanMeier(observations: readonly SurvivalObservation[]) {
  const sorted = [...observations].sort((a, b) => a.duration - b.duration);
  const timeline: number[] = [];
  const survival: number[] = [];
  let s = 1;
  let atRisk = sorted.length;
  let i = 0;
  while (i < sorted.length) {
    const t = sorted[i]!.duration;
    let d = 0;
    let all = 0;
    while (i < sorted.length && sorted[i]!.duration === t) {
      if (sorted[i]!.observed) d++;
      all++;
      i++;
    }
    s *= 1 - d / atRisk;
    atRisk -= all;
    timeline.push(t);
    survival.push(s);
  }
  return { timeline, survival };
}

/** The sBG likelihood on a 200 x 200 grid of (α, β): the brute-force way to fit two parameters. */
function gridSbg(alive: readonly number[]) {
  let best = { alpha: 0, beta: 0, ll: Number.NEGATIVE_INFINITY };
  for (let i = 1; i <= 200; i++) {
    for (let j = 1; j <= 200; j++) {
      const alpha = i / 50;
      const beta = j / 20;
      let ll = 0;
      let p = alpha / (alpha + beta);
      let s = 1 - p;
      for (let t = 1; t < alive.length; t++) {
        if (t > 1) {
          p *= (beta + t - 2) / (alpha + beta + t - 1);
          s -= p;
        }
        ll += (alive[t - 1]! - alive[t]!) * Math.log(p);
      }
      ll += alive[alive.length - 1]! * Math.log(s);
      if (ll > best.ll) best = { alpha, beta, ll };
    }
  }
  return best;
}

/** BG/NBD customers simulated in whole days, reported in weeks (as CDNOW is). */
function simulateBgNbd(n: number, seed: number) {
  const random = createRandom(seed);
  const out: { frequency: number; recency: number; T: number }[] = [];
  for (let i = 0; i < n; i++) {
    const T = 7 * 26 + random.int(7 * 26); // observed 26 to 52 weeks, in days
    const lambda = random.gamma(0.243, 1 / 4.414) / 7; // per day
    const p = random.beta(0.793, 2.426);
    let t = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      t += random.exponential(lambda);
      const day = Math.ceil(t);
      if (day > T) break;
      if (day !== last) {
        x++;
        last = day;
      }
      if (random.chance(p)) break;
    }
    out.push({ frequency: x, recency: x === 0 ? 0 : last / 7, T: T / 7 });
  }
  return out;
}

const models: BenchModule = {
  name: 'models',
  groups() {
    const r = createRandom(5);
    const observations: SurvivalObservation[] = Array.from({ length: M }, () => {
      const churn = Math.ceil(r.exponential(1 / 300));
      const followed = 1 + r.int(730);
      return churn <= followed
        ? { duration: churn, observed: true }
        : { duration: followed, observed: false };
    });
    const regular = [1000, 631, 468, 382, 326, 289, 262, 241];
    const cdnow = loadCdnow();
    const sim2500 = simulateBgNbd(2_500, 1);
    const sim1m = simulateBgNbd(M, 2);
    const grouped = new Map<
      string,
      { frequency: number; recency: number; T: number; count: number }
    >();
    for (const c of sim1m) {
      const key = `${c.frequency} ${c.recency} ${c.T}`;
      const row = grouped.get(key);
      if (row === undefined) grouped.set(key, { ...c, count: 1 });
      else row.count++;
    }
    const groupedRows = [...grouped.values()];
    let sink = 0;
    return [
      {
        title: 'Kaplan-Meier, 1,000,000 observations (daily durations, 2 years)',
        baseline: 'naive KM (sort objects, one loop)',
        iterations: 3,
        time: 0,
        warmup: 1,
        cases: [
          {
            name: 'naive KM (sort objects, one loop)',
            items: M,
            fn: () => {
              sink += naiveKaplanMeier(observations).survival.length;
            },
          },
          {
            name: 'retention-kit kaplanMeier (log-log band, median)',
            items: M,
            fn: () => {
              sink += kaplanMeier(observations).survival.length;
            },
          },
        ],
        targets: [
          {
            kind: 'time',
            case: 'retention-kit kaplanMeier (log-log band, median)',
            atMostMs: 1000,
            description: 'Kaplan-Meier on 1M observations in under 1 s',
          },
        ],
      },
      {
        title: 'fitSbg, one 8-year cohort (Fader & Hardie regular)',
        baseline: 'grid search 200 x 200 (brute force)',
        iterations: 20,
        cases: [
          { name: 'grid search 200 x 200 (brute force)', fn: () => gridSbg(regular) },
          { name: 'retention-kit fitSbg', fn: () => fitSbg(regular) },
          {
            name: 'retention-kit fitSbg, 12 monthly cohorts',
            fn: () =>
              fitSbg(
                Array.from({ length: 12 }, (_, k) =>
                  [
                    3000, 2610, 2330, 2120, 1960, 1840, 1745, 1670, 1605, 1550, 1500, 1460, 1425,
                  ].slice(0, 13 - k),
                ),
              ),
          },
        ],
        targets: [
          {
            kind: 'time',
            case: 'retention-kit fitSbg',
            atMostMs: 10,
            description: 'fitSbg in milliseconds (under 10 ms)',
          },
        ],
      },
      {
        title: 'fitBgNbd, about 2,500 customers',
        baseline: 'retention-kit fitBgNbd, CDNOW (2,357)',
        iterations: 10,
        cases: [
          {
            name: 'retention-kit fitBgNbd, CDNOW (2,357)',
            items: cdnow.length,
            fn: () => fitBgNbd(cdnow),
          },
          {
            name: 'retention-kit fitBgNbd, simulated 2,500',
            items: sim2500.length,
            fn: () => fitBgNbd(sim2500),
          },
        ],
        targets: [
          {
            kind: 'time',
            case: 'retention-kit fitBgNbd, simulated 2,500',
            atMostMs: 200,
            description: 'fitBgNbd on 2,500 customers in under 200 ms',
          },
        ],
      },
      {
        title: `fitBgNbd, 1,000,000 customers in day precision (${groupedRows.length.toLocaleString('en-US')} distinct rows)`,
        baseline: 'retention-kit fitBgNbd, 1M rows (groups them)',
        iterations: 2,
        time: 0,
        warmup: 0,
        cases: [
          {
            name: 'retention-kit fitBgNbd, 1M rows (groups them)',
            items: M,
            fn: () => fitBgNbd(sim1m),
          },
          {
            name: 'retention-kit fitBgNbd, pre-grouped with count',
            items: M,
            fn: () => fitBgNbd(groupedRows),
          },
        ],
        targets: [
          {
            kind: 'time',
            case: 'retention-kit fitBgNbd, 1M rows (groups them)',
            atMostMs: 10_000,
            description: 'fitBgNbd on 1M customers in seconds (under 10 s)',
          },
        ],
        notes: () => ({ sink }),
      },
    ];
  },
};

export default models;
