/**
 * Module hooks for scripts/ts-loader.mjs: resolves extensionless relative imports to `.ts` files (or
 * `index.ts` in a folder) and compiles `.ts` with esbuild's transform, as tsup does for the build.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const relative = (s) => s.startsWith('./') || s.startsWith('../') || s.startsWith('/');

export async function resolve(specifier, context, next) {
  if (relative(specifier) && !/\.[cm]?[jt]s$/.test(specifier) && !specifier.endsWith('.json')) {
    for (const suffix of ['.ts', '/index.ts']) {
      try {
        return await next(specifier + suffix, context);
      } catch {
        // try the next form
      }
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  const { code } = await transform(await readFile(file, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: file,
  });
  return { format: 'module', source: code, shortCircuit: true };
}
