/** ScanPool: threads kept between runs, the same answers as scan(). */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Counter, isAbortError, scan, ScanPool, type FileRecord, type ScanRun } from '../src/index.js';
import { repoRoot, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
/**
 * Files that start a run's threads: one larger than what a run scans on the calling thread
 * (4 MiB), and more.
 */
const big = tempDir();
const counter = new Counter('c', 3);
beforeAll(() => {
  for (let i = 0; i < 2000; i++) {
    mkdirSync(join(dir, `d${i % 10}`), { recursive: true });
    writeFileSync(join(dir, `d${i % 10}`, `f${i}.txt`), i % 3 ? 'ccc\n' : 'c\n');
  }
  for (let i = 0; i < 80; i++) writeFileSync(join(big.dir, `b${i}.txt`), 'c'.repeat(64 * 1024));
  writeFileSync(join(big.dir, 'large.txt'), 'c'.repeat(5 * 1024 * 1024));
});
afterAll(() => {
  cleanup();
  big.cleanup();
});

test('runs on a pool give what scan() gives, and reuse its threads', async () => {
  const want = await scan({ cwd: dir, counter, sort: true }).result();
  await using pool = new ScanPool({ threads: 2 });
  for (let i = 0; i < 3; i++) {
    const got = await pool.scan({ cwd: dir, counter, sort: true, batchSize: 16 }).result();
    expect(got.records).toEqual(want.records);
    expect(got.summary).toMatchObject({ filesMatched: want.summary.filesMatched, threads: 2 });
  }
  const files = await pool.scanFiles(['d0/f10.txt', 'd0/f0.txt'], { cwd: dir, counter, sort: true }).result();
  expect(files.records.map((r) => [r.path, r.matched])).toEqual([
    ['d0/f0.txt', false],
    ['d0/f10.txt', true],
  ]);
});

test('a closed pool refuses new runs; a queued run is not for a pool', async () => {
  const pool = new ScanPool({ threads: 1 });
  expect(() => pool.scan({ cwd: dir, counter, queue: 'redis://127.0.0.1:1' })).toThrow(/not on a ScanPool/);
  await pool.close();
  expect(() => pool.scan({ cwd: dir, counter })).toThrow(
    expect.objectContaining({ code: 'ERR_INVALID_STATE', message: 'this ScanPool is closed' }),
  );
  expect(() => pool.scanFiles(['d0/f0.txt'], { cwd: dir, counter })).toThrow(
    expect.objectContaining({ code: 'ERR_INVALID_STATE' }),
  );
  expect(() => new ScanPool({ threads: 0 })).toThrow(RangeError);
});

describe('close() during a run ends the run as an abort does, never as file errors', () => {
  /** Iterates `run`, closing the pool once the first record has come. */
  async function closedMidRun(pool: ScanPool, run: ScanRun<FileRecord>) {
    const records: FileRecord[] = [];
    let closing: Promise<void> | undefined;
    const error = await (async () => {
      for await (const r of run) {
        records.push(r);
        closing ??= pool.close();
      }
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    await closing;
    return { records, error, summary: await run.summary() };
  }

  function expectAborted({ records, error, summary }: Awaited<ReturnType<typeof closedMidRun>>) {
    expect(error).toBeInstanceOf(Error);
    expect(isAbortError(error)).toBe(true);
    expect((error as Error).message).toMatch(/ScanPool was closed/);
    expect(summary.aborted).toBe(true);
    expect(records.filter((r) => r.error)).toEqual([]);
    expect(records.length).toBeLessThan(2000);
  }

  test('with its threads running', async () => {
    const pool = new ScanPool({ threads: 2 });
    // A first run past the calling thread's share starts the threads; later runs use them only.
    expect((await pool.scan({ cwd: big.dir, counter }).summary()).filesScanned).toBe(81);
    expectAborted(await closedMidRun(pool, pool.scan({ cwd: dir, counter, batchSize: 4 })));
  });

  test('before its threads start', async () => {
    const pool = new ScanPool({ threads: 2 });
    expectAborted(await closedMidRun(pool, pool.scan({ cwd: dir, counter, batchSize: 4 })));
  });

  test('scanFiles, and a run made before close() but started after', async () => {
    const pool = new ScanPool({ threads: 2 });
    const paths = Array.from({ length: 2000 }, (_, i) => `d${i % 10}/f${i}.txt`);
    expectAborted(await closedMidRun(pool, pool.scanFiles(paths, { cwd: dir, counter, batchSize: 4 })));
    const pending = new ScanPool({ threads: 1 });
    const later = pending.scan({ cwd: dir, counter });
    await pending.close();
    await expect(later.result()).rejects.toThrow(/ScanPool was closed/);
    expect((await later.summary()).aborted).toBe(true);
  });

  test("a run's own signal still aborts it with its own reason", async () => {
    await using pool = new ScanPool({ threads: 1 });
    const reason = new Error('mine');
    const run = pool.scan({ cwd: dir, counter, signal: AbortSignal.abort(reason) });
    await expect(run.result()).rejects.toBe(reason);
    expect((await pool.scan({ cwd: big.dir, counter }).summary()).filesScanned).toBe(81);
  });
});

describe("scan() without a pool shares the process's threads", () => {
  const script = (body: string) => `
    const { Counter, scan, scanFiles } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'dist', 'src', 'index.js')).href)});
    const { sharedPool } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'dist', 'src', 'internal.js')).href)});
    const counter = new Counter('c', 3);
    ${body}`;
  const node = (body: string) =>
    spawnSync(process.execPath, ['--input-type=module', '-e', script(body)], {
      encoding: 'utf8',
      // Only a process that never exits meets this: the test is that it exits by itself.
      timeout: 60_000,
    });

  test('calls find its threads booted and keep them, and the process exits by itself', () => {
    const r = node(`
      const threads = (await import('node:os')).availableParallelism();
      const pool = sharedPool(threads);
      pool.start();
      while (!pool.warm) await new Promise((resolve) => setTimeout(resolve, 5));
      const calls = [];
      for (let i = 0; i < 3; i++) {
        const { summary } = await scan({ cwd: ${JSON.stringify(big.dir)}, counter }).result();
        calls.push([summary.filesScanned, sharedPool(threads) === pool, pool.started]);
      }
      console.log(JSON.stringify({ threads, calls }));`);
    expect(r.signal).toBe(null);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { threads, calls } = JSON.parse(r.stdout) as { threads: number; calls: unknown[][] };
    expect(calls).toEqual([
      [81, true, threads],
      [81, true, threads],
      [81, true, threads],
    ]);
  });

  test('a program that calls scan() once exits by itself, its threads idle', () => {
    const r = node(`
      const { summary } = await scan({ cwd: ${JSON.stringify(big.dir)}, counter }).result();
      console.log(summary.filesScanned);`);
    expect(r.signal).toBe(null);
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '81\n', '']);
  });

  test('a program that never closes its ScanPool exits by itself once its runs are done', () => {
    const r = node(`
      const { ScanPool } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'dist', 'src', 'index.js')).href)});
      const pool = new ScanPool({ threads: 2 });
      const { summary } = await pool.scan({ cwd: ${JSON.stringify(big.dir)}, counter }).result();
      console.log(summary.filesScanned, pool.threads);`);
    expect(r.signal).toBe(null);
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '81 2\n', '']);
  });

  test('one aborted on the shared threads leaves them to the next', () => {
    const r = node(`
      const files = Array.from({ length: 40 }, () => 'large.txt');
      const aborted = scanFiles(files, { cwd: ${JSON.stringify(big.dir)}, counter, signal: AbortSignal.timeout(1) });
      const error = await aborted.result().then(() => 'finished', (e) => e.name);
      const { summary } = await scan({ cwd: ${JSON.stringify(big.dir)}, counter }).result();
      console.log(JSON.stringify([error === 'finished' || error === 'TimeoutError', summary.filesScanned, summary.filesErrored]));`);
    expect(r.signal).toBe(null);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([true, 81, 0]);
  });
});
