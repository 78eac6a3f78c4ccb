/**
 * `scanFiles(paths, { ordered: true })`: records in the order of the list — duplicates,
 * failures and a shard's subset included — however the files finish.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Counter, scan, scanFiles, ScanPool, type FileRecord, type MultiFileRecord } from '../src/index.js';
import { shardOf } from '../src/engine/shard.js';
import { tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
const paths: string[] = [];
beforeAll(() => {
  // A large file first, read to its end: the small ones after it finish before it.
  writeFileSync(join(dir, 'large.txt'), 'x,'.repeat(24 << 20));
  paths.push('large.txt');
  for (let i = 0; i < 60; i++) {
    writeFileSync(join(dir, `f${i}.txt`), ','.repeat(i % 4));
    paths.push(`f${i}.txt`);
  }
  mkdirSync(join(dir, 'sub'));
  paths.splice(10, 0, 'missing.txt', 'sub', 'f3.txt', 'nul\0.txt'); // failures and a repeat in the middle
});
afterAll(cleanup);

const counter = new Counter(',', 2);
const options = { cwd: dir, counter, ordered: true, threads: 2, batchSize: 1, fullScan: true } as const;

describe('ordered: true', () => {
  test('result() and iteration give the records in the order of the list', async () => {
    const { records } = await scanFiles(paths, options).result();
    expect(records.map((r) => r.path)).toEqual(paths);
    expect(records.find((r) => r.path === 'missing.txt')?.error?.code).toBe('ENOENT');
    expect(records.find((r) => r.path === 'sub')?.error?.code).toBe('EISDIR');
    expect(records[0]).toMatchObject({ path: 'large.txt', occurrences: 24 << 20 });
    const iterated: string[] = [];
    for await (const r of scanFiles(paths, options)) iterated.push(r.path);
    expect(iterated).toEqual(paths);
  });

  test('batches() too, and the summary counts every record', async () => {
    const run = scanFiles(paths, options);
    const seen: string[] = [];
    for await (const batch of run.batches()) seen.push(...batch.map((r) => r.path));
    expect(seen).toEqual(paths);
    expect((await run.summary()).filesDiscovered).toBe(paths.length);
  });

  test('several counters', async () => {
    const run = scanFiles(paths, { ...options, counter: undefined, counters: [counter, new Counter('x', 1)] });
    const { records } = await run.result();
    expect(records.map((r: MultiFileRecord) => r.path)).toEqual(paths);
  });

  test("a shard's paths, in the list's order", async () => {
    const shard = { index: 2, count: 3 };
    const { records } = await scanFiles(paths, { ...options, shard }).result();
    expect(records.map((r: FileRecord) => r.path)).toEqual(paths.filter((p) => shardOf(p, 3) === 2));
  });

  test('stopped early: what came is the start of the list', async () => {
    const ac = new AbortController();
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const r of scanFiles(paths, { ...options, signal: ac.signal })) {
          got.push(r.path);
          if (got.length === 20) ac.abort();
        }
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(got.length).toBeGreaterThanOrEqual(20); // the records in hand still come
    expect(got).toEqual(paths.slice(0, got.length));
  });
});

test("a ScanPool's scanFiles takes ordered as scanFiles does; its scan refuses it as scan does", async () => {
  await using pool = new ScanPool({ threads: 2 });
  const { threads: _, ...onPool } = options;
  const { records } = await pool.scanFiles(paths, onPool).result();
  expect(records.map((r) => r.path)).toEqual(paths);
  const iterated: string[] = [];
  for await (const r of pool.scanFiles(paths, { ...onPool, counter: undefined, counters: [counter] }))
    iterated.push(r.path);
  expect(iterated).toEqual(paths);
  expect(() => pool.scanFiles(paths, { counter, ordered: 'yes' as unknown as boolean })).toThrow(
    Object.assign(new TypeError("ordered must be a boolean, got 'yes'"), { code: 'ERR_INVALID_ARG_TYPE' }),
  );
  expect(() => pool.scan({ counter, ordered: true } as Parameters<typeof pool.scan>[0])).toThrow(
    /^ordered is an option of scanFiles\(\)/,
  );
});

test('ordered is checked, and is for scanFiles only', () => {
  expect(() => scanFiles(paths, { counter, ordered: 'yes' as unknown as boolean })).toThrow(
    Object.assign(new TypeError("ordered must be a boolean, got 'yes'"), { code: 'ERR_INVALID_ARG_TYPE' }),
  );
  expect(() => scan({ counter, ordered: true } as Parameters<typeof scan>[0])).toThrow(
    /^ordered is an option of scanFiles\(\): scan\(\) reports files as they finish/,
  );
});
