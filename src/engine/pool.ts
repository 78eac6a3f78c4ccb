/**
 * pool: a reusable set of scanning threads for programs that scan many times. Each
 * `scan()` otherwise starts threads of its own (tens of milliseconds each) and ends them.
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import type { AnyRecord, FileRecord, MultiFileRecord } from '../core/types.js';
import { checkInteger, checkKeys, checkOptions, optionKeys, typeError } from '../core/validate.js';
import { ThreadPool } from '../dispatch/local.js';
import { resolveOptions, type ScanFilesOptions, type ScanOptions } from './options.js';
import {
  filesRun,
  scanRun,
  type FilesWithCounter,
  type FilesWithCounters,
  scanArguments,
  type PatternsFirst,
  type ScanRun,
  type WithCounter,
  type WithCounters,
} from './scan.js';

export interface ScanPoolOptions {
  /**
   * Scanning threads, shared by every run of the pool.
   * @default os.availableParallelism()
   */
  threads?: number;
}

/** `ScanPoolOptions` by name (an unknown key is refused). */
const POOL_OPTIONS = optionKeys<ScanPoolOptions>({ threads: 0 });

/**
 * Threads kept between runs: `scan()` and `scanFiles()` as the module's functions, on
 * this pool's threads (the `threads` option of a run is ignored). Threads start as the
 * first runs need them and live until `close()` (or `await using pool = new ScanPool()` in
 * TypeScript, or in JavaScript on Node.js 24 and later: Node.js 20 and 22 do not parse
 * it), which gives their memory back. Idle threads never keep the process running (Piscina
 * unrefs them): a program that forgets `close()` still exits when its work is done.
 */
export class ScanPool {
  private readonly pool: ThreadPool;
  private closed = false;
  /**
   * Aborted by `close()`: every run of the pool listens to it beside its own `signal`, so
   * that a run still going ends as an aborted run (never with its unfinished files as
   * errors of a worker that was ended under them).
   */
  private readonly closing = new AbortController();

  constructor(options?: ScanPoolOptions) {
    options = checkOptions(options);
    checkKeys('new ScanPool()', options, POOL_OPTIONS);
    const threads =
      options.threads === undefined ? availableParallelism() : checkInteger('threads', options.threads, 1, 1024);
    this.pool = new ThreadPool(threads);
    // Each run going listens to it: no warning however many runs share the pool.
    setMaxListeners(0, this.closing.signal);
  }

  /** Scanning threads of the pool. */
  get threads(): number {
    return this.pool.threads;
  }

  scan(patterns: string | string[], options: PatternsFirst<WithCounter>): ScanRun<FileRecord>;
  scan(patterns: string | string[], options: PatternsFirst<WithCounters>): ScanRun<MultiFileRecord>;
  scan(patterns: string | string[], options: PatternsFirst): ScanRun<AnyRecord>;
  scan(options: WithCounter): ScanRun<FileRecord>;
  scan(options: WithCounters): ScanRun<MultiFileRecord>;
  scan(options: ScanOptions): ScanRun<AnyRecord>;
  scan(first: ScanOptions | string | string[], options?: PatternsFirst): ScanRun<AnyRecord> {
    return scanRun(this.options(scanArguments(first, options)), { pool: this.open() });
  }

  scanFiles(paths: (string | Uint8Array)[], options: FilesWithCounter): ScanRun<FileRecord>;
  scanFiles(paths: (string | Uint8Array)[], options: FilesWithCounters): ScanRun<MultiFileRecord>;
  scanFiles(paths: (string | Uint8Array)[], options: ScanFilesOptions): ScanRun<AnyRecord>;
  scanFiles(paths: (string | Uint8Array)[], options: ScanFilesOptions): ScanRun<AnyRecord> {
    return filesRun(paths, this.options(options, true), { pool: this.open() });
  }

  /**
   * Ends the threads. Runs still going (and runs made but not yet started) are stopped as
   * an abort stops them: they reject with a `DOMException` named `AbortError` ("the
   * ScanPool was closed") and their summary has `aborted: true`.
   */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      // Before the threads end: the runs see the abort before any task fails under them.
      this.closing.abort(new DOMException('the ScanPool was closed', 'AbortError'));
    }
    await this.pool.destroy();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private open(): ThreadPool {
    if (this.closed) throw Object.assign(new Error('this ScanPool is closed'), { code: 'ERR_INVALID_STATE' });
    return this.pool;
  }

  /** The options checked as the module's function checks them (`files`: `scanFiles()`'s, with `ordered`). */
  private options(options: ScanOptions & Pick<ScanFilesOptions, 'ordered'>, files = false) {
    const o = resolveOptions(options, files);
    if (o.queue)
      throw typeError(
        'queue runs scan on charcount worker processes, not on a ScanPool: use scan({ queue })',
        'ERR_INVALID_ARG_VALUE',
      );
    const closing = this.closing.signal;
    return { ...o, threads: this.pool.threads, signal: o.signal ? AbortSignal.any([o.signal, closing]) : closing };
  }
}
