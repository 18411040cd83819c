import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import { drive } from '../../test/helpers/winback';
import { actionKey, type Channel } from '../core/action';
import type { CappedAction } from '../core/caps';
import { durationToMs } from '../core/duration';
import { stableFraction } from '../core/hash';
import { nextInSendWindow } from '../core/schedule';
import { arbTimeZone } from '../testing/index';
import {
  defineWinbackPolicy,
  type WinbackPolicy,
  type WinbackPolicyDefinition,
  type WinbackStepDefinition,
} from './defineWinbackPolicy';
import { EXIT_REASONS } from './exitReasons';
import { planWinback, type WinbackEntry, type WinbackEvent } from './planWinback';
import { winbackHoldoutGroup } from './winbackHoldoutGroup';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 1);
const SPAN = 400 * DAY;
const STOPS = new Set([
  'message_replied',
  'unsubscribed',
  'complained',
  'subscription_reactivated',
  'chargeback',
  'fraud_detected',
]);
const CHANNELS: readonly Channel[] = ['email', 'sms', 'in_app'];

const arbStep = (i: number, offset: number): fc.Arbitrary<WinbackStepDefinition> =>
  fc
    .record(
      {
        channel: fc.constantFrom(...CHANNELS),
        offer: fc.option(
          fc.record({
            id: fc.constantFrom('off-10', 'off-20', 'plan'),
            kind: fc.constant('discount' as const),
            percentOff: fc.integer({ min: 1, max: 50 }),
            validFor: fc.oneof(
              fc.integer({ min: 1, max: 30 }).map((d) => `${d}d`),
              fc.integer({ min: 1, max: 12 }).map((h) => `${h}h`),
              fc.integer({ min: 1, max: 2 }).map((m) => ({ months: m })),
            ),
          }),
          { nil: undefined },
        ),
      },
      { requiredKeys: ['channel'] },
    )
    .map(({ channel, offer }) => ({
      id: `s${i}`,
      after: offset % DAY === 0 ? { days: offset / DAY } : offset,
      template: `t${i}`,
      channel,
      ...(offer === undefined ? {} : { offer }),
    }));

const arbSteps: fc.Arbitrary<WinbackStepDefinition[]> = fc
  .array(fc.oneof(fc.integer({ min: 1, max: 6 * HOUR }), fc.integer({ min: 1, max: 20 * DAY })), {
    minLength: 1,
    maxLength: 4,
  })
  .chain((gaps) => {
    let at = 0;
    return fc.tuple(
      ...gaps.map((g, i) => {
        at += i === 0 ? g % (5 * DAY) : g;
        return arbStep(i, at);
      }),
    );
  });

const arbDefinition: fc.Arbitrary<WinbackPolicyDefinition> = fc
  .record(
    {
      priceSteps: arbSteps,
      restSteps: arbSteps,
      window: fc.option(
        fc.record({
          start: fc.integer({ min: 0, max: 23 }),
          length: fc.integer({ min: 1, max: 20 }),
          days: fc.option(
            fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
            { nil: undefined },
          ),
        }),
        { nil: undefined },
      ),
      caps: fc.array(
        fc.record(
          {
            max: fc.integer({ min: 1, max: 3 }),
            per: fc.integer({ min: 1, max: 10 }).map((d) => `${d}d`),
            channel: fc.option(fc.constantFrom(...CHANNELS), { nil: undefined }),
          },
          { requiredKeys: ['max', 'per'] },
        ),
        { maxLength: 2 },
      ),
      onCap: fc.constantFrom('defer' as const, 'skip' as const),
      share: fc.constantFrom(0, 0.2, 0.5),
      decideAfter: fc.constantFrom('0m', '30m', '1h', '1d'),
      cooldown: fc.constantFrom({ days: 0 }, { days: 30 }, { days: 180 }),
      attribution: fc.constantFrom({ days: 90 }, { days: 120 }),
    },
    {
      requiredKeys: [
        'priceSteps',
        'restSteps',
        'caps',
        'onCap',
        'share',
        'decideAfter',
        'cooldown',
        'attribution',
      ],
    },
  )
  .map((x) => ({
    id: 'wb',
    version: 1,
    segments: [
      { id: 'price', when: { fact: 'reason', op: 'eq', value: 'price' }, steps: x.priceSteps },
      { id: 'rest', steps: x.restSteps },
    ],
    eligibility: { decideAfter: x.decideAfter, cooldown: x.cooldown },
    delivery: {
      ...(x.window === undefined
        ? {}
        : {
            sendWindow: {
              start: `${String(x.window.start).padStart(2, '0')}:00`,
              end: `${String((x.window.start + x.window.length) % 24).padStart(2, '0')}:30`,
              ...(x.window.days === undefined
                ? {}
                : { days: x.window.days as (0 | 1 | 2 | 3 | 4 | 5 | 6)[] }),
            },
          }),
      caps: x.caps.map(({ channel, ...cap }) =>
        channel === undefined ? cap : { ...cap, channel },
      ),
      onCap: x.onCap,
      expireAfter: '2d',
    },
    holdout: { share: x.share },
    attributionWindow: x.attribution,
  }));

const arbFollowUp: fc.Arbitrary<{
  type: string;
  offset: number;
  properties?: Record<string, string>;
}> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc
      .record({
        offset: fc.integer({ min: 0, max: 3 * HOUR }),
        text: fc.constantFrom('too expensive', 'never used it', 'bugs everywhere'),
      })
      .map(({ offset, text }) => ({ type: 'exit_survey_answered', offset, properties: { text } })),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      offset: fc.oneof(
        fc.integer({ min: 0, max: 70 * DAY }),
        fc.integer({ min: 0, max: 2 * HOUR }),
      ),
      type: fc.constantFrom(...STOPS, 'resubscribed', 'page_viewed'),
    }),
  },
);

/** Cancellations, each with follow-ups soon after it (stops, answers), and stray events. */
const arbEvents: fc.Arbitrary<(WinbackEvent & { at: number })[]> = fc
  .record({
    stories: fc.array(
      fc.record({
        at: fc.integer({ min: T0, max: T0 + SPAN }),
        kind: fc.constantFrom('voluntary', 'voluntary', 'voluntary', 'involuntary'),
        reason: fc.constantFrom(...EXIT_REASONS),
        followUps: fc.array(arbFollowUp, { maxLength: 3 }),
      }),
      { maxLength: 4 },
    ),
    strays: fc.array(
      fc.record({
        at: fc.integer({ min: T0, max: T0 + SPAN }),
        type: fc.constantFrom(...STOPS, 'resubscribed'),
      }),
      { maxLength: 2 },
    ),
  })
  .map(({ stories, strays }) => [
    ...stories.flatMap((s) => [
      { type: 'subscription_canceled', at: s.at, properties: { kind: s.kind, reason: s.reason } },
      ...s.followUps.map((f) => ({
        type: f.type,
        at: s.at + f.offset,
        ...(f.properties === undefined ? {} : { properties: f.properties }),
      })),
    ]),
    ...strays,
  ]);

const arbCase = fc.record({
  definition: arbDefinition,
  customerId: fc.constantFrom('cus_1', 'cus_2', 'cus_3', 'cus_42', 'cus_77'),
  timeZone: arbTimeZone(),
  events: arbEvents,
  sent: fc.array(
    fc.record({
      at: fc.integer({ min: T0, max: T0 + SPAN }),
      channel: fc.constantFrom(...CHANNELS),
      definitionId: fc.constantFrom('tips', 'wb'),
    }),
    { maxLength: 6 },
  ),
  extra: fc.array(fc.integer({ min: T0, max: T0 + SPAN + 100 * DAY }), { maxLength: 6 }),
});

interface Case {
  readonly policy: WinbackPolicy;
  readonly customer: { id: string; timeZone: string };
  readonly events: (WinbackEvent & { at: number })[];
  readonly sent: CappedAction[];
}

function run(c: {
  readonly definition: WinbackPolicyDefinition;
  readonly customerId: string;
  readonly timeZone: string;
  readonly events: (WinbackEvent & { at: number })[];
  readonly sent: CappedAction[];
}): Case {
  // plain objects, as callers pass them (fast-check builds records without a prototype)
  return {
    policy: defineWinbackPolicy(c.definition),
    customer: { id: c.customerId, timeZone: c.timeZone },
    events: JSON.parse(JSON.stringify(c.events)),
    sent: JSON.parse(JSON.stringify(c.sent)),
  };
}

const UNTIL = T0 + SPAN + 200 * DAY;
const RUNS = { numRuns: 150 };

describe('planWinback properties', () => {
  it('sends no message after a stop condition', () => {
    fc.assert(
      fc.property(arbCase, (raw) => {
        const { policy, customer, events, sent } = run(raw);
        const r = drive(customer, policy, events, UNTIL, { sent });
        for (const d of r.decisions) {
          if (d.outcome !== 'entered') continue;
          const stop = events
            .filter((e) => STOPS.has(e.type) && e.at > d.decidedAt)
            .reduce((m, e) => Math.min(m, e.at), Number.POSITIVE_INFINITY);
          for (const a of r.outbox)
            if (a.source.occurrence === d.cancellationId) expect(a.dueAt).toBeLessThan(stop);
        }
      }),
      RUNS,
    );
  });

  it('never lets an offer expire before its message is sent', () => {
    fc.assert(
      fc.property(arbCase, (raw) => {
        const { policy, customer, events, sent } = run(raw);
        const r = drive(customer, policy, events, UNTIL, { sent });
        for (const a of r.planned.values()) {
          const offer = (a.params.winback as { offer?: { expiresAt: number } }).offer;
          if (offer !== undefined) expect(offer.expiresAt).toBeGreaterThan(a.dueAt);
        }
        for (const p of r.plans) {
          const o = p.state.entry?.offer;
          if (o != null) expect(o.expiresAt).toBeGreaterThan(o.sentAt);
        }
      }),
      RUNS,
    );
  });

  it('never has a customer in two sequences at once', () => {
    fc.assert(
      fc.property(arbCase, (raw) => {
        const { policy, customer, events, sent } = run(raw);
        const r = drive(customer, policy, events, UNTIL, { sent });
        const spans = new Map<string, [number, number]>();
        for (const a of r.outbox) {
          const s = spans.get(a.source.occurrence);
          spans.set(
            a.source.occurrence,
            s === undefined
              ? [a.dueAt, a.dueAt]
              : [Math.min(s[0], a.dueAt), Math.max(s[1], a.dueAt)],
          );
        }
        const sorted = [...spans.values()].sort((a, b) => a[0] - b[0]);
        for (let i = 1; i < sorted.length; i++)
          expect(sorted[i]![0]).toBeGreaterThan(sorted[i - 1]![1]);
        // and a new entry only starts once the last one has ended (as it finally ended)
        const final = new Map<string, WinbackEntry>();
        for (const p of r.plans) {
          for (const e of p.closed) final.set(e.id, e);
          if (p.state.entry !== null) final.set(p.state.entry.id, p.state.entry);
        }
        const entered = r.decisions.filter((d) => d.outcome !== 'ineligible');
        for (let i = 1; i < entered.length; i++)
          expect(entered[i]!.decidedAt).toBeGreaterThanOrEqual(
            final.get(entered[i - 1]!.cancellationId)!.endsAt,
          );
      }),
      RUNS,
    );
  });

  it('keeps each sequence in order, inside the send window and under the caps', () => {
    fc.assert(
      fc.property(arbCase, (raw) => {
        const { policy, customer, events, sent } = run(raw);
        const r = drive(customer, policy, events, UNTIL, { sent });
        const byEntry = new Map<string, number[]>();
        for (const a of r.outbox)
          byEntry.set(a.source.occurrence, [...(byEntry.get(a.source.occurrence) ?? []), a.dueAt]);
        for (const times of byEntry.values())
          for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
        const window = policy.delivery.sendWindow;
        if (window !== null)
          for (const a of r.outbox)
            expect(nextInSendWindow(a.dueAt, window, customer.timeZone)).toBe(a.dueAt);
        const all: CappedAction[] = [
          ...sent,
          ...r.outbox.map((a) => ({ at: a.dueAt, channel: a.channel, definitionId: 'wb' })),
        ];
        for (const cap of policy.delivery.caps) {
          const per = durationToMs(cap.per);
          const counted = all.filter((x) => cap.channel === undefined || x.channel === cap.channel);
          for (const a of r.outbox) {
            if (cap.channel !== undefined && a.channel !== cap.channel) continue;
            for (const x of counted) {
              if (x.at > a.dueAt || x.at <= a.dueAt - per) continue;
              const inWindow = counted.filter((y) => y.at >= x.at && y.at < x.at + per).length;
              expect(inWindow).toBeLessThanOrEqual(cap.max);
            }
          }
        }
      }),
      RUNS,
    );
  });

  it('plans the same whenever else it is called, with the state live or stored as JSON', () => {
    fc.assert(
      fc.property(arbCase, (raw) => {
        const { policy, customer, events, sent } = run(raw);
        const a = drive(customer, policy, events, UNTIL, { sent });
        const b = drive(customer, policy, events, UNTIL, {
          sent,
          extra: raw.extra,
          roundTrip: true,
        });
        expect(b.outbox).toEqual(a.outbox);
        expect(b.closed).toEqual(a.closed);
        expect(b.decisions).toEqual(a.decisions);
        // a horizon only delays when actions are returned
        const c = drive(customer, policy, events, UNTIL, { sent, horizon: '1d' });
        expect(c.outbox).toEqual(a.outbox);
        for (const x of a.outbox) expect(x.key).toBe(actionKey(customer.id, x.source));
      }),
      { numRuns: 80 },
    );
  });

  it('is deterministic and does not mutate its input', () => {
    fc.assert(
      fc.property(arbCase, fc.integer({ min: 0, max: SPAN }), (raw, split) => {
        const { policy, customer, events, sent } = run(raw);
        const cut = T0 + split;
        const first = planWinback(customer, policy, {
          now: cut,
          events: events.filter((e) => e.at <= cut),
          sent,
        });
        assertPure(planWinback, customer, policy, {
          now: T0 + SPAN + 100 * DAY,
          state: first.state,
          events: events.filter((e) => e.at > cut),
          sent,
        });
      }),
      { numRuns: 80 },
    );
  });

  it('assigns the holdout by the customer id alone, close to the share', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.5, noNaN: true }),
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.string({ maxLength: 6 }),
        (share, salt, prefix) => {
          const policy = defineWinbackPolicy({ id: 'wb', version: 1, holdout: { share, salt } });
          const n = 20_000;
          let held = 0;
          for (let i = 0; i < n; i++) {
            const id = `${prefix}${i}`;
            const g = winbackHoldoutGroup(id, policy);
            if (g === 'holdout') held++;
            if (i < 20) {
              expect(winbackHoldoutGroup(id, policy)).toBe(g);
              expect(g === 'holdout').toBe(stableFraction(id, salt) < share);
            }
          }
          // within 5 standard errors of the share
          expect(Math.abs(held / n - share)).toBeLessThan(5 * Math.sqrt((share * (1 - share)) / n));
        },
      ),
      { numRuns: 15 },
    );
  });
});
