/**
 * The shared vocabulary: what a counter answers, the records and summary of a run, and
 * the `--json` document. Types only, so every layer can import them and none imports
 * upward (contract §3).
 */
import type { ResetName, SkipReason } from './wire-format.js';

export type { SkipReason };

/** Kernel back ends: the native core's, or `typescript`, the portable back end's counter. */
export type KernelName = 'avx512' | 'avx2' | 'sse2' | 'neon' | 'scalar' | 'typescript';

/**
 * The back end that counts and reads: `native` (the Rust core) or `portable` (TypeScript
 * on Node's \`fs\`, where no native core loads; the same answers, slower).
 */
export type BackendName = 'native' | 'portable';

/** Where the threshold is first reached (offsets in bytes of UTF-8, lines 1-based). */
export interface Hit {
  matched: boolean;
  /** Byte offset of the character at which the threshold is first reached. */
  offset: number | null;
  /** 1 + the number of `\n` before `offset`. */
  line: number | null;
}

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

/** A hit plus the figures only a whole read can give. */
export interface FullScan extends Hit {
  /** Characters equal to `what`. */
  occurrences: number;
  /** Segments (lines, words, or the whole input) in which the threshold is reached. */
  segments: number;
}

/** A per-file failure: Node-style `code` (`ENOENT`, `EACCES`, …) and a message. */
export interface FileError {
  code: string;
  message: string;
}

/**
 * One counter's answer for one file: a `Hit`, with full scans a `FullScan`'s figures, and
 * with `allHits` every hit.
 */
export interface CounterResult extends Hit, Partial<Pick<FullScan, 'occurrences' | 'segments'>> {
  /** With `allHits`, for scanned files: every segment's hit in file order, at most `maxHits`. */
  hits?: SegmentHit[];
  /** Present (true) when the file has more hits than `hits` lists (`maxHits` cut the list). */
  hitsTruncated?: true;
  /** With `histogram`, for scanned files: segments per count held. */
  histogram?: Histogram;
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
  skipped?: SkipReason;
  error?: FileError;
}

/** A file's record in a run with one counter. */
export interface FileRecord extends RecordBase, CounterResult {}

/** A file's record in a run with several counters: one result per counter, in order. */
export interface MultiFileRecord extends RecordBase {
  counters: CounterResult[];
}

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

/** What the command line asked, as recorded in `--json` output (and checked by `merge`). */
export interface Query {
  char: string;
  min: number;
  reset: ResetName;
  /** `--count`: full-scan figures. */
  count: boolean;
  /** `--all-hits`: every hit (present only then). */
  allHits?: true;
  /** `--max-hits`: most hits listed per file (with `allHits` only). */
  maxHits?: number;
  /** `--histogram`: segments per count held (present only then). */
  histogram?: true;
  /** `-E`: the encoding of files without a byte-order mark, when not UTF-8 (a WHATWG name, or `none`). */
  encoding?: string;
  /** `--no-encoding-sniff`: a byte-order mark does not decide (present only then). */
  encodingSniff?: false;
  /** `-z`: compressed files decompressed (present only then). */
  searchZip?: true;
}

/** What a `--json` document says besides its records and summary. */
export interface RunMeta {
  query?: Query;
  shard?: Shard;
}

/** The `--json` document. */
export interface ScanDocument extends RunMeta {
  summary: Summary;
  records: FileRecord[];
}
