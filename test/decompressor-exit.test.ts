/**
 * `-z` with the system's decompressors (contract §2.3.1): however a run ends early — its
 * signal, `ScanPool.close()`, a consumer that stops iterating — every decompressor it
 * started is ended and reaped by the time the run has ended (its promise settled, its
 * iteration returned): none is left running, nor a zombie (an exited child nobody waited
 * for, which lives as long as this process does). Checked at that moment, not after a
 * while: a run that let go before its tasks came back leaves them briefly behind.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Counter, isAbortError, scanFiles, ScanPool } from '../src/index.js';
import { tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const has = (program: string) => spawnSync(program, ['--version'], { stdio: 'ignore' }).status === 0;
const FORMATS = [
  ['xz', '.xz'],
  ['bzip2', '.bz2'],
  ['zstd', '.zst'],
  ['lz4', '.lz4'],
] as const;
const counter = new Counter(',', 3);
/** Files of each format, 1 GiB each decompressed (never matching: read to the end). */
const FILES = 4;
const files = (suffix: string) => Array.from({ length: FILES }, (_, i) => `big${i}.txt${suffix}`);

beforeAll(() => {
  writeFileSync(join(dir, 'small.txt'), 'a\n');
  const piece = Buffer.alloc(16 << 20, 'a');
  for (const [program, suffix] of FORMATS) {
    if (!has(program)) continue;
    // Concatenated streams decompress as one: 64 × 16 MiB, from a small file.
    const compressed = spawnSync(program, ['-c'], { input: piece, maxBuffer: 1 << 26 }).stdout;
    const whole = Buffer.concat(Array.from({ length: 64 }, () => compressed));
    for (const name of files(suffix)) writeFileSync(join(dir, name), whole);
  }
});

interface Child {
  pid: number;
  comm: string;
  state: string;
}

/** This process's children named `comm` (any thread's), with their state (`Z`: a zombie). */
function children(comm: string): Child[] {
  const found: Child[] = [];
  for (const task of readdirSync('/proc/self/task')) {
    let list = '';
    try {
      list = readFileSync(`/proc/self/task/${task}/children`, 'utf8');
    } catch {
      continue; // the thread has ended
    }
    for (const pid of list.split(' ').filter(Boolean)) {
      try {
        const m = /^\d+ \((.*)\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))!;
        if (m[1] === comm) found.push({ pid: Number(pid), comm: m[1], state: m[2]! });
      } catch {
        // reaped meanwhile
      }
    }
  }
  return found;
}

/** Waits until a decompressor `program` runs. */
async function running(program: string): Promise<void> {
  while (!children(program).some((c) => c.state !== 'Z')) await sleep(5);
}

describe.runIf(process.platform === 'linux')(
  'a run that ends early leaves no decompressor behind',
  { timeout: 60_000 },
  () => {
    test.each(FORMATS.filter(([program]) => has(program)))(
      'its signal aborts it while %s runs',
      async (program, suffix) => {
        const ac = new AbortController();
        const run = scanFiles(files(suffix), {
          cwd: dir,
          counter,
          searchZip: true,
          threads: 2,
          batchSize: 1,
          signal: ac.signal,
        });
        const result = run.result();
        result.catch(() => {});
        await running(program);
        ac.abort();
        await expect(result).rejects.toMatchObject({ name: 'AbortError' });
        expect((await run.summary()).aborted).toBe(true);
        expect(children(program)).toEqual([]);
      },
    );

    test.runIf(has('xz'))('ScanPool.close() while xz runs', async () => {
      const pool = new ScanPool({ threads: 2 });
      const result = pool.scanFiles(files('.xz'), { cwd: dir, counter, searchZip: true, batchSize: 1 }).result();
      result.catch(() => {});
      await running('xz');
      await pool.close();
      await expect(result).rejects.toSatisfy(isAbortError);
      expect(children('xz')).toEqual([]);
    });

    test.runIf(has('zstd'))('a consumer that stops iterating while zstd runs', async () => {
      const paths = ['small.txt', ...files('.zst')];
      let seen = 0;
      for await (const _ of scanFiles(paths, { cwd: dir, counter, searchZip: true, threads: 2, batchSize: 1 })) {
        seen++;
        await running('zstd');
        break;
      }
      expect(seen).toBe(1);
      expect(children('zstd')).toEqual([]);
    });

    test.runIf(has('xz'))(
      'a pool run a consumer stops iterating: its decompressors end, the pool goes on',
      async () => {
        await using pool = new ScanPool({ threads: 2 });
        for await (const _ of pool.scanFiles(['small.txt', ...files('.xz')], {
          cwd: dir,
          counter,
          searchZip: true,
          batchSize: 1,
        })) {
          await running('xz');
          break;
        }
        expect(children('xz')).toEqual([]);
        const { records } = await pool.scanFiles(['small.txt'], { cwd: dir, counter }).result();
        expect(records).toMatchObject([{ path: 'small.txt', matched: false }]);
      },
    );
  },
);
