/**
 * charcount: does character X appear at least N times in a file, a line or a word?
 * The public API; its reference is docs/contract.md.
 */
export { Counter, CounterStream, Reset, availableKernels } from './scan/counter.js';
export type { CounterOptions, ResetCode, StreamOptions } from './scan/counter.js';
export { isAbortError, MergeError, QueueUnavailableError, ScanConsumedError } from './core/errors.js';
export type { ArgumentErrorCode } from './core/errors.js';
export type {
  AnyRecord,
  CounterDetails,
  CounterResult,
  Figures,
  FileError,
  FileRecord,
  FullScan,
  Histogram,
  Hit,
  KernelName,
  MatchedHit,
  MultiFileRecord,
  Progress,
  SegmentHit,
  Shard,
  SkipReason,
  Summary,
  UnmatchedHit,
} from './core/types.js';
export { listFiles } from './engine/list.js';
export type { ListedFile } from './engine/list.js';
export { mergeShards } from './engine/merge.js';
export type { NamedDocument } from './engine/merge.js';
export type { Query, ScanDocument } from './engine/query.js';
export type { DiscoveryOptions, ListingOptions, ScanFilesOptions, ScanOptions } from './engine/options.js';
export { ScanPool } from './engine/pool.js';
export type { ScanPoolOptions } from './engine/pool.js';
export { scan, scanFiles, ScanRun } from './engine/scan.js';
export type { PatternsFirst, ScanResult } from './engine/scan.js';
