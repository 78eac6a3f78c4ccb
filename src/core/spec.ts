/**
 * spec: one run, described once. `ScanSettings` declares every option of a run (but its
 * counters) with its default; `CounterSpec`, `ReadRules` and `RunSpec` are what a run hands
 * to the threads and machines that scan (plain data), derived from it.
 */
import type { Progress, Shard } from './types.js';
import { optionKeys } from './validate.js';

/**
 * How a run goes, every option but its counters — declared here once, with its default:
 * `scan()`'s options (engine/options.ts adds the counters and checks them all), and the
 * source of every shape a run's settings take further down (`ReadRules`, the query).
 */
export interface ScanSettings {
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
   * With `ignoreFiles`, apply the version-control ones too: `.gitignore`,
   * `.git/info/exclude` and git's global excludes file. `false` is `--no-ignore-vcs`
   * (`.ignore` and `.rgignore` still apply).
   * @default true
   */
  vcsIgnoreFiles?: boolean;
  /**
   * More ignore files, in gitignore's format (ripgrep's `--ignore-file`), relative to `cwd`;
   * later ones take precedence, and all of them less than any other ignore file. They
   * apply with `ignoreFiles: false` too; their rules with a `/` are relative to `cwd`, as
   * ripgrep applies them. One that cannot be read is a `RangeError`.
   * @default []
   */
  extraIgnoreFiles?: string | string[];
  /**
   * ripgrep's `-g` globs, in order: `'glob'` includes (then files no include matches are
   * left out), `'!glob'` excludes; the last match wins. A glob without `/` matches a name
   * at any depth, one with `/` a path relative to `cwd`, as in ripgrep. A glob match
   * overrides ignore files and the hidden rule.
   */
  globs?: string | string[];
  /** `globs`, case-insensitive (ripgrep's `--iglob`); they come after `globs`. */
  iglobs?: string | string[];
  /** Globs to leave out, as `globs` would with a `!` before each, after every other glob (`--exclude`). */
  exclude?: string | string[];
  /** @deprecated The old name of `exclude`. */
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
  /**
   * Told what a user should know while the run goes (e.g. no queue worker connected yet;
   * once, each line of an ignore file that is not a glob, in ripgrep's words: contract §2.2).
   */
  onWarning?: (message: string) => void;
}

/**
 * Every option of `ScanSettings` by name, at run time: the list an options object's keys are
 * checked against (an unknown key is refused). The compiler keeps it equal to the interface.
 */
export const SCAN_SETTINGS = optionKeys<ScanSettings>({
  patterns: 0,
  cwd: 0,
  threads: 0,
  ignoreFiles: 0,
  vcsIgnoreFiles: 0,
  extraIgnoreFiles: 0,
  globs: 0,
  iglobs: 0,
  exclude: 0,
  ignore: 0,
  types: 0,
  typeDefinitions: 0,
  maxDepth: 0,
  hidden: 0,
  follow: 0,
  maxFilesize: 0,
  binary: 0,
  encoding: 0,
  encodingSniff: 0,
  searchZip: 0,
  fullScan: 0,
  allHits: 0,
  maxHits: 0,
  histogram: 0,
  sort: 0,
  signal: 0,
  onProgress: 0,
  progressIntervalMs: 0,
  batchSize: 0,
  queue: 0,
  shard: 0,
  onWarning: 0,
});

/** One counter, as plain data (handles cannot cross threads or machines). */
export interface CounterSpec {
  what: string;
  min: number;
  reset: number;
}

/** A setting as it is once resolved: present, and never `undefined`. */
type Defined<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };

/**
 * How files are read, the same for every task of a run: the settings above as the readers
 * take them (the native reader's options and the scan stage's are these, plus per-task
 * controls).
 */
export interface ReadRules
  extends
    Pick<ScanSettings, 'maxHits' | 'histogram' | 'maxFilesize'>,
    Defined<Pick<ScanSettings, 'follow' | 'searchZip'>> {
  /** Count occurrences and segments (`fullScan`, or implied by `histogram`): reads whole files. */
  full: boolean;
  /** `binary: 'scan'`: scan files whose first chunk holds a NUL byte instead of skipping them. */
  scanBinary: boolean;
  /** `encoding` as a WHATWG name (`'utf-8'` for `'auto'` and `'none'`). */
  encoding: string;
  /** A byte-order mark decides a file's encoding (`encodingSniff`, unless `encoding: 'none'`). */
  bomSniff: boolean;
  /** Read files without counting (the benchmark's read-everything baseline). @internal */
  readOnly?: boolean;
}

/** What every task of a run shares. */
export interface RunSpec {
  /** The directory paths are relative to. */
  cwd: string;
  counters: CounterSpec[];
  read: ReadRules;
}
