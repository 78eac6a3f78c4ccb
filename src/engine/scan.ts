/**
 * scan: the public entry points. `scan()` discovers files, `scanFiles()` takes a list;
 * both hand the paths to the run loop (run.ts) on a transport — this process's threads,
 * or with `queue` the BullMQ queue — and turn the results into records while the
 * summary builds up (aggregate.ts). With `shard`, discovery keeps only this shard's paths.
 *
 * Flow control: discovery runs ahead of the workers only up to a high-water mark and the
 * transport holds a bounded window of tasks, so memory stays flat however many files
 * there are; records are produced only as fast as the caller consumes them.
 */
import { BatchView, byPath, decodeBatch, failedRecord, isReported, type RecordShape } from '../codec/batch.js';
import { resetCode, type Counter } from '../scan/counter.js';
import { isAbortOf, ScanConsumedError } from '../core/errors.js';
import { pathFromBytes, pathFromText } from '../core/path-bytes.js';
import type { AnyRecord, BackendName, FileError, FileRecord, MultiFileRecord, Shard, Summary } from '../core/types.js';
import { checkOptions, show, typeError } from '../core/validate.js';
import { HINT_FOLLOW } from '../core/wire-format.js';
import { LocalTransport, sharedPool, ThreadPool } from '../dispatch/local.js';
import { loadQueueModule } from '../dispatch/queue/load.js';
import type { RunSpec, Transport } from '../dispatch/transport.js';
import { Aggregator } from './aggregate.js';
import { BUDGET_BYTES, BUDGET_HITS } from './sizing.js';
import { discover, type Discovered } from './discover.js';
import { resolveOptions, type ResolvedOptions, type ScanFilesOptions, type ScanOptions } from './options.js';
import type { Query } from './query.js';
import { runLoop } from './run.js';
import { inShard } from './shard.js';

/**
 * What tests and the benchmark may change about a run; not part of the public API (see
 * `src/internal.ts`).
 * @internal
 */
export interface RunInternals {
  /** A pool to run on instead of a pool of the run's own (a queue worker's, shared by its jobs). */
  pool?: ThreadPool;
  /** The worker module to run instead of the real one. */
  workerUrl?: URL;
  /** The benchmark's baseline: read every file, count nothing. */
  readOnly?: boolean;
}

/** The run-wide part of every task. */
function runSpec(o: ResolvedOptions, internals: RunInternals = {}): RunSpec {
  return {
    cwd: o.cwd,
    counters: o.counters.map((c) => ({ what: c.what, min: c.min, reset: resetCode(c.reset) })),
    // A queued job's JSON says `histogram` only when it is asked.
    read: { ...o.read, histogram: o.read.histogram || undefined, readOnly: internals.readOnly },
  };
}

/** The transport a run's options ask for (BullMQ and its Redis client load only for queued runs). */
async function openTransport(
  o: ResolvedOptions,
  internals: RunInternals,
  notify: () => void,
): Promise<Transport & { workers?: number; backend?: BackendName }> {
  const spec = runSpec(o, internals);
  if (o.queue) {
    const { QueueTransport } = await loadQueueModule(() => import('../dispatch/queue/client.js'));
    return QueueTransport.open(o.queue, spec, notify, o.onWarning);
  }
  // A run without a pool of its own shares the process's (its threads stay for the next run).
  const given = internals.pool ?? (internals.workerUrl ? undefined : sharedPool(o.threads));
  const pool = given ?? new ThreadPool(o.threads, internals.workerUrl);
  return new LocalTransport(pool, spec, notify, {
    backend: o.backend,
    batchSize: o.batchSize,
    budgetBytes: BUDGET_BYTES,
    budgetHits: BUDGET_HITS,
    ownsPool: !given,
  });
}

/** Puts records back in the caller's order: each is released once all before it have come. */
class InOrder<R> {
  private next = 0;
  private readonly held = new Map<number, R>();

  release(records: R[], positions: number[]): R[] {
    records.forEach((r, i) => this.held.set(positions[i]!, r));
    const out: R[] = [];
    for (let r = this.held.get(this.next); r !== undefined; r = this.held.get(this.next)) {
      out.push(r);
      this.held.delete(this.next++);
    }
    return out;
  }
}

/** Numbers the paths in the order they come: their places for `ordered`. */
async function* numbered(source: AsyncIterable<Discovered[]>): AsyncGenerator<Discovered[]> {
  let at = 0;
  for await (const found of source) yield found.map((d) => ({ ...d, at: at++ }));
}

/**
 * The records and summary of a finished run, and what it answered: with one counter a
 * `--json` document's `query` (and `shard`), so that `mergeShards()` takes the results of
 * sharded runs as it takes `charcount --shard K/N --json` documents.
 */
export interface ScanResult<R> {
  records: R[];
  summary: Summary;
  /** With one counter: the query the run answered, as `--json` records it. */
  query?: Query;
  /** With `shard`: the shard this run scanned. */
  shard?: Shard;
}

/** Only this module makes runs (`new ScanRun()` elsewhere is refused). */
const MAKE = Symbol('ScanRun');

/** How a run was consumed, for the message of a second try. */
type Consumer = 'iterated' | 'result()' | 'summary()';

/**
 * A running scan: iterate it for records as they finish (once), or await it (its
 * `result()`) or `summary()`. The run starts when first iterated, or when it is awaited
 * or `summary()` or `result()` is called. Made by `scan()`, `scanFiles()` and a
 * `ScanPool`'s methods, never with `new`.
 */
export class ScanRun<R extends FileRecord | MultiFileRecord> implements AsyncIterable<R>, PromiseLike<ScanResult<R>> {
  private consumer: Consumer | undefined;
  private readonly agg: Aggregator;
  private readonly finished: Promise<Summary>;
  private settle!: (s: Summary) => void;
  private fail!: (e: unknown) => void;

  /** A run of these options over `source`. @internal */
  static make<R extends FileRecord | MultiFileRecord>(
    o: ResolvedOptions,
    source: AsyncIterable<Discovered[]>,
    internals?: RunInternals,
    lead?: () => Promise<AnyRecord[]>,
  ): ScanRun<R> {
    return new ScanRun<R>(MAKE, o, source, internals, lead);
  }

  private constructor(
    make: symbol,
    private readonly o: ResolvedOptions,
    private readonly source: AsyncIterable<Discovered[]>,
    private readonly internals: RunInternals = {},
    /** Records made before the run (standard input), reported first. */
    private readonly lead?: () => Promise<AnyRecord[]>,
  ) {
    if (make !== MAKE) {
      throw typeError(
        'a ScanRun is made by scan(), scanFiles() or a ScanPool, not with new',
        'ERR_ILLEGAL_CONSTRUCTOR',
      );
    }
    this.agg = new Aggregator(o.counters.length, o.threads, o.multi, o.read.histogram);
    this.agg.backend = o.backend.name;
    this.finished = new Promise((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
    });
    this.finished.catch(() => {});
  }

  /**
   * Runs the loop once, counting every file into the summary as its batch arrives and
   * settling the summary however it ends. With `reportedOnly`, yields only the records of
   * files that matched or failed.
   */
  private async *drive(reportedOnly: boolean, consumer: Consumer = 'iterated'): AsyncGenerator<R[]> {
    this.claim(consumer);
    const { o, agg } = this;
    const shape: RecordShape = { ...o.read, counters: o.counters.length, multi: o.multi };
    let transport: (Transport & { workers?: number; backend?: BackendName }) | undefined;
    const report = agg.progress(o.onProgress, o.progressIntervalMs);
    try {
      if (this.lead) {
        const records = await this.lead();
        agg.discovered += records.length;
        for (const r of records) agg.add(r);
        yield (reportedOnly ? records.filter(isReported) : records) as R[];
      }
      const open = async (notify: () => void) => (transport = await openTransport(o, this.internals, notify));
      const hooks = { found: (n: number) => (agg.discovered += n), progress: report };
      const inOrder = o.ordered ? new InOrder<AnyRecord>() : undefined;
      for await (const pieces of runLoop(this.source, open, hooks, o.signal)) {
        let records: AnyRecord[] = [];
        const positions: number[] = [];
        for (const p of pieces) {
          if (p.failed) {
            const r = failedRecord(p.failed.path, p.failed.error, shape.counters, shape.multi);
            agg.add(r);
            records.push(r);
            if (inOrder) positions.push(p.failed.at);
            continue;
          }
          // Every file is counted from its batch, whether or not a record is made of it.
          agg.addBatch(new BatchView(p.batch, shape.counters));
          const decoded = decodeBatch(p.task.paths, p.batch, shape, reportedOnly && !inOrder);
          for (const r of decoded) records.push(r);
          if (inOrder) for (let i = 0; i < decoded.length; i++) positions.push(p.task.at[i]!);
        }
        // A queued run's figures are its workers'.
        if (transport?.workers) {
          agg.workers = transport.workers;
          agg.threads = transport.threads;
          agg.backend = transport.backend ?? 'native';
        }
        if (inOrder) records = inOrder.release(records, positions);
        // In order, every record waits for the ones before it: the unreported leave only now.
        if (inOrder && reportedOnly) records = records.filter(isReported);
        if (records.length) yield records as R[];
      }
      this.settle(agg.summary(false));
    } catch (e) {
      if (isAbortOf(e, o.signal)) this.settle(agg.summary(true));
      else this.fail(e);
      throw e;
    } finally {
      // A consumer that stops iterating early still gets a (partial) summary.
      this.settle(agg.summary(true));
    }
  }

  /**
   * Takes the run for one consumer. A run reads its files once: a second consumer is told
   * what it can still have (the summary) and what to do instead.
   */
  private claim(consumer: Consumer): void {
    const first = this.consumer;
    if (first === undefined) {
      this.consumer = consumer;
      return;
    }
    const asked = consumer === 'result()' ? 'result() has no records to give' : 'it cannot be iterated again';
    throw new ScanConsumedError(
      `this ScanRun was ${first === 'iterated' ? 'iterated already' : `consumed by ${first}`}, and a run reads its files once, so ${asked}: ` +
        'await run.summary() for its summary; to keep every record, call result() instead of iterating ' +
        '(or collect them while iterating), or start a new scan',
    );
  }

  /** Records one at a time, as files finish. */
  async *[Symbol.asyncIterator](): AsyncGenerator<R> {
    for await (const batch of this.drive(false)) yield* batch;
  }

  /** Records a task at a time: the same records with less overhead on long runs. */
  async *batches(): AsyncGenerator<R[]> {
    yield* this.drive(false);
  }

  /**
   * The records a text report prints, a task at a time: those of files that matched (some
   * counter) or failed. No record is made for the other files; the summary counts them all.
   * @internal
   */
  reported(): AsyncGenerator<R[]> {
    return this.drive(true);
  }

  /** The summary once the run ends; runs it (making no record it need not) if nobody iterates. */
  async summary(): Promise<Summary> {
    if (this.consumer === undefined) {
      try {
        for await (const _ of this.drive(true, 'summary()'));
      } catch (e) {
        if (!isAbortOf(e, this.o.signal)) throw e;
      }
    }
    return this.finished;
  }

  /**
   * Every record (sorted by path with `sort: true`), the summary, and with one counter the
   * query (and `shard`): what `mergeShards()` takes. Rejects with a `ScanConsumedError`
   * (code `ECONSUMED`) if the run was iterated already: `summary()` still has its summary.
   */
  async result(): Promise<ScanResult<R>> {
    const records: R[] = [];
    for await (const batch of this.drive(false, 'result()')) for (const r of batch) records.push(r);
    if (this.o.sort) records.sort(byPath);
    const result: ScanResult<R> = { records, summary: await this.finished };
    if (this.o.query) result.query = this.o.query;
    if (this.o.shard) result.shard = this.o.shard;
    return result;
  }

  /**
   * `await run` is `await run.result()`, so that a run awaited without `.result()` gives
   * its answer rather than itself (as a child process of execa does). Awaiting consumes the
   * run, as `result()` does.
   */
  then<A = ScanResult<R>, B = never>(
    onFulfilled?: ((result: ScanResult<R>) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.result().then(onFulfilled, onRejected);
  }
}

export type WithCounter = ScanOptions & { counter: Counter; counters?: undefined };
export type WithCounters = ScanOptions & { counters: Counter[]; counter?: undefined };

/** A run over what `o.patterns` names, after the `lead` records if any. @internal */
export function scanRun(
  o: ResolvedOptions,
  internals?: RunInternals,
  lead?: () => Promise<AnyRecord[]>,
): ScanRun<AnyRecord> {
  return ScanRun.make(o, o.shard ? inShard(discover(o), o.shard) : discover(o), internals, lead);
}

/** The error `fs` gives for a path holding a NUL byte. */
function nulInPath(path: string): FileError {
  return {
    code: 'ERR_INVALID_ARG_VALUE',
    message: `The argument 'path' must be a string, Uint8Array, or URL without null bytes. Received ${show(path)}`,
  };
}

/** A run over the paths as given. @internal */
export function filesRun(
  paths: (string | Uint8Array)[],
  o: ResolvedOptions,
  internals?: RunInternals,
): ScanRun<AnyRecord> {
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string' || p instanceof Uint8Array)) {
    throw typeError(`paths must be an array of strings or Uint8Arrays (bytes, as fs takes them), got ${show(paths)}`);
  }
  async function* given(): AsyncGenerator<Discovered[]> {
    // Named paths are read even through a link, as on the command line. A NUL cannot be
    // in a file name: such a path is its own error (as `fs` says), never a split task.
    // Bytes that are not UTF-8 name their file exactly (path-bytes.ts).
    yield paths.map((given) => {
      const path = typeof given === 'string' ? pathFromText(given) : pathFromBytes(given);
      return path.includes('\0') ? { path, error: nulInPath(path) } : { path, hints: HINT_FOLLOW };
    });
  }
  const source = o.shard ? inShard(given(), o.shard) : given();
  return ScanRun.make(o, o.ordered ? numbered(source) : source, internals);
}

/** `scan()`'s options when the patterns come first: `scan(patterns, options)`. */
export type PatternsFirst<O extends ScanOptions = ScanOptions> = Omit<O, 'patterns'>;

/**
 * `scan()`'s arguments, either form — `(patterns, options)` as fast-glob and globby take
 * them, or `(options)` with `patterns` inside — as one options object. @internal
 */
export function scanArguments(first: unknown, second: unknown): ScanOptions {
  // One argument is the options, whatever it is (`scan('x')` is options that are not an object).
  if (second === undefined) {
    if (typeof first === 'string' || Array.isArray(first)) {
      throw typeError(`options must be an object, got ${show(first)}`);
    }
    return first as ScanOptions;
  }
  if (typeof first !== 'string' && !Array.isArray(first)) {
    throw typeError(
      `scan()'s first argument is its patterns (a string or an array of them) when options follow, got ${show(first)}`,
    );
  }
  const options = checkOptions(second as ScanOptions);
  if (options.patterns !== undefined) {
    throw typeError(
      `patterns given twice: as the first argument ${show(first)} and as the option ${show(options.patterns)}`,
      'ERR_INVALID_ARG_VALUE',
    );
  }
  return { ...options, patterns: first as string | string[] };
}

/**
 * Scans the files that `patterns` name (default: everything below `cwd`): globs, files or
 * directories, searched as ripgrep searches them. `scan(patterns, options)`, as fast-glob
 * and globby are called, or `scan({ patterns, ...options })`.
 */
export function scan(patterns: string | string[], options: PatternsFirst<WithCounter>): ScanRun<FileRecord>;
export function scan(patterns: string | string[], options: PatternsFirst<WithCounters>): ScanRun<MultiFileRecord>;
export function scan(patterns: string | string[], options: PatternsFirst): ScanRun<FileRecord | MultiFileRecord>;
export function scan(options: WithCounter): ScanRun<FileRecord>;
export function scan(options: WithCounters): ScanRun<MultiFileRecord>;
export function scan(options: ScanOptions): ScanRun<FileRecord | MultiFileRecord>;
export function scan(
  first: ScanOptions | string | string[],
  options?: PatternsFirst,
): ScanRun<FileRecord | MultiFileRecord> {
  return scanRun(resolveOptions(scanArguments(first, options)));
}

export type FilesWithCounter = ScanFilesOptions & { counter: Counter; counters?: undefined };
export type FilesWithCounters = ScanFilesOptions & { counters: Counter[]; counter?: undefined };

/**
 * Scans a list of file paths as given (no globbing, no directory search); with
 * `ordered: true`, records come in the order of the list. A path may be bytes (a
 * `Uint8Array` or `Buffer`, as `fs` takes them): a name that is not UTF-8.
 */
export function scanFiles(paths: (string | Uint8Array)[], options: FilesWithCounter): ScanRun<FileRecord>;
export function scanFiles(paths: (string | Uint8Array)[], options: FilesWithCounters): ScanRun<MultiFileRecord>;
export function scanFiles(
  paths: (string | Uint8Array)[],
  options: ScanFilesOptions,
): ScanRun<FileRecord | MultiFileRecord>;
export function scanFiles(
  paths: (string | Uint8Array)[],
  options: ScanFilesOptions,
): ScanRun<FileRecord | MultiFileRecord> {
  return filesRun(paths, resolveOptions(options, true));
}
