/**
 * The shared vocabulary: what a counter answers, the records and summary of a run, and
 * the `--json` document. Types only, so every layer can import them and none imports
 * upward (contract §3).
 */
import type { SkipReason } from './wire-format.js';

export type { SkipReason };

/** Kernel back ends: the native core's, or `typescript`, the portable back end's counter. */
export type KernelName = 'avx512' | 'avx2' | 'sse2' | 'neon' | 'scalar' | 'typescript';

/**
 * The back end that counts and reads: `native` (the Rust core) or `portable` (TypeScript
 * on Node's \`fs\`, where no native core loads; the same answers, slower).
 */
export type BackendName = 'native' | 'portable';

/** The threshold is reached: where first (offsets in bytes of UTF-8, lines 1-based). */
export interface MatchedHit {
  matched: true;
  /** Byte offset of the character at which the threshold is first reached. */
  offset: number;
  /** 1 + the number of `\n` before `offset`. */
  line: number;
}

/** The threshold is not reached: no offset, no line. */
export interface UnmatchedHit {
  matched: false;
  offset: null;
  line: null;
}

/**
 * Where the threshold is first reached, or that it is not: `if (hit.matched)` makes
 * `offset` and `line` numbers.
 */
export type Hit = MatchedHit | UnmatchedHit;

/**
 * Where one segment (a line, a word, or the whole input) reaches the threshold: the
 * character at which it does, as `Hit` says it of the first.
 */
export interface SegmentHit {
  /** Byte offset of the character at which the segment reaches the threshold. */
  offset: number;
  /** 1 + the number of `\n` before `offset`. */
  line: number;
}

/**
 * Segments per count held: `histogram[k]` segments (lines, words, or the whole input) hold
 * exactly k occurrences. Keys are k in decimal, only those of at least one segment; a
 * plain object, so that it is the same in the API, in JSON and across threads and machines
 * (integer keys enumerate in increasing order).
 */
export type Histogram = Record<string, number>;

/** The figures only a whole read can give. */
export interface Figures {
  /** Characters equal to `what`. */
  occurrences: number;
  /** Segments (lines, words, or the whole input) in which the threshold is reached. */
  segments: number;
}

/** A hit plus the figures only a whole read can give. */
export type FullScan = Hit & Figures;

/** A per-file failure: Node-style `code` (`ENOENT`, `EACCES`, …) and a message. */
export interface FileError {
  code: string;
  message: string;
}

/** What a counter's answer carries besides its hit, when asked. */
export interface CounterDetails extends Partial<Figures> {
  /** With `allHits`, for scanned files: every segment's hit in file order, at most `maxHits`. */
  hits?: SegmentHit[];
  /** Present (true) when the file has more hits than `hits` lists (`maxHits` cut the list). */
  hitsTruncated?: true;
  /** With `histogram`, for scanned files: segments per count held. */
  histogram?: Histogram;
}

/**
 * One counter's answer for one input: a `Hit`, with full scans a `FullScan`'s figures, and
 * with `allHits` every hit. `if (r.matched)` makes `offset` and `line` numbers.
 */
export type CounterResult = Hit & CounterDetails;

/**
 * One counter's answer as a back end gives it (a `CounterResult` in compact form):
 * `occurrences`/`segments` only for full scans; with `maxHits`, every hit as (offset,
 * line) pairs and whether the list was cut; with `histogram`, (k, segments holding exactly
 * k) pairs by increasing k.
 */
export interface Evaluation extends Partial<Figures> {
  matched: boolean;
  offset: number | null;
  line: number | null;
  hits?: Float64Array;
  hitsTruncated?: boolean;
  histogram?: Float64Array;
}

interface RecordBase {
  /**
   * The path as discovered (relative to `cwd` unless given absolute). For a name that is
   * not valid UTF-8 this is its text with U+FFFD for each ill-formed sequence, and
   * `pathBytes` holds the name's exact bytes.
   */
  path: string;
  /** Only for a path that is not valid UTF-8: its bytes (open it with `fs` as they are). */
  pathBytes?: Uint8Array;
  /** Bytes read from the file. */
  bytes: number;
}

/** A file that was read and counted. */
export interface Scanned {
  skipped?: undefined;
  error?: undefined;
}

/** A file that was not read, and why (its counters did not match). */
export interface Skipped {
  skipped: SkipReason;
  error?: undefined;
}

/** A path that could not be read (its counters did not match). */
export interface Failed {
  skipped?: undefined;
  /** What failed: `{ code, message }`, Node's codes (`ENOENT`…) or charcount's (`EWORKER`…). */
  error: FileError;
}

/**
 * A file's record in a run with one counter: the file's `CounterResult`, and `skipped` or
 * `error` when it was not counted. Discriminated: `if (r.matched)` makes `offset` and
 * `line` numbers (and the file one that was read); `if (r.error)` an error record, whose
 * `matched` is `false`.
 */
export type FileRecord =
  | (RecordBase & Scanned & CounterResult)
  | (RecordBase & Skipped & UnmatchedHit & CounterDetails)
  | (RecordBase & Failed & UnmatchedHit & CounterDetails);

/**
 * A file's record in a run with several counters: one result per counter, in order; none
 * matched where the file was skipped or failed.
 */
export type MultiFileRecord =
  | (RecordBase & Scanned & { counters: CounterResult[] })
  | (RecordBase & Skipped & { counters: (UnmatchedHit & CounterDetails)[] })
  | (RecordBase & Failed & { counters: (UnmatchedHit & CounterDetails)[] });

/** A record of either shape. */
export type AnyRecord = FileRecord | MultiFileRecord;

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

export interface Progress {
  /** Paths found so far (files, and paths that became error records). */
  discovered: number;
  /** Records produced so far. */
  done: number;
  bytesRead: number;
  elapsedMs: number;
  /** True once discovery has finished, so `discovered` is the total. */
  discoveryDone: boolean;
}

export interface Summary {
  /** Paths discovered, each of which has exactly one record. */
  filesDiscovered: number;
  /** Files read and counted (not skipped, no error). */
  filesScanned: number;
  /** Files in which some counter reached its threshold. */
  filesMatched: number;
  filesSkipped: number;
  skipped: Record<SkipReason, number>;
  filesErrored: number;
  bytesRead: number;
  elapsedMs: number;
  /** Bytes read per second of wall time. */
  bytesPerSecond: number;
  filesPerSecond: number;
  /** Threads that scanned: this process's, or with `queue`, the sum over the workers that answered. */
  threads: number;
  /** With `queue`: the worker processes that returned records. */
  workers?: number;
  /**
   * The back end that scanned: this process's, or with `queue` the workers' (`portable` if
   * any worker that answered ran the portable back end).
   */
  backend: BackendName;
  /** True when the run was stopped by its `AbortSignal`: the figures are partial. */
  aborted: boolean;
  /** With `histogram` and one counter: segments per count held, summed over the files scanned. */
  histogram?: Histogram;
  /** With several counters: files matched by each, in order (and each one's histogram). */
  counters?: { filesMatched: number; histogram?: Histogram }[];
}

/** A file's failure as the native core reports it: an OS `errno`, or a `code` of ours. */
export interface NativeError {
  /** The file's position in the batch. */
  index: number;
  /** The raw (positive) OS error number; 0 or absent when `code` says what failed. */
  errno?: number;
  /** A code of charcount's own (`ESHRUNK`, …), or the name when already resolved. */
  code?: string;
  message: string;
}

/**
 * Results for the first `count` paths of a task (fewer than its paths when its byte
 * budget or a cancellation ended it), positional: file i is `numbers[i * stride …]`.
 */
export interface NativeBatch {
  count: number;
  numbers: Float64Array;
  /** With `maxHits`: every scanned file's hits, in file and counter order (see above). */
  hits?: Float64Array;
  /** With `histogram`: every scanned file's histograms, in file and counter order (see above). */
  histograms?: Float64Array;
  errors: NativeError[];
}
