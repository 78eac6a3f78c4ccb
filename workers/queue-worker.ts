/**
 * A queue worker process's entry, loaded by path: `node dist/workers/queue-worker.js
 * --queue redis://host:6379 [options]` is `charcount worker`, the other end of a queued run
 * (src/dispatch/queue/worker.ts). Nothing in src/ imports it.
 */
import { workerCommand } from '../src/cli/commands/worker.js';

process.exitCode = await workerCommand(process.argv.slice(2));
