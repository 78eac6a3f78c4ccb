/**
 * The task runner: scans one task's paths with the back end's reader, on the back end it
 * is given (a scanning thread's entry, workers/scan-thread.ts, gives its thread's; the
 * local transport its run's, for the tasks it scans inline).
 *
 * Counters arrive as plain specs (handles cannot cross threads) and are built once per
 * worker. Paths are read relative to the run's `cwd`; the coordinator, which sent them,
 * pairs them with the results by position.
 *
 * Files the back end's reader does not read itself (compressed ones with `searchZip`,
 * other encodings: see decoded.ts) are scanned here, in order between the reader's runs of
 * the others, and the task then answers asynchronously; a task without any stays one
 * synchronous call of the back end.
 */
import { BatchWriter, partsOf } from '../codec/batch.js';
import type { NativeBatch } from '../core/types.js';
import type { Backend, CounterHandle, ReadOptions } from '../backends/backend.js';
import { mayReadHere, readHere, scanFile, type DecodeRules } from './decoded.js';
import type { CounterSpec } from '../core/spec.js';

export interface BatchTask {
  cwd: string;
  /** The task's paths, separated by NUL (one string crosses threads cheaper than many). */
  paths: string;
  /** What discovery knew of each path (see `ReadOptions.hints`). */
  hints?: Uint8Array;
  counters: CounterSpec[];
  read: ReadOptions & DecodeRules;
  /**
   * Element 0: how many of the run's tasks are reading files on this side now (where a
   * decompressor may run). Shared with the coordinator, which waits for it to reach 0 when
   * the run ends: a task that starts later sees the cancel flag before opening anything.
   */
  underway?: Int32Array;
}

/** Counters built so far, per back end and spec. */
const made = new WeakMap<Backend, Map<string, CounterHandle>>();

/** The task's counters on `backend`, each built once (a thread runs many tasks of one run). */
function handles(backend: Backend, specs: CounterSpec[]): CounterHandle[] {
  let built = made.get(backend);
  if (!built) made.set(backend, (built = new Map()));
  return specs.map((c) => {
    const key = `${c.what}\0${c.min}\0${c.reset}`;
    let h = built.get(key);
    if (!h) {
      h = backend.createCounter(c.what, c.min, c.reset);
      built.set(key, h);
    }
    return h;
  });
}

/** True when some path of the task is read on this thread rather than by the back end's reader: it answers asynchronously. */
export function readsHere(task: BatchTask): boolean {
  return mayReadHere(task.read) && task.paths.split('\0').some((p) => readHere(p, task.read));
}

/**
 * Results for the task's paths in order, compact (see `NativeBatch`); `count` is less
 * than the number of paths when `read.budgetBytes` or `read.cancel` ended the task.
 */
export function runTask(backend: Backend, task: BatchTask): NativeBatch | Promise<NativeBatch> {
  return readsHere(task) ? scanMixed(backend, task) : scanWhole(backend, task);
}

/** The task in one call of the back end (none of its files is read on this thread). */
export function scanWhole(backend: Backend, task: BatchTask): NativeBatch {
  // Relative paths are shorter for the kernel to resolve; threads share the process cwd.
  const cwd = task.cwd === process.cwd() ? undefined : task.cwd;
  return backend.scanBatch(task.paths, handles(backend, task.counters), { ...task.read, hints: task.hints, cwd });
}

/**
 * The task's paths in order: runs of files the back end reads in one call each, the
 * others one at a time here; the byte budget and the cancel flag end it as they end a
 * call of the back end.
 */
async function scanMixed(backend: Backend, task: BatchTask): Promise<NativeBatch> {
  const { underway } = task;
  if (underway) Atomics.add(underway, 0, 1);
  try {
    return await scanInOrder(backend, task);
  } finally {
    if (underway) Atomics.sub(underway, 0, 1);
  }
}

async function scanInOrder(backend: Backend, task: BatchTask): Promise<NativeBatch> {
  const paths = task.paths.split('\0');
  const hints = task.hints ?? new Uint8Array(paths.length);
  const { budgetBytes, budgetHits, cancel } = task.read;
  const out = new BatchWriter(task.counters.length, partsOf(task.read));
  const counters = handles(backend, task.counters);
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
      const batch = scanWhole(backend, {
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
    const r = await scanFile(backend, paths[i]!, task.cwd, hints[i]!, counters, { ...task.read, cancel });
    if (!r) break; // cancelled: no record, as in a call of the back end
    if ('results' in r) out.scanned(r.bytes, r.results);
    else if ('skipped' in r) out.skipped(r.bytes, r.skipped);
    else out.failed(r.bytes, r.error);
    i++;
  }
  return out.build();
}
