/**
 * The scanning threads' entry: Piscina loads this file by path in every worker thread
 * (bundled by scripts/bundle.mjs into dist/workers/scan-thread.cjs), and each task is one
 * call of the scan stage's task runner, on the back end this thread chose (its parent's
 * choice, handed down: backends/select.ts). Nothing in src/ imports it.
 */
import { backend } from '../src/backends/select.js';
import { runTask, type BatchTask } from '../src/scan/task.js';

const chosen = backend();

export default (task: BatchTask) => runTask(chosen, task);
