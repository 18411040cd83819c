/**
 * The demo's retention report as one self-contained HTML document: inline CSS and inline SVG,
 * no script, nothing fetched (a Content-Security-Policy forbids it), readable on a phone and
 * printable.
 *
 * @module
 */
import { cohortHeatmap, funnelChart, mrrChart, stageFlowChart, survivalChart } from './charts';
import { escapeXml, formatPercent } from './svg';
import type { ReportData } from './types';

const STYLE = `
:root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --line: #e4e7eb; --bg: #f5f7fa; --card: #ffffff; --accent: #2d6fb8; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 28px 20px 40px; }
header h1 { margin: 0 0 4px; font-size: 26px; letter-spacing: -0.01em; }
header .subtitle { margin: 0 0 20px; color: var(--muted); }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; margin: 0 0 20px; padding: 0; list-style: none; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.tile .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.tile .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
.tile .note { color: var(--muted); font-size: 12px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px 12px; margin: 0 0 16px; }
.card h2 { margin: 0; font-size: 17px; }
.card p { margin: 2px 0 10px; color: var(--muted); font-size: 13px; }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 0 16px; }
figure { margin: 0; overflow-x: auto; }
svg.chart { display: block; width: 100%; height: auto; font-family: inherit; }
svg.chart text { fill: var(--ink); font-size: 12px; }
svg.chart .tick-label, svg.chart .row-size, svg.chart .node-value, svg.chart .conversion { fill: var(--muted); font-size: 11px; font-variant-numeric: tabular-nums; }
svg.chart .axis-title { font-size: 12px; font-weight: 600; fill: var(--muted); }
svg.chart .legend-label { font-size: 11.5px; fill: var(--muted); }
svg.chart .grid { stroke: var(--line); }
svg.chart .axis, svg.chart .tick { stroke: #9aa5b1; }
svg.chart .zero { stroke: #7b8794; stroke-width: 1.2; }
svg.chart .no-data-frame { fill: #fafbfc; stroke: var(--line); stroke-dasharray: 4 4; }
svg.chart .no-data { fill: var(--muted); font-size: 15px; }
svg[data-chart="cohort-heatmap"] .cell-value { font-size: 11px; font-variant-numeric: tabular-nums; }
svg[data-chart="cohort-heatmap"] .cell-value.on-dark { fill: #ffffff; }
svg[data-chart="cohort-heatmap"] .row-label { font-variant-numeric: tabular-nums; }
svg[data-chart="survival"] .band { fill: #2d6fb8; fill-opacity: 0.16; }
svg[data-chart="survival"] .step { fill: none; stroke: #1d4e89; stroke-width: 2.2; stroke-linejoin: round; }
svg[data-chart="survival"] .median { fill: none; stroke: #9aa5b1; stroke-dasharray: 4 3; }
svg[data-chart="survival"] .annotation { fill: var(--muted); font-size: 11.5px; }
svg[data-chart="survival"] .legend-band { fill: #2d6fb8; fill-opacity: 0.16; }
svg[data-chart="survival"] .legend-step { stroke: #1d4e89; stroke-width: 2.2; }
svg[data-chart="mrr-movements"] .net-line { fill: none; stroke: var(--ink); stroke-width: 1.5; }
svg[data-chart="mrr-movements"] .net, svg[data-chart="mrr-movements"] .legend-net { fill: var(--ink); stroke: #fff; stroke-width: 1.5; }
svg[data-chart="funnel"] .track { fill: #eef1f4; }
svg[data-chart="funnel"] .bar { fill: #3b7dd8; }
svg[data-chart="funnel"] .value { font-weight: 650; font-variant-numeric: tabular-nums; }
svg[data-chart="stage-flow"] .flow { fill-opacity: 0.32; }
svg[data-chart="stage-flow"] .flow-stay { fill-opacity: 0.16; }
svg[data-chart="stage-flow"] .flow:hover { fill-opacity: 0.55; }
svg[data-chart="stage-flow"] .node-label { font-weight: 600; }
footer { color: var(--muted); font-size: 12px; margin-top: 8px; }
@media (max-width: 640px) { main { padding: 16px 10px 28px; } .pair { grid-template-columns: 1fr; } .tile .value { font-size: 20px; } }
@media print {
  @page { margin: 14mm; }
  body { background: #fff; font-size: 12px; }
  main { max-width: none; padding: 0; }
  .card, .tile { border-color: #cbd2d9; break-inside: avoid; page-break-inside: avoid; }
  .pair { grid-template-columns: 1fr; }
  figure { overflow: visible; }
}
`;

function section(heading: string, description: string, chart: string): string {
  return (
    `<section class="card"><h2>${escapeXml(heading)}</h2>` +
    `<p>${escapeXml(description)}</p><figure>${chart}</figure></section>`
  );
}

/**
 * Renders the whole report as an HTML document: the header with the headline tiles, then the
 * cohort heatmap, the survival curve, the MRR movements, the onboarding funnel and the stage
 * flow. Pure: the same data gives the same string.
 *
 * @param data - What to show; see {@link ReportData}.
 * @returns The HTML document, starting with `<!doctype html>`.
 */
export function renderReport(data: ReportData): string {
  const tiles = data.tiles
    .map(
      (t) =>
        `<li class="tile"><div class="label">${escapeXml(t.label)}</div>` +
        `<div class="value">${escapeXml(t.value)}</div>` +
        (t.note === undefined ? '' : `<div class="note">${escapeXml(t.note)}</div>`) +
        '</li>',
    )
    .join('');
  const level = formatPercent(Math.min(1, Math.max(0, data.survivalConfidence || 0)));
  const body = [
    section(
      'Cohort retention',
      `Share of each signup cohort still active, by ${data.cohortUnit} since signup. Blank cells are not observed yet.`,
      cohortHeatmap(data.cohorts, data.cohortUnit),
    ),
    section(
      'Survival',
      `Kaplan-Meier estimate of the share of customers still active after a number of ${data.survivalUnit}, with its ${level} confidence band.`,
      survivalChart(data.survival, data.survivalUnit, data.survivalConfidence),
    ),
    section(
      'MRR movements',
      'Monthly recurring revenue gained (above zero) and lost (below zero) each month; the dots mark the net change.',
      mrrChart(data.mrr, data.currency),
    ),
    '<div class="pair">',
    section(
      'Onboarding funnel',
      'How many new customers reached each step, and the conversion from the step before.',
      funnelChart(data.funnel),
    ),
    section(
      'Stage flow',
      'Lifecycle stage at the start of the window (left) and at its end (right); band widths are proportional to customers.',
      stageFlowChart(data.stageFlow, data.stages),
    ),
    '</div>',
  ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="color-scheme" content="light">
<title>${escapeXml(data.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>${escapeXml(data.title)}</h1>
<p class="subtitle">${escapeXml(data.subtitle)}</p>
${tiles === '' ? '' : `<ul class="tiles">${tiles}</ul>`}
</header>
${body}
${data.footnote === undefined ? '' : `<footer>${escapeXml(data.footnote)}</footer>`}
</main>
</body>
</html>
`;
}
