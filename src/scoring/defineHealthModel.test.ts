import { describe, expect, it } from 'vitest';
import { RetentionDefinitionError } from '../core/errors';
import { defineHealthModel } from './defineHealthModel';
import type { HealthModelDefinition } from './healthModel';
import { scoreHealth } from './scoreHealth';

const linear = { kind: 'linear', zeroAt: 0, fullAt: 10 } as const;

function issuesOf(definition: unknown): unknown[] {
  try {
    defineHealthModel(definition as HealthModelDefinition);
  } catch (error) {
    if (error instanceof RetentionDefinitionError)
      return error.issues.map((i) => [i.code, i.path.join('.')]);
    throw error;
  }
  return [];
}

describe('defineHealthModel', () => {
  it('fills in every default and keeps the model plain JSON', () => {
    const model = defineHealthModel({
      id: 'm',
      version: 2,
      dimensions: [{ id: 'usage', measures: [{ id: 'logins', fact: 'a.b', scale: linear }] }],
    });
    expect(model).toEqual({
      id: 'm',
      version: 2,
      bands: [
        { name: 'red', upTo: 50 },
        { name: 'yellow', upTo: 75 },
        { name: 'green', upTo: 100 },
      ],
      scorecards: [
        {
          id: 'default',
          label: 'default',
          when: null,
          dimensions: [
            {
              id: 'usage',
              label: 'usage',
              weight: 1,
              measures: [
                {
                  id: 'logins',
                  label: 'logins',
                  fact: 'a.b',
                  read: 'value',
                  weight: 1,
                  scale: linear,
                  missing: 'exclude',
                },
              ],
            },
          ],
        },
      ],
    });
    const copy = JSON.parse(JSON.stringify(model));
    expect(copy).toEqual(model);
    // a stored copy scores the same as the original
    const asOf = '2026-01-01T00:00:00Z';
    expect(scoreHealth(copy, { a: { b: 4 } }, { asOf })).toEqual(
      scoreHealth(model, { a: { b: 4 } }, { asOf }),
    );
  });

  it('takes several scorecards, each with its own condition', () => {
    const model = defineHealthModel({
      id: 'm',
      version: 1,
      bands: [
        { name: 'at-risk', upTo: 40 },
        { name: 'healthy', upTo: 100 },
      ],
      scorecards: [
        {
          id: 'onboarding',
          when: { fact: 'signedUpAt', op: 'withinLast', value: '30d' },
          dimensions: [{ id: 'setup', measures: [{ id: 'steps', fact: 'steps', scale: linear }] }],
        },
        {
          id: 'default',
          dimensions: [{ id: 'usage', measures: [{ id: 'logins', fact: 'l', scale: linear }] }],
        },
      ],
    });
    expect(model.scorecards.map((c) => [c.id, c.when === null])).toEqual([
      ['onboarding', false],
      ['default', true],
    ]);
  });

  it('reports every issue with its path', () => {
    expect(
      issuesOf({
        id: 'm',
        version: 1,
        bands: [
          { name: 'a', upTo: 60 },
          { name: 'a', upTo: 40 },
        ],
        dimensions: [
          {
            id: 'd',
            measures: [
              {
                id: 'x',
                fact: 'x',
                scale: {
                  kind: 'tiers',
                  tiers: [
                    { atLeast: 5, score: 10 },
                    { atLeast: 5, score: 20 },
                  ],
                },
              },
              { id: 'x', fact: 'y', scale: { kind: 'linear', zeroAt: 3, fullAt: 3 } },
              { id: 'z', fact: 'z', read: 'daysSince', scale: { kind: 'boolean' } },
            ],
          },
          { id: 'd', measures: [{ id: 'w', fact: 'w', scale: linear }] },
        ],
      }),
    ).toEqual([
      ['duplicate', 'bands.1.name'],
      ['order', 'bands.1.upTo'],
      ['invalid_value', 'bands.1.upTo'],
      ['duplicate', 'dimensions.1.id'],
      ['order', 'dimensions.0.measures.0.scale.tiers.1.atLeast'],
      ['invalid_value', 'dimensions.0.measures.1.scale.fullAt'],
      ['invalid_value', 'dimensions.0.measures.2.read'],
      ['duplicate', 'dimensions.0.measures.1.id'],
    ]);
  });

  it('rejects shapes zod can see, with their paths', () => {
    expect(
      issuesOf({
        id: '',
        version: 0,
        dimensions: [
          {
            id: 'd',
            weight: 0,
            measures: [
              { id: 'a', fact: 'constructor.x', scale: linear },
              { id: 'b', fact: 'b', scale: { kind: 'tiers', tiers: [{ atLeast: 1, score: 101 }] } },
              { id: 'c', fact: 'c', scale: { kind: 'sigmoid' } },
              { id: 'e', fact: 'e', scale: linear, missing: 'skip', extra: 1 },
            ],
          },
        ],
      }),
    ).toEqual([
      ['invalid_value', 'id'],
      ['out_of_range', 'version'],
      ['out_of_range', 'dimensions.0.weight'],
      ['forbidden_key', 'dimensions.0.measures.0.fact'],
      ['out_of_range', 'dimensions.0.measures.1.scale.tiers.0.score'],
      ['invalid_type', 'dimensions.0.measures.2.scale.kind'],
      ['invalid_type', 'dimensions.0.measures.3.missing'],
      ['unknown_key', 'dimensions.0.measures.3.extra'],
    ]);
  });

  it('needs exactly one of dimensions and scorecards, and a reachable order of scorecards', () => {
    const dims = [{ id: 'd', measures: [{ id: 'a', fact: 'a', scale: linear }] }];
    expect(issuesOf({ id: 'm', version: 1 })).toEqual([['invalid_value', '']]);
    expect(
      issuesOf({
        id: 'm',
        version: 1,
        dimensions: dims,
        scorecards: [{ id: 's', dimensions: dims }],
      }),
    ).toEqual([['invalid_value', '']]);
    expect(
      issuesOf({
        id: 'm',
        version: 1,
        scorecards: [
          { id: 'all', dimensions: dims },
          { id: 'all', when: { fact: 'plan', op: 'eq', value: 'pro' }, dimensions: dims },
        ],
      }),
    ).toEqual([
      ['duplicate', 'scorecards.1.id'],
      ['unreachable', 'scorecards.1'],
    ]);
    expect(
      issuesOf({
        id: 'm',
        version: 1,
        scorecards: [{ id: 's', when: { fact: 'plan', op: 'like', value: 'p' }, dimensions: dims }],
      }),
    ).toEqual([['invalid_enum', 'scorecards.0.when.op']]);
  });

  it('words its errors from the issues, without values', () => {
    expect(() =>
      defineHealthModel({
        id: 'm',
        version: 1,
        dimensions: [
          {
            id: 'd',
            measures: [
              {
                id: 'a',
                fact: 'secret-customer-name',
                scale: { kind: 'linear', zeroAt: 1, fullAt: 1 },
              },
            ],
          },
        ],
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: defineHealthModel: definition.dimensions[0].measures[0].scale.fullAt has an invalid value: fullAt must differ from zeroAt]`,
    );
    expect(() =>
      defineHealthModel({
        id: 'm',
        version: 1,
        bands: [{ name: 'only', upTo: 90 }],
        dimensions: [{ id: 'd', measures: [{ id: 'a', fact: 'a', scale: linear }] }],
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: defineHealthModel: definition.bands[0].upTo has an invalid value: the last band must end at 100, the top of the scale]`,
    );
  });
});
