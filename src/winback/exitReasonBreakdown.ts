import type { Accumulator } from '../core/accumulator';
import { describeType, failInput, type InputLocation } from '../core/errors';
import { type InstantInput, toInstant } from '../core/instant';
import { type Granularity, type PeriodKeyFn, periodKeyFn, periodKeyStart } from '../core/period';
import { toTimeZone } from '../core/timeZone';
import { type ExitReasonDictionary, exitReasonClassifier } from './classifyExitReason';
import { EXIT_REASONS, type ExitReason, isExitReason, reasonIndex } from './exitReasons';
import { at, requireObject } from './input';

/**
 * An exit-survey answer as {@link exitReasonBreakdown} reads it: a reason chosen from a list, or
 * free text to classify, or both (the chosen reason wins). A core `SurveyResponse` fits; records
 * whose `kind` is present and is not `'exit'` (NPS, CSAT) are skipped, so a whole survey log can
 * be passed.
 *
 * @category winback
 */
export interface ExitReasonResponse {
  /** When the answer was given. */
  readonly at: InstantInput;
  /** A reason the customer chose. */
  readonly reason?: ExitReason | null;
  /** The free-text answer, classified with {@link classifyExitReason} when no reason was chosen. */
  readonly text?: string | null;
  /** The segment to report it under (a plan, a cohort, a country). @defaultValue `'all'` */
  readonly segment?: string;
  /** The survey kind; records of another kind than `'exit'` are skipped. @defaultValue `'exit'` */
  readonly kind?: string;
}

/**
 * Options of {@link exitReasonBreakdown} and {@link exitReasonBreakdownAccumulator}. Partitions
 * that are merged must use the same options.
 *
 * @category winback
 */
export interface ExitReasonBreakdownOptions {
  /** Also break down by calendar period. @defaultValue no periods */
  readonly period?: Granularity;
  /** IANA time zone whose calendar defines the periods. @defaultValue `'UTC'` */
  readonly timeZone?: string;
  /** First day of a `'week'` period, 0 (Sunday) to 6. @defaultValue `1` (Monday) */
  readonly weekStartsOn?: 0 | 1 | 2 | 3 | 4 | 5 | 6;
  /** Keywords for free-text answers (see {@link ExitReasonDictionary}). @defaultValue the built-in ones */
  readonly dictionary?: ExitReasonDictionary;
  /** Free-text answers classified with less confidence count as `'other'` (and as unclassified). @defaultValue `0` */
  readonly minConfidence?: number;
}

/**
 * Counts of exit reasons in one group of answers.
 *
 * @category winback
 */
export interface ExitReasonTally {
  /** Answers counted. */
  readonly responses: number;
  /** Answers per reason; they add up to `responses`. */
  readonly counts: Readonly<Record<ExitReason, number>>;
  /** `counts / responses` per reason; `null` when there are no answers. */
  readonly shares: Readonly<Record<ExitReason, number | null>>;
  /** Answers with a chosen reason. */
  readonly chosen: number;
  /** Free-text answers the dictionary classified (with at least `minConfidence`). */
  readonly classified: number;
  /** Free-text (or empty) answers nothing matched, or matched with too little confidence: counted as `'other'`. */
  readonly unclassified: number;
}

/**
 * The tally of one segment in one period.
 *
 * @category winback
 */
export interface ExitReasonBreakdownRow extends ExitReasonTally {
  readonly segment: string;
  /** First instant of the period; `null` without the `period` option. */
  readonly periodStart: number | null;
}

/**
 * What {@link exitReasonBreakdown} returns: the tally of every answer, of each segment, of each
 * period, and of each segment in each period.
 *
 * @category winback
 */
export interface ExitReasonBreakdown {
  readonly total: ExitReasonTally;
  /** One row per segment (all periods), sorted by segment. */
  readonly segments: readonly (ExitReasonTally & { readonly segment: string })[];
  /** One row per period (all segments), in time order; empty without the `period` option. */
  readonly periods: readonly (ExitReasonTally & { readonly periodStart: number })[];
  /** One row per segment and period, sorted by segment then period. */
  readonly rows: readonly ExitReasonBreakdownRow[];
}

/**
 * The JSON state of an {@link ExitReasonBreakdownAccumulator}, for merging partitions.
 *
 * @category winback
 */
export interface ExitReasonBreakdownSnapshot {
  readonly v: 1;
  /** The options that matter for merging: partitions must agree on them. */
  readonly config: string;
  /** `[segment, period key or null, ...counts per reason, chosen, classified, unclassified]`. */
  readonly cells: readonly (readonly [string, number | null, ...number[]])[];
}

/**
 * The accumulator form of {@link exitReasonBreakdown}.
 *
 * @category winback
 */
export type ExitReasonBreakdownAccumulator = Accumulator<
  ExitReasonResponse,
  ExitReasonBreakdown,
  ExitReasonBreakdownSnapshot
>;

const FN = 'exitReasonBreakdown';
const GRANULARITIES: readonly Granularity[] = ['day', 'week', 'month', 'quarter', 'year'];
const R = EXIT_REASONS.length;
/** Cell layout: counts per reason, then chosen, classified, unclassified. */
const WIDTH = R + 3;

interface Config {
  readonly period: Granularity | null;
  readonly timeZone: string;
  readonly weekStartsOn: 0 | 1 | 2 | 3 | 4 | 5 | 6;
  readonly minConfidence: number;
  readonly key: PeriodKeyFn | null;
  readonly classify: ReturnType<typeof exitReasonClassifier>;
  readonly text: string;
}

function resolve(options: ExitReasonBreakdownOptions, fn: string): Config {
  const where: InputLocation = { fn, root: 'options', path: [] };
  requireObject(options, where);
  const period = options.period ?? null;
  if (period !== null && !GRANULARITIES.includes(period))
    failInput(at(where, 'period'), {
      code: 'invalid_enum',
      path: [],
      expected: "'day', 'week', 'month', 'quarter' or 'year'",
    });
  const timeZone = toTimeZone(options.timeZone, at(where, 'timeZone'));
  const weekStartsOn = options.weekStartsOn ?? 1;
  if (!(Number.isInteger(weekStartsOn) && weekStartsOn >= 0 && weekStartsOn <= 6))
    failInput(at(where, 'weekStartsOn'), {
      code: 'out_of_range',
      path: [],
      expected: 'an integer 0-6',
    });
  const minConfidence = options.minConfidence ?? 0;
  if (!(typeof minConfidence === 'number' && minConfidence >= 0 && minConfidence <= 1))
    failInput(at(where, 'minConfidence'), {
      code: 'out_of_range',
      path: [],
      expected: 'a number in [0, 1]',
      received: describeType(minConfidence),
    });
  const classify = exitReasonClassifier(options.dictionary);
  return {
    period,
    timeZone,
    weekStartsOn,
    minConfidence,
    key: period === null ? null : periodKeyFn(period, { timeZone, weekStartsOn }),
    classify,
    text: JSON.stringify([
      period,
      timeZone,
      weekStartsOn,
      minConfidence,
      options.dictionary ?? null,
    ]),
  };
}

function emptyCounts(): Record<ExitReason, number> {
  return {
    price: 0,
    missing_feature: 0,
    no_value: 0,
    technical: 0,
    support: 0,
    competitor: 0,
    temporary: 0,
    other: 0,
  };
}

function tally(cell: readonly number[]): ExitReasonTally {
  const counts = emptyCounts();
  const shares = emptyCounts() as Record<ExitReason, number | null>;
  let responses = 0;
  for (let i = 0; i < R; i++) responses += cell[i]!;
  EXIT_REASONS.forEach((r, i) => {
    counts[r] = cell[i]!;
    shares[r] = responses === 0 ? null : cell[i]! / responses;
  });
  return {
    responses,
    counts,
    shares,
    chosen: cell[R]!,
    classified: cell[R + 1]!,
    unclassified: cell[R + 2]!,
  };
}

function addInto(target: number[], source: readonly number[]): void {
  for (let i = 0; i < WIDTH; i++) target[i] = target[i]! + source[i]!;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

class BreakdownAccumulator implements ExitReasonBreakdownAccumulator {
  /** segment -> period key (or -Infinity without periods) -> cell */
  private readonly cells = new Map<string, Map<number, number[]>>();
  private index = 0;

  constructor(private readonly config: Config) {}

  private cell(segment: string, key: number): number[] {
    let bySegment = this.cells.get(segment);
    if (bySegment === undefined) {
      bySegment = new Map();
      this.cells.set(segment, bySegment);
    }
    let cell = bySegment.get(key);
    if (cell === undefined) {
      cell = new Array<number>(WIDTH).fill(0);
      bySegment.set(key, cell);
    }
    return cell;
  }

  add(record: ExitReasonResponse): this {
    const where: InputLocation = { fn: FN, root: 'responses', path: [this.index] };
    this.index++;
    const r = requireObject(record, where);
    if (r.kind !== undefined && r.kind !== 'exit') return this;
    const instant = toInstant(r.at as InstantInput, at(where, 'at'));
    const segment = r.segment ?? 'all';
    if (typeof segment !== 'string')
      failInput(at(where, 'segment'), {
        code: 'invalid_type',
        path: [],
        expected: 'a string',
        received: describeType(segment),
      });
    let reason: ExitReason;
    let column: number;
    if (r.reason !== undefined && r.reason !== null) {
      if (!isExitReason(r.reason))
        failInput(at(where, 'reason'), {
          code: 'invalid_enum',
          path: [],
          expected: `one of ${EXIT_REASONS.join(', ')}`,
          received: describeType(r.reason),
        });
      reason = r.reason;
      column = R;
    } else {
      const text = r.text ?? '';
      if (typeof text !== 'string')
        failInput(at(where, 'text'), {
          code: 'invalid_type',
          path: [],
          expected: 'a string',
          received: describeType(text),
        });
      const c = this.config.classify(text);
      if (c.confidence > 0 && c.confidence >= this.config.minConfidence) {
        reason = c.reason;
        column = R + 1;
      } else {
        reason = 'other';
        column = R + 2;
      }
    }
    const key = this.config.key === null ? Number.NEGATIVE_INFINITY : this.config.key(instant);
    const cell = this.cell(segment, key);
    const ri = reasonIndex(reason);
    cell[ri] = cell[ri]! + 1;
    cell[column] = cell[column]! + 1;
    return this;
  }

  addAll(records: Iterable<ExitReasonResponse>): this {
    for (const record of records) this.add(record);
    return this;
  }

  merge(other: ExitReasonBreakdownAccumulator | ExitReasonBreakdownSnapshot): this {
    const snap = other instanceof BreakdownAccumulator ? other.snapshot() : other;
    const s = requireObject(snap, { fn: `${FN}Accumulator.merge`, root: 'other' });
    if (s.v !== 1 || s.config !== this.config.text || !Array.isArray(s.cells))
      failInput(
        { fn: `${FN}Accumulator.merge`, root: 'other' },
        {
          code: 'invalid_value',
          path: [],
          detail: 'a partition made with other options (or not a breakdown snapshot)',
        },
      );
    for (const row of s.cells as ExitReasonBreakdownSnapshot['cells']) {
      const [segment, key, ...values] = row;
      addInto(this.cell(segment, key ?? Number.NEGATIVE_INFINITY), values);
    }
    return this;
  }

  snapshot(): ExitReasonBreakdownSnapshot {
    const cells: (readonly [string, number | null, ...number[]])[] = [];
    for (const segment of [...this.cells.keys()].sort(byString)) {
      const bySegment = this.cells.get(segment)!;
      for (const key of [...bySegment.keys()].sort((a, b) => a - b))
        cells.push([segment, Number.isFinite(key) ? key : null, ...bySegment.get(key)!]);
    }
    return { v: 1, config: this.config.text, cells };
  }

  result(): ExitReasonBreakdown {
    const { period, timeZone, weekStartsOn } = this.config;
    const start = (key: number): number | null =>
      period === null ? null : periodKeyStart(key, period, { timeZone, weekStartsOn });
    const total = new Array<number>(WIDTH).fill(0);
    const perPeriod = new Map<number, number[]>();
    const rows: ExitReasonBreakdownRow[] = [];
    const segments: (ExitReasonTally & { readonly segment: string })[] = [];
    for (const segment of [...this.cells.keys()].sort(byString)) {
      const bySegment = this.cells.get(segment)!;
      const segmentTotal = new Array<number>(WIDTH).fill(0);
      for (const key of [...bySegment.keys()].sort((a, b) => a - b)) {
        const cell = bySegment.get(key)!;
        addInto(segmentTotal, cell);
        addInto(total, cell);
        let p = perPeriod.get(key);
        if (p === undefined) {
          p = new Array<number>(WIDTH).fill(0);
          perPeriod.set(key, p);
        }
        addInto(p, cell);
        rows.push({ segment, periodStart: start(key), ...tally(cell) });
      }
      segments.push({ segment, ...tally(segmentTotal) });
    }
    const periods =
      period === null
        ? []
        : [...perPeriod.keys()]
            .sort((a, b) => a - b)
            .map((key) => ({ periodStart: start(key)!, ...tally(perPeriod.get(key)!) }));
    return { total: tally(total), segments, periods, rows };
  }
}

/**
 * Creates the accumulator form of {@link exitReasonBreakdown}: add answers in any order and in
 * partitions (worker threads, separate processes), merge the partitions live or through
 * `snapshot()`, and read the same breakdown as one pass would give.
 *
 * @param options - See {@link ExitReasonBreakdownOptions}.
 * @returns An empty accumulator.
 * @throws {RetentionInputError} When an option is invalid; `add` throws for a malformed answer,
 * `merge` for a snapshot made with other options.
 *
 * @example
 * const a = exitReasonBreakdownAccumulator().add({ at: '2026-03-02T10:00:00Z', reason: 'price' });
 * const b = exitReasonBreakdownAccumulator().add({ at: '2026-03-05T10:00:00Z', text: 'Too many bugs' });
 * a.merge(b.snapshot()).result().total.counts
 * //=> { price: 1, missing_feature: 0, no_value: 0, technical: 1, support: 0, competitor: 0, temporary: 0, other: 0 }
 *
 * @category winback
 */
export function exitReasonBreakdownAccumulator(
  options: ExitReasonBreakdownOptions = {},
): ExitReasonBreakdownAccumulator {
  return new BreakdownAccumulator(resolve(options, `${FN}Accumulator`));
}

/**
 * Breaks exit-survey answers down by reason, per segment and per period: what share of leavers
 * left over price, over a missing feature, because they never saw the value... Free-text answers
 * are classified with {@link classifyExitReason}; answers with a chosen reason are counted as
 * chosen. One pass over any iterable; see {@link exitReasonBreakdownAccumulator} for partitions.
 *
 * @param responses - Exit-survey answers in any order (other survey kinds are skipped).
 * @param options - See {@link ExitReasonBreakdownOptions}.
 * @returns The tally of all answers, per segment, per period and per segment and period.
 * @throws {RetentionInputError} When an answer has an invalid instant, an unknown reason or a
 * non-string text or segment (naming its index), or when an option is invalid.
 *
 * @example
 * const breakdown = exitReasonBreakdown(
 *   [
 *     { at: '2026-03-02T10:00:00Z', text: 'Too expensive for us', segment: 'starter' },
 *     { at: '2026-03-09T10:00:00Z', text: 'Слишком дорого', segment: 'starter' },
 *     { at: '2026-04-01T10:00:00Z', reason: 'no_value', segment: 'starter' },
 *     { at: '2026-04-03T10:00:00Z', text: 'Switched to a competitor', segment: 'team' },
 *     { at: '2026-04-03T10:00:00Z', kind: 'nps', text: 'great' },
 *   ],
 *   { period: 'month' },
 * );
 * breakdown.segments.map((s) => [s.segment, s.responses, s.shares.price])
 * //=> [['starter', 3, 2 / 3], ['team', 1, 0]]
 *
 * @example
 * exitReasonBreakdown([]).total.shares.price
 * //=> null
 *
 * @category winback
 */
export function exitReasonBreakdown(
  responses: Iterable<ExitReasonResponse>,
  options: ExitReasonBreakdownOptions = {},
): ExitReasonBreakdown {
  return new BreakdownAccumulator(resolve(options, FN)).addAll(responses).result();
}
