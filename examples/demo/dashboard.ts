/**
 * The demo's dashboard: the retention metrics of the simulated business (computed with
 * retention-kit/metrics from its records), what the engine did (stages, health, actions, dunning,
 * win-back), and an sBG projection; printed to the terminal and returned as report data.
 */
import { formatMoney } from '../../src/core/money';
import { periodSeries } from '../../src/core/period';
import { dunningMetrics } from '../../src/dunning/index';
import {
  activationRate,
  churnRate,
  cohortRetention,
  firstMonthChurn,
  fitSbg,
  funnel,
  grossRevenueRetention,
  kaplanMeier,
  ltv,
  ltvLoss,
  mrrMovements,
  netRevenueRetention,
  sbgSurvival,
  timeToFirstValue,
} from '../../src/metrics/index';
import type { SimulatedBusiness } from '../../src/testing/index';
import { winbackResults } from '../../src/winback/index';
import type { ReportData } from './report/types';
import type { EngineRun } from './run';
import { bar, bold, count, dim, green, heading, percent, red, table, yellow } from './terminal';

const DAY = 86_400_000;
const STAGES = [
  'orientation',
  'immersion',
  'rooting',
  'established',
  'paused',
  'at_risk',
  'churned',
  'won_back',
];
const days = (ms: number | null) => (ms === null ? 'n/a' : `${(ms / DAY).toFixed(1)} days`);

/** Prints the dashboard and returns the data of the HTML report. */
export function dashboard(business: SimulatedBusiness, run: EngineRun): ReportData {
  const { options, end: asOf } = business;
  const currency = options.currency;
  const money = (cents: number) => formatMoney({ amount: Math.round(cents), currency });
  const start = options.start;
  const lastMonth = { from: asOf - 30 * DAY, to: asOf };

  // --- churn and onboarding ------------------------------------------------------------
  const churn = churnRate(business.lifetimes, lastMonth);
  const firstMonth = firstMonthChurn(business.lifetimes, {
    cohort: { from: start, to: asOf },
    asOf,
  });
  const ttfv = timeToFirstValue(business.events, {
    start: 'signup',
    value: 'report_created',
    asOf,
  });
  const activation = activationRate(business.events, {
    keyActions: ['project_created', 'report_created'],
    window: '14d',
    asOf,
  });
  heading('Churn and onboarding');
  table(
    [
      ['metric', 'value', 'from'],
      [
        'logo churn, last 30 days',
        percent(churn.rate),
        `${count(churn.churnedFromStart)} of ${count(churn.atStart)} customers`,
      ],
      [
        'first-month churn',
        percent(firstMonth.rate),
        `${count(firstMonth.churned)} of ${count(firstMonth.customers)} past their first 30 days`,
      ],
      [
        'time to first value (median / p90)',
        `${days(ttfv.median)} / ${days(ttfv.p90)}`,
        `${count(ttfv.reached)} reached, ${count(ttfv.censored)} still waiting (censored)`,
      ],
      [
        'activation (project + report in 14 days)',
        percent(activation.rate),
        `${count(activation.activated)} of ${count(activation.customers)}`,
      ],
    ],
    ['left', 'right', 'left'],
  );

  // --- revenue --------------------------------------------------------------------------
  const nrr = netRevenueRetention(business.mrrChanges, lastMonth);
  const grr = grossRevenueRetention(business.mrrChanges, lastMonth);
  const whole = mrrMovements(business.mrrChanges, { from: start - 1, to: asOf });
  const months = periodSeries({ from: start, to: asOf }, 'month');
  const monthly = months.map((m) => ({
    label: m.label,
    r: mrrMovements(business.mrrChanges, { from: m.from, to: Math.min(m.to, asOf) }),
  }));
  heading('Revenue');
  table(
    [
      ['metric', 'value'],
      ['MRR at the end', money(whole.endingMrr)],
      ['net revenue retention, last 30 days', percent(nrr.rate)],
      ['gross revenue retention, last 30 days', percent(grr.rate)],
    ],
    ['left', 'right'],
  );
  console.log('');
  table(
    [
      ['month', 'new', 'expansion', 'reactivation', 'contraction', 'churn', 'net new'],
      ...monthly.map(({ label, r }) => [
        label,
        green(money(r.newBusiness.mrr)),
        green(money(r.expansion.mrr)),
        green(money(r.reactivation.mrr)),
        red(`-${money(r.contraction.mrr)}`),
        red(`-${money(r.churn.mrr)}`),
        bold(money(r.netNewMrr)),
      ]),
    ],
    ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const active = whole.customersAtEnd;
  const arpa = active === 0 ? 0 : whole.endingMrr / active;
  const value = ltv({ arpa: Math.round(arpa), churnRate: churn, grossMargin: 0.8 });
  const loss = ltvLoss({ ltv: value, cac: Math.round(arpa * 3) });
  console.log(
    `\n  LTV (ARPA ${money(arpa)} x 80% margin / monthly churn): ${bold(value.value === null ? 'n/a' : money(value.value))}` +
      dim(
        `; each churned customer takes ${loss.value === null ? 'n/a' : money(loss.value)} past a CAC of 3 months' ARPA`,
      ),
  );

  // --- what the engine did ----------------------------------------------------------------
  heading(
    `The engine: ${count(options.days)} daily ticks, ${count(run.evaluations)} customer evaluations in ${run.seconds.toFixed(1)} s`,
  );
  const stageCounts = new Map<string, number>();
  for (const s of run.stage.values()) stageCounts.set(s, (stageCounts.get(s) ?? 0) + 1);
  const maxStage = Math.max(1, ...stageCounts.values());
  console.log(bold('  Stage now'));
  for (const s of STAGES) {
    const n = stageCounts.get(s) ?? 0;
    console.log(`  ${s.padEnd(12)} ${bar(n, maxStage, 30).padEnd(30)} ${count(n)}`);
  }
  const bands = new Map<string, number>();
  for (const h of run.health.values()) bands.set(h.band, (bands.get(h.band) ?? 0) + 1);
  console.log(bold('\n  Health bands'));
  for (const [band, paint] of [
    ['green', green],
    ['yellow', yellow],
    ['red', red],
  ] as const) {
    const n = bands.get(band) ?? 0;
    console.log(
      `  ${paint(band.padEnd(12))} ${paint(bar(n, Math.max(1, run.health.size), 30)).padEnd(30)} ${count(n)} (${percent(run.health.size === 0 ? null : n / run.health.size)})`,
    );
  }

  const byRule = new Map<string, { channel: string; n: number }>();
  for (const { action } of run.delivery.sent) {
    const key = `${action.source.module}: ${action.source.definitionId}${action.source.module === 'triggers' ? '' : ` ${action.template}`}`;
    const row = byRule.get(key) ?? { channel: action.channel, n: 0 };
    row.n++;
    byRule.set(key, row);
  }
  const byChannel = new Map<string, number>();
  for (const { action } of run.delivery.sent)
    byChannel.set(action.channel, (byChannel.get(action.channel) ?? 0) + 1);
  console.log(bold('\n  Actions sent, by rule'));
  table(
    [
      ['rule or policy', 'channel', 'sent'],
      ...[...byRule].sort((a, b) => b[1].n - a[1].n).map(([k, v]) => [k, v.channel, count(v.n)]),
    ],
    ['left', 'left', 'right'],
  );
  console.log(
    dim(
      `  by channel: ${[...byChannel]
        .sort((a, b) => b[1] - a[1])
        .map(([c, n]) => `${c} ${count(n)}`)
        .join(
          ', ',
        )}; ${count(run.planned)} planned, ${count(run.cancelled)} cancelled before sending (exits, goals, recoveries), ${count(run.failures)} failures`,
    ),
  );

  const dunning = dunningMetrics(run.dunningClosed, { currency });
  console.log(bold('\n  Dunning'));
  table(
    [
      ['failed-payment campaigns closed', 'recovered', 'by retries', 'by the customer', 'churned'],
      [
        count(dunning.campaigns),
        `${count(dunning.recovered)} (${percent(dunning.recoveryRate)})`,
        count(dunning.recoveredByRetries),
        count(dunning.recoveredByCustomer),
        count(dunning.churned),
      ],
    ],
    ['right', 'right', 'right', 'right', 'right'],
  );
  console.log(
    dim(
      `  ${money(dunning.amountRecovered)} of ${money(dunning.amountFailed)} failed charges recovered`,
    ),
  );

  const winback = winbackResults(run.winbackClosed, { currency });
  console.log(bold('\n  Win-back'));
  console.log(
    `  ${count(run.winbackStarted)} sequences started after voluntary cancellations; ${count(winback.treatment.entries + winback.holdout.entries)} closed so far` +
      ` (the attribution window outlasts a short run): won back ${count(winback.treatment.wonBack)} of ${count(winback.treatment.entries)} messaged` +
      ` (${percent(winback.treatment.rate)}) against ${count(winback.holdout.wonBack)} of ${count(winback.holdout.entries)} in the holdout (${percent(winback.holdout.rate)})`,
  );

  // --- survival and the projection ---------------------------------------------------------
  const observations = business.lifetimes.map((l) => {
    const s = l.start as number;
    const e = l.end === undefined ? asOf : Math.min(l.end as number, asOf);
    return {
      duration: Math.max(0, (e - s) / DAY),
      observed: l.end !== undefined && (l.end as number) <= asOf,
    };
  });
  const curve = kaplanMeier(observations);
  // sBG on 30-day periods: one cohort per signup month, alive counts at each whole period every
  // member has reached
  const cohorts: number[][] = [];
  for (const m of months) {
    const members = business.lifetimes.filter(
      (l) => (l.start as number) >= m.from && (l.start as number) < m.to,
    );
    if (members.length === 0) continue;
    const alive = [members.length];
    for (let p = 1; m.to + p * 30 * DAY <= asOf; p++) {
      alive.push(
        members.filter(
          (l) => l.end === undefined || (l.end as number) >= (l.start as number) + p * 30 * DAY,
        ).length,
      );
    }
    if (alive.length >= 2) cohorts.push(alive);
  }
  heading('Survival and the next 12 months');
  console.log(
    `  Kaplan-Meier: ${percent(curve.survival[curve.survival.length - 1] ?? 1)} of customers still paying after ${Math.round(curve.timeline[curve.timeline.length - 1] ?? 0)} days` +
      dim(
        ` (median lifetime ${curve.median === null ? 'not reached yet' : `${Math.round(curve.median)} days`})`,
      ),
  );
  if (cohorts.length > 0) {
    const fit = fitSbg(cohorts);
    const horizon = Array.from({ length: 12 }, (_, i) => i + 1);
    const projected = horizon.map((t) => sbgSurvival(fit, t));
    console.log(
      `  shifted-beta-geometric fit on ${cohorts.length} monthly cohort(s): alpha ${fit.alpha.toFixed(2)}, beta ${fit.beta.toFixed(2)}` +
        dim(fit.converged ? '' : ' (did not converge)'),
    );
    console.log('  share of a new cohort still paying after each month:');
    for (const [i, s] of projected.entries())
      console.log(
        `  month ${String(horizon[i]).padStart(2)}  ${bar(s, 1, 40).padEnd(40)} ${percent(s)}`,
      );
  } else {
    console.log(dim('  (too short a history for an sBG fit: run with more days)'));
  }

  // --- report data ----------------------------------------------------------------------
  const weekly = cohortRetention(business.events, {
    granularity: 'week',
    startEvent: 'signup',
    returnEvent: 'login',
    asOf,
  });
  const onboarding = funnel(business.events, {
    steps: ['signup', 'tour_started', 'tour_completed', 'project_created', 'report_created'],
    window: '30d',
  });
  const flows = new Map<string, number>();
  for (const [id, from] of run.stageAtMiddle) {
    const to = run.stage.get(id) ?? from;
    flows.set(`${from}\u0000${to}`, (flows.get(`${from}\u0000${to}`) ?? 0) + 1);
  }
  return {
    title: 'retention-kit demo report',
    subtitle: `${count(options.customers)} customers, ${options.days} days, seed ${options.seed}`,
    tiles: [
      { label: 'logo churn, last 30 days', value: percent(churn.rate) },
      { label: 'first-month churn', value: percent(firstMonth.rate) },
      { label: 'median time to first value', value: days(ttfv.median) },
      { label: 'activation', value: percent(activation.rate) },
      { label: 'NRR, last 30 days', value: percent(nrr.rate) },
      { label: 'GRR, last 30 days', value: percent(grr.rate) },
      { label: 'MRR', value: money(whole.endingMrr) },
      { label: 'dunning recovery', value: percent(dunning.recoveryRate) },
    ],
    cohorts: weekly.cohorts.map((c) => ({
      label: c.label,
      size: c.size,
      retention: c.periods.map((p) => (p.inProgress ? null : p.rate)),
    })),
    cohortUnit: 'weeks',
    survival: curve.timeline.map((t, i) => ({
      t,
      s: curve.survival[i]!,
      lower: curve.lower[i]!,
      upper: curve.upper[i]!,
    })),
    survivalUnit: 'days',
    survivalConfidence: curve.confidenceLevel,
    mrr: monthly.map(({ label, r }) => ({
      month: label,
      new: r.newBusiness.mrr,
      expansion: r.expansion.mrr,
      reactivation: r.reactivation.mrr,
      contraction: r.contraction.mrr,
      churn: r.churn.mrr,
    })),
    currency,
    funnel: onboarding.steps.map((s) => ({ step: s.event, count: s.reached })),
    stageFlow: [...flows].map(([k, n]) => {
      const [from, to] = k.split('\u0000') as [string, string];
      return { from, to, count: n };
    }),
    stages: STAGES,
    footnote:
      'Simulated data (simulateBusiness); metrics from retention-kit/metrics, stages, health and actions from the engine run.',
  };
}
