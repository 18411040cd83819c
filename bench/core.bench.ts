import { TZDate } from '@date-fns/tz';
import { add, startOfMonth } from 'date-fns';
import { Temporal } from 'temporal-polyfill';
import { addDuration, compileCondition, periodKeyFn, toInstant } from '../src/index';
import { createRandom, simulateBusiness } from '../src/testing/index';
import type { BenchModule } from './harness';

const N = 100_000;
/** Smaller inputs where the peer takes seconds per 100,000. */
const M = 10_000;

const core: BenchModule = {
  name: 'core',
  groups() {
    const r = createRandom(1);
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'];
    const instants = Array.from(
      { length: N },
      () => Date.UTC(2024, 0, 1) + Math.floor(r.next() * 3 * 365 * 86_400_000),
    );
    const isoStrings = instants.map((t) => new Date(t).toISOString());
    const zoneOf = instants.map((_, i) => zones[i % zones.length]!);
    const monthKeys = Object.fromEntries(
      zones.map((z) => [z, periodKeyFn('month', { timeZone: z })]),
    );
    const facts = Array.from({ length: N }, (_, i) => ({
      plan: ['starter', 'team', 'business'][i % 3],
      ltv: (i * 7919) % 300_000,
      lastLoginAt: instants[i]!,
    }));
    const now = Date.UTC(2027, 0, 1);
    const vip = compileCondition({
      all: [
        { fact: 'plan', op: 'eq', value: 'business' },
        { fact: 'ltv', op: 'gte', value: 100_000 },
        { fact: 'lastLoginAt', op: 'olderThan', value: '21d' },
      ],
    });
    let sink = 0;
    const SIM_CUSTOMERS = 20_000;
    const simEvents = simulateBusiness({ seed: 9, customers: SIM_CUSTOMERS, days: 90 }).events
      .length;
    return [
      {
        title: `parse ${N.toLocaleString('en-US')} ISO-8601 instants`,
        baseline: 'Date.parse (native)',
        cases: [
          {
            name: 'Date.parse (native)',
            items: N,
            fn: () => {
              for (const s of isoStrings) sink += Date.parse(s);
            },
          },
          {
            name: 'retention-kit toInstant',
            items: N,
            fn: () => {
              for (const s of isoStrings) sink += toInstant(s);
            },
          },
        ],
      },
      {
        title: `month bucket of ${M.toLocaleString('en-US')} instants in 4 time zones`,
        baseline: 'date-fns startOfMonth(TZDate)',
        iterations: 5,
        cases: [
          {
            name: 'date-fns startOfMonth(TZDate)',
            items: M,
            fn: () => {
              for (let i = 0; i < M; i++)
                sink += startOfMonth(new TZDate(instants[i]!, zoneOf[i]!)).getTime();
            },
          },
          {
            name: 'retention-kit periodKeyFn',
            items: M,
            fn: () => {
              for (let i = 0; i < M; i++) sink += monthKeys[zoneOf[i]!]!(instants[i]!);
            },
          },
        ],
        targets: [
          {
            kind: 'faster',
            case: 'retention-kit periodKeyFn',
            atLeast: 10,
            description: 'bucketing is at least 10x faster than date-fns on TZDate',
          },
        ],
      },
      {
        title: `add { months: 1, days: 3 } to ${M.toLocaleString('en-US')} instants in a time zone`,
        baseline: 'date-fns add(TZDate)',
        iterations: 5,
        cases: [
          {
            name: 'date-fns add(TZDate)',
            items: M,
            fn: () => {
              for (let i = 0; i < M; i++)
                sink += add(new TZDate(instants[i]!, zoneOf[i]!), { months: 1, days: 3 }).getTime();
            },
          },
          {
            name: 'Temporal (polyfill)',
            items: M,
            fn: () => {
              for (let i = 0; i < M; i++)
                sink += Temporal.Instant.fromEpochMilliseconds(instants[i]!)
                  .toZonedDateTimeISO(zoneOf[i]!)
                  .add({ months: 1, days: 3 }).epochMilliseconds;
            },
          },
          {
            name: 'retention-kit addDuration',
            items: M,
            fn: () => {
              for (let i = 0; i < M; i++)
                sink += addDuration(instants[i]!, { months: 1, days: 3 }, { timeZone: zoneOf[i]! });
            },
          },
        ],
      },
      {
        title: `evaluate a 3-test segment on ${N.toLocaleString('en-US')} customers`,
        baseline: 'hand-written predicate',
        cases: [
          {
            name: 'hand-written predicate',
            items: N,
            fn: () => {
              for (const f of facts)
                if (
                  f.plan === 'business' &&
                  f.ltv >= 100_000 &&
                  f.lastLoginAt < now - 21 * 86_400_000
                )
                  sink++;
            },
          },
          {
            name: 'retention-kit compileCondition',
            items: N,
            fn: () => {
              for (const f of facts) if (vip.evaluate(f, now)) sink++;
            },
          },
        ],
      },
      {
        title: `simulate ${SIM_CUSTOMERS.toLocaleString('en-US')} customers over 90 days (${simEvents.toLocaleString('en-US')} events)`,
        iterations: 3,
        time: 0,
        warmup: 0,
        cases: [
          {
            name: 'simulateBusiness',
            items: simEvents,
            fn: () => {
              sink += simulateBusiness({ seed: 9, customers: SIM_CUSTOMERS, days: 90 }).events
                .length;
            },
          },
        ],
        targets: [
          {
            kind: 'rate',
            case: 'simulateBusiness',
            atLeastPerSecond: 100_000,
            description: 'generates 1M events in seconds (at least 100,000 events/s)',
          },
        ],
        // printed so the engine cannot drop the timed loops as dead code
        notes: () => ({ checksum: sink % 997 }),
      },
    ];
  },
};

export default core;
