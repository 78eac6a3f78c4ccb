/**
 * File names that are not valid UTF-8: found, read and reported without loss — raw bytes
 * in text output (as ripgrep writes them), `{ "bytes": base64 }` in JSON (ripgrep's
 * convention), `pathBytes` in the API — and carried through shards and merge.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bytesOfPath, pathFromBytes, recordPath } from '../src/core/path-bytes.js';
import type { FileRecord } from '../src/core/types.js';
import { fileErrorLine } from '../src/cli/report/reporters.js';
import { Counter, listFiles, scan, scanFiles } from '../src/index.js';
import { tempDir } from './helpers.js';
import { cli } from './support/cli.js';

const { dir, cleanup } = tempDir();
const out = tempDir();
afterAll(() => {
  cleanup();
  out.cleanup();
});

const bytes = (...parts: (string | number | Buffer)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'number' ? Buffer.of(p) : typeof p === 'string' ? Buffer.from(p) : p)));
const BAD = bytes('bad', 0xff, 'name.csv');
const IN_BAD_DIR = bytes('dir', 0xfe, '/in.csv');

beforeAll(() => {
  writeFileSync(bytes(dir, '/', BAD), 'x,y\n,,\n');
  mkdirSync(bytes(dir, '/dir', 0xfe));
  writeFileSync(bytes(dir, '/', IN_BAD_DIR), ',');
  writeFileSync(join(dir, 'ok.csv'), 'a,b\n');
  writeFileSync(join(dir, 'none.csv'), 'nothing\n');
  writeFileSync(join(dir, 'real\uFFFD.txt'), ','); // a real U+FFFD: an ordinary name
});

/** `charcount ...args` in the tree, its output as bytes. */
function charcount(args: string[], cwd = dir) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Output lines as byte strings (latin1: one character a byte), sorted. */
const lines = (b: Buffer) =>
  b
    .toString('latin1')
    .split('\n')
    .filter((l) => l !== '')
    .sort();
const latin1 = (b: Buffer) => b.toString('latin1');

const rg = (args: string[]) => {
  // stdin not a pipe: rg would search it rather than the directory.
  const r = spawnSync('rg', ['--no-config', ...args], {
    cwd: dir,
    env: { ...process.env, HOME: out.dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return r.error ? undefined : r.stdout;
};
const hasRg = rg(['--version']) !== undefined;

describe('the API', () => {
  test('records hold the path as text and, when it is not UTF-8, its bytes', async () => {
    const { records } = await scan({ cwd: dir, counter: new Counter(',', 2), sort: true }).result();
    const bad = records.find((r) => r.pathBytes && r.pathBytes.length === BAD.length)!;
    expect(bad).toEqual({
      path: 'bad\uFFFDname.csv',
      pathBytes: BAD,
      matched: true,
      offset: 5,
      line: 2,
      bytes: 7,
    });
    const paths = ['bad\uFFFDname.csv', 'dir\uFFFD/in.csv', 'none.csv', 'ok.csv', 'real\uFFFD.txt'];
    expect(records.map((r) => r.path)).toEqual(paths);
    expect(records[1]!.pathBytes).toEqual(IN_BAD_DIR);
    expect(records.filter((r) => r.pathBytes)).toHaveLength(2);
  });

  test('listFiles gives the same path fields', async () => {
    const listed = [];
    for await (const f of listFiles({ cwd: dir })) listed.push(f);
    expect(listed.filter((f) => f.pathBytes).map((f) => [f.path, f.pathBytes])).toEqual(
      expect.arrayContaining([
        ['bad\uFFFDname.csv', BAD],
        ['dir\uFFFD/in.csv', IN_BAD_DIR],
      ]),
    );
    expect(listed).toHaveLength(5);
  });

  test('scanFiles takes bytes, as fs does; a lone surrogate in a string is U+FFFD, as fs reads it', async () => {
    const counter = new Counter(',', 1);
    const given = [BAD, Buffer.from('ok.csv'), 'real\uDCFF.txt'];
    const { records } = await scanFiles(given, { cwd: dir, counter }).result();
    expect(records.map((r) => [r.path, r.pathBytes, r.matched])).toEqual([
      ['bad\uFFFDname.csv', BAD, true],
      ['ok.csv', undefined, true],
      ['real\uFFFD.txt', undefined, true],
    ]);
  });

  test('path strings carry every byte string, and records show them as TextDecoder does', () => {
    for (const b of [BAD, bytes(0xe2, 0x82, 'a', 0xed, 0xa0, 0x80), bytes('é😀'), bytes(0xc3)]) {
      const path = pathFromBytes(b);
      expect(bytesOfPath(path)).toEqual(b);
      expect(recordPath(path).path).toBe(new TextDecoder().decode(b));
    }
  });
});

describe('the command line', () => {
  test('text output writes the name as its bytes, as rg does', () => {
    const r = charcount(['-c', ',', '-m', '1', '.']);
    expect(r.status).toBe(0);
    const want = [latin1(BAD), latin1(IN_BAD_DIR), 'ok.csv', latin1(Buffer.from('real\uFFFD.txt'))];
    expect(lines(r.stdout)).toEqual(want.sort());
    if (hasRg) {
      expect(lines(rg(['-l', ','])!)).toEqual(lines(r.stdout));
      // min 0: every non-empty file, as rg --files lists them.
      expect(lines(charcount(['-c', 'x', '-m', '0', '.']).stdout)).toEqual(lines(rg(['--files'])!));
    }
    // --files: the list rg --files gives, byte for byte.
    const files = charcount(['--files', '--sort', 'path', '.']);
    expect(lines(files.stdout)).toEqual(lines(charcount(['-c', 'x', '-m', '0', '.']).stdout));
    if (hasRg) expect(files.stdout).toEqual(rg(['--files', '--sort', 'path']));
    const all = charcount(['-c', ',', '-m', '2', '--all-hits', '.']);
    expect(lines(all.stdout)).toEqual([`${latin1(BAD)}:2:5`]);
    const counts = charcount(['-c', ',', '-m', '2', '--count', '.']);
    expect(lines(counts.stdout)).toContain(`${latin1(IN_BAD_DIR)}:1:0`);
  });

  test('JSON writes it as { bytes: base64 }, as rg --json does', () => {
    const r = charcount(['-c', ',', '-m', '1', '--jsonl', '.']);
    const records = lines(r.stdout).map((l) => JSON.parse(l));
    const bad = records.find((x) => x.type === 'file' && x.path.bytes === BAD.toString('base64'));
    expect(bad).toEqual({
      type: 'file',
      path: { bytes: BAD.toString('base64') },
      matched: true,
      offset: 1,
      line: 1,
      bytes: 7,
    });
    if (hasRg) {
      const begins = rg(['--json', ','])!
        .toString()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .filter((m) => m.type === 'begin')
        .map((m) => m.data.path);
      expect(begins).toContainEqual(bad.path);
    }
    const doc = JSON.parse(charcount(['-c', ',', '-m', '1', '--json', '.']).stdout.toString());
    expect(doc.records.map((x: FileRecord) => x.path)).toEqual([
      { bytes: BAD.toString('base64') },
      { bytes: IN_BAD_DIR.toString('base64') },
      'none.csv',
      'ok.csv',
      'real\uFFFD.txt',
    ]);
  });

  test('shards carry it, and merge prints it as one run does', () => {
    const files = [1, 2].map((k) => {
      const file = join(out.dir, `shard-${k}.json`);
      writeFileSync(file, charcount(['-c', ',', '-m', '1', '--shard', `${k}/2`, '--json', '.']).stdout);
      return file;
    });
    const merged = charcount(['merge', ...files]);
    expect(merged.status).toBe(0);
    expect(lines(merged.stdout)).toEqual(lines(charcount(['-c', ',', '-m', '1', '.']).stdout));
    const doc = JSON.parse(charcount(['merge', '--json', ...files]).stdout.toString());
    expect(doc.records).toEqual(JSON.parse(charcount(['-c', ',', '-m', '1', '--json', '.']).stdout.toString()).records);
  });

  test('a file error names the path in its bytes on stderr', () => {
    const r: FileRecord = {
      ...recordPath(pathFromBytes(BAD)),
      matched: false,
      offset: null,
      line: null,
      bytes: 0,
      error: { code: 'EACCES', message: 'Permission denied' },
    };
    expect(fileErrorLine(r)).toEqual(bytes('charcount: ', BAD, ': Permission denied (EACCES)\n'));
  });
});
