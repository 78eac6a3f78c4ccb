/**
 * `--jsonl`: a line per record, `"type":"file"` first, then one `"type":"summary"` line
 * (as ripgrep's --json ends with its summary) — for a local run, `charcount merge` and a
 * queued run alike. JSON summaries give whole milliseconds and whole rates.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { jsonSummary } from '../src/cli/report/reporters.js';
import type { Summary } from '../src/index.js';
import { tempDir } from './helpers.js';
import { runCli, writeRecordsTree } from './support/cli.js';
import { figures, hasRedisServer, RedisServer, run, withRedis, worker } from './support/queue.js';

const { dir, cleanup } = tempDir();
beforeAll(() => writeRecordsTree(dir));
afterAll(cleanup);

const charcount = (args: string[]) => runCli(dir, args);
const QUERY = ['-c', 'x', '-m', '3', 'tree', 'missing.txt'];

/** The lines of a `--jsonl` output: the file lines, and the last line. */
function jsonl(stdout: string) {
  const lines = stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  return { files: lines.slice(0, -1), last: lines.at(-1), raw: stdout.trimEnd().split('\n') };
}

const isWhole = (n: unknown) => Number.isInteger(n);

describe('--jsonl', () => {
  test('a file line per record, type first; then the summary line, the --json summary', () => {
    const r = charcount(['--jsonl', ...QUERY]);
    expect(r.status).toBe(2); // missing.txt
    const { files, last, raw } = jsonl(r.stdout);
    expect(raw.slice(0, -1).every((l) => l.startsWith('{"type":"file","path":'))).toBe(true);
    expect(raw.at(-1)).toMatch(/^\{"type":"summary","filesDiscovered":/);
    const doc = JSON.parse(charcount(['--json', ...QUERY]).stdout);
    expect(files.map(({ type, ...record }) => record).sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual(doc.records);
    expect(files.every((f) => f.type === 'file')).toBe(true);
    const { type, ...summary } = last;
    expect(type).toBe('summary');
    expect(figures(summary)).toEqual(figures(doc.summary));
    expect(Object.keys(summary)).toEqual(Object.keys(doc.summary));
  });

  test('charcount merge --jsonl ends with the merged summary too', () => {
    const shards = [1, 2].map((k) => {
      const file = join(dir, `shard-${k}.json`);
      writeFileSync(file, charcount([...QUERY, '--json', '--shard', `${k}/2`]).stdout);
      return file;
    });
    const merged = jsonl(charcount(['merge', '--jsonl', ...shards]).stdout);
    const whole = jsonl(charcount(['--jsonl', ...QUERY]).stdout);
    expect(merged.last.type).toBe('summary');
    expect(figures(merged.last)).toEqual(figures(whole.last));
    expect(merged.files.map((f) => f.path)).toEqual(whole.files.map((f) => f.path).sort());
  });

  test('a run where nothing matched: its records, then the summary line', () => {
    const r = charcount(['--jsonl', '-c', 'x', '-m', '99', 'tree/empty.txt']);
    expect(r.status).toBe(1);
    const { files, last } = jsonl(r.stdout);
    expect(files).toEqual([
      { type: 'file', path: 'tree/empty.txt', matched: false, offset: null, line: null, bytes: 0 },
    ]);
    expect(last).toMatchObject({ type: 'summary', filesDiscovered: 1, filesMatched: 0 });
  });
});

describe('JSON summaries round their figures', () => {
  test('--json and --jsonl: whole milliseconds, whole rates', () => {
    for (const format of ['--json', '--jsonl']) {
      const out = charcount([format, ...QUERY]).stdout;
      const summary = format === '--json' ? JSON.parse(out).summary : jsonl(out).last;
      expect([summary.elapsedMs, summary.bytesPerSecond, summary.filesPerSecond].every(isWhole)).toBe(true);
    }
  });

  test('jsonSummary rounds to the nearest and leaves the rest', () => {
    const s = { filesDiscovered: 3, elapsedMs: 48.5004, bytesPerSecond: 1703.49, filesPerSecond: 61.86 } as Summary;
    expect(jsonSummary(s)).toEqual({ filesDiscovered: 3, elapsedMs: 49, bytesPerSecond: 1703, filesPerSecond: 62 });
  });
});

const external = process.env.CHARCOUNT_TEST_REDIS;
describe.skipIf(!external && !hasRedisServer)('a queued run', () => {
  let server: RedisServer | undefined;
  afterAll(async () => server?.down());

  test('--jsonl ends with the summary line, its workers counted', async () => {
    // A private server where one can be started; else the last database of the shared one.
    if (hasRedisServer) server = await RedisServer.start();
    const url = server ? server.url() : `${external!.replace(/\/\d*$/, '')}/15`;
    await withRedis(url, (r) => r.flushdb());
    const w = worker(url);
    await w.waitFor(/waiting for runs/);
    const coordinator = run(['--jsonl', '--queue', url, ...QUERY], dir);
    expect(await coordinator.exited).toBe(2);
    await w.stopWith('SIGTERM', 10_000);
    const { files, last } = jsonl(coordinator.stdout);
    const local = jsonl(charcount(['--jsonl', ...QUERY]).stdout);
    expect(files.map((f) => f.path).sort()).toEqual(local.files.map((f) => f.path).sort());
    expect(last).toMatchObject({ type: 'summary', workers: 1, threads: 1 });
    expect(figures(last)).toEqual(figures(local.last));
  }, 60_000);
});
