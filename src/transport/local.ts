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
 * * The pool starts with its first task, and while no worker has answered yet this
 *   thread scans one task of each submission itself (`scanBatch` is a synchronous native
 *   call): a tiny run starts no thread, a large one does not wait for threads to boot.
 * * Cancelling sets a flag the native reader checks between chunks, so a task stops
 *   within a chunk's read even in the middle of a huge file.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Piscina } from 'piscina';
import type { NativeBatch } from '../core/codec.js';
import { packageDir } from '../core/package.js';
import { readsHere, scanNative, type BatchTask } from './scan-worker.js';
import type { Outcome, RunSpec, Task, Transport } from './transport.js';

/**
 * The worker module, bundled into one CommonJS file (scripts/bundle.mjs): a thread then
 * `require`s one file rather than loading a graph of ES modules. The same from the
 * sources, the compiled modules and the bundled CLI.
 */
function defaultWorkerUrl(): URL {
  return pathToFileURL(join(packageDir(), 'dist', 'bundle', 'scan-worker.cjs'));
}

/** A pool of scanning threads, shared by the runs that use it. @internal */
export class ThreadPool {
  private pool?: Promise<Piscina>;
  private started_?: Piscina;
  private destroyed = false;
  private answered = false;
  /** Tasks may also run on this thread while no worker has answered (the default module only). */
  readonly inline: boolean;

  constructor(
    readonly threads: number,
    private readonly workerUrl: URL = defaultWorkerUrl(),
  ) {
    this.inline = workerUrl.href === defaultWorkerUrl().href;
  }

  /**
   * The Piscina pool, started when the first task needs it: a run with no task starts
   * none, and does not even load Piscina (~20 ms).
   */
  private piscina(): Promise<Piscina> {
    this.pool ??= import('piscina').then(({ Piscina }) => {
      const pool = new Piscina({
        // A path, which Piscina's thread tries with `require` first (an ES module then by `import()`).
        filename: fileURLToPath(this.workerUrl),
        minThreads: 1,
        maxThreads: this.threads,
        idleTimeout: Infinity,
        concurrentTasksPerWorker: 1,
      });
      // Piscina reports a worker that dies while idle, and a late reply from a worker that
      // died (its task already failed), as 'error' events on the pool; unheard, an 'error'
      // event would throw and end the process. Every task has already settled on its own
      // promise by then, so there is nothing left to report.
      pool.on('error', () => {});
      this.started_ = pool;
      return pool;
    });
    return this.pool;
  }

  /** Worker threads started so far. */
  get started(): number {
    return this.started_?.threads.length ?? 0;
  }

  /** True until a worker has answered a task: threads take tens of milliseconds to boot. */
  get cold(): boolean {
    return !this.answered;
  }

  async run(task: BatchTask): Promise<NativeBatch> {
    const batch = (await (await this.piscina()).run(task)) as NativeBatch;
    this.answered = true;
    return batch;
  }

  /** Ends every worker now, running tasks included. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await (await this.pool)?.destroy();
  }
}

/** Bytes the coordinator's thread reads for one task while the workers boot (~1 ms). */
const INLINE_BYTES = 4 * 1024 * 1024;

export interface LocalTransportOptions {
  /** Files in a task while discovery runs. */
  batchSize: number;
  /** Bytes a task may read before it hands its remaining paths back. */
  budgetBytes: number;
  /** Hits a task may list (with `maxHits`) before it hands its remaining paths back. */
  budgetHits: number;
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
    const { cwd, counters, read } = this.spec;
    for (const [i, task] of tasks.entries()) {
      const message: BatchTask = {
        cwd,
        paths: task.paths.join('\0'),
        hints: task.hints,
        counters,
        read: {
          ...read,
          budgetBytes: this.options.budgetBytes,
          budgetHits: this.options.budgetHits,
          cancel: this.cancelFlag,
        },
      };
      // While the workers boot, this thread scans one task of each submission itself: a
      // small run never waits for a thread, and a large one starts at once. A hard byte
      // limit keeps the coordinator from blocking: a larger file goes to the pool. Files
      // decompressed or decoded in JavaScript always go to the pool.
      if (i === 0 && this.pool.inline && this.pool.cold && !readsHere(message)) {
        const batch = this.scanHere(message);
        if (batch && batch.count > 0) {
          // Handed over on the event loop's next turn: the workers' start and answers are
          // messages, which back-to-back inline scans would hold back (this thread would
          // then scan the whole run alone, the workers idle).
          setImmediate(() => this.arrive({ task, batch }));
          continue;
        }
      }
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

  /** The task scanned on this thread, up to `INLINE_BYTES`; undefined if that failed. */
  private scanHere(message: BatchTask): NativeBatch | undefined {
    try {
      return scanNative({ ...message, read: { ...message.read, stopAtBytes: INLINE_BYTES } });
    } catch {
      return undefined; // the pool's worker will fail the same way, and be retried as usual
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
