import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entries } from '../../scripts/entries';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('package.json', () => {
  it('exports exactly the entries the build produces, types first, ESM and CJS', () => {
    const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');
    expect(subpaths.sort()).toEqual(entries.map((e) => e.subpath).sort());
    for (const e of entries) {
      const map = pkg.exports[e.subpath];
      expect(Object.keys(map)).toEqual(['import', 'require']);
      expect(map.import).toEqual({ types: `./dist/${e.out}.d.ts`, default: `./dist/${e.out}.js` });
      expect(map.require).toEqual({
        types: `./dist/${e.out}.d.cts`,
        default: `./dist/${e.out}.cjs`,
      });
      for (const file of [
        ...Object.values(map.import),
        ...Object.values(map.require),
      ] as string[]) {
        expect(existsSync(join(root, file)), `${file} is built`).toBe(true);
      }
    }
  });

  it('declares what a library on npm should', () => {
    expect(pkg.name).toBe('retention-kit');
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.engines.node).toBe('>=20');
    expect(pkg.files).toContain('dist');
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@date-fns/tz', 'eventemitter3', 'zod']);
    expect(pkg.peerDependenciesMeta['fast-check'].optional).toBe(true);
  });
});
