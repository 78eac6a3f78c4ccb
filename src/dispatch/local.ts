/**
 * local: tasks on this process's worker threads (a Piscina pool).
 *
 * * The pool's threads live as long as the pool (`idleTimeout: Infinity`; the shared
 *   pool's extra threads end after a while): Piscina's default would end and restart
 *   workers between bursts. The default module's threads all start at once, when a run
 *   first needs them; a test's module starts them as tasks need them.
 * * The native addon is loaded on this thread first (backends/select.ts), which keeps it
 *   resident when workers exit.
 * * A task whose worker dies is lost; the run loop decides what to retry. Piscina starts a
 *   replacement worker by itself.
 * * A run starts on this thread (`scanBatch` is one synchronous call): it scans the
 *   run's first 4 MiB itself, so a run that small starts no thread. Past them it starts the
 *   threads only if what is left would take it longer than a thread's boot (or the walk
 *   is still finding files): a thread costs tens of milliseconds of CPU to boot, more than
 *   a few thousand small files take to scan here. Until every thread has booted this
 *   thread goes on scanning whatever no booted thread is idle for: no task waits for a
 *   thread's boot, and a run that ends before the threads are up never waits for them.
 * * `sharedPool()` is the pool of the runs without one of their own: its threads stay
 *   for the next run and never keep the process running (Piscina unrefs idle threads).
 * * Cancelling sets a flag the native reader checks between chunks, so a task stops
 *   within a chunk's read even in the middle of a huge file.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Piscina } from 'piscina';
import { BatchView } from '../codec/batch.js';
import type { NativeBatch } from '../core/types.js';
import { packageDir } from '../core/package.js';
import type { Backend } from '../backends/backend.js';
import { readsHere, scanWhole, type BatchTask } from '../scan/task.js';
import type { Outcome, RunSpec, Task, Transport } from './transport.js';
import { FILE_WORK, INLINE_BYTES, localWindow, THREADS_WORTH } from '../engine/sizing.js';

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
  private eager = false;
  /** Threads that have come online (the default module's, started by `start()`). */
  private booted = 0;
  /** Called when the last run using the pool lets go of it. */
  onIdle?: () => void;
  /** The runs using the pool now (their open transports), each called as a thread boots. */
  private readonly listeners = new Set<() => void>();
  /** Tasks given to the threads and not settled yet, with the flag that cancels each. */
  private readonly running = new Map<Promise<unknown>, Int32Array | undefined>();
  /** Tasks may also run on this thread until every thread has booted (the default module only). */
  readonly inline: boolean;

  constructor(
    readonly threads: number,
    private readonly workerUrl: URL = defaultWorkerUrl(),
    private readonly idleTimeout = Infinity,
  ) {
    this.inline = workerUrl.href === defaultWorkerUrl().href;
  }

  /** Starts every thread now (the default module's marked booted as each comes online: `idle`, `warm`). */
  start(): void {
    if (this.pool) return;
    this.eager = true;
    this.piscina().then(
      (pool) => {
        // A thread that is online has booted Node (what takes tens of milliseconds); a
        // task sent now starts at once. (Not an empty task to each: a task under way keeps
        // the process running, and a program whose run ended before the threads were up
        // would wait for them.)
        if (this.inline)
          for (const thread of pool.threads)
            thread.once('online', () => {
              this.booted++;
              for (const listener of this.listeners) listener();
            });
      },
      () => {},
    );
  }

  /**
   * Threads booted and idle (the default module only): a task given to the pool now
   * starts at once. Until every thread has booted, the run's coordinator scans what no
   * idle thread can take (LocalTransport), rather than queue it behind a boot.
   */
  get idle(): number {
    return Math.max(0, this.booted - this.running.size);
  }

  /** A run's transport opens on the pool, `listener` to be called as threads boot. */
  use(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** That run lets go of the pool. */
  release(listener: () => void): void {
    if (!this.listeners.delete(listener)) return;
    if (this.listeners.size === 0) this.onIdle?.();
  }

  /** Whether every thread has booted (the pool's `start()` was called and each came online). */
  get warm(): boolean {
    return this.booted >= this.threads;
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
        // Started by `start()`: every thread at once, since the run will want them all.
        minThreads: this.eager ? this.threads : 1,
        maxThreads: this.threads,
        idleTimeout: this.idleTimeout,
        // No run-time and wait-time histograms (perf_hooks, ~8 ms at start): nobody reads them.
        recordTiming: false,
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

  async run(task: BatchTask): Promise<NativeBatch> {
    const running = this.piscina().then((pool) => pool.run(task) as Promise<NativeBatch>);
    this.running.set(running, task.read.cancel);
    try {
      return await running;
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
    for (const cancel of this.running.values()) if (cancel) Atomics.store(cancel, 0, 1);
    await drained(this.running.keys());
    await (await this.pool)?.destroy();
  }
}

/** Waits until `tasks` (cancelled) have settled, or `DRAIN_MS`, whichever comes first. */
async function drained(tasks: Iterable<Promise<unknown>>): Promise<void> {
  const all = [...tasks];
  if (!all.length) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(all), new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_MS)))]);
  clearTimeout(timer);
}

/**
 * How long a thread of the shared pool may sit idle before it ends (one stays). Idle
 * threads never keep the process running (Piscina unrefs them): this only gives their
 * memory back in a long-lived program that has stopped scanning.
 */
const SHARED_IDLE_MS = 10_000;

let shared: ThreadPool | undefined;

/**
 * The pool that runs without a pool of their own share (`scan()` and `scanFiles()`, and
 * the command line): `availableParallelism()` threads of the default worker module,
 * started by the first run that needs them and kept for the next. Its threads never keep
 * the process running, and it is never destroyed: the process ends them as it exits.
 * `undefined` for another number of threads.
 */
export function sharedPool(threads: number): ThreadPool | undefined {
  if (threads !== availableParallelism()) return undefined;
  if (!shared) {
    const pool = (shared = new ThreadPool(threads, defaultWorkerUrl(), SHARED_IDLE_MS));
    // Piscina keeps the process running while a thread boots: threads still booting when
    // the last run lets go are ended (the next run starts others), so that a program
    // whose run ended first exits at once.
    pool.onIdle = () => {
      if (!pool.begun || pool.warm) return;
      if (shared === pool) shared = undefined;
      void pool.destroy();
    };
  }
  return shared;
}

/**
 * The longest a pool's end waits for its cancelled tasks to come back before it ends the
 * threads under them (a task checks its flag between chunks: milliseconds).
 */
const DRAIN_MS = 5000;

/** Paths found and not yet read, with discovery still going, that make a run large. */
const BIG_WALK = 1024;

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
  /** Tasks submitted and not yet scanned here or given to the pool. */
  private readonly held: { task: Task; message: BatchTask }[] = [];
  /** The run has let go (cancelled or closed): held tasks are dropped. */
  private ended = false;
  /** The run's tasks reading files on a thread now (`BatchTask.underway`). */
  private readonly underway = new Int32Array(new SharedArrayBuffer(4));
  /** The run's tasks given to the pool that have not come back (or failed with their thread). */
  private inPool = 0;
  /** What this thread has scanned of the run: files, and their work (see `worthThreads`). */
  private readonly here = { files: 0, work: 0 };
  /** The run loop's queue (`backlog`). */
  private queued = 0;
  private discoveryDone = false;

  constructor(
    private readonly pool: ThreadPool,
    private readonly spec: RunSpec,
    private readonly notify: () => void,
    private readonly options: LocalTransportOptions,
  ) {
    this.batchSize = options.batchSize;
    this.window = localWindow(pool.threads);
    pool.use(this.pump);
  }

  get threads(): number {
    return this.pool.threads;
  }

  async submit(tasks: Task[]): Promise<void> {
    const { cwd, counters, read } = this.spec;
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
        underway: this.underway,
      };
      this.held.push({ task, message });
    }
    this.pump();
  }

  /**
   * Hands the held tasks out. A booted, idle thread takes a task at once; once every
   * thread has booted (or with a worker module of a test's), every task goes to the pool.
   * Until then this thread scans a task itself (one an event-loop turn: the threads' boot
   * and answers are messages, which back-to-back scans here would hold back), its first
   * 4 MiB before it even starts the threads; no task waits behind a thread's boot unless
   * it cannot be scanned here (files decompressed or decoded in JavaScript, a first file
   * larger than what this thread may still read).
   */
  private pump = (): void => {
    const pool = this.pool;
    while (this.held.length && !this.ended && (pool.idle > 0 || !pool.inline || pool.warm))
      this.toPool(this.held.shift()!);
    if (!this.held.length || this.ended) return;
    const starting = !pool.begun;
    const { task, message } = this.held.shift()!;
    if (!readsHere(message)) {
      const batch = this.scanHere(message, INLINE_BYTES);
      if (batch && batch.count > 0) {
        const bytes = new BatchView(batch, message.counters.length).totalBytes();
        this.here.files += batch.count;
        this.here.work += bytes + batch.count * FILE_WORK;
        if (starting) {
          this.startBudget = Math.max(0, this.startBudget - bytes);
          if (this.worthThreads(task.paths.length - batch.count)) pool.start();
        }
        setImmediate(() => {
          this.arrive({ task, batch });
          this.pump();
        });
        return;
      }
    }
    // Not for this thread: it waits for a thread (which start now, if they have not).
    pool.start();
    this.toPool({ task, message });
    if (this.held.length) setImmediate(this.pump);
  };

  /**
   * Whether what is left of the run is worth the threads: the walk is still finding
   * files (and has found many), or, past the run's first 4 MiB, the files left would be
   * more work than `THREADS_WORTH` at the run's average so far (bytes read plus
   * `FILE_WORK` a file). A thread's boot costs tens of milliseconds of CPU, more than this
   * thread takes to scan a few thousand small files (and on a loaded machine it takes them
   * from this thread).
   */
  private worthThreads(unread: number): boolean {
    let left = this.queued + unread;
    for (const h of this.held) left += h.task.paths.length;
    if (!this.discoveryDone && left >= BIG_WALK) return true;
    return this.startBudget === 0 && (left * this.here.work) / this.here.files > THREADS_WORTH;
  }

  backlog(queued: number, discoveryDone: boolean): void {
    this.queued = queued;
    this.discoveryDone = discoveryDone;
  }

  private toPool({ task, message }: { task: Task; message: BatchTask }): void {
    this.inPool++;
    this.pool.run(message).then(
      (batch) => {
        this.inPool--;
        this.arrive({ task, batch });
        this.pump();
      },
      (failure) => {
        this.inPool--;
        this.arrive({
          task,
          lost: `the worker scanning this file died: ${failure instanceof Error ? failure.message : String(failure)}`,
        });
      },
    );
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

  private letGo(): void {
    this.ended = true;
    this.held.length = 0;
    this.pool.release(this.pump);
  }

  take(): Outcome[] {
    return this.finished.splice(0);
  }

  cancel(): void {
    this.letGo();
    Atomics.store(this.cancelFlag, 0, 1);
    if (this.options.ownsPool) void this.pool.destroy();
  }

  async close(): Promise<void> {
    // Tasks still out when a run lets go (its consumer stopped iterating) are not wanted:
    // on a shared pool they would otherwise go on to their end. The run ends once those
    // reading files on a thread have stopped (a chunk's read): a file's decompressor is
    // reaped by then (contract §2.3.1). Tasks still queued behind other runs' are not
    // waited for: they see the flag before they open anything. (Nor is a count left up by
    // a thread that died: once every task has come back, none is reading.)
    this.letGo();
    Atomics.store(this.cancelFlag, 0, 1);
    if (this.options.ownsPool) await this.pool.destroy();
    else {
      const end = performance.now() + DRAIN_MS;
      while (Atomics.load(this.underway, 0) > 0 && this.inPool > 0 && performance.now() < end) await sleep(2);
    }
  }
}
