import { defineConfig } from 'vitest/config';

/**
 * Two nodes, one database, and faults (issue 12): real processes behind a loopback proxy on an
 * embedded PostgreSQL the tests start, stop and start again. One file at a time.
 */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.cluster.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
    env: { NODE_ENV: 'test' },
  },
});
