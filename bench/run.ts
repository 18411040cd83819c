/**
 * `npm run bench [-- names...]`: runs bench/*.bench.ts (or those whose name contains one of the
 * arguments), prints ratios to the named peers and checks the targets.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import type {
  BenchGroup,
  BenchModule,
  BenchTarget,
  CaseResult,
  GroupResult,
  TargetResult,
} from './harness';

const dir = import.meta.dirname;
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((q) => f.includes(q)))
  .sort();

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3));
const ms = (n: number) =>
  n >= 1000
    ? `${(n / 1000).toFixed(2)} s`
    : n >= 1
      ? `${n.toFixed(1)} ms`
      : `${(n * 1000).toFixed(2)} µs`;

async function runGroup(group: BenchGroup): Promise<GroupResult> {
  const warmup = group.warmup ?? 2;
  const bench = new Bench({
    name: group.title,
    time: group.time ?? 500,
    iterations: group.iterations ?? 10,
    warmup: warmup > 0,
    warmupIterations: warmup,
    warmupTime: warmup > 0 ? 100 : 0,
  });
  for (const c of group.cases) {
    const prepare = c.beforeEach;
    bench.add(
      c.name,
      c.fn,
      prepare === undefined
        ? {}
        : {
            beforeEach: async () => {
              await prepare();
            },
          },
    );
  }
  await bench.run();
  const baselineName = group.baseline ?? group.cases[0]!.name;
  const raw = bench.tasks.map((t, i) => {
    const r = t.result;
    if (r.state !== 'completed')
      throw new Error(
        `${group.title} / ${t.name}: ${r.state === 'errored' ? r.error.message : r.state}`,
      );
    const c = group.cases[i]!;
    return {
      c,
      meanMs: r.latency.mean,
      p99Ms: r.latency.p99 ?? r.latency.max,
      samples: r.latency.samplesCount,
    };
  });
  const base = raw.find((r) => r.c.name === baselineName)!;
  const cases: CaseResult[] = raw.map((r) => ({
    name: r.c.name,
    meanMs: r.meanMs,
    p99Ms: r.p99Ms,
    opsPerSecond: 1000 / r.meanMs,
    ...(r.c.items === undefined ? {} : { itemsPerSecond: (r.c.items * 1000) / r.meanMs }),
    ratioToBaseline: r.meanMs / base.meanMs,
    samples: r.samples,
  }));
  const byName = new Map(cases.map((c) => [c.name, c]));
  const check = (t: BenchTarget): TargetResult => {
    const c = byName.get(t.case);
    if (c === undefined) throw new Error(`${group.title}: target names an unknown case ${t.case}`);
    switch (t.kind) {
      case 'ratio':
        return {
          description: t.description,
          met: c.ratioToBaseline <= t.atMost,
          measured: `${c.ratioToBaseline.toFixed(2)}x the time of ${baselineName}`,
        };
      case 'faster':
        return {
          description: t.description,
          met: 1 / c.ratioToBaseline >= t.atLeast,
          measured: `${(1 / c.ratioToBaseline).toFixed(1)}x faster than ${baselineName}`,
        };
      case 'time':
        return { description: t.description, met: c.meanMs <= t.atMostMs, measured: ms(c.meanMs) };
      case 'rate':
        return {
          description: t.description,
          met: (c.itemsPerSecond ?? 0) >= t.atLeastPerSecond,
          measured: `${fmt(c.itemsPerSecond ?? 0)}/s`,
        };
    }
  };
  const targets = (group.targets ?? []).map(check);

  return {
    title: group.title,
    baseline: baselineName,
    cases,
    targets,
    notes: group.notes?.() ?? {},
  };
}

function print(result: GroupResult): void {
  console.log(`\n  ${result.title}`);
  const rows = [['case', 'mean', 'p99', 'items/s', `vs ${result.baseline}`]];
  for (const c of result.cases) {
    rows.push([
      c.name,
      ms(c.meanMs),
      ms(c.p99Ms),
      c.itemsPerSecond === undefined ? '' : fmt(c.itemsPerSecond),
      c.name === result.baseline
        ? 'baseline'
        : c.ratioToBaseline < 1
          ? `${(1 / c.ratioToBaseline).toFixed(1)}x faster`
          : `${c.ratioToBaseline.toFixed(2)}x time`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows)
    console.log(
      `    ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`,
    );
  for (const [k, v] of Object.entries(result.notes)) console.log(`    ${k}: ${v}`);
  for (const t of result.targets)
    console.log(`    ${t.met ? '✔' : '✘'} ${t.description}: ${t.measured}`);
}

const summary: { module: string; target: TargetResult }[] = [];
const machine = {
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  date: new Date().toISOString(),
};
console.log(
  `retention-kit benchmarks · node ${machine.node} · ${machine.cpu} · ${machine.cores} cores`,
);
for (const file of files) {
  const mod = (await import(join(dir, file))).default as BenchModule;
  console.log(`\n${mod.name}`);
  const results: GroupResult[] = [];
  for (const group of await mod.groups()) {
    let r: GroupResult;
    try {
      r = await runGroup(group);
    } finally {
      await group.dispose?.();
    }
    print(r);
    results.push(r);
    for (const t of r.targets) summary.push({ module: mod.name, target: t });
  }
  mkdirSync(join(dir, '..', '.bench-out'), { recursive: true });
  writeFileSync(
    join(dir, '..', '.bench-out', `${file.replace('.bench.ts', '')}.json`),
    `${JSON.stringify({ machine, results }, null, 2)}\n`,
  );
}
const missed = summary.filter((s) => !s.target.met);
console.log(`\n${summary.length - missed.length} of ${summary.length} targets met`);
for (const m of missed)
  console.log(`  ✘ ${m.module}: ${m.target.description} (${m.target.measured})`);
if (process.argv.includes('--strict') && missed.length > 0) process.exit(1);
