/**
 * The acceptance test of the churn model: on simulateBusiness data, trained on early snapshots
 * and tested on later ones, it must rank churners better than the rule of thumb "no login for 21
 * days". docs/scoring.md runs the same pipeline and prints the figures.
 */
import { describe, expect, it } from 'vitest';
import { simulateBusiness } from '../testing/simulate';
import { churnExamples } from './churnExamples';
import { rocAuc } from './evaluation';
import { fitChurnModel, predictChurn } from './fitChurnModel';

describe('the churn model on a simulated business', () => {
  it('beats "no login for 21 days" and the days since the last login on AUC', () => {
    const business = simulateBusiness({ seed: 7, customers: 2000, days: 240, signupDays: 180 });
    const day = (d: number) => business.options.start + d * 86_400_000;
    const surveys = business.surveys.flatMap((s) =>
      s.kind === 'exit' || s.score === undefined
        ? []
        : [
            {
              id: s.id,
              customerId: s.customerId,
              type: `survey_${s.kind}`,
              at: s.at,
              properties: { score: s.score },
            },
          ],
    );
    const examples = churnExamples([...business.events, ...surveys], {
      snapshots: [90, 120, 150, 180, 210].map(day),
      horizonDays: 30,
      features: {
        counts: ['report_created', 'colleague_invited', 'tour_completed', 'integration_connected'],
      },
    });
    const train = examples.filter((e) => e.asOf <= day(150));
    const test = examples.filter((e) => e.asOf > day(150));
    expect(test.filter((e) => e.churned).length).toBeGreaterThan(200);
    const model = fitChurnModel(train, { seed: 1 });
    expect(model.training.converged).toBe(true);
    const auc = (score: (e: (typeof test)[number]) => number) =>
      rocAuc(test.map((e) => ({ churned: e.churned, score: score(e) })))!;
    const days = (e: (typeof test)[number]) => e.features.daysSinceActivity as number;
    const modelAuc = auc((e) => predictChurn(model, e.features));
    const ruleAuc = auc((e) => (days(e) >= 21 ? 1 : 0));
    const daysAuc = auc(days);
    expect(modelAuc).toBeGreaterThan(ruleAuc + 0.1);
    expect(modelAuc).toBeGreaterThan(daysAuc + 0.05);
    // the model's own held-out quarter agrees that it ranks well
    expect(model.evaluation!.auc!).toBeGreaterThan(0.65);
    // and the labels are the simulator's truth: each positive churned within 30 days of its snapshot
    const truth = new Map(business.truth.customers.map((c) => [c.customerId, c]));
    for (const e of test.filter((x) => x.churned)) {
      const t = truth.get(e.customerId)!;
      if (t.reactivatedAt === undefined)
        expect(t.churnedAt! - e.asOf).toBeLessThan(30 * 86_400_000);
    }
  }, 120_000);
});
