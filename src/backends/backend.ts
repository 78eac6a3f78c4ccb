/**
 * The back-end boundary: what the scan stage and discovery need of the core that counts,
 * reads and walks — counters, streaming scanners, batch scans, walks, kernels. Two back
 * ends implement it with the same answers: the native core (native.ts adapts the addon's
 * Node-API surface, binding.ts) and the portable one (portable/, TypeScript on Node's `fs`).
 * select.ts chooses one per process; types only here.
 *
 * Every argument has been checked once, in TypeScript, before it gets here: counters by
 * `Counter` (scan/counter.ts: `what` one Unicode scalar value, `min` an integer from 0 to
 * 2^53-1, `reset` 0, 1 or 2, `kernel` one of `kernels()`), scan modes by `Counter` and
 * `resolveOptions`, read and walk options by `resolveOptions` (engine/options.ts), which
 * also compiles the globs once with `createWalker`. A back end does not check them again;
 * a wrong argument is a defect of the caller. (The native addon keeps its own checks: it
 * is a foreign-function boundary.)
 */
import type { BackendName, Evaluation, KernelName, NativeBatch, NativeError } from '../core/types.js';

/** A counter as a back end built it (opaque: each back end's own kind). */
export interface CounterHandle {
  readonly __brand: 'CounterHandle';
}

/** A streaming scanner of one counter (opaque). */
export interface ScannerHandle {
  readonly __brand: 'ScannerHandle';
}

/** A directory walk in progress (opaque). */
export interface WalkerHandle {
  readonly __brand: 'WalkerHandle';
}

/** How files are read by `scanBatch` (the native reader's options; native/src/binding.rs documents each). */
export interface ReadOptions {
  /** Count occurrences and segments: reads whole files. */
  full?: boolean;
  /**
   * List every hit (one per segment that reaches the threshold), at most this many per
   * file and counter (1 to 2^53 - 1): evaluations get `hits` and `hitsTruncated`, batches `hits`.
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
   * or `'utf-16be'` (the others are decoded in JavaScript: scan/decoded.ts).
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

/** What an evaluation or a scanner finds: the read options that apply to one input. */
export type ScanMode = Required<Pick<ReadOptions, 'full'>> & Pick<ReadOptions, 'maxHits' | 'histogram'>;

/** How a walk selects files (native/src/binding.rs documents each member). */
export interface WalkOptions {
  /** Apply ignore files, as ripgrep. @default true */
  ignoreFiles?: boolean;
  /** With `ignoreFiles`, the version-control ones too: `.gitignore`, exclude files. @default true */
  vcsIgnoreFiles?: boolean;
  /** More ignore files (`--ignore-file`), lowest precedence first; they apply without `ignoreFiles` too. */
  extraIgnoreFiles?: string[];
  /** ripgrep's `-g` globs, in order: `glob` includes, `!glob` excludes. */
  globs?: string[];
  /** `--iglob`: the same, case-insensitive, after `globs`. */
  iglobs?: string[];
  /** `--exclude`: `!glob`s after `iglobs`, so that no glob brings back what they leave out. */
  excludes?: string[];
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

/** A line of an ignore file that is not a glob. */
export interface BadLine {
  /** The ignore file as the walk read it: absolute (an `--ignore-file` as given). */
  file: string;
  /** Its line number, from 1. */
  line: number;
  /** The line, less trailing whitespace. */
  glob: string;
  /** Why, in globset's words (`unclosed character class; missing ']'`). */
  message: string;
}

/** One step of a walk. */
export interface WalkStep {
  /** The files' paths, separated by NUL (`''` for none). */
  files: string;
  /** 1 where `readdir` said file i is a regular file. */
  regular: Uint8Array;
  /** Paths that could not be listed or followed. */
  errors: (Omit<NativeError, 'index'> & { path: string })[];
  /**
   * The lines of ignore files read in this step that are not globs (left out of the rules,
   * as ripgrep leaves them out, with a warning), in the order they were read.
   */
  badLines: BadLine[];
  /** True once the walk is over. */
  done: boolean;
}

export interface Backend {
  /** Which back end this is. */
  readonly name: BackendName;
  /** Kernels this CPU can run, fastest first. */
  kernels(): KernelName[];
  /** `reset`: 0 newlines, 1 spaces, 2 none; `kernel` one of `kernels()` (default the first). */
  createCounter(what: string, min: number, reset: number, kernel?: KernelName): CounterHandle;
  hasCount(counter: CounterHandle, input: string | Uint8Array): boolean;
  evaluate(counter: CounterHandle, input: string | Uint8Array, mode: ScanMode): Evaluation;
  createScanner(counter: CounterHandle, mode: ScanMode): ScannerHandle;
  /** Counts a chunk; returns true once the answer can no longer change. */
  scannerFeed(scanner: ScannerHandle, chunk: string | Uint8Array): boolean;
  /**
   * The answer so far. `asciiWidth`: bytes an ASCII character takes in what was fed (1
   * to 8; 1 unless it was transcoded with padded units), for a histogram's last segment.
   */
  scannerFinish(scanner: ScannerHandle, asciiWidth?: number): Evaluation;
  /**
   * Reads and counts a batch of files in one call (the compact form of codec/batch.ts):
   * one result per path, in order, or a prefix of them when a budget, `stopAtBytes` or
   * `cancel` ends the batch early. `paths`: a list, or one string of NUL-separated paths.
   */
  scanBatch(paths: string | string[], counters: CounterHandle[], options: ReadOptions): NativeBatch;
  /**
   * A depth-first walk of `root` whose paths are reported under `display` ('' for the
   * current directory). Hidden entries are left out unless `hidden`. A glob that does not
   * parse is a RangeError naming it (`options.globs[1] is not a valid glob …`).
   */
  createWalker(display: string, root: string, hidden: boolean, follow: boolean, options: WalkOptions): WalkerHandle;
  /** The walk's next `max` (1 to 10^6) files or failures. */
  walkNext(walker: WalkerHandle, max: number): WalkStep;
}

/** One file's result as `scanFiles` gives it. */
export interface FileResult {
  /** Absent when the paths were given as one NUL-separated string. */
  path?: string;
  bytes: number;
  /** One entry per counter, in order; absent when skipped or failed. */
  counters?: Evaluation[];
  skipped?: 'binary' | 'too-large' | 'symlink' | 'fifo' | 'socket' | 'device';
  error?: Omit<NativeError, 'index'>;
}

/**
 * What the tests and the benchmark use besides the `Backend`, obtained from the loader
 * (select.ts `testHooks()`), never by the library.
 */
export interface TestHooks {
  /** `scanBatch` with one record per file. */
  scanFiles: (paths: string | string[], counters: CounterHandle[], options?: ReadOptions) => FileResult[];
  /** The seed's char-by-char loop (valid UTF-8 only): the kernel benchmark's baseline. */
  seedHasCount: (counter: CounterHandle, input: string | Uint8Array) => boolean;
}
