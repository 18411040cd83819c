import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import { simulateBusiness } from '../testing/simulate';
import { kaplanMeier, kaplanMeierRemainingLifetime, type SurvivalObservation } from './kaplanMeier';

// R's survival package, data set `aml` (acute myelogenous leukaemia), by group.
// `summary(survfit(Surv(time, status) ~ x, data = aml))` prints (default conf.type = "log"):
const MAINTAINED: SurvivalObservation[] = [
  [9, 1],
  [13, 1],
  [13, 0],
  [18, 1],
  [23, 1],
  [28, 0],
  [31, 1],
  [34, 1],
  [45, 0],
  [48, 1],
  [161, 0],
].map(([duration, status]) => ({ duration: duration!, observed: status === 1 }));
const NONMAINTAINED: SurvivalObservation[] = [
  [5, 1],
  [5, 1],
  [8, 1],
  [8, 1],
  [12, 1],
  [16, 0],
  [23, 1],
  [27, 1],
  [30, 1],
  [33, 1],
  [43, 1],
  [45, 1],
].map(([duration, status]) => ({ duration: duration!, observed: status === 1 }));
// time, n.risk, n.event, survival, std.err, lower 95% CI, upper 95% CI
const R_MAINTAINED = [
  [9, 11, 1, 0.909, 0.0867, 0.7541, 1.0],
  [13, 10, 1, 0.818, 0.1163, 0.6192, 1.0],
  [18, 8, 1, 0.716, 0.1397, 0.4884, 1.0],
  [23, 7, 1, 0.614, 0.1526, 0.3769, 0.999],
  [31, 5, 1, 0.491, 0.1642, 0.2549, 0.946],
  [34, 4, 1, 0.368, 0.1627, 0.1549, 0.875],
  [48, 2, 1, 0.184, 0.1535, 0.0359, 0.944],
];
const R_NONMAINTAINED = [
  [5, 12, 2, 0.8333, 0.1076, 0.647, 1.0],
  [8, 10, 2, 0.6667, 0.1361, 0.4468, 0.995],
  [12, 8, 1, 0.5833, 0.1423, 0.3616, 0.941],
  [23, 6, 1, 0.4861, 0.1481, 0.2675, 0.883],
  [27, 5, 1, 0.3889, 0.147, 0.1854, 0.816],
  [30, 4, 1, 0.2917, 0.1387, 0.1148, 0.741],
  [33, 3, 1, 0.1944, 0.1219, 0.0569, 0.664],
  [43, 2, 1, 0.0972, 0.0919, 0.0153, 0.62],
  [45, 1, 1, 0, Number.NaN, Number.NaN, Number.NaN],
];

/** Rounds like R's printed summary: to the number of decimals the reference value shows. */
function near(actual: number, printed: number): void {
  const decimals = (String(printed).split('.')[1] ?? '').length;
  expect(Math.abs(actual - printed)).toBeLessThanOrEqual(
    0.5 * 10 ** -Math.max(decimals, 3) + 1e-12,
  );
}

describe('kaplanMeier reproduces R survival (aml)', () => {
  it.each([
    ['Maintained', MAINTAINED, R_MAINTAINED, 31],
    ['Nonmaintained', NONMAINTAINED, R_NONMAINTAINED, 23],
  ] as const)(
    '%s: survival, std.err, log band, n.risk, n.event, median',
    (_, data, table, median) => {
      const km = kaplanMeier(data, { band: 'log' });
      expect(km.median).toBe(median);
      for (const [time, risk, events, surv, se, lower, upper] of table) {
        const i = km.timeline.indexOf(time!);
        expect(km.atRisk[i]).toBe(risk);
        expect(km.events[i]).toBe(events);
        near(km.survival[i]!, surv!);
        if (Number.isNaN(se)) {
          // R prints NaN/NA once everyone is gone; the library collapses the band onto 0
          expect([km.standardError[i], km.lower[i], km.upper[i]]).toEqual([0, 0, 0]);
          continue;
        }
        near(km.standardError[i]!, se!);
        near(km.lower[i]!, lower!);
        near(km.upper[i]!, upper!);
      }
    },
  );

  it('the default log-log band is the complementary log-log transform of the same variance', () => {
    const loglog = kaplanMeier(MAINTAINED);
    const log = kaplanMeier(MAINTAINED, { band: 'log' });
    expect(loglog.band).toBe('log-log');
    for (let i = 0; i < loglog.timeline.length; i++) {
      const s = loglog.survival[i]!;
      const seLog = log.standardError[i]! / s; // standard error of log S
      const w = (1.959963984540054 * seLog) / -Math.log(s);
      expect(loglog.lower[i]).toBeCloseTo(s ** Math.exp(w), 12);
      expect(loglog.upper[i]).toBeCloseTo(s ** Math.exp(-w), 12);
    }
    // first event time by hand: Greenwood variance 1/(11*10)
    const se = Math.sqrt(1 / 110);
    expect(loglog.lower[0]).toBeCloseTo(
      (10 / 11) ** Math.exp((1.959963984540054 * se) / Math.log(11 / 10)),
      12,
    );
  });

  it('offers a plain band clipped to [0, 1] and other confidence levels', () => {
    const plain = kaplanMeier(MAINTAINED, { band: 'plain', confidenceLevel: 0.9 });
    const wide = kaplanMeier(MAINTAINED, { band: 'plain', confidenceLevel: 0.99 });
    for (let i = 0; i < plain.timeline.length; i++) {
      expect(plain.upper[i]).toBeLessThanOrEqual(1);
      expect(plain.lower[i]).toBeGreaterThanOrEqual(0);
      expect(wide.upper[i]! - wide.lower[i]!).toBeGreaterThanOrEqual(
        plain.upper[i]! - plain.lower[i]!,
      );
    }
  });
});

describe('kaplanMeier', () => {
  it('follows R for a median where the curve is exactly 0.5 over an interval', () => {
    const all = [1, 2, 3, 4].map((d) => ({ duration: d, observed: true }));
    expect(kaplanMeier(all).median).toBe(2.5);
    const neverHalf = [1, 2, 3].map((d) => ({ duration: d, observed: d === 1 }));
    expect(kaplanMeier(neverHalf).median).toBeNull();
  });

  it('handles late entry: a customer is at risk only after entering', () => {
    const km = kaplanMeier([
      { duration: 2, observed: true },
      { duration: 5, observed: true, entry: 3 },
      { duration: 6, observed: false },
      { duration: 4, observed: true, entry: 1 },
    ]);
    // at t=2 the late entrant (entry 3) is not yet at risk: 3 at risk, not 4
    expect(km.atRisk).toEqual([3, 3, 2, 1]);
    expect(km.survival[0]).toBeCloseTo(2 / 3, 15);
    expect(km.survival[1]).toBeCloseTo((2 / 3) * (2 / 3), 15);
  });

  it('returns an empty curve for no observations', () => {
    const km = kaplanMeier([]);
    expect(km).toMatchObject({ timeline: [], survival: [], median: null, observations: 0 });
  });

  it('is pure and accepts any iterable', () => {
    assertPure(kaplanMeier, NONMAINTAINED);
    const fromSet = kaplanMeier(new Set(NONMAINTAINED));
    expect(fromSet).toEqual(kaplanMeier(NONMAINTAINED));
  });

  it('draws a curve for a simulated SaaS business (the demo)', () => {
    const sim = simulateBusiness({ seed: 4, customers: 2000, days: 180 });
    const byCustomer = new Map<string, { start: number; end?: number }>();
    for (const l of sim.lifetimes)
      if (!byCustomer.has(l.customerId))
        byCustomer.set(l.customerId, {
          start: l.start as number,
          ...(l.end === undefined ? {} : { end: l.end as number }),
        });
    const day = 86_400_000;
    const observations = [...byCustomer.values()].map((l) => ({
      duration: ((l.end ?? sim.end) - l.start) / day,
      observed: l.end !== undefined,
    }));
    const km = kaplanMeier(observations);
    expect(km.observations).toBe(observations.length);
    expect(km.survival[km.survival.length - 1]!).toBeGreaterThan(0);
    expect(km.survival[km.survival.length - 1]!).toBeLessThan(1);
  });

  it('rejects bad observations with their index', () => {
    expect(() =>
      kaplanMeier([
        { duration: 1, observed: true },
        { duration: -2, observed: true },
      ]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: kaplanMeier: observations[1].duration is out of range (expected a finite number >= 0)]`,
    );
    expect(() =>
      kaplanMeier([{ duration: Number.NaN, observed: true }]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: kaplanMeier: observations[0].duration has the wrong type (expected a finite number >= 0; received NaN)]`,
    );
    expect(() =>
      kaplanMeier([{ duration: 1, observed: 1 as unknown as boolean }]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: kaplanMeier: observations[0].observed has the wrong type (expected boolean; received integer)]`,
    );
    expect(() =>
      kaplanMeier([{ duration: 3, observed: true, entry: 3 }]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: kaplanMeier: observations[0].entry is out of range (expected less than duration)]`,
    );
    expect(() => kaplanMeier([], { band: 'logit' as 'log' })).toThrow(/options.band is not one of/);
    expect(() => kaplanMeier([], { confidenceLevel: 1 })).toThrow(/options.confidenceLevel/);
  });
});

describe('kaplanMeierRemainingLifetime', () => {
  const curve = kaplanMeier(MAINTAINED);

  it('is the area under the conditional curve up to the last time', () => {
    const r = kaplanMeierRemainingLifetime(curve, 0);
    // from 0: area under the whole step curve up to 161
    let area = 0;
    let prev = 0;
    let s = 1;
    for (let i = 0; i < curve.timeline.length; i++) {
      area += s * (curve.timeline[i]! - prev);
      prev = curve.timeline[i]!;
      s = curve.survival[i]!;
    }
    expect(r.restrictedMean).toBeCloseTo(area, 12);
    expect(r.median).toBe(curve.median);
    expect(r.horizon).toBe(161);
  });

  it('conditions on being alive at t', () => {
    const r = kaplanMeierRemainingLifetime(curve, 20);
    expect(r.survival).toBeCloseTo(curve.survival[2]!, 15); // S(18)
    // S(34) = 0.368 is still above 0.716 / 2; S(48) = 0.184 is below
    expect(r.median).toBe(48 - 20);
    expect(kaplanMeierRemainingLifetime(kaplanMeier([{ duration: 1, observed: true }]), 2)).toEqual(
      {
        at: 2,
        survival: 0,
        restrictedMean: null,
        horizon: 2,
        median: null,
      },
    );
    expect(() => kaplanMeierRemainingLifetime(curve, -1)).toThrow(/t is out of range/);
  });
});
