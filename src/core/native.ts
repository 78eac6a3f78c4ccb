/**
 * Finds and loads the native core, and describes its exports (contract §6.2).
 *
 * The binary is named by napi-rs's convention, `charcount.<triple>.node` with napi-rs's
 * platform triple (`linux-x64-gnu`, `darwin-arm64`, …), and is looked for as napi-rs's
 * generated loaders look for theirs:
 * 1. a local build, `native/charcount.<triple>.node` in the package folder (a source
 *    checkout after `npm run build:native`). It comes first so that a fresh build is
 *    never shadowed by a published binary that `npm install` put in node_modules;
 * 2. the platform package `@charcount/<triple>`, one of the package's
 *    optionalDependencies: npm installs the one whose `os`, `cpu` and `libc` fit. It must
 *    be of charcount's own version (the batch format between them is not versioned).
 *
 * Loading it here, on whichever thread imports the library first, also keeps it resident
 * for the whole process: an addon loaded only by worker threads could otherwise be
 * unloaded when the last one exits.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

/**
 * Result of one evaluation (contract §1); `occurrences`/`segments` only for full scans;
 * with `maxHits`, every hit as (offset, line) pairs and whether the list was cut.
 */
export interface NativeEvaluation extends Omit<CounterResult, 'hits' | 'hitsTruncated'> {
  hits?: Float64Array;
  hitsTruncated?: boolean;
}

export interface NativeReadOptions {
  /** Count occurrences and segments: reads whole files. */
  full?: boolean;
  /**
   * List every hit (one per segment that reaches the threshold), at most this many per
   * file and counter: evaluations get `hits` and `hitsTruncated`, batches `hits`.
   */
  maxHits?: number;
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
  /** With `maxHits` (1 to 2^53 - 1) the evaluation lists every hit, at most that many. */
  evaluate(counter: NativeCounter, input: string | Uint8Array, full: boolean, maxHits?: number): NativeEvaluation;
  /** The seed's char-by-char loop (valid UTF-8 only): the kernel benchmark's baseline. */
  seedHasCount(counter: NativeCounter, input: string | Uint8Array): boolean;
  createScanner(counter: NativeCounter, full: boolean, maxHits?: number): NativeScanner;
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

/** The npm scope of the platform packages: `@charcount/linux-x64-gnu`, `@charcount/darwin-arm64`, … */
export const PLATFORM_SCOPE = '@charcount';

/** What the loader needs to know of the process it runs in. */
export interface Host {
  platform: NodeJS.Platform;
  arch: string;
  /** Linux only: whether the C library is musl rather than glibc. */
  isMusl: () => boolean;
}

/**
 * Whether this Linux runs on musl (Alpine) rather than glibc, tested as napi-rs's
 * loaders do: `ldd` names its C library (one small file read); without it, Node's
 * diagnostic report (milliseconds) names the glibc it runs on, if any.
 */
function isMusl(): boolean {
  try {
    return readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
  } catch {
    const report = process.report as NodeJS.ProcessReport & { excludeNetwork?: boolean };
    const excludeNetwork = report.excludeNetwork;
    report.excludeNetwork = true; // no reverse DNS of open sockets
    try {
      return !(report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
    } finally {
      report.excludeNetwork = excludeNetwork;
    }
  }
}

const thisHost: Host = { platform: process.platform, arch: process.arch, isMusl };

/**
 * napi-rs's platform triple for a host: `linux-x64-gnu`, `linux-arm64-musl`,
 * `linux-arm-gnueabihf`, `darwin-arm64`, `win32-x64-msvc`, `freebsd-x64`, …
 */
export function platformTriple(host: Host = thisHost): string {
  const { platform, arch } = host;
  switch (platform) {
    case 'linux': {
      const musl = host.isMusl();
      return arch === 'arm'
        ? `linux-arm-${musl ? 'musleabihf' : 'gnueabihf'}`
        : `linux-${arch}-${musl ? 'musl' : 'gnu'}`;
    }
    case 'win32':
      return `win32-${arch}-msvc`;
    case 'android':
      return arch === 'arm' ? 'android-arm-eabi' : `android-${arch}`;
    default:
      return `${platform}-${arch}`;
  }
}

/** The package's folder (it holds package.json), from `src/` or from the compiled `dist/src/`. */
function packageFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('charcount: cannot find its package folder to load the native core from');
}

/** Where the native core was loaded from. */
export interface NativeOrigin {
  /** `local`: a build in the package's `native/` folder; `package`: a platform package. */
  kind: 'local' | 'package';
  /** The `.node` file. */
  file: string;
}

export interface LoadOptions {
  /** The package folder: local builds are in its `native/`, platform packages are resolved from it. */
  packageDir?: string;
  /** The platform triple to load the binary of (default: this process's). */
  triple?: string;
}

interface Manifest {
  version?: string;
  main?: string;
  optionalDependencies?: Record<string, string>;
}

const readManifest = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Manifest;

/** An error's message on one line (a loader's message may quote a multi-line stderr). */
const oneLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');

/** Other binaries that are there: local builds and platform packages for other platforms. */
function othersFound(dir: string, require: NodeJS.Require, local: string, name: string): string[] {
  const found = new Set<string>();
  const nativeDir = join(dir, 'native');
  if (existsSync(nativeDir)) {
    for (const f of readdirSync(nativeDir)) if (f.endsWith('.node') && f !== local) found.add(`native/${f}`);
  }
  for (const modules of require.resolve.paths(name) ?? []) {
    const scope = join(modules, PLATFORM_SCOPE);
    if (existsSync(scope)) for (const p of readdirSync(scope)) found.add(`${PLATFORM_SCOPE}/${p}`);
  }
  found.delete(name);
  return [...found].sort();
}

/**
 * Loads the native core for `triple`: the local build, else the platform package (see
 * the top of this file); or says in one sentence what it looked for, what it found
 * instead, and how to get the right one.
 */
export function loadNative(options: LoadOptions = {}): { binding: NativeBinding; origin: NativeOrigin } {
  const dir = options.packageDir ?? packageFolder();
  const triple = options.triple ?? platformTriple();
  const require = createRequire(join(dir, 'package.json'));
  const problems: string[] = [];
  let cause: unknown;
  const load = (file: string, what: string) => {
    try {
      return require(file) as NativeBinding;
    } catch (e) {
      problems.push(`${what} did not load (${oneLine(e)})`);
      cause ??= e;
      return undefined;
    }
  };

  const binary = `charcount.${triple}.node`;
  const local = join(dir, 'native', binary);
  if (existsSync(local)) {
    const binding = load(local, `native/${binary}`);
    if (binding) return { binding, origin: { kind: 'local', file: local } };
  }

  const name = `${PLATFORM_SCOPE}/${triple}`;
  const ours = readManifest(join(dir, 'package.json'));
  let manifest: string | undefined;
  try {
    manifest = require.resolve(`${name}/package.json`);
  } catch {
    // not installed
  }
  if (manifest) {
    const pkg = readManifest(manifest);
    if (pkg.version !== ours.version) {
      problems.push(`${name} is version ${pkg.version}, and charcount ${ours.version} needs its own version`);
    } else {
      const file = join(dirname(manifest), pkg.main ?? binary);
      const binding = load(file, name);
      if (binding) return { binding, origin: { kind: 'package', file } };
    }
  }

  if (!problems.length) {
    const others = othersFound(dir, require, binary, name);
    problems.push(
      `no local build (native/${binary}) and no package ${name}` +
        (others.length ? `, found only ${others.join(', ')}` : ''),
    );
  }
  const remedy = ours.optionalDependencies?.[name]
    ? `install ${name}@${ours.version} (npm installs it with charcount unless optional dependencies are left out), ` +
      "or build the core from a source checkout with `npm install` (needs Rust's cargo)"
    : `charcount publishes no binary for ${triple}: build it from a source checkout with \`npm install\` (needs Rust's cargo)`;
  throw new Error(`charcount has no native core for this platform (${triple}): ${problems.join('; ')}; ${remedy}.`, {
    cause,
  });
}

/**
 * The core every count goes through, loaded once per thread. Only the native core
 * exists: where none loads, importing charcount fails with `loadNative`'s sentence.
 * (This is the one place where a portable back end would take over instead.)
 */
const loaded = loadNative();
export const native: NativeBinding = loaded.binding;
/** Where `native` was loaded from. */
export const nativeOrigin: NativeOrigin = loaded.origin;
