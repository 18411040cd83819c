import { describe, expectTypeOf, it } from 'vitest';
import {
  type BgNbdFit,
  type BgNbdParams,
  bgNbdConditionalExpectedPurchases,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  fitSbg,
  type GammaGammaFit,
  type KaplanMeierCurve,
  kaplanMeier,
  kaplanMeierRemainingLifetime,
  type RfmRow,
  rfmSummary,
  type SbgFit,
  sbgSurvival,
} from './index';

describe('model public types', () => {
  it('kaplanMeier takes any iterable of observations and returns a curve', () => {
    expectTypeOf(
      kaplanMeier(new Set([{ duration: 1, observed: true }])),
    ).toEqualTypeOf<KaplanMeierCurve>();
    expectTypeOf<KaplanMeierCurve['median']>().toEqualTypeOf<number | null>();
    expectTypeOf(kaplanMeierRemainingLifetime)
      .returns.toHaveProperty('restrictedMean')
      .toEqualTypeOf<number | null>();
    // @ts-expect-error observed is a boolean, not a status code
    kaplanMeier([{ duration: 1, observed: 1 }]);
    // @ts-expect-error the band is one of three transforms
    kaplanMeier([], { band: 'logit' });
  });

  it('fitSbg takes one cohort or several, and a fit is usable as parameters', () => {
    expectTypeOf(fitSbg([100, 80])).toEqualTypeOf<SbgFit>();
    expectTypeOf(fitSbg([[100, 80], [50]])).toEqualTypeOf<SbgFit>();
    expectTypeOf(sbgSurvival(fitSbg([100, 80]), 3)).toEqualTypeOf<number>();
    // @ts-expect-error counts are numbers
    fitSbg(['100', '80']);
  });

  it('BG/NBD and Gamma-Gamma fits feed the predictions and the lifetime value', () => {
    const bg = fitBgNbd([{ frequency: 1, recency: 2, T: 3 }]);
    expectTypeOf(bg).toEqualTypeOf<BgNbdFit>();
    expectTypeOf(bg).toMatchTypeOf<BgNbdParams>();
    const gg = fitGammaGamma([{ frequency: 1, monetaryValue: 2 }]);
    expectTypeOf(gg).toEqualTypeOf<GammaGammaFit>();
    expectTypeOf(
      customerLifetimeValue(
        bg,
        gg,
        { frequency: 1, recency: 2, T: 3, monetaryValue: 5 },
        { stepLength: 4.345 },
      ),
    ).toEqualTypeOf<number>();
    // @ts-expect-error the horizon's step length is required
    customerLifetimeValue(bg, gg, { frequency: 1, recency: 2, T: 3, monetaryValue: 5 }, {});
    // @ts-expect-error a customer needs T
    bgNbdConditionalExpectedPurchases(bg, 1, { frequency: 1, recency: 2 });
  });

  it('rfmSummary rows feed fitBgNbd; the unit is explicit', () => {
    const rows = rfmSummary([{ customerId: 'a', at: 0 }], { calibrationEnd: 1, unit: 'week' });
    expectTypeOf(rows).toEqualTypeOf<RfmRow[]>();
    expectTypeOf(fitBgNbd(rows)).toEqualTypeOf<BgNbdFit>();
    // @ts-expect-error the unit is required
    rfmSummary([], { calibrationEnd: 1 });
  });
});
