/**
 * batch: groups discovered paths into worker tasks.
 *
 * A task should be big enough that the worker message round trip (tens of µs) is small
 * next to the work, and small enough that two cores stay balanced. Three rules do it:
 * * while discovery runs, tasks hold `batchSize` paths;
 * * once discovery is done, the rest is cut into tasks of about 1/(2·threads) of it, so
 *   the last tasks finish together;
 * * a task also ends early after `BUDGET_BYTES` of reading (or `BUDGET_HITS` hits listed;
 *   done natively), and its unread paths return to the front of the queue — one huge file
 *   never holds back the small ones queued behind it.
 */
import type { FileError } from '../core/types.js';
import type { Task } from '../dispatch/transport.js';
import type { Discovered } from './discover.js';
import { taskSize } from './sizing.js';

/** A task's paths as tasks of one path each, with their hints: to retry after a failure. */
export function onePerTask(task: Task): Task[] {
  return task.paths.map((path, i) => ({
    paths: [path],
    hints: task.hints.subarray(i, i + 1),
    at: task.at.subarray(i, i + 1),
  }));
}

/** Paths waiting for a task, first in first out, with their hints and positions. */
export class PathQueue {
  private paths: string[] = [];
  private hints: number[] = [];
  private at: number[] = [];
  private head = 0;

  get length(): number {
    return this.paths.length - this.head;
  }

  push(path: string, hints = 0, at = 0): void {
    this.paths.push(path);
    this.hints.push(hints);
    this.at.push(at);
  }

  /** Paths a task handed back (those from `from` on): they go first. */
  requeue(task: Task, from: number): void {
    const n = task.paths.length - from;
    if (n <= this.head) {
      // Into the slots already taken, before the head: no copy of the whole queue (a
      // task cut short by its byte budget hands paths back often on trees of larger files).
      this.head -= n;
      for (let i = 0; i < n; i++) {
        this.paths[this.head + i] = task.paths[from + i]!;
        this.hints[this.head + i] = task.hints[from + i]!;
        this.at[this.head + i] = task.at[from + i]!;
      }
      return;
    }
    this.paths = [...task.paths.slice(from), ...this.paths.slice(this.head)];
    this.hints = [...task.hints.subarray(from), ...this.hints.slice(this.head)];
    this.at = [...task.at.subarray(from), ...this.at.slice(this.head)];
    this.head = 0;
  }

  /**
   * The next task: `batchSize` paths while discovery runs; after it, about 1/(2·threads)
   * of what is left, so that the last tasks finish together.
   */
  take(batchSize: number, threads: number, discoveryDone: boolean): Task {
    const size = taskSize(batchSize, threads, this.length, discoveryDone);
    const end = Math.min(this.head + size, this.paths.length);
    const task = {
      paths: this.paths.slice(this.head, end),
      hints: Uint8Array.from(this.hints.slice(this.head, end)),
      at: Uint32Array.from(this.at.slice(this.head, end)),
    };
    this.head = end;
    if (this.head > 4096 && this.head * 2 > this.paths.length) {
      this.paths = this.paths.slice(this.head);
      this.hints = this.hints.slice(this.head);
      this.at = this.at.slice(this.head);
      this.head = 0;
    }
    return task;
  }
}

/**
 * Pulls discovered paths into a `PathQueue` ahead of the workers, up to a high-water
 * mark: discovery pauses there and goes on once the queue has drained to half of it, so
 * memory stays flat however many files there are. Paths that failed before they could be
 * queued go to `failed` (they become error records).
 */
export class Intake {
  done = false;
  error: Error | undefined;
  private resume?: () => void;
  private stopped = false;
  private readonly finished: Promise<void>;

  constructor(
    source: AsyncIterable<Discovered[]>,
    private readonly queue: PathQueue,
    private readonly highWater: number,
    on: { found(count: number): void; failed(path: string, error: FileError, at: number): void; notify(): void },
  ) {
    this.finished = (async () => {
      try {
        for await (const found of source) {
          if (this.stopped) break;
          on.found(found.length);
          for (const d of found) {
            if (d.error) on.failed(d.path, d.error, d.at ?? 0);
            else queue.push(d.path, d.hints, d.at);
          }
          on.notify();
          if (queue.length >= highWater) await new Promise<void>((r) => (this.resume = r));
        }
      } catch (e) {
        this.error = e instanceof Error ? e : new Error(String(e));
      }
      this.done = true;
      on.notify();
    })();
  }

  /** Lets discovery go on if the queue has drained enough. */
  poll(): void {
    if (this.resume && this.queue.length < this.highWater / 2) {
      this.resume();
      this.resume = undefined;
    }
  }

  /** Ends discovery (the run is over) and waits for it to let go of the source. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.resume?.();
    await this.finished;
  }
}
