/**
 * The demo's engine run and dashboard on a small simulated business: the engine runs every
 * module without a failure, and what the dashboard reports adds up with what the engine did.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dashboard } from '../../examples/demo/dashboard';
import type { ReportData } from '../../examples/demo/report/types';
import { type EngineRun, runEngine } from '../../examples/demo/run';
import { type SimulatedBusiness, simulateBusiness } from '../../src/testing/index';

let business: SimulatedBusiness;
let run: EngineRun;
let report: ReportData;
let printed = '';

beforeAll(async () => {
  business = simulateBusiness({ seed: 11, customers: 200, days: 75 });
  const days: number[] = [];
  run = await runEngine(business, (day) => days.push(day));
  expect(days).toEqual(Array.from({ length: 75 }, (_, i) => i + 1));
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed += `${args.join(' ')}\n`;
  });
  report = dashboard(business, run);
  spy.mockRestore();
}, 120_000);
afterAll(() => vi.restoreAllMocks());

describe('the demo run', () => {
  it('runs every built-in planner without a failure', () => {
    expect(run.failures).toBe(0);
    const modules = new Set(run.delivery.sent.map((s) => s.action.source.module));
    expect([...modules].sort()).toEqual(['dunning', 'triggers', 'winback']);
    // every action went out once
    const keys = run.delivery.sent.map((s) => s.action.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('puts every customer in a stage and scores every customer', () => {
    expect(run.stage.size).toBe(business.customers.length);
    expect(run.health.size).toBe(business.customers.length);
    for (const h of run.health.values()) {
      expect(h.score).toBeGreaterThanOrEqual(0);
      expect(h.score).toBeLessThanOrEqual(100);
    }
    // a customer who cancelled and has not come back is churned
    const cancelled = new Set(
      business.events.filter((e) => e.type === 'subscription_canceled').map((e) => e.customerId),
    );
    const back = new Set(
      business.events.filter((e) => e.type === 'subscription_reactivated').map((e) => e.customerId),
    );
    const gone = [...cancelled].filter((id) => !back.has(id));
    expect(gone.length).toBeGreaterThan(0);
    for (const id of gone) expect(run.stage.get(id)).toBe('churned');
  });

  it('reports what the engine did, adding up', () => {
    const flows = report.stageFlow.reduce((n, f) => n + f.count, 0);
    expect(flows).toBe(run.stageAtMiddle.size);
    expect(report.funnel[0]!.count).toBe(business.customers.length);
    expect(report.cohorts.reduce((n, c) => n + c.size, 0)).toBe(business.customers.length);
    expect(report.mrr.length).toBeGreaterThan(1);
    expect(printed).toContain('share of a new cohort still paying after each month');
    expect(printed).not.toMatch(/NaN|Infinity|undefined/);
  });
});
