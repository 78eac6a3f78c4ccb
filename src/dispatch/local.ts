/**
 * local: tasks on this process's worker threads (a Piscina pool).
 *
 * * The pool's threads live as long as the pool (`idleTimeout: Infinity`): Piscina's
 *   default would end and restart workers between bursts. Threads start as tasks need
 *   them, up to `threads`: a run of one file starts one.
 * * The native addon is loaded on this thread first (backends/select.ts), which keeps it
 *   resident when workers exit.
 * * A task whose worker dies is lost; the run loop decides what to retry. Piscina starts a
 *   replacement worker by itself.
 * * A run starts on this thread (`scanBatch` is one synchronous call): it scans the
 *   run's first 4 MiB itself, so a run that small starts no thread; the pool starts with
 *   the first task past them, and while no worker has answered yet this thread goes on
 *   scanning one task of each submission: a large run does not wait for threads to boot.
 * * Cancelling sets a flag the native reader checks between chunks, so a task stops
 *   within a chunk's read even in the middle of a huge file.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Piscina } from 'piscina';
import { BatchView } from '../codec/batch.js';
import type { NativeBatch } from '../core/types.js';
import { packageDir } from '../core/package.js';
import type { Backend } from '../backends/backend.js';
import { readsHere, scanWhole, type BatchTask } from '../scan/task.js';
import type { Outcome, RunSpec, Task, Transport } from './transport.js';
import { INLINE_BYTES, localWindow } from '../engine/sizing.js';

/**
 * The worker module, bundled into one CommonJS file (scripts/bundle.mjs): a thread then
 * `require`s one file rather than loading a graph of ES modules. The same from the
 * sources, the compiled modules and the bundled CLI.
 */
function defaultWorkerUrl(): URL {
  return pathToFileURL(join(packageDir(), 'dist', 'workers', 'scan-thread.cjs'));
}

/** A pool of scanning threads, shared by the runs that use it. @internal */
export class ThreadPool {
  private pool?: Promise<Piscina>;
  private started_?: Piscina;
  private destroyed = false;
  private ending?: Promise<void>;
  private answered = false;
  /** Tasks given to the threads and not settled yet, with the flag that cancels each. */
  private readonly running = new Map<Promise<unknown>, Int32Array | undefined>();
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
    // Once destroyed, no thread starts again (a task then fails; its run is being stopped).
    if (this.destroyed && !this.pool) return Promise.reject(new Error('the pool of threads is closed'));
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

  /** Whether a task has been given to the pool (threads are starting or running). */
  get begun(): boolean {
    return this.pool !== undefined;
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
    const running = this.piscina().then((pool) => pool.run(task) as Promise<NativeBatch>);
    this.running.set(running, task.read.cancel);
    try {
      const batch = await running;
      this.answered = true;
      return batch;
    } finally {
      this.running.delete(running);
    }
  }

  /**
   * Ends every worker, running tasks included: each is cancelled (its flag set) and given
   * up to `DRAIN_MS` to come back before the threads end. A task stops within a chunk's
   * read, and a file's decompressor is ended and reaped before its task returns: a thread
   * ended under a running child would leave it unreaped (contract §2.3.1).
   */
  destroy(): Promise<void> {
    return (this.ending ??= this.end());
  }

  private async end(): Promise<void> {
    this.destroyed = true;
    if (this.running.size) {
      for (const cancel of this.running.values()) if (cancel) Atomics.store(cancel, 0, 1);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(this.running.keys()),
        new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_MS))),
      ]);
      clearTimeout(timer);
    }
    await (await this.pool)?.destroy();
  }
}

/**
 * The longest a pool's end waits for its cancelled tasks to come back before it ends the
 * threads under them (a task checks its flag between chunks: milliseconds).
 */
const DRAIN_MS = 5000;

export interface LocalTransportOptions {
  /** The back end of the tasks scanned on this thread (the pool's threads scan with theirs, the same). */
  backend: Backend;
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
  /** Bytes of the run this thread may still scan before the pool starts. */
  private startBudget = INLINE_BYTES;

  constructor(
    private readonly pool: ThreadPool,
    private readonly spec: RunSpec,
    private readonly notify: () => void,
    private readonly options: LocalTransportOptions,
  ) {
    this.batchSize = options.batchSize;
    this.window = localWindow(pool.threads);
  }

  get threads(): number {
    return this.pool.threads;
  }

  async submit(tasks: Task[]): Promise<void> {
    const { cwd, counters, read } = this.spec;
    // The byte limits keep the coordinator from blocking; files decompressed or decoded in
    // JavaScript always go to the pool.
    const cold = this.pool.inline && this.pool.cold;
    const starting = cold && !this.pool.begun && this.startBudget > 0;
    let inline = starting ? this.startBudget : cold && this.pool.begun ? INLINE_BYTES : 0;
    for (const task of tasks) {
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
      if (inline > 0 && !readsHere(message)) {
        const batch = this.scanHere(message, inline);
        if (batch && batch.count > 0) {
          if (starting)
            inline = this.startBudget = Math.max(
              0,
              this.startBudget - new BatchView(batch, counters.length).totalBytes(),
            );
          else inline = 0;
          // Handed over on the event loop's next turn: the workers' start and answers are
          // messages, which back-to-back inline scans would hold back (this thread would
          // then scan the whole run alone, the workers idle).
          setImmediate(() => this.arrive({ task, batch }));
          continue;
        }
        // Its first file is larger than what is left: from here on the threads scan.
        if (starting) this.startBudget = 0;
        inline = 0;
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

  /** The task scanned on this thread, up to `bytes`; undefined if that failed. */
  private scanHere(message: BatchTask, bytes: number): NativeBatch | undefined {
    try {
      return scanWhole(this.options.backend, { ...message, read: { ...message.read, stopAtBytes: bytes } });
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
    // Tasks still out when a run lets go (its consumer stopped iterating) are not wanted:
    // on a shared pool they would otherwise go on to their end.
    Atomics.store(this.cancelFlag, 0, 1);
    if (this.options.ownsPool) await this.pool.destroy();
  }
}
