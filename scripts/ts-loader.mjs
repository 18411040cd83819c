/**
 * `node --import ./scripts/ts-loader.mjs file.ts`: loads the TypeScript sources the way the
 * published build compiles them (esbuild, no `keepNames`), so `npm run bench` times the code users
 * install and `npm run demo` runs it. tsx compiles with `keepNames`, which wraps every named
 * function in a `__name(fn, 'name')` call when it is created (a measurable share in closure-heavy
 * hot paths).
 */
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
