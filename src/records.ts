/**
 * The records a scan produces (SPEC §3) and how native records become them.
 */
import type { FullScan, Hit } from './counter.js';
import type { NativeBatch } from './native.js';

export type SkipReason = 'binary' | 'too-large' | 'symlink' | 'fifo' | 'socket' | 'device';
/** In the native reader's order (`Skip` in native/src/reader.rs): status codes depend on it. */
export const SKIP_REASONS: readonly SkipReason[] = ['binary', 'too-large', 'symlink', 'fifo', 'socket', 'device'];

/** A per-file failure: Node-style `code` (`ENOENT`, `EACCES`, …) and a message. */
export interface FileError {
  code: string;
  message: string;
}

/** One counter's answer for one file: a `Hit`, and with full scans a `FullScan`'s figures. */
export interface CounterResult extends Hit, Partial<Pick<FullScan, 'occurrences' | 'segments'>> {}

interface RecordBase {
  /** The path as discovered (relative to `cwd` unless given absolute). */
  path: string;
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

/** Orders records by path (code-unit order, the same on every run). */
export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

const NO_MATCH: CounterResult = { matched: false, offset: null, line: null };

/** A record in the run's shape: with one counter, its fields move up into the record. */
function shaped(path: string, bytes: number, results: CounterResult[], multi: boolean): FileRecord | MultiFileRecord {
  return multi ? { path, bytes, counters: results } : { path, ...results[0]!, bytes };
}

/** The record of a path that failed before it could be read. */
export function failedRecord(path: string, error: FileError, counters: number, multi: boolean): FileRecord | MultiFileRecord {
  const r = shaped(path, 0, Array.from({ length: counters }, () => ({ ...NO_MATCH })), multi);
  r.error = error;
  return r;
}

const STATUS_FAILED = 255;
const absent = (x: number) => (x < 0 ? null : x);

/** Records from a compact native batch, in the run's shape (flat for one counter). */
export function decodeBatch(
  paths: string[],
  batch: NativeBatch,
  nCounters: number,
  multi: boolean,
  full: boolean,
): (FileRecord | MultiFileRecord)[] {
  const { numbers } = batch;
  const stride = 2 + 5 * nCounters;
  const errors = new Map(batch.errors.map((e) => [e.index, { code: e.code, message: e.message }]));
  const out: (FileRecord | MultiFileRecord)[] = new Array(batch.count);
  for (let i = 0; i < batch.count; i++) {
    const at = i * stride;
    const bytes = numbers[at]!;
    const status = numbers[at + 1]!;
    const result = (k: number): CounterResult => {
      const c = at + 2 + 5 * k;
      const r: CounterResult = { matched: numbers[c] === 1, offset: absent(numbers[c + 1]!), line: absent(numbers[c + 2]!) };
      if (full && status === 0) {
        r.occurrences = numbers[c + 3]!;
        r.segments = numbers[c + 4]!;
      }
      return r;
    };
    const rec = shaped(paths[i]!, bytes, Array.from({ length: nCounters }, (_, k) => result(k)), multi);
    if (status === STATUS_FAILED) rec.error = errors.get(i)!;
    else if (status !== 0) rec.skipped = SKIP_REASONS[status - 1]!;
    out[i] = rec;
  }
  return out;
}
