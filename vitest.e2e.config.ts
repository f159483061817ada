import { defineConfig } from 'vitest/config';

/** Browser journeys: Debian's chromium driven by playwright-core, checked by axe. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    globalSetup: ['test/setup.ts'],
    pool: 'forks',
    // One browser at a time on a 2-core machine.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { NODE_ENV: 'test' },
  },
});
