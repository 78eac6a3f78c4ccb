/**
 * Internal entry for the project's own tests and benchmark: hooks that are not part of
 * the public API (`index.ts`) and are not documented for users.
 */
import type { Counter } from './scan/counter.js';
import type { AnyRecord } from './core/types.js';
import { resolveOptions, type ScanFilesOptions, type ScanOptions } from './engine/options.js';
import { filesRun, scanRun, type RunInternals, type ScanRun } from './engine/scan.js';

export { backend, nativeOrigin, testHooks } from './backends/select.js';
export { loadNative, platformTriple, targetTriple } from './backends/native.js';
export { sharedPool, ThreadPool } from './dispatch/local.js';
export { PathQueue, Intake, onePerTask } from './engine/batch.js';
export { discover } from './engine/discover.js';
export type { RunInternals };

type Counted = ScanOptions & ({ counter: Counter } | { counters: Counter[] });

/** `scan()` with internal hooks (a worker module, a shared pool, the read-only baseline). */
export function scanWith(options: Counted, internals: RunInternals): ScanRun<AnyRecord> {
  return scanRun(resolveOptions(options), internals);
}

/** `scanFiles()` with internal hooks. */
export function scanFilesWith(
  paths: (string | Uint8Array)[],
  options: Omit<Counted, 'patterns'> & Pick<ScanFilesOptions, 'ordered'>,
  internals: RunInternals,
): ScanRun<AnyRecord> {
  return filesRun(paths, resolveOptions(options, true), internals);
}
