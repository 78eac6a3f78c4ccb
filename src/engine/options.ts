/**
 * `scan()` options: their types, defaults and checks. Every check names the option and
 * the value given, with `TypeError` for the wrong kind and `RangeError` out of range.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Counter, DEFAULT_MAX_HITS } from '../scan/counter.js';
import { checkEncoding } from '../scan/decode.js';
import { backend } from '../backends/select.js';
import { pathFromText } from '../core/path-bytes.js';
import type { Progress, Shard } from '../core/types.js';
import { checkBoolean, checkInteger, checkRedisUrl, show } from '../core/validate.js';
import { typeGlobs, typeTable } from './file-types.js';
import type { DiscoverOptions } from './discover.js';
import { queryOf, type Query } from './query.js';
import { TASK_FILES } from './sizing.js';
import { checkShard } from './shard.js';

export interface ScanOptions {
  /**
   * Globs, files or directories (directories are searched recursively).
   * @default ['.']
   */
  patterns?: string | string[];
  /**
   * Directory the patterns are relative to.
   * @default process.cwd()
   */
  cwd?: string;
  /** The counter to answer, or… */
  counter?: Counter;
  /** …several, answered from one read of each file. */
  counters?: Counter[];
  /**
   * Worker threads.
   * @default os.availableParallelism()
   */
  threads?: number;
  /**
   * Apply ignore files as ripgrep does: `.gitignore` (inside a git repository, its parents'
   * too), `.git/info/exclude`, git's global excludes file, and `.ignore` / `.rgignore`
   * anywhere. `false` is `--no-ignore`.
   * @default true
   */
  ignoreFiles?: boolean;
  /**
   * ripgrep's `-g` globs, in order: `'glob'` includes (then files no include matches are
   * left out), `'!glob'` excludes; the last match wins. A glob without `/` matches a name
   * at any depth, one with `/` a path from the searched directory. A glob match overrides
   * ignore files and the hidden rule.
   */
  globs?: string | string[];
  /** `globs`, case-insensitive (ripgrep's `--iglob`); they come after `globs`. */
  iglobs?: string | string[];
  /** Globs to leave out, as `globs` would with a `!` before each (`--ignore`). */
  ignore?: string | string[];
  /**
   * File types (ripgrep's `-t`): `'name'` selects a type, `'!name'` excludes it (`-T`);
   * the last one matching a file's name wins. `'all'` is every type.
   */
  types?: string | string[];
  /** Types to define or extend, as `{ name: [globs] }` (ripgrep's `--type-add`). */
  typeDefinitions?: Record<string, string[]>;
  /** How deep to walk: 1 = a directory's own entries, 0 = only files named explicitly. */
  maxDepth?: number;
  /**
   * Include dotfiles and dot-directories.
   * @default false
   */
  hidden?: boolean;
  /**
   * Follow symbolic links (loops are detected and reported).
   * @default false
   */
  follow?: boolean;
  /**
   * Skip files larger than this many bytes. With `searchZip`, a compressed file is skipped
   * once its decompressed stream passes it.
   */
  maxFilesize?: number;
  /**
   * Files with a NUL byte in their first chunk: `'skip'` them or `'scan'` them.
   * @default 'skip'
   */
  binary?: 'skip' | 'scan';
  /**
   * The encoding of files without a byte-order mark: a label of the WHATWG Encoding
   * Standard (`'utf-16le'`, `'latin1'`, `'windows-1251'`, `'shift_jis'`, `'gbk'`…), or
   * `'none'`: bytes as they are, no mark sniffed. Offsets stay byte offsets in the file.
   * @default 'auto' (UTF-8; a UTF-8 or UTF-16 byte-order mark decides)
   */
  encoding?: string;
  /**
   * A byte-order mark at the start of a file decides its encoding, whatever `encoding`
   * says: UTF-16LE/BE files are decoded, and the mark is not counted.
   * @default true
   */
  encodingSniff?: boolean;
  /**
   * Decompress files whose names say they are compressed (`.gz`, `.br`, `.xz`, `.bz2`,
   * `.zst`, `.lz4`, `.Z`…: the table in scan/compression.ts; the ones read by a program need
   * it installed) and count their content; offsets are then in the decompressed stream.
   * @default false
   */
  searchZip?: boolean;
  /**
   * Count occurrences and segments: reads every file to its end.
   * @default false
   */
  fullScan?: boolean;
  /**
   * List every hit: the record of each scanned file carries `hits`, where each segment
   * (line, word, or the whole file) reaches the threshold, in file order. Files are read to
   * their end (or until they have more than `maxHits`).
   * @default false
   */
  allHits?: boolean;
  /**
   * With `allHits`: the most hits listed per file and counter. A file with more lists the
   * first `maxHits` and has `hitsTruncated: true`; without `fullScan` it is read no further.
   * What a run holds in memory is bounded by it, whatever the files hold.
   * @default 10_000
   */
  maxHits?: number;
  /**
   * Count segments per count held: the record of each scanned file carries `histogram`
   * (`{ k: segments holding exactly k }`, contract §1.6) and the summary the run's sum.
   * Reads every file to its end and implies `fullScan`. Not with `allHits`.
   * @default false
   */
  histogram?: boolean;
  /**
   * Sort the final result's records by path (otherwise they come in completion order).
   * @default false
   */
  sort?: boolean;
  /**
   * Stops the run: workers are terminated, the iterator (or `result()`) rejects with the
   * signal's reason (an AbortError for `abort()`, a TimeoutError for `AbortSignal.timeout()`).
   */
  signal?: AbortSignal;
  /** Called at most every `progressIntervalMs` while the run goes, and once at the end. */
  onProgress?: (progress: Progress) => void;
  progressIntervalMs?: number;
  /**
   * Most files in one worker task.
   * @default 256
   */
  batchSize?: number;
  /**
   * Run the scan on `charcount worker` processes through BullMQ on this Redis server
   * (`redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS) instead of on
   * local threads. Discovery and the records stay here.
   */
  queue?: string;
  /** Scan only shard `index` of `count` (1-based): a fixed 1/count of the paths, by hash. */
  shard?: Shard;
  /** Told what a user should know while the run goes (e.g. no queue worker connected yet). */
  onWarning?: (message: string) => void;
}

/** The options that choose files (`listFiles()` takes only these). */
export type DiscoveryOptions = Pick<
  ScanOptions,
  | 'patterns'
  | 'cwd'
  | 'ignoreFiles'
  | 'globs'
  | 'iglobs'
  | 'ignore'
  | 'types'
  | 'typeDefinitions'
  | 'maxDepth'
  | 'hidden'
  | 'follow'
  | 'shard'
  | 'signal'
>;

export interface ResolvedDiscovery extends DiscoverOptions {
  shard: Shard | undefined;
  signal: AbortSignal | undefined;
}

/** `scanFiles()` options: those of `scan()` but `patterns`, and `ordered`. */
export interface ScanFilesOptions extends Omit<ScanOptions, 'patterns'> {
  /**
   * Records in the order of the list given, rather than as files finish: a record that
   * finishes early is held until those before it have come.
   * @default false
   */
  ordered?: boolean;
}

export interface ResolvedOptions extends ResolvedDiscovery {
  counters: Counter[];
  multi: boolean;
  threads: number;
  maxFilesize: number | undefined;
  scanBinary: boolean;
  /** The encoding of files without a mark (`'utf-8'` for `'auto'` and `'none'`). */
  encoding: string;
  bomSniff: boolean;
  searchZip: boolean;
  fullScan: boolean;
  allHits: boolean;
  /** With `allHits` only. */
  maxHits: number | undefined;
  histogram: boolean;
  sort: boolean;
  onProgress: ((p: Progress) => void) | undefined;
  progressIntervalMs: number;
  batchSize: number;
  queue: string | undefined;
  onWarning: ((message: string) => void) | undefined;
  ordered: boolean;
  /** What the run answers (query.ts); with several counters, none (a query names one). */
  query: Query | undefined;
}

function stringList(name: string, value: unknown, fallback: string[]): string[] {
  if (value === undefined) return fallback;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((p) => typeof p === 'string' && p !== '')) {
    throw new TypeError(`${name} must be a non-empty string or an array of them, got ${show(value)}`);
  }
  return list;
}

function resolveTypes(o: DiscoveryOptions): string[] {
  const defs = o.typeDefinitions;
  if (
    defs !== undefined &&
    (typeof defs !== 'object' ||
      defs === null ||
      !Object.values(defs).every((g) => Array.isArray(g) && g.every((x) => typeof x === 'string' && x !== '')))
  ) {
    throw new TypeError(`typeDefinitions must be an object of non-empty glob arrays, got ${show(defs)}`);
  }
  const selections = stringList('types', o.types, []);
  if (selections.length === 0) return [];
  try {
    return typeGlobs(selections, typeTable(defs));
  } catch (e) {
    throw new RangeError(`types: ${(e as Error).message}`);
  }
}

/** The options that choose files, checked and defaulted. */
export function resolveDiscovery(o: DiscoveryOptions): ResolvedDiscovery {
  if (typeof o !== 'object' || o === null) throw new TypeError(`options must be an object, got ${show(o)}`);
  if (o.cwd !== undefined && (typeof o.cwd !== 'string' || o.cwd === '')) {
    throw new TypeError(`cwd must be a non-empty string, got ${show(o.cwd)}`);
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new TypeError(`signal must be an AbortSignal, got ${show(o.signal)}`);
  }
  const flag = (name: 'hidden' | 'follow') => (o[name] === undefined ? false : checkBoolean(name, o[name]));
  const resolved: ResolvedDiscovery = {
    backend: backend(),
    // A lone surrogate in a caller's string is U+FFFD, as Node opens it (path-bytes.ts).
    patterns: stringList('patterns', o.patterns, ['.']).map(pathFromText),
    cwd: resolve(pathFromText(o.cwd ?? process.cwd())),
    ignoreFiles: o.ignoreFiles === undefined ? true : checkBoolean('ignoreFiles', o.ignoreFiles),
    // `ignore` excludes after every other glob, so that what it names stays out.
    globs: [...stringList('globs', o.globs, []), ...stringList('ignore', o.ignore, []).map((g) => `!${g}`)],
    iglobs: stringList('iglobs', o.iglobs, []),
    typeGlobs: resolveTypes(o),
    maxDepth: o.maxDepth === undefined ? undefined : checkInteger('maxDepth', o.maxDepth),
    hidden: flag('hidden'),
    follow: flag('follow'),
    shard: o.shard === undefined ? undefined : checkShard(o.shard),
    signal: o.signal,
  };
  // The walker compiles the globs when it is made (it reads nothing then): a glob that does
  // not parse is a RangeError now, not a failure midway through a run.
  try {
    resolved.backend.createWalker('', resolved.cwd, false, false, {
      globs: resolved.globs,
      iglobs: resolved.iglobs,
      types: resolved.typeGlobs,
    });
  } catch (e) {
    throw new RangeError((e as Error).message.replace(/^options\./, ''));
  }
  return resolved;
}

/**
 * Every option checked and defaulted, in one place. `ordered` is for a list of files
 * (`files`): a search has no order of the caller's to keep.
 */
export function resolveOptions(o: ScanOptions & Pick<ScanFilesOptions, 'ordered'>, files = false): ResolvedOptions {
  if (typeof o !== 'object' || o === null) throw new TypeError(`options must be an object, got ${show(o)}`);
  if (!files && o.ordered !== undefined) {
    throw new TypeError(
      'ordered is an option of scanFiles(): scan() reports files as they finish (sort: true sorts its result by path)',
    );
  }
  if ((o.counter === undefined) === (o.counters === undefined)) {
    throw new TypeError('options must have exactly one of counter or counters');
  }
  const counters = o.counter !== undefined ? [o.counter] : o.counters;
  if (!Array.isArray(counters) || counters.length === 0 || !counters.every((c) => c instanceof Counter)) {
    throw new TypeError(
      `${o.counter !== undefined ? 'counter must be a Counter' : 'counters must be a non-empty array of Counters'}, got ${show(o.counter ?? o.counters)}`,
    );
  }
  if (o.binary !== undefined && o.binary !== 'skip' && o.binary !== 'scan') {
    throw new RangeError(`binary must be 'skip' or 'scan', got ${show(o.binary)}`);
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw new TypeError(`onProgress must be a function, got ${show(o.onProgress)}`);
  }
  if (o.onWarning !== undefined && typeof o.onWarning !== 'function') {
    throw new TypeError(`onWarning must be a function, got ${show(o.onWarning)}`);
  }
  const flag = (name: keyof ScanOptions) => (o[name] === undefined ? false : checkBoolean(name, o[name]));
  const allHits = flag('allHits');
  if (o.maxHits !== undefined && !allHits) {
    throw new TypeError(`maxHits needs allHits: true, got maxHits ${show(o.maxHits)} without it`);
  }
  const histogram = flag('histogram');
  if (histogram && allHits) throw new TypeError('histogram cannot be combined with allHits: true');
  const encoding = o.encoding === undefined ? 'utf-8' : checkEncoding('encoding', o.encoding);
  const maxHits = !allHits
    ? undefined
    : o.maxHits === undefined
      ? DEFAULT_MAX_HITS
      : checkInteger('maxHits', o.maxHits, 1);
  const fullScan = flag('fullScan');
  const encodingSniff = o.encodingSniff === undefined || checkBoolean('encodingSniff', o.encodingSniff);
  const searchZip = flag('searchZip');
  return {
    ...resolveDiscovery(o),
    counters,
    multi: o.counters !== undefined,
    threads: o.threads === undefined ? availableParallelism() : checkInteger('threads', o.threads, 1, 1024),
    maxFilesize: o.maxFilesize === undefined ? undefined : checkInteger('maxFilesize', o.maxFilesize),
    scanBinary: o.binary === 'scan',
    encoding: encoding === 'none' ? 'utf-8' : encoding,
    bomSniff: encoding !== 'none' && encodingSniff,
    searchZip,
    fullScan: fullScan || histogram,
    allHits,
    maxHits,
    histogram,
    sort: flag('sort'),
    onProgress: o.onProgress,
    progressIntervalMs:
      o.progressIntervalMs === undefined ? 100 : checkInteger('progressIntervalMs', o.progressIntervalMs),
    batchSize: o.batchSize === undefined ? TASK_FILES : checkInteger('batchSize', o.batchSize, 1, 1_000_000),
    queue: o.queue === undefined ? undefined : checkRedisUrl('queue', o.queue),
    onWarning: o.onWarning,
    ordered: o.ordered === undefined ? false : checkBoolean('ordered', o.ordered),
    query:
      counters.length === 1
        ? queryOf(counters[0]!, { count: fullScan, maxHits, histogram, encoding, encodingSniff, searchZip })
        : undefined,
  };
}
