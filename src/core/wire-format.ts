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
/** A counter's resets by code (`createCounter`'s `reset`): the members of the API's `Reset`. */
export const RESET_CODES = { NewlinesReset: 0, SpacesReset: 1, NoReset: 2 } as const;
/** The resets' names in records and shard headers, by code. */
export const RESET_NAMES = ['newline', 'space', 'none'] as const;
/** A reset's name in records and shard headers. */
export type ResetName = (typeof RESET_NAMES)[number];
/** The byte that starts the count again, by code; -1: none (the whole input is one segment). */
export const RESET_BYTES = [10, 32, -1] as const;
