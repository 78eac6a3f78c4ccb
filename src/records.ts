/**
 * The records a scan produces (SPEC §3) and how native records become them.
 */
import type { NativeEvaluation, NativeFileRecord } from './native.js';

export type SkipReason = 'binary' | 'too-large' | 'symlink' | 'fifo' | 'socket' | 'device';
export const SKIP_REASONS: readonly SkipReason[] = ['binary', 'too-large', 'symlink', 'fifo', 'socket', 'device'];

/** A per-file failure: Node-style `code` (`ENOENT`, `EACCES`, …) and a message. */
export interface FileError {
  code: string;
  message: string;
}

/** One counter's answer for one file. */
export interface CounterResult {
  matched: boolean;
  /** Byte offset of the character at which the threshold is first reached. */
  offset: number | null;
  /** 1-based line of `offset`. */
  line: number | null;
  /** Full scans only: characters equal to `what`. */
  occurrences?: number;
  /** Full scans only: segments in which the threshold is reached. */
  segments?: number;
}

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

const NO_MATCH: CounterResult = { matched: false, offset: null, line: null };

/** A record for a path that was not scanned: skipped, or failed before any read. */
export function unscanned(path: string, how: { skipped?: SkipReason; error?: FileError }, counters: number): MultiFileRecord {
  return { path, bytes: 0, counters: Array.from({ length: counters }, () => ({ ...NO_MATCH })), ...how };
}

/** Completes a native record: skipped and failed files get no-match results too. */
export function fromNative(r: NativeFileRecord, counters: number): MultiFileRecord {
  const results: CounterResult[] = r.counters ?? Array.from({ length: counters }, () => ({ ...NO_MATCH }));
  const out: MultiFileRecord = { path: r.path, bytes: r.bytes, counters: results };
  if (r.skipped) out.skipped = r.skipped;
  if (r.error) out.error = r.error;
  return out;
}

/** The one-counter shape: the counter's fields move up into the record. */
export function flatten(r: MultiFileRecord): FileRecord {
  const { counters, ...rest } = r;
  const c = counters[0] as NativeEvaluation;
  const out: FileRecord = { path: rest.path, matched: c.matched, offset: c.offset, line: c.line, bytes: rest.bytes };
  if (c.occurrences !== undefined) out.occurrences = c.occurrences;
  if (c.segments !== undefined) out.segments = c.segments;
  if (rest.skipped) out.skipped = rest.skipped;
  if (rest.error) out.error = rest.error;
  return out;
}
