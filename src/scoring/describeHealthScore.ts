import type { HealthScore } from './scoreHealth';

/**
 * Options of {@link describeHealthScore}.
 *
 * @category scoring
 */
export interface DescribeHealthScoreOptions {
  /** Show the facts' values (turn off for logs that must not hold customer data). @defaultValue `true` */
  readonly showValues?: boolean;
  /** Decimals of scores and points. @defaultValue `1` */
  readonly digits?: number;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}

/**
 * Renders a {@link HealthScore} as lines of text: the score, band and trend, then each dimension
 * and each measure with its score, share and the points it adds, and what was missing or
 * overridden. The record is the explanation; this is one wording of it.
 *
 * @param health - A result of {@link scoreHealth} or a full result of {@link scorePopulation}.
 * @param options - See {@link DescribeHealthScoreOptions}.
 * @returns The lines.
 *
 * @example
 * const model = defineHealthModel({
 *   id: 'usage', version: 1,
 *   dimensions: [{ id: 'usage', measures: [
 *     { id: 'logins', fact: 'logins30d', weight: 3, scale: { kind: 'linear', zeroAt: 0, fullAt: 20 } },
 *     { id: 'nps', fact: 'nps', scale: { kind: 'linear', zeroAt: 0, fullAt: 10 } },
 *   ] }],
 * });
 * describeHealthScore(scoreHealth(model, { logins30d: 12 }, { asOf: '2026-03-01T00:00:00Z' }))
 * //=> ['health 60.0 (yellow), scorecard default', '  usage 60.0, 100% of the score', '    logins 60.0 × 100% = +60.0 (value 12)', '    nps missing: excluded']
 *
 * @category scoring
 */
export function describeHealthScore(
  health: HealthScore,
  options: DescribeHealthScoreOptions = {},
): string[] {
  const showValues = options.showValues ?? true;
  const digits = options.digits ?? 1;
  const f = (n: number) => n.toFixed(digits);
  const lines: string[] = [];
  let head =
    health.score === null
      ? 'health not scored'
      : `health ${f(health.score)} (${health.band ?? ''})`;
  head += health.scorecard === null ? ', no scorecard applies' : `, scorecard ${health.scorecard}`;
  if (health.overridden && health.computedScore !== null)
    head += `, overridden (computed ${f(health.computedScore)})`;
  else if (health.overridden) head += ', overridden';
  if (health.change !== null && health.previousScore !== null) {
    head +=
      health.trend === 'same'
        ? `, unchanged from ${f(health.previousScore)}`
        : `, ${health.trend} ${f(Math.abs(health.change))} from ${f(health.previousScore)}`;
  }
  lines.push(head);
  for (const d of health.dimensions) {
    lines.push(
      d.score === null
        ? `  ${d.id} not scored: every measure missing`
        : `  ${d.id} ${f(d.score)}, ${pct(d.weight)} of the score`,
    );
    for (const m of health.measures) {
      if (m.dimension !== d.id) continue;
      if (m.score === null) {
        lines.push(`    ${m.id} missing: excluded`);
        continue;
      }
      let line = `    ${m.id} ${f(m.score)} × ${pct(m.weight)} = +${f(m.contribution)}`;
      if (m.overridden) line += ' (overridden)';
      else if (m.missing) line += ' (missing: policy score)';
      else if (showValues && m.value !== null)
        line += ` (value ${typeof m.value === 'number' ? Number(m.value.toFixed(2)) : m.value})`;
      lines.push(line);
    }
  }
  return lines;
}
