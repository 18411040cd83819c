import * as z from 'zod';
import { type DurationInput, isDurationInput } from './duration';
import {
  describeType,
  type InputLocation,
  type IssueCode,
  type IssuePath,
  RetentionDefinitionError,
  RetentionInputError,
  type RetentionIssue,
} from './errors';
import { type InstantInput, isInstantInput, toInstant } from './instant';
import { lazy } from './lazy';
import { isCurrencyCode } from './money';
import { isValidTimeZone } from './timeZone';

/**
 * Parameters a custom zod check attaches so its issue maps to a {@link RetentionIssue}.
 * @internal
 */
export interface IssueParams {
  readonly issue: IssueCode;
  readonly expected?: string;
  readonly detail?: string;
}

type ZodIssueLike = z.core.$ZodIssue;

function describeValues(values: readonly unknown[]): string {
  const shown = values.slice(0, 12).map((v) => JSON.stringify(v));
  return values.length > 12 ? `one of ${shown.join(', ')}, ...` : `one of ${shown.join(', ')}`;
}

function convert(issue: ZodIssueLike, base: IssuePath, out: RetentionIssue[]): void {
  const path = [...base, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
  const received = 'input' in issue ? describeType(issue.input) : undefined;
  const withReceived = <T extends RetentionIssue>(r: T): T =>
    received === undefined ? r : { ...r, received };
  switch (issue.code) {
    case 'invalid_type':
      if (received === 'undefined') out.push({ code: 'required', path });
      else out.push(withReceived({ code: 'invalid_type', path, expected: String(issue.expected) }));
      return;
    case 'too_small':
      out.push({
        code:
          issue.origin === 'array' || issue.origin === 'string' ? 'invalid_value' : 'out_of_range',
        path,
        expected:
          issue.origin === 'array'
            ? `at least ${issue.minimum} item(s)`
            : issue.origin === 'string'
              ? `at least ${issue.minimum} character(s)`
              : `${issue.inclusive === false ? '>' : '>='} ${issue.minimum}`,
      });
      return;
    case 'too_big':
      out.push({
        code: issue.origin === 'array' || issue.origin === 'string' ? 'too_big' : 'out_of_range',
        path,
        expected:
          issue.origin === 'array'
            ? `at most ${issue.maximum} item(s)`
            : issue.origin === 'string'
              ? `at most ${issue.maximum} character(s)`
              : `${issue.inclusive === false ? '<' : '<='} ${issue.maximum}`,
      });
      return;
    case 'invalid_value':
      out.push({ code: 'invalid_enum', path, expected: describeValues(issue.values) });
      return;
    case 'unrecognized_keys':
      for (const key of issue.keys) out.push({ code: 'unknown_key', path: [...path, key] });
      return;
    case 'invalid_format':
      out.push(withReceived({ code: 'invalid_value', path, expected: `format ${issue.format}` }));
      return;
    case 'invalid_union': {
      if (issue.errors.length > 0) {
        // Report the branch that got furthest: the one whose first issue has the longest path.
        let best: ZodIssueLike[] | undefined;
        let depth = -1;
        for (const branch of issue.errors) {
          const d = Math.max(...branch.map((b) => b.path.length));
          if (d > depth) {
            depth = d;
            best = branch;
          }
        }
        if (best !== undefined && depth > 0) {
          for (const b of best) convert(b, path, out);
          return;
        }
      }
      out.push(withReceived({ code: 'invalid_type', path, expected: 'one of the allowed shapes' }));
      return;
    }
    case 'custom': {
      const params = issue.params as IssueParams | undefined;
      const r: RetentionIssue = { code: params?.issue ?? 'custom', path };
      out.push({
        ...r,
        ...(params?.expected === undefined ? {} : { expected: params.expected }),
        ...(params?.detail === undefined ? {} : { detail: params.detail }),
        ...(received === undefined ? {} : { received }),
      });
      return;
    }
    default:
      out.push({ code: 'invalid_value', path });
  }
}

/**
 * Converts zod issues to {@link RetentionIssue} records, with our own wording and without the
 * offending values.
 *
 * @internal
 */
export function fromZodIssues(
  issues: readonly ZodIssueLike[],
  base: IssuePath = [],
): RetentionIssue[] {
  const out: RetentionIssue[] = [];
  for (const issue of issues) convert(issue, base, out);
  return out;
}

/**
 * Parses a value with a zod schema, throwing a {@link RetentionInputError} that names the
 * function, the path and the record index.
 *
 * @internal
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  location: InputLocation = {},
): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  throw new RetentionInputError(
    location.fn ?? 'retention-kit',
    fromZodIssues(result.error.issues, location.path ?? []),
    location.root ?? '',
  );
}

/**
 * Parses a definition with a zod schema, throwing a {@link RetentionDefinitionError} with every
 * issue found and its path inside the definition.
 *
 * @internal
 */
export function parseDefinition<S extends z.ZodType>(
  schema: S,
  value: unknown,
  fn: string,
): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  throw new RetentionDefinitionError(fn, fromZodIssues(result.error.issues));
}

/** Custom issue helper for refinements. @internal */
export function issueParams(
  issue: IssueCode,
  extra: Omit<IssueParams, 'issue'> = {},
): { params: IssueParams } {
  return { params: { issue, ...extra } };
}

/**
 * Reports the issues one of the library's own checks found (a condition, a rule, a fact path)
 * from inside a zod refinement, so that a schema embedding the check fails with the same codes,
 * paths, expectations and details. `input` is the checked value, when its type should be reported.
 * @internal
 */
export function addIssues(
  ctx: z.RefinementCtx,
  issues: Iterable<RetentionIssue>,
  input?: { readonly value: unknown },
): void {
  for (const issue of issues) {
    ctx.addIssue({
      code: 'custom',
      path: [...issue.path],
      ...(input === undefined ? {} : { input: input.value }),
      ...issueParams(issue.code, {
        ...(issue.expected === undefined ? {} : { expected: issue.expected }),
        ...(issue.detail === undefined ? {} : { detail: issue.detail }),
      }),
    });
  }
}

/** An instant field: accepts {@link InstantInput}, outputs epoch milliseconds. @internal */
export const zInstant = /* @__PURE__ */ lazy(() =>
  z
    .custom<InstantInput>(
      isInstantInput,
      issueParams('invalid_instant', {
        expected: 'Date, integer epoch milliseconds or ISO-8601 string with a UTC offset',
      }),
    )
    .transform((v) => toInstant(v)),
);

/** A duration field, kept in its input form (parse it with `parseDuration` when used). @internal */
export const zDuration = /* @__PURE__ */ lazy(() =>
  z.custom<DurationInput>(
    isDurationInput,
    issueParams('invalid_duration', {
      expected: "milliseconds, a string like '3h' or '7d', or { months, days, ... }",
    }),
  ),
);

/** An IANA time-zone field. @internal */
export const zTimeZone = /* @__PURE__ */ lazy(() =>
  z
    .string()
    .refine(
      isValidTimeZone,
      issueParams('invalid_time_zone', { expected: "an IANA time zone such as 'Europe/Berlin'" }),
    ),
);

/** An ISO 4217 currency field. @internal */
export const zCurrency = /* @__PURE__ */ lazy(() =>
  z
    .string()
    .refine(
      isCurrencyCode,
      issueParams('invalid_currency', { expected: "three upper-case letters, e.g. 'USD'" }),
    ),
);

/** An integer amount in minor units. @internal */
export const zMinorUnits = /* @__PURE__ */ lazy(() =>
  z.custom<number>(
    (v) => Number.isSafeInteger(v),
    issueParams('invalid_amount', { expected: 'an integer number of minor units (cents)' }),
  ),
);

/** A non-empty identifier of at most 256 characters. @internal */
export const zId = /* @__PURE__ */ lazy(() => z.string().min(1).max(256));

/**
 * A JSON value: what definitions, attributes and action parameters may hold.
 *
 * @category core
 */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function checkJson(value: unknown, depth: number, budget: { nodes: number }): string | null {
  if (--budget.nodes < 0) return 'too many values';
  if (depth > 32) return 'nested more than 32 levels';
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number')
    return Number.isFinite(value) ? null : 'a number that is not finite';
  if (Array.isArray(value)) {
    for (const v of value) {
      const e = checkJson(v, depth + 1, budget);
      if (e !== null) return e;
    }
    return null;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return `a forbidden key ${JSON.stringify(key)}`;
      const e = checkJson((value as Record<string, unknown>)[key], depth + 1, budget);
      if (e !== null) return e;
    }
    return null;
  }
  return `a ${describeType(value)}, which is not JSON`;
}

/** A JSON value with limits on size and depth and no prototype-polluting keys. @internal */
export const zJson = /* @__PURE__ */ lazy(
  () =>
    z.unknown().superRefine((value, ctx) => {
      const problem = checkJson(value, 0, { nodes: 10_000 });
      if (problem !== null) {
        ctx.addIssue({
          code: 'custom',
          input: value,
          ...issueParams('invalid_value', { expected: 'a JSON value', detail: problem }),
        });
      }
    }) as z.ZodType<JsonValue, JsonValue>,
);

/** A plain object of JSON values with safe keys. @internal */
export const zJsonRecord = /* @__PURE__ */ lazy(
  () =>
    zJson().refine(
      (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
      issueParams('invalid_type', { expected: 'an object of JSON values' }),
    ) as unknown as z.ZodType<
      Readonly<Record<string, JsonValue>>,
      Readonly<Record<string, JsonValue>>
    >,
);

/** A definition version: a positive integer. @internal */
export const zVersion = /* @__PURE__ */ lazy(() => z.number().int().min(1).max(1_000_000));
