/**
 * pool: a reusable set of scanning threads for programs that scan many times. Each
 * `scan()` otherwise starts threads of its own (tens of milliseconds each) and ends them.
 */
import { availableParallelism } from 'node:os';
import type { AnyRecord, FileRecord, MultiFileRecord } from '../core/types.js';
import { checkInteger, checkOptions } from '../core/validate.js';
import { ThreadPool } from '../dispatch/local.js';
import { resolveOptions, type ScanOptions } from './options.js';
import { filesRun, scanRun, type ScanRun, type WithCounter, type WithCounters } from './scan.js';

export interface ScanPoolOptions {
  /**
   * Scanning threads, shared by every run of the pool.
   * @default os.availableParallelism()
   */
  threads?: number;
}

/**
 * Threads kept between runs: `scan()` and `scanFiles()` as the module's functions, on
 * this pool's threads (the `threads` option of a run is ignored). Threads start as the
 * first runs need them and live until `close()`, which a program must call (or use
 * `await using pool = new ScanPool()` in TypeScript, or in JavaScript on Node.js 24 and later:
 * Node.js 20 and 22 do not parse it): live threads keep the process running.
 */
export class ScanPool {
  private readonly pool: ThreadPool;
  private closed = false;

  constructor(options?: ScanPoolOptions) {
    options = checkOptions(options);
    const threads =
      options.threads === undefined ? availableParallelism() : checkInteger('threads', options.threads, 1, 1024);
    this.pool = new ThreadPool(threads);
  }

  /** Scanning threads of the pool. */
  get threads(): number {
    return this.pool.threads;
  }

  scan(options: WithCounter): ScanRun<FileRecord>;
  scan(options: WithCounters): ScanRun<MultiFileRecord>;
  scan(options: ScanOptions): ScanRun<AnyRecord>;
  scan(options: ScanOptions): ScanRun<AnyRecord> {
    return scanRun(this.options(options), { pool: this.open() });
  }

  scanFiles(paths: (string | Uint8Array)[], options: Omit<WithCounter, 'patterns'>): ScanRun<FileRecord>;
  scanFiles(paths: (string | Uint8Array)[], options: Omit<WithCounters, 'patterns'>): ScanRun<MultiFileRecord>;
  scanFiles(paths: (string | Uint8Array)[], options: Omit<ScanOptions, 'patterns'>): ScanRun<AnyRecord>;
  scanFiles(paths: (string | Uint8Array)[], options: Omit<ScanOptions, 'patterns'>): ScanRun<AnyRecord> {
    return filesRun(paths, this.options(options), { pool: this.open() });
  }

  /** Ends the threads (runs still going are stopped). */
  async close(): Promise<void> {
    this.closed = true;
    await this.pool.destroy();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private open(): ThreadPool {
    if (this.closed) throw new Error('this ScanPool is closed');
    return this.pool;
  }

  private options(options: ScanOptions) {
    const o = resolveOptions(options);
    if (o.queue)
      throw new TypeError('queue runs scan on charcount worker processes, not on a ScanPool: use scan({ queue })');
    return { ...o, threads: this.pool.threads };
  }
}
