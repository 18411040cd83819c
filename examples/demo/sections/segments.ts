import { compileCondition, describeConditionTrace } from '../../../src/index';
import type { DemoContext } from '../context';
import { count, dim, heading, table } from '../terminal';

/**
 * Segments written in the shared condition language, evaluated over facts built from the event
 * stream: the kind of rule an operator types into an admin UI.
 */
export function segmentsSection({ business, asOf }: DemoContext): void {
  heading('Segments (condition language over customer facts)');
  // Facts per customer, kept incrementally from the event stream in one pass.
  const facts = new Map<
    string,
    { plan: string; seats: number; lastLoginAt?: number; logins: number; canceled: boolean }
  >();
  for (const c of business.customers) {
    facts.set(c.id, {
      plan: String(c.attributes?.plan),
      seats: Number(c.attributes?.seats),
      logins: 0,
      canceled: false,
    });
  }
  for (const e of business.events) {
    const f = facts.get(e.customerId)!;
    if (e.type === 'login') {
      f.logins++;
      f.lastLoginAt = e.at as number;
    } else if (e.type === 'subscription_canceled') f.canceled = true;
    else if (e.type === 'subscription_reactivated') f.canceled = false;
  }
  const segments = {
    'high-value, no login for 3 weeks': compileCondition({
      all: [
        { fact: 'canceled', op: 'eq', value: false },
        { fact: 'plan', op: 'eq', value: 'business' },
        {
          any: [
            { fact: 'lastLoginAt', op: 'olderThan', value: '21d' },
            { fact: 'lastLoginAt', op: 'exists', value: false },
          ],
        },
      ],
    }),
    'large teams logging in rarely': compileCondition({
      all: [
        { fact: 'canceled', op: 'eq', value: false },
        { fact: 'seats', op: 'gte', value: 15 },
        { fact: 'logins', op: 'lt', value: 5 },
      ],
    }),
    'active starters': compileCondition({
      all: [
        { fact: 'canceled', op: 'eq', value: false },
        { fact: 'plan', op: 'eq', value: 'starter' },
        { fact: 'lastLoginAt', op: 'withinLast', value: '7d' },
      ],
    }),
  };
  const rows: string[][] = [['segment', 'customers']];
  for (const [name, segment] of Object.entries(segments)) {
    let n = 0;
    for (const f of facts.values()) if (segment.evaluate(f, asOf)) n++;
    rows.push([name, count(n)]);
  }
  table(rows, ['left', 'right']);
  const example = [...facts.entries()].find(([, f]) => f.plan === 'business' && !f.canceled);
  if (example !== undefined) {
    console.log(dim(`  why ${example[0]} is or is not in the first segment:`));
    for (const line of describeConditionTrace(
      segments['high-value, no login for 3 weeks'].explain(example[1], asOf),
      { showValues: false },
    )) {
      console.log(dim(`    ${line}`));
    }
  }
}
