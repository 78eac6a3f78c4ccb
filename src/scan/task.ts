/**
 * The Piscina worker: scans one task's paths with the native reader.
 *
 * Counters arrive as plain specs (handles cannot cross threads) and are built once per
 * worker. Paths are read relative to the run's `cwd`; the coordinator, which sent them,
 * pairs them with the results by position.
 *
 * Files the native reader does not read itself (compressed ones with `searchZip`, other
 * encodings: see decoded-scan.ts) are scanned here, in order between the native reader's
 * runs of the others, and the task then answers asynchronously; a task without any stays
 * one synchronous native call.
 */
import { BatchWriter, partsOf } from '../codec/batch.js';
import type { NativeBatch } from '../core/types.js';
import { native, type NativeCounter, type NativeReadOptions } from '../backends/native.js';
import { mayReadHere, readHere, scanFile, type DecodeRules } from './decoded.js';
import type { CounterSpec } from '../core/spec.js';

export interface BatchTask {
  cwd: string;
  /** The task's paths, separated by NUL (one string crosses threads cheaper than many). */
  paths: string;
  /** What discovery knew of each path (see `NativeReadOptions.hints`). */
  hints?: Uint8Array;
  counters: CounterSpec[];
  read: NativeReadOptions & DecodeRules;
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

/** True when some path of the task is read on this thread rather than natively: it answers asynchronously. */
export function readsHere(task: BatchTask): boolean {
  return mayReadHere(task.read) && task.paths.split('\0').some((p) => readHere(p, task.read));
}

/**
 * Results for the task's paths in order, compact (see `NativeBatch`); `count` is less
 * than the number of paths when `read.budgetBytes` or `read.cancel` ended the task.
 */
export default function scanBatch(task: BatchTask): NativeBatch | Promise<NativeBatch> {
  return readsHere(task) ? scanMixed(task) : scanNative(task);
}

/** The task in one native call (none of its files is read on this thread). */
export function scanNative(task: BatchTask): NativeBatch {
  // Relative paths are shorter for the kernel to resolve; threads share the process cwd.
  const cwd = task.cwd === process.cwd() ? undefined : task.cwd;
  return native.scanBatch(task.paths, task.counters.map(handle), { ...task.read, hints: task.hints, cwd });
}

/**
 * The task's paths in order: runs of natively read files in one native call each, the
 * others one at a time here; the byte budget and the cancel flag end it as they end a
 * native call.
 */
async function scanMixed(task: BatchTask): Promise<NativeBatch> {
  const paths = task.paths.split('\0');
  const hints = task.hints ?? new Uint8Array(paths.length);
  const { budgetBytes, budgetHits, cancel } = task.read;
  const out = new BatchWriter(task.counters.length, partsOf(task.read));
  const made = task.counters.map(handle);
  const left = (budget: number | undefined, used: number) => (budget === undefined ? undefined : budget - used);
  for (let i = 0; i < paths.length;) {
    if (
      (budgetBytes !== undefined && out.bytes >= budgetBytes) ||
      (budgetHits !== undefined && out.hitsListed >= budgetHits)
    )
      break;
    if (!readHere(paths[i]!, task.read)) {
      let j = i + 1;
      while (j < paths.length && !readHere(paths[j]!, task.read)) j++;
      const batch = scanNative({
        ...task,
        paths: paths.slice(i, j).join('\0'),
        hints: hints.subarray(i, j),
        read: { ...task.read, budgetBytes: left(budgetBytes, out.bytes), budgetHits: left(budgetHits, out.hitsListed) },
      });
      out.append(batch);
      if (batch.count < j - i) break;
      i = j;
      continue;
    }
    const r = await scanFile(paths[i]!, task.cwd, hints[i]!, made, { ...task.read, cancel });
    if (!r) break; // cancelled: no record, as in a native call
    if ('results' in r) out.scanned(r.bytes, r.results);
    else if ('skipped' in r) out.skipped(r.bytes, r.skipped);
    else out.failed(r.bytes, r.error);
    i++;
  }
  return out.build();
}
