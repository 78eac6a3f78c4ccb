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

export class PathQueue {
  private items: string[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(path: string): void {
    this.items.push(path);
  }

  /** Paths a task handed back: they go first. */
  requeue(paths: string[]): void {
    this.items = [...paths, ...this.items.slice(this.head)];
    this.head = 0;
  }

  /** The next task's paths. */
  take(batchSize: number, threads: number, discoveryDone: boolean): string[] {
    const size = discoveryDone ? Math.max(1, Math.min(batchSize, Math.ceil(this.length / (2 * threads)))) : batchSize;
    const out = this.items.slice(this.head, this.head + size);
    this.head += out.length;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}
