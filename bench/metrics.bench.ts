/**
 * Benchmarks of retention-kit/metrics on 1,000,000 customers and 10,000,000 events (issue 3):
 *
 * - churnRate, netRevenueRetention / grossRevenueRetention and mrrMovements against a
 *   hand-written loop over the same records (the floor): each within 2x of it;
 * - cohortRetention over 10M events against DuckDB running the equivalent SQL over the same rows
 *   already loaded into it (loading is not timed, the query is): at least as fast;
 * - the memory cohortRetention keeps: proportional to customers x periods, not to events.
 *
 * How the data is made: every customer i draws from its own seeded stream `streamFor(SEED, i)`
 * (src/core/random.ts), so the data is the same on every run and machine. A customer signs up at
 * a uniform instant of 2024; their first lifetime lasts an exponential time (mean 14 months) or
 * is still open; a fifth of those who leave come back 1-6 months later. MRR follows the
 * lifetimes (new business at signup, an expansion for a quarter of customers, a contraction for
 * a tenth, 0 at each end, the same MRR again at a reactivation). Events: a signup, then about 9
 * more (logins, feature uses, reports) at uniform instants while the customer is active, up to
 * the end of 2025. The lists are then shuffled with `createRandom(SEED)`, so that nothing relies
 * on records arriving grouped by customer or in time order, and each record is then allocated
 * afresh in list order with its own copy of the customer id string, as a JSON or database reader
 * hands records over (records of one customer do not share one id string). `simulateBusiness`
 * is not used: at a million customers it would take minutes to build the data.
 *
 * Memory is reported as the growth of the V8 heap plus ArrayBuffer backing stores (the typed
 * arrays that hold per-customer state live outside the V8 heap, so `heapUsed` alone, which the
 * harness's `peakHeapGrowth` reads, misses most of it).
 *
 * Besides the harness's wall-clock timings (each case's iterations run back to back), every group
 * notes an interleaved comparison: the two sides run alternately, five times each, after a full
 * garbage collection, and the median ratio of their CPU time (`process.cpuUsage`, which counts
 * DuckDB's worker threads too) and of their wall time is reported. On a machine shared with other
 * work, wall-clock ratios of back-to-back runs drift with the load; the interleaved CPU ratio
 * does not.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Lifetime, MrrChange } from '../src/core/records';
import {
  churnRate,
  cohortRetention,
  cohortRetentionAccumulator,
  grossRevenueRetention,
  type MetricEvent,
  mrrMovements,
  netRevenueRetention,
} from '../src/metrics/index';
import { createRandom, streamFor } from '../src/testing/index';
import { type BenchModule, peakHeapGrowth } from './harness';

const SEED = 20260101;
/** Override with BENCH_CUSTOMERS for a quick run; the recorded figures use the default. */
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const DAY = 86_400_000;
const YEAR_2024 = Date.UTC(2024, 0, 1);
const END = Date.UTC(2026, 0, 1);
const PRICES = [2900, 9900, 29900];

interface Data {
  readonly lifetimes: Lifetime[];
  readonly changes: MrrChange[];
  readonly events: MetricEvent[];
}

function idOf(i: number): string {
  return `cus_${String(i).padStart(7, '0')}`;
}

/** Builds the records of customers `[0, customers)` with `eventsPerCustomer` events on average. */
function makeData(customers: number, eventsPerCustomer: number): Data {
  const lifetimes: Lifetime[] = [];
  const changes: MrrChange[] = [];
  const events: MetricEvent[] = [];
  const more = 2 * (eventsPerCustomer - 1) + 1; // r.int(more) averages eventsPerCustomer - 1
  for (let i = 0; i < customers; i++) {
    const r = streamFor(SEED, i);
    const customerId = idOf(i);
    const start = YEAR_2024 + Math.floor(r.next() * 366 * DAY);
    const price = r.pick(PRICES);
    // lifetimes
    const spans: [number, number][] = [];
    const leaves = r.chance(0.6);
    const end1 = leaves
      ? start + Math.floor(r.exponential(1 / (14 * 30 * DAY)))
      : Number.POSITIVE_INFINITY;
    if (end1 >= END) spans.push([start, Number.POSITIVE_INFINITY]);
    else {
      spans.push([start, end1]);
      if (r.chance(0.2)) {
        const back = end1 + (30 + r.int(150)) * DAY;
        if (back < END) spans.push([back, Number.POSITIVE_INFINITY]);
      }
    }
    for (const [s, e] of spans) {
      lifetimes.push(
        e === Number.POSITIVE_INFINITY
          ? { customerId, start: s }
          : { customerId, start: s, end: e },
      );
      changes.push({ customerId, at: s, mrr: price, currency: 'USD' });
      if (e !== Number.POSITIVE_INFINITY)
        changes.push({ customerId, at: e, mrr: 0, currency: 'USD' });
    }
    const first = spans[0]!;
    const firstEnd = Math.min(first[1], END);
    if (r.chance(0.25)) {
      const at = first[0] + Math.floor(r.next() * (firstEnd - first[0]));
      if (at > first[0] && at < firstEnd)
        changes.push({ customerId, at, mrr: price * 2, currency: 'USD' });
    } else if (r.chance(0.13)) {
      const at = first[0] + Math.floor(r.next() * (firstEnd - first[0]));
      if (at > first[0] && at < firstEnd)
        changes.push({ customerId, at, mrr: Math.round(price / 2), currency: 'USD' });
    }
    // events while active
    events.push({ customerId, type: 'signup', at: start });
    const n = r.int(more);
    for (let k = 0; k < n; k++) {
      const [s, e] = spans[r.int(spans.length)]!;
      const at = s + Math.floor(r.next() * (Math.min(e, END) - s));
      const u = r.next();
      events.push({
        customerId,
        type: u < 0.7 ? 'login' : u < 0.9 ? 'feature_used' : 'report_created',
        at,
      });
    }
  }
  const shuffle = createRandom(SEED);
  shuffle.shuffle(lifetimes);
  shuffle.shuffle(changes);
  shuffle.shuffle(events);
  // As a reader would: each record allocated in list order, with its own id string.
  const fresh = (id: string) => ` ${id}`.slice(1);
  return {
    lifetimes: lifetimes.map((l) => ({ ...l, customerId: fresh(l.customerId) })),
    changes: changes.map((c) => ({ ...c, customerId: fresh(c.customerId) })),
    events: events.map((e) => ({ customerId: fresh(e.customerId), type: e.type, at: e.at })),
  };
}

const FROM = Date.UTC(2025, 5, 1);
const TO = Date.UTC(2025, 6, 1);
const YEAR_FROM = Date.UTC(2025, 0, 1);

// ---------------------------------------------------------------------------------------------
// The floors: plain loops over the same records that compute the same answers, with no
// validation, no accumulators and no generality beyond what these records need (one
// subscription per customer, numeric instants, one currency).

function floorChurn(lifetimes: readonly Lifetime[], from: number, to: number) {
  const state = new Map<
    string,
    { atFrom: boolean; atTo: boolean; first: number; startedIn: boolean }
  >();
  for (const l of lifetimes) {
    const start = l.start as number;
    const end = l.end === undefined ? Number.POSITIVE_INFINITY : (l.end as number);
    let s = state.get(l.customerId);
    if (s === undefined) {
      s = { atFrom: false, atTo: false, first: start, startedIn: false };
      state.set(l.customerId, s);
    }
    if (start <= from && from < end) s.atFrom = true;
    if (start <= to && to < end) s.atTo = true;
    if (start > from && start <= to) s.startedIn = true;
    if (start < s.first) s.first = start;
  }
  let atStart = 0;
  let churned = 0;
  for (const s of state.values()) {
    if (s.atFrom) {
      atStart++;
      if (!s.atTo) churned++;
    }
  }
  return { rate: atStart > 0 ? churned / atStart : null, churned, atStart };
}

function floorRetention(changes: readonly MrrChange[], from: number, to: number) {
  const state = new Map<string, { tFrom: number; vFrom: number; tTo: number; vTo: number }>();
  for (const c of changes) {
    const at = c.at as number;
    let s = state.get(c.customerId);
    if (s === undefined) {
      s = { tFrom: Number.NEGATIVE_INFINITY, vFrom: 0, tTo: Number.NEGATIVE_INFINITY, vTo: 0 };
      state.set(c.customerId, s);
    }
    if (at <= from && at > s.tFrom) {
      s.tFrom = at;
      s.vFrom = c.mrr;
    }
    if (at <= to && at > s.tTo) {
      s.tTo = at;
      s.vTo = c.mrr;
    }
  }
  let starting = 0;
  let ending = 0;
  let kept = 0;
  for (const s of state.values()) {
    if (s.vFrom <= 0) continue;
    starting += s.vFrom;
    ending += s.vTo;
    kept += Math.min(s.vFrom, s.vTo);
  }
  return { nrr: ending / starting, grr: kept / starting };
}

function floorMovements(changes: readonly MrrChange[], from: number, to: number) {
  const state = new Map<
    string,
    { tFrom: number; vFrom: number; paid: boolean; inPeriod: MrrChange[] }
  >();
  for (const c of changes) {
    const at = c.at as number;
    let s = state.get(c.customerId);
    if (s === undefined) {
      s = { tFrom: Number.NEGATIVE_INFINITY, vFrom: 0, paid: false, inPeriod: [] };
      state.set(c.customerId, s);
    }
    if (at <= from) {
      if (c.mrr > 0) s.paid = true;
      if (at > s.tFrom) {
        s.tFrom = at;
        s.vFrom = c.mrr;
      }
    } else if (at <= to) s.inPeriod.push(c);
  }
  const m = { newBusiness: 0, expansion: 0, contraction: 0, churn: 0, reactivation: 0 };
  for (const s of state.values()) {
    if (s.inPeriod.length === 0) continue;
    s.inPeriod.sort((a, b) => (a.at as number) - (b.at as number));
    let mrr = s.vFrom;
    let paid = s.paid;
    for (const c of s.inPeriod) {
      if (mrr === 0 && c.mrr > 0) {
        if (paid) m.reactivation += c.mrr;
        else m.newBusiness += c.mrr;
      } else if (mrr > 0 && c.mrr === 0) m.churn += mrr;
      else if (c.mrr > mrr) m.expansion += c.mrr - mrr;
      else if (c.mrr < mrr) m.contraction += mrr - c.mrr;
      mrr = c.mrr;
      if (mrr > 0) paid = true;
    }
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// DuckDB: the same events, loaded from a CSV file (not timed), and the cohort query (timed).

const COHORT_SQL = `
WITH ev AS (
  SELECT customer_id, type, (year(epoch_ms(at_ms)) - 1970) * 12 + month(epoch_ms(at_ms)) - 1 AS k
  FROM events
),
cohorts AS (
  SELECT customer_id, min(k) AS c FROM ev WHERE type = 'signup' GROUP BY customer_id
),
returns AS (
  SELECT DISTINCT customer_id, k FROM ev WHERE type = 'login'
)
SELECT c AS cohort, 0 AS period, count(*) AS retained FROM cohorts GROUP BY c
UNION ALL
SELECT c.c, r.k - c.c, count(*)
FROM cohorts c JOIN returns r USING (customer_id)
WHERE r.k > c.c
GROUP BY c.c, r.k - c.c`;

async function loadDuckDb(events: readonly MetricEvent[]) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const dir = mkdtempSync(join(tmpdir(), 'retention-kit-bench-'));
  const file = join(dir, 'events.csv');
  try {
    writeFileSync(file, 'customer_id,type,at_ms\n');
    const lines: string[] = [];
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      lines.push(`${e.customerId},${e.type},${e.at as number}`);
      if (lines.length === 200_000 || i === events.length - 1) {
        writeFileSync(file, `${lines.join('\n')}\n`, { flag: 'a' });
        lines.length = 0;
      }
    }
    await connection.run(
      `CREATE TABLE events AS SELECT * FROM read_csv('${file}', header = true, columns = {'customer_id': 'VARCHAR', 'type': 'VARCHAR', 'at_ms': 'BIGINT'})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const threads = (
    await connection.runAndReadAll(`SELECT current_setting('threads') AS t`)
  ).getRows()[0]![0];
  return { instance, connection, threads: Number(threads) };
}

/** `{ 'cohort period': retained }` from our table, to compare with DuckDB's rows. */
function cellsOf(table: ReturnType<typeof cohortRetention>, firstKey: number): Map<string, number> {
  const cells = new Map<string, number>();
  table.cohorts.forEach((row, r) => {
    row.periods.forEach((p) => {
      if (p.retained > 0) cells.set(`${firstKey + r} ${p.period}`, p.retained);
    });
  });
  return cells;
}

/** V8 heap plus ArrayBuffer backing stores (where typed arrays keep their data), in bytes. */
function memoryInUse(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Full collections until memory readings settle: each in a new task, since objects that a
 * `WeakRef` was made for in a task (the word pool's arrays) live until it ends, and the second
 * one waits for the first one's sweeping of ArrayBuffers, which runs in the background.
 */
async function settle(gc: () => void): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
  }
}

/** Memory a value keeps alive after a full collection, in MB (an accumulator's state). */
async function retainedMB(build: () => unknown): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return Number.NaN;
  await settle(gc);
  const before = memoryInUse();
  const kept = build();
  await settle(gc);
  const after = memoryInUse();
  if (kept === undefined) return Number.NaN;
  return (after - before) / 1_048_576;
}

const mb = (x: number) => `${x.toFixed(1)} MB`;
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs `a` and `b` alternately `pairs` times each; medians of CPU and wall times and ratios b / a. */
async function interleaved(a: () => unknown, b: () => unknown, pairs = 5) {
  const gc = (globalThis as { gc?: () => void }).gc;
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const runs = { a: [] as number[][], b: [] as number[][] };
  for (let i = 0; i < pairs; i++) {
    for (const side of i % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const)) {
      gc?.();
      const c = cpu();
      const t = performance.now();
      await (side === 'a' ? a : b)();
      runs[side].push([cpu() - c, performance.now() - t]);
    }
  }
  const ratio = (k: 0 | 1) => median(runs.b.map((r, i) => r[k]! / runs.a[i]![k]!));
  return {
    aCpu: median(runs.a.map((r) => r[0]!)),
    bCpu: median(runs.b.map((r) => r[0]!)),
    cpuRatio: ratio(0),
    wallRatio: ratio(1),
  };
}

function describeInterleaved(
  label: string,
  r: Awaited<ReturnType<typeof interleaved>>,
): Record<string, string> {
  return {
    [`interleaved, ${label}: median CPU time`]: `${(r.aCpu / 1000).toFixed(2)} s vs ${(r.bCpu / 1000).toFixed(2)} s`,
    [`interleaved, ${label}: median ratio`]: `${r.cpuRatio.toFixed(2)}x the CPU time, ${r.wallRatio.toFixed(2)}x the wall time`,
  };
}

const metrics: BenchModule = {
  name: 'metrics',
  async groups() {
    const t0 = performance.now();
    const data = makeData(CUSTOMERS, 10);
    const built = ((performance.now() - t0) / 1000).toFixed(1);
    const { lifetimes, changes, events } = data;
    let sink = 0;

    // Check the floors and the library agree before timing anything.
    const churn = churnRate(lifetimes, { from: FROM, to: TO });
    const churnFloor = floorChurn(lifetimes, FROM, TO);
    if (churn.rate !== churnFloor.rate) throw new Error('churnRate and its floor disagree');
    const nrr = netRevenueRetention(changes, { from: YEAR_FROM, to: END });
    const grr = grossRevenueRetention(changes, { from: YEAR_FROM, to: END });
    const retentionFloor = floorRetention(changes, YEAR_FROM, END);
    if (nrr.rate !== retentionFloor.nrr || grr.rate !== retentionFloor.grr) {
      throw new Error('NRR/GRR and their floor disagree');
    }
    const moves = mrrMovements(changes, { from: FROM, to: TO });
    const movesFloor = floorMovements(changes, FROM, TO);
    for (const k of ['newBusiness', 'expansion', 'contraction', 'churn', 'reactivation'] as const) {
      if (moves[k].mrr !== movesFloor[k])
        throw new Error(`mrrMovements and its floor disagree on ${k}`);
    }

    // DuckDB, loaded once; its answer must equal ours.
    const cohortOptions = {
      granularity: 'month',
      startEvent: 'signup',
      returnEvent: 'login',
    } as const;
    const duck = await loadDuckDb(events);
    const ours = cohortRetention(events, cohortOptions);
    const rows = (await duck.connection.runAndReadAll(COHORT_SQL)).getRows();
    const firstKey = (2024 - 1970) * 12;
    const theirs = new Map(rows.map(([c, p, n]) => [`${Number(c)} ${Number(p)}`, Number(n)]));
    const mine = cellsOf(ours, firstKey);
    if (theirs.size !== mine.size || [...mine].some(([k, v]) => theirs.get(k) !== v)) {
      throw new Error('cohortRetention and DuckDB disagree');
    }
    let duckResult = 0;

    // Memory: the accumulator's state at 10M and 2.5M events on the same customers, at half the
    // customers, and with day periods (24x more periods than months).
    const fewer = events.filter((_, i) => i % 4 === 0);
    const half = events.filter((e) => e.customerId < idOf(CUSTOMERS / 2));
    const customersIn = (list: readonly MetricEvent[]) =>
      new Set(list.map((e) => e.customerId)).size;
    const state = (list: readonly MetricEvent[], granularity: 'month' | 'day') =>
      retainedMB(() => cohortRetentionAccumulator({ ...cohortOptions, granularity }).addAll(list));
    const n = (x: number) => x.toLocaleString('en-US');
    const memory: Record<string, number> = {};
    for (const [list, g] of [
      [events, 'month'],
      [fewer, 'month'],
      [half, 'month'],
      [events, 'day'],
    ] as const) {
      memory[`${n(customersIn(list))} customers, ${n(list.length)} events, ${g} periods`] =
        await state(list, g);
    }
    const peak = peakHeapGrowth(() => cohortRetention(events, cohortOptions)).peakMB;

    const churnPairs = await interleaved(
      () => floorChurn(lifetimes, FROM, TO),
      () => churnRate(lifetimes, { from: FROM, to: TO }),
    );
    const nrrPairs = await interleaved(
      () => floorRetention(changes, YEAR_FROM, END),
      () => netRevenueRetention(changes, { from: YEAR_FROM, to: END }),
    );
    const grrPairs = await interleaved(
      () => floorRetention(changes, YEAR_FROM, END),
      () => grossRevenueRetention(changes, { from: YEAR_FROM, to: END }),
    );
    const movesPairs = await interleaved(
      () => floorMovements(changes, FROM, TO),
      () => mrrMovements(changes, { from: FROM, to: TO }),
    );
    const cohortPairs = await interleaved(
      () => duck.connection.runAndReadAll(COHORT_SQL),
      () => cohortRetention(events, cohortOptions),
    );

    const period = 'June 2025';
    return [
      {
        title: `churnRate, ${CUSTOMERS.toLocaleString('en-US')} customers (${lifetimes.length.toLocaleString('en-US')} lifetimes), ${period}`,
        baseline: 'hand-written loop (floor)',
        iterations: 5,
        time: 0,
        warmup: 1,
        cases: [
          {
            name: 'hand-written loop (floor)',
            items: lifetimes.length,
            fn: () => {
              sink += floorChurn(lifetimes, FROM, TO).churned;
            },
          },
          {
            name: 'retention-kit churnRate',
            items: lifetimes.length,
            fn: () => {
              sink += churnRate(lifetimes, { from: FROM, to: TO }).churned;
            },
          },
        ],
        targets: [
          {
            kind: 'ratio',
            case: 'retention-kit churnRate',
            atMost: 2,
            description: 'churnRate within 2x of a hand-written loop',
          },
        ],
        notes: () => ({
          'data built in': `${built} s`,
          'churn rate': churn.rate ?? 'null',
          ...describeInterleaved('floor vs churnRate', churnPairs),
        }),
      },
      {
        title: `NRR and GRR, ${CUSTOMERS.toLocaleString('en-US')} customers (${changes.length.toLocaleString('en-US')} MRR changes), 2025`,
        baseline: 'hand-written loop computing both (floor)',
        iterations: 5,
        time: 0,
        warmup: 1,
        cases: [
          {
            name: 'hand-written loop computing both (floor)',
            items: changes.length,
            fn: () => {
              sink += floorRetention(changes, YEAR_FROM, END).nrr;
            },
          },
          {
            name: 'retention-kit netRevenueRetention',
            items: changes.length,
            fn: () => {
              sink += netRevenueRetention(changes, { from: YEAR_FROM, to: END }).endingMrr;
            },
          },
          {
            name: 'retention-kit grossRevenueRetention',
            items: changes.length,
            fn: () => {
              sink += grossRevenueRetention(changes, { from: YEAR_FROM, to: END }).retainedMrr;
            },
          },
        ],
        targets: [
          {
            kind: 'ratio',
            case: 'retention-kit netRevenueRetention',
            atMost: 2,
            description: 'netRevenueRetention within 2x of a hand-written loop',
          },
          {
            kind: 'ratio',
            case: 'retention-kit grossRevenueRetention',
            atMost: 2,
            description: 'grossRevenueRetention within 2x of a hand-written loop',
          },
        ],
        notes: () => ({
          NRR: nrr.rate?.toFixed(4) ?? 'null',
          GRR: grr.rate?.toFixed(4) ?? 'null',
          ...describeInterleaved('floor vs netRevenueRetention', nrrPairs),
          ...describeInterleaved('floor vs grossRevenueRetention', grrPairs),
        }),
      },
      {
        title: `mrrMovements, ${CUSTOMERS.toLocaleString('en-US')} customers (${changes.length.toLocaleString('en-US')} MRR changes), ${period}`,
        baseline: 'hand-written loop (floor)',
        iterations: 5,
        time: 0,
        warmup: 1,
        cases: [
          {
            name: 'hand-written loop (floor)',
            items: changes.length,
            fn: () => {
              sink += floorMovements(changes, FROM, TO).churn;
            },
          },
          {
            name: 'retention-kit mrrMovements',
            items: changes.length,
            fn: () => {
              sink += mrrMovements(changes, { from: FROM, to: TO }).churn.mrr;
            },
          },
        ],
        targets: [
          {
            kind: 'ratio',
            case: 'retention-kit mrrMovements',
            atMost: 2,
            description: 'mrrMovements within 2x of a hand-written loop',
          },
        ],
        notes: () => describeInterleaved('floor vs mrrMovements', movesPairs),
      },
      {
        title: `cohortRetention (monthly, signup -> login), ${events.length.toLocaleString('en-US')} events of ${CUSTOMERS.toLocaleString('en-US')} customers`,
        baseline: `DuckDB SQL (${duck.threads} threads, data preloaded)`,
        iterations: 5,
        time: 0,
        warmup: 1,
        cases: [
          {
            name: `DuckDB SQL (${duck.threads} threads, data preloaded)`,
            items: events.length,
            fn: async () => {
              duckResult += (await duck.connection.runAndReadAll(COHORT_SQL)).currentRowCount;
            },
          },
          {
            name: 'retention-kit cohortRetention',
            items: events.length,
            fn: () => {
              sink += cohortRetention(events, cohortOptions).cohorts.length;
            },
          },
        ],
        targets: [
          {
            kind: 'faster',
            case: 'retention-kit cohortRetention',
            atLeast: 1,
            description: 'cohortRetention at least as fast as DuckDB on the same events',
          },
        ],
        notes: () => ({
          ...Object.fromEntries(
            Object.entries(memory).map(([k, v]) => [`state kept, ${k}`, mb(v)]),
          ),
          'V8 heap growth of one cohortRetention call (peakHeapGrowth, typed arrays excluded)':
            mb(peak),
          ...describeInterleaved('DuckDB vs cohortRetention', cohortPairs),
          checksum: (sink + duckResult) % 997,
        }),
      },
    ];
  },
};

export default metrics;
