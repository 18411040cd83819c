/**
 * The package's public entry points: one per subpath of the `exports` map. The build, the size
 * budget and the packaging tests read this list, so a module is added in one place (plus its
 * `exports` entry in package.json, which a test compares with this list).
 */
export interface Entry {
  /** The subpath users import, e.g. `retention-kit/metrics` is `./metrics`. */
  readonly subpath: string;
  /** Source file of the entry. */
  readonly source: string;
  /** Output path inside `dist/`, without extension. */
  readonly out: string;
  /** Whether the entry may import `node:` modules (false for the pure modules). */
  readonly node: boolean;
}

export const entries: readonly Entry[] = [
  { subpath: '.', source: 'src/index.ts', out: 'index', node: false },
  { subpath: './metrics', source: 'src/metrics/index.ts', out: 'metrics/index', node: false },
  { subpath: './testing', source: 'src/testing/index.ts', out: 'testing/index', node: true },
];
