import { checkFactPath, makeGetter } from '../core/condition';
import { describeType, RetentionDefinitionError, type RetentionIssue } from '../core/errors';

/**
 * Safety limits for templates, which may come from an admin UI.
 *
 * @category triggers
 */
export interface TemplateLimits {
  /** Longest template, in characters. @defaultValue `10000` */
  readonly maxLength?: number;
  /** Most placeholders in one template. @defaultValue `100` */
  readonly maxPlaceholders?: number;
}

/**
 * The result of rendering a template: the text, and the variables that were missing and had no
 * declared fallback (they rendered as empty text).
 *
 * @category triggers
 */
export interface TemplateRendering {
  readonly text: string;
  /** Paths of missing variables without a fallback, in order of appearance (no repeats). */
  readonly missing: readonly string[];
}

/**
 * A template compiled once and rendered many times.
 *
 * @category triggers
 */
export interface CompiledTemplate {
  /** The template text it was compiled from. */
  readonly source: string;
  /** The variable paths it reads, sorted, without repeats. */
  readonly variables: readonly string[];
  /** Whether the template has any placeholder at all. */
  readonly hasPlaceholders: boolean;
  /** Renders the template with variables read from `scope` (own properties only). */
  render(scope: unknown): TemplateRendering;
}

type Part =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'var';
      readonly path: string;
      readonly get: (scope: unknown) => unknown;
      readonly raw: boolean;
      readonly fallback: string | undefined;
    };

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes the five characters that matter in HTML text and attribute values. */
function escapeHtml(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const replacement = ESCAPES[text[i]!];
    if (replacement !== undefined) {
      out += text.slice(from, i) + replacement;
      from = i + 1;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

function trim(text: string): string {
  let a = 0;
  let b = text.length;
  while (a < b && isSpace(text[a])) a++;
  while (b > a && isSpace(text[b - 1])) b--;
  return text.slice(a, b);
}

/** Parses a quoted fallback literal ("..." or '...', with \\ escapes); null when malformed. */
function parseLiteral(text: string): string | null {
  const quote = text[0];
  if ((quote !== '"' && quote !== "'") || text.length < 2 || text[text.length - 1] !== quote) {
    return null;
  }
  let out = '';
  for (let i = 1; i < text.length - 1; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined || i + 1 >= text.length - 1) return null;
      out += next;
      i++;
    } else if (c === quote) return null;
    else out += c;
  }
  return out;
}

/** Splits `path | "fallback"` at the first `|` outside quotes. */
function splitPipe(inner: string): [string, string | undefined] {
  let quote: string | undefined;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '|') return [inner.slice(0, i), inner.slice(i + 1)];
  }
  return [inner, undefined];
}

/**
 * Parses a template into parts, or returns the issues (paths are empty; `detail` says where).
 *
 * @internal
 */
export function parseTemplate(
  source: unknown,
  limits: TemplateLimits = {},
): { parts: Part[]; variables: string[] } | { issues: RetentionIssue[] } {
  const maxLength = limits.maxLength ?? 10_000;
  const maxPlaceholders = limits.maxPlaceholders ?? 100;
  if (typeof source !== 'string') {
    return {
      issues: [
        { code: 'invalid_type', path: [], expected: 'a string', received: describeType(source) },
      ],
    };
  }
  if (source.length > maxLength) {
    return {
      issues: [{ code: 'too_big', path: [], expected: `at most ${maxLength} characters` }],
    };
  }
  const parts: Part[] = [];
  const variables = new Set<string>();
  const fail = (detail: string) => ({
    issues: [{ code: 'invalid_value' as const, path: [], detail }],
  });
  let placeholders = 0;
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    if (open < 0) {
      parts.push({ kind: 'text', text: source.slice(i) });
      break;
    }
    if (open > i) parts.push({ kind: 'text', text: source.slice(i, open) });
    const raw = source.startsWith('{{{', open);
    const width = raw ? 3 : 2;
    const closer = raw ? '}}}' : '}}';
    const close = source.indexOf(closer, open + width);
    if (close < 0) return fail(`the placeholder opened at character ${open} is never closed`);
    const inner = source.slice(open + width, close);
    if (inner.includes('{{')) {
      return fail(`the placeholder opened at character ${open} contains another '{{'`);
    }
    if (++placeholders > maxPlaceholders) {
      return {
        issues: [
          { code: 'too_big', path: [], expected: `at most ${maxPlaceholders} placeholders` },
        ],
      };
    }
    const [pathText, fallbackText] = splitPipe(inner);
    const path = trim(pathText);
    const problem = checkFactPath(path);
    if (problem !== null) {
      return {
        issues: [
          {
            ...problem,
            detail: `the placeholder at character ${open} needs a variable path such as firstName or attributes.plan${problem.detail === undefined ? '' : ` (${problem.detail})`}`,
          },
        ],
      };
    }
    let fallback: string | undefined;
    if (fallbackText !== undefined) {
      const literal = parseLiteral(trim(fallbackText));
      if (literal === null) {
        return fail(
          `the fallback at character ${open} must be a quoted string, such as {{firstName | "there"}}`,
        );
      }
      fallback = literal;
    }
    variables.add(path);
    parts.push({ kind: 'var', path, get: makeGetter(path), raw, fallback });
    i = close + closer.length;
  }
  return { parts, variables: [...variables].sort() };
}

/** Builds the render function of parsed parts. @internal */
export function templateFromParts(
  source: string,
  parts: readonly Part[],
  variables: readonly string[],
): CompiledTemplate {
  const hasPlaceholders = parts.some((p) => p.kind === 'var');
  return {
    source,
    variables,
    hasPlaceholders,
    render(scope: unknown): TemplateRendering {
      if (!hasPlaceholders) return { text: source, missing: [] };
      let text = '';
      let missing: string[] | undefined;
      for (const part of parts) {
        if (part.kind === 'text') {
          text += part.text;
          continue;
        }
        const value = part.get(scope);
        let shown: string | undefined;
        if (typeof value === 'string') shown = value;
        else if (typeof value === 'number' && Number.isFinite(value)) shown = String(value);
        else if (typeof value === 'boolean') shown = String(value);
        if (shown === undefined) {
          shown = part.fallback;
          if (shown === undefined) {
            missing ??= [];
            if (!missing.includes(part.path)) missing.push(part.path);
            shown = '';
          }
        }
        text += part.raw ? shown : escapeHtml(shown);
      }
      return { text, missing: missing ?? [] };
    },
  };
}

/**
 * Compiles a personalisation template. `{{firstName}}` inserts a variable, HTML-escaped;
 * `{{{signature}}}` inserts it raw (only when you ask for it); `{{firstName | "there"}}` declares
 * a fallback for a missing variable (without one, a missing variable renders as empty text and is
 * reported in `missing`). Variables are dot paths into the scope (`attributes.plan`), read through
 * own properties only. Strings, finite numbers and booleans render; anything else counts as missing.
 *
 * Safe on untrusted templates: there is no expression language and no code runs, paths cannot
 * reach `__proto__`, `constructor` or `prototype`, no regular expression touches the text, and
 * the length and the number of placeholders are limited.
 *
 * @param source - The template text.
 * @param limits - See {@link TemplateLimits}.
 * @returns The compiled template.
 * @throws {RetentionDefinitionError} When a placeholder is unclosed, nested or malformed, a path
 * is unsafe, a fallback is not a quoted string, or a limit is exceeded.
 *
 * @example
 * compileTemplate('Hi {{firstName | "there"}}, your plan: {{attributes.plan}}')
 *   .render({ attributes: { plan: '<Business>' } }).text
 * //=> 'Hi there, your plan: &lt;Business&gt;'
 *
 * @example
 * compileTemplate('{{constructor.name}}')
 * //=> throws 'compileTemplate: definition is a forbidden key...'
 *
 * @category triggers
 */
export function compileTemplate(source: string, limits: TemplateLimits = {}): CompiledTemplate {
  const parsed = parseTemplate(source, limits);
  if ('issues' in parsed) throw new RetentionDefinitionError('compileTemplate', parsed.issues);
  return templateFromParts(source, parsed.parts, parsed.variables);
}

/**
 * Compiles and renders a template in one call; see {@link compileTemplate} for the syntax. When
 * one template is rendered for many customers, compile it once instead.
 *
 * @param source - The template text.
 * @param scope - The variables, e.g. the customer's facts.
 * @param limits - See {@link TemplateLimits}.
 * @returns The text and the missing variables.
 * @throws {RetentionDefinitionError} When the template is malformed (see {@link compileTemplate}).
 *
 * @example
 * renderTemplate('You saved {{hours}} hours, {{firstName}}!', { hours: 5 })
 * //=> { text: 'You saved 5 hours, !', missing: ['firstName'] }
 *
 * @example
 * renderTemplate('{{{html}}} vs {{html}}', { html: '<b>' }).text
 * //=> '<b> vs &lt;b&gt;'
 *
 * @category triggers
 */
export function renderTemplate(
  source: string,
  scope: unknown,
  limits: TemplateLimits = {},
): TemplateRendering {
  return compileTemplate(source, limits).render(scope);
}
