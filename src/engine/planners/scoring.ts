import type { DurationInput } from '../../core/duration';
import { addDuration, parseDuration } from '../../core/duration';
import type { Attributes } from '../../core/records';
import type { JsonValue } from '../../core/validate';
import {
  type ActivityHistory,
  type ActivityHistoryOptions,
  activityFacts,
  type EvaluateRiskSignalsOptions,
  evaluateRiskSignals,
  type HealthModel,
  type HealthScore,
  scoreHealth,
  updateActivityHistory,
} from '../../scoring/index';
import type { CustomerProfile, EnginePlanner, EngineSignal } from '../types';

/**
 * Options of {@link scoringPlanner}.
 *
 * @category engine
 */
export interface ScoringPlannerOptions {
  /** How often a customer is scored again when nothing happens (scores age with time). @defaultValue `'1d'` */
  readonly every?: DurationInput;
  /**
   * A `health_changed` signal is sent when the band changes or the score moves by at least this
   * many points since the last signal. @defaultValue `10`
   */
  readonly minChange?: number;
  /** Options of the activity history the facts and the risk signals are built from. @defaultValue `{}` */
  readonly history?: ActivityHistoryOptions;
  /** Windows (days) of the activity facts. @defaultValue `[7, 30, 90]` */
  readonly windows?: readonly number[];
  /** Options of the risk signals, each under its own key; `false` turns them off. @defaultValue `{}` */
  readonly riskSignals?: Omit<EvaluateRiskSignalsOptions, 'asOf'> | false;
}

/**
 * The scoring planner's state for one customer: the activity history, the latest score and the
 * risk signals that were firing at the last evaluation.
 *
 * @category engine
 */
export interface ScoringPlannerState {
  readonly history: ActivityHistory;
  readonly score: HealthScore | null;
  /** The score and band last announced in a `health_changed` signal. */
  readonly announced: { readonly score: number; readonly band: string } | null;
  readonly firing: readonly string[];
}

/**
 * The facts a health model reads in the engine: the customer's attributes (also at the top
 * level), `signedUpAt`, `daysSinceSignup`, and the activity facts under `activity`
 * (`activity.login.last30d`, `activity.login.daysSinceLast`, ...).
 *
 * @param profile - The customer's profile.
 * @param history - The customer's activity history.
 * @param asOf - The instant of the facts.
 * @param windows - The windows of the activity facts, in days.
 * @returns The facts.
 *
 * @example
 * const history = updateActivityHistory(undefined, [{ id: 'e1', customerId: 'c1', type: 'login', at: Date.UTC(2026, 0, 5) }]);
 * const facts = scoringFacts({ customerId: 'c1', signedUpAt: Date.UTC(2026, 0, 1), timeZone: 'UTC', attributes: { plan: 'team' } }, history, Date.UTC(2026, 0, 11), [7, 30]);
 * [facts.plan, facts.daysSinceSignup, facts.activity.login.last7d]
 * //=> ['team', 10, 1]
 *
 * @category engine
 */
export function scoringFacts(
  profile: CustomerProfile,
  history: ActivityHistory,
  asOf: number,
  windows: readonly number[] = [7, 30, 90],
): Attributes & { readonly activity: Record<string, Record<string, JsonValue>> } {
  const activity = activityFacts(history, { asOf, windows }) as unknown as Record<
    string,
    Record<string, JsonValue>
  >;
  return {
    ...profile.attributes,
    attributes: profile.attributes,
    signedUpAt: profile.signedUpAt,
    daysSinceSignup:
      profile.signedUpAt === null ? null : Math.floor((asOf - profile.signedUpAt) / 86_400_000),
    activity: activity as unknown as Record<string, JsonValue>,
  } as Attributes & { readonly activity: Record<string, Record<string, JsonValue>> };
}

/**
 * Scores each customer's health with a model from `defineHealthModel` and watches the built-in
 * risk signals: keeps an activity history of the customer's events (updated incrementally),
 * builds the facts with {@link scoringFacts}, scores on every evaluation and at least every
 * `every`, and reports what changed as signals that the lifecycle planner (at-risk transitions)
 * and trigger rules hear in the same evaluation:
 *
 * - `health_changed` `{ score, band, previousScore, previousBand }` when the band changes or the
 *   score moves by `minChange` points or more since the last announcement;
 * - `risk_detected` `{ signals, strength }` when a risk signal starts firing (not again while it
 *   keeps firing).
 *
 * @param model - A model from `defineHealthModel` (without percentile measures, which need the
 * whole population: score those with `scorePopulation` in a batch job).
 * @param options - See {@link ScoringPlannerOptions}.
 * @returns The planner, named `'scoring'`.
 *
 * @example
 * const model = defineHealthModel({
 *   id: 'health', version: 1,
 *   dimensions: [{ id: 'usage', measures: [{ id: 'logins', fact: 'activity.login.last30d', scale: { kind: 'linear', zeroAt: 0, fullAt: 10 } }] }],
 * });
 * const planner = scoringPlanner(model);
 * const logins = Array.from({ length: 8 }, (_, i) => ({ id: `e${i}`, seq: i + 1, customerId: 'c1', type: 'login', at: Date.UTC(2026, 0, 2 + i), properties: {} }));
 * const r = planner.plan(null, {
 *   customerId: 'c1', now: Date.UTC(2026, 0, 12), signals: [], events: logins,
 *   profile: { customerId: 'c1', signedUpAt: Date.UTC(2026, 0, 1), timeZone: 'UTC', attributes: {} },
 * });
 * [r.state.score?.score, r.signals?.map((s) => [s.type, s.data.band])]
 * //=> [80, [['health_changed', 'green']]]
 *
 * @category engine
 */
export function scoringPlanner(
  model: HealthModel,
  options: ScoringPlannerOptions = {},
): EnginePlanner<ScoringPlannerState | null> {
  const every = parseDuration(options.every ?? '1d', {
    fn: 'scoringPlanner',
    root: 'options',
    path: ['every'],
  });
  const minChange = options.minChange ?? 10;
  const windows = options.windows ?? [7, 30, 90];
  const riskOptions = options.riskSignals;
  return {
    name: 'scoring',
    plan(prior, { events, profile, now }) {
      const history = updateActivityHistory(prior?.history, events, options.history ?? {});
      // facts are as of now, or of the latest event when a clock runs behind the events
      const asOf = history.last !== null && history.last > now ? history.last : now;
      const facts = scoringFacts(profile, history, asOf, windows);
      const score = scoreHealth(model, facts, { asOf, previous: prior?.score ?? null });
      const signals: EngineSignal[] = [];
      let announced = prior?.announced ?? null;
      if (score.score !== null && score.band !== null) {
        const moved =
          announced === null ||
          announced.band !== score.band ||
          Math.abs(score.score - announced.score) >= minChange;
        if (moved) {
          signals.push({
            type: 'health_changed',
            at: now,
            data: {
              score: score.score,
              band: score.band,
              previousScore: announced?.score ?? null,
              previousBand: announced?.band ?? null,
            },
          });
          announced = { score: score.score, band: score.band };
        }
      }
      let firing: readonly string[] = [];
      if (riskOptions !== false && history.last !== null) {
        const risks = evaluateRiskSignals(history, { ...(riskOptions ?? {}), asOf });
        firing = risks.fired;
        const before = new Set(prior?.firing ?? []);
        const started = firing.filter((name) => !before.has(name));
        if (started.length > 0) {
          let strength = 0;
          for (const name of started) {
            const s = (risks as unknown as Record<string, { strength: number } | null>)[name];
            if (s !== null && s !== undefined && s.strength > strength) strength = s.strength;
          }
          signals.push({
            type: 'risk_detected',
            at: now,
            data: { signals: [...started], strength },
          });
        }
      }
      return {
        state: { history, score, announced, firing: [...firing] },
        actions: [],
        cancel: [],
        wakeAt: addDuration(now, every, { timeZone: profile.timeZone }),
        signals,
      };
    },
  };
}
