import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two cores: more workers only add contention to the latency-sensitive tests.
    maxWorkers: 2,
    // The default output, plus a list of the tests that passed only on a retry (see the lab project).
    reporters: ['default', './test/flakyReporter.ts'],
    projects: [
      {
        test: {
          name: 'lab',
          include: ['src/**/*.test.ts', 'pocs/**/*.test.ts', 'test/**/*.test.ts'],
          globalSetup: ['test/globalSetup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // On CI only, a failed test runs once more: these tests race real servers on a shared 2-core
          // box, and one unlucky schedule should not sink the run. Those that needed it are listed at
          // the end as FLAKY (test/flakyReporter.ts); locally every failure shows at once.
          retry: process.env.CI ? 1 : 0,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'site',
          include: ['site/tests/**/*.test.ts'],
          exclude: ['site/tests/fixtures/**', '**/node_modules/**'],
          // Builds the site once (generate step + astro build) and serves site/dist; see the file.
          globalSetup: ['site/tests/globalSetup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One browser at a time, and only after the lab's timing-sensitive tests have finished.
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
