import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Build dist/ from the sources first: workers and the CLI under test run from it.
    globalSetup: ['test/support/build.ts'],
    include: ['test/**/*.test.ts'],
  },
});
