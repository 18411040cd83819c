import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMergeable, assertPure } from '../../test/helpers/contracts';
import { arbCuts, arbOrderKeys, reorder } from '../../test/helpers/metrics';
import { arbSurveyResponses } from '../testing/arbitraries';
import { nps, npsAccumulator } from './nps';

describe('nps', () => {
  it('is the share of promoters minus the share of detractors, on -100..100', () => {
    expect(nps([10, 10, 10]).score).toBe(100);
    expect(nps([0, 6, 6]).score).toBe(-100);
    expect(nps([7, 8]).score).toBe(0);
    expect(nps([9, 6, 7, 8])).toEqual({
      score: 0,
      promoters: 1,
      passives: 2,
      detractors: 1,
      responses: 4,
      skipped: 0,
    });
  });

  it('skips answers to other surveys and returns null without responses', () => {
    expect(nps([{ kind: 'csat', score: 5 }, { kind: 'exit' }])).toEqual({
      score: null,
      promoters: 0,
      passives: 0,
      detractors: 0,
      responses: 0,
      skipped: 2,
    });
  });

  it('reports bad scores with their index', () => {
    expect(() => nps([10, 9.5])).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: nps: responses[1] is out of range (expected an integer 0-10; received number)]`,
    );
    expect(() => nps([{ kind: 'nps', score: Number.NaN }])).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: nps: responses[0].score is out of range (expected an integer 0-10; received NaN)]`,
    );
    expect(() => nps([{ kind: 'nps' }])).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: nps: responses[0].score is required]`,
    );
  });

  it('equals the plain definition, stays within [-100, 100], ignores order, and merges', () => {
    fc.assert(
      fc.property(arbSurveyResponses(), arbOrderKeys, arbCuts, (responses, keys, cuts) => {
        const r = assertPure(nps, responses);
        const scores = responses.filter((x) => x.kind === 'nps').map((x) => x.score!);
        const promoters = scores.filter((s) => s >= 9).length;
        const detractors = scores.filter((s) => s <= 6).length;
        expect(r).toEqual({
          score: scores.length > 0 ? ((promoters - detractors) * 100) / scores.length : null,
          promoters,
          passives: scores.length - promoters - detractors,
          detractors,
          responses: scores.length,
          skipped: responses.length - scores.length,
        });
        if (r.score !== null) expect(r.score >= -100 && r.score <= 100).toBe(true);
        expect(nps(reorder(responses, keys))).toEqual(r);
        expect(assertMergeable(() => npsAccumulator(), responses, cuts)).toEqual(r);
      }),
      { numRuns: 300 },
    );
  });
});
