import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMergeable, assertPure } from '../../test/helpers/contracts';
import { arbCuts, arbOrderKeys, reorder } from '../../test/helpers/metrics';
import { arbSurveyResponses } from '../testing/arbitraries';
import { csat, csatAccumulator } from './csat';

describe('csat', () => {
  it('is the share of 4 and 5 on a 1-5 scale', () => {
    expect(csat([4, 5, 3, 2, 1, 5]).rate).toBe(0.5);
    expect(
      csat([
        { kind: 'csat', score: 5 },
        { kind: 'nps', score: 0 },
      ]),
    ).toEqual({
      rate: 1,
      satisfied: 1,
      neutral: 0,
      dissatisfied: 0,
      responses: 1,
      skipped: 1,
    });
  });

  it('returns null without responses and reports bad scores', () => {
    expect(csat([]).rate).toBeNull();
    expect(() => csat([0])).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: csat: responses[0] is out of range (expected an integer 1-5; received integer)]`,
    );
    expect(() => csat(['5' as never])).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: csat: responses[0] is out of range (expected an integer 1-5; received string)]`,
    );
  });

  it('equals the plain definition, stays within [0, 1], ignores order, and merges', () => {
    fc.assert(
      fc.property(arbSurveyResponses(), arbOrderKeys, arbCuts, (responses, keys, cuts) => {
        const r = assertPure(csat, responses);
        const scores = responses.filter((x) => x.kind === 'csat').map((x) => x.score!);
        const satisfied = scores.filter((s) => s >= 4).length;
        expect(r.rate).toEqual(scores.length > 0 ? satisfied / scores.length : null);
        expect([r.satisfied, r.neutral, r.dissatisfied]).toEqual([
          satisfied,
          scores.filter((s) => s === 3).length,
          scores.filter((s) => s <= 2).length,
        ]);
        if (r.rate !== null) expect(r.rate >= 0 && r.rate <= 1).toBe(true);
        expect(csat(reorder(responses, keys))).toEqual(r);
        expect(assertMergeable(() => csatAccumulator(), responses, cuts)).toEqual(r);
      }),
      { numRuns: 300 },
    );
  });
});
