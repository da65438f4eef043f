import { defineConfig } from 'vitest/config';

// One PGlite instance costs 1–2 s and hundreds of MB: test files share one per file
// and isolate by workspace, and at most two files run at once on this 2-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
  },
});
