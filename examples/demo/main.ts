/**
 * `npm run demo`: a realistic run of the library on simulated data: a subscription business
 * simulated for 90 days, run through the engine day by day with the in-memory store and a
 * recording delivery, then a terminal dashboard and a self-contained HTML report.
 *
 *   npm run demo -- --customers 5000 --days 90 --seed 42 --report retention-report.html
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { simulateBusiness } from '../../src/testing/index';
import type { DemoContext } from './context';
import { dashboard } from './dashboard';
import { renderReport } from './report/render';
import { runEngine } from './run';
import { businessSection } from './sections/business';
import { segmentsSection } from './sections/segments';
import { bold, dim, progress } from './terminal';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '5000' },
    days: { type: 'string', default: '90' },
    seed: { type: 'string', default: '42' },
    report: { type: 'string', default: 'retention-report.html' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(
    'usage: npm run demo -- [--customers 5000] [--days 90] [--seed 42] [--report retention-report.html]',
  );
  process.exit(0);
}

const number = (name: string, text: string, min: number, max: number): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be a whole number from ${min} to ${max}`);
    process.exit(2);
  }
  return n;
};

const customers = number('customers', values.customers, 1, 1_000_000);
const days = number('days', values.days, 7, 3650);
const seed = number('seed', values.seed, 0, 2 ** 32);

console.log(
  bold(
    `retention-kit demo: ${customers.toLocaleString('en-US')} customers, ${days} days, seed ${seed}`,
  ),
);
const started = performance.now();
const business = simulateBusiness({ seed, customers, days, onProgress: progress('simulating') });
console.log(
  dim(
    `  simulated ${business.events.length.toLocaleString('en-US')} events in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  ),
);

const context: DemoContext = { business, asOf: business.end };
for (const section of [businessSection, segmentsSection]) section(context);

console.log('');
const run = await runEngine(business, progress('running the engine, day by day'));
const report = dashboard(business, run);
const file = resolve(values.report);
writeFileSync(file, renderReport(report));
console.log('');
console.log(bold(`Report: ${file}`));
console.log(
  dim(
    `  finished in ${((performance.now() - started) / 1000).toFixed(1)} s; open the report in a browser for the charts`,
  ),
);
