/**
 * Opens the demo's HTML report in a real (headless) Chromium and checks that every chart is laid
 * out and drawn: the SVG has a size, each mark has a box, nothing is logged as an error and
 * nothing is fetched. Without Chromium the test is skipped, except on CI where it fails.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dashboard } from '../../examples/demo/dashboard';
import { MRR_SERIES, stageFlows } from '../../examples/demo/report/charts';
import { renderReport } from '../../examples/demo/report/render';
import { runEngine } from '../../examples/demo/run';
import { simulateBusiness } from '../../src/testing/index';
import { findChromium, launchChromium } from '../helpers/browser';

/** The few DOM members the page script uses (tsconfig has no DOM lib: the tests run in Node). */
interface Box {
  width: number;
  height: number;
}
interface Mark {
  getBBox(): Box;
}
interface Chart {
  getBoundingClientRect(): Box;
  querySelectorAll(selector: string): Iterable<Mark>;
}
interface Page {
  document: { querySelector(selector: string): Chart | null };
}

const lookup = findChromium();
// the report of a real (small) demo run: the simulated business through the engine and the metrics
const business = simulateBusiness({ seed: 7, customers: 150, days: 75 });
const log = console.log;
console.log = () => {};
const data = await runEngine(business, () => {})
  .then((run) => dashboard(business, run))
  .finally(() => {
    console.log = log;
  });

/** The marks each chart must draw for `data`, by class. */
function expectedMarks(): Record<string, Record<string, number>> {
  const { flows } = stageFlows(data.stageFlow, data.stages);
  return {
    'cohort-heatmap': {
      cell: data.cohorts.reduce((n, c) => n + c.retention.filter((r) => r !== null).length, 0),
    },
    survival: { band: 1, step: 1 },
    'mrr-movements': {
      bar: data.mrr.reduce((n, m) => n + MRR_SERIES.filter((s) => m[s.key] > 0).length, 0),
      net: data.mrr.length,
    },
    funnel: { bar: data.funnel.filter((s) => s.count > 0).length },
    'stage-flow': {
      flow: flows.length,
      node: new Set(flows.map((f) => f.from)).size + new Set(flows.map((f) => f.to)).size,
    },
  };
}

describe('the HTML report in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rk-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  if (lookup.path === null && process.env.CI) {
    it('needs Chromium on CI', () => {
      throw new Error(`${lookup.reason} (required on CI)`);
    });
  }

  it.skipIf(lookup.path === null)(
    lookup.path === null
      ? `renders every chart (skipped: ${lookup.reason})`
      : 'renders every chart with visible marks, no errors and no requests',
    async () => {
      const browser = await launchChromium(lookup.path!);
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const errors: string[] = [];
        const requests: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('request', (r) => requests.push(r.url()));
        await page.setContent(renderReport(data), { waitUntil: 'load', timeout: 10_000 });

        const expected = expectedMarks();
        for (const [name, marks] of Object.entries(expected)) {
          const found = await page.evaluate(
            ({ name, classes }) => {
              const { document } = globalThis as unknown as Page;
              const svg = document.querySelector(`svg[data-chart="${name}"]`);
              if (svg === null) return null;
              const box = svg.getBoundingClientRect();
              const visible: Record<string, number> = {};
              for (const cls of classes) {
                visible[cls] = [...svg.querySelectorAll(`.${cls}`)].filter((el) => {
                  const b = el.getBBox();
                  return b.width > 0 && b.height > 0;
                }).length;
              }
              return { width: box.width, height: box.height, visible };
            },
            { name, classes: Object.keys(marks) },
          );
          expect(found, `svg[data-chart="${name}"]`).not.toBeNull();
          expect(found!.width, name).toBeGreaterThan(100);
          expect(found!.height, name).toBeGreaterThan(50);
          expect(found!.visible, name).toEqual(marks);
        }

        const png = join(dir, 'report.png');
        await page.screenshot({ path: png, fullPage: true });
        const bytes = readFileSync(png);
        expect(bytes.length).toBeGreaterThan(10_000);
        expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');

        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    20_000,
  );
});
