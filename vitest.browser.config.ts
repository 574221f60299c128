import { defineConfig } from 'vitest/config';

/** Browser tests: a real server on loopback, driven by Debian's Chromium through playwright-core. */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The public pages' purged CSS and subset fonts (dist/assets/), built once, only when their inputs change.
    globalSetup: ['./scripts/build-assets.mjs'],
    fileParallelism: false,
  },
});
