/**
 * What a user's bundler sees: importing one function pulls in only what it needs (no zod, no
 * engine, no rule compiler), and the pure entries run in browsers and edge runtimes (no `node:`
 * imports, no Node globals).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { entries } from '../../scripts/entries';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, { import?: { default?: string } }>;
};

async function bundle(code: string, platform: 'neutral' | 'browser' = 'browser'): Promise<string> {
  const result = await build({
    stdin: { contents: code, resolveDir: root, loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform,
    minify: true,
    treeShaking: true,
    mainFields: ['module', 'main'],
    conditions: ['import'],
    logLevel: 'silent',
    plugins: [
      {
        // resolve 'retention-kit' and its subpaths through this package's own exports map (dist/)
        name: 'self',
        setup(b) {
          b.onResolve({ filter: /^retention-kit(\/.*)?$/ }, (args) => {
            const subpath =
              args.path === 'retention-kit' ? '.' : `./${args.path.slice('retention-kit/'.length)}`;
            const target = pkg.exports[subpath]?.import?.default;
            if (target === undefined) return { errors: [{ text: `no export ${subpath}` }] };
            return { path: join(root, target) };
          });
        },
      },
    ],
  });
  return result.outputFiles[0]!.text;
}

describe('tree-shaking', () => {
  it('importing one core function does not pull in zod or the schemas', async () => {
    const out = await bundle(
      `import { toInstant } from 'retention-kit'; console.log(toInstant('2026-01-01'));`,
    );
    expect(out).not.toMatch(/ZodError|\$ZodType|zod/);
    expect(out).not.toContain('looseObject');
    expect(out.length).toBeLessThan(4_000);
  });

  it('the condition compiler works without zod', async () => {
    const out = await bundle(
      `import { compileCondition } from 'retention-kit'; console.log(compileCondition({ fact: 'a', op: 'exists' }).evaluate({ a: 1 }, 0));`,
    );
    expect(out).not.toMatch(/ZodError|\$ZodType/);
  });

  it('the stage machine engine and the default machine work without zod', async () => {
    const out = await bundle(
      `import { onboardingMachine, startStageMachine, transition, nextWakeUp } from 'retention-kit/lifecycle';
       const m = onboardingMachine();
       const s = startStageMachine(m, { signedUpAt: 0 }).state;
       console.log(nextWakeUp(m, transition(m, s, 'tick', 1).state));`,
    );
    expect(out).not.toMatch(/ZodError|\$ZodType/);
  });

  it('classifying declines or measuring dunning does not pull in zod or the planner', async () => {
    const out = await bundle(
      `import { classifyDecline, dunningMetrics } from 'retention-kit/dunning'; console.log(classifyDecline('51'), dunningMetrics([]));`,
    );
    expect(out).not.toMatch(/ZodError|\$ZodType|zod/);
    expect(out).not.toContain('dunning-retry-charge');
    expect(out.length).toBeLessThan(12_000);
  });

  it('a template from retention-kit/triggers brings neither zod nor the rule evaluator', async () => {
    const out = await bundle(
      `import { renderTemplate } from 'retention-kit/triggers'; console.log(renderTemplate('Hi {{name}}', { name: 'x' }).text);`,
    );
    expect(out).not.toMatch(/ZodError|\$ZodType|zod/);
    expect(out).not.toContain('CompiledRules.evaluate');
    expect(out).not.toContain('inactive-since');
  });

  it('the win-back classifier, holdout and results come without zod', async () => {
    const out = await bundle(
      `import { classifyExitReason, winbackHoldoutGroup, winbackResults } from 'retention-kit/winback'; console.log(classifyExitReason('too expensive'), winbackHoldoutGroup('c', { id: 'w', holdout: { share: 0.1, salt: 'w' } }), winbackResults([]));`,
    );
    expect(out).not.toMatch(/ZodError|\$ZodType|zod/);
    expect(out).not.toContain('looseObject');
  });

  it('a record schema brings zod only when it is used', async () => {
    const out = await bundle(
      `import { customerSchema } from 'retention-kit'; console.log(customerSchema().parse({ id: 'c', signedUpAt: 0 }));`,
    );
    expect(out).toMatch(/ZodError|\$ZodType/);
  });
});

describe('imports', () => {
  it('use the zod namespace form, which bundlers can shake (`import { z }` drags in every locale)', () => {
    const offenders = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.includes('.test'))
      .filter((f) =>
        /import\s*\{[^}]*\bz\b[^}]*\}\s*from\s*'zod'/.test(
          readFileSync(join(root, 'src', f), 'utf8'),
        ),
      );
    expect(offenders).toEqual([]);
  });
});

describe('runtimes', () => {
  it.each(entries.filter((e) => !e.node).map((e) => [e.subpath]))(
    '%s has no node: import and no Node globals',
    async (subpath) => {
      const spec = subpath === '.' ? 'retention-kit' : `retention-kit/${subpath.slice(2)}`;
      const out = await bundle(`export * from '${spec}';`, 'neutral');
      expect(out).not.toMatch(/from\s*"node:|require\("node:/);
      expect(out).not.toMatch(/\bprocess\.|\bBuffer\b|__dirname|__filename/);
    },
  );
});
