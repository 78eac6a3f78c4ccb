/**
 * queue/client: the transport of a queued run. Tasks become jobs on a BullMQ queue named
 * for the run; `charcount worker` processes anywhere scan them and send back each job's
 * positional batch as a job on the run's results queue.
 *
 * Exactly one outcome per task, whatever happens to workers:
 * * a task is outstanding until its batch arrives; a second answer for it (a worker that
 *   stalled, was presumed dead, and then finished anyway) is dropped;
 * * an answer that does not fit its task is logged as a warning and dropped, and the task
 *   is sent again (its job may be gone already); a task answered wrongly three times is
 *   lost (below);
 * * a worker that dies mid-job stops renewing its lock, and BullMQ's stalled-job check
 *   puts the job back for another worker;
 * * a job that fails for good (it stalled twice, or errored three times) is a lost task:
 *   the run loop sends its paths again one a task, and a path lost alone is `EWORKER`;
 * * a run that was removed from Redis under it (this process was paused past the
 *   heartbeat's TTL and the workers took it for dead, or Redis restarted empty) is
 *   registered again and its outstanding tasks re-sent: nothing in Redis is needed to
 *   finish a run that the coordinator does not also hold.
 *
 * However the run ends — finished, aborted, failed — its queues are removed from Redis
 * (at once if Redis is there; if it is not, the workers remove them after the TTL).
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { hostname } from 'node:os';
import { partsOf } from '../../codec/batch.js';
import { fromTransfer } from '../../codec/transfer.js';
import type { BackendName } from '../../core/types.js';
import type { Outcome, RunSpec, Task, Transport } from '../transport.js';
import { forgetRun, wrongTypeMessage } from './cleanup.js';
import { JOB_FILES, queueWindow } from '../../engine/sizing.js';
import {
  displayUrl,
  dropClient,
  explainLoss,
  QueueUnavailableError,
  reach,
  redisClient,
  Reachability,
} from './connection.js';
import {
  aliveKey,
  ALIVE_TTL_MS,
  batchQueue,
  HEARTBEAT_MS,
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
/** Malformed answers to one task before it is given up as lost. */
const MALFORMED_ANSWERS = 3;
/** A job's failure that is Redis refusing a command, not a worker failing to scan. */
const REDIS_REFUSAL = /^(WRONGTYPE|OOM|READONLY|MISCONF|NOPERM|NOAUTH|EXECABORT)\b/;
/** How long the clean-up at the end waits for a Redis that is not there. */
const CLOSE_GRACE_MS = 1_500;

function newRunId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8).padEnd(6, '0')}`;
}

/** A value from a job, short enough for a warning. */
const describe = (x: unknown) => (JSON.stringify(x) ?? String(x)).slice(0, 80);

export class QueueTransport implements Transport {
  readonly batchSize = JOB_FILES;
  private readonly run = newRunId();
  private readonly clients: Redis[] = [];
  private readonly control: Redis;
  private readonly reachability: Reachability;
  private readonly batches: Queue<BatchJob>;
  private readonly resultsQueue: Queue<ResultJob>;
  private readonly results: Worker<ResultJob>;
  private readonly info: RunInfo;
  private readonly outstanding = new Map<string, Task>();
  /** Malformed answers so far, by task. */
  private readonly malformed = new Map<string, number>();
  private readonly outcomes: Outcome[] = [];
  private readonly workerThreads = new Map<string, number>();
  /** Workers that answered from the portable back end. */
  private readonly portableWorkers = new Set<string>();
  private readonly timers: NodeJS.Timeout[] = [];
  private lost?: Error;
  private seq = 0;
  private workersSeen = 1;
  private checking = false;
  private beating = false;
  /** Work of the run's own on Redis (a heartbeat, a check, a re-send): close() lets it land first. */
  private readonly pending = new Set<Promise<unknown>>();
  private closing?: Promise<void>;
  private cancelRun!: () => void;
  private readonly cancelled = new Promise<void>((resolve) => (this.cancelRun = resolve));
  private lastCheck = performance.now();
  private waitingSince = performance.now();
  private lastWarning = 0;

  private constructor(
    private readonly url: string,
    private readonly spec: RunSpec,
    private readonly notify: () => void,
    private readonly onWarning: ((message: string) => void) | undefined,
  ) {
    this.control = this.client();
    this.reachability = new Reachability(this.control);
    this.info = {
      protocol: PROTOCOL,
      host: hostname(),
      pid: process.pid,
      cwd: spec.cwd,
      started: new Date().toISOString(),
    };
    this.batches = new Queue<BatchJob>(batchQueue(this.run), { connection: this.client() });
    this.resultsQueue = new Queue<ResultJob>(resultQueue(this.run), { connection: this.client() });
    // Batches come back as jobs; taking one only files it for the run loop.
    this.results = new Worker<ResultJob>(resultQueue(this.run), async (job: Job<ResultJob>) => this.arrive(job.data), {
      connection: this.client(),
      concurrency: 8,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 0 },
    });
    // Failures surface through the calls that fail (and end the run); these only echo them.
    this.batches.on('error', () => {});
    this.resultsQueue.on('error', () => {});
    this.results.on('error', () => {});
  }

  /** Reaches Redis (failing fast when it cannot), registers the run, and starts its heartbeat. */
  static async open(
    url: string,
    spec: RunSpec,
    notify: () => void,
    onWarning?: (message: string) => void,
  ): Promise<QueueTransport> {
    await reach(url);
    const t = new QueueTransport(url, spec, notify, onWarning);
    try {
      await t.register();
    } catch (e) {
      const why = await t.explain(e);
      await t.close();
      if (why instanceof QueueUnavailableError) throw why;
      throw new QueueUnavailableError(`could not register the run on Redis at ${displayUrl(url)}: ${why.message}`);
    }
    t.every(HEARTBEAT_MS, () => void t.inFlight(t.beat()));
    t.every(CHECK_MS, () => void t.inFlight(t.check()));
    return t;
  }

  /** Worker processes that answered, for the summary (undefined until one has). */
  get workers(): number | undefined {
    return this.workerThreads.size || undefined;
  }

  /** The back end that scanned: `portable` if any worker that answered ran it. */
  get backend(): BackendName {
    return this.portableWorkers.size ? 'portable' : 'native';
  }

  /** Threads behind the queue: those of the workers that answered (at least one). */
  get threads(): number {
    const answered = [...this.workerThreads.values()].reduce((a, b) => a + b, 0);
    return Math.max(1, answered || this.workersSeen);
  }

  get window(): number {
    return queueWindow(this.workersSeen);
  }

  private client(): Redis {
    return redisClient(this.url, 'coordinator', (c) => this.clients.push(c));
  }

  /** Tracks `p` (whose failures its own code reports) until it settles. */
  private inFlight(p: Promise<unknown>): Promise<void> {
    const settled = p.then(
      () => {},
      () => {},
    );
    this.pending.add(settled);
    return settled.finally(() => this.pending.delete(settled));
  }

  private every(ms: number, f: () => void): void {
    const timer = setInterval(f, ms);
    timer.unref();
    this.timers.push(timer);
  }

  /** An error of Redis as one sentence naming the server (and, for a key of the wrong type, the key). */
  private async explain(e: unknown): Promise<Error> {
    // A transaction Redis refused (EXECABORT) carries the refusal itself (OOM, …).
    e = (e as { previousErrors?: unknown[] } | undefined)?.previousErrors?.[0] ?? e;
    const wrongType = await wrongTypeMessage(this.control, e, this.url, this.run);
    const why = wrongType ? new QueueUnavailableError(wrongType) : explainLoss(e, this.url);
    return why instanceof Error ? why : new Error(String(why));
  }

  private async fail(e: unknown): Promise<void> {
    const why = await this.explain(e);
    this.lost ??= why;
    this.notify();
  }

  /** The heartbeat key, the runs set, and a word to the workers. */
  private async register(): Promise<void> {
    await this.control.set(aliveKey(this.run), JSON.stringify(this.info), 'PX', ALIVE_TTL_MS);
    await this.control.sadd(RUNS_KEY, this.run);
    await this.control.publish(RUNS_CHANNEL, this.run);
  }

  /**
   * Renews the heartbeat, and makes sure the run is still registered: workers remove a
   * run whose heartbeat lapsed (this process was stopped, or starved, for longer than
   * the TTL), and a Redis that restarted has lost it. Either way the run is registered
   * again and its outstanding tasks re-sent (the workers dropped them with its queues).
   */
  private async beat(): Promise<void> {
    if (this.beating || this.closing) return;
    this.beating = true;
    try {
      const replies = await this.control
        .multi()
        .set(aliveKey(this.run), JSON.stringify(this.info), 'PX', ALIVE_TTL_MS, 'XX')
        .sismember(RUNS_KEY, this.run)
        .exec();
      const error = replies?.find(([e]) => e)?.[0];
      if (!replies || error) throw error ?? new Error('Connection is closed.');
      if (replies[0]![1] === 'OK' && replies[1]![1] === 1) return;
      await this.register();
      const resent = await this.send([...this.outstanding]);
      this.waitingSince = performance.now();
      this.onWarning?.(
        `this run had been removed from Redis at ${displayUrl(this.url)} (its heartbeat went ${ALIVE_TTL_MS / 1000} s without renewal — was this process paused? — or Redis lost its data), so it registered the run again and re-sent its ${resent} outstanding batches`,
      );
    } catch (e) {
      await this.fail(e);
    } finally {
      this.beating = false;
    }
  }

  private arrive(data: unknown): void {
    const r = (typeof data === 'object' && data !== null ? data : {}) as Partial<ResultJob>;
    const id = typeof r.id === 'string' ? r.id : undefined;
    const task = id === undefined ? undefined : this.outstanding.get(id);
    if (id !== undefined && !task) return; // answered before, by a worker presumed dead
    const worker = r.worker;
    const from = typeof worker?.id === 'string' ? worker.id : 'an unknown worker';
    const batch =
      task &&
      r.protocol === PROTOCOL &&
      typeof worker?.id === 'string' &&
      Number.isInteger(worker.threads) &&
      worker.threads > 0
        ? fromTransfer(r.batch, task.paths.length, this.spec.counters.length, partsOf(this.spec.read))
        : undefined;
    if (id === undefined || !task || !worker || !batch) {
      // Not an answer to this task: it is sent again (its job may have completed already).
      const about =
        id === undefined ? `an answer with no batch id (${describe(data)})` : `a malformed answer to batch ${id}`;
      this.onWarning?.(
        `ignored ${about} from ${from} (protocol ${describe(r.protocol)}, ours ${PROTOCOL})${task ? ', and sent the batch again' : ''}: run the same charcount version everywhere`,
      );
      if (id !== undefined && task) this.retry(id, task);
      return;
    }
    this.outstanding.delete(id);
    this.malformed.delete(id);
    this.workerThreads.set(worker.id, worker.threads);
    if (worker.backend === 'portable') this.portableWorkers.add(worker.id);
    this.outcomes.push({ task, batch });
    this.notify();
  }

  /** Sends a wrongly answered task again, or gives it up as lost after `MALFORMED_ANSWERS`. */
  private retry(id: string, task: Task): void {
    const times = (this.malformed.get(id) ?? 0) + 1;
    this.malformed.set(id, times);
    if (times >= MALFORMED_ANSWERS) {
      this.outstanding.delete(id);
      this.malformed.delete(id);
      this.outcomes.push({ task, lost: `its batch was answered wrongly ${times} times` });
      this.notify();
      return;
    }
    void this.inFlight(this.send([[id, task]]).catch((e) => this.fail(e)));
  }

  /** Adds the jobs of outstanding tasks (a job that is still queued is left as it is). */
  private async send(tasks: [string, Task][]): Promise<number> {
    if (!tasks.length) return 0;
    const jobs = tasks.map(([id, task]) => ({
      name: 'batch',
      data: { protocol: PROTOCOL, ...this.spec, paths: task.paths, hints: Array.from(task.hints) },
      opts: { jobId: id, attempts: ATTEMPTS, removeOnComplete: true, removeOnFail: false },
    }));
    await this.batches.addBulk(jobs);
    return jobs.length;
  }

  async submit(tasks: Task[]): Promise<void> {
    const ids = tasks.map((task): [string, Task] => {
      const id = `b${++this.seq}`;
      this.outstanding.set(id, task);
      return [id, task];
    });
    // An aborted run does not wait for its jobs to reach a Redis that is reconnecting
    // (close() lets them land, or not, and cleans up).
    const sending = this.send(ids);
    void this.inFlight(sending);
    try {
      await Promise.race([sending, this.cancelled]);
    } catch (e) {
      throw await this.explain(e);
    }
  }

  take(): Outcome[] {
    if (this.lost) throw this.lost;
    return this.outcomes.splice(0);
  }

  /** Jobs that failed for good become lost tasks; and is anyone there to take the work? */
  private async check(): Promise<void> {
    if (this.checking || this.closing) return;
    this.checking = true;
    try {
      const now = performance.now();
      // A process that was stopped (SIGSTOP) has not been waiting for workers meanwhile.
      if (now - this.lastCheck > 3 * CHECK_MS) this.waitingSince = now;
      this.lastCheck = now;
      for (const job of await this.batches.getFailed(0, 999)) {
        // Redis refusing the workers' answers (out of memory, a key another program
        // overwrote, a read-only replica…) fails every batch: say so, rather than turn
        // every file into an error record.
        if (REDIS_REFUSAL.test(job.failedReason ?? '')) {
          await this.fail(Object.assign(new Error(job.failedReason), { name: 'ReplyError' }));
          return;
        }
        const task = job.id === undefined ? undefined : this.outstanding.get(job.id);
        if (task) {
          this.outstanding.delete(job.id!);
          this.outcomes.push({ task, lost: `no worker could scan this file: ${job.failedReason || 'the job failed'}` });
        }
        await job.remove();
      }
      const workers = await this.batches.getWorkersCount();
      this.workersSeen = Math.max(1, workers);
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
      await this.fail(e);
    } finally {
      this.checking = false;
    }
  }

  /** The run was aborted: a submit() waiting on Redis returns at once. */
  cancel(): void {
    this.cancelRun();
  }

  /**
   * Removes every trace of the run from Redis; errors here must not hide the run's own.
   * A Redis that is not there is waited for only briefly: the workers remove a run whose
   * heartbeat has stopped.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const timer of this.timers) clearInterval(timer);
      const quietly = async (step: () => Promise<unknown>) => {
        try {
          await step();
        } catch {
          // Redis is gone, or a key is not what BullMQ expects (forgetRun sweeps those).
        }
      };
      const cleanup = async () => {
        // Else a re-registration or a re-send could land after the clean-up, and outlive the run.
        await Promise.allSettled(this.pending);
        await quietly(() => this.results.close(true));
        await quietly(() => this.control.srem(RUNS_KEY, this.run));
        await quietly(() => forgetRun(this.control, this.run));
        await quietly(() => this.control.publish(RUNS_CHANNEL, this.run));
        for (const q of [this.batches, this.resultsQueue]) await quietly(() => q.close());
      };
      const gone = this.reachability.lost(CLOSE_GRACE_MS);
      await Promise.race([cleanup(), gone.promise]);
      gone.cancel();
      void this.results.close(true).catch(() => {});
      for (const c of this.clients) dropClient(c);
    })();
    return this.closing;
  }
}
