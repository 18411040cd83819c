import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import type { PlannedAction } from '../core/action';
import { RetentionInputError } from '../core/errors';
import { compileRules, type TriggerContext, type TriggerState } from './compileRules';
import { evaluateTriggers } from './evaluateTriggers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const t0 = Date.parse('2026-06-01T10:00:00Z');

const rules = compileRules([
  {
    id: 'cart-delivery-faq',
    version: 1,
    trigger: { kind: 'eventWithout', event: 'cart_added', without: 'order_placed', within: '3h' },
    actions: [{ channel: 'email', template: 'delivery-faq' }],
  },
  {
    id: 'day-14-csat',
    version: 1,
    trigger: { kind: 'date', fact: 'signedUpAt', offsets: [{ after: '14d' }] },
    actions: [{ channel: 'email', template: 'csat' }],
  },
]);

const cart = (id: string, at: number) => ({ id, customerId: 'c1', type: 'cart_added', at });
const order = (id: string, at: number) => ({ id, customerId: 'c1', type: 'order_placed', at });

/** Drives one customer the way a scheduler does: evaluate on each event, and at nextEvaluationAt. */
function schedule(
  events: readonly { id: string; customerId: string; type: string; at: number }[],
  until: number,
) {
  const planned: PlannedAction[] = [];
  const cancelled: string[] = [];
  let state: TriggerState | null = null;
  let due: number | null = t0;
  const pending = [...events].sort((a, b) => a.at - b.at);
  let calls = 0;
  while (calls++ < 100) {
    const nextEvent = pending[0]?.at ?? Number.POSITIVE_INFINITY;
    const now = Math.min(nextEvent, due ?? Number.POSITIVE_INFINITY);
    if (now > until) break;
    const arrived = pending.filter((e) => e.at <= now);
    pending.splice(0, arrived.length);
    const context: TriggerContext = {
      customerId: 'c1',
      facts: { signedUpAt: t0 },
      events: arrived,
      state,
    };
    const r = evaluateTriggers(rules, context, now);
    planned.push(...r.actions);
    cancelled.push(...r.cancel.map((c) => c.key));
    state = r.state;
    due = r.nextEvaluationAt;
    if (due !== null) expect(due).toBeGreaterThan(now);
  }
  return { planned, cancelled, calls };
}

describe('evaluateTriggers', () => {
  it('returns what the compiled rule set evaluates, and is pure', () => {
    const context: TriggerContext = {
      customerId: 'c1',
      facts: { signedUpAt: t0 },
      events: [cart('e1', t0)],
    };
    expect(evaluateTriggers(rules, context, t0 + HOUR)).toEqual(rules.evaluate(context, t0 + HOUR));
    assertPure(
      (c: TriggerContext, now: number) => evaluateTriggers(rules, c, now),
      context,
      t0 + HOUR,
    );
  });

  it('lets a scheduler that only wakes at nextEvaluationAt plan every due action', () => {
    const { planned, cancelled } = schedule([cart('e1', t0 + HOUR)], t0 + 30 * DAY);
    expect(planned.map((a) => [a.template, a.dueAt - t0])).toEqual([
      ['delivery-faq', 4 * HOUR],
      ['csat', 14 * DAY],
    ]);
    expect(cancelled).toEqual([]);
    expect(new Set(planned.map((a) => a.key)).size).toBe(planned.length);
  });

  it('plans nothing for a cart followed by an order within the window', () => {
    const { planned } = schedule([cart('e1', t0 + HOUR), order('o1', t0 + 2 * HOUR)], t0 + DAY);
    expect(planned.map((a) => a.template)).toEqual([]);
  });

  it('rejects anything but a compiled rule set', () => {
    const raw = rules.rules as never;
    expect(() => evaluateTriggers(raw, { customerId: 'c1' }, t0)).toThrow(RetentionInputError);
    expect(() =>
      evaluateTriggers(null as never, { customerId: 'c1' }, t0),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: evaluateTriggers: rules has the wrong type (expected a rule set from compileRules; received null)]`,
    );
  });

  it('reports a malformed now like the compiled rule set does', () => {
    expect(() => evaluateTriggers(rules, { customerId: 'c1' }, 'yesterday')).toThrow(
      RetentionInputError,
    );
  });
});
