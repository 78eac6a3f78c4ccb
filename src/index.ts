/**
 * charcount: does character X appear at least N times in a file, a line or a word?
 */
export { Counter, CounterStream, Reset, availableKernels } from './counter.js';
export type { CounterOptions, FullScan, Hit } from './counter.js';
export type { KernelName } from './native.js';
