/**
 * protocol: what a coordinator and its workers agree on — the Redis names of a run, the
 * shape of its jobs, and the timings that tell a live run from an abandoned one.
 *
 * Each run has two BullMQ queues named for it: `charcount-<run>` holds the batches,
 * `charcount-<run>-results` the records coming back. Results travel as jobs, not as
 * `completed` events, because BullMQ's event stream is trimmed and a slow coordinator
 * could miss some; a job waits until it is taken (BullMQ's guide, "Returning job data").
 *
 * Workers learn of runs from the set `charcount:runs` (polled) and the channel of the
 * same name (to start at once). A coordinator keeps `charcount:run:<run>` alive while it
 * runs; a run whose key has expired lost its coordinator, and the first worker to see
 * that removes the run's queues, so nothing is left behind.
 *
 * Bump `PROTOCOL` when a shape changes: a worker fails a job of another version at once
 * (the coordinator reports its files) rather than misreading it. Results are positional
 * batches (core/codec.ts), the same format the native core returns.
 */
import type { PortableBatch } from '../../core/codec.js';
import type { RunSpec } from '../transport.js';

export const PROTOCOL = 2;

/** The set of live run ids, and the channel announcing a change to it. */
export const RUNS_KEY = 'charcount:runs';
export const RUNS_CHANNEL = 'charcount:runs';
/** A run's heartbeat key: it holds the run's description and expires without its coordinator. */
export const aliveKey = (run: string) => `charcount:run:${run}`;
export const batchQueue = (run: string) => `charcount-${run}`;
export const resultQueue = (run: string) => `charcount-${run}-results`;

/** How often the coordinator renews its heartbeat, and how long the key outlives a missed one. */
export const HEARTBEAT_MS = 5_000;
export const ALIVE_TTL_MS = 20_000;
/** How often workers look for runs they missed on the channel, or that lost their coordinator. */
export const RUNS_POLL_MS = 2_000;

/** Files in one queued batch: large enough that Redis round trips (~1 ms a job) stay small. */
export const JOB_FILES = 1024;

/** What the heartbeat key holds (for people looking at Redis, and the worker's log). */
export interface RunInfo {
  protocol: number;
  host: string;
  pid: number;
  cwd: string;
  started: string;
}

/** One task: everything a worker needs, so no job depends on another. */
export interface BatchJob extends RunSpec {
  protocol: number;
  paths: string[];
  /** Per path, `HINT_*` bits as discovery found them. */
  hints: number[];
}

/** Who scanned a batch: `host:pid` and its pool size (for the summary). */
export interface WorkerInfo {
  id: string;
  threads: number;
}

/** The answer to one job, as a job on the results queue (its id is the batch's). */
export interface ResultJob {
  protocol: number;
  /** The batch job's id. */
  id: string;
  worker: WorkerInfo;
  /** One result per path of the job, in the job's order. */
  batch: PortableBatch;
}
