import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    exclude: ['test/browser/**', 'node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The public pages' purged CSS and subset fonts (dist/assets/), built once, only when their inputs change.
    globalSetup: ['./scripts/build-assets.mjs'],
  },
});
