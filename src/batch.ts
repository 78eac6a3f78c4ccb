/**
 * batch: groups discovered paths into worker tasks.
 *
 * A task should be big enough that the worker message round trip (tens of µs) is small
 * next to the work, and small enough that two cores stay balanced. Three rules do it:
 * * while discovery runs, tasks hold `batchSize` paths;
 * * once discovery is done, the rest is cut into tasks of about 1/(2·threads) of it, so
 *   the last tasks finish together;
 * * a task also ends early after `BUDGET_BYTES` of reading (done natively), and its
 *   unread paths return to the front of the queue — one huge file never holds back
 *   the small ones queued behind it.
 */

/** Bytes a task may read before it hands its remaining paths back. */
export const BUDGET_BYTES = 32 * 1024 * 1024;

/** The paths of one task, with what discovery knew of each. */
export interface TaskPaths {
  paths: string[];
  /** What discovery knew of each path (see `NativeReadOptions.hints`). */
  hints: Uint8Array;
}

export class PathQueue {
  private paths: string[] = [];
  private hints: number[] = [];
  private head = 0;

  get length(): number {
    return this.paths.length - this.head;
  }

  push(path: string, hints = 0): void {
    this.paths.push(path);
    this.hints.push(hints);
  }

  /** Paths a task handed back: they go first. */
  requeue(task: TaskPaths, from: number): void {
    this.paths = [...task.paths.slice(from), ...this.paths.slice(this.head)];
    this.hints = [...task.hints.subarray(from), ...this.hints.slice(this.head)];
    this.head = 0;
  }

  /** The next task's paths. */
  take(batchSize: number, threads: number, discoveryDone: boolean): TaskPaths {
    const size = discoveryDone ? Math.max(1, Math.min(batchSize, Math.ceil(this.length / (2 * threads)))) : batchSize;
    const end = Math.min(this.head + size, this.paths.length);
    const task = { paths: this.paths.slice(this.head, end), hints: Uint8Array.from(this.hints.slice(this.head, end)) };
    this.head = end;
    if (this.head > 4096 && this.head * 2 > this.paths.length) {
      this.paths = this.paths.slice(this.head);
      this.hints = this.hints.slice(this.head);
      this.head = 0;
    }
    return task;
  }
}
