/** ScanPool: threads kept between runs, the same answers as scan(). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Counter, scan, ScanPool } from '../src/index.js';
import { tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
const counter = new Counter('c', 3);
beforeAll(() => {
  for (let i = 0; i < 2000; i++) {
    mkdirSync(join(dir, `d${i % 10}`), { recursive: true });
    writeFileSync(join(dir, `d${i % 10}`, `f${i}.txt`), i % 3 ? 'ccc\n' : 'c\n');
  }
});
afterAll(cleanup);

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
  expect(() => pool.scan({ cwd: dir, counter })).toThrow(/closed/);
  expect(() => new ScanPool({ threads: 0 })).toThrow(RangeError);
});
