import { describe, expect, it } from 'vitest';
import { at, ev, HOUR } from '../../test/helpers/triggers';
import { compileRules } from './compileRules';
import { describeTriggerExplanation } from './describeTriggerExplanation';

describe('describeTriggerExplanation', () => {
  const rules = compileRules(
    [
      {
        id: 'cart',
        version: 3,
        trigger: {
          kind: 'eventWithout',
          event: 'cart_added',
          without: 'order_placed',
          within: '3h',
        },
        actions: [{ channel: 'email', template: 'faq', params: { s: 'Hi {{firstName}}' } }],
        goal: { events: ['order_placed'] },
      },
      {
        id: 'vip',
        version: 1,
        trigger: { kind: 'event', event: 'login' },
        conditions: { fact: 'ltv', op: 'gte', value: 1000 },
        actions: [{ channel: 'crm_task', template: 'call' }],
        exit: { condition: { fact: 'churned', op: 'eq', value: true } },
      },
      {
        id: 'tips',
        version: 1,
        trigger: { kind: 'event', event: 'login' },
        actions: [{ channel: 'email', template: 'tip' }],
      },
    ],
    { caps: [{ max: 1, per: '1d', channel: 'email' }] },
  );
  const t = at('2026-06-01T10:00:00Z');
  const first = rules.evaluate(
    { customerId: 'c1', events: [ev('c1', 'cart_added', t - 4 * HOUR)] },
    t - 4 * HOUR,
  );
  const explained = rules.explain(
    {
      customerId: 'c1',
      facts: { ltv: 20, churned: false },
      events: [ev('l1', 'login', t), ev('l1', 'login', t), ev('c2', 'cart_added', t)],
      state: first.state,
    },
    t,
  );

  it('renders every rule, occurrence, action and trace as lines', () => {
    expect(describeTriggerExplanation(explained.rules)).toMatchInlineSnapshot(`
      [
        "cart v3 (eventWithout)",
        "  event:c1 at 2026-06-01T09:00:00.000Z: planned",
        "    email faq: due 2026-06-01T10:00:00.000Z; missing firstName",
        "  waiting: event:c2 fires at 2026-06-01T13:00:00.000Z",
        "vip v1 (event)",
        "  event:l1 at 2026-06-01T10:00:00.000Z: already handled",
        "  event:l1 at 2026-06-01T10:00:00.000Z: conditions not met",
        "    conditions:",
        "      ✗ ltv gte 1000 (actual 20)",
        "  exit:",
        "    ✗ churned eq true (actual false)",
        "  conditions now:",
        "    ✗ ltv gte 1000 (actual 20)",
        "tips v1 (event)",
        "  event:l1 at 2026-06-01T10:00:00.000Z: already handled",
        "  event:l1 at 2026-06-01T10:00:00.000Z: fired, every action suppressed",
        "    email tip: suppressed (frequency cap)",
      ]
    `);
  });

  it('can leave the customer values out', () => {
    const lines = describeTriggerExplanation(explained.rules, { showValues: false });
    expect(lines.join('\n')).not.toContain('actual');
    expect(lines.some((l) => l.includes('ltv gte 1000'))).toBe(true);
  });
});
