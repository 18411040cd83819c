import * as z from 'zod';
import { type ActionSpec, actionKey, actionSpecSchema, type PlannedAction } from '../core/action';
import {
  type CompiledCondition,
  type Condition,
  compileCondition,
  conditionSchema,
} from '../core/condition';
import { type DurationInput, parseDuration, shiftByDuration } from '../core/duration';
import {
  describeType,
  failInput,
  type InputLocation,
  RetentionDefinitionError,
  type RetentionIssue,
} from '../core/errors';
import { type Instant, type InstantInput, toInstant } from '../core/instant';
import { lazy } from '../core/lazy';
import type { Attributes, BillingInterval } from '../core/records';
import { toTimeZone } from '../core/timeZone';
import { parseDefinition, zDuration, zId, zJsonRecord, zVersion } from '../core/validate';
import { EXIT_REASONS, type ExitReason, isExitReason } from './exitReasons';
import {
  at,
  optionalCurrency,
  optionalNumber,
  optionalString,
  requireId,
  requireObject,
} from './input';

/**
 * The kinds of offer a cancellation flow can make before the cancel goes through: a pause of one
 * or more months instead of cancelling, a cheaper plan, a discount, or help from a person.
 *
 * @category winback
 */
export type SaveOfferKind = 'pause' | 'downgrade' | 'discount' | 'human';

/**
 * What every save offer has.
 *
 * @category winback
 */
export interface SaveOfferDefinitionBase {
  /** A stable id: outcomes and results refer to it. */
  readonly id: string;
  /** A label for people. */
  readonly name?: string;
  /** The offer is made only when this holds (see {@link planCancellationSave} for the facts). @defaultValue always */
  readonly when?: Condition;
  /** Parameters for your cancellation-flow UI (copy, button labels). @defaultValue `{}` */
  readonly params?: Attributes;
}

/**
 * Pause instead of cancelling: billing stops for the chosen number of months, then resumes.
 *
 * @category winback
 */
export interface PauseOfferDefinition extends SaveOfferDefinitionBase {
  readonly kind: 'pause';
  /** The lengths the customer may choose, in months, ascending, 1 to 12. @defaultValue `[1]` */
  readonly months?: readonly number[];
}

/**
 * Switch to a cheaper plan instead of cancelling.
 *
 * @category winback
 */
export interface DowngradeOfferDefinition extends SaveOfferDefinitionBase {
  readonly kind: 'downgrade';
  /** The plan to offer; a customer already on it is not offered it. */
  readonly plan: string;
  /** Its price per month in minor units, to show the saving. @defaultValue unknown */
  readonly amount?: number;
}

/**
 * A discount for some billing cycles if the customer stays: `percentOff` or `amountOff` (minor
 * units), not both.
 *
 * @category winback
 */
export interface DiscountOfferDefinition extends SaveOfferDefinitionBase {
  readonly kind: 'discount';
  /** 1 to 100. */
  readonly percentOff?: number;
  /** Minor units off each cycle, in the customer's currency. */
  readonly amountOff?: number;
  /** For how many billing cycles, 1 to 36. */
  readonly cycles: number;
}

/**
 * Help from a person: a call with a success manager, a support engineer, a product specialist.
 * `action` is what to plan when the customer accepts (a CRM task, a message to the team).
 *
 * @category winback
 */
export interface HumanOfferDefinition extends SaveOfferDefinitionBase {
  readonly kind: 'human';
  readonly action: ActionSpec;
}

/**
 * One offer of a cancellation-save policy.
 *
 * @category winback
 */
export type SaveOfferDefinition =
  | PauseOfferDefinition
  | DowngradeOfferDefinition
  | DiscountOfferDefinition
  | HumanOfferDefinition;

/**
 * A cancellation-save policy as plain JSON: the offers, which of them fit which exit reason, and
 * the limits. Validated by {@link defineCancellationSavePolicy}.
 *
 * @example
 * const definition: CancellationSavePolicyDefinition = {
 *   id: 'saves', version: 1,
 *   offers: [
 *     { id: 'pause', kind: 'pause', months: [1, 2, 3] },
 *     { id: 'starter', kind: 'downgrade', plan: 'starter', amount: 2900 },
 *     { id: 'quarter-off', kind: 'discount', percentOff: 25, cycles: 3 },
 *     { id: 'call', kind: 'human', action: { channel: 'crm_task', template: 'save-call' },
 *       when: { fact: 'mrr', op: 'gte', value: 9900 } },
 *   ],
 * };
 *
 * @category winback
 */
export interface CancellationSavePolicyDefinition {
  /** A stable id; it is part of every offer's key. */
  readonly id: string;
  /** Bump it when you change the policy. */
  readonly version: number;
  readonly name?: string;
  readonly description?: string;
  /** One to twenty offers, with distinct ids. */
  readonly offers: readonly SaveOfferDefinition[];
  /**
   * Which offers fit each reason, best first, by offer id. A reason left out gets the offers of
   * the kinds that fit it by default: price → discount, downgrade, pause; missing_feature →
   * human, discount; no_value → human, pause; technical → human, discount; support → human,
   * discount; competitor → discount, human, downgrade; temporary → pause; other → pause,
   * discount (each kind in the order the offers are listed).
   * @defaultValue the default fit for every reason
   */
  readonly byReason?: Partial<Readonly<Record<ExitReason, readonly string[]>>>;
  /** At most this many offers at once, 1 to 5. @defaultValue `2` */
  readonly maxOffers?: number;
  /** An offer of a kind the customer accepted less than this long ago is not made again. @defaultValue `{ months: 6 }` */
  readonly cooldown?: DurationInput;
  /** Save offers are made only when this holds. @defaultValue always */
  readonly when?: Condition;
}

/**
 * A validated cancellation-save policy: the definition with every default filled in, still
 * plain JSON. Made by {@link defineCancellationSavePolicy}.
 *
 * @category winback
 */
export interface CancellationSavePolicy {
  readonly id: string;
  readonly version: number;
  readonly name: string | null;
  readonly description: string | null;
  readonly offers: readonly (SaveOfferDefinition & {
    readonly name: string | null;
    readonly when: Condition | null;
    readonly params: Attributes;
  })[];
  readonly byReason: Readonly<Record<ExitReason, readonly string[]>>;
  readonly maxOffers: number;
  readonly cooldown: DurationInput;
  readonly when: Condition | null;
}

const FIT: Readonly<Record<ExitReason, readonly SaveOfferKind[]>> = {
  price: ['discount', 'downgrade', 'pause'],
  missing_feature: ['human', 'discount'],
  no_value: ['human', 'pause'],
  technical: ['human', 'discount'],
  support: ['human', 'discount'],
  competitor: ['discount', 'human', 'downgrade'],
  temporary: ['pause'],
  other: ['pause', 'discount'],
};

const schema = /* @__PURE__ */ lazy(() => {
  // names and conditions may be null: a validated policy read back from storage says so
  const base = {
    id: zId(),
    name: z.string().max(200).nullable().optional(),
    when: conditionSchema().nullable().optional(),
    params: zJsonRecord().optional(),
  };
  const offer = z.discriminatedUnion('kind', [
    z.strictObject({
      ...base,
      kind: z.literal('pause'),
      months: z.array(z.number().int().min(1).max(12)).min(1).max(12).optional(),
    }),
    z.strictObject({
      ...base,
      kind: z.literal('downgrade'),
      plan: zId(),
      amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    }),
    z.strictObject({
      ...base,
      kind: z.literal('discount'),
      percentOff: z.number().min(1).max(100).optional(),
      amountOff: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
      cycles: z.number().int().min(1).max(36),
    }),
    z.strictObject({ ...base, kind: z.literal('human'), action: actionSpecSchema() }),
  ]);
  const ids = z.array(zId()).max(20);
  return z.strictObject({
    id: zId(),
    version: zVersion(),
    name: z.string().max(200).nullable().optional(),
    description: z.string().max(2000).nullable().optional(),
    offers: z.array(offer).min(1).max(20),
    byReason: z
      .strictObject({
        price: ids.optional(),
        missing_feature: ids.optional(),
        no_value: ids.optional(),
        technical: ids.optional(),
        support: ids.optional(),
        competitor: ids.optional(),
        temporary: ids.optional(),
        other: ids.optional(),
      })
      .optional(),
    maxOffers: z.number().int().min(1).max(5).optional(),
    cooldown: zDuration().optional(),
    when: conditionSchema().nullable().optional(),
  });
});

/** The compiled conditions of a policy, by the policy object. */
const compiledPolicies = new WeakMap<
  CancellationSavePolicy,
  {
    readonly when: CompiledCondition | null;
    readonly offers: readonly (CompiledCondition | null)[];
  }
>();

function compiledOf(policy: CancellationSavePolicy) {
  let c = compiledPolicies.get(policy);
  if (c === undefined) {
    // a policy that was stored and read back as JSON: validate it again
    const fresh = defineCancellationSavePolicy(policy as CancellationSavePolicyDefinition);
    c = compiledPolicies.get(fresh)!;
    compiledPolicies.set(policy, c);
  }
  return c;
}

/**
 * Validates a cancellation-save policy and fills in its defaults: offer ids are distinct, the
 * reasons name only listed offers, a discount has either `percentOff` or `amountOff`, pause
 * lengths ascend, conditions are valid.
 *
 * @param definition - The policy as plain JSON.
 * @returns The policy with defaults filled in, ready for {@link planCancellationSave}.
 * @throws {RetentionDefinitionError} With every issue and its path inside the definition.
 *
 * @example
 * const policy = defineCancellationSavePolicy({
 *   id: 'saves', version: 1,
 *   offers: [
 *     { id: 'pause', kind: 'pause', months: [1, 3] },
 *     { id: 'quarter-off', kind: 'discount', percentOff: 25, cycles: 3 },
 *   ],
 * });
 * [policy.byReason.price, policy.byReason.temporary, policy.byReason.no_value, policy.maxOffers]
 * //=> [['quarter-off', 'pause'], ['pause'], ['pause'], 2]
 *
 * @example
 * defineCancellationSavePolicy({
 *   id: 'saves', version: 1,
 *   offers: [{ id: 'off', kind: 'discount', percentOff: 20, amountOff: 500, cycles: 2 }],
 *   byReason: { price: ['off', 'pause'] },
 * })
 * //=> throws 'defineCancellationSavePolicy: definition.offers[0] has an invalid value: a discount has either percentOff or amountOff, not both (and 1 more issue(s))'
 *
 * @category winback
 */
export function defineCancellationSavePolicy(
  definition: CancellationSavePolicyDefinition,
): CancellationSavePolicy {
  const fn = 'defineCancellationSavePolicy';
  const d = parseDefinition(schema(), definition, fn);
  const issues: RetentionIssue[] = [];
  const ids = new Map<string, number>();
  d.offers.forEach((o, i) => {
    if (ids.has(o.id)) issues.push({ code: 'duplicate', path: ['offers', i, 'id'] });
    else ids.set(o.id, i);
    if (o.kind === 'discount' && (o.percentOff === undefined) === (o.amountOff === undefined))
      issues.push({
        code: 'invalid_value',
        path: ['offers', i],
        detail: 'a discount has either percentOff or amountOff, not both',
      });
    if (o.kind === 'pause' && o.months !== undefined)
      o.months.forEach((m, k) => {
        if (k > 0 && m <= o.months![k - 1]!)
          issues.push({
            code: 'order',
            path: ['offers', i, 'months', k],
            expected: 'ascending, distinct lengths',
          });
      });
  });
  for (const reason of EXIT_REASONS) {
    const list = d.byReason?.[reason];
    list?.forEach((id, k) => {
      if (!ids.has(id))
        issues.push({
          code: 'unknown_reference',
          path: ['byReason', reason, k],
          detail: 'not the id of an offer of this policy',
        });
      else if (list.indexOf(id) !== k)
        issues.push({ code: 'duplicate', path: ['byReason', reason, k] });
    });
  }
  if (issues.length > 0) throw new RetentionDefinitionError(fn, issues);
  const offers = d.offers.map((o) => {
    const common = {
      name: o.name ?? null,
      when: (o.when as Condition | undefined) ?? null,
      params: o.params ?? {},
    };
    switch (o.kind) {
      case 'pause':
        return { ...o, ...common, months: o.months ?? [1] };
      case 'human':
        return { ...o, ...common, action: o.action as Required<ActionSpec> };
      default:
        return { ...o, ...common };
    }
  }) as CancellationSavePolicy['offers'];
  const byReason = {} as Record<ExitReason, readonly string[]>;
  for (const reason of EXIT_REASONS) {
    byReason[reason] =
      d.byReason?.[reason] ??
      FIT[reason].flatMap((kind) => offers.filter((o) => o.kind === kind).map((o) => o.id));
  }
  const policy: CancellationSavePolicy = {
    id: d.id,
    version: d.version,
    name: d.name ?? null,
    description: d.description ?? null,
    offers,
    byReason,
    maxOffers: d.maxOffers ?? 2,
    cooldown: d.cooldown ?? { months: 6 },
    when: (d.when as Condition | undefined) ?? null,
  };
  compiledPolicies.set(policy, {
    when: policy.when === null ? null : compileCondition(policy.when),
    offers: offers.map((o) => (o.when === null ? null : compileCondition(o.when))),
  });
  return policy;
}

/**
 * The customer a cancellation flow is about to lose, as {@link planCancellationSave} reads it. A
 * core `Customer` fits; the other fields make offers and conditions sharper.
 *
 * @category winback
 */
export interface SaveCustomer {
  readonly id: string;
  /** Their current plan. */
  readonly plan?: string;
  /** What they pay per month, in minor units. */
  readonly mrr?: number;
  readonly currency?: string;
  readonly billingInterval?: BillingInterval;
  /** Their lifetime value so far, in minor units. */
  readonly ltv?: number;
  /** When they signed up, for `tenureDays`. */
  readonly signedUpAt?: InstantInput;
  /** Their IANA time zone, for the dates a pause ends. @defaultValue `'UTC'` */
  readonly timeZone?: string;
  readonly attributes?: Attributes;
  /** Save offers they accepted before, for the cooldown. @defaultValue `[]` */
  readonly acceptedOffers?: readonly { readonly kind: SaveOfferKind; readonly at: InstantInput }[];
}

/**
 * Options of {@link planCancellationSave}.
 *
 * @category winback
 */
export interface PlanCancellationSaveOptions {
  /** The current time. Nothing reads the clock. */
  readonly now: InstantInput;
  /** Identifies this cancellation attempt in the offers' keys. @defaultValue `now` in epoch milliseconds */
  readonly attemptId?: string;
}

interface SaveOfferBase {
  readonly id: string;
  readonly name: string | null;
  /** Deterministic idempotency key of this offer in this attempt: record outcomes by it. */
  readonly key: string;
  readonly params: Attributes;
}

/**
 * A pause offer: each length the customer may choose, and when billing would resume.
 *
 * @category winback
 */
export interface PauseSaveOffer extends SaveOfferBase {
  readonly kind: 'pause';
  readonly months: readonly number[];
  /** For each length, when the pause ends (calendar months in the customer's time zone). */
  readonly resumesAt: readonly Instant[];
}

/**
 * A cheaper plan.
 *
 * @category winback
 */
export interface DowngradeSaveOffer extends SaveOfferBase {
  readonly kind: 'downgrade';
  readonly plan: string;
  /** The plan's monthly price, when the policy gives it. */
  readonly amount: number | null;
  /** What the customer would save a month, when both prices are known. */
  readonly monthlySaving: number | null;
}

/**
 * A discount for some billing cycles.
 *
 * @category winback
 */
export interface DiscountSaveOffer extends SaveOfferBase {
  readonly kind: 'discount';
  readonly percentOff: number | null;
  readonly amountOff: number | null;
  readonly cycles: number;
  /** The monthly price after the discount, when the customer's `mrr` is known. */
  readonly discountedAmount: number | null;
}

/**
 * Help from a person, with the action to plan when the customer accepts.
 *
 * @category winback
 */
export interface HumanSaveOffer extends SaveOfferBase {
  readonly kind: 'human';
  /** Due at `now`; deliver it when the customer accepts the offer. */
  readonly action: PlannedAction;
}

/**
 * An offer to show in the cancellation flow.
 *
 * @category winback
 */
export type SaveOffer = PauseSaveOffer | DowngradeSaveOffer | DiscountSaveOffer | HumanSaveOffer;

/**
 * Why an offer that fits the reason was not made.
 *
 * | why | |
 * |---|---|
 * | `condition` | its `when` does not hold for this customer |
 * | `cooldown` | the customer accepted an offer of this kind within the cooldown |
 * | `same_plan` | a downgrade to the plan they are on |
 * | `limit` | `maxOffers` offers came before it |
 *
 * @category winback
 */
export type SaveOfferSkip = 'condition' | 'cooldown' | 'same_plan' | 'limit';

/**
 * What {@link planCancellationSave} returns.
 *
 * @category winback
 */
export interface CancellationSavePlan {
  readonly customerId: string;
  readonly policyId: string;
  readonly policyVersion: number;
  readonly reason: ExitReason;
  readonly attemptId: string;
  readonly plannedAt: Instant;
  /** `false` when the policy's `when` does not hold (then no offer is made). */
  readonly eligible: boolean;
  /** The offers to show, best first (at most `maxOffers`). */
  readonly offers: readonly SaveOffer[];
  /** Offers that fit the reason and were left out, in order, with why. */
  readonly skipped: readonly { readonly offerId: string; readonly why: SaveOfferSkip }[];
}

const FN = 'planCancellationSave';
const DAY = 86_400_000;

/** The facts conditions of a save policy read. */
function saveFacts(
  c: Record<string, unknown>,
  reason: ExitReason,
  now: Instant,
  where: InputLocation,
): Record<string, unknown> {
  const signedUpAt =
    c.signedUpAt === undefined
      ? null
      : toInstant(c.signedUpAt as InstantInput, at(where, 'signedUpAt'));
  const attributes =
    c.attributes === undefined ? {} : requireObject(c.attributes, at(where, 'attributes'));
  return {
    reason,
    plan: optionalString(c.plan, at(where, 'plan')),
    mrr: optionalNumber(c.mrr, at(where, 'mrr'), { integer: true, min: 0 }),
    currency: optionalCurrency(c.currency, at(where, 'currency')),
    billingInterval: optionalString(c.billingInterval, at(where, 'billingInterval')),
    ltv: optionalNumber(c.ltv, at(where, 'ltv'), { min: 0 }),
    tenureDays: signedUpAt === null ? null : Math.floor((now - signedUpAt) / DAY),
    attributes,
  };
}

/**
 * Plans the save offers of a cancellation flow: before the cancel goes through, offer what fits
 * the reason the customer gives, a pause of one or more months for a temporary need, a cheaper
 * plan or a discount over price, help from a person for a missing feature, a technical problem
 * or a bad support experience. Offers are taken in the policy's order for the reason, leaving out
 * those whose condition fails, those of a kind the customer accepted within the cooldown and a
 * downgrade to their own plan, up to `maxOffers`. Conditions read the facts `reason`, `plan`,
 * `mrr`, `currency`, `billingInterval`, `ltv`, `tenureDays` (whole days since `signedUpAt`) and
 * `attributes`. Record what the customer did as a {@link CancellationSaveOutcome} and measure it
 * with {@link cancellationSaveResults}.
 *
 * @param customer - The customer (see {@link SaveCustomer}).
 * @param reason - Why they are leaving (from the flow's survey, or {@link classifyExitReason}).
 * @param policy - A policy from {@link defineCancellationSavePolicy}.
 * @param options - `now`, and the attempt id for the keys.
 * @returns The offers to show, and those left out with why.
 * @throws {RetentionInputError} When the customer, the reason or `now` is malformed.
 * @throws {RetentionDefinitionError} When `policy` is a stored object that is not a valid policy.
 *
 * @example
 * const policy = defineCancellationSavePolicy({
 *   id: 'saves', version: 1,
 *   offers: [
 *     { id: 'pause', kind: 'pause', months: [1, 2] },
 *     { id: 'starter', kind: 'downgrade', plan: 'starter', amount: 2900 },
 *     { id: 'quarter-off', kind: 'discount', percentOff: 25, cycles: 3 },
 *   ],
 * });
 * const customer = { id: 'cus_1', plan: 'team', mrr: 9900, currency: 'USD' };
 * const save = planCancellationSave(customer, 'price', policy, { now: '2026-03-10T12:00:00Z' });
 * save.offers.map((o) => o.kind === 'discount' ? [o.id, o.discountedAmount] : o.kind === 'downgrade' ? [o.id, o.monthlySaving] : [o.id])
 * //=> [['quarter-off', 7425], ['starter', 7000]]
 *
 * @example
 * const policy = defineCancellationSavePolicy({
 *   id: 'saves', version: 1, offers: [{ id: 'pause', kind: 'pause', months: [1, 2] }],
 * });
 * const save = planCancellationSave({ id: 'cus_2' }, 'temporary', policy, { now: '2026-01-31T12:00:00Z' });
 * save.offers[0].kind === 'pause' && save.offers[0].resumesAt.map((t) => new Date(t).toISOString())
 * //=> ['2026-02-28T12:00:00.000Z', '2026-03-31T12:00:00.000Z']
 *
 * @category winback
 */
export function planCancellationSave(
  customer: SaveCustomer,
  reason: ExitReason,
  policy: CancellationSavePolicy,
  options: PlanCancellationSaveOptions,
): CancellationSavePlan {
  const compiled = compiledOf(policy);
  const where: InputLocation = { fn: FN, root: 'customer', path: [] };
  const c = requireObject(customer, where);
  const customerId = requireId(c.id, at(where, 'id'));
  if (!isExitReason(reason))
    failInput(
      { fn: FN, root: 'reason' },
      {
        code: 'invalid_enum',
        path: [],
        expected: `one of ${EXIT_REASONS.join(', ')}`,
        received: describeType(reason),
      },
    );
  const opts = requireObject(options, { fn: FN, root: 'options' });
  const now = toInstant(opts.now as InstantInput, { fn: FN, root: 'options', path: ['now'] });
  const attemptId =
    opts.attemptId === undefined
      ? String(now)
      : requireId(opts.attemptId, { fn: FN, root: 'options', path: ['attemptId'] });
  const timeZone = toTimeZone(c.timeZone as string | undefined, at(where, 'timeZone'));
  const facts = saveFacts(c, reason, now, where);
  const accepted: unknown = c.acceptedOffers ?? [];
  if (!Array.isArray(accepted))
    failInput(at(where, 'acceptedOffers'), {
      code: 'invalid_type',
      path: [],
      expected: 'an array of { kind, at }',
      received: describeType(accepted),
    });
  const cooldownStart = shiftByDuration(now, parseDuration(policy.cooldown), -1, timeZone);
  const recentKinds = new Set<string>();
  (accepted as readonly unknown[]).forEach((a, i) => {
    const w = at(where, 'acceptedOffers', i);
    const o = requireObject(a, w);
    const when = toInstant(o.at as InstantInput, at(w, 'at'));
    if (when > cooldownStart && when <= now) recentKinds.add(String(o.kind));
  });
  const base = {
    customerId,
    policyId: policy.id,
    policyVersion: policy.version,
    reason,
    attemptId,
    plannedAt: now,
  };
  if (compiled.when !== null && !compiled.when.evaluate(facts, now))
    return { ...base, eligible: false, offers: [], skipped: [] };
  const offers: SaveOffer[] = [];
  const skipped: { offerId: string; why: SaveOfferSkip }[] = [];
  const mrr = facts.mrr as number | null;
  for (const id of policy.byReason[reason]) {
    const index = policy.offers.findIndex((o) => o.id === id);
    const o = policy.offers[index]!;
    const condition = compiled.offers[index];
    let why: SaveOfferSkip | null = null;
    if (offers.length >= policy.maxOffers) why = 'limit';
    else if (condition != null && !condition.evaluate(facts, now)) why = 'condition';
    else if (recentKinds.has(o.kind)) why = 'cooldown';
    else if (o.kind === 'downgrade' && o.plan === facts.plan) why = 'same_plan';
    if (why !== null) {
      skipped.push({ offerId: id, why });
      continue;
    }
    const source = {
      module: 'winback',
      definitionId: policy.id,
      version: policy.version,
      occurrence: `save:${attemptId}`,
      step: o.id,
    } as const;
    const common = { id: o.id, name: o.name, key: actionKey(customerId, source), params: o.params };
    switch (o.kind) {
      case 'pause': {
        const months = o.months ?? [1];
        offers.push({
          ...common,
          kind: 'pause',
          months,
          resumesAt: months.map((m) =>
            shiftByDuration(now, parseDuration({ months: m }), 1, timeZone),
          ),
        });
        break;
      }
      case 'downgrade':
        offers.push({
          ...common,
          kind: 'downgrade',
          plan: o.plan,
          amount: o.amount ?? null,
          monthlySaving: o.amount === undefined || mrr === null ? null : mrr - o.amount,
        });
        break;
      case 'discount': {
        const percentOff = o.percentOff ?? null;
        const amountOff = o.amountOff ?? null;
        offers.push({
          ...common,
          kind: 'discount',
          percentOff,
          amountOff,
          cycles: o.cycles,
          discountedAmount:
            mrr === null
              ? null
              : percentOff !== null
                ? Math.round((mrr * (100 - percentOff)) / 100)
                : Math.max(0, mrr - amountOff!),
        });
        break;
      }
      case 'human': {
        const action = o.action;
        offers.push({
          ...common,
          kind: 'human',
          action: {
            key: common.key,
            customerId,
            channel: action.channel,
            template: action.template,
            params: { ...(action.params ?? {}), reason, offer: o.id },
            priority: action.priority ?? 0,
            dueAt: now,
            source,
          },
        });
        break;
      }
    }
  }
  return { ...base, eligible: true, offers, skipped };
}
