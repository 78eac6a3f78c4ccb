/**
 * sizing: every size that shapes a run's tasks, in one place (contract §6.4). A task
 * should be big enough that a message round trip (tens of µs to a thread, a Redis round
 * trip to a queue worker) is small next to its work, and small enough that every thread
 * stays busy to the end.
 */

/**
 * Files in a local task while discovery still runs (`batchSize`; a queue worker cuts its
 * jobs into tasks of this size too).
 * @default 256
 */
export const TASK_FILES = 256;

/** Files in one queued job: a Redis round trip is worth more files than a thread message. */
export const JOB_FILES = 1024;

/** Bytes a task may read before it hands its remaining paths back (one huge file never holds back small ones). */
export const BUDGET_BYTES = 32 * 1024 * 1024;

/**
 * Hits a task may list (with `allHits`) before it hands its remaining paths back: what
 * one task's answer holds stays near 1 MiB of numbers, plus at most one file's `maxHits`.
 */
export const BUDGET_HITS = 65_536;

/**
 * Bytes the coordinator's thread scans of a run before it starts the pool, and of a task
 * while the threads boot (~1 ms): a run this small starts no thread.
 */
export const INLINE_BYTES = 4 * 1024 * 1024;

/**
 * Past its first `INLINE_BYTES`, a run starts its threads only if what is left is more
 * work than this: bytes read plus `FILE_WORK` a file (opening, reading and closing a small
 * file costs about what scanning 16 KiB does), at the run's average so far. About what
 * booting a thread costs on a 2-core machine (tens of milliseconds of CPU): 1,000 files
 * of 8 KB are scanned faster on the coordinator alone than with threads (issue 22).
 */
export const THREADS_WORTH = 64 * 1024 * 1024;
export const FILE_WORK = 16 * 1024;

/** Tasks outstanding on a local pool: two a thread, so a thread never waits for the next. */
export const localWindow = (threads: number): number => 2 * threads;

/** Jobs outstanding on a queue: enough for every worker seen to hold several. */
export const queueWindow = (workersSeen: number): number => Math.max(64, 4 * workersSeen);

/** Paths discovery may queue ahead of the tasks: memory stays flat however many files there are. */
export const highWater = (batchSize: number, threads: number): number =>
  Math.max(8 * batchSize, 4 * batchSize * threads);

/**
 * The next task's size: `batchSize` while discovery runs; after it, about 1/(2·threads)
 * of the `queued` paths left, so that the last tasks finish together.
 */
export function taskSize(batchSize: number, threads: number, queued: number, discoveryDone: boolean): number {
  return discoveryDone ? Math.max(1, Math.min(batchSize, Math.ceil(queued / (2 * threads)))) : batchSize;
}
