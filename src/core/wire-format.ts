// Generated from native/src/wire.rs by `cargo test` with CHARCOUNT_UPDATE_WIRE=1; do not edit.

/** Numbers per file before its counters: bytes read, status. */
export const HEADER_FIELDS = 2;
/** Numbers per counter: matched (0/1), offset, line, occurrences, segments. */
export const COUNTER_FIELDS = 5;
/** Status of a file that was read and counted. */
export const STATUS_SCANNED = 0;
/** Status of a file that failed (its error is in the batch's `errors`). */
export const STATUS_FAILED = 255;
/** Why a file was not read; status `1 + index` in this list. */
export const SKIP_REASONS = ['binary', 'too-large', 'symlink', 'fifo', 'socket', 'device'] as const;
/** Why a file was not read. */
export type SkipReason = (typeof SKIP_REASONS)[number];
/** A number that is null or absent. */
export const ABSENT = -1;
/** Path hint: the walker saw a regular file, so open it first (one path lookup). */
export const HINT_REGULAR = 1;
/** Path hint: follow the path if it is a link, as for a link the user named. */
export const HINT_FOLLOW = 2;
/** Numbers before a counter's hits in a batch's `hits`: hits listed, truncated (0/1). */
export const HIT_HEADER_FIELDS = 2;
/** Numbers per hit listed: offset, line. */
export const HIT_FIELDS = 2;
/** Numbers before a counter's histogram in a batch's `histograms`: distinct counts listed. */
export const HISTOGRAM_HEADER_FIELDS = 1;
/** Numbers per distinct count of a histogram: k, segments holding exactly k. */
export const HISTOGRAM_FIELDS = 2;
/**
 * Reset modes by code (the kernel's `Reset`): the member of the API's `Reset`, the name the CLI
 * and JSON use, the byte that resets the count (-1: none), and what one segment is called.
 */
export const RESETS = [
  { code: 0, member: 'NewlinesReset', name: 'newline', byte: 10, segment: 'line' },
  { code: 1, member: 'SpacesReset', name: 'space', byte: 32, segment: 'word' },
  { code: 2, member: 'NoReset', name: 'none', byte: -1, segment: 'file' },
] as const;
