/**
 * run: the one coordinator loop, whatever carries the tasks (dispatch/).
 *
 * It pulls discovered paths into a queue (`Intake`, up to a high-water mark), cuts them
 * into tasks (`PathQueue`), keeps the transport's window of tasks outstanding, and yields
 * what comes back. Every discovered path yields exactly one result:
 * * a task that ended early on its byte budget hands its unread paths back to the front
 *   of the queue;
 * * a lost task (its worker died, its queue job failed for good) is sent again one path
 *   per task, and a path lost on its own becomes an `EWORKER` error;
 * * an abort cancels the transport and throws the signal's reason once the loop has let go.
 */
import type { NativeBatch } from '../core/types.js';
import { abortError } from '../core/errors.js';
import type { FileError } from '../core/types.js';
import type { Task, Transport } from '../dispatch/transport.js';
import { Intake, onePerTask, PathQueue } from './batch.js';
import type { Discovered } from './discover.js';
import { highWater } from './sizing.js';

/** What the loop yields: a task's results, or a path that failed without being read. */
export type Piece =
  { task: Task; batch: NativeBatch; failed?: undefined } | { failed: { path: string; at: number; error: FileError } };

export interface LoopHooks {
  /** Paths discovered (each will have a result). */
  found(count: number): void;
  /** Called as the loop goes, and with `force` once at the end. */
  progress(force: boolean, discoveryDone: boolean): void;
}

/** A promise that can be re-armed: the loop sleeps on it until something happens. */
class Wakeup {
  private resolve!: () => void;
  private promise!: Promise<void>;
  constructor() {
    this.arm();
  }
  arm(): void {
    this.promise = new Promise((r) => (this.resolve = r));
  }
  notify = (): void => {
    this.resolve();
  };
  wait(): Promise<void> {
    return this.promise;
  }
}

/**
 * Runs the tasks of `source` on the transport that `open` makes (given the loop's wake-up
 * call), yielding pieces in batches (one async step per task, not per file).
 */
export async function* runLoop(
  source: AsyncIterable<Discovered[]>,
  open: (notify: () => void) => Promise<Transport>,
  hooks: LoopHooks,
  signal: AbortSignal | undefined,
): AsyncGenerator<Piece[]> {
  if (signal?.aborted) throw abortError(signal);
  const wakeup = new Wakeup();
  let aborted = false;
  let transport: Transport | undefined;
  const onAbort = () => {
    aborted = true;
    transport?.cancel();
    wakeup.notify();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const queue = new PathQueue();
  /** Paths of lost tasks, to send again one a task. */
  const singles: Task[] = [];
  const ready: Piece[] = [];
  let outstanding = 0;
  let intake: Intake | undefined;
  try {
    transport = await open(wakeup.notify);
    if (aborted) transport.cancel();
    const t = transport;
    const discovered = (intake = new Intake(source, queue, highWater(t.batchSize, t.threads), {
      found: (n) => hooks.found(n),
      failed: (path, error, at) => ready.push({ failed: { path, at, error } }),
      notify: wakeup.notify,
    }));
    for (;;) {
      wakeup.arm();
      if (aborted) break;
      if (discovered.error) throw discovered.error;
      if (ready.length) yield ready.splice(0);
      for (const taken of t.take()) {
        // Aborted (by its signal, or the end of the pool it runs on): what comes back now
        // may be tasks failed by the abort itself, not by their files.
        if (aborted) break;
        outstanding--;
        // Only a cancelled task returns nothing; requeued, any other would spin forever.
        const outcome =
          'batch' in taken && taken.batch.count === 0
            ? { task: taken.task, lost: 'the task returned no result' }
            : taken;
        const { task } = outcome;
        if ('batch' in outcome) {
          yield [{ task, batch: outcome.batch }];
          if (outcome.batch.count < task.paths.length) queue.requeue(task, outcome.batch.count);
        } else if (task.paths.length > 1) {
          singles.push(...onePerTask(task));
        } else {
          yield [
            { failed: { path: task.paths[0]!, at: task.at[0]!, error: { code: 'EWORKER', message: outcome.lost } } },
          ];
        }
        if (aborted) break;
      }
      if (aborted) break;
      const tasks: Task[] = [];
      while (outstanding + tasks.length < t.window) {
        const done = discovered.done;
        if (singles.length) tasks.push(singles.shift()!);
        else if (
          queue.length >= t.batchSize ||
          (queue.length > 0 && (done || outstanding + tasks.length < t.threads))
        ) {
          tasks.push(queue.take(t.batchSize, t.threads, done));
        } else break;
      }
      if (tasks.length) {
        t.backlog?.(queue.length, discovered.done);
        outstanding += tasks.length;
        await t.submit(tasks);
      }
      discovered.poll();
      hooks.progress(false, discovered.done);
      if (discovered.done && !queue.length && !singles.length && !outstanding && !ready.length) break;
      await wakeup.wait();
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await intake?.stop();
    await transport?.close();
    hooks.progress(true, intake?.done ?? false);
  }
  if (aborted) throw abortError(signal!);
}
