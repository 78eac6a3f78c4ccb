/**
 * local: tasks on this process's worker threads (a Piscina pool).
 *
 * * The pool's threads live as long as the pool (`idleTimeout: Infinity`): Piscina's
 *   default would end and restart workers between bursts. Threads start as tasks need
 *   them, up to `threads`: a run of one file starts one.
 * * The native addon is loaded on this thread first (core/native.ts), which keeps it
 *   resident when workers exit.
 * * A task whose worker dies is lost; the run loop decides what to retry. Piscina starts a
 *   replacement worker by itself.
 * * Cancelling sets a flag the native reader checks between chunks, so a task stops
 *   within a chunk's read even in the middle of a huge file.
 */
import { Piscina } from 'piscina';
import type { NativeBatch } from '../core/codec.js';
import type { BatchTask } from './scan-worker.js';
import type { Outcome, RunSpec, Task, Transport } from './transport.js';

/** The compiled worker module (from sources run directly, the build in `dist/`). */
function defaultWorkerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts')
    ? new URL('../../dist/src/transport/scan-worker.js', here)
    : new URL('./scan-worker.js', here);
}

/** A pool of scanning threads, shared by the runs that use it. @internal */
export class ThreadPool {
  private readonly pool: Piscina;
  private destroyed = false;

  constructor(
    readonly threads: number,
    workerUrl: URL = defaultWorkerUrl(),
  ) {
    this.pool = new Piscina({
      filename: workerUrl.href,
      minThreads: 1,
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

  /** Worker threads started so far. */
  get started(): number {
    return this.pool.threads.length;
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

export interface LocalTransportOptions {
  /** Files in a task while discovery runs. */
  batchSize: number;
  /** Bytes a task may read before it hands its remaining paths back. */
  budgetBytes: number;
  /** Destroy the pool when the transport closes or is cancelled (it is the run's own). */
  ownsPool: boolean;
}

export class LocalTransport implements Transport {
  readonly batchSize: number;
  readonly window: number;
  private readonly finished: Outcome[] = [];
  /** Element 0 set to 1 stops every task of this run (checked natively). */
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    private readonly pool: ThreadPool,
    private readonly spec: RunSpec,
    private readonly notify: () => void,
    private readonly options: LocalTransportOptions,
  ) {
    this.batchSize = options.batchSize;
    this.window = 2 * pool.threads;
  }

  get threads(): number {
    return this.pool.threads;
  }

  async submit(tasks: Task[]): Promise<void> {
    for (const task of tasks) {
      const { cwd, counters, read } = this.spec;
      const message: BatchTask = {
        cwd,
        paths: task.paths.join('\0'),
        hints: task.hints,
        counters,
        read: { ...read, budgetBytes: this.options.budgetBytes, cancel: this.cancelFlag },
      };
      this.pool.run(message).then(
        (batch) => this.arrive({ task, batch }),
        (failure) =>
          this.arrive({
            task,
            lost: `the worker scanning this file died: ${failure instanceof Error ? failure.message : String(failure)}`,
          }),
      );
    }
  }

  private arrive(outcome: Outcome): void {
    this.finished.push(outcome);
    this.notify();
  }

  take(): Outcome[] {
    return this.finished.splice(0);
  }

  cancel(): void {
    Atomics.store(this.cancelFlag, 0, 1);
    if (this.options.ownsPool) void this.pool.destroy();
  }

  async close(): Promise<void> {
    if (this.options.ownsPool) await this.pool.destroy();
  }
}
