import { defineConfig } from 'tsup';
import { entries } from './scripts/entries';

export default defineConfig({
  entry: Object.fromEntries(entries.map((e) => [e.out, e.source])),
  format: ['esm', 'cjs'],
  dts: true,
  // One copy of every shared module per format: without splitting, each subpath would carry its
  // own RetentionError class and `instanceof` would fail across subpaths.
  splitting: true,
  treeshake: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['fast-check', 'zod', 'date-fns', '@date-fns/tz', 'eventemitter3', /^node:/],
  outDir: 'dist',
});
