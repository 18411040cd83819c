import type { Accumulator } from '../core/accumulator';
import type { Duration, DurationInput } from '../core/duration';
import { describeType, failInput } from '../core/errors';
import type { Instant, InstantInput } from '../core/instant';
import type { JsonValue } from '../core/validate';
import type { MetricEvent } from './inputs';
import {
  checkRecord,
  deadline,
  MetricAccumulator,
  optionalInstant,
  optionCohort,
  optionDuration,
  optionsObject,
  optionTimeZone,
  readId,
  readInstant,
  readType,
  type Site,
  snapArray,
  snapNumber,
  snapString,
} from './internal';
import type { MetricSnapshot } from './snapshot';

/**
 * Options of {@link funnel}.
 *
 * @category metrics
 */
export interface FunnelOptions {
  /** The event type of each step, in order, e.g. `['signup', 'project_created', 'colleague_invited']`. */
  readonly steps: readonly string[];
  /** Every later step must happen within this time of the first step's event, e.g. `'7d'`. */
  readonly window: DurationInput;
  /** Only attempts whose first-step event lies in `[from, to)`. @defaultValue every attempt */
  readonly cohort?: { readonly from: InstantInput; readonly to: InstantInput };
  /** "Now": events after it are ignored. @defaultValue none */
  readonly asOf?: InstantInput;
  /** The time zone of calendar windows (`{ days: 7 }`). @defaultValue `'UTC'` */
  readonly timeZone?: string;
}

/**
 * One step of a funnel.
 *
 * @category metrics
 */
export interface FunnelStep {
  /** 0 for the first step. */
  readonly index: number;
  /** The step's event type. */
  readonly event: string;
  /** Customers who reached this step (and every step before it, in order, within the window). */
  readonly reached: number;
  /** `reached / reached at the previous step` (1 for the first step), or `null`. */
  readonly conversionFromPrevious: number | null;
  /** `reached / entered`, or `null`. */
  readonly conversionFromStart: number | null;
  /** Customers who reached the previous step but not this one (0 for the first step). */
  readonly dropOff: number;
  /** `dropOff / reached at the previous step` (0 for the first step), or `null`. */
  readonly dropOffRate: number | null;
}

/**
 * The answer of {@link funnel}.
 *
 * @category metrics
 */
export interface FunnelResult {
  /** Customers who did the first step. */
  readonly entered: number;
  /** Customers who reached the last step. */
  readonly completed: number;
  /** `completed / entered`, or `null`. */
  readonly rate: number | null;
  /** The steps in order; the largest `dropOff` shows where most customers are lost. */
  readonly steps: readonly FunnelStep[];
}

interface Resolved {
  readonly steps: readonly string[];
  /** For each event type, the steps it matches, highest first. */
  readonly stepsOf: ReadonlyMap<string, readonly number[]>;
  readonly window: Duration;
  readonly cohort: { from: Instant; to: Instant } | undefined;
  readonly asOf: Instant | undefined;
  readonly timeZone: string;
}

/**
 * Per customer, the times of their events that match a step, as `[time, type, time, type...]`
 * (type = the position of the event type in the list of distinct step types). Funnels with a
 * window need each customer's step events in time order, so memory grows with step events (not
 * with other events).
 */
class FunnelAccumulator extends MetricAccumulator<MetricEvent, FunnelResult> {
  private readonly events = new Map<string, number[]>();
  private readonly types: readonly string[];
  private readonly typeIndex: ReadonlyMap<string, number>;

  constructor(
    site: Site,
    private readonly o: Resolved,
  ) {
    super(site, 'retention-kit/funnel', {
      steps: [...o.steps],
      window: o.window as unknown as JsonValue,
      cohort: o.cohort ?? null,
      asOf: o.asOf ?? null,
      timeZone: o.timeZone,
    });
    this.types = [...new Set(o.steps)];
    this.typeIndex = new Map(this.types.map((t, i) => [t, i]));
  }

  private push(id: string, at: number, type: number): void {
    const list = this.events.get(id);
    if (list === undefined) this.events.set(id, [at, type]);
    else list.push(at, type);
  }

  protected accept(event: MetricEvent, index: number): void {
    const site = this.site;
    checkRecord(event, site, index);
    const id = readId(event.customerId, site, index);
    const type = readType(event.type, site, index);
    const at = readInstant(event.at, site, index, 'at');
    if (this.o.asOf !== undefined && at > this.o.asOf) return;
    const t = this.typeIndex.get(type);
    if (t !== undefined) this.push(id, at, t);
  }

  protected state(): JsonValue {
    const customers: JsonValue[] = [];
    for (const [id, list] of this.events) customers.push([id, list]);
    return { customers };
  }

  protected absorb(state: JsonValue): void {
    const fn = this.site.fn;
    snapArray(fn, (state as { customers?: unknown } | null)?.customers, [
      'state',
      'customers',
    ]).forEach((entry, i) => {
      const path = ['state', 'customers', i];
      const e = snapArray(fn, entry, path);
      const id = snapString(fn, e[0], [...path, 0]);
      const list = snapArray(fn, e[1], [...path, 1]);
      for (let j = 0; j + 1 < list.length; j += 2) {
        const type = snapNumber(fn, list[j + 1], [...path, 1, j + 1]);
        if (!(Number.isInteger(type) && type >= 0 && type < this.types.length)) {
          snapNumber(fn, Number.NaN, [...path, 1, j + 1]);
        }
        this.push(id, snapNumber(fn, list[j], [...path, 1, j]), type);
      }
    });
  }

  result(): FunnelResult {
    const { steps, stepsOf, window, cohort, timeZone } = this.o;
    const k = steps.length;
    const reached = new Array<number>(k).fill(0);
    // best[s]: the latest first-step time of an attempt that has reached step s so far.
    const best = new Float64Array(k);
    const ends = new Float64Array(k);
    const order: number[] = [];
    const stepsByType = this.types.map((t) => stepsOf.get(t)!);
    // Ties in time: the event of the lower step first, so a step can follow one at the same instant.
    const minStep = stepsByType.map((s) => s[s.length - 1]!);
    for (const list of this.events.values()) {
      order.length = 0;
      for (let j = 0; j < list.length; j += 2) order.push(j);
      order.sort((a, b) => list[a]! - list[b]! || minStep[list[a + 1]!]! - minStep[list[b + 1]!]!);
      best.fill(Number.NaN);
      let furthest = -1;
      for (const j of order) {
        const at = list[j]!;
        // Highest step first, so one event never serves two consecutive steps.
        for (const s of stepsByType[list[j + 1]!]!) {
          if (s === 0) {
            if (cohort !== undefined && (at < cohort.from || at >= cohort.to)) continue;
            if (!(best[0]! >= at)) {
              best[0] = at;
              ends[0] = deadline(at, window, timeZone);
            }
          } else {
            const start = best[s - 1]!;
            if (!Number.isNaN(start) && at < ends[s - 1]! && !(best[s]! >= start)) {
              best[s] = start;
              ends[s] = ends[s - 1]!;
            }
          }
          if (!Number.isNaN(best[s]!) && s > furthest) furthest = s;
        }
      }
      for (let s = 0; s <= furthest; s++) reached[s]!++;
    }
    const entered = reached[0]!;
    return {
      entered,
      completed: reached[k - 1]!,
      rate: entered > 0 ? reached[k - 1]! / entered : null,
      steps: steps.map((event, index) => {
        const here = reached[index]!;
        const previous = index === 0 ? here : reached[index - 1]!;
        return {
          index,
          event,
          reached: here,
          conversionFromPrevious: previous > 0 ? here / previous : null,
          conversionFromStart: entered > 0 ? here / entered : null,
          dropOff: previous - here,
          dropOffRate: previous > 0 ? (previous - here) / previous : null,
        };
      }),
    };
  }
}

function resolve(fn: string, options: FunnelOptions): Resolved {
  const o = optionsObject(fn, options);
  const steps = o.steps;
  if (!Array.isArray(steps) || steps.length === 0) {
    failInput(
      { fn, path: ['steps'], root: 'options' },
      steps === undefined
        ? { code: 'required', path: [] }
        : {
            code: 'invalid_value',
            path: [],
            expected: 'a non-empty list of event types',
            received: describeType(steps),
          },
    );
  }
  const stepsOf = new Map<string, number[]>();
  steps.forEach((s, i) => {
    if (typeof s !== 'string' || s === '') {
      failInput(
        { fn, path: ['steps', i], root: 'options' },
        {
          code: 'invalid_type',
          path: [],
          expected: 'a non-empty string',
          received: describeType(s),
        },
      );
    }
    stepsOf.set(s, [i, ...(stepsOf.get(s) ?? [])]);
  });
  return {
    steps: [...steps],
    stepsOf,
    window: optionDuration(fn, o.window, 'window'),
    cohort: optionCohort(fn, o.cohort),
    asOf: optionalInstant(fn, o.asOf, 'asOf'),
    timeZone: optionTimeZone(fn, o.timeZone),
  };
}

/**
 * Creates the accumulator form of {@link funnel}. Memory grows with the events that match a step.
 *
 * @param options - See {@link FunnelOptions}.
 * @returns An accumulator of events whose `result()` is a {@link FunnelResult}.
 * @throws {RetentionInputError} When an option is invalid; `add` throws for an invalid event.
 *
 * @example
 * const options = { steps: ['signup', 'project_created'], window: '7d' };
 * const a = funnelAccumulator(options).add({ customerId: 'x', type: 'project_created', at: '2026-01-02' });
 * const b = funnelAccumulator(options).add({ customerId: 'x', type: 'signup', at: '2026-01-01' });
 * a.merge(b.snapshot()).result().rate
 * //=> 1
 *
 * @category metrics
 */
export function funnelAccumulator(
  options: FunnelOptions,
): Accumulator<MetricEvent, FunnelResult, MetricSnapshot> {
  const fn = 'funnelAccumulator';
  return new FunnelAccumulator({ fn, root: 'events' }, resolve(fn, options));
}

/**
 * An ordered funnel: how many customers did the first step, then the second after it, and so on,
 * each later step before `first step + window`. A customer counts at the furthest step of their
 * best attempt (any first-step event may start one); events at the same instant may follow each
 * other in step order, but one event never counts for two steps. Reports conversion and drop-off
 * per step, so the step that loses most customers stands out.
 *
 * @param events - Activity events `{ customerId, type, at }`, in any order; other types are ignored.
 * @param options - See {@link FunnelOptions}.
 * @returns Entered, completed and each step's conversion and drop-off.
 * @throws {RetentionInputError} When an option or an event is invalid, naming the index and path.
 *
 * @example
 * const events = [
 *   { customerId: 'a', type: 'signup', at: '2026-01-01T10:00:00Z' },
 *   { customerId: 'a', type: 'project_created', at: '2026-01-01T10:30:00Z' },
 *   { customerId: 'a', type: 'colleague_invited', at: '2026-01-02T09:00:00Z' },
 *   { customerId: 'b', type: 'signup', at: '2026-01-01T11:00:00Z' },
 *   { customerId: 'b', type: 'colleague_invited', at: '2026-01-01T12:00:00Z' }, // out of order
 *   { customerId: 'c', type: 'signup', at: '2026-01-03T09:00:00Z' },
 *   { customerId: 'c', type: 'project_created', at: '2026-01-20T09:00:00Z' },  // too late
 * ];
 * const f = funnel(events, { steps: ['signup', 'project_created', 'colleague_invited'], window: '7d' });
 * f.steps.map((s) => [s.event, s.reached, s.dropOff])
 * //=> [['signup', 3, 0], ['project_created', 1, 2], ['colleague_invited', 1, 0]]
 *
 * @category metrics
 */
export function funnel(events: Iterable<MetricEvent>, options: FunnelOptions): FunnelResult {
  const fn = 'funnel';
  return new FunnelAccumulator({ fn, root: 'events' }, resolve(fn, options))
    .addAll(events)
    .result();
}
