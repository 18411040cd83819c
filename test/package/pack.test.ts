/**
 * Packs the library as npm would publish it, installs the tarball into a fresh project, and
 * imports every subpath from ESM and from CJS: the test that catches a missing file, a wrong
 * exports map or a duplicated class before users do.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entries } from '../../scripts/entries';

const root = join(import.meta.dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let dir = '';

function specifier(subpath: string): string {
  return subpath === '.' ? 'retention-kit' : `retention-kit/${subpath.slice(2)}`;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'retention-kit-pack-'));
  const out = execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: root,
    encoding: 'utf8',
  });
  const [{ filename }] = JSON.parse(out) as [{ filename: string }];
  const devDeps = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    .devDependencies as Record<string, string>;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }),
  );
  execFileSync(
    npm,
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--ignore-scripts',
      join(dir, filename),
      `fast-check@${devDeps['fast-check']}`,
    ],
    {
      cwd: dir,
      stdio: 'pipe',
    },
  );
}, 300_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

function run(file: string, code: string): string {
  writeFileSync(join(dir, file), code);
  return execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' });
}

describe('the packed tarball', () => {
  it('ships only what users need', () => {
    const out = execFileSync(npm, ['pack', '--ignore-scripts', '--dry-run', '--json'], {
      cwd: root,
      encoding: 'utf8',
    });
    const files = (JSON.parse(out)[0].files as { path: string }[]).map((f) => f.path);
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    expect(
      files.every(
        (f) =>
          f === 'package.json' ||
          f === 'README.md' ||
          f === 'LICENSE' ||
          f === 'CHANGELOG.md' ||
          f.startsWith('dist/'),
      ),
    ).toBe(true);
  });

  it.each(entries.map((e) => [specifier(e.subpath)]))('imports %s from ESM and CJS', (spec) => {
    const esm = run(
      'esm.mjs',
      `import * as m from '${spec}';\nconsole.log(JSON.stringify(Object.keys(m).sort()));`,
    );
    const cjs = run(
      'cjs.cjs',
      `const m = require('${spec}');\nconsole.log(JSON.stringify(Object.keys(m).sort()));`,
    );
    const esmKeys = JSON.parse(esm) as string[];
    expect(esmKeys.length).toBeGreaterThan(0);
    expect(JSON.parse(cjs)).toEqual(esmKeys);
  });

  it('shares one class per error across subpaths, in ESM and in CJS', () => {
    const check = `
      let caught;
      try { testing.simulateBusiness({ days: -1 }); } catch (e) { caught = e; }
      console.log(JSON.stringify([caught instanceof root.RetentionError, caught instanceof root.RetentionInputError, caught.code, caught.index]));
    `;
    const esm = run(
      'err.mjs',
      `import * as root from 'retention-kit';\nimport * as testing from 'retention-kit/testing';\n${check}`,
    );
    const cjs = run(
      'err.cjs',
      `const root = require('retention-kit');\nconst testing = require('retention-kit/testing');\n${check}`,
    );
    expect(JSON.parse(esm)).toEqual([true, true, 'invalid_input', null]);
    expect(JSON.parse(cjs)).toEqual([true, true, 'invalid_input', null]);
  });

  it('works end to end from the tarball', () => {
    const out = run(
      'e2e.mjs',
      `import { toInstant, addDuration, compileCondition } from 'retention-kit';
       import { simulateBusiness } from 'retention-kit/testing';
       const b = simulateBusiness({ seed: 1, customers: 50, days: 30 });
       const t = addDuration(toInstant('2026-03-28T09:00:00+01:00'), { days: 1 }, { timeZone: 'Europe/Berlin' });
       const vip = compileCondition({ fact: 'attributes.plan', op: 'eq', value: 'business' });
       console.log(JSON.stringify([b.customers.length, new Date(t).toISOString(), b.customers.filter((c) => vip.evaluate(c, 0)).length >= 0]));`,
    );
    expect(JSON.parse(out)).toEqual([50, '2026-03-29T07:00:00.000Z', true]);
  });
});
