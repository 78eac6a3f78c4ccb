/**
 * For the queue tests: redis-server processes, coordinator and worker processes of the
 * CLI, and comparison with a local run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { decodeBatch } from '../../src/codec/batch.js';
import { fromTransfer } from '../../src/codec/transfer.js';
import type { FileRecord } from '../../src/core/types.js';
import { HINT_FOLLOW } from '../../src/core/wire-format.js';
import {
  aliveKey,
  batchQueue,
  PROTOCOL,
  resultQueue,
  RUNS_CHANNEL,
  RUNS_KEY,
  type BatchJob,
  type ResultJob,
} from '../../src/dispatch/queue/protocol.js';
import { cli, runCli } from './cli.js';
import { repoRoot } from './paths.js';

export const hasRedisServer = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/** The query of every queued run, and of the local run it is compared with. */
export const QUERY = ['-c', ',', '-m', '4', '--count', '--binary', '--json'];

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `p`, or a failure saying what did not happen within `ms`. */
export async function within<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`not within ${ms} ms: ${what()}`)), ms)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `f` until it returns something truthy. */
export async function until<T>(
  f: () => Promise<T | undefined | null | false>,
  ms = 15_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const servers = new Set<RedisServer>();

/** A redis-server of the test's own, which the test may stop, pause and start again. */
export class RedisServer {
  private proc?: ChildProcess;
  private exited?: Promise<unknown>;
  private constructor(
    readonly port: number,
    private readonly args: string[],
  ) {}

  /** Started on a free port; `stopRedisServers` stops it. */
  static async start(...args: string[]): Promise<RedisServer> {
    const s = new RedisServer(await freePort(), args);
    servers.add(s);
    await s.up();
    return s;
  }

  url(db?: number): string {
    return `redis://127.0.0.1:${this.port}${db === undefined ? '' : `/${db}`}`;
  }

  async up(): Promise<void> {
    const proc = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.args],
      { stdio: 'ignore' },
    );
    this.proc = proc;
    this.exited = new Promise((resolve) => proc.on('exit', resolve));
    // Listening is enough (a server with a password would refuse a client without one).
    for (let i = 0; ; i++) {
      const listening = await new Promise<boolean>((resolve) => {
        const socket = connect(this.port, '127.0.0.1');
        socket.on('connect', () => resolve(true)).on('error', () => resolve(false));
        socket.on('connect', () => socket.destroy());
      });
      if (listening) return;
      if (i > 100) throw new Error('redis-server did not start');
      await sleep(50);
    }
  }

  /** Killed outright: with no persistence, its data is gone. */
  async down(): Promise<void> {
    this.proc?.kill('SIGCONT');
    this.proc?.kill('SIGKILL');
    await this.exited;
  }

  pause(): void {
    this.proc!.kill('SIGSTOP');
  }

  resume(): void {
    this.proc!.kill('SIGCONT');
  }
}

/** Stops every server `RedisServer.start` started. */
export async function stopRedisServers(): Promise<void> {
  for (const s of servers) await s.down();
  servers.clear();
}

/** A Redis client for the test itself. */
export async function withRedis<T>(url: string, f: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await f(r);
  } finally {
    r.disconnect();
  }
}

export const keys = (url: string) => withRedis(url, (r) => r.keys('*'));

const children = new Set<ChildProcess>();

/** Sends each of `signals` in turn to every process a `Proc` wraps that has not exited. */
export function killChildren(...signals: NodeJS.Signals[]): void {
  for (const c of children) for (const signal of signals) c.kill(signal);
}

/** A process whose output is kept, with a way to wait for a line. */
export class Proc {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  constructor(readonly child: ChildProcess) {
    children.add(child);
    child.stdout!.on('data', (d) => (this.stdout += d));
    child.stderr!.on('data', (d) => (this.stderr += d));
    this.exited = new Promise((resolve) =>
      child.on('exit', (code) => {
        children.delete(child);
        resolve(code);
      }),
    );
  }
  /** Resolves with the first match of `re` in stderr (checked as it arrives). */
  waitFor(re: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = re.exec(this.stderr);
        if (m) {
          clearTimeout(timer);
          this.child.stderr!.off('data', check);
          resolve(m);
        }
      };
      const timer = setTimeout(() => reject(new Error(`no ${re} in:\n${this.stderr}`)), timeoutMs);
      this.child.stderr!.on('data', check);
      check();
    });
  }
  /** Exit status, if the process ends within `ms`. */
  exit(ms: number): Promise<number | null> {
    return within(this.exited, ms, () => `the process did not exit; stderr:\n${this.stderr}`);
  }
  /** Sends `signal`, and how long the process then took to exit (it must within `ms`) and with what status. */
  async stopWith(signal: NodeJS.Signals, ms: number): Promise<{ code: number | null; took: number }> {
    const t0 = performance.now();
    this.child.kill(signal);
    const code = await this.exit(ms);
    return { code, took: performance.now() - t0 };
  }
}

/** `charcount ...args` in `cwd`, left running. */
export const run = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  new Proc(spawn(process.execPath, [cli, ...args], { cwd, stdio: 'pipe', env: { ...process.env, ...env } }));

export const worker = (url: string, ...extra: string[]) =>
  run(['worker', '--queue', url, '-j', '1', '--verbose', ...extra], repoRoot);

/**
 * A worker, then a coordinator over `inputs` in `cwd` (the internal timing knobs in `env`),
 * caught with a batch in the worker's hands.
 */
export async function runWithBatchInHand(
  url: string,
  inputs: string[],
  cwd: string,
  env: Record<string, string> = {},
  ...workerArgs: string[]
) {
  const w = worker(url, ...workerArgs);
  await w.waitFor(/waiting for runs/);
  const coordinator = run([...QUERY, '--queue', url, ...inputs], cwd, env);
  const [, batch] = await w.waitFor(/batch (b\d+) \(/);
  return { w, coordinator, batch: batch! };
}

export interface Doc {
  summary: Record<string, unknown>;
  records: { path: string }[];
}

/** The parts of a summary that do not depend on timing or on who scanned. */
export const figures = (s: Record<string, unknown>) => {
  const { elapsedMs, bytesPerSecond, filesPerSecond, threads, workers, backend, ...rest } = s;
  return rest;
};

/** The QUERY run locally over `inputs` in `cwd`: its document, and what it said on stderr. */
export function runLocally(inputs: string[], cwd: string): { doc: Doc; stderr: string } {
  const r = runCli(cwd, [...QUERY, ...inputs]);
  return { doc: JSON.parse(r.stdout), stderr: r.stderr };
}

/** Exactly one record per path, and the same records and figures as `want`. */
export function expectSameAs(got: Doc, want: Doc): void {
  const paths = got.records.map((r) => r.path);
  expect(new Set(paths).size).toBe(paths.length);
  expect(got.records).toEqual(want.records);
  expect(figures(got.summary)).toEqual(figures(want.summary));
}

/**
 * A run registered by hand on `url`, as a coordinator registers one (heartbeat, runs set,
 * announcement), with one batch job naming `paths` (relative to `cwd`, each followed if a
 * link, as named paths are) for `-c , -m 1 --count`: what anyone who can write to the Redis
 * can send a worker. Resolves with the records of the answer a worker sends back.
 */
export async function handMadeBatch(url: string, cwd: string, paths: string[]): Promise<FileRecord[]> {
  const run = `by-hand-${process.pid}`;
  const info = { protocol: PROTOCOL, host: 'by-hand', pid: process.pid, cwd, started: new Date().toISOString() };
  const job: BatchJob = {
    protocol: PROTOCOL,
    cwd,
    counters: [{ what: ',', min: 1, reset: 0 }],
    read: { full: true, scanBinary: false, follow: false, encoding: 'utf-8', bomSniff: true, searchZip: false },
    paths,
    hints: paths.map(() => HINT_FOLLOW),
  };
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const batches = new Queue(batchQueue(run), { connection });
  const results = new Queue<ResultJob>(resultQueue(run), { connection });
  try {
    await connection.set(aliveKey(run), JSON.stringify(info), 'PX', 60_000);
    await connection.sadd(RUNS_KEY, run);
    await connection.publish(RUNS_CHANNEL, run);
    await batches.add('batch', job, { jobId: 'b1' });
    const [answer] = await until(
      async () => {
        const waiting = await results.getWaiting();
        return waiting.length ? waiting : undefined;
      },
      20_000,
      "the worker's answer",
    );
    const batch = fromTransfer(answer!.data.batch, paths.length, 1);
    expect(batch, 'a well-formed answer').toBeDefined();
    const shape = { counters: 1, multi: false, full: true, hits: false, histograms: false };
    return decodeBatch(paths, batch!, shape) as FileRecord[];
  } finally {
    await batches.close();
    await results.close();
    connection.disconnect();
  }
}
