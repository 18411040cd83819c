import * as z from 'zod';
import { CHANNELS, type Channel } from '../core/action';
import { type FrequencyCap, type ParsedFrequencyCap, parseFrequencyCaps } from '../core/caps';
import {
  type CompiledCondition,
  type Condition,
  compileCondition,
  conditionSchema,
} from '../core/condition';
import {
  type Duration,
  type DurationInput,
  type FixedDurationInput,
  parseDuration,
  shiftByDuration,
} from '../core/duration';
import {
  type IssuePath,
  RetentionDefinitionError,
  RetentionError,
  type RetentionIssue,
} from '../core/errors';
import { lazy } from '../core/lazy';
import type { Attributes } from '../core/records';
import { type ParsedSendWindow, parseSendWindow, type SendWindow } from '../core/schedule';
import { parseDefinition, zDuration, zId, zJsonRecord, zVersion } from '../core/validate';
import {
  type ExitReasonClassification,
  type ExitReasonDictionary,
  exitReasonClassifier,
} from './classifyExitReason';

/**
 * What a win-back message is for. The default sequence has one of each of the first three:
 * regret the departure and ask why, propose a solution to their reason, make a time-limited
 * offer. `'message'` is anything else.
 *
 * @category winback
 */
export type WinbackStepPurpose = 'ask_why' | 'solution' | 'offer' | 'message';

/**
 * A time-limited offer carried by a win-back message: a discount (`percentOff` or `amountOff`
 * for `cycles` billing cycles), a special plan, or a bonus. It expires `validFor` after the
 * message is delivered, and the message's parameters say when.
 *
 * @category winback
 */
export interface WinbackOfferDefinition {
  /** A stable id: results are reported per offer. */
  readonly id: string;
  readonly kind: 'discount' | 'plan' | 'bonus';
  /** A discount of 1 to 100 percent. */
  readonly percentOff?: number;
  /** A discount in minor units. */
  readonly amountOff?: number;
  /** How many billing cycles a discount lasts, 1 to 36. @defaultValue `1` */
  readonly cycles?: number;
  /** The special plan (kind `'plan'`). */
  readonly plan?: string;
  /** What the bonus is, for your template (kind `'bonus'`), e.g. `'3-months-extra-seats'`. */
  readonly bonus?: string;
  /** How long the offer stays open after the message is delivered (at most a year). */
  readonly validFor: DurationInput;
}

/**
 * One message of a win-back sequence: what to send (an action: channel, template, parameters),
 * when (`after` the cancellation), what for, and an optional offer.
 *
 * @category winback
 */
export interface WinbackStepDefinition {
  /** Unique within its sequence; part of the message's idempotency key. */
  readonly id: string;
  /** @defaultValue `'offer'` when the step has an offer, otherwise `'message'` */
  readonly purpose?: WinbackStepPurpose;
  /** How long after the cancellation (at most two years); steps come in increasing order. */
  readonly after: DurationInput;
  readonly channel: Channel;
  /** Your template id; rendering is the delivery's job. */
  readonly template: string;
  /** Parameters for the template. The key `winback` is reserved for the planner's own. @defaultValue `{}` */
  readonly params?: Attributes;
  /** Higher wins when actions compete for a capped slot. @defaultValue `0` */
  readonly priority?: number;
  /** The offer this message makes (required when `purpose` is `'offer'`). */
  readonly offer?: WinbackOfferDefinition;
}

/**
 * A segment of churned customers and the sequence they get. `when` is a condition on the facts
 * {@link planWinback} documents (`reason`, `ltv`, `tenureDays`, `plan`, `mrr`, `attributes`...).
 *
 * @category winback
 */
export interface WinbackSegmentDefinition {
  /** A stable id, reported in results. */
  readonly id: string;
  readonly name?: string;
  /** Who belongs; segments are tried in order and the first that holds wins. @defaultValue everyone */
  readonly when?: Condition;
  /** The sequence, one to ten messages. @defaultValue {@link defaultWinbackSequence} */
  readonly steps?: readonly WinbackStepDefinition[];
}

/**
 * Who may enter a win-back sequence. Only voluntary churn enters (involuntary churn belongs to
 * dunning), never after fraud or a chargeback, never while unsubscribed, and never twice within
 * the cooldown.
 *
 * @category winback
 */
export interface WinbackEligibilityDefinition {
  /** A condition on the facts that must also hold. @defaultValue always */
  readonly when?: Condition;
  /** How long after a sequence ends before the customer may enter again. @defaultValue `{ days: 180 }` */
  readonly cooldown?: DurationInput;
  /** Event types that exclude the customer for good. @defaultValue `['chargeback', 'fraud_detected']` */
  readonly excludeEvents?: readonly string[];
  /**
   * How long after the cancellation to decide, so an exit-survey answer that arrives just after
   * it can choose the segment (at most a week). @defaultValue `'1h'`
   */
  readonly decideAfter?: FixedDurationInput;
}

/**
 * When win-back messages may go out: quiet hours and frequency caps, as in triggers.
 *
 * @category winback
 */
export interface WinbackDeliveryDefinition {
  /** Send only inside this window of the customer's local time. @defaultValue any time */
  readonly sendWindow?: SendWindow;
  /** Frequency caps; pass the customer's other actions to {@link planWinback} as `sent` so they count. @defaultValue `[]` */
  readonly caps?: readonly FrequencyCap[];
  /** A message a cap blocks is moved to the next allowed slot, or skipped. @defaultValue `'defer'` */
  readonly onCap?: 'defer' | 'skip';
  /** A message that would go out more than this late (a sequence planned after the fact) is skipped. @defaultValue `'1d'` */
  readonly expireAfter?: FixedDurationInput;
}

/**
 * A win-back policy as plain JSON: eligibility, segments with their sequences, delivery rules, a
 * holdout group and the attribution window. Validated by {@link defineWinbackPolicy}.
 *
 * @example
 * const definition: WinbackPolicyDefinition = {
 *   id: 'winback', version: 1,
 *   segments: [
 *     { id: 'price', when: { fact: 'reason', op: 'eq', value: 'price' } },
 *     { id: 'everyone-else' },
 *   ],
 *   delivery: { sendWindow: { start: '09:00', end: '20:00' }, caps: [{ max: 2, per: '7d' }] },
 *   holdout: { share: 0.1 },
 * };
 *
 * @category winback
 */
export interface WinbackPolicyDefinition {
  /** A stable id; it is part of every idempotency key and the default holdout salt. */
  readonly id: string;
  /** Bump it when you change the policy. */
  readonly version: number;
  readonly name?: string;
  readonly description?: string;
  /** One to fifty segments, tried in order. @defaultValue one segment `'all'` with the default sequence */
  readonly segments?: readonly WinbackSegmentDefinition[];
  readonly eligibility?: WinbackEligibilityDefinition;
  readonly delivery?: WinbackDeliveryDefinition;
  /**
   * A holdout group, by hashing the customer id: `share` (0 to 0.5) of eligible customers enter
   * the sequence without getting its messages, so {@link winbackResults} can measure the uplift.
   * `salt` separates independent holdouts. @defaultValue `{ share: 0, salt: id }`
   */
  readonly holdout?: { readonly share: number; readonly salt?: string };
  /**
   * A reactivation this long after the cancellation still counts as won back; longer than every
   * sequence. @defaultValue `{ days: 90 }`
   */
  readonly attributionWindow?: DurationInput;
  /** How free-text exit-survey answers are classified. @defaultValue the built-in keywords, `minConfidence: 0.3` */
  readonly exitSurvey?: {
    readonly dictionary?: ExitReasonDictionary;
    /** An answer classified with less confidence leaves the reason unknown. @defaultValue `0.3` */
    readonly minConfidence?: number;
  };
}

/**
 * A step of a validated policy: every default filled in.
 *
 * @category winback
 */
export interface WinbackStep {
  readonly id: string;
  readonly purpose: WinbackStepPurpose;
  readonly after: DurationInput;
  readonly channel: Channel;
  readonly template: string;
  readonly params: Attributes;
  readonly priority: number;
  readonly offer: WinbackOffer | null;
}

/**
 * An offer of a validated policy.
 *
 * @category winback
 */
export interface WinbackOffer {
  readonly id: string;
  readonly kind: 'discount' | 'plan' | 'bonus';
  readonly percentOff: number | null;
  readonly amountOff: number | null;
  readonly cycles: number | null;
  readonly plan: string | null;
  readonly bonus: string | null;
  readonly validFor: DurationInput;
}

/**
 * A validated win-back policy: the definition with every default filled in, still plain JSON
 * (store it, diff it, send it to an admin UI). Made by {@link defineWinbackPolicy}.
 *
 * @category winback
 */
export interface WinbackPolicy {
  readonly id: string;
  readonly version: number;
  readonly name: string | null;
  readonly description: string | null;
  readonly segments: readonly {
    readonly id: string;
    readonly name: string | null;
    readonly when: Condition | null;
    readonly steps: readonly WinbackStep[];
  }[];
  readonly eligibility: {
    readonly when: Condition | null;
    readonly cooldown: DurationInput;
    readonly excludeEvents: readonly string[];
    readonly decideAfter: FixedDurationInput;
  };
  readonly delivery: {
    readonly sendWindow: SendWindow | null;
    readonly caps: readonly FrequencyCap[];
    readonly onCap: 'defer' | 'skip';
    readonly expireAfter: FixedDurationInput;
  };
  readonly holdout: { readonly share: number; readonly salt: string };
  readonly attributionWindow: DurationInput;
  readonly exitSurvey: {
    readonly dictionary: ExitReasonDictionary | null;
    readonly minConfidence: number;
  };
}

/**
 * The default win-back sequence: three emails at a caring pace. Day 3 regrets the departure and
 * asks why (`winback-ask-why`); day 14 proposes a solution to their reason (`winback-solution`,
 * e.g. the new feature that fixes what they missed); day 30 makes a time-limited offer
 * (`winback-offer`: 20% off for three months, open for 14 days after it is sent). Each message's
 * parameters carry the reason, the segment and the offer with its expiry.
 *
 * @returns The three steps (a fresh copy).
 *
 * @example
 * defaultWinbackSequence().map((s) => [s.id, s.after, s.purpose])
 * //=> [['ask-why', { days: 3 }, 'ask_why'], ['solution', { days: 14 }, 'solution'], ['offer', { days: 30 }, 'offer']]
 *
 * @category winback
 */
export function defaultWinbackSequence(): WinbackStepDefinition[] {
  return [
    {
      id: 'ask-why',
      purpose: 'ask_why',
      after: { days: 3 },
      channel: 'email',
      template: 'winback-ask-why',
    },
    {
      id: 'solution',
      purpose: 'solution',
      after: { days: 14 },
      channel: 'email',
      template: 'winback-solution',
    },
    {
      id: 'offer',
      purpose: 'offer',
      after: { days: 30 },
      channel: 'email',
      template: 'winback-offer',
      offer: {
        id: 'winback-20-off',
        kind: 'discount',
        percentOff: 20,
        cycles: 3,
        validFor: { days: 14 },
      },
    },
  ];
}

const PURPOSES: readonly WinbackStepPurpose[] = ['ask_why', 'solution', 'offer', 'message'];

const schema = /* @__PURE__ */ lazy(() => {
  // names and conditions may be null: a validated policy read back from storage says so
  const name = z.string().max(200).nullable().optional();
  const condition = conditionSchema().nullable().optional();
  const offer = z.strictObject({
    id: zId(),
    kind: z.enum(['discount', 'plan', 'bonus']),
    percentOff: z.number().min(1).max(100).nullable().optional(),
    amountOff: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
    cycles: z.number().int().min(1).max(36).nullable().optional(),
    plan: zId().nullable().optional(),
    bonus: zId().nullable().optional(),
    validFor: zDuration(),
  });
  const step = z.strictObject({
    id: zId(),
    purpose: z.enum(PURPOSES as [WinbackStepPurpose, ...WinbackStepPurpose[]]).optional(),
    after: zDuration(),
    channel: z.enum(CHANNELS as [Channel, ...Channel[]]),
    template: zId(),
    params: zJsonRecord().optional(),
    priority: z.number().int().min(-1000).max(1000).optional(),
    offer: offer.nullable().optional(),
  });
  return z.strictObject({
    id: zId(),
    version: zVersion(),
    name,
    description: z.string().max(2000).nullable().optional(),
    segments: z
      .array(
        z.strictObject({
          id: zId(),
          name,
          when: condition,
          steps: z.array(step).min(1).max(10).optional(),
        }),
      )
      .min(1)
      .max(50)
      .optional(),
    eligibility: z
      .strictObject({
        when: condition,
        cooldown: zDuration().optional(),
        excludeEvents: z.array(zId()).max(50).optional(),
        decideAfter: zDuration().optional(),
      })
      .optional(),
    delivery: z
      .strictObject({
        sendWindow: z
          .strictObject({
            start: z.string().max(5),
            end: z.string().max(5),
            days: z.array(z.number()).max(7).optional(),
          })
          .nullable()
          .optional(),
        caps: z
          .array(
            z.strictObject({
              max: z.number(),
              per: z.union([z.string().max(64), z.number()]),
              scope: z.string().optional(),
              channel: z.enum(CHANNELS as [Channel, ...Channel[]]).optional(),
            }),
          )
          .max(10)
          .optional(),
        onCap: z.enum(['defer', 'skip']).optional(),
        expireAfter: zDuration().optional(),
      })
      .optional(),
    holdout: z
      .strictObject({ share: z.number().min(0).max(0.5), salt: z.string().max(256).optional() })
      .optional(),
    attributionWindow: zDuration().optional(),
    exitSurvey: z
      .strictObject({
        dictionary: z.unknown().optional(),
        minConfidence: z.number().min(0).max(1).optional(),
      })
      .optional(),
  });
});

const DAY = 86_400_000;
/** Step offsets are compared (and capped) on this reference instant: 31 January, so months clamp. */
const REFERENCE = Date.UTC(2026, 0, 31);

/** A duration's length from the reference instant, in UTC. */
function nominal(d: Duration): number {
  return shiftByDuration(REFERENCE, d, 1, 'UTC') - REFERENCE;
}

/** The parts of a policy the planner uses, computed once per policy object. @internal */
export interface CompiledWinbackPolicy {
  readonly policy: WinbackPolicy;
  readonly segments: readonly {
    readonly id: string;
    readonly when: CompiledCondition | null;
    readonly steps: readonly (WinbackStep & {
      readonly afterParsed: Duration;
      readonly validForParsed: Duration | null;
      readonly index: number;
    })[];
  }[];
  readonly when: CompiledCondition | null;
  readonly cooldown: Duration;
  readonly excludeEvents: ReadonlySet<string>;
  readonly decideAfterMs: number;
  readonly window: ParsedSendWindow | null;
  readonly caps: readonly ParsedFrequencyCap[];
  readonly onCap: 'defer' | 'skip';
  readonly expireAfterMs: number;
  readonly holdoutShare: number;
  readonly holdoutSalt: string;
  readonly attribution: Duration;
  readonly classify: (text: string) => ExitReasonClassification;
  readonly minConfidence: number;
}

const compiledPolicies = new WeakMap<WinbackPolicy, CompiledWinbackPolicy>();

/**
 * The compiled form of a policy: from the cache, or, for a policy that was stored and read back
 * as JSON, validated again. @internal
 */
export function compiledWinbackPolicy(policy: WinbackPolicy): CompiledWinbackPolicy {
  const cached = compiledPolicies.get(policy);
  if (cached !== undefined) return cached;
  const fresh = defineWinbackPolicy(policy as unknown as WinbackPolicyDefinition);
  const compiled = { ...compiledPolicies.get(fresh)!, policy };
  compiledPolicies.set(policy, compiled);
  return compiled;
}

/** Moves the issues of an input error (from a core parser) under a path of the definition. */
function adopt(error: unknown, base: IssuePath, issues: RetentionIssue[]): void {
  if (error instanceof RetentionError && error.issues.length > 0) {
    for (const issue of error.issues) issues.push({ ...issue, path: [...base, ...issue.path] });
  } else throw error;
}

function fixedMs(input: DurationInput, path: IssuePath, issues: RetentionIssue[]): number {
  const d = parseDuration(input);
  if (d.kind === 'fixed') return d.ms;
  issues.push({
    code: 'invalid_duration',
    path,
    expected: "a fixed duration such as '1h' or '2d'",
    received: 'calendar duration',
  });
  return 0;
}

/**
 * Validates a win-back policy and fills in its defaults. Besides the shape of every field, it
 * checks that segment ids and the step ids of each sequence are distinct; steps come in
 * increasing `after` order, within two years; an offer step has an offer, a discount has either
 * `percentOff` or `amountOff`, a plan offer names its plan and a bonus its bonus, and an offer
 * stays open at most a year; the `winback` parameter is left to the planner; the send window,
 * the caps, the conditions and the exit-survey dictionary are valid; `decideAfter` and
 * `expireAfter` are fixed durations.
 *
 * @param definition - The policy as plain JSON.
 * @returns The policy with defaults filled in, ready for {@link planWinback}.
 * @throws {RetentionDefinitionError} With every issue and its path inside the definition.
 *
 * @example
 * const policy = defineWinbackPolicy({ id: 'winback', version: 1 });
 * [policy.segments.map((s) => s.id), policy.segments[0].steps.map((s) => s.template), policy.eligibility.cooldown, policy.holdout]
 * //=> [['all'], ['winback-ask-why', 'winback-solution', 'winback-offer'], { days: 180 }, { share: 0, salt: 'winback' }]
 *
 * @example
 * defineWinbackPolicy({
 *   id: 'winback', version: 1,
 *   segments: [{ id: 'all', steps: [
 *     { id: 'late', after: { days: 10 }, channel: 'email', template: 'a' },
 *     { id: 'early', after: { days: 3 }, channel: 'email', template: 'b' },
 *   ] }],
 * })
 * //=> throws 'defineWinbackPolicy: definition.segments[0].steps[1].after is out of order (expected later than the step before)'
 *
 * @category winback
 */
export function defineWinbackPolicy(definition: WinbackPolicyDefinition): WinbackPolicy {
  const fn = 'defineWinbackPolicy';
  const d = parseDefinition(schema(), definition, fn);
  const issues: RetentionIssue[] = [];
  const segmentIds = new Set<string>();
  let longest = 0;
  type ParsedSegment = NonNullable<typeof d.segments>[number];
  const given: readonly ParsedSegment[] = d.segments ?? [
    { id: 'all', steps: defaultWinbackSequence() as NonNullable<ParsedSegment['steps']> },
  ];
  const segments = given.map((s, si) => {
    if (segmentIds.has(s.id)) issues.push({ code: 'duplicate', path: ['segments', si, 'id'] });
    segmentIds.add(s.id);
    const stepIds = new Set<string>();
    let previous = -1;
    const steps = (
      s.steps ?? (defaultWinbackSequence() as NonNullable<ParsedSegment['steps']>)
    ).map((st, i) => {
      const path = ['segments', si, 'steps', i];
      if (stepIds.has(st.id)) issues.push({ code: 'duplicate', path: [...path, 'id'] });
      stepIds.add(st.id);
      const after = nominal(parseDuration(st.after));
      if (after <= previous)
        issues.push({
          code: 'order',
          path: [...path, 'after'],
          expected: 'later than the step before',
        });
      else if (after > 731 * DAY)
        issues.push({
          code: 'out_of_range',
          path: [...path, 'after'],
          expected: 'at most two years',
        });
      previous = Math.max(previous, after);
      longest = Math.max(longest, after);
      if (st.params !== undefined && Object.hasOwn(st.params, 'winback'))
        issues.push({
          code: 'invalid_value',
          path: [...path, 'params', 'winback'],
          detail: 'the winback parameter is set by the planner',
        });
      const o = st.offer ?? null;
      const purpose = st.purpose ?? (o === null ? 'message' : 'offer');
      if (purpose === 'offer' && o === null)
        issues.push({
          code: 'required',
          path: [...path, 'offer'],
          detail: 'an offer step makes an offer',
        });
      if (o !== null) {
        const op = [...path, 'offer'];
        if (o.kind === 'discount' && (o.percentOff == null) === (o.amountOff == null))
          issues.push({
            code: 'invalid_value',
            path: op,
            detail: 'a discount has either percentOff or amountOff, not both',
          });
        if (o.kind === 'plan' && o.plan == null)
          issues.push({ code: 'required', path: [...op, 'plan'] });
        if (o.kind === 'bonus' && o.bonus == null)
          issues.push({ code: 'required', path: [...op, 'bonus'] });
        if (
          nominal(parseDuration(o.validFor)) <= 0 ||
          nominal(parseDuration(o.validFor)) > 366 * DAY
        )
          issues.push({
            code: 'out_of_range',
            path: [...op, 'validFor'],
            expected: 'longer than zero and at most a year',
          });
      }
      const step: WinbackStep = {
        id: st.id,
        purpose,
        after: st.after,
        channel: st.channel,
        template: st.template,
        params: st.params ?? {},
        priority: st.priority ?? 0,
        offer:
          o === null
            ? null
            : {
                id: o.id,
                kind: o.kind,
                percentOff: o.percentOff ?? null,
                amountOff: o.amountOff ?? null,
                cycles: o.kind === 'discount' ? (o.cycles ?? 1) : (o.cycles ?? null),
                plan: o.plan ?? null,
                bonus: o.bonus ?? null,
                validFor: o.validFor,
              },
      };
      return step;
    });
    return {
      id: s.id,
      name: s.name ?? null,
      when: (s.when as Condition | null | undefined) ?? null,
      steps,
    };
  });
  const e = d.eligibility ?? {};
  const decideAfter = (e.decideAfter ?? '1h') as FixedDurationInput;
  const decideAfterMs = fixedMs(decideAfter, ['eligibility', 'decideAfter'], issues);
  if (decideAfterMs > 7 * DAY)
    issues.push({
      code: 'out_of_range',
      path: ['eligibility', 'decideAfter'],
      expected: 'at most a week',
    });
  const del = d.delivery ?? {};
  const expireAfter = (del.expireAfter ?? '1d') as FixedDurationInput;
  const expireAfterMs = fixedMs(expireAfter, ['delivery', 'expireAfter'], issues);
  let window: ParsedSendWindow | null = null;
  if (del.sendWindow != null) {
    try {
      window = parseSendWindow(del.sendWindow as SendWindow);
    } catch (error) {
      adopt(error, ['delivery', 'sendWindow'], issues);
    }
  }
  let caps: ParsedFrequencyCap[] = [];
  try {
    caps = parseFrequencyCaps((del.caps ?? []) as FrequencyCap[], { path: ['delivery', 'caps'] });
  } catch (error) {
    adopt(error, [], issues);
  }
  const attributionMs = nominal(parseDuration(d.attributionWindow ?? { days: 90 }));
  if (attributionMs > 731 * DAY)
    issues.push({
      code: 'out_of_range',
      path: ['attributionWindow'],
      expected: 'at most two years',
    });
  else if (attributionMs <= longest)
    issues.push({
      code: 'out_of_range',
      path: ['attributionWindow'],
      expected: 'longer than every sequence (the last step after the cancellation)',
    });
  const survey = d.exitSurvey ?? {};
  let classify: ((text: string) => ExitReasonClassification) | null = null;
  try {
    classify = exitReasonClassifier(
      (survey.dictionary ?? undefined) as ExitReasonDictionary | undefined,
    );
  } catch (error) {
    adopt(error, ['exitSurvey', 'dictionary'], issues);
  }
  if (issues.length > 0) throw new RetentionDefinitionError(fn, issues);
  const policy: WinbackPolicy = {
    id: d.id,
    version: d.version,
    name: d.name ?? null,
    description: d.description ?? null,
    segments,
    eligibility: {
      when: (e.when as Condition | null | undefined) ?? null,
      cooldown: e.cooldown ?? { days: 180 },
      excludeEvents: e.excludeEvents ?? ['chargeback', 'fraud_detected'],
      decideAfter,
    },
    delivery: {
      sendWindow: (del.sendWindow as SendWindow | null | undefined) ?? null,
      caps: (del.caps ?? []) as FrequencyCap[],
      onCap: del.onCap ?? 'defer',
      expireAfter,
    },
    holdout: { share: d.holdout?.share ?? 0, salt: d.holdout?.salt ?? d.id },
    attributionWindow: d.attributionWindow ?? { days: 90 },
    exitSurvey: {
      dictionary: (survey.dictionary as ExitReasonDictionary | undefined) ?? null,
      minConfidence: survey.minConfidence ?? 0.3,
    },
  };
  compiledPolicies.set(policy, {
    policy,
    segments: segments.map((s) => ({
      id: s.id,
      when: s.when === null ? null : compileCondition(s.when),
      steps: s.steps.map((st, index) => ({
        ...st,
        index,
        afterParsed: parseDuration(st.after),
        validForParsed: st.offer === null ? null : parseDuration(st.offer.validFor),
      })),
    })),
    when: policy.eligibility.when === null ? null : compileCondition(policy.eligibility.when),
    cooldown: parseDuration(policy.eligibility.cooldown),
    excludeEvents: new Set(policy.eligibility.excludeEvents),
    decideAfterMs,
    window,
    caps,
    onCap: policy.delivery.onCap,
    expireAfterMs,
    holdoutShare: policy.holdout.share,
    holdoutSalt: policy.holdout.salt,
    attribution: parseDuration(policy.attributionWindow),
    classify: classify!,
    minConfidence: policy.exitSurvey.minConfidence,
  });
  return policy;
}
