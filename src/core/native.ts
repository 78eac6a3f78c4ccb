/**
 * Loads the platform's prebuilt native core and describes its exports.
 *
 * The binary is named by napi-rs's convention (`charcount.<platform>-<arch>[-<abi>].node`)
 * and lives in the package's `native/` folder. Loading it here, on whichever thread
 * imports the library first, also keeps it resident for the whole process: an addon
 * loaded only by worker threads could otherwise be unloaded when the last one exits.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** Result of one evaluation (contract §1); `occurrences`/`segments` only for full scans. */
export type NativeEvaluation = CounterResult;

export interface NativeReadOptions {
  /** Count occurrences and segments: reads whole files. */
  full?: boolean;
  /** Scan files whose first chunk holds a NUL byte instead of skipping them. */
  scanBinary?: boolean;
  /** Follow a path that is a symbolic link (otherwise it is skipped). */
  follow?: boolean;
  /** Skip files larger than this many bytes. */
  maxFilesize?: number;
  /** Read size in bytes (default 256 KiB). */
  chunkSize?: number;
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
  evaluate(counter: NativeCounter, input: string | Uint8Array, full: boolean): NativeEvaluation;
  /** The seed's char-by-char loop (valid UTF-8 only): the kernel benchmark's baseline. */
  seedHasCount(counter: NativeCounter, input: string | Uint8Array): boolean;
  createScanner(counter: NativeCounter, full: boolean): NativeScanner;
  /** Returns true once the answer can no longer change. */
  scannerFeed(scanner: NativeScanner, chunk: string | Uint8Array): boolean;
  scannerFinish(scanner: NativeScanner): NativeEvaluation;
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

/** napi-rs's platform suffix for this process, e.g. `linux-x64-gnu`. */
export function platformTriple(): string {
  const { platform, arch } = process;
  if (platform === 'linux') {
    // `process.report` is the reliable glibc test, but it costs milliseconds: ask it only
    // when both builds are present.
    const have = (abi: string) => existsSync(join(nativeDir(), `charcount.linux-${arch}-${abi}.node`));
    if (have('gnu') !== have('musl')) return `linux-${arch}-${have('gnu') ? 'gnu' : 'musl'}`;
    const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
    return `linux-${arch}-${header?.glibcVersionRuntime ? 'gnu' : 'musl'}`;
  }
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

/** The package's `native/` folder, from `src/` or from the compiled `dist/src/`. */
function nativeDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'native');
    dir = dirname(dir);
  }
  throw new Error('charcount: cannot find its package folder to load the native core from');
}

/** Loads `charcount.<triple>.node` from `dir`, or says in one sentence why it cannot. */
export function loadNative(dir: string = nativeDir(), triple: string = platformTriple()): NativeBinding {
  const file = join(dir, `charcount.${triple}.node`);
  if (!existsSync(file)) {
    const found = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.node')) : [];
    throw new Error(
      `charcount has no native core for this platform (${triple}): expected ${file}` +
        (found.length ? `, found only ${found.join(', ')}` : '') +
        "; build it from a source checkout with `npm install` (needs Rust's cargo).",
    );
  }
  return createRequire(import.meta.url)(file) as NativeBinding;
}

export const native: NativeBinding = loadNative();
