/**
 * The benchmark harness behind `npm run bench`. Each `bench/<module>.bench.ts` exports a
 * {@link BenchModule}; the runner times every case of every group with tinybench, prints each
 * case's ratio to the group's baseline (a peer library or a hand-written floor) in the same run,
 * checks the group's targets, and writes the figures to `.bench-out/<module>.json`.
 */
export interface BenchCase {
  /** Shown in the table, e.g. `'retention-kit churnRate'` or `'json-rules-engine'`. */
  readonly name: string;
  /** One timed call. */
  readonly fn: () => unknown;
  /** Work items per call (records, customers, evaluations), to report items per second. */
  readonly items?: number;
  /** Untimed preparation before each call (e.g. the day's events before a tick). */
  readonly beforeEach?: () => unknown;
}

/** A target the issue sets, checked on every run. */
export type BenchTarget =
  | {
      readonly kind: 'ratio';
      readonly case: string;
      readonly atMost: number;
      readonly description: string;
    }
  | {
      readonly kind: 'faster';
      readonly case: string;
      readonly atLeast: number;
      readonly description: string;
    }
  | {
      readonly kind: 'time';
      readonly case: string;
      readonly atMostMs: number;
      readonly description: string;
    }
  | {
      readonly kind: 'rate';
      readonly case: string;
      readonly atLeastPerSecond: number;
      readonly description: string;
    };

export interface BenchGroup {
  /** What is measured, e.g. `'churnRate, 1M customers'`. */
  readonly title: string;
  readonly cases: readonly BenchCase[];
  /** Name of the case ratios are relative to. @defaultValue the first case */
  readonly baseline?: string;
  readonly targets?: readonly BenchTarget[];
  /** Timed iterations per case. @defaultValue 10 */
  readonly iterations?: number;
  /** Minimum timed milliseconds per case. @defaultValue 500 */
  readonly time?: number;
  /** Untimed warm-up iterations per case (0 for cases that take seconds). @defaultValue 2 */
  readonly warmup?: number;
  /** Extra figures to print and record (peak memory, accuracy). */
  readonly notes?: () => Readonly<Record<string, string | number>>;
  /** Releases what the group holds (connections, servers) once it has run. */
  readonly dispose?: () => Promise<void> | void;
}

export interface BenchModule {
  readonly name: string;
  /** Builds the data (not timed) and returns the groups. */
  groups(): Promise<readonly BenchGroup[]> | readonly BenchGroup[];
}

export interface CaseResult {
  readonly name: string;
  readonly meanMs: number;
  readonly p99Ms: number;
  readonly opsPerSecond: number;
  readonly itemsPerSecond?: number;
  readonly ratioToBaseline: number;
  readonly samples: number;
}

export interface TargetResult {
  readonly description: string;
  readonly met: boolean;
  readonly measured: string;
}

export interface GroupResult {
  readonly title: string;
  readonly baseline: string;
  readonly cases: readonly CaseResult[];
  readonly targets: readonly TargetResult[];
  readonly notes: Readonly<Record<string, string | number>>;
}

/** Runs `fn` after a full garbage collection and reports how far the heap grew while it ran. */
export function peakHeapGrowth(fn: () => unknown): { result: unknown; peakMB: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 5);
  const result = fn();
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  clearInterval(timer);
  return { result, peakMB: (peak - before) / 1_048_576 };
}
