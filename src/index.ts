/**
 * charcount: does character X appear at least N times in a file, a line or a word?
 */
export { Counter, CounterStream, Reset, availableKernels } from './counter.js';
export type { CounterOptions, FullScan, Hit } from './counter.js';
export type { KernelName } from './native.js';
export { scan, scanFiles, ScanRun, isAbortError } from './scan.js';
export type { ScanResult } from './scan.js';
export type { ScanOptions, Progress } from './options.js';
export type { Summary } from './aggregate.js';
export type { FileRecord, MultiFileRecord, CounterResult, FileError, SkipReason } from './records.js';
export { mergeShards, MergeError } from './merge.js';
export type { NamedDocument } from './merge.js';
export type { Shard } from './shard.js';
export type { Query, ScanDocument } from './report.js';
