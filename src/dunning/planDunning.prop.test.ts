import * as fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import type { Subscription } from '../core/records';
import { arbTimeZone } from '../testing/arbitraries';
import { knownDeclineCodes } from './classifyDecline';
import {
  type DunningPolicy,
  type DunningPolicyDefinition,
  defineDunningPolicy,
} from './defineDunningPolicy';
import type { DunningEvent, DunningPlan, DunningStepKind } from './planDunning';
import { planDunning } from './planDunning';

const DAY = 86_400_000;
const MESSAGES = new Set<DunningStepKind>([
  'pre_charge_reminder',
  'card_expiry_reminder',
  'payment_failed',
  'action_required',
  'last_attempt',
  'final_notice',
  'recovered',
]);

/** Times of day, often the same few (so that messages and retries meet), often in a DST gap. */
const hhmm = fc.oneof(
  fc.constantFrom('10:00', '09:00', '02:30', '00:00', '23:59'),
  fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
);

/** Valid policies of every shape: schedules, windows, local times, business days, ladders. */
const arbPolicy: fc.Arbitrary<DunningPolicy> = fc
  .record({
    offsets: fc.uniqueArray(fc.integer({ min: 1, max: 13 }), { minLength: 1, maxLength: 6 }),
    fundsOffsets: fc.option(
      fc.uniqueArray(fc.integer({ min: 1, max: 13 }), { minLength: 1, maxLength: 4 }),
    ),
    extraWindow: fc.integer({ min: 1, max: 14 }),
    maxRetries: fc.option(fc.integer({ min: 1, max: 8 })),
    at: fc.option(hhmm),
    sendAt: fc.oneof(hhmm, fc.constant(null)),
    business: fc.option(
      fc.record({
        weekend: fc.constantFrom([0, 6], [5, 6], [0]),
        holidays: fc.uniqueArray(
          fc.date({
            min: new Date('2026-01-01'),
            max: new Date('2026-12-31'),
            noInvalidDate: true,
          }),
          { maxLength: 8 },
        ),
      }),
    ),
    grace: fc.integer({ min: 0, max: 5 }),
    access: fc.constantFrom('full', 'limited', 'none'),
    stageDays: fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 3 }),
    finalExtra: fc.integer({ min: 0, max: 12 }),
    finalType: fc.constantFrom('cancel', 'pause', 'mark_unpaid', 'downgrade'),
  })
  .map((r): DunningPolicyDefinition => {
    const offsets = [...r.offsets].sort((a, b) => a - b);
    const last = Math.max(offsets.at(-1)!, ...(r.fundsOffsets ?? [0]));
    const window = Math.min(27, last + r.extraWindow);
    const after = window + r.finalExtra;
    const stages = [...r.stageDays]
      .filter((d) => d < after)
      .sort((a, b) => a - b)
      .map((d, i) => ({
        name: `s${i}`,
        after: `${d}d`,
        access: (['full', 'limited', 'none'] as const)[(d + i) % 3]!,
      }));
    return {
      id: 'prop',
      version: 1,
      billing: { interval: 'month' },
      updatePaymentUrl: 'https://example.com/b/{customerId}',
      sendAt: r.sendAt,
      retries: {
        schedule:
          r.fundsOffsets === null
            ? offsets.map((d) => `${d}d`)
            : {
                default: offsets.map((d) => `${d}d`),
                insufficient_funds: [...r.fundsOffsets].sort((a, b) => a - b).map((d) => `${d}d`),
              },
        window: `${window}d`,
        ...(r.maxRetries === null ? {} : { maxRetries: r.maxRetries }),
        ...(r.at === null ? {} : { at: r.at }),
        ...(r.business === null
          ? {}
          : {
              businessDays: {
                weekend: [...r.business.weekend] as (0 | 5 | 6)[],
                holidays: r.business.holidays.map((d) => d.toISOString().slice(0, 10)),
              },
            }),
      },
      gracePeriod: `${Math.min(r.grace, after)}d`,
      access: r.access,
      stages,
      finalAction: {
        type: r.finalType,
        after: `${after}d`,
        ...(r.finalType === 'downgrade' ? { plan: 'free' } : {}),
      },
    };
  })
  .map((d) => defineDunningPolicy(d));

/** Instants in 2026, often a few days around a daylight-saving change somewhere. */
const arbStart = fc.oneof(
  fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 1) }),
  fc
    .tuple(
      fc.constantFrom(
        Date.UTC(2026, 2, 29),
        Date.UTC(2026, 9, 25),
        Date.UTC(2026, 2, 8),
        Date.UTC(2026, 10, 1),
        Date.UTC(2026, 3, 5),
        Date.UTC(2026, 8, 27),
      ),
      fc.integer({ min: -20 * DAY, max: 5 * DAY }),
    )
    .map(([d, o]) => d + o),
);

const table = knownDeclineCodes();
const soft = [
  ...table.filter((c) => c.class === 'soft').map((c) => c.code),
  'zz_unknown',
  undefined,
];
const other = table.filter((c) => c.class !== 'soft').map((c) => c.code);
/** Decline codes, soft ones (and unknown or missing ones) more often than the rest. */
const arbCode = fc.oneof(
  { arbitrary: fc.constantFrom(...soft), weight: 3 },
  { arbitrary: fc.constantFrom(...other), weight: 1 },
);

/** What the customer does on the way: card updates and partial payments, at offsets after the failure. */
const arbExtras = fc.array(
  fc.record({
    after: fc.integer({ min: 1, max: 30 * DAY }),
    kind: fc.oneof(
      { arbitrary: fc.constant('update'), weight: 3 },
      { arbitrary: fc.constantFrom('partial', 'full', 'migrate'), weight: 1 },
    ),
  }),
  { maxLength: 3 },
);

interface Scenario {
  readonly policy: DunningPolicy;
  readonly timeZone: string;
  readonly start: number;
  readonly firstCode: string | undefined;
  readonly outcomes: readonly (string | undefined | 'ok')[];
  readonly extras: readonly { after: number; kind: string }[];
  readonly periodDays: number;
}

const arbScenario: fc.Arbitrary<Scenario> = fc.record({
  policy: arbPolicy,
  timeZone: arbTimeZone(),
  start: arbStart,
  firstCode: arbCode,
  outcomes: fc.array(fc.oneof(arbCode, fc.constant('ok' as const)), {
    minLength: 12,
    maxLength: 12,
  }),
  extras: arbExtras,
  periodDays: fc.integer({ min: 12, max: 31 }),
});

function subscriptionFor(s: Scenario): Subscription {
  return {
    id: 'sub_p',
    customerId: 'cus_p',
    plan: 'team',
    status: 'past_due',
    billingInterval: 'month',
    amount: 5000,
    currency: 'EUR',
    startedAt: s.start - 90 * DAY,
    currentPeriodEnd: s.start + s.periodDays * DAY,
  };
}

/**
 * Runs a scenario like a billing backend: wakes at `nextWakeUpAt` (or when the customer acts),
 * carries out the retries that are due, and feeds back their outcomes. Returns every plan with
 * the events that led to it.
 */
function run(s: Scenario): {
  plans: DunningPlan[];
  executed: { at: number; key: string; after: number }[];
  events: DunningEvent[];
} {
  const sub = subscriptionFor(s);
  const opts = { timeZone: s.timeZone };
  const first: DunningEvent = {
    type: 'payment_failed',
    at: s.start,
    amount: 5000,
    currency: 'EUR',
    ...(s.firstCode === undefined ? {} : { declineCode: s.firstCode }),
  };
  let plan = planDunning(sub, s.policy, { ...opts, now: s.start, events: [first] });
  const plans = [plan];
  const all: DunningEvent[] = [first];
  const executed: { at: number; key: string; after: number }[] = [];
  const extras = [...s.extras]
    .sort((a, b) => a.after - b.after)
    .map((e) => ({ ...e, at: s.start + e.after }));
  const done = new Set<string>();
  let outcome = 0;
  let last = s.start;
  for (let guard = 0; guard < 80; guard++) {
    const nextExtra = extras[0]?.at ?? Number.POSITIVE_INFINITY;
    const now = Math.min(plan.nextWakeUpAt ?? Number.POSITIVE_INFINITY, nextExtra);
    if (!Number.isFinite(now)) break;
    const events: DunningEvent[] = [];
    for (const step of plan.steps) {
      if (step.dueAt > now || step.dueAt < last || done.has(step.action.key)) continue;
      done.add(step.action.key);
      if (step.kind !== 'retry') continue;
      executed.push({ at: step.dueAt, key: step.action.key, after: plans.length });
      const result = s.outcomes[outcome++ % s.outcomes.length];
      const amount = step.action.params.amount as number;
      events.push(
        result === 'ok'
          ? { type: 'payment_succeeded', at: step.dueAt, amount, currency: 'EUR' }
          : {
              type: 'payment_failed',
              at: step.dueAt,
              amount,
              currency: 'EUR',
              ...(result === undefined ? {} : { declineCode: result }),
            },
      );
    }
    while (extras.length > 0 && extras[0]!.at <= now) {
      const e = extras.shift()!;
      const due = plan.state.campaigns[0]?.amountDue ?? 0;
      if (e.kind === 'update') events.push({ type: 'payment_method_updated', at: e.at });
      else if (e.kind === 'migrate') events.push({ type: 'policy_migrated', at: e.at });
      else if (due > 1)
        events.push({
          type: 'payment_succeeded',
          at: e.at,
          amount: e.kind === 'full' ? due : Math.floor(due / 2),
          currency: 'EUR',
          initiatedBy: 'customer',
        });
    }
    events.sort((a, b) => (a.at as number) - (b.at as number));
    plan = planDunning(sub, s.policy, { ...opts, now, state: plan.state, events });
    plans.push(plan);
    all.push(...events);
    last = now;
  }
  return { plans, executed, events: all };
}

/** `dueAt` as Temporal places `time` on the local date of `dueAt` (compatible disambiguation). */
function atLocalTime(dueAt: number, time: string, timeZone: string): number {
  const date = Temporal.Instant.fromEpochMilliseconds(dueAt)
    .toZonedDateTimeISO(timeZone)
    .toPlainDate();
  return date.toZonedDateTime({ timeZone, plainTime: Temporal.PlainTime.from(time) })
    .epochMilliseconds;
}

describe('planDunning properties', () => {
  it('orders steps strictly in time, within each campaign and among reminders', () => {
    fc.assert(
      fc.property(arbScenario, (s) => {
        for (const plan of run(s).plans) {
          const groups = new Map<string, number[]>();
          for (const step of plan.steps) {
            const g = groups.get(step.campaignId ?? 'reminders') ?? [];
            g.push(step.dueAt);
            groups.set(step.campaignId ?? 'reminders', g);
          }
          for (const times of groups.values())
            for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
          for (let i = 1; i < plan.steps.length; i++)
            expect(plan.steps[i]!.dueAt).toBeGreaterThanOrEqual(plan.steps[i - 1]!.dueAt);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('never retries after a hard or update-required decline until the card is updated, nor at or after the final action', () => {
    fc.assert(
      fc.property(arbScenario, (s) => {
        for (const plan of run(s).plans) {
          for (const c of plan.state.campaigns) {
            const retries = plan.steps.filter((x) => x.kind === 'retry' && x.campaignId === c.id);
            if (c.status !== 'open') {
              expect(retries).toEqual([]);
              continue;
            }
            const last = c.attempts.at(-1);
            if (last !== undefined && last.class !== 'soft' && c.retryOnUpdateAt === null)
              expect(retries).toEqual([]);
            for (const r of retries) expect(r.dueAt).toBeLessThan(c.finalActionAt);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('keeps every automatic retry inside the window, after the last attempt, within maxRetries', () => {
    fc.assert(
      fc.property(arbScenario, (s) => {
        for (const plan of run(s).plans) {
          for (const c of plan.state.campaigns) {
            if (c.status !== 'open') continue;
            const scheduled = plan.steps.filter(
              (x) =>
                x.kind === 'retry' &&
                x.campaignId === c.id &&
                x.action.params.trigger === 'schedule',
            );
            const lastAt = Math.max(
              c.anchorAt,
              c.attempts.at(-1)?.at ?? c.anchorAt,
              c.retryOnUpdateAt ?? 0,
            );
            for (const r of scheduled) {
              expect(r.dueAt).toBeLessThan(c.windowEnd);
              expect(r.dueAt).toBeLessThan(c.nextChargeAt);
              expect(r.dueAt).toBeGreaterThan(lastAt);
            }
            const used = c.attempts.filter((a) => a.round === c.round && a.by === 'retry').length;
            expect(scheduled.length + used).toBeLessThanOrEqual(s.policy.retries.maxRetries);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('holds the local send time (and the local retry time) across daylight-saving changes in any zone', () => {
    fc.assert(
      fc.property(arbScenario, (s) => {
        const { sendAt, retries } = s.policy;
        for (const plan of run(s).plans) {
          for (const step of plan.steps) {
            if (MESSAGES.has(step.kind) && sendAt !== null)
              expect(step.dueAt).toBe(atLocalTime(step.dueAt, sendAt, s.timeZone));
            if (
              step.kind === 'retry' &&
              step.action.params.trigger === 'schedule' &&
              retries.at !== null
            ) {
              // a retry meeting another step at the same instant moves by whole seconds
              const expected = atLocalTime(step.dueAt, retries.at, s.timeZone);
              expect(step.dueAt - expected).toBeGreaterThanOrEqual(0);
              expect(step.dueAt - expected).toBeLessThan(60_000);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('places reminders and retries where Temporal’s calendar arithmetic puts them', () => {
    fc.assert(
      fc.property(
        arbTimeZone(),
        arbStart,
        hhmm,
        hhmm,
        fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 5 }),
        (timeZone, start, sendAt, at, days) => {
          const offsets = [...days].sort((a, b) => a - b);
          const p = defineDunningPolicy({
            id: 'ref',
            version: 1,
            billing: { interval: 'month' },
            updatePaymentUrl: 'u',
            sendAt,
            retries: { schedule: offsets.map((d) => `${d}d`), window: '14d', at },
            finalAction: { type: 'cancel' },
            messages: {
              paymentFailed: false,
              lastAttempt: false,
              finalNotice: false,
              actionRequired: false,
            },
          });
          const zoned = (t: number) =>
            Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(timeZone);
          const charge = start + 20 * DAY;
          const sub: Subscription = {
            id: 's',
            customerId: 'c',
            plan: 'p',
            status: 'active',
            billingInterval: 'month',
            amount: 100,
            currency: 'EUR',
            startedAt: 0,
            currentPeriodEnd: charge,
          };
          const reminders = planDunning(sub, p, { now: start, timeZone }).steps.map((x) => x.dueAt);
          const expectedReminders = [7, 3]
            .map(
              (n) =>
                zoned(charge)
                  .toPlainDate()
                  .subtract({ days: n })
                  .toZonedDateTime({ timeZone, plainTime: Temporal.PlainTime.from(sendAt) })
                  .epochMilliseconds,
            )
            .filter((x) => x >= start && x < charge);
          expect(reminders).toEqual(expectedReminders);

          const failedPlan = planDunning(
            { ...sub, status: 'past_due', currentPeriodEnd: start + 30 * DAY },
            p,
            {
              now: start,
              timeZone,
              events: [{ type: 'payment_failed', at: start, amount: 100, currency: 'EUR' }],
            },
          );
          const retries = failedPlan.steps.filter((x) => x.kind === 'retry').map((x) => x.dueAt);
          const windowEnd = start + 14 * DAY;
          const expectedRetries: number[] = [];
          for (const n of offsets) {
            const t = zoned(start)
              .toPlainDate()
              .add({ days: n })
              .toZonedDateTime({
                timeZone,
                plainTime: Temporal.PlainTime.from(at),
              }).epochMilliseconds;
            if (t < windowEnd && t > (expectedRetries.at(-1) ?? start)) expectedRetries.push(t);
          }
          expect(retries).toEqual(expectedRetries);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same plan for the same events in the same order, without touching its inputs', () => {
    fc.assert(
      fc.property(arbScenario, (s) => {
        // the whole history twice: every plan the same
        const a = run(s);
        const b = run(s);
        expect(b.plans).toEqual(a.plans);
        // single calls on deep-frozen inputs: from scratch, and from a stored state well past the
        // final action (which closes campaigns), with the customer acting on the way
        const sub = subscriptionFor(s);
        assertPure(planDunning, sub, s.policy, {
          now: s.start,
          events: a.events.slice(0, 1),
          timeZone: s.timeZone,
        });
        const middle = a.plans[Math.floor(a.plans.length / 2)]!.state;
        const at = (middle.plannedAt ?? s.start) + DAY;
        assertPure(planDunning, sub, s.policy, {
          now: at + 40 * DAY,
          state: middle,
          events: [{ type: 'payment_method_updated', at }],
          timeZone: s.timeZone,
        });
        assertPure(planDunning, sub, s.policy, {
          now: at + 40 * DAY,
          state: middle,
          timeZone: s.timeZone,
        });
      }),
      { numRuns: 60 },
    );
  });

  it('with a horizon, plans the same steps up to it and wakes up at the same time', () => {
    fc.assert(
      fc.property(arbScenario, fc.integer({ min: 0, max: 10 * DAY }), (s, horizon) => {
        const { plans } = run(s);
        const sub = subscriptionFor(s);
        for (const p of plans.slice(0, -1)) {
          const now = (p.state.plannedAt ?? s.start) + DAY / 3;
          const options = { now, state: p.state, timeZone: s.timeZone };
          const full = planDunning(sub, s.policy, options);
          const near = planDunning(sub, s.policy, { ...options, horizon });
          expect(near.steps).toEqual(full.steps.filter((x) => x.dueAt <= now + horizon));
          expect(near.nextWakeUpAt).toBe(full.nextWakeUpAt);
          expect(near.state.campaigns).toEqual(full.state.campaigns);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('reaches the same state whether events come in one call or one call each', () => {
    let retried = 0;
    fc.assert(
      fc.property(arbScenario, (s) => {
        const { plans, events, executed } = run(s);
        retried += executed.length;
        const end = plans.at(-1)!.state;
        const batch = planDunning(subscriptionFor(s), s.policy, {
          now: end.plannedAt!,
          events,
          timeZone: s.timeZone,
        });
        expect(batch.state.campaigns).toEqual(end.campaigns);
        expect(batch.state.lastEventAt).toBe(end.lastEventAt);
      }),
      { numRuns: 80 },
    );
    // the scenarios do exercise retries
    expect(retried).toBeGreaterThan(60);
  });

  it('never plans an executed retry again (its key is spent once its result is in)', () => {
    fc.assert(
      fc.property(arbScenario, (s) => {
        const { plans, executed } = run(s);
        for (const { key, after } of executed)
          for (const p of plans.slice(after + 1))
            expect(p.actions.map((a) => a.key)).not.toContain(key);
      }),
      { numRuns: 80 },
    );
  });
});
