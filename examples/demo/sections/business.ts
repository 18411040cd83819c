import { formatMoney, periodSeries, sumMoney } from '../../../src/index';
import type { DemoContext } from '../context';
import { bar, count, dim, heading, table } from '../terminal';

/** The simulated business at a glance: what the library is working on. */
export function businessSection({ business, asOf }: DemoContext): void {
  const { customers, events, subscriptions, payments, surveys, options } = business;
  heading(
    `The business: ${count(options.customers)} signups over ${options.days} days (seed ${options.seed})`,
  );
  const byStatus = new Map<string, number>();
  for (const s of subscriptions) byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
  // MRR now: the last MRR change of each customer, summed as money (one currency, exact cents)
  const last = new Map<string, { amount: number; currency: string }>();
  for (const m of business.mrrChanges)
    last.set(m.customerId, { amount: m.mrr, currency: m.currency ?? options.currency });
  const mrr = sumMoney(last.values(), { currency: options.currency });
  table(
    [
      ['records', 'count'],
      ['customers', count(customers.length)],
      ['activity events', count(events.length)],
      ['payment attempts', count(payments.length)],
      ['survey answers', count(surveys.length)],
      [
        'subscriptions active / past due / paused / canceled',
        ['active', 'past_due', 'paused', 'canceled']
          .map((s) => count(byStatus.get(s) ?? 0))
          .join(' / '),
      ],
      ['MRR at the end of the history', formatMoney(mrr)],
    ],
    ['left', 'right'],
  );

  heading('Signups per week (UTC)');
  const weeks = periodSeries({ from: options.start, to: asOf }, 'week');
  const perWeek = weeks.map(
    (w) =>
      customers.filter((c) => (c.signedUpAt as number) >= w.from && (c.signedUpAt as number) < w.to)
        .length,
  );
  const max = Math.max(...perWeek);
  for (const [i, w] of weeks.entries()) {
    console.log(`  ${w.label}  ${bar(perWeek[i]!, max, 36).padEnd(36)} ${count(perWeek[i]!)}`);
  }

  heading('Most frequent events');
  const types = new Map<string, number>();
  for (const e of events) types.set(e.type, (types.get(e.type) ?? 0) + 1);
  const top = [...types].sort((a, b) => b[1] - a[1]).slice(0, 8);
  table([['event', 'count'], ...top.map(([t, n]) => [t, count(n)])], ['left', 'right']);

  heading('Failed charges by decline code');
  const codes = new Map<string, number>();
  for (const p of payments)
    if (p.declineCode !== undefined) codes.set(p.declineCode, (codes.get(p.declineCode) ?? 0) + 1);
  const failed = [...codes].sort((a, b) => b[1] - a[1]);
  table(
    [['decline code', 'attempts'], ...failed.slice(0, 6).map(([c, n]) => [c, count(n)])],
    ['left', 'right'],
  );
  console.log(
    dim(
      `  ${count(failed.reduce((s, [, n]) => s + n, 0))} failed of ${count(payments.length)} attempts`,
    ),
  );
}
