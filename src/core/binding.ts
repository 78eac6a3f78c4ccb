/**
 * The interface of the scanning core: what the native addon exports (native/src/binding.rs
 * documents each export), and what the portable back end (core/portable/) implements with
 * the same answers. Types only; core/native.ts loads one of the two.
 */
import type { NativeBatch, NativeError } from './codec.js';
import type { CounterResult, KernelName } from './types.js';

/** Opaque handle to a native counter configuration. */
export interface NativeCounter {
  readonly __brand: 'NativeCounter';
}

/** Opaque handle to a native streaming scanner. */
export interface NativeScanner {
  readonly __brand: 'NativeScanner';
}

/**
 * Result of one evaluation (contract §1); `occurrences`/`segments` only for full scans;
 * with `maxHits`, every hit as (offset, line) pairs and whether the list was cut; with
 * `histogram`, (k, segments holding exactly k) pairs by increasing k.
 */
export interface NativeEvaluation extends Omit<CounterResult, 'hits' | 'hitsTruncated' | 'histogram'> {
  hits?: Float64Array;
  hitsTruncated?: boolean;
  histogram?: Float64Array;
}

export interface NativeReadOptions {
  /** Count occurrences and segments: reads whole files. */
  full?: boolean;
  /**
   * List every hit (one per segment that reaches the threshold), at most this many per
   * file and counter: evaluations get `hits` and `hitsTruncated`, batches `hits`.
   */
  maxHits?: number;
  /**
   * Count segments per count held (contract §1.6): full scans whose evaluations get
   * `histogram`, batches `histograms`. Not with `maxHits`.
   */
  histogram?: boolean;
  /** Scan files whose first chunk holds a NUL byte instead of skipping them. */
  scanBinary?: boolean;
  /** Follow a path that is a symbolic link (otherwise it is skipped). */
  follow?: boolean;
  /** Skip files larger than this many bytes. */
  maxFilesize?: number;
  /** Read size in bytes (default 256 KiB). */
  chunkSize?: number;
  /**
   * The encoding of files without a byte-order mark: `'utf-8'` (the default), `'utf-16le'`
   * or `'utf-16be'`; others throw a RangeError (they are decoded in JavaScript).
   */
  encoding?: string;
  /** A byte-order mark decides the encoding and is not counted (default true). */
  bomSniff?: boolean;
  /** Read files without counting (the benchmark's read-everything baseline). @internal */
  readOnly?: boolean;
  /** Directory that relative paths are read from (default: the process's). */
  cwd?: string;
  /**
   * Per path, what discovery knows of it: bit 0 (`HINT_REGULAR`) the walker saw a
   * regular file, so it is opened first (one path lookup); bit 1 (`HINT_FOLLOW`) follow
   * it if it is a link, as for a link the user named.
   */
  hints?: Uint8Array;
  /** Stop the batch after the file that brings the bytes read to this budget. */
  budgetBytes?: number;
  /** Stop the batch after the file that brings the hits listed to this budget. */
  budgetHits?: number;
  /** Stop the batch before it would read more than this: a larger file is left unread (no result). */
  stopAtBytes?: number;
  /**
   * Element 0 non-zero stops the batch before the next file or chunk (the file being read
   * is left out of the result). Shared with the thread that cancels.
   */
  cancel?: Int32Array;
}

/** One file's record as the native reader returns it. */
export interface NativeFileRecord {
  path: string;
  bytes: number;
  /** One entry per counter, in order; absent when skipped or failed. */
  counters?: NativeEvaluation[];
  skipped?: 'binary' | 'too-large' | 'symlink' | 'fifo' | 'socket' | 'device';
  error?: Omit<NativeError, 'index'>;
}

/** How a native walk selects files (native/src/binding.rs documents each member). */
export interface WalkOptions {
  /** Apply ignore files, as ripgrep. @default true */
  ignoreFiles?: boolean;
  /** ripgrep's `-g` globs, in order: `glob` includes, `!glob` excludes. */
  globs?: string[];
  /** `--iglob`: the same, case-insensitive, after `globs`. */
  iglobs?: string[];
  /** `-t`/`-T` file types as globs on a file's name: `glob` selects, `!glob` excludes. */
  types?: string[];
  /** 1 = the root's own entries, 0 = nothing. */
  maxDepth?: number;
  /** The working directory `display` is relative to; globs are relative to it. @default root */
  cwd?: string;
  /** Only regular files (through followed links): what a scan reads (`--files`). */
  filesOnly?: boolean;
  /** Leave out files larger than this (with `filesOnly`). */
  maxFilesize?: number;
}

/** Opaque handle to a native directory walk. */
export interface NativeWalker {
  readonly __brand: 'NativeWalker';
}

export interface NativeBinding {
  /** Kernels this CPU can run, fastest first. */
  kernels(): KernelName[];
  /** `reset`: 0 newlines, 1 spaces, 2 none. Throws TypeError/RangeError on bad input. */
  createCounter(what: string, min: number, reset: number, kernel?: KernelName): NativeCounter;
  hasCount(counter: NativeCounter, input: string | Uint8Array): boolean;
  /**
   * With `maxHits` (1 to 2^53 - 1) the evaluation lists every hit, at most that many; with
   * `histogram` (not with `maxHits`) it is a full scan with the histogram.
   */
  evaluate(
    counter: NativeCounter,
    input: string | Uint8Array,
    full: boolean,
    maxHits?: number,
    histogram?: boolean,
  ): NativeEvaluation;
  /** The seed's char-by-char loop (valid UTF-8 only): the kernel benchmark's baseline. */
  seedHasCount(counter: NativeCounter, input: string | Uint8Array): boolean;
  createScanner(counter: NativeCounter, full: boolean, maxHits?: number, histogram?: boolean): NativeScanner;
  /** Returns true once the answer can no longer change. */
  scannerFeed(scanner: NativeScanner, chunk: string | Uint8Array): boolean;
  /**
   * The answer so far. `asciiWidth`: bytes an ASCII character takes in what was fed (1,
   * unless it was transcoded with padded units), for a histogram's last segment.
   */
  scannerFinish(scanner: NativeScanner, asciiWidth?: number): NativeEvaluation;
  /**
   * Reads and counts a batch of files in one call: one record per path, in order, or a
   * prefix of them when `budgetBytes` ends the batch early.
   */
  scanFiles(paths: string[], counters: NativeCounter[], options?: NativeReadOptions): NativeFileRecord[];
  /**
   * A depth-first walk of `root` whose paths are reported under `display` ('' for the
   * current directory). Hidden entries are left out unless `hidden`. `regular` marks
   * what `readdir` reported as a regular file.
   */
  createWalker(display: string, root: string, hidden: boolean, follow: boolean, options?: WalkOptions): NativeWalker;
  /**
   * The walk's next `max` files or failures: `files` holds the files' paths separated
   * by NUL, `regular[i]` is 1 where `readdir` said file i is a regular file.
   */
  walkNext(
    walker: NativeWalker,
    max: number,
  ): { files: string; regular: Uint8Array; errors: (Omit<NativeError, 'index'> & { path: string })[]; done: boolean };
  /**
   * `scanFiles` in a compact form for crossing threads (see `NativeBatch` in codec.ts);
   * `paths` may also be one string of NUL-separated paths.
   */
  scanBatch(paths: string | string[], counters: NativeCounter[], options?: NativeReadOptions): NativeBatch;
}
