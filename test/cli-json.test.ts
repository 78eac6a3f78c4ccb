/** `--json`: one document, streamed as it is serialised, byte for byte as JSON.stringify(doc, null, 2). */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeReporter, Output } from '../src/cli/report/reporters.js';
import type { FileRecord, Summary } from '../src/core/types.js';
import { tempDir } from './helpers.js';
import { runCli, writeRecordsTree } from './support/cli.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const charcount = (args: string[]) => runCli(dir, args);

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

beforeAll(() => writeRecordsTree(dir));

describe('--json is streamed, byte for byte as JSON.stringify(doc, null, 2)', () => {
  const runs: [string, string[]][] = [
    [
      'matched, unmatched, skipped (binary, symlink, too-large), errors, multi-byte and odd paths',
      ['--max-filesize', '4K'],
    ],
    ['with --count', ['--count', '--binary']],
    ['a shard', ['--shard', '1/2']],
  ];
  test.each(runs)('%s', (_, extra) => {
    const r = charcount(['-c', 'x', '-m', '3', ...extra, '--json', 'tree', 'tree/dangling', 'missing.txt']);
    expect(r.status).toBe(2); // the error records
    const doc = JSON.parse(r.stdout);
    expect(r.stdout).toBe(JSON.stringify(doc, null, 2) + '\n');
    expect(doc.records).toEqual([...doc.records].sort(byPath));
    const kinds = new Set(
      doc.records.map((x: FileRecord) =>
        x.error ? 'error' : x.skipped ? x.skipped : x.matched ? 'matched' : 'unmatched',
      ),
    );
    if (extra[0] === '--max-filesize') {
      expect([...kinds].sort()).toEqual(['binary', 'error', 'matched', 'symlink', 'too-large', 'unmatched']);
      expect(doc.records.map((x: FileRecord) => x.path)).toContain('tree/ünï cödé/é.txt');
      expect(doc.records.findIndex((x: FileRecord) => x.path === 'tree/\u{1F600}.txt')).toBe(
        doc.records.findIndex((x: FileRecord) => x.path === 'tree/\uFFFD.txt') - 1,
      );
    }
  });

  test('no records: "records": []', () => {
    mkdirSync(join(dir, 'void'), { recursive: true });
    const r = charcount(['-c', 'x', '-m', '3', '--json', 'void']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(JSON.stringify(JSON.parse(r.stdout), null, 2) + '\n');
    expect(r.stdout).toMatch(/\n {2}"records": \[\]\n\}\n$/);
  });

  test('the document leaves in chunks of at most 64 KiB, never as one string', async () => {
    const writes: number[] = [];
    let text = '';
    const sink = new Writable({
      highWaterMark: 1 << 16,
      write(chunk: Buffer, _enc, cb) {
        writes.push(chunk.length);
        text += chunk.toString('utf8');
        setImmediate(cb);
      },
    });
    const out = new Output(sink);
    const meta = { query: { char: 'x', min: 3, reset: 'newline' as const, count: false } };
    const reporter = makeReporter('json', out, meta.query);
    const records: FileRecord[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Any mix of fields: the writer's escaping is what is tested, not the records' sense.
      const r: Record<string, unknown> = {
        path: `dir-${i % 97}/file-é-${(i * 7919) % 20_000}.txt`,
        matched: i % 3 === 0,
        offset: i % 3 ? null : i,
        line: i % 3 ? null : 1,
        bytes: i,
      };
      if (i % 11 === 0) r.error = { code: 'EACCES', message: `permission "denied"\n${i}` };
      else if (i % 13 === 0) r.skipped = 'binary';
      records.push(r as unknown as FileRecord);
    }
    for (let i = 0; i < records.length; i += 1000) await reporter.records(records.slice(i, i + 1000));
    const summary = {
      filesDiscovered: records.length,
      elapsedMs: 2,
      bytesPerSecond: 1000,
      filesPerSecond: 10,
      aborted: false,
    } as unknown as Summary;
    await reporter.end(summary);
    expect(text).toBe(JSON.stringify({ ...meta, summary, records: [...records].sort(byPath) }, null, 2) + '\n');
    expect(text.length).toBeGreaterThan(2 << 20);
    expect(Math.max(...writes)).toBeLessThanOrEqual(64 << 10);
  });
});
