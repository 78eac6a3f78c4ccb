/**
 * scan: the coordinator. Pulls paths from `discover`, cuts them into tasks (`batch`),
 * runs the tasks on the worker pool (`dispatch`), and streams records while the
 * summary builds up (`aggregate`). With `queue`, the tasks go to BullMQ instead
 * (`queue/coordinator.ts`); with `shard`, discovery keeps only this shard's paths.
 *
 * Flow control: discovery runs ahead of the workers only up to a high-water mark, and
 * at most two tasks per thread are in flight, so memory stays flat however many files
 * there are; records are produced only as fast as the caller consumes them.
 *
 * Every discovered path yields exactly one record: tasks that end early on their byte
 * budget hand back their unread paths; a task whose worker dies is retried one path per
 * task, and a path that kills a worker on its own becomes an `EWORKER` error record.
 */
import { Aggregator, type Summary } from './aggregate.js';
import { BUDGET_BYTES, Intake, onePerTask, PathQueue, type TaskPaths } from './batch.js';
import type { Counter } from './counter.js';
import { discover, type Discovered } from './discover.js';
import { Dispatcher } from './dispatch.js';
import { HINT_FOLLOW, native, type NativeBatch, type NativeReadOptions } from './native.js';
import { resolveOptions, type ResolvedOptions, type ScanOptions } from './options.js';
import { byPath, decodeBatch, failedRecord, type FileError, type FileRecord, type MultiFileRecord } from './records.js';
import { inShard } from './shard.js';
import { show } from './validate.js';

// Load the addon on this thread before any worker does (SPEC §6).
void native;

type TaskOutcome = { task: TaskPaths; batch: NativeBatch } | { task: TaskPaths; failure: unknown };
export type AnyRecord = FileRecord | MultiFileRecord;

/** Turns discovered paths into records, a batch at a time (locally, or through a queue). */
export type Pipeline = (o: ResolvedOptions, source: AsyncIterable<Discovered[]>, agg: Aggregator) => AsyncGenerator<AnyRecord[]>;

/** A promise that can be re-armed: the coordinator sleeps on it until something happens. */
export class Wakeup {
  private resolve!: () => void;
  private promise!: Promise<void>;
  constructor() {
    this.arm();
  }
  arm(): void {
    this.promise = new Promise((r) => (this.resolve = r));
  }
  notify(): void {
    this.resolve();
  }
  wait(): Promise<void> {
    return this.promise;
  }
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

export function abortError(signal: AbortSignal): Error {
  return new DOMException(`the scan was aborted${signal.reason !== undefined ? `: ${show(signal.reason)}` : ''}`, 'AbortError');
}

/**
 * Yields the run's records in batches (one per finished task, or per set of discovery
 * errors), in their final shape (flat for one counter). Batches, not records, so that
 * the coordinator thread spends one async step per task rather than per file.
 */
export async function* localPipeline(o: ResolvedOptions, source: AsyncIterable<Discovered[]>, agg: Aggregator): AsyncGenerator<AnyRecord[]> {
  const nCounters = o.counters.length;
  const failed = (path: string, error: FileError) => failedRecord(path, error, nCounters, o.multi);
  const counters = o.counters.map((c) => ({ what: c.what, min: c.min, reset: c.reset }));
  const read: NativeReadOptions = {
    full: o.fullScan,
    scanBinary: o.scanBinary,
    follow: o.follow,
    maxFilesize: o.maxFilesize,
    budgetBytes: BUDGET_BYTES,
    readOnly: o.readOnly,
  };
  if (o.signal?.aborted) throw abortError(o.signal);
  // A queue worker lends its pool to each job; a run of our own owns (and ends) its pool.
  const ownsPool = o.dispatcher === undefined;
  const dispatcher = o.dispatcher ?? new Dispatcher(o.threads, o.workerUrl);
  const wakeup = new Wakeup();
  const queue = new PathQueue();
  /** Paths of tasks whose worker died, to retry one a task (with what discovery knew of each). */
  const singles: TaskPaths[] = [];
  const ready: AnyRecord[] = [];
  const finished: TaskOutcome[] = [];
  const inflight = new Set<Promise<void>>();
  const maxInflight = 2 * o.threads;
  const highWater = Math.max(1024, 4 * o.batchSize * o.threads);

  let aborted = false;
  const onAbort = () => {
    aborted = true;
    if (ownsPool) void dispatcher.destroy();
    wakeup.notify();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });

  const intake = new Intake(source, queue, highWater, {
    found: (n) => (agg.discovered += n),
    failed: (path, error) => ready.push(failed(path, error)),
    notify: () => wakeup.notify(),
  });

  const launch = (task: TaskPaths) => {
    const run = dispatcher.run({ cwd: o.cwd, paths: task.paths.join('\0'), hints: task.hints, counters, read }).then(
      (batch): TaskOutcome => ({ task, batch }),
      (failure): TaskOutcome => ({ task, failure }),
    );
    const p: Promise<void> = run.then((outcome) => {
      inflight.delete(p);
      finished.push(outcome);
    });
    inflight.add(p);
  };

  const progress = agg.progress(o.onProgress, o.progressIntervalMs, () => intake.done);

  try {
    for (;;) {
      wakeup.arm();
      if (aborted) break;
      if (intake.error) throw intake.error;
      if (ready.length) yield ready.splice(0);
      for (const outcome of finished.splice(0)) {
        const { paths } = outcome.task;
        if ('batch' in outcome) {
          yield decodeBatch(paths, outcome.batch, nCounters, o.multi, o.fullScan);
          if (outcome.batch.count < paths.length) queue.requeue(outcome.task, outcome.batch.count);
        } else if (paths.length > 1) {
          singles.push(...onePerTask(outcome.task));
        } else {
          const message = outcome.failure instanceof Error ? outcome.failure.message : String(outcome.failure);
          yield [failed(paths[0]!, { code: 'EWORKER', message: `the worker scanning this file died: ${message}` })];
        }
        if (aborted) break;
      }
      if (aborted) break;
      while (inflight.size < maxInflight) {
        if (singles.length) launch(singles.shift()!);
        else if (queue.length >= o.batchSize || (queue.length > 0 && (intake.done || inflight.size < o.threads))) {
          launch(queue.take(o.batchSize, o.threads, intake.done));
        } else break;
      }
      intake.poll();
      progress(false);
      if (intake.done && !queue.length && !singles.length && !inflight.size && !ready.length && !finished.length) break;
      await Promise.race([wakeup.wait(), ...inflight]);
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    if (ownsPool) await dispatcher.destroy();
    await intake.stop();
    progress(true);
  }
  if (aborted) throw abortError(o.signal!);
}

/** The records and summary of a finished run. */
export interface ScanResult<R> {
  records: R[];
  summary: Summary;
}

/**
 * A running scan: iterate it for records as they finish (once), or await `summary()` /
 * `result()`. The run starts when first iterated or awaited.
 */
export class ScanRun<R extends FileRecord | MultiFileRecord> implements AsyncIterable<R> {
  private started = false;
  private readonly agg: Aggregator;
  private readonly finished: Promise<Summary>;
  private settle!: (s: Summary) => void;
  private fail!: (e: unknown) => void;

  /** @internal */
  constructor(
    private readonly o: ResolvedOptions,
    private readonly source: AsyncIterable<Discovered[]>,
  ) {
    this.agg = new Aggregator(o.counters.length, o.threads, o.multi);
    this.finished = new Promise((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
    });
    this.finished.catch(() => {});
  }

  /** Runs the pipeline once, settling the summary however it ends. */
  private async *drive(): AsyncGenerator<R[]> {
    if (this.started) throw new Error('a scan can be iterated only once; use result() to keep its records');
    this.started = true;
    try {
      // BullMQ and its Redis client load only for queued runs.
      const pipeline: Pipeline = this.o.queue ? (await import('./queue/coordinator.js')).queuePipeline : localPipeline;
      yield* pipeline(this.o, this.source, this.agg) as AsyncGenerator<R[]>;
      this.settle(this.agg.summary(false));
    } catch (e) {
      if (isAbortError(e)) this.settle(this.agg.summary(true));
      else this.fail(e);
      throw e;
    } finally {
      // A consumer that stops iterating early still gets a (partial) summary.
      this.settle(this.agg.summary(true));
    }
  }

  /** Records one at a time, as files finish. */
  async *[Symbol.asyncIterator](): AsyncGenerator<R> {
    for await (const batch of this.drive()) {
      for (const r of batch) {
        this.agg.add(r);
        yield r;
      }
    }
  }

  /** Records a task at a time: the same records with less overhead on long runs. */
  async *batches(): AsyncGenerator<R[]> {
    for await (const batch of this.drive()) {
      for (const r of batch) this.agg.add(r);
      yield batch;
    }
  }

  /** The summary once the run ends; runs it (discarding records) if nobody iterates. */
  async summary(): Promise<Summary> {
    if (!this.started) {
      try {
        for await (const _ of this.batches());
      } catch (e) {
        if (!isAbortError(e)) throw e;
      }
    }
    return this.finished;
  }

  /** Every record (sorted by path with `sort: true`) and the summary. */
  async result(): Promise<ScanResult<R>> {
    const records: R[] = [];
    for await (const batch of this.batches()) for (const r of batch) records.push(r);
    if (this.o.sort) records.sort(byPath);
    return { records, summary: await this.finished };
  }
}

type WithCounter = ScanOptions & { counter: Counter; counters?: undefined };
type WithCounters = ScanOptions & { counters: Counter[]; counter?: undefined };

/** Scans the files that `patterns` name (default: everything below `cwd`). */
export function scan(options: WithCounter): ScanRun<FileRecord>;
export function scan(options: WithCounters): ScanRun<MultiFileRecord>;
export function scan(options: ScanOptions): ScanRun<FileRecord | MultiFileRecord>;
export function scan(options: ScanOptions): ScanRun<FileRecord | MultiFileRecord> {
  const o = resolveOptions(options);
  return new ScanRun(o, o.shard ? inShard(discover(o), o.shard) : discover(o));
}

/** Scans a list of file paths as given (no globbing, no directory search). */
export function scanFiles(paths: string[], options: Omit<WithCounter, 'patterns'>): ScanRun<FileRecord>;
export function scanFiles(paths: string[], options: Omit<WithCounters, 'patterns'>): ScanRun<MultiFileRecord>;
export function scanFiles(paths: string[], options: Omit<ScanOptions, 'patterns'>): ScanRun<FileRecord | MultiFileRecord> {
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) {
    throw new TypeError(`paths must be an array of strings, got ${show(paths)}`);
  }
  const o = resolveOptions(options);
  async function* given(): AsyncGenerator<Discovered[]> {
    // Named paths are read even through a link, as on the command line.
    yield paths.map((path) => ({ path, hints: HINT_FOLLOW }));
  }
  return new ScanRun(o, o.shard ? inShard(given(), o.shard) : given());
}
