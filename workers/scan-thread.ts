/**
 * The scanning threads' entry: Piscina loads this file by path in every worker thread
 * (bundled by scripts/bundle.mjs into dist/workers/scan-thread.cjs), and each task is one
 * call of the scan stage's task runner. Nothing in src/ imports it.
 */
export { default } from '../src/scan/task.js';
