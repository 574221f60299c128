import { defineConfig } from 'vitest/config';

/** Browser tests: a real server on loopback, driven by Debian's Chromium through playwright-core. */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
