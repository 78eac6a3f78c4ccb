/**
 * queue/client: the transport of a queued run. Tasks become jobs on a BullMQ queue named
 * for the run; `charcount worker` processes anywhere scan them and send back each job's
 * positional batch as a job on the run's results queue.
 *
 * Exactly one outcome per task, whatever happens to workers:
 * * a task is outstanding until its batch arrives; a second answer for it (a worker that
 *   stalled, was presumed dead, and then finished anyway) is dropped, and so is an
 *   answer that does not fit the task (it is logged as a warning and the task stays
 *   outstanding until it fails for good);
 * * a worker that dies mid-job stops renewing its lock, and BullMQ's stalled-job check
 *   puts the job back for another worker;
 * * a job that fails for good (it stalled twice, or errored three times) is a lost task:
 *   the run loop sends its paths again one a task, and a path lost alone is `EWORKER`.
 *
 * However the run ends — finished, aborted, failed — its queues are removed from Redis.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { hostname } from 'node:os';
import { fromPortable } from '../../core/codec.js';
import type { Outcome, RunSpec, Task, Transport } from '../transport.js';
import { displayUrl, explainLoss, QueueUnavailableError, reach, redisClient } from './connection.js';
import {
  aliveKey,
  ALIVE_TTL_MS,
  batchQueue,
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

/** How often the client looks for jobs that failed for good, and for workers. */
const CHECK_MS = 1_000;
/** How long a run may wait with no worker connected before it says so (and how often). */
const NO_WORKER_WARNING_MS = 5_000;
/** Attempts of a job whose worker reports an error (stalls are counted by the workers). */
const ATTEMPTS = 3;

function newRunId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export class QueueTransport implements Transport {
  readonly batchSize = JOB_FILES;
  private readonly run = newRunId();
  private readonly clients: Redis[] = [];
  private readonly control: Redis;
  private readonly batches: Queue<BatchJob>;
  private readonly resultsQueue: Queue<ResultJob>;
  private readonly results: Worker<ResultJob>;
  private readonly outstanding = new Map<string, Task>();
  private readonly outcomes: Outcome[] = [];
  private readonly workerThreads = new Map<string, number>();
  private readonly timers: NodeJS.Timeout[] = [];
  private lost: unknown;
  private seq = 0;
  private workersSeen = 1;
  private checking = false;
  private waitingSince = performance.now();
  private lastWarning = 0;

  private constructor(
    private readonly url: string,
    private readonly spec: RunSpec,
    private readonly notify: () => void,
    private readonly onWarning: ((message: string) => void) | undefined,
  ) {
    this.control = this.client(false);
    this.batches = new Queue<BatchJob>(batchQueue(this.run), { connection: this.client(false) });
    this.resultsQueue = new Queue<ResultJob>(resultQueue(this.run), { connection: this.client(false) });
    // Batches come back as jobs; taking one only files it for the run loop.
    this.results = new Worker<ResultJob>(
      resultQueue(this.run),
      async (job: Job<ResultJob>) => this.arrive(job.data),
      { connection: this.client(true), concurrency: 8, removeOnComplete: { count: 0 } },
    );
    // Failures surface through the calls that fail (and end the run); these only echo them.
    this.batches.on('error', () => {});
    this.resultsQueue.on('error', () => {});
    this.results.on('error', () => {});
  }

  /** Reaches Redis (failing fast when it cannot), registers the run, and starts its heartbeat. */
  static async open(url: string, spec: RunSpec, notify: () => void, onWarning?: (message: string) => void): Promise<QueueTransport> {
    await reach(url);
    const t = new QueueTransport(url, spec, notify, onWarning);
    const info: RunInfo = { protocol: PROTOCOL, host: hostname(), pid: process.pid, cwd: spec.cwd, started: new Date().toISOString() };
    const beat = () => t.control.set(aliveKey(t.run), JSON.stringify(info), 'PX', ALIVE_TTL_MS);
    t.every(HEARTBEAT_MS, () => beat().catch((e) => t.fail(e)));
    t.every(CHECK_MS, () => void t.check());
    try {
      await beat();
      await t.control.sadd(RUNS_KEY, t.run);
      await t.control.publish(RUNS_CHANNEL, t.run);
    } catch (e) {
      await t.close();
      throw new QueueUnavailableError(`could not register the run on Redis at ${displayUrl(url)}: ${(e as Error).message}`);
    }
    return t;
  }

  /** Worker processes that answered, for the summary (undefined until one has). */
  get workers(): number | undefined {
    return this.workerThreads.size || undefined;
  }

  /** Threads behind the queue: those of the workers that answered (at least one). */
  get threads(): number {
    const answered = [...this.workerThreads.values()].reduce((a, b) => a + b, 0);
    return Math.max(1, answered || this.workersSeen);
  }

  get window(): number {
    return Math.max(64, 4 * this.workersSeen);
  }

  private client(blocking: boolean): Redis {
    const c = redisClient(this.url, 'coordinator', blocking);
    this.clients.push(c);
    return c;
  }

  private every(ms: number, f: () => void): void {
    const timer = setInterval(f, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private fail(e: unknown): void {
    this.lost ??= explainLoss(e, this.url);
    this.notify();
  }

  private arrive(r: ResultJob): void {
    const task = this.outstanding.get(r.id);
    if (!task) return; // answered before, by a worker presumed dead
    const batch = r.protocol === PROTOCOL ? fromPortable(r.batch, task.paths.length, this.spec.counters.length) : undefined;
    if (!batch) {
      // Not an answer to this task: it stays outstanding until a worker answers it or it fails for good.
      this.onWarning?.(`ignored a malformed answer to batch ${r.id} from ${String(r.worker?.id)} (protocol ${String(r.protocol)}, ours ${PROTOCOL}): run the same charcount version everywhere`);
      return;
    }
    this.outstanding.delete(r.id);
    this.workerThreads.set(r.worker.id, r.worker.threads);
    this.outcomes.push({ task, batch });
    this.notify();
  }

  async submit(tasks: Task[]): Promise<void> {
    const jobs = tasks.map((task) => {
      const id = `b${++this.seq}`;
      this.outstanding.set(id, task);
      return {
        name: 'batch',
        data: { protocol: PROTOCOL, ...this.spec, paths: task.paths, hints: Array.from(task.hints) },
        opts: { jobId: id, attempts: ATTEMPTS, removeOnComplete: true, removeOnFail: false },
      };
    });
    try {
      await this.batches.addBulk(jobs);
    } catch (e) {
      throw explainLoss(e, this.url);
    }
  }

  take(): Outcome[] {
    if (this.lost) throw this.lost;
    return this.outcomes.splice(0);
  }

  /** Jobs that failed for good become lost tasks; and is anyone there to take the work? */
  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      for (const job of await this.batches.getFailed(0, 999)) {
        const task = job.id === undefined ? undefined : this.outstanding.get(job.id);
        if (task) {
          this.outstanding.delete(job.id!);
          this.outcomes.push({ task, lost: `no worker could scan this file: ${job.failedReason || 'the job failed'}` });
        }
        await job.remove();
      }
      const workers = await this.batches.getWorkersCount();
      this.workersSeen = Math.max(1, workers);
      const now = performance.now();
      if (workers > 0 || this.outstanding.size === 0) this.waitingSince = now;
      else if (now - this.waitingSince >= NO_WORKER_WARNING_MS && now - this.lastWarning >= NO_WORKER_WARNING_MS) {
        this.lastWarning = now;
        const url = displayUrl(this.url);
        this.onWarning?.(
          `no charcount worker on ${url} has joined this run yet (workers join the runs whose directory, ${this.spec.cwd}, they can see); start one with: charcount worker --queue ${url}`,
        );
      }
      this.notify();
    } catch (e) {
      this.fail(e);
    } finally {
      this.checking = false;
    }
  }

  cancel(): void {}

  /** Removes every trace of the run from Redis; errors here must not hide the run's own. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    const quietly = async (step: () => Promise<unknown>) => {
      try {
        await step();
      } catch {
        // Redis is gone; the workers remove a run whose heartbeat has stopped.
      }
    };
    const queues = [this.batches, this.resultsQueue];
    await quietly(() => this.results.close(true));
    await quietly(() => this.control.srem(RUNS_KEY, this.run));
    for (const q of queues) await quietly(() => q.obliterate({ force: true }));
    await quietly(() => this.control.del(aliveKey(this.run)));
    await quietly(() => this.control.publish(RUNS_CHANNEL, this.run));
    for (const q of queues) await quietly(() => q.close());
    for (const c of this.clients) c.disconnect();
  }
}
