import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two cores: more workers only add contention to the latency-sensitive tests.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'lab',
          include: ['src/**/*.test.ts', 'pocs/**/*.test.ts', 'test/**/*.test.ts'],
          globalSetup: ['test/globalSetup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
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
