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
 * that removes the run's queues, so nothing is left behind. A coordinator that was only
 * paused (or whose Redis restarted empty) finds its key or its entry gone at its next
 * heartbeat, registers the run again and re-sends what is outstanding.
 *
 * Bump `PROTOCOL` when a shape changes: a worker fails a job of another version at once
 * (the coordinator reports its files) rather than misreading it. Results are positional
 * batches (core/codec.ts), the same format the native core returns.
 */
import type { TransferBatch } from '../../codec/transfer.js';
import type { BackendName } from '../../core/types.js';
import type { RunSpec } from '../transport.js';

export const PROTOCOL = 5;

/** The set of live run ids, and the channel announcing a change to it. */
export const RUNS_KEY = 'charcount:runs';
export const RUNS_CHANNEL = 'charcount:runs';
/** A run's heartbeat key: it holds the run's description and expires without its coordinator. */
export const aliveKey = (run: string) => `charcount:run:${run}`;
export const batchQueue = (run: string) => `charcount-${run}`;
export const resultQueue = (run: string) => `charcount-${run}-results`;

/**
 * A whole number of milliseconds from the environment, else `fallback`. Internal knobs,
 * for tests that cannot wait for production timings; not part of the documented interface.
 */
function knob(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

/**
 * How long the heartbeat key outlives its last renewal (internal knob
 * `CHARCOUNT_QUEUE_ALIVE_TTL_MS`, default 20 s), and how often the coordinator renews it
 * (and checks that its run is still registered: a coordinator paused past the TTL, or a
 * Redis that restarted empty, finds its run removed and registers it again).
 */
export const ALIVE_TTL_MS = knob('CHARCOUNT_QUEUE_ALIVE_TTL_MS', 20_000);
export const HEARTBEAT_MS = Math.max(50, Math.floor(ALIVE_TTL_MS / 4));
/** How often workers look for runs they missed on the channel, or that lost their coordinator. */
export const RUNS_POLL_MS = 2_000;

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

/** Who scanned a batch: `host:pid`, its pool size and back end (for the summary). */
export interface WorkerInfo {
  id: string;
  threads: number;
  /** Absent from workers of versions that had only the native back end. */
  backend?: BackendName;
}

/** The answer to one job, as a job on the results queue (its id is the batch's). */
export interface ResultJob {
  protocol: number;
  /** The batch job's id. */
  id: string;
  worker: WorkerInfo;
  /** One result per path of the job, in the job's order. */
  batch: TransferBatch;
}

/** What a run id looks like (`newRunId()`); anything else in the runs set is not a run. */
export const RUN_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * The heartbeat's value, or `undefined` when it is not one (another program's, or a
 * corrupted write): a JSON object with a numeric `protocol` and, for this protocol, the
 * run's directory. A run of another protocol is returned as it is (its jobs are refused).
 */
export function parseRunInfo(value: string): RunInfo | undefined {
  let v: unknown;
  try {
    v = JSON.parse(value);
  } catch {
    return undefined;
  }
  const info = v as Partial<RunInfo> | null;
  if (typeof info !== 'object' || info === null || Array.isArray(info) || typeof info.protocol !== 'number')
    return undefined;
  if (info.protocol === PROTOCOL && (typeof info.cwd !== 'string' || !info.cwd)) return undefined;
  return info as RunInfo;
}
