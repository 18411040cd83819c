/**
 * The report's charts, one pure function each, returning an `<svg>` string. Every chart carries
 * `data-chart`, `role="img"`, an `aria-label` and a `<title>`; every mark carries a class a test
 * can count (`cell`, `band`, `step`, `bar`, `flow`, `node`). A chart with nothing to draw says
 * "No data" instead of drawing empty axes.
 *
 * @module
 */
import {
  categoricalColor,
  clamp,
  el,
  escapeXml,
  finite,
  formatCount,
  formatMoney,
  formatPercent,
  isDark,
  niceTicks,
  noData,
  path,
  scaleLinear,
  sequentialColor,
  svg,
  text,
  tooltip,
  truncate,
} from './svg';
import type {
  ReportCohort,
  ReportFunnelStep,
  ReportMrrMonth,
  ReportStageFlow,
  ReportSurvivalPoint,
} from './types';

/** The `data-chart` values, one per chart. */
export type ChartName = 'cohort-heatmap' | 'survival' | 'mrr-movements' | 'funnel' | 'stage-flow';

/** A rate that can be drawn: finite, clamped into [0, 1]; anything else is missing. */
function rate(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? clamp(value, 0, 1) : null;
}

/** A count or an amount that can be drawn: finite and not negative. */
function magnitude(value: number): number {
  return Math.abs(finite(value));
}

// ---------------------------------------------------------------------------------------------
// (1) cohort retention heatmap

/**
 * The cohort retention heatmap: one row per signup cohort, one column per period since signup,
 * each observed cell coloured by the share retained and labelled with it when there is room.
 */
export function cohortHeatmap(cohorts: readonly ReportCohort[], unit: string): string {
  const chart = 'cohort-heatmap';
  const title = `Cohort retention by ${unit} since signup`;
  const columns = cohorts.reduce((n, c) => Math.max(n, c.retention.length), 0);
  if (cohorts.length === 0 || columns === 0) return noData(chart, title);

  const labelWidth = 132;
  const sizeWidth = 72;
  const left = labelWidth + sizeWidth;
  const cellWidth = columns <= 12 ? 46 : Math.max(16, Math.floor(560 / columns));
  const rowHeight = 26;
  const top = 50;
  const width = left + columns * cellWidth + 16;
  const legendTop = top + cohorts.length * rowHeight + 18;
  const height = legendTop + 44;
  const showValues = cellWidth >= 34;
  const labelEvery = cellWidth >= 24 ? 1 : cellWidth >= 12 ? 2 : 5;

  const parts: string[] = [];
  parts.push(text('Cohort', { class: 'axis-title', x: 8, y: top - 10 }));
  parts.push(
    text('Customers', { class: 'axis-title', x: left - 10, y: top - 10, 'text-anchor': 'end' }),
  );
  parts.push(
    text(`${unit} since signup`, {
      class: 'axis-title',
      x: left + (columns * cellWidth) / 2,
      y: 16,
      'text-anchor': 'middle',
    }),
  );
  for (let p = 0; p < columns; p += labelEvery) {
    parts.push(
      text(String(p), {
        class: 'tick-label',
        x: left + p * cellWidth + cellWidth / 2,
        y: top - 10,
        'text-anchor': 'middle',
      }),
    );
  }

  cohorts.forEach((cohort, row) => {
    const y = top + row * rowHeight;
    const middle = y + (rowHeight - 2) / 2;
    parts.push(
      el(
        'text',
        { class: 'row-label', x: 8, y: middle, 'dominant-baseline': 'middle' },
        tooltip(cohort.label),
        escapeXml(truncate(cohort.label, 18)),
      ),
    );
    parts.push(
      text(formatCount(magnitude(cohort.size)), {
        class: 'row-size',
        x: left - 10,
        y: middle,
        'text-anchor': 'end',
        'dominant-baseline': 'middle',
      }),
    );
    cohort.retention.forEach((raw, period) => {
      const share = rate(raw);
      if (share === null) return;
      const x = left + period * cellWidth;
      const fill = sequentialColor(share);
      parts.push(
        el(
          'rect',
          {
            class: 'cell',
            x,
            y,
            width: cellWidth - 2,
            height: rowHeight - 2,
            rx: 2,
            fill,
          },
          tooltip(
            `${cohort.label}, ${unit} ${period}: ${formatPercent(share, 1)} of ${formatCount(magnitude(cohort.size))}`,
          ),
        ),
      );
      if (showValues) {
        parts.push(
          text(formatPercent(share), {
            class: isDark(fill) ? 'cell-value on-dark' : 'cell-value',
            x: x + (cellWidth - 2) / 2,
            y: middle,
            'text-anchor': 'middle',
            'dominant-baseline': 'central',
          }),
        );
      }
    });
  });

  // legend: eleven swatches from 0% to 100%
  const swatch = 24;
  parts.push(text('Share retained', { class: 'axis-title', x: 8, y: legendTop + 12 }));
  for (let i = 0; i <= 10; i++) {
    const x = left + i * swatch;
    parts.push(
      el('rect', {
        class: 'legend-swatch',
        x,
        y: legendTop,
        width: swatch,
        height: 14,
        fill: sequentialColor(i / 10),
      }),
    );
    if (i % 5 === 0) {
      parts.push(
        text(formatPercent(i / 10), {
          class: 'tick-label',
          x: x + swatch / 2,
          y: legendTop + 30,
          'text-anchor': 'middle',
        }),
      );
    }
  }
  return svg({ chart, title, width, height }, parts.join(''));
}

// ---------------------------------------------------------------------------------------------
// (2) Kaplan-Meier survival curve

/**
 * The Kaplan-Meier survival curve as a step line over its shaded confidence band, with the
 * median survival time marked when the curve reaches 50%.
 */
export function survivalChart(
  points: readonly ReportSurvivalPoint[],
  unit: string,
  confidence: number,
): string {
  const chart = 'survival';
  const title = `Kaplan-Meier survival (${unit} since signup)`;
  const clean = points
    .filter((p) => Number.isFinite(p.t) && p.t >= 0 && rate(p.s) !== null)
    .map((p) => {
      const s = rate(p.s)!;
      const a = rate(p.lower) ?? s;
      const b = rate(p.upper) ?? s;
      return { t: p.t, s, lower: Math.min(a, b, s), upper: Math.max(a, b, s) };
    })
    .sort((a, b) => a.t - b.t);
  if (clean.length === 0) return noData(chart, title);
  if (clean[0]!.t > 0) clean.unshift({ t: 0, s: 1, lower: 1, upper: 1 });

  const width = 1000;
  const height = 380;
  const margin = { top: 40, right: 24, bottom: 52, left: 60 };
  const xTicks = niceTicks(0, clean[clean.length - 1]!.t, 8);
  // one point (everything at t = 0): hold it over the axis so the curve has a length
  if (clean.length === 1) clean.push({ ...clean[0]!, t: xTicks.domain[1] });
  const x = scaleLinear(xTicks.domain, [margin.left, width - margin.right]);
  const y = scaleLinear([0, 1], [height - margin.bottom, margin.top]);

  const parts: string[] = [];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(
      el('line', {
        class: 'grid',
        x1: margin.left,
        x2: width - margin.right,
        y1: y(tick),
        y2: y(tick),
      }),
    );
    parts.push(
      text(formatPercent(tick), {
        class: 'tick-label',
        x: margin.left - 8,
        y: y(tick),
        'text-anchor': 'end',
        'dominant-baseline': 'middle',
      }),
    );
  }
  for (const tick of xTicks.ticks) {
    parts.push(
      el('line', {
        class: 'tick',
        x1: x(tick),
        x2: x(tick),
        y1: height - margin.bottom,
        y2: height - margin.bottom + 5,
      }),
    );
    parts.push(
      text(tick.toLocaleString('en-US'), {
        class: 'tick-label',
        x: x(tick),
        y: height - margin.bottom + 18,
        'text-anchor': 'middle',
      }),
    );
  }
  parts.push(
    el('line', {
      class: 'axis',
      x1: margin.left,
      x2: width - margin.right,
      y1: height - margin.bottom,
      y2: height - margin.bottom,
    }),
  );
  parts.push(
    text(`${unit} since signup`, {
      class: 'axis-title',
      x: (margin.left + width - margin.right) / 2,
      y: height - 10,
      'text-anchor': 'middle',
    }),
  );
  parts.push(
    text('Share still active', {
      class: 'axis-title',
      x: 14,
      y: (margin.top + height - margin.bottom) / 2,
      'text-anchor': 'middle',
      transform: `rotate(-90 14 ${(margin.top + height - margin.bottom) / 2})`,
    }),
  );

  // the band: the upper step function forwards, the lower one backwards
  const first = clean[0]!;
  const last = clean[clean.length - 1]!;
  const band: (string | number)[] = ['M', x(first.t), y(first.upper)];
  for (let i = 1; i < clean.length; i++) band.push('H', x(clean[i]!.t), 'V', y(clean[i]!.upper));
  band.push('V', y(last.lower));
  for (let i = clean.length - 1; i >= 1; i--)
    band.push('V', y(clean[i - 1]!.lower), 'H', x(clean[i - 1]!.t));
  band.push('Z');
  const level = formatPercent(clamp(confidence, 0, 1));
  parts.push(el('path', { class: 'band', d: path(...band) }, tooltip(`${level} confidence band`)));

  const step: (string | number)[] = ['M', x(first.t), y(first.s)];
  for (let i = 1; i < clean.length; i++) step.push('H', x(clean[i]!.t), 'V', y(clean[i]!.s));
  parts.push(el('path', { class: 'step', d: path(...step) }, tooltip('Kaplan-Meier estimate')));

  const median = clean.find((p) => p.s <= 0.5);
  if (median !== undefined) {
    parts.push(
      el('path', {
        class: 'median',
        d: path('M', margin.left, y(0.5), 'H', x(median.t), 'V', height - margin.bottom),
      }),
    );
    parts.push(
      text(`median ${median.t.toLocaleString('en-US')} ${unit}`, {
        class: 'annotation',
        x: x(median.t) + 6,
        y: y(0.5) - 6,
      }),
    );
  }

  // legend
  const lx = width - margin.right - 300;
  parts.push(el('rect', { class: 'legend-band', x: lx, y: 12, width: 18, height: 12 }));
  parts.push(text(`${level} confidence band`, { class: 'legend-label', x: lx + 24, y: 22 }));
  parts.push(el('line', { class: 'legend-step', x1: lx + 160, x2: lx + 178, y1: 18, y2: 18 }));
  parts.push(text('Kaplan-Meier estimate', { class: 'legend-label', x: lx + 184, y: 22 }));
  return svg({ chart, title, width, height }, parts.join(''));
}

// ---------------------------------------------------------------------------------------------
// (3) MRR movements

/** The MRR movements in drawing order, with their colours: gains stack up, losses stack down. */
export const MRR_SERIES = [
  { key: 'new', label: 'New', sign: 1, color: '#3b7dd8' },
  { key: 'expansion', label: 'Expansion', sign: 1, color: '#2a9d8f' },
  { key: 'reactivation', label: 'Reactivation', sign: 1, color: '#8cc084' },
  { key: 'contraction', label: 'Contraction', sign: -1, color: '#f0a04b' },
  { key: 'churn', label: 'Churn', sign: -1, color: '#d1495b' },
] as const;

/**
 * MRR movements per month as stacked bars (new, expansion and reactivation above zero;
 * contraction and churn below) with the net movement as a line of markers.
 */
export function mrrChart(months: readonly ReportMrrMonth[], currency: string): string {
  const chart = 'mrr-movements';
  const title = `MRR movements per month (${currency})`;
  if (months.length === 0) return noData(chart, title);

  const totals = months.map((m) => {
    let up = 0;
    let down = 0;
    for (const s of MRR_SERIES) {
      if (s.sign > 0) up += magnitude(m[s.key]);
      else down += magnitude(m[s.key]);
    }
    return { up, down, net: up - down };
  });
  const margin = { top: 44, right: 20, bottom: 48, left: 72 };
  const band = Math.max(18, Math.min(80, 900 / months.length));
  const width = Math.max(1000, margin.left + margin.right + band * months.length);
  const height = 380;
  const yTicks = niceTicks(
    Math.min(0, ...totals.map((t) => -t.down)),
    Math.max(0, ...totals.map((t) => t.up)),
    6,
  );
  const y = scaleLinear(yTicks.domain, [height - margin.bottom, margin.top]);
  const step = (width - margin.left - margin.right) / months.length;
  const barWidth = Math.min(40, step * 0.66);
  const labelEvery = Math.max(1, Math.ceil(56 / step));

  const parts: string[] = [];
  for (const tick of yTicks.ticks) {
    parts.push(
      el('line', {
        class: 'grid',
        x1: margin.left,
        x2: width - margin.right,
        y1: y(tick),
        y2: y(tick),
      }),
    );
    parts.push(
      text(formatMoney(tick, currency, true), {
        class: 'tick-label',
        x: margin.left - 8,
        y: y(tick),
        'text-anchor': 'end',
        'dominant-baseline': 'middle',
      }),
    );
  }

  const centers: number[] = [];
  months.forEach((m, i) => {
    const cx = margin.left + step * i + step / 2;
    centers.push(cx);
    let up = 0;
    let down = 0;
    for (const s of MRR_SERIES) {
      const value = magnitude(m[s.key]);
      if (value === 0) continue;
      const from = s.sign > 0 ? up : -down;
      const to = s.sign > 0 ? up + value : -(down + value);
      if (s.sign > 0) up += value;
      else down += value;
      parts.push(
        el(
          'rect',
          {
            class: `bar bar-${s.key}`,
            x: cx - barWidth / 2,
            y: Math.min(y(from), y(to)),
            width: barWidth,
            height: Math.abs(y(from) - y(to)),
            fill: s.color,
          },
          tooltip(
            `${m.month} ${s.label.toLowerCase()}: ${s.sign < 0 ? '−' : ''}${formatMoney(value, currency)}`,
          ),
        ),
      );
    }
    if (i % labelEvery === 0) {
      parts.push(
        text(truncate(m.month, 10), {
          class: 'tick-label',
          x: cx,
          y: height - margin.bottom + 18,
          'text-anchor': 'middle',
        }),
      );
    }
  });

  parts.push(
    el('line', { class: 'zero', x1: margin.left, x2: width - margin.right, y1: y(0), y2: y(0) }),
  );
  if (months.length > 1) {
    parts.push(
      el('polyline', {
        class: 'net-line',
        points: totals.map((t, i) => `${numPair(centers[i]!, y(t.net))}`).join(' '),
      }),
    );
  }
  totals.forEach((t, i) => {
    parts.push(
      el(
        'circle',
        { class: 'net', cx: centers[i]!, cy: y(t.net), r: 4 },
        tooltip(
          `${months[i]!.month} net: ${t.net < 0 ? '−' : '+'}${formatMoney(Math.abs(t.net), currency)}`,
        ),
      ),
    );
  });

  // legend
  let lx = margin.left;
  for (const s of MRR_SERIES) {
    parts.push(
      el('rect', { class: 'legend-swatch', x: lx, y: 12, width: 12, height: 12, fill: s.color }),
    );
    parts.push(text(s.label, { class: 'legend-label', x: lx + 17, y: 22 }));
    lx += 26 + s.label.length * 7;
  }
  parts.push(el('circle', { class: 'legend-net', cx: lx + 6, cy: 18, r: 4 }));
  parts.push(text('Net', { class: 'legend-label', x: lx + 15, y: 22 }));
  return svg({ chart, title, width, height }, parts.join(''));
}

function numPair(a: number, b: number): string {
  return path(a) + ',' + path(b);
}

// ---------------------------------------------------------------------------------------------
// (4) onboarding funnel

/**
 * The onboarding funnel as horizontal bars, one per step, each with its count, the conversion
 * from the previous step and the share of the first step.
 */
export function funnelChart(steps: readonly ReportFunnelStep[]): string {
  const chart = 'funnel';
  const title = 'Onboarding funnel';
  if (steps.length === 0) return noData(chart, title);

  const counts = steps.map((s) => magnitude(s.count));
  const max = Math.max(...counts);
  const labelWidth = 140;
  const trackWidth = 190;
  const rowHeight = 46;
  const top = 10;
  const width = labelWidth + trackWidth + 230;
  const height = top + steps.length * rowHeight + 6;
  const x = scaleLinear([0, max > 0 ? max : 1], [0, trackWidth]);

  const parts: string[] = [];
  steps.forEach((step, i) => {
    const count = counts[i]!;
    const y = top + i * rowHeight;
    const middle = y + 14;
    parts.push(
      el(
        'text',
        {
          class: 'row-label',
          x: labelWidth - 12,
          y: middle,
          'text-anchor': 'end',
          'dominant-baseline': 'middle',
        },
        tooltip(step.step),
        escapeXml(truncate(step.step, 20)),
      ),
    );
    parts.push(
      el('rect', { class: 'track', x: labelWidth, y, width: trackWidth, height: 28, rx: 3 }),
    );
    if (count > 0) {
      parts.push(
        el(
          'rect',
          {
            class: 'bar',
            x: labelWidth,
            y,
            width: Math.max(2, x(count)),
            height: 28,
            rx: 3,
          },
          tooltip(`${step.step}: ${formatCount(count)}`),
        ),
      );
    }
    const previous = i === 0 ? null : counts[i - 1]!;
    const conversion =
      previous === null
        ? 'first step'
        : previous > 0
          ? `${formatPercent(count / previous, 1)} of previous`
          : '– of previous';
    const overall = counts[0]! > 0 ? `${formatPercent(count / counts[0]!, 1)} of first` : '';
    parts.push(
      text(formatCount(count), {
        class: 'value',
        x: labelWidth + trackWidth + 12,
        y: middle - 7,
        'dominant-baseline': 'middle',
      }),
    );
    parts.push(
      text(i === 0 ? conversion : `${conversion}${overall === '' ? '' : ` · ${overall}`}`, {
        class: 'conversion',
        x: labelWidth + trackWidth + 12,
        y: middle + 9,
        'dominant-baseline': 'middle',
      }),
    );
  });
  return svg({ chart, title, width, height }, parts.join(''));
}

// ---------------------------------------------------------------------------------------------
// (5) stage flow (Sankey)

/** The aggregated, drawable moves between stages, with the stages in display order. */
export function stageFlows(
  flows: readonly ReportStageFlow[],
  stages: readonly string[] = [],
): { stages: string[]; flows: ReportStageFlow[] } {
  const order = new Map<string, number>();
  for (const s of stages) if (!order.has(s)) order.set(s, order.size);
  const sums = new Map<string, ReportStageFlow>();
  for (const f of flows) {
    const count = Number.isFinite(f.count) ? f.count : 0;
    if (count <= 0) continue;
    if (!order.has(f.from)) order.set(f.from, order.size);
    if (!order.has(f.to)) order.set(f.to, order.size);
    const key = JSON.stringify([f.from, f.to]);
    const known = sums.get(key);
    if (known) known.count += count;
    else sums.set(key, { from: f.from, to: f.to, count });
  }
  const rank = (s: string) => order.get(s)!;
  const merged = [...sums.values()].sort(
    (a, b) => rank(a.from) - rank(b.from) || rank(a.to) - rank(b.to),
  );
  return { stages: [...order.keys()], flows: merged };
}

/**
 * The moves between lifecycle stages as a two-column Sankey diagram: stages at the start of the
 * window on the left, at its end on the right, and a band per move whose width is proportional
 * to the number of customers making it.
 */
export function stageFlowChart(
  flows: readonly ReportStageFlow[],
  stageOrder: readonly string[] = [],
): string {
  const chart = 'stage-flow';
  const title = 'Customers moving between lifecycle stages';
  const { stages, flows: moves } = stageFlows(flows, stageOrder);
  if (moves.length === 0) return noData(chart, title);

  const out = new Map<string, number>();
  const into = new Map<string, number>();
  for (const f of moves) {
    out.set(f.from, (out.get(f.from) ?? 0) + f.count);
    into.set(f.to, (into.get(f.to) ?? 0) + f.count);
  }
  const leftStages = stages.filter((s) => out.has(s));
  const rightStages = stages.filter((s) => into.has(s));
  const total = moves.reduce((n, f) => n + f.count, 0);
  const color = (stage: string) => categoricalColor(stages.indexOf(stage));

  const width = 540;
  const top = 40;
  const gap = 18;
  const most = Math.max(leftStages.length, rightStages.length);
  const inner = Math.max(260, most * 56);
  const height = top + inner + 16;
  const nodeWidth = 14;
  const leftX = 130;
  const rightX = width - 130 - nodeWidth;
  const k = (inner - gap * (most - 1)) / total;

  type Node = { stage: string; y: number; h: number; value: number; cursor: number };
  const place = (list: string[], values: Map<string, number>): Map<string, Node> => {
    const used = list.reduce((n, s) => n + values.get(s)! * k, 0) + gap * (list.length - 1);
    let y = top + (inner - used) / 2;
    const nodes = new Map<string, Node>();
    for (const stage of list) {
      const value = values.get(stage)!;
      const h = value * k;
      nodes.set(stage, { stage, y, h, value, cursor: y });
      y += h + gap;
    }
    return nodes;
  };
  const left = place(leftStages, out);
  const right = place(rightStages, into);

  const parts: string[] = [];
  parts.push(
    text('Start of window', {
      class: 'axis-title',
      x: leftX + nodeWidth,
      y: 18,
      'text-anchor': 'end',
    }),
  );
  parts.push(text('End of window', { class: 'axis-title', x: rightX, y: 18 }));

  // flows are sorted by source then target, so each node's bands come out in stage order
  const byTarget = [...moves].sort(
    (a, b) =>
      stages.indexOf(a.to) - stages.indexOf(b.to) ||
      stages.indexOf(a.from) - stages.indexOf(b.from),
  );
  const targetOffset = new Map<ReportStageFlow, number>();
  for (const f of byTarget) {
    const node = right.get(f.to)!;
    targetOffset.set(f, node.cursor);
    node.cursor += f.count * k;
  }
  const x0 = leftX + nodeWidth;
  const x1 = rightX;
  const mid = (x0 + x1) / 2;
  for (const f of moves) {
    const source = left.get(f.from)!;
    const h = f.count * k;
    const a = source.cursor;
    source.cursor += h;
    const b = targetOffset.get(f)!;
    const share = formatPercent(f.count / source.value, 1);
    parts.push(
      el(
        'path',
        {
          class: f.from === f.to ? 'flow flow-stay' : 'flow',
          d: path(
            'M',
            x0,
            a,
            'C',
            mid,
            a,
            mid,
            b,
            x1,
            b,
            'L',
            x1,
            b + h,
            'C',
            mid,
            b + h,
            mid,
            a + h,
            x0,
            a + h,
            'Z',
          ),
          fill: color(f.from),
        },
        tooltip(
          f.from === f.to
            ? `Stayed ${f.from}: ${formatCount(f.count)} (${share})`
            : `${f.from} → ${f.to}: ${formatCount(f.count)} (${share} of ${f.from})`,
        ),
      ),
    );
  }

  const drawNodes = (nodes: Map<string, Node>, x: number, side: 'left' | 'right') => {
    for (const node of nodes.values()) {
      parts.push(
        el(
          'rect',
          {
            class: 'node',
            x,
            y: node.y,
            width: nodeWidth,
            height: Math.max(1, node.h),
            fill: color(node.stage),
          },
          tooltip(`${node.stage}: ${formatCount(node.value)}`),
        ),
      );
      const tx = side === 'left' ? x - 8 : x + nodeWidth + 8;
      const anchor = side === 'left' ? 'end' : 'start';
      const cy = node.y + node.h / 2;
      parts.push(
        el(
          'text',
          {
            class: 'node-label',
            x: tx,
            y: cy - 7,
            'text-anchor': anchor,
            'dominant-baseline': 'middle',
          },
          tooltip(node.stage),
          escapeXml(truncate(node.stage, 16)),
        ),
      );
      parts.push(
        text(`${formatCount(node.value)} · ${formatPercent(node.value / total)}`, {
          class: 'node-value',
          x: tx,
          y: cy + 9,
          'text-anchor': anchor,
          'dominant-baseline': 'middle',
        }),
      );
    }
  };
  drawNodes(left, leftX, 'left');
  drawNodes(right, rightX, 'right');
  return svg({ chart, title, width, height }, parts.join(''));
}
