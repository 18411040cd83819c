/**
 * The documentation contract: every public export carries a doc comment in the house template
 * (summary, @param for each parameter, @returns, @example, @category = its module), and every
 * example runs. An example line `//=> value` is evaluated and compared with the value;
 * `//=> throws 'message'` must throw that message (`...` matches anything); `//=> e.g. ...` marks
 * an illustrative value, and the example must still run without throwing.
 */
import { isDeepStrictEqual } from 'node:util';
import * as fc from 'fast-check';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { entries } from '../../scripts/entries';

const projectRoot = new URL('../../', import.meta.url).pathname;
const program = ts.createProgram(
  entries.map((e) => projectRoot + e.source),
  {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  },
);
const checker = program.getTypeChecker();

interface DocumentedExport {
  readonly entry: string;
  readonly name: string;
  readonly kind: 'function' | 'class' | 'const' | 'type';
  readonly module: string;
  readonly summary: string;
  readonly tags: readonly { readonly name: string; readonly text: string }[];
  readonly params: readonly string[];
}

function moduleOf(fileName: string): string {
  const rel = fileName.slice(fileName.indexOf('/src/') + 5);
  return rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : 'index';
}

function collect(): DocumentedExport[] {
  const out: DocumentedExport[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const file = program.getSourceFile(projectRoot + entry.source)!;
    const moduleSymbol = checker.getSymbolAtLocation(file)!;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decl = symbol.declarations?.[0];
      if (decl === undefined) continue;
      const key = `${decl.getSourceFile().fileName}:${symbol.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let kind: DocumentedExport['kind'] = 'type';
      let params: string[] = [];
      if (ts.isFunctionDeclaration(decl)) {
        kind = 'function';
        params = decl.parameters.map((p) => p.name.getText());
      } else if (ts.isClassDeclaration(decl)) kind = 'class';
      else if (ts.isVariableDeclaration(decl)) kind = 'const';
      const docNode = ts.isVariableDeclaration(decl) ? decl.parent.parent : decl;
      const jsdoc = ts.getJSDocCommentsAndTags(docNode).filter(ts.isJSDoc);
      const summary = jsdoc
        .map((d) => ts.getTextOfJSDocComment(d.comment) ?? '')
        .join('\n')
        .trim();
      const tags = jsdoc.flatMap((d) =>
        (d.tags ?? []).map((t) => ({
          name: t.tagName.text,
          text: `${ts.isJSDocParameterTag(t) ? `${t.name.getText()} ` : ''}${ts.getTextOfJSDocComment(t.comment) ?? ''}`,
        })),
      );
      out.push({
        entry: entry.subpath,
        name: symbol.name,
        kind,
        module: moduleOf(decl.getSourceFile().fileName),
        summary,
        tags,
        params,
      });
    }
  }
  return out;
}

const documented = collect();
// every public entry's exports are in scope in examples, as is fast-check
const scope: Record<string, unknown> = { fc };
for (const entry of entries) Object.assign(scope, await import(`../../${entry.source}`));

describe('doc comments', () => {
  it('cover every public export', () => {
    expect(documented.length).toBeGreaterThan(50);
  });

  it.each(documented.map((d) => [`${d.entry} ${d.name}`, d]))(
    '%s follows the template',
    (_label, d) => {
      expect(d.summary.length, 'a summary line').toBeGreaterThan(10);
      const category = d.tags.filter((t) => t.name === 'category').map((t) => t.text.trim());
      expect(category, '@category is the module').toEqual([d.module]);
      if (d.kind === 'function') {
        const params = d.tags.filter((t) => t.name === 'param').map((t) => t.text.split(/\s/)[0]);
        expect(params, '@param for each parameter').toEqual(d.params);
        expect(
          d.tags.some((t) => t.name === 'returns'),
          '@returns',
        ).toBe(true);
      }
      if (d.kind !== 'type')
        expect(
          d.tags.some((t) => t.name === 'example'),
          '@example',
        ).toBe(true);
    },
  );
});

type Check =
  | { kind: 'value'; expected: unknown }
  | { kind: 'throws'; pattern: RegExp }
  | { kind: 'runs' }
  | { kind: 'unreadable'; text: string };

function parseExpectation(text: string): Check {
  const t = text.trim();
  const thrown = /^throws\s+(['"`])(.*)\1$/.exec(t);
  if (thrown) {
    const pattern = thrown[2]!
      .split('...')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    return { kind: 'throws', pattern: new RegExp(`^${pattern}`) };
  }
  if (/^(e\.g\.|passes\b)/.test(t)) return { kind: 'runs' };
  for (const candidate of [t, t.replace(/\s+\([^()]*\)\s*$/, '')]) {
    try {
      return { kind: 'value', expected: new Function(`return (${candidate});`)() };
    } catch {
      // not a literal
    }
  }
  return { kind: 'unreadable', text: t };
}

interface Checkpoint {
  readonly code: string;
  readonly check: Check;
}

function checkpoints(example: string): Checkpoint[] {
  const lines = example.replace(/^```\w*\n?|```$/gm, '').split('\n');
  const out: Checkpoint[] = [];
  const code: string[] = [];
  for (const line of lines) {
    const m = /^\s*\/\/=>\s?(.*)$/.exec(line);
    if (m) out.push({ code: code.join('\n'), check: parseExpectation(m[1]!) });
    else code.push(line);
  }
  return out;
}

function compile(code: string): string {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true);
  const statements = source.statements;
  const last = statements[statements.length - 1];
  let body = code;
  if (last !== undefined && ts.isExpressionStatement(last)) {
    body = `${code.slice(0, last.getStart(source))}\nreturn (${last.expression.getText(source)});`;
  }
  return ts.transpileModule(body, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None },
  }).outputText;
}

const AsyncFunction = (async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<unknown>;

/** Runs an example with every export in scope; top-level `await` is allowed. */
function run(code: string): Promise<unknown> {
  const names = Object.keys(scope);
  return new AsyncFunction(...names, compile(code))(...names.map((n) => scope[n]));
}

const examples = documented
  .filter((d) => d.kind !== 'type')
  .flatMap((d) =>
    d.tags
      .filter((t) => t.name === 'example')
      .flatMap((t, i) =>
        checkpoints(t.text).map((c, j) => [`${d.name} #${i + 1}.${j + 1}`, c] as const),
      ),
  );

describe('doc examples', () => {
  it('most examples state a checked value', () => {
    const values = examples.filter(([, c]) => c.check.kind !== 'runs').length;
    expect(values / examples.length).toBeGreaterThan(0.75);
  });

  it.each(examples.map(([label, c]) => [label, c]))('%s', async (_label, checkpoint) => {
    const { code, check } = checkpoint;
    if (check.kind === 'unreadable') {
      expect.fail(
        `cannot read the expected value ${JSON.stringify(check.text)}: write a literal, "throws '...'" or "e.g. ..."`,
      );
    }
    if (check.kind === 'throws') {
      let error: unknown;
      try {
        await run(code);
      } catch (e) {
        error = e;
      }
      expect(error, 'the example throws').toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(check.pattern);
      return;
    }
    const actual = await run(code);
    if (check.kind === 'value') {
      expect(
        isDeepStrictEqual(actual, check.expected),
        `${JSON.stringify(actual)} equals ${JSON.stringify(check.expected)}`,
      ).toBe(true);
    }
  });
});
