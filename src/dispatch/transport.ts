/**
 * transport: how tasks reach the threads that scan them. The run loop (engine/run.ts)
 * speaks only this interface; `local.ts` runs tasks on this process's worker threads,
 * `queue/client.ts` on `charcount worker` processes through BullMQ.
 */
import type { NativeBatch } from '../core/types.js';
export type { CounterSpec, ReadRules, RunSpec } from '../core/spec.js';

/** The paths of one task, with what discovery knew of each and where each one's result goes. */
export interface Task {
  paths: string[];
  /** Per path, `HINT_*` bits (see wire-format.ts). */
  hints: Uint8Array;
  /** Per path, its position in the caller's order (a queue worker's job); 0 when unused. */
  at: Uint32Array;
}

/** A task's results (a prefix of its paths when its byte budget ended it), or why it was lost. */
export type Outcome = { task: Task; batch: NativeBatch } | { task: Task; lost: string };

export interface Transport {
  /** Scanning threads behind the transport now: the end of a run is cut among them. */
  readonly threads: number;
  /** Files in a task while discovery still runs. */
  readonly batchSize: number;
  /** Tasks worth having outstanding at once. */
  readonly window: number;
  /** Starts tasks; each one's outcome comes back, once, through `take()`. */
  submit(tasks: Task[]): Promise<void>;
  /** The outcomes that arrived since the last call; throws if the transport itself failed. */
  take(): Outcome[];
  /** Asks running tasks to stop at once (the run was aborted); their outcomes may never come. */
  cancel(): void;
  /** Releases what the transport holds; it takes no task after this. */
  close(): Promise<void>;
  /** Told before each submission: paths queued and not yet in a task, and whether discovery has ended. */
  backlog?(queued: number, discoveryDone: boolean): void;
}
