/**
 * `node --import ./bench/loader.mjs`: loads the TypeScript sources the way the published build
 * compiles them (esbuild, no `keepNames`), so the benchmarks time the code users install. tsx
 * compiles with `keepNames`, which wraps every named function in a `__name(fn, 'name')` call
 * when it is created, and that costs a measurable share in closure-heavy hot paths.
 */
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
