import * as z from 'zod';
import { checkFactPath, conditionSchema } from '../core/condition';
import { RetentionDefinitionError, type RetentionIssue } from '../core/errors';
import { lazy } from '../core/lazy';
import { addIssues, parseDefinition, zId, zVersion } from '../core/validate';
import {
  compileHealthModel,
  DEFAULT_BANDS,
  type HealthBand,
  type HealthMeasure,
  type HealthModel,
  type HealthModelDefinition,
  type HealthScale,
  type HealthScorecard,
  type HealthScorecardDefinition,
} from './healthModel';

const schema = /* @__PURE__ */ lazy(() => {
  const score = z.number().min(0).max(100);
  const weight = z.number().positive().max(1e9);
  const fact = z.string().superRefine((path, ctx) => {
    const problem = checkFactPath(path);
    if (problem !== null) addIssues(ctx, [problem], { value: path });
  });
  const scale = z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('tiers'),
      tiers: z
        .array(z.strictObject({ atLeast: z.number(), score }))
        .min(1)
        .max(100),
      below: score.optional(),
    }),
    z.strictObject({ kind: z.literal('linear'), zeroAt: z.number(), fullAt: z.number() }),
    z.strictObject({ kind: z.literal('percentile'), higherIsBetter: z.boolean().optional() }),
    z.strictObject({
      kind: z.literal('boolean'),
      whenTrue: score.optional(),
      whenFalse: score.optional(),
    }),
  ]);
  const measure = z.strictObject({
    id: zId(),
    label: z.string().max(256).optional(),
    fact,
    read: z.enum(['value', 'daysSince', 'daysUntil']).optional(),
    weight: weight.optional(),
    scale,
    missing: z.union([z.enum(['exclude', 'zero']), z.strictObject({ score })]).optional(),
  });
  const dimension = z.strictObject({
    id: zId(),
    label: z.string().max(256).optional(),
    weight: weight.optional(),
    measures: z.array(measure).min(1).max(256),
  });
  const dimensions = z.array(dimension).min(1).max(64);
  return z.strictObject({
    id: zId(),
    version: zVersion(),
    bands: z
      .array(z.strictObject({ name: zId(), upTo: score }))
      .min(1)
      .max(12)
      .optional(),
    dimensions: dimensions.optional(),
    scorecards: z
      .array(
        z.strictObject({
          id: zId(),
          label: z.string().max(256).optional(),
          when: conditionSchema().optional(),
          dimensions,
        }),
      )
      .min(1)
      .max(32)
      .optional(),
  });
});

type Parsed = z.output<ReturnType<typeof schema>>;

function duplicates(
  ids: readonly string[],
  path: (i: number) => (string | number)[],
  issues: RetentionIssue[],
  what: string,
): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id))
      issues.push({ code: 'duplicate', path: path(i), detail: `${what} ids must be unique` });
    seen.add(id);
  });
}

function scaleIssues(scale: HealthScale, path: (string | number)[], issues: RetentionIssue[]) {
  if (scale.kind === 'tiers') {
    scale.tiers.forEach((t, i) => {
      if (i > 0 && !(t.atLeast > scale.tiers[i - 1]!.atLeast))
        issues.push({
          code: 'order',
          path: [...path, 'tiers', i, 'atLeast'],
          detail: 'tiers must ascend strictly by atLeast',
        });
    });
  } else if (scale.kind === 'linear' && scale.zeroAt === scale.fullAt) {
    issues.push({
      code: 'invalid_value',
      path: [...path, 'fullAt'],
      detail: 'fullAt must differ from zeroAt',
    });
  }
}

/** Checks that only types cannot: unique ids, ordered tiers and bands, reachable scorecards. */
function semanticIssues(d: Parsed): RetentionIssue[] {
  const issues: RetentionIssue[] = [];
  if ((d.dimensions === undefined) === (d.scorecards === undefined)) {
    issues.push({
      code: 'invalid_value',
      path: [],
      detail: 'give either dimensions (one scorecard) or scorecards, not both',
    });
    return issues;
  }
  const bands = d.bands;
  if (bands !== undefined) {
    duplicates(
      bands.map((b) => b.name),
      (i) => ['bands', i, 'name'],
      issues,
      'band',
    );
    bands.forEach((b, i) => {
      if (i > 0 && !(b.upTo > bands[i - 1]!.upTo))
        issues.push({
          code: 'order',
          path: ['bands', i, 'upTo'],
          detail: 'bands must ascend strictly by upTo',
        });
    });
    if (bands[bands.length - 1]!.upTo !== 100)
      issues.push({
        code: 'invalid_value',
        path: ['bands', bands.length - 1, 'upTo'],
        detail: 'the last band must end at 100, the top of the scale',
      });
  }
  const cards: readonly { when?: unknown; id: string; dimensions: Parsed['dimensions'] & {} }[] =
    d.scorecards ?? [{ id: 'default', dimensions: d.dimensions! }];
  const base = (c: number): (string | number)[] =>
    d.scorecards === undefined ? [] : ['scorecards', c];
  if (d.scorecards !== undefined) {
    duplicates(
      d.scorecards.map((c) => c.id),
      (i) => ['scorecards', i, 'id'],
      issues,
      'scorecard',
    );
    d.scorecards.forEach((c, i) => {
      if (c.when === undefined && i < d.scorecards!.length - 1)
        issues.push({
          code: 'unreachable',
          path: ['scorecards', i + 1],
          detail: `scorecard ${i} has no condition, so no later scorecard is ever used`,
        });
    });
  }
  cards.forEach((card, c) => {
    duplicates(
      card.dimensions.map((x) => x.id),
      (i) => [...base(c), 'dimensions', i, 'id'],
      issues,
      'dimension',
    );
    const measureIds: string[] = [];
    const measurePaths: (string | number)[][] = [];
    card.dimensions.forEach((dim, di) => {
      dim.measures.forEach((m, mi) => {
        const path = [...base(c), 'dimensions', di, 'measures', mi];
        measureIds.push(m.id);
        measurePaths.push([...path, 'id']);
        scaleIssues(m.scale as HealthScale, [...path, 'scale'], issues);
        if (m.scale.kind === 'boolean' && m.read !== undefined && m.read !== 'value')
          issues.push({
            code: 'invalid_value',
            path: [...path, 'read'],
            detail: 'a boolean measure reads its value as it is',
          });
      });
    });
    duplicates(measureIds, (i) => measurePaths[i]!, issues, 'measure');
  });
  return issues;
}

function resolve(d: Parsed): HealthModel {
  const cards = (d.scorecards ?? [
    { id: 'default', dimensions: d.dimensions! },
  ]) as readonly HealthScorecardDefinition[];
  const scorecards = cards.map(
    (card): HealthScorecard => ({
      id: card.id,
      label: card.label ?? card.id,
      when: card.when ?? null,
      dimensions: card.dimensions.map((dim) => ({
        id: dim.id,
        label: dim.label ?? dim.id,
        weight: dim.weight ?? 1,
        measures: dim.measures.map(
          (m): HealthMeasure => ({
            id: m.id,
            label: m.label ?? m.id,
            fact: m.fact,
            read: m.read ?? 'value',
            weight: m.weight ?? 1,
            scale: m.scale,
            missing: m.missing ?? 'exclude',
          }),
        ),
      })),
    }),
  );
  const bands: readonly HealthBand[] = d.bands ?? DEFAULT_BANDS.map((b) => ({ ...b }));
  return { id: d.id, version: d.version, bands, scorecards };
}

/**
 * Validates a health model and fills in its defaults. A model is bands and one or more
 * scorecards (one per segment or stage, chosen by a condition) of weighted dimensions of
 * weighted measures; each measure reads a fact and maps it to 0-100 by tiers, a linear ramp, a
 * percentile rank in the population or a boolean. Weights are any positive numbers: each level is
 * a weighted mean, `Σ w·m / Σ w`, as Gainsight computes measure groups.
 *
 * Besides the shape of every field it checks that ids are unique (scorecards in the model,
 * dimensions and measures in a scorecard), tiers ascend, a linear ramp has two distinct ends,
 * bands ascend and end at 100, and only the last scorecard may go without a condition.
 *
 * @param definition - The model as plain JSON.
 * @returns The model with defaults filled in, ready for {@link scoreHealth}.
 * @throws {RetentionDefinitionError} With every issue and its path inside the definition.
 *
 * @example
 * const model = defineHealthModel({
 *   id: 'smb', version: 1,
 *   dimensions: [
 *     { id: 'usage', weight: 2, measures: [
 *       { id: 'logins', fact: 'logins30d', scale: { kind: 'tiers', tiers: [{ atLeast: 0, score: 0 }, { atLeast: 4, score: 50 }, { atLeast: 10, score: 100 }] } },
 *     ] },
 *     { id: 'support', measures: [
 *       { id: 'csat', fact: 'csat', scale: { kind: 'linear', zeroAt: 1, fullAt: 5 }, missing: { score: 50 } },
 *     ] },
 *   ],
 * });
 * [model.scorecards[0].id, model.bands.map((b) => `${b.name} <= ${b.upTo}`)]
 * //=> ['default', ['red <= 50', 'yellow <= 75', 'green <= 100']]
 *
 * @example
 * defineHealthModel({
 *   id: 'bad', version: 1,
 *   dimensions: [{ id: 'usage', measures: [{ id: 'logins', fact: 'logins30d', weight: -1, scale: { kind: 'percentile' } }] }],
 * })
 * //=> throws 'defineHealthModel: definition.dimensions[0].measures[0].weight is out of range (expected > 0)'
 *
 * @category scoring
 */
export function defineHealthModel(definition: HealthModelDefinition): HealthModel {
  const fn = 'defineHealthModel';
  const parsed = parseDefinition(schema(), definition, fn);
  const issues = semanticIssues(parsed);
  if (issues.length > 0) throw new RetentionDefinitionError(fn, issues);
  const model = resolve(parsed);
  compileHealthModel(model);
  return model;
}
