import { describe, expectTypeOf, it } from 'vitest';
import {
  type ActivityDropEvidence,
  type ActivityHistory,
  activityDropSignal,
  activityFacts,
  type ChurnModel,
  churnExamples,
  defineHealthModel,
  evaluateRiskSignals,
  fitChurnModel,
  type HealthModel,
  type HealthScore,
  type HealthScoreSummary,
  type LabelledChurnExample,
  type MemberHealthScore,
  type PopulationHealth,
  predictChurn,
  type RiskSignal,
  rocAuc,
  scoreHealth,
  scorePopulation,
  seatUtilizationSignal,
  updateActivityHistory,
} from './index';

const dimensions = [
  {
    id: 'usage',
    measures: [{ id: 'logins', fact: 'logins', scale: { kind: 'percentile' as const } }],
  },
];

describe('scoring public types', () => {
  it('defines models from JSON with either dimensions or scorecards', () => {
    expectTypeOf(
      defineHealthModel({ id: 'm', version: 1, dimensions }),
    ).toEqualTypeOf<HealthModel>();
    defineHealthModel({ id: 'm', version: 1, scorecards: [{ id: 'all', dimensions }] });
    // @ts-expect-error one of dimensions and scorecards, not both
    defineHealthModel({ id: 'm', version: 1, dimensions, scorecards: [{ id: 'all', dimensions }] });
    defineHealthModel({
      id: 'm',
      version: 1,
      // @ts-expect-error an unknown scale
      dimensions: [{ id: 'd', measures: [{ id: 'a', fact: 'a', scale: { kind: 'sigmoid' } }] }],
    });
    defineHealthModel({
      id: 'm',
      version: 1,
      dimensions: [
        {
          id: 'd',
          // @ts-expect-error missing data is excluded, zero or a neutral score
          measures: [{ id: 'a', fact: 'a', scale: { kind: 'boolean' }, missing: 'skip' }],
        },
      ],
    });
  });

  it('scores to a small JSON record, with nullable score and band', () => {
    const model = defineHealthModel({ id: 'm', version: 1, dimensions });
    const health = scoreHealth(model, { logins: 3 }, { asOf: 0 });
    expectTypeOf(health).toEqualTypeOf<HealthScore>();
    expectTypeOf(health.score).toEqualTypeOf<number | null>();
    expectTypeOf(health.trend).toEqualTypeOf<'up' | 'down' | 'same' | null>();
    // @ts-expect-error asOf is required
    scoreHealth(model, {}, {});
  });

  it('picks the population result type from detail', () => {
    const model = defineHealthModel({ id: 'm', version: 1, dimensions });
    const members = [{ id: 'a', facts: { logins: 1 } }];
    expectTypeOf(scorePopulation(model, members, { asOf: 0 })).toEqualTypeOf<
      PopulationHealth<MemberHealthScore>
    >();
    expectTypeOf(scorePopulation(model, members, { asOf: 0, detail: 'summary' })).toEqualTypeOf<
      PopulationHealth<HealthScoreSummary>
    >();
    // @ts-expect-error the rollup methods are average, minimum and weighted
    scorePopulation(model, members, { asOf: 0, rollup: { method: 'median' } });
  });

  it('types each signal’s evidence', () => {
    const history = updateActivityHistory(undefined, []);
    expectTypeOf(history).toEqualTypeOf<ActivityHistory>();
    expectTypeOf(activityDropSignal(history, { asOf: 0 })).toEqualTypeOf<
      RiskSignal<ActivityDropEvidence>
    >();
    // windows are options, so a window's count may be absent
    expectTypeOf(activityFacts(history, { asOf: 0 }).login!.last30d).toEqualTypeOf<
      number | undefined
    >();
    expectTypeOf(activityFacts(history, { asOf: 0 }).login!.daysSinceLast).toEqualTypeOf<number>();
    expectTypeOf(evaluateRiskSignals(history, { asOf: 0 }).unusedPaidFeature).toBeNullable();
    expectTypeOf(
      seatUtilizationSignal({ seats: 3, activeUsers: 1 }).evidence.utilization,
    ).toEqualTypeOf<number>();
    // @ts-expect-error thresholds are numbers of days
    activityDropSignal(history, { asOf: 0, recentDays: '14d' });
  });

  it('fits and predicts from plain records', () => {
    const examples: LabelledChurnExample[] = churnExamples([], { snapshots: [0], horizonDays: 30 });
    expectTypeOf(fitChurnModel(examples)).toEqualTypeOf<ChurnModel>();
    expectTypeOf(
      predictChurn({} as ChurnModel, { logins: 3, paying: true, nps: null }),
    ).toEqualTypeOf<number>();
    // @ts-expect-error features are numbers, booleans or missing
    predictChurn({} as ChurnModel, { plan: 'team' });
    expectTypeOf(rocAuc([{ score: 1, churned: true }])).toEqualTypeOf<number | null>();
  });
});
