/**
 * The Piscina worker: scans one task's paths with the native reader.
 *
 * Counters arrive as plain specs (handles cannot cross threads) and are built once per
 * worker. Paths are read relative to the run's `cwd`; the coordinator, which sent them,
 * pairs them with the results by position.
 */
import type { NativeBatch } from '../core/codec.js';
import { native, type NativeCounter, type NativeReadOptions } from '../core/native.js';
import type { CounterSpec } from './transport.js';

export interface BatchTask {
  cwd: string;
  /** The task's paths, separated by NUL (one string crosses threads cheaper than many). */
  paths: string;
  /** What discovery knew of each path (see `NativeReadOptions.hints`). */
  hints?: Uint8Array;
  counters: CounterSpec[];
  read: NativeReadOptions;
}

const handles = new Map<string, NativeCounter>();

function handle(c: CounterSpec): NativeCounter {
  const key = `${c.what}\0${c.min}\0${c.reset}`;
  let h = handles.get(key);
  if (!h) {
    h = native.createCounter(c.what, c.min, c.reset);
    handles.set(key, h);
  }
  return h;
}

/**
 * Results for the task's paths in order, compact (see `NativeBatch`); `count` is less
 * than the number of paths when `read.budgetBytes` or `read.cancel` ended the task.
 */
export default function scanBatch(task: BatchTask): NativeBatch {
  // Relative paths are shorter for the kernel to resolve; threads share the process cwd.
  const cwd = task.cwd === process.cwd() ? undefined : task.cwd;
  return native.scanBatch(task.paths, task.counters.map(handle), { ...task.read, hints: task.hints, cwd });
}
