/**
 * dispatch: runs batch tasks on a Piscina pool of worker threads.
 *
 * * The pool's threads live for the whole run (`idleTimeout: Infinity`): Piscina's
 *   default of 0 would end and restart workers between bursts.
 * * The native addon is already loaded on this thread (by `scan.ts`), which keeps it
 *   resident when workers exit.
 * * A task whose worker dies rejects; the caller decides what to retry. Piscina starts a
 *   replacement worker by itself.
 * * Pool-level 'error' events are absorbed (see the constructor).
 */
import { Piscina } from 'piscina';
import type { NativeBatch } from './native.js';
import type { BatchTask } from '../workers/scan-worker.js';

/** The compiled worker; from sources under test, the build in `dist/`. */
function defaultWorkerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts')
    ? new URL('../dist/workers/scan-worker.js', here)
    : new URL('../workers/scan-worker.js', here);
}

export class Dispatcher {
  private readonly pool: Piscina;
  private destroyed = false;

  constructor(readonly threads: number, workerUrl: URL = defaultWorkerUrl()) {
    this.pool = new Piscina({
      filename: workerUrl.href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Infinity,
      concurrentTasksPerWorker: 1,
    });
    // Piscina reports a worker that dies while idle, and a late reply from a worker that
    // died (its task already failed), as 'error' events on the pool; unheard, an 'error'
    // event would throw and end the process. Every task has already settled on its own
    // promise by then, so there is nothing left to report.
    this.pool.on('error', () => {});
  }

  run(task: BatchTask): Promise<NativeBatch> {
    return this.pool.run(task) as Promise<NativeBatch>;
  }

  /** Ends every worker now, running tasks included. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.pool.destroy();
  }
}
