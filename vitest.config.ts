import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 300_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'src/**/*.test.ts',
            'test/docs/**/*.test.ts',
            'test/demo/**/*.test.ts',
            'examples/**/*.test.ts',
          ],
          typecheck: {
            enabled: true,
            include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      },
      {
        extends: true,
        test: {
          // needs a server: `npm run test:postgres` starts one and runs this project
          name: 'postgres',
          include: ['test/postgres/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'package',
          include: ['test/package/**/*.test.ts'],
          // builds dist/ when any source is newer than it, so the packaging tests never see a stale build
          globalSetup: ['test/setup/build.ts'],
        },
      },
    ],
  },
});
