import { configDefaults, defineConfig } from 'vitest/config';

/**
 * `npm run test:portable` runs the suite again with `CHARCOUNT_BACKEND=portable`: every
 * count, read and walk on the portable back end. It leaves out only the tests about the
 * native binary itself, which would run unchanged:
 */
const nativeBinaryOnly = [
  // The addon required directly in child processes (its panic hook, loading it in worker
  // threads only): what it tests is the .node file.
  'test/threads.test.ts',
  // The install step's Rust build of the addon.
  'test/build.test.ts',
  // Where the loader finds the binary (local build, platform packages) and what it says.
  'test/native-loader.test.ts',
  // The packed tarball ships the binary and loads it without Rust; the package without
  // its binary is backend.test.ts's.
  'test/package.test.ts',
  // These load both back ends side by side (or set CHARCOUNT_BACKEND for each child)
  // whatever the pass: the second pass would repeat the first.
  'test/portable.test.ts',
  'test/backend.test.ts',
];

export default defineConfig({
  test: {
    // Build dist/ from the sources first: workers and the CLI under test run from it.
    globalSetup: ['test/support/build.ts'],
    include: ['test/**/*.test.ts'],
    // Many tests start processes and threads: on a shared 2-core machine a few seconds is
    // no verdict (speed is the benchmark's business, not a test's).
    testTimeout: 60_000,
    hookTimeout: 120_000,
    exclude: [...configDefaults.exclude, ...(process.env.CHARCOUNT_BACKEND === 'portable' ? nativeBinaryOnly : [])],
  },
});
