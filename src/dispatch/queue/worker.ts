/**
 * dispatch/queue/worker: `charcount worker`, the other end of a queued run. It watches Redis for
 * runs, takes their batches with a BullMQ Worker, scans each with the same run loop as a
 * local scan on this machine's thread pool (one pool for every run and batch), and
 * sends the job's positional batch back as a job.
 *
 * Stopping: `stop('finish')` (the first SIGTERM or Ctrl-C) takes no new batch and ends
 * once the batches in hand are done and answered; `stop('hand-back')` (the second)
 * returns those batches to the queue at once for another worker. A worker that is killed
 * outright stops renewing its locks, and BullMQ hands its batches on after
 * `stallTimeoutMs`. Neither kind of stop waits on a Redis that is not there: once Redis
 * has been unreachable for `OFFLINE_GRACE_MS` (or at once, while still connecting), the
 * worker drops its connections and ends, leaving the batches in hand to BullMQ's stall
 * check exactly as if it had been killed.
 *
 * One bad entry in the runs set (not a run id, a heartbeat that is not a run's
 * description) is removed with one line in the log; it never keeps the worker from the
 * runs listed after it.
 */
import { Queue, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { access } from 'node:fs/promises';
import { availableParallelism, hostname } from 'node:os';
import { BatchBuilder, partsOf } from '../../codec/batch.js';
import { toTransfer } from '../../codec/transfer.js';
import { isAbortOf } from '../../core/errors.js';
import type { Backend } from '../../backends/backend.js';
import { backend } from '../../backends/select.js';
import { checkInteger, checkRedisUrl } from '../../core/validate.js';
import { BUDGET_BYTES, BUDGET_HITS, TASK_FILES } from '../../engine/sizing.js';
import type { Discovered } from '../../engine/discover.js';
import { runLoop } from '../../engine/run.js';
import { LocalTransport, ThreadPool } from '../local.js';
import { forgetRun, wrongTypeMessage } from './cleanup.js';
import { OUTSIDE_ROOTS, withinRoots } from './roots.js';
import {
  clause,
  displayUrl,
  dropClient,
  QueueUnavailableError,
  reach,
  Reachability,
  redisClient,
} from './connection.js';
import {
  aliveKey,
  batchQueue,
  parseRunInfo,
  PROTOCOL,
  resultQueue,
  RUN_ID,
  RUNS_CHANNEL,
  RUNS_KEY,
  RUNS_POLL_MS,
  type BatchJob,
  type ResultJob,
  type RunInfo,
  type WorkerInfo,
} from './protocol.js';

export interface QueueWorkerOptions {
  /** The Redis server coordinators enqueue on: `redis://host:port`. */
  queue: string;
  /** Threads of the local pool. Default `os.availableParallelism()`. */
  threads?: number;
  /** Batches of one run in hand at once: two keep the pool busy while one's records travel. */
  concurrency?: number;
  /** A batch whose worker stops renewing its lock for this long goes to another worker. Default 30 s. */
  stallTimeoutMs?: number;
  /** Where the worker says what it does (a line at a time, no newline). */
  log?: (line: string) => void;
  /** Also log every batch. */
  verbose?: boolean;
  /**
   * The only directories to read below, as real paths (`resolveRoots()`): a path a job
   * names outside all of them, links and `..` resolved, is an `EOUTSIDEROOT` record and is
   * never opened. Default: any path this process may read.
   */
  roots?: Buffer[];
}

/** One run this worker takes part in. */
interface Attached {
  run: string;
  worker: Worker<BatchJob>;
  results: Queue<ResultJob>;
  blocking: Redis;
  /** Aborted when the run ends, or to hand the batches back. */
  controller: AbortController;
  handBack: boolean;
  active: Set<Promise<unknown>>;
  batches: number;
  files: number;
}

const RETRY_MS = 2_000;
/** How long a stopping worker waits for a Redis that is not there before it leaves without it. */
const OFFLINE_GRACE_MS = 2_000;

/** Why this machine cannot see a run's directory (an errno code), or undefined if it can. */
async function cannotSee(dir: string): Promise<string | undefined> {
  try {
    await access(dir);
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? String(e);
  }
}
const ERROR_LOG_MS = 10_000;

/** A value from Redis, short enough for a log line. */
const show = (v: string) => JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);

export class QueueWorker {
  readonly info: WorkerInfo;
  private readonly url: string;
  private readonly concurrency: number;
  private readonly stallTimeoutMs: number;
  private readonly log: (line: string) => void;
  private readonly verbose: boolean;
  private readonly roots?: Buffer[];
  private readonly runs = new Map<string, Attached>();
  /** The back end that scans here. */
  private readonly backend: Backend = backend();
  /** Runs whose directory this machine cannot see. */
  private readonly declined = new Set<string>();
  private readonly clients: Redis[] = [];
  private pool?: ThreadPool;
  private redis?: Redis;
  private reachability?: Reachability;
  private poll?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  private syncAgain = false;
  private stopping?: Promise<void>;
  /** Resolves when stop() is called: what start() waits on gives way to it. */
  private readonly halted: Promise<void>;
  private halt!: () => void;
  /** Stopped without Redis: whatever was still waiting on it is no longer reported. */
  private abandoned = false;
  private lastErrorLog = 0;
  /** The problem with the runs set last logged (logged once, not at every poll). */
  private runsProblem?: string;

  constructor(o: QueueWorkerOptions) {
    this.url = checkRedisUrl('queue', o.queue);
    const threads = o.threads === undefined ? availableParallelism() : checkInteger('threads', o.threads, 1, 1024);
    this.info = { id: `${hostname()}:${process.pid}`, threads, backend: this.backend.name };
    this.concurrency = o.concurrency === undefined ? 2 : checkInteger('concurrency', o.concurrency, 1, 1024);
    this.stallTimeoutMs =
      o.stallTimeoutMs === undefined ? 30_000 : checkInteger('stallTimeoutMs', o.stallTimeoutMs, 100);
    this.log = o.log ?? (() => {});
    this.verbose = o.verbose ?? false;
    this.roots = o.roots?.length ? o.roots : undefined;
    this.halted = new Promise((resolve) => (this.halt = resolve));
  }

  /** `p`, unless the worker is stopped first (then undefined, and p's outcome is ignored). */
  private unlessStopped<T>(p: Promise<T>): Promise<T | undefined> {
    p.catch(() => {});
    return Promise.race([p, this.halted.then(() => undefined)]);
  }

  /** Waits `ms`, or until the worker is stopped. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      void this.halted.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Connects (waiting for Redis as long as it takes) and starts taking batches; returns
   * at once if the worker is stopped meanwhile. A server that refuses the worker (a
   * password, a database it does not have) is not waited for: that throws.
   */
  async start(): Promise<void> {
    for (let warned = false; ; warned = true) {
      if (this.stopping) return;
      try {
        await this.unlessStopped(reach(this.url));
        break;
      } catch (e) {
        if (!(e instanceof QueueUnavailableError) || !e.retryable) throw e;
        if (!warned) this.log(`${e.message}; retrying every ${RETRY_MS / 1000} s`);
        await this.pause(RETRY_MS);
      }
    }
    if (this.stopping) return;
    this.pool = new ThreadPool(this.info.threads);
    // A worker serves a stream of jobs, each too small alone to be worth starting threads
    // for (local.ts): its threads start with it.
    this.pool.start();
    this.redis = this.client();
    this.reachability = new Reachability(this.redis);
    const subscriber = this.client();
    subscriber.on('message', () => void this.sync());
    await this.unlessStopped(subscriber.subscribe(RUNS_CHANNEL));
    if (this.stopping) return; // stopped while connecting: no poll to leave behind
    this.poll = setInterval(() => void this.sync(), RUNS_POLL_MS);
    this.log(
      `connected to ${displayUrl(this.url)} as ${this.info.id}, ${this.info.threads} threads on the ${this.info.backend} back end; waiting for runs`,
    );
    void this.sync();
  }

  /** Stops (see the module comment); a second call with 'hand-back' hurries the first. */
  stop(mode: 'finish' | 'hand-back'): Promise<void> {
    if (mode === 'hand-back') {
      for (const a of this.runs.values()) {
        a.handBack = true;
        a.controller.abort('hand-back');
      }
    }
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.halt();
    clearInterval(this.poll);
    const graceful = (async () => {
      await this.syncing;
      await Promise.all([...this.runs.values()].map((a) => this.detach(a, false)));
    })();
    // Whatever waits on Redis (a sync, an answer, a hand-back, closing a queue) waits
    // for ever while it is away: past the grace, leave without it.
    const gone = this.reachability?.lost(OFFLINE_GRACE_MS);
    const left = await Promise.race([
      graceful.then(() => false),
      gone ? gone.promise.then(() => true) : graceful.then(() => false),
    ]);
    gone?.cancel();
    if (left) {
      this.abandoned = true;
      const inHand = [...this.runs.values()].reduce((n, a) => n + a.active.size, 0);
      this.log(
        `Redis at ${displayUrl(this.url)} is unreachable: stopping without it` +
          (inHand
            ? `; the ${inHand} batches in hand go to another worker once their locks expire (--stall-timeout)`
            : ''),
      );
      for (const a of this.runs.values()) a.controller.abort('stopped without Redis');
    }
    await this.pool?.destroy();
    for (const c of this.clients) dropClient(c);
  }

  private client(): Redis {
    return redisClient(this.url, 'worker', (c) => this.clients.push(c));
  }

  private logError(e: unknown): void {
    const now = performance.now();
    if (this.abandoned || now - this.lastErrorLog < ERROR_LOG_MS) return;
    this.lastErrorLog = now;
    this.log(`error: ${e instanceof Error ? clause(e.message) : String(e)}`);
  }

  /** Joins new runs, leaves finished ones, and clears away runs whose coordinator died. */
  private sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false;
        if (this.stopping) break;
        try {
          await this.syncOnce();
        } catch (e) {
          this.logError(e);
        }
      } while (this.syncAgain);
      this.syncing = undefined;
    })();
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const redis = this.redis!;
    let live: string[];
    try {
      live = await redis.smembers(RUNS_KEY);
      this.runsProblem = undefined;
    } catch (e) {
      const wrongType = await wrongTypeMessage(redis, e, this.url);
      if (!wrongType) throw e;
      // Someone else's value where the runs set belongs: say so once, and look again at every poll.
      if (this.runsProblem !== wrongType) this.log(`${wrongType}; no run can be joined until then`);
      this.runsProblem = wrongType;
      return;
    }
    const alive = live.length ? await redis.mget(live.map(aliveKey)) : [];
    for (const [i, run] of live.entries()) {
      if (this.stopping) return;
      // One run's trouble must not keep the worker from the runs listed after it.
      try {
        await this.syncRun(run, alive[i] ?? null);
      } catch (e) {
        this.logError(e);
      }
    }
    for (const run of this.declined) if (!live.includes(run)) this.declined.delete(run);
    for (const a of this.runs.values()) {
      if (this.stopping) return;
      if (!live.includes(a.run)) await this.detach(a, true);
    }
  }

  /** Joins, or clears away, one entry of the runs set given its heartbeat's value. */
  private async syncRun(run: string, heartbeat: string | null): Promise<void> {
    const redis = this.redis!;
    const attached = this.runs.get(run);
    if (!RUN_ID.test(run)) {
      this.log(`removed ${show(run)} from ${RUNS_KEY}: not the id of a run`);
      await redis.srem(RUNS_KEY, run);
      return;
    }
    if (heartbeat === null) {
      // The coordinator stopped renewing its heartbeat: nobody will collect these records.
      if (attached) await this.detach(attached, true, 'its coordinator stopped answering');
      else await forgetRun(redis, run);
      await redis.srem(RUNS_KEY, run);
      return;
    }
    if (attached || this.declined.has(run)) return;
    const info = parseRunInfo(heartbeat);
    if (!info) {
      // Another program's value, or a corrupted write: no coordinator of ours wrote it.
      this.log(
        `run ${run}: removed from ${RUNS_KEY}: its heartbeat ${aliveKey(run)} does not describe a run (${show(heartbeat)})`,
      );
      await forgetRun(redis, run);
      await redis.srem(RUNS_KEY, run);
      return;
    }
    const unseen = typeof info.cwd === 'string' ? await cannotSee(info.cwd) : undefined;
    if (this.stopping || this.runs.has(run)) return;
    if (unseen) {
      // Taking its batches only to fail them would drain the run into error records.
      this.declined.add(run);
      this.log(
        `run ${run}: not joining: this machine cannot see ${info.cwd} (${unseen}); mount the shared filesystem at the same path`,
      );
    } else {
      this.attach(run, info);
    }
  }

  private attach(run: string, info: RunInfo): void {
    const blocking = this.client();
    const a: Attached = {
      run,
      blocking,
      // The coordinator owns the queue's metadata; a late write here could outlive the run.
      results: new Queue<ResultJob>(resultQueue(run), { connection: this.redis!, skipMetasUpdate: true }),
      worker: undefined!,
      controller: new AbortController(),
      handBack: false,
      active: new Set(),
      batches: 0,
      files: 0,
    };
    a.worker = new Worker<BatchJob>(
      batchQueue(run),
      (job, token) => {
        const p = this.process(a, job, token);
        a.active.add(p);
        return p.finally(() => a.active.delete(p));
      },
      {
        connection: blocking,
        concurrency: this.concurrency,
        lockDuration: this.stallTimeoutMs,
        stalledInterval: this.stallTimeoutMs,
        maxStalledCount: 1,
      },
    );
    a.worker.on('error', (e) => this.logError(e));
    a.results.on('error', (e) => this.logError(e));
    if (this.verbose) {
      a.worker.on('failed', (job, e) => {
        if (!a.controller.signal.aborted) this.log(`run ${run}: batch ${job?.id} failed: ${e.message}`);
      });
    }
    this.runs.set(run, a);
    this.log(`run ${run}: joined (coordinator ${info.host}:${info.pid}, in ${info.cwd})`);
  }

  /**
   * Leaves a run. When it is over (`ended`), batches in hand are abandoned and its queues
   * removed once more: a batch finished after the coordinator's clean-up would otherwise
   * leave a results job behind.
   */
  private async detach(a: Attached, ended: boolean, why = 'finished'): Promise<void> {
    if (ended) a.controller.abort('the run ended');
    try {
      await a.worker.close(ended);
      await Promise.allSettled(a.active);
      if (ended) await forgetRun(this.redis!, a.run);
      await a.results.close();
    } catch (e) {
      this.logError(e);
    }
    dropClient(a.blocking);
    this.runs.delete(a.run);
    if (this.abandoned) return;
    this.log(
      `run ${a.run}: left, ${why}${ended ? '' : ' (this worker is stopping)'} — ${a.batches} batches, ${a.files} files scanned here`,
    );
  }

  private async process(a: Attached, job: Job<BatchJob>, token: string | undefined): Promise<{ files: number }> {
    const data = job.data;
    if (data.protocol !== PROTOCOL) {
      throw new UnrecoverableError(
        `the coordinator speaks protocol ${data.protocol}, this worker ${PROTOCOL}: run the same charcount version everywhere`,
      );
    }
    if (this.verbose) this.log(`run ${a.run}: batch ${job.id} (${data.paths.length} files)`);
    const unseen = await cannotSee(data.cwd);
    if (unseen)
      throw new Error(
        `${this.info.id} cannot see ${data.cwd} (${unseen}): mount the shared filesystem at the same path on every machine`,
      );
    const builder = new BatchBuilder(data.paths.length, data.counters.length, partsOf(data.read));
    // With roots, a path outside them is refused before anything opens it.
    const roots = this.roots;
    const allowed = roots && (await Promise.all(data.paths.map((path) => withinRoots(path, data.cwd, roots))));
    const refused = allowed ? allowed.filter((ok) => !ok).length : 0;
    if (refused) {
      allowed!.forEach((ok, at) => ok || builder.fail(at, OUTSIDE_ROOTS));
      this.log(`run ${a.run}: batch ${job.id}: ${refused} of its paths are outside --root, not opened`);
    }
    async function* given(): AsyncGenerator<Discovered[]> {
      const paths = data.paths.map((path, at) => ({ path, hints: data.hints[at], at }));
      yield allowed ? paths.filter(({ at }) => allowed[at]) : paths;
    }
    const spec = { cwd: data.cwd, counters: data.counters, read: data.read };
    const open = async (notify: () => void) =>
      new LocalTransport(this.pool!, spec, notify, {
        backend: this.backend,
        batchSize: TASK_FILES,
        budgetBytes: BUDGET_BYTES,
        budgetHits: BUDGET_HITS,
        ownsPool: false,
      });
    const hooks = { found: () => {}, progress: () => {} };
    try {
      for await (const pieces of runLoop(given(), open, hooks, a.controller.signal)) {
        for (const p of pieces) {
          if (p.failed) builder.fail(p.failed.at, p.failed.error);
          else builder.put(p.task.at, p.batch);
        }
      }
    } catch (e) {
      if (isAbortOf(e, a.controller.signal) && a.handBack && token !== undefined) {
        await job.moveToWait(token);
        if (this.verbose) this.log(`run ${a.run}: batch ${job.id} handed back`);
        throw new WaitingError();
      }
      throw e;
    }
    if (a.controller.signal.aborted) throw new Error('the run ended');
    const answer: ResultJob = {
      protocol: PROTOCOL,
      id: job.id!,
      worker: this.info,
      batch: toTransfer(builder.build()),
    };
    // No jobId: an answer must never be taken for a duplicate of another job that claims
    // the same batch (a malformed one, a late one); the coordinator keeps the first good one.
    await a.results.add('records', answer, { removeOnComplete: true });
    a.batches++;
    a.files += data.paths.length;
    return { files: data.paths.length };
  }
}
