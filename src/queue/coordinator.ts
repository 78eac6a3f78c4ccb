/**
 * queue/coordinator: the dispatch stage of a queued run. Discovery, aggregation and
 * reporting stay in this process; batches go to a BullMQ queue named for the run, and
 * `charcount worker` processes anywhere scan them and send back their records.
 *
 * Exactly one record per discovered path, whatever happens to workers:
 * * a batch is outstanding until its records arrive; a second answer for it (a worker
 *   that stalled, was presumed dead, and then finished anyway) is dropped;
 * * a worker that dies mid-batch stops renewing its lock, and BullMQ's stalled-job check
 *   puts the batch back for another worker;
 * * a batch that fails for good (it stalled twice, or errored three times) is sent again
 *   one file a job, and a file that fails alone becomes an `EWORKER` error record — the
 *   same rule as a local worker thread that dies.
 *
 * However the run ends — finished, aborted, failed — its queues are removed from Redis.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { hostname } from 'node:os';
import type { Aggregator } from '../aggregate.js';
import { Intake, onePerTask, PathQueue, type TaskPaths } from '../batch.js';
import type { Discovered } from '../discover.js';
import type { ResolvedOptions } from '../options.js';
import { failedRecord } from '../records.js';
import { abortError, Wakeup, type AnyRecord } from '../scan.js';
import { displayUrl, explainLoss, QueueUnavailableError, reach, redisClient } from './connection.js';
import {
  aliveKey,
  ALIVE_TTL_MS,
  batchQueue,
  fromRows,
  HEARTBEAT_MS,
  JOB_FILES,
  PROTOCOL,
  resultQueue,
  RUNS_CHANNEL,
  RUNS_KEY,
  type BatchJob,
  type ResultJob,
  type RunInfo,
} from './protocol.js';

/** How often the coordinator looks for batches that failed for good, and for workers. */
const CHECK_MS = 1_000;
/** How long a run may wait with no worker connected before it says so (and how often). */
const NO_WORKER_WARNING_MS = 5_000;
/** Attempts of a batch whose worker reports an error (stalls are counted by the workers). */
const ATTEMPTS = 3;

function newRunId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function* queuePipeline(o: ResolvedOptions, source: AsyncIterable<Discovered[]>, agg: Aggregator): AsyncGenerator<AnyRecord[]> {
  const url = o.queue!;
  if (o.signal?.aborted) throw abortError(o.signal);
  await reach(url);

  const run = newRunId();
  const nCounters = o.counters.length;
  const spec: Omit<BatchJob, 'paths' | 'hints'> = {
    protocol: PROTOCOL,
    cwd: o.cwd,
    counters: o.counters.map((c) => ({ what: c.what, min: c.min, reset: c.reset })),
    multi: o.multi,
    fullScan: o.fullScan,
    follow: o.follow,
    scanBinary: o.scanBinary,
    maxFilesize: o.maxFilesize,
  };
  const clients: Redis[] = [];
  const client = (blocking: boolean) => {
    const c = redisClient(url, 'coordinator', blocking);
    clients.push(c);
    return c;
  };
  const control = client(false);
  const batches = new Queue<BatchJob>(batchQueue(run), { connection: client(false) });
  const resultsQueue = new Queue<ResultJob>(resultQueue(run), { connection: client(false) });
  const wakeup = new Wakeup();
  const arrived: ResultJob[] = [];
  let lost: unknown;
  const fail = (e: unknown) => {
    lost ??= e;
    wakeup.notify();
  };
  // Records come back as jobs; taking one only files it for the loop below.
  const results = new Worker<ResultJob>(
    resultQueue(run),
    async (job: Job<ResultJob>) => {
      arrived.push(job.data);
      wakeup.notify();
    },
    { connection: client(true), concurrency: 8, removeOnComplete: { count: 0 } },
  );
  // Failures surface through the calls that fail (and end the run); these only echo them.
  batches.on('error', () => {});
  resultsQueue.on('error', () => {});
  results.on('error', () => {});

  const info: RunInfo = { protocol: PROTOCOL, host: hostname(), pid: process.pid, cwd: o.cwd, started: new Date().toISOString() };
  const beat = () => control.set(aliveKey(run), JSON.stringify(info), 'PX', ALIVE_TTL_MS);
  const heartbeat = setInterval(() => beat().catch(fail), HEARTBEAT_MS);
  heartbeat.unref();

  const queue = new PathQueue();
  const outstanding = new Map<string, TaskPaths>();
  const ready: AnyRecord[] = [];
  const workerThreads = new Map<string, number>();
  let seq = 0;
  let workersSeen = 1;
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    wakeup.notify();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });

  const enqueue = async (tasks: TaskPaths[]) => {
    const jobs = tasks.map((task) => {
      const id = `b${++seq}`;
      outstanding.set(id, task);
      return {
        name: 'batch',
        data: { ...spec, paths: task.paths, hints: Array.from(task.hints) },
        opts: { jobId: id, attempts: ATTEMPTS, removeOnComplete: true, removeOnFail: false },
      };
    });
    await batches.addBulk(jobs);
  };

  let nextCheck = 0;
  let waitingSince = performance.now();
  let lastWarning = 0;
  /** Batches that failed for good, and whether anyone is there to take the work. */
  const check = async (): Promise<AnyRecord[]> => {
    const out: AnyRecord[] = [];
    const singles: TaskPaths[] = [];
    for (const job of await batches.getFailed(0, 999)) {
      const task = job.id === undefined ? undefined : outstanding.get(job.id);
      if (task) {
        outstanding.delete(job.id!);
        if (task.paths.length > 1) {
          singles.push(...onePerTask(task));
        } else {
          const message = `no worker could scan this file: ${job.failedReason || 'the job failed'}`;
          out.push(failedRecord(task.paths[0]!, { code: 'EWORKER', message }, nCounters, o.multi));
        }
      }
      await job.remove();
    }
    if (singles.length) await enqueue(singles);
    const workers = await batches.getWorkersCount();
    workersSeen = Math.max(1, workers);
    const now = performance.now();
    if (workers > 0 || outstanding.size === 0) waitingSince = now;
    else if (now - waitingSince >= NO_WORKER_WARNING_MS && now - lastWarning >= NO_WORKER_WARNING_MS) {
      lastWarning = now;
      o.onWarning?.(
        `no charcount worker on ${displayUrl(url)} has joined this run yet (workers join the runs whose directory, ${o.cwd}, they can see); start one with: charcount worker --queue ${displayUrl(url)}`,
      );
    }
    return out;
  };

  const timer = setInterval(() => wakeup.notify(), CHECK_MS);
  timer.unref();
  let intake: Intake | undefined;
  const progress = agg.progress(o.onProgress, o.progressIntervalMs, () => intake?.done ?? false);
  try {
    try {
      await beat();
      await control.sadd(RUNS_KEY, run);
      await control.publish(RUNS_CHANNEL, run);
    } catch (e) {
      throw new QueueUnavailableError(`could not register the run on Redis at ${displayUrl(url)}: ${(e as Error).message}`);
    }
    const discovered = (intake = new Intake(source, queue, 8 * JOB_FILES, {
      found: (n) => (agg.discovered += n),
      failed: (path, error) => ready.push(failedRecord(path, error, nCounters, o.multi)),
      notify: () => wakeup.notify(),
    }));
    for (;;) {
      wakeup.arm();
      if (aborted) break;
      if (lost) throw lost;
      if (discovered.error) throw discovered.error;
      if (ready.length) yield ready.splice(0);
      for (const r of arrived.splice(0)) {
        const task = outstanding.get(r.batch);
        if (!task) continue; // answered before, by a worker presumed dead
        if (r.protocol !== PROTOCOL || r.rows?.length !== task.paths.length || r.rows.includes(null as never)) {
          throw new Error(`a worker answered batch ${r.batch} with ${r.rows?.length} records for ${task.paths.length} files (protocol ${r.protocol}, ours ${PROTOCOL}): run the same charcount version everywhere`);
        }
        outstanding.delete(r.batch);
        workerThreads.set(r.worker.id, r.worker.threads);
        agg.workers = workerThreads.size;
        agg.threads = [...workerThreads.values()].reduce((a, b) => a + b, 0);
        yield fromRows(task.paths, r.rows);
        if (aborted) break;
      }
      if (aborted) break;
      const maxOutstanding = Math.max(64, 4 * workersSeen);
      const tasks: TaskPaths[] = [];
      while (outstanding.size + tasks.length < maxOutstanding && (queue.length >= JOB_FILES || (queue.length > 0 && discovered.done))) {
        tasks.push(queue.take(JOB_FILES, workersSeen, discovered.done));
      }
      if (tasks.length) await enqueue(tasks);
      discovered.poll();
      if (performance.now() >= nextCheck) {
        nextCheck = performance.now() + CHECK_MS;
        const failed = await check();
        if (failed.length) yield failed;
      }
      progress(false);
      if (discovered.done && !queue.length && !outstanding.size && !ready.length && !arrived.length) break;
      await wakeup.wait();
    }
  } catch (e) {
    throw explainLoss(e, url);
  } finally {
    clearInterval(timer);
    clearInterval(heartbeat);
    o.signal?.removeEventListener('abort', onAbort);
    await intake?.stop();
    progress(true);
    await cleanUp(run, control, [batches, resultsQueue], results);
    for (const c of clients) c.disconnect();
  }
  if (aborted) throw abortError(o.signal!);
}

/** Removes every trace of the run from Redis; errors here must not hide the run's own. */
async function cleanUp(run: string, control: Redis, queues: Queue[], results: Worker): Promise<void> {
  const quietly = async (step: () => Promise<unknown>) => {
    try {
      await step();
    } catch {
      // Redis is gone; the workers remove a run whose heartbeat has stopped.
    }
  };
  await quietly(() => results.close(true));
  await quietly(() => control.srem(RUNS_KEY, run));
  for (const q of queues) await quietly(() => q.obliterate({ force: true }));
  await quietly(() => control.del(aliveKey(run)));
  await quietly(() => control.publish(RUNS_CHANNEL, run));
  for (const q of queues) await quietly(() => q.close());
}
