/**
 * The native addon's exports, as its Node-API surface has them (native/src/binding.rs
 * documents each export and checks every argument itself: it is a foreign-function
 * boundary). Only native.ts uses it, to adapt it to the `Backend` (backend.ts), and the
 * tests and the benchmark, through `loadNative()`. Types only.
 */
import type { Evaluation, KernelName, NativeBatch } from '../core/types.js';
import type {
  CounterHandle,
  ReadOptions,
  ScannerHandle,
  TestHooks,
  WalkerHandle,
  WalkOptions,
  WalkStep,
} from './backend.js';

/** The exports: plain functions (none uses `this`), with the test hooks `scanFiles` and `seedHasCount`. */
export interface NativeBinding extends TestHooks {
  /** Kernels this CPU can run, fastest first. */
  kernels: () => KernelName[];
  /** `reset`: 0 newlines, 1 spaces, 2 none. Throws TypeError/RangeError on bad input. */
  createCounter: (what: string, min: number, reset: number, kernel?: KernelName) => CounterHandle;
  hasCount: (counter: CounterHandle, input: string | Uint8Array) => boolean;
  /**
   * With `maxHits` (1 to 2^53 - 1) the evaluation lists every hit, at most that many; with
   * `histogram` (not with `maxHits`) it is a full scan with the histogram.
   */
  evaluate: (
    counter: CounterHandle,
    input: string | Uint8Array,
    full: boolean,
    maxHits?: number,
    histogram?: boolean,
  ) => Evaluation;
  createScanner: (counter: CounterHandle, full: boolean, maxHits?: number, histogram?: boolean) => ScannerHandle;
  scannerFeed: (scanner: ScannerHandle, chunk: string | Uint8Array) => boolean;
  scannerFinish: (scanner: ScannerHandle, asciiWidth?: number) => Evaluation;
  scanBatch: (paths: string | string[], counters: CounterHandle[], options?: ReadOptions) => NativeBatch;
  createWalker: (
    display: string,
    root: string,
    hidden: boolean,
    follow: boolean,
    options?: WalkOptions,
  ) => WalkerHandle;
  walkNext: (walker: WalkerHandle, max: number) => WalkStep;
}
