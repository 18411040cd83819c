/**
 * Every ```ts block in README.md and docs/**\/*.md is type-checked against the sources and run,
 * so no snippet can go stale. A `console.log(...)` followed by a `// text` comment (on its line or
 * the next) documents what it prints, and the printed lines must match, in order. A block preceded by `<!-- snippet: skip -->` is exempt (for shell
 * sessions written as ts, which should be rare).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
// per checkout (not node_modules, which worktrees may share), and ignored by git
const out = join(root, '.snippets');

function markdownFiles(): string[] {
  const docs = join(root, 'docs');
  const files = [join(root, 'README.md')];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== 'api') walk(join(dir, e.name));
      else if (e.name.endsWith('.md')) files.push(join(dir, e.name));
    }
  };
  try {
    walk(docs);
  } catch {
    // no docs yet
  }
  return files;
}

interface Snippet {
  readonly id: string;
  readonly file: string;
  readonly code: string;
}

function snippets(): Snippet[] {
  const list: Snippet[] = [];
  for (const file of markdownFiles()) {
    const text = readFileSync(file, 'utf8');
    const re = /(<!-- snippet: skip -->\s*)?```(ts|typescript)\n([\s\S]*?)```/g;
    let m: RegExpExecArray | null = re.exec(text);
    let n = 0;
    while (m !== null) {
      n++;
      if (m[1] === undefined) {
        const line = text.slice(0, m.index).split('\n').length;
        list.push({
          id: `${relative(root, file)}:${line}`,
          file: `${relative(root, file).replace(/[/.]/g, '_')}_${n}.ts`,
          code: m[3]!,
        });
      }
      m = re.exec(text);
    }
  }
  return list;
}

const all = snippets();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const s of all) writeFileSync(join(out, s.file), `${s.code}\nexport {};\n`);

/** The `// text` comments that document what each console.log prints. */
function documentedOutput(code: string): string[] {
  const lines = code.split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (!line.includes('console.log(')) return;
    // the statement may span lines: its comment sits where it ends
    let end = i;
    while (end < lines.length - 1 && !/\);\s*(\/\/.*)?$/.test(lines[end]!)) end++;
    const trailing = /\);\s*\/\/\s?(.*)$/.exec(lines[end]!);
    const next = lines[end + 1]?.trim();
    if (trailing) out.push(trailing[1]!);
    else if (next?.startsWith('//')) out.push(next.replace(/^\/\/\s?/, ''));
  });
  return out;
}

const alias = (spec: string) =>
  spec === 'retention-kit'
    ? join(root, 'src/index.ts')
    : join(root, 'src', spec.slice('retention-kit/'.length), 'index.ts');

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('documentation snippets', () => {
  it('exist in the README', () => {
    expect(all.some((s) => s.id.startsWith('README.md'))).toBe(true);
  });

  it('type-check against the sources', () => {
    const program = ts.createProgram(
      all.map((s) => join(out, s.file)),
      {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        skipLibCheck: true,
        noEmit: true,
        types: ['node'],
        baseUrl: root,
        paths: { 'retention-kit': ['src/index.ts'], 'retention-kit/*': ['src/*/index.ts'] },
      },
    );
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName.startsWith(out));
    const messages = diagnostics.map((d) => {
      const snippet = all.find((s) => d.file?.fileName.endsWith(s.file));
      return `${snippet?.id}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(messages).toEqual([]);
  }, 180_000);

  it.each(all.map((s) => [s.id, s]))('%s runs', async (_id, s) => {
    const bundled = join(out, s.file.replace(/\.ts$/, '.mjs'));
    await build({
      entryPoints: [join(out, s.file)],
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile: bundled,
      logLevel: 'silent',
      plugins: [
        {
          name: 'retention-kit-sources',
          setup(b) {
            b.onResolve({ filter: /^retention-kit(\/.*)?$/ }, (args) => ({
              path: alias(args.path),
            }));
          },
        },
      ],
      packages: 'external',
    });
    const printed = execFileSync(process.execPath, [bundled], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    })
      .trimEnd()
      .split('\n');
    const documented = documentedOutput(s.code);
    if (documented.length > 0) expect(printed).toEqual(documented);
  });
});
