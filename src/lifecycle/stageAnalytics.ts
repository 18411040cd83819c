import type { Accumulator } from '../core/accumulator';
import { RetentionError, RetentionInputError } from '../core/errors';
import { type InstantInput, toInstant } from '../core/instant';
import { type CompiledMachine, compiledOf, type StageMachine } from './defineStageMachine';
import { checkState } from './engine';
import type { StageState } from './transition';

/**
 * Options of {@link stageAnalytics} and {@link stageAnalyticsAccumulator}.
 *
 * @category lifecycle
 */
export interface StageAnalyticsOptions {
  /** The instant the analytics describe: later entries are ignored and stays in progress end here. */
  readonly asOf: InstantInput;
  /**
   * Stages in the order customers should pass them, e.g. `['orientation', 'immersion', 'rooting',
   * 'established']`, for the conversion funnel. @defaultValue `[]` (no funnel)
   */
  readonly funnel?: readonly string[];
}

/**
 * Time in one stage and where customers went from it, over all states.
 *
 * @category lifecycle
 */
export interface StageStats {
  /** Customers who entered the stage at least once. */
  readonly customers: number;
  /** Stays in the stage (a customer may enter it several times). */
  readonly visits: number;
  /** Customers in the stage at `asOf`. */
  readonly current: number;
  /** Stays that ended by `asOf`. */
  readonly completed: number;
  /** Time spent in the stage in all stays, the ones in progress counted up to `asOf` (ms). */
  readonly totalMs: number;
  /** Mean length of the completed stays, or `null` when none ended (ms). */
  readonly meanVisitMs: number | null;
  /** Shortest completed stay, or `null` (ms). */
  readonly minVisitMs: number | null;
  /** Longest completed stay, or `null` (ms). */
  readonly maxVisitMs: number | null;
  /** Completed stays by the stage entered next: the direct conversions out of the stage. */
  readonly exits: Readonly<Record<string, number>>;
}

/**
 * One step of a conversion funnel. Step 0 compares with all customers; step `i` with those who
 * reached step `i - 1`. A customer reaches a step by entering its stage after having entered the
 * stages of all earlier steps, in order (detours in between are allowed).
 *
 * @category lifecycle
 */
export interface StageFunnelStep {
  readonly stage: string;
  /** Customers who reached this step by `asOf`. */
  readonly reached: number;
  /** Customers who could have: all customers for step 0, else those who reached the step before. */
  readonly from: number;
  /** `reached / from`, or `null` when `from` is 0. */
  readonly conversion: number | null;
  /** `from - reached`: the drop-off, including customers still on the way. */
  readonly dropped: number;
  /** Of the dropped, those whose current stage is the previous step: they may still convert. */
  readonly stillInPrevious: number;
}

/**
 * Stage analytics: time in each stage, the moves between stages, and an optional funnel.
 *
 * @category lifecycle
 */
export interface StageAnalytics {
  readonly asOf: number;
  /** States that had entered a stage by `asOf`. */
  readonly customers: number;
  /** Every declared stage, in definition order. */
  readonly stages: Readonly<Record<string, StageStats>>;
  readonly funnel: readonly StageFunnelStep[];
}

/** Sums of one stage: the JSON that partitions exchange. */
interface StageSums {
  customers: number;
  visits: number;
  current: number;
  completed: number;
  /** Total time, exactly: `totalHigh * 2^32 + totalLow` milliseconds. */
  totalHigh: number;
  totalLow: number;
  completedHigh: number;
  completedLow: number;
  minVisitMs: number | null;
  maxVisitMs: number | null;
  exits: Record<string, number>;
}

/**
 * The JSON state of a {@link stageAnalyticsAccumulator}, to merge partitions computed elsewhere.
 *
 * @category lifecycle
 */
export interface StageAnalyticsSnapshot {
  readonly machine: string;
  readonly version: number;
  readonly asOf: number;
  readonly funnel: readonly string[];
  readonly customers: number;
  readonly stages: Readonly<Record<string, Readonly<StageSums>>>;
  readonly reached: readonly number[];
  readonly stillIn: readonly number[];
}

const HIGH = 2 ** 32;

/** Adds a non-negative integer to an exact two-part sum. */
function addExact(sums: StageSums, key: 'total' | 'completed', ms: number): void {
  const high = key === 'total' ? 'totalHigh' : 'completedHigh';
  const low = key === 'total' ? 'totalLow' : 'completedLow';
  const h = Math.floor(ms / HIGH);
  sums[high] += h;
  sums[low] += ms - h * HIGH;
  if (sums[low] >= HIGH) {
    const carry = Math.floor(sums[low] / HIGH);
    sums[high] += carry;
    sums[low] -= carry * HIGH;
  }
}

function emptySums(): StageSums {
  return {
    customers: 0,
    visits: 0,
    current: 0,
    completed: 0,
    totalHigh: 0,
    totalLow: 0,
    completedHigh: 0,
    completedLow: 0,
    minVisitMs: null,
    maxVisitMs: null,
    exits: {},
  };
}

function minOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

interface Totals {
  customers: number;
  readonly stages: Map<string, StageSums>;
  readonly reached: number[];
  readonly stillIn: number[];
}

/** Adds one customer's history, as of `asOf`, to the totals. */
function addState(
  totals: Totals,
  state: StageState,
  asOf: number,
  funnel: readonly string[],
): void {
  const history = state.history;
  let end = 0;
  while (end < history.length && history[end]!.at <= asOf) end++;
  if (end === 0) return;
  totals.customers += 1;
  const seen = new Set<string>();
  let step = 0;
  for (let i = 0; i < end; i++) {
    const entry = history[i]!;
    const sums = totals.stages.get(entry.stage)!;
    sums.visits += 1;
    if (!seen.has(entry.stage)) {
      seen.add(entry.stage);
      sums.customers += 1;
    }
    const next = i + 1 < end ? history[i + 1]! : undefined;
    const ms = (next?.at ?? asOf) - entry.at;
    addExact(sums, 'total', ms);
    if (next === undefined) {
      sums.current += 1;
    } else {
      sums.completed += 1;
      addExact(sums, 'completed', ms);
      sums.minVisitMs = minOf(sums.minVisitMs, ms);
      sums.maxVisitMs = maxOf(sums.maxVisitMs, ms);
      sums.exits[next.stage] = (sums.exits[next.stage] ?? 0) + 1;
    }
    if (step < funnel.length && entry.stage === funnel[step]) {
      totals.reached[step]! += 1;
      step += 1;
    }
  }
  const current = history[end - 1]!.stage;
  if (step > 0 && step < funnel.length && current === funnel[step - 1]) {
    totals.stillIn[step]! += 1;
  }
}

function mergeTotals(into: Totals, other: StageAnalyticsSnapshot): void {
  into.customers += other.customers;
  for (const [stage, sums] of into.stages) {
    const o = other.stages[stage];
    if (o === undefined) continue;
    sums.customers += o.customers;
    sums.visits += o.visits;
    sums.current += o.current;
    sums.completed += o.completed;
    addExact(sums, 'total', o.totalHigh * HIGH);
    addExact(sums, 'total', o.totalLow);
    addExact(sums, 'completed', o.completedHigh * HIGH);
    addExact(sums, 'completed', o.completedLow);
    sums.minVisitMs = minOf(sums.minVisitMs, o.minVisitMs);
    sums.maxVisitMs = maxOf(sums.maxVisitMs, o.maxVisitMs);
    for (const [to, n] of Object.entries(o.exits)) sums.exits[to] = (sums.exits[to] ?? 0) + n;
  }
  other.reached.forEach((n, i) => {
    into.reached[i]! += n;
  });
  other.stillIn.forEach((n, i) => {
    into.stillIn[i]! += n;
  });
}

function sortedRecord(record: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key]!;
  return out;
}

function resultOf(totals: Totals, asOf: number, funnel: readonly string[]): StageAnalytics {
  const stages: Record<string, StageStats> = {};
  for (const [stage, s] of totals.stages) {
    const completedMs = s.completedHigh * HIGH + s.completedLow;
    stages[stage] = {
      customers: s.customers,
      visits: s.visits,
      current: s.current,
      completed: s.completed,
      totalMs: s.totalHigh * HIGH + s.totalLow,
      meanVisitMs: s.completed === 0 ? null : completedMs / s.completed,
      minVisitMs: s.minVisitMs,
      maxVisitMs: s.maxVisitMs,
      exits: sortedRecord(s.exits),
    };
  }
  const steps = funnel.map((stage, i): StageFunnelStep => {
    const reached = totals.reached[i]!;
    const from = i === 0 ? totals.customers : totals.reached[i - 1]!;
    return {
      stage,
      reached,
      from,
      conversion: from === 0 ? null : reached / from,
      dropped: from - reached,
      stillInPrevious: totals.stillIn[i]!,
    };
  });
  return { asOf, customers: totals.customers, stages, funnel: steps };
}

function snapshotOf(
  m: CompiledMachine,
  totals: Totals,
  asOf: number,
  funnel: readonly string[],
): StageAnalyticsSnapshot {
  const stages: Record<string, StageSums> = {};
  for (const [stage, s] of totals.stages) stages[stage] = { ...s, exits: sortedRecord(s.exits) };
  return {
    machine: m.id,
    version: m.version,
    asOf,
    funnel: [...funnel],
    customers: totals.customers,
    stages,
    reached: [...totals.reached],
    stillIn: [...totals.stillIn],
  };
}

/**
 * The accumulator form of {@link stageAnalytics}: add states one by one (from a cursor over a
 * table of millions), and merge partitions computed in other workers or processes, live or as JSON
 * snapshots, into exactly the answer of one pass.
 *
 * @param machine - The machine the states belong to (older versions are migrated).
 * @param options - See {@link StageAnalyticsOptions}.
 * @returns The accumulator.
 * @throws {RetentionInputError} When `asOf` is invalid or a funnel stage is not declared; `add`
 * throws one naming the record's index when a state is malformed.
 *
 * @example
 * const machine = onboardingMachine();
 * const a = stageAnalyticsAccumulator(machine, { asOf: '2026-04-01T00:00:00Z' });
 * const b = stageAnalyticsAccumulator(machine, { asOf: '2026-04-01T00:00:00Z' });
 * a.add(startStageMachine(machine, { signedUpAt: '2026-03-01T00:00:00Z' }).state);
 * b.add(startStageMachine(machine, { signedUpAt: '2026-03-31T00:00:00Z' }).state);
 * a.merge(JSON.parse(JSON.stringify(b.snapshot()))).result().stages.orientation?.current
 * //=> 2
 *
 * @category lifecycle
 */
export function stageAnalyticsAccumulator<S extends string, F>(
  machine: StageMachine<S, F>,
  options: StageAnalyticsOptions,
): Accumulator<StageState, StageAnalytics, StageAnalyticsSnapshot> {
  return makeAccumulator('stageAnalyticsAccumulator', machine as StageMachine, options);
}

function makeAccumulator(
  fn: string,
  machine: StageMachine,
  options: StageAnalyticsOptions,
): Accumulator<StageState, StageAnalytics, StageAnalyticsSnapshot> {
  const m = compiledOf(machine, fn);
  const asOf = toInstant(options.asOf, { fn, path: ['asOf'], root: 'options' });
  const funnel = [...(options.funnel ?? [])];
  funnel.forEach((stage, i) => {
    if (!m.stages.has(stage)) {
      throw new RetentionInputError(
        fn,
        [{ code: 'unknown_reference', path: ['funnel', i], expected: 'a declared stage' }],
        'options',
      );
    }
  });
  const totals: Totals = {
    customers: 0,
    stages: new Map([...m.stages.keys()].map((s) => [s, emptySums()])),
    reached: funnel.map(() => 0),
    stillIn: funnel.map(() => 0),
  };
  let index = 0;
  const acc: Accumulator<StageState, StageAnalytics, StageAnalyticsSnapshot> = {
    add(state) {
      const checked = checkState(m, state, fn, { root: 'states', path: [index] });
      index += 1;
      addState(totals, checked, asOf, funnel);
      return acc;
    },
    addAll(states) {
      for (const state of states) acc.add(state);
      return acc;
    },
    merge(other) {
      const snap =
        'snapshot' in other && typeof other.snapshot === 'function' ? other.snapshot() : other;
      const s = snap as StageAnalyticsSnapshot;
      if (
        s.machine !== m.id ||
        s.version !== m.version ||
        s.asOf !== asOf ||
        s.funnel.length !== funnel.length ||
        s.funnel.some((stage, i) => stage !== funnel[i])
      ) {
        throw new RetentionError(
          'invalid_input',
          `${fn}: can only merge analytics of the same machine, version, asOf and funnel`,
        );
      }
      mergeTotals(totals, s);
      return acc;
    },
    result() {
      return resultOf(totals, asOf, funnel);
    },
    snapshot() {
      return snapshotOf(m, totals, asOf, funnel);
    },
  };
  return acc;
}

/**
 * Computes stage analytics over many customers' states in one pass: per stage, how many customers
 * entered it, how many are in it, how long stays last (mean, shortest, longest, total) and where
 * customers went next; and, given a funnel of stages, how many customers reached each step, the
 * conversion from the step before and the drop-off. Everything is as of `asOf`; a state's history
 * is what it holds (see `historyLimit`).
 *
 * @param machine - The machine the states belong to (older versions are migrated).
 * @param states - Any iterable of states.
 * @param options - See {@link StageAnalyticsOptions}.
 * @returns The analytics, with the counts behind every figure.
 * @throws {RetentionInputError} When `asOf` is invalid, a funnel stage is not declared, or a state
 * is malformed (naming its index).
 *
 * @example
 * const machine = onboardingMachine();
 * const signup = (day: number) => startStageMachine(machine, { signedUpAt: Date.UTC(2026, 2, day) }).state;
 * const valued = (day: number) => transition(machine, signup(day), { type: 'first_value', at: Date.UTC(2026, 2, day + 1) }, Date.UTC(2026, 2, day + 1)).state;
 * const asOf = Date.UTC(2026, 2, 20);
 * const states = [valued(1), valued(2), signup(3)].map((s) => transition(machine, s, 'tick', asOf).state);
 * const { funnel: steps, stages } = stageAnalytics(machine, states, { asOf, funnel: ['orientation', 'immersion'] });
 * [steps[1]?.reached, steps[1]?.conversion, steps[1]?.stillInPrevious, stages.orientation?.meanVisitMs === 7 * 86_400_000]
 * //=> [2, 2 / 3, 1, true]
 *
 * @category lifecycle
 */
export function stageAnalytics<S extends string, F>(
  machine: StageMachine<S, F>,
  states: Iterable<StageState>,
  options: StageAnalyticsOptions,
): StageAnalytics {
  return makeAccumulator('stageAnalytics', machine as StageMachine, options)
    .addAll(states)
    .result();
}
