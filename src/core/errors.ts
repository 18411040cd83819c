/**
 * Errors and structured issues.
 *
 * Every failure the library reports is a {@link RetentionError}. Failures caused by a specific
 * place in the caller's input carry {@link RetentionIssue} records (`{ code, path, ... }`); the
 * human-readable message is derived from those records by {@link formatIssue}, never stored
 * alongside user data. Messages name types and paths, never values, so no personal data leaks
 * into logs.
 *
 * @module
 */

/**
 * The machine-readable kind of a {@link RetentionError}.
 *
 * - `invalid_input`: a data record or an argument is malformed (see {@link RetentionInputError}).
 * - `invalid_definition`: a machine, rule, model or policy definition is invalid
 *   (see {@link RetentionDefinitionError}).
 * - `currency_mismatch`: amounts in different currencies were combined without a conversion.
 * - `unknown_version`: a stored state names a definition version that is not known.
 * - `conflict`: an optimistic-concurrency check failed.
 * - `limit_exceeded`: an input is larger than a documented safety limit.
 * - `store_failure` / `delivery_failure`: an adapter reported a failure.
 * - `not_converged`: a numerical fit did not converge and the caller asked for a strict result.
 *
 * @category core
 */
export type RetentionErrorCode =
  | 'invalid_input'
  | 'invalid_definition'
  | 'currency_mismatch'
  | 'unknown_version'
  | 'conflict'
  | 'limit_exceeded'
  | 'store_failure'
  | 'delivery_failure'
  | 'not_converged';

/**
 * A path into a value: object keys and array indexes, outermost first.
 *
 * @category core
 */
export type IssuePath = readonly (string | number)[];

/**
 * The kind of a single problem found in the input.
 *
 * @category core
 */
export type IssueCode =
  | 'invalid_type'
  | 'invalid_instant'
  | 'missing_offset'
  | 'invalid_duration'
  | 'invalid_time_zone'
  | 'invalid_currency'
  | 'invalid_amount'
  | 'invalid_period'
  | 'invalid_value'
  | 'invalid_enum'
  | 'out_of_range'
  | 'required'
  | 'unknown_key'
  | 'forbidden_key'
  | 'too_big'
  | 'too_deep'
  | 'duplicate'
  | 'unknown_reference'
  | 'unreachable'
  | 'ambiguous'
  | 'order'
  | 'custom';

/**
 * One problem found in the input, as a record. The sentence shown to people is derived from it
 * by {@link formatIssue}.
 *
 * @category core
 */
export interface RetentionIssue {
  /** What kind of problem it is. */
  readonly code: IssueCode;
  /** Where it is, outermost first: for a record in a list, the first element is its index. */
  readonly path: IssuePath;
  /** A short description of what was expected (a type, a format, a range). Never user data. */
  readonly expected?: string;
  /** The type of what was received (`'string'`, `'NaN'`, `'Date (invalid)'`). Never the value. */
  readonly received?: string;
  /** An explanation for `custom` issues and extra detail for the others. Never user data. */
  readonly detail?: string;
}

const issueSentences: Record<IssueCode, string> = {
  invalid_type: 'has the wrong type',
  invalid_instant: 'is not a valid instant',
  missing_offset: 'is an ISO-8601 date-time without a UTC offset',
  invalid_duration: 'is not a valid duration',
  invalid_time_zone: 'is not a known IANA time zone',
  invalid_currency: 'is not an ISO 4217 currency code',
  invalid_amount: 'is not a valid amount',
  invalid_period: 'is not a valid period',
  invalid_value: 'has an invalid value',
  invalid_enum: 'is not one of the allowed values',
  out_of_range: 'is out of range',
  required: 'is required',
  unknown_key: 'is not a known key',
  forbidden_key: 'is a forbidden key',
  too_big: 'is too big',
  too_deep: 'is nested too deeply',
  duplicate: 'is a duplicate',
  unknown_reference: 'refers to something that does not exist',
  unreachable: 'cannot be reached',
  ambiguous: 'is ambiguous',
  order: 'is out of order',
  custom: 'is invalid',
};

/**
 * Renders a path as `[3].start` or `options.from`, the way it would be written in JavaScript.
 *
 * @param path - The path, outermost first.
 * @param root - A name for the root value, e.g. `'lifetimes'`.
 * @returns The rendered path; the root name alone (or `'value'`) when the path is empty.
 *
 * @example
 * formatPath([3, 'start'], 'lifetimes')
 * //=> 'lifetimes[3].start'
 *
 * @category core
 */
export function formatPath(path: IssuePath, root = ''): string {
  let out = root;
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? 'value' : out;
}

/**
 * Derives the human-readable sentence for an issue. Only types, formats and paths appear in it.
 *
 * @param issue - The issue record.
 * @param root - A name for the root value, used in the rendered path.
 * @returns One sentence, e.g. `lifetimes[3].start is not a valid instant (expected Date, epoch
 * milliseconds or ISO-8601 string; received string)`.
 *
 * @example
 * formatIssue({ code: 'required', path: [0, 'customerId'] }, 'events')
 * //=> 'events[0].customerId is required'
 *
 * @category core
 */
export function formatIssue(issue: RetentionIssue, root = ''): string {
  let text = `${formatPath(issue.path, root)} ${issueSentences[issue.code]}`;
  if (issue.detail !== undefined) text += `: ${issue.detail}`;
  const parts: string[] = [];
  if (issue.expected !== undefined) parts.push(`expected ${issue.expected}`);
  if (issue.received !== undefined) parts.push(`received ${issue.received}`);
  if (parts.length > 0) text += ` (${parts.join('; ')})`;
  return text;
}

/**
 * Names the type of a value for an error message without revealing the value itself.
 *
 * @param value - Anything.
 * @returns A type name such as `'string'`, `'NaN'`, `'Infinity'`, `'array'`, `'Date (invalid)'`.
 *
 * @example
 * describeType(Number.NaN)
 * //=> 'NaN'
 *
 * @category core
 */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Date (invalid)' : 'Date';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  if (typeof value === 'string') return value === '' ? 'empty string' : 'string';
  return typeof value;
}

/**
 * Options accepted by the {@link RetentionError} constructor.
 *
 * @category core
 */
export interface RetentionErrorOptions {
  /** The underlying error, if any. */
  readonly cause?: unknown;
  /** Structured issues behind the error. @defaultValue `[]` */
  readonly issues?: readonly RetentionIssue[];
}

/**
 * The base class of every error the library throws. Check `code` to tell kinds apart, or use
 * `instanceof` with a subclass.
 *
 * @example
 * let code;
 * try {
 *   toInstant('yesterday');
 * } catch (error) {
 *   if (error instanceof RetentionError) code = error.code;
 * }
 * code
 * //=> 'invalid_input'
 *
 * @category core
 */
export class RetentionError extends Error {
  /** The machine-readable kind of failure. */
  readonly code: RetentionErrorCode;
  /** The structured issues behind this error (may be empty). */
  readonly issues: readonly RetentionIssue[];

  constructor(code: RetentionErrorCode, message: string, options: RetentionErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RetentionError';
    this.code = code;
    this.issues = options.issues ?? [];
  }
}

function summarise(fn: string, issues: readonly RetentionIssue[], root: string): string {
  const first = issues[0];
  if (first === undefined) return `${fn}: invalid input`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue(s))` : '';
  return `${fn}: ${formatIssue(first, root)}${more}`;
}

/**
 * Thrown when a data record or an argument is malformed. `path` points at the offending value
 * (its first element is the record's index when the input is a list), and `index` repeats that
 * index for convenience.
 *
 * @example
 * let caught;
 * try {
 *   toInstant(Number.NaN, { fn: 'churnRate', path: [3, 'start'], root: 'lifetimes' });
 * } catch (error) {
 *   if (error instanceof RetentionInputError) caught = [error.index, error.path, error.issues[0]?.received];
 * }
 * caught
 * //=> [3, [3, 'start'], 'NaN']
 *
 * @category core
 */
export class RetentionInputError extends RetentionError {
  /** The function that rejected the input. */
  readonly fn: string;
  /** Path of the first issue. */
  readonly path: IssuePath;
  /** Index of the offending record when the input is a list, otherwise `undefined`. */
  readonly index: number | undefined;

  constructor(
    fn: string,
    issues: readonly RetentionIssue[],
    root = '',
    options: { readonly cause?: unknown } = {},
  ) {
    super('invalid_input', summarise(fn, issues, root), { ...options, issues });
    this.name = 'RetentionInputError';
    this.fn = fn;
    this.path = issues[0]?.path ?? [];
    const head = this.path[0];
    this.index = typeof head === 'number' ? head : undefined;
  }
}

/**
 * Thrown by `define*` and `compile*` functions when a definition (a stage machine, a rule, a
 * health model, a policy) is invalid. Carries every issue found, each with its path inside the
 * definition.
 *
 * @example
 * let path;
 * try {
 *   compileCondition({ fact: 'plan', op: 'matches', value: 'x' });
 * } catch (error) {
 *   if (error instanceof RetentionDefinitionError) path = error.issues[0]?.path;
 * }
 * path
 * //=> ['op']
 *
 * @category core
 */
export class RetentionDefinitionError extends RetentionError {
  /** The function that rejected the definition. */
  readonly fn: string;

  constructor(
    fn: string,
    issues: readonly RetentionIssue[],
    options: { readonly cause?: unknown } = {},
  ) {
    super('invalid_definition', summarise(fn, issues, 'definition'), { ...options, issues });
    this.name = 'RetentionDefinitionError';
    this.fn = fn;
  }
}

/**
 * Where a value sits in the caller's input, for error reporting. Internal helpers take one so
 * they can raise a {@link RetentionInputError} that names the calling function and the path.
 *
 * @category core
 */
export interface InputLocation {
  /** The public function being called, e.g. `'churnRate'`. @defaultValue `'retention-kit'` */
  readonly fn?: string;
  /** Path to the value, e.g. `[3, 'start']`. @defaultValue `[]` */
  readonly path?: IssuePath;
  /** Name of the root argument, e.g. `'lifetimes'`. @defaultValue `''` */
  readonly root?: string;
}

/**
 * Throws a {@link RetentionInputError} for one issue at a location.
 *
 * @param location - Where the value sits.
 * @param issue - The issue, with a path relative to `location.path`.
 * @returns Never returns.
 * @throws {RetentionInputError} Always.
 *
 * @example
 * failInput({ fn: 'nps', path: [2], root: 'scores' }, { code: 'out_of_range', path: [], expected: 'integer 0-10' })
 * //=> throws 'nps: scores[2] is out of range (expected integer 0-10)'
 *
 * @category core
 */
export function failInput(location: InputLocation, issue: RetentionIssue): never {
  throw new RetentionInputError(
    location.fn ?? 'retention-kit',
    [{ ...issue, path: [...(location.path ?? []), ...issue.path] }],
    location.root ?? '',
  );
}
