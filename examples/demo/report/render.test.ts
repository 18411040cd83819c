import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertPure } from '../../../test/helpers/contracts';
import {
  cohortHeatmap,
  funnelChart,
  MRR_SERIES,
  mrrChart,
  stageFlowChart,
  stageFlows,
  survivalChart,
} from './charts';
import { renderReport } from './render';
import { sampleReportData } from './sample';
import { escapeXml, niceTicks, truncate } from './svg';
import type { ReportData } from './types';

const CHARTS = ['cohort-heatmap', 'survival', 'mrr-movements', 'funnel', 'stage-flow'] as const;

/** The markup of one chart: from its `<svg` to the matching `</svg>` (charts do not nest). */
function chart(html: string, name: string): string {
  const start = html.indexOf(` data-chart="${name}"`);
  expect(start, `chart ${name}`).toBeGreaterThan(-1);
  const open = html.lastIndexOf('<svg', start);
  return html.slice(open, html.indexOf('</svg>', start) + '</svg>'.length);
}

/** How many elements carry the class `name` (as one of their classes). */
function count(markup: string, name: string): number {
  return [...markup.matchAll(/\sclass="([^"]*)"/g)].filter((m) => m[1]!.split(' ').includes(name))
    .length;
}

const NUMERIC_ATTRIBUTES =
  /\s(x|y|x1|x2|y1|y2|cx|cy|r|rx|width|height|d|points|viewBox|transform|style)="([^"]*)"/g;

function numericAttributes(markup: string): string[] {
  return [...markup.matchAll(NUMERIC_ATTRIBUTES)].map((m) => m[2]!);
}

/** Every tag the report may contain; anything else means text escaped its escaping. */
const TAGS = new Set(
  'html head meta title style body main header h1 h2 p ul li div section figure footer svg rect text line path polyline circle'.split(
    ' ',
  ),
);

function tagNames(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase());
}

const label = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('<script>alert(1)</script>', '"quoted" & \'single\'', 'a'.repeat(200), ''),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const share = fc.double({ min: 0, max: 1, noNaN: true });
const count0 = fc.integer({ min: 0, max: 1_000_000 });
const cents = fc.integer({ min: 0, max: 1_000_000_000 });

const reportData: fc.Arbitrary<ReportData> = fc.record(
  {
    title: label,
    subtitle: label,
    tiles: fc.array(
      fc.record({ label, value: label, note: label }, { requiredKeys: ['label', 'value'] }),
      { maxLength: 6 },
    ),
    cohorts: fc.array(
      fc.record({
        label,
        size: count0,
        retention: fc.array(fc.option(share), { maxLength: 30 }),
      }),
      { maxLength: 14 },
    ),
    cohortUnit: fc.constantFrom('weeks', 'months', '<b>'),
    survival: fc.array(
      fc.record({
        t: fc.double({ min: 0, max: 5000, noNaN: true }),
        s: share,
        lower: share,
        upper: share,
      }),
      { maxLength: 40 },
    ),
    survivalUnit: fc.constantFrom('days', 'weeks'),
    survivalConfidence: share,
    mrr: fc.array(
      fc.record({
        month: label,
        new: cents,
        expansion: cents,
        reactivation: cents,
        contraction: cents,
        churn: cents,
      }),
      { maxLength: 40 },
    ),
    currency: fc.constantFrom('USD', 'EUR', 'JPY', 'not-a-code'),
    funnel: fc.array(fc.record({ step: label, count: count0 }), { maxLength: 8 }),
    stageFlow: fc.array(
      fc.record({
        from: fc.constantFrom('trial', 'active', '<at risk>'),
        to: label,
        count: count0,
      }),
      { maxLength: 12 },
    ),
    stages: fc.array(label, { maxLength: 4 }),
    footnote: label,
  },
  {
    requiredKeys: [
      'title',
      'subtitle',
      'tiles',
      'cohorts',
      'cohortUnit',
      'survival',
      'survivalUnit',
      'survivalConfidence',
      'mrr',
      'currency',
      'funnel',
      'stageFlow',
    ],
  },
);

const empty: ReportData = {
  title: 'Empty',
  subtitle: '',
  tiles: [],
  cohorts: [],
  cohortUnit: 'weeks',
  survival: [],
  survivalUnit: 'days',
  survivalConfidence: 0.95,
  mrr: [],
  currency: 'USD',
  funnel: [],
  stageFlow: [],
};

describe('renderReport', () => {
  it('writes a self-contained HTML document with the five charts', () => {
    const html = renderReport(sampleReportData(1));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('name="viewport"');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|https?:\/\/(?!www\.w3\.org\/2000\/svg")/i);
    for (const name of CHARTS) {
      const svg = chart(html, name);
      expect(svg).toContain('role="img"');
      expect(svg).toMatch(/aria-label="[^"]+"/);
      expect(svg).toMatch(/^<svg[^>]*><title>[^<]+<\/title>/);
      expect(svg).not.toContain('class="no-data"');
    }
  });

  it('is pure: same data, same page, and the data is not mutated', () => {
    assertPure(renderReport, sampleReportData(3));
  });

  it('never writes NaN or Infinity, writes only its own tags, and counts one mark per datum', () => {
    fc.assert(
      fc.property(reportData, (data) => {
        const html = renderReport(data);
        expect(numericAttributes(html).filter((v) => /NaN|Infinity/.test(v))).toEqual([]);
        expect(tagNames(html).filter((tag) => !TAGS.has(tag))).toEqual([]);

        const cells = data.cohorts.reduce(
          (n, c) => n + c.retention.filter((r) => r !== null).length,
          0,
        );
        expect(count(chart(html, 'cohort-heatmap'), 'cell')).toBe(cells);

        const bars = data.mrr.reduce(
          (n, m) => n + MRR_SERIES.filter((s) => m[s.key] !== 0).length,
          0,
        );
        const mrr = chart(html, 'mrr-movements');
        expect(count(mrr, 'bar')).toBe(bars);
        expect(count(mrr, 'net')).toBe(data.mrr.length);

        const survival = chart(html, 'survival');
        expect(count(survival, 'band')).toBe(data.survival.length > 0 ? 1 : 0);
        expect(count(survival, 'step')).toBe(data.survival.length > 0 ? 1 : 0);

        expect(count(chart(html, 'funnel'), 'bar')).toBe(
          data.funnel.filter((s) => s.count > 0).length,
        );

        const { flows } = stageFlows(data.stageFlow, data.stages);
        const flow = chart(html, 'stage-flow');
        expect(count(flow, 'flow')).toBe(flows.length);
        expect(count(flow, 'node')).toBe(
          new Set(flows.map((f) => f.from)).size + new Set(flows.map((f) => f.to)).size,
        );
      }),
      { numRuns: 100 },
    );
  });

  it('keeps NaN and Infinity out of the markup even when the data has them', () => {
    const odd = fc.constantFrom(
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -1,
      0,
    );
    fc.assert(
      fc.property(odd, odd, odd, (a, b, c) => {
        const html = renderReport({
          ...empty,
          cohorts: [{ label: 'W1', size: a, retention: [b, c, 0.5] }],
          survival: [
            { t: a, s: b, lower: c, upper: a },
            { t: 1, s: b, lower: c, upper: 1 },
            { t: 2, s: 0.5, lower: c, upper: b },
          ],
          survivalConfidence: a,
          mrr: [{ month: 'm', new: a, expansion: b, reactivation: c, contraction: a, churn: 1 }],
          funnel: [
            { step: 's', count: a },
            { step: 't', count: b },
          ],
          stageFlow: [
            { from: 'x', to: 'y', count: c },
            { from: 'x', to: 'x', count: 2 },
          ],
        });
        expect(numericAttributes(html).filter((v) => /NaN|Infinity/.test(v))).toEqual([]);
        expect(html).not.toMatch(/NaN|Infinity/);
      }),
    );
  });

  it('escapes every piece of text', () => {
    const evil = '<script>alert("x")</script>';
    const html = renderReport({
      ...empty,
      title: evil,
      tiles: [{ label: evil, value: evil, note: evil }],
      cohorts: [{ label: evil, size: 1, retention: [1] }],
      cohortUnit: evil,
      survival: [{ t: 0, s: 1, lower: 1, upper: 1 }],
      survivalUnit: evil,
      mrr: [{ month: evil, new: 1, expansion: 0, reactivation: 0, contraction: 0, churn: 0 }],
      currency: evil,
      funnel: [{ step: evil, count: 1 }],
      stageFlow: [{ from: evil, to: evil, count: 1 }],
      footnote: evil,
    });
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;');
    expect(escapeXml(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&#39;');
  });

  it('says "No data" for every chart when there is nothing to draw', () => {
    const html = renderReport(empty);
    for (const name of CHARTS) expect(chart(html, name)).toContain('>No data</text>');
    // a stage flow with only zero counts has nothing to draw either
    expect(stageFlowChart([{ from: 'a', to: 'b', count: 0 }])).toContain('>No data</text>');
    // cohorts without any period
    expect(cohortHeatmap([{ label: 'W1', size: 3, retention: [] }], 'weeks')).toContain('No data');
  });

  it('draws one cohort, null cells and zero values', () => {
    const svg = cohortHeatmap([{ label: 'W1', size: 10, retention: [1, null, 0, 0.5] }], 'weeks');
    expect(count(svg, 'cell')).toBe(3);
    expect(svg).toContain('>0%</text>');
    expect(funnelChart([{ step: 'a', count: 0 }])).not.toContain('class="bar"');
  });

  it('truncates long labels and keeps the full text in a tooltip', () => {
    const long = 'An extremely long onboarding step name that never ends';
    const svg = funnelChart([{ step: long, count: 5 }]);
    expect(svg).toContain(`>${truncate(long, 20)}</text>`);
    expect(truncate(long, 20)).toHaveLength(20);
    expect(svg).toContain(`<title>${long}</title>`);
  });

  it('draws months with losses only below the zero line', () => {
    const svg = mrrChart(
      [{ month: '2024-01', new: 0, expansion: 0, reactivation: 0, contraction: 500, churn: 1500 }],
      'USD',
    );
    const zero = Number(/class="zero"[^>]*y1="([\d.]+)"/.exec(svg)![1]);
    const bars = [...svg.matchAll(/class="bar [^"]*" x="[\d.]+" y="([\d.]+)"/g)];
    expect(bars).toHaveLength(2);
    for (const bar of bars) expect(Number(bar[1])).toBeGreaterThanOrEqual(zero);
  });

  it('draws a one-point survival curve with a length', () => {
    const svg = survivalChart([{ t: 0, s: 1, lower: 1, upper: 1 }], 'days', 0.95);
    expect(count(svg, 'step')).toBe(1);
    expect(svg).toMatch(/class="step" d="M [\d.]+ [\d.]+ H [\d.]+/);
  });
});

describe('niceTicks', () => {
  it('covers the range with round steps', () => {
    expect(niceTicks(0, 343, 8)).toEqual({
      ticks: [0, 50, 100, 150, 200, 250, 300, 350],
      domain: [0, 350],
      step: 50,
    });
    expect(niceTicks(0, 0).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3, -3).domain).toEqual([-3, 0]);
  });
});
