/**
 * Files people have (contract §1.3, §2.3): UTF-16 with a byte-order mark, other encodings
 * (`-E`), and compressed files (`-z`), through the CLI and the API — rotated logs, an
 * Excel CSV, corrupt and truncated archives, a missing decompressor.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Counter, Reset, scan, scanFiles, type FileRecord } from '../src/index.js';
import { tempDir } from './helpers.js';
import { cli, runCli } from './support/cli.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const has = (program: string) => spawnSync(program, ['--version'], { stdio: 'ignore' }).status === 0;
const write = (rel: string, data: string | Uint8Array) => {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), data);
};
/** Runs `program args` with `input` on stdin: its output. */
const through = (program: string, args: string[], input: Uint8Array) =>
  spawnSync(program, args, { input, maxBuffer: 1 << 28 }).stdout;
/** The file lines of --jsonl output by path (the summary line left out), without their `type`. */
const jsonl = (stdout: string) =>
  new Map(
    stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as FileRecord & { type: string })
      .filter((r) => r.type === 'file')
      .map(({ type: _, ...r }) => [r.path, r]),
  );

const LOG = 'GET /a 200\nGET /b,c,d,e 500\n'.repeat(3);
/** Where `-c , -m 3` first matches in LOG: the third ',' of line 2. */
const HIT = { matched: true, offset: 11 + 10, line: 2 };

beforeAll(() => {
  write('logs/app.log', LOG);
  write('logs/app.log.1.gz', gzipSync(LOG));
  write('logs/app.log.2.br', brotliCompressSync(LOG));
  for (const [program, suffix] of [
    ['xz', '.xz'],
    ['bzip2', '.bz2'],
    ['zstd', '.zst'],
    ['lz4', '.lz4'],
  ] as const) {
    if (has(program)) write(`logs/app.log.3${suffix}`, through(program, ['-c'], Buffer.from(LOG)));
  }
  write('bad/corrupt.gz', Buffer.concat([gzipSync(LOG).subarray(0, 12), Buffer.alloc(40, 0x55)]));
  const br = brotliCompressSync(LOG);
  write('bad/truncated.br', br.subarray(0, br.length >> 1));
  write('bad/fine.gz', gzipSync(LOG));
  write('bad/plain.txt', LOG);
  write('bad/missing.xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));
  // Excel's "Unicode text" export: UTF-16LE with a mark.
  write(
    'excel/people.csv',
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name,city\nZoë,Zürich\n', 'utf16le')]),
  );
  write('latin/old.txt', Buffer.from('caf\xe9 cr\xe8me br\xfbl\xe9e\n', 'latin1'));
});

describe('-z, --search-zip', () => {
  test('rotated logs: every compressed form is answered as the plain file is', () => {
    const r = runCli(dir, ['-c', ',', '-m', '3', '-z', '--jsonl', 'logs']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const records = jsonl(r.stdout);
    expect(records.size).toBeGreaterThanOrEqual(3);
    for (const [path, rec] of records) {
      // Offsets and bytes are the decompressed stream's; early exit reads only up to the hit.
      expect(rec, path).toMatchObject(HIT);
    }
    const full = jsonl(runCli(dir, ['-c', ',', '-m', '3', '-z', '--jsonl', '--count', 'logs']).stdout);
    for (const [path, rec] of full) expect(rec, path).toMatchObject({ ...HIT, bytes: LOG.length, occurrences: 9 });
  });

  test('without -z, compressed files are read as they are (a gzip header holds NUL bytes: binary)', () => {
    const records = jsonl(runCli(dir, ['-c', ',', '-m', '3', '--jsonl', 'logs']).stdout);
    expect(records.get('logs/app.log')).toMatchObject(HIT);
    expect(records.get('logs/app.log.1.gz')).toMatchObject({ skipped: 'binary' });
  });

  test('a corrupt gzip, a truncated brotli and a missing xz: one error record each, exit 2, the rest answered', () => {
    // A PATH without xz (nor anything else): the run itself needs only node.
    const r = spawnSync(process.execPath, [cli, '-c', ',', '-m', '3', '-z', '--jsonl', 'bad'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, PATH: '/nonexistent' },
    });
    expect(r.status).toBe(2);
    const records = jsonl(r.stdout);
    expect(records.get('bad/corrupt.gz')?.error).toMatchObject({ code: 'EDECOMPRESS', message: /^gzip: / });
    expect(records.get('bad/truncated.br')?.error).toEqual({
      code: 'EDECOMPRESS',
      message: 'brotli: unexpected end of file',
    });
    expect(records.get('bad/missing.xz')?.error).toEqual({
      code: 'ENOPROGRAM',
      message: 'xz is not installed: it is needed to read xz files',
    });
    expect(records.get('bad/fine.gz')).toMatchObject(HIT);
    expect(records.get('bad/plain.txt')).toMatchObject(HIT);
    expect([...records.values()].filter((x) => x.error)).toHaveLength(3);
  });

  test.runIf(has('xz'))('a file xz cannot read is an error record with what xz said', async () => {
    const { records } = await scanFiles([join(dir, 'bad', 'missing.xz')], {
      counter: new Counter(',', 3),
      searchZip: true,
    }).result();
    expect(records[0]!.error).toMatchObject({ code: 'EDECOMPRESS', message: /^xz: / });
  });

  test('binary detection, early exit and --max-filesize apply to the decompressed stream', async () => {
    const big = 'x,,,\n' + 'y'.repeat(4 << 20);
    write('stream/big.gz', gzipSync(big));
    write('stream/nul.gz', gzipSync(Buffer.concat([Buffer.from(',,,'), Buffer.alloc(10)])));
    const counter = new Counter(',', 3, Reset.NoReset);
    const run = (o = {}) =>
      scan({ cwd: dir, patterns: ['stream'], counter, searchZip: true, sort: true, ...o })
        .result()
        .then((r) => r.records);
    const [bigFirst, nul] = await run();
    expect(bigFirst).toMatchObject({ matched: true, offset: 3 });
    expect(bigFirst!.bytes).toBeLessThan(big.length); // stopped at the answer
    expect(nul).toMatchObject({ skipped: 'binary' });
    const [bigFull, nulScanned] = await run({ fullScan: true, binary: 'scan' });
    expect(bigFull).toMatchObject({ bytes: big.length, occurrences: 3 });
    expect(nulScanned).toMatchObject({ matched: true, offset: 2 });
    // The limit is on what the stream holds, not on the few KiB of the compressed file.
    const [tooLarge] = await run({ maxFilesize: 1 << 20, fullScan: true });
    expect(tooLarge).toMatchObject({ skipped: 'too-large' });
    const [fits] = await run({ maxFilesize: big.length, fullScan: true });
    expect(fits).toMatchObject({ matched: true, bytes: big.length });
  });

  test('many files: natively read ones and decompressed ones keep their order within tasks', async () => {
    const paths: string[] = [];
    for (let i = 0; i < 300; i++) {
      const text = `${','.repeat(i % 5)}\n`;
      const path = `mixed/f${i}${i % 3 ? '.txt' : '.gz'}`;
      write(path, i % 3 ? text : gzipSync(text));
      paths.push(path);
    }
    const { records } = await scanFiles(paths, {
      cwd: dir,
      counter: new Counter(',', 3),
      searchZip: true,
      fullScan: true,
      threads: 2,
      batchSize: 7,
    }).result();
    const byPath = new Map(records.map((r) => [r.path, r]));
    paths.forEach((p, i) => {
      expect(byPath.get(p), p).toMatchObject({ matched: i % 5 >= 3, occurrences: i % 5, bytes: (i % 5) + 1 });
    });
  });
});

describe('encodings', () => {
  test('a UTF-16 CSV from Excel is read as the text it holds; offsets are bytes of the file', () => {
    const r = runCli(dir, ['-c', 'ü', '-m', '1', '--jsonl', 'excel']);
    // "name,city\nZoë,Zürich\n": ü is unit 15, after the 2-byte mark.
    expect(jsonl(r.stdout).get('excel/people.csv')).toEqual({
      path: 'excel/people.csv',
      matched: true,
      offset: 2 + 2 * 15,
      line: 2,
      bytes: 44,
    });
    const commas = jsonl(runCli(dir, ['-c', ',', '-m', '1', '--jsonl', '--count', 'excel']).stdout);
    expect(commas.get('excel/people.csv')).toMatchObject({ occurrences: 2, segments: 2 });
    // Every hit too: PATH:LINE:OFFSET, the offsets in the file.
    const all = runCli(dir, ['-c', ',', '-m', '1', '--all-hits', 'excel']);
    expect(all.stdout).toBe('excel/people.csv:1:10\nexcel/people.csv:2:28\n');
  });

  test('--no-encoding-sniff and -E none read the bytes as they are', () => {
    for (const args of [['--no-encoding-sniff'], ['-E', 'none']]) {
      const r = runCli(dir, ['-c', 'ü', '-m', '1', '--jsonl', ...args, 'excel']);
      expect(jsonl(r.stdout).get('excel/people.csv'), args.join(' ')).toMatchObject({ skipped: 'binary' });
    }
  });

  test('-E utf-16le reads UTF-16 without a mark (natively); a mark still decides', async () => {
    write('bare/le.txt', Buffer.from('a,b,,\n', 'utf16le'));
    const counter = new Counter(',', 3, Reset.NoReset);
    for (const encoding of ['utf-16le', 'UTF-16']) {
      const { records } = await scanFiles(['bare/le.txt', 'excel/people.csv'], {
        cwd: dir,
        counter,
        encoding,
      }).result();
      expect(
        records.map((r) => [r.matched, r.offset]),
        encoding,
      ).toEqual([
        [true, 8],
        [false, null],
      ]);
    }
    const be = await scanFiles(['excel/people.csv'], {
      cwd: dir,
      counter: new Counter(',', 2, Reset.NoReset),
      encoding: 'utf-16be',
    }).result();
    expect(be.records[0]).toMatchObject({ matched: true, offset: 2 + 2 * 13 });
  });

  test('-E latin1 reads windows-1252; the default (UTF-8) does not find é there', () => {
    const withE = jsonl(runCli(dir, ['-c', 'é', '-m', '2', '-r', 'none', '-E', 'latin1', '--jsonl', 'latin']).stdout);
    expect(withE.get('latin/old.txt')).toMatchObject({ matched: true, offset: 15, line: 1 });
    const without = jsonl(runCli(dir, ['-c', 'é', '-m', '1', '--jsonl', 'latin']).stdout);
    expect(without.get('latin/old.txt')).toMatchObject({ matched: false });
  });

  test('standard input is decoded as a file is (a mark, -E); -z does not apply to it', () => {
    const stdin = (input: Uint8Array, ...args: string[]) =>
      spawnSync(process.execPath, [cli, '-c', 'é', '-m', '2', '-r', 'none', '--jsonl', ...args], {
        cwd: dir,
        input,
        encoding: 'utf8',
      }).stdout;
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('café éclair\n', 'utf16le')]);
    expect(jsonl(stdin(utf16)).get('<stdin>')).toMatchObject({ matched: true, offset: 2 + 2 * 5, line: 1 });
    const latin1 = Buffer.from('café éclair\n', 'latin1');
    expect(jsonl(stdin(latin1)).get('<stdin>')).toMatchObject({ matched: false });
    expect(jsonl(stdin(latin1, '-E', 'latin1')).get('<stdin>')).toMatchObject({ matched: true, offset: 5 });
    expect(jsonl(stdin(gzipSync('éé'), '-z')).get('<stdin>')).toMatchObject({ matched: false });
  });

  test('an unknown encoding is a usage error naming the argument', () => {
    const r = runCli(dir, ['-c', 'é', '-m', '1', '-E', 'klingon', 'latin']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^charcount: --encoding must be an encoding .*got 'klingon' \(see charcount --help\)\n$/);
  });

  test('the API checks the options and names them', () => {
    const counter = new Counter('é', 1);
    expect(() => scan({ counter, encoding: 'klingon' })).toThrow(/encoding must be .* got 'klingon'/);
    expect(() => scan({ counter, encoding: 3 as never })).toThrow(TypeError);
    expect(() => scan({ counter, encodingSniff: 'no' as never })).toThrow(/encodingSniff must be a boolean/);
    expect(() => scan({ counter, searchZip: 1 as never })).toThrow(/searchZip must be a boolean/);
  });
});

describe('shards decoded differently', () => {
  const shard = (k: number, ...decoding: string[]) => {
    const file = join(dir, `shard-${decoding.join('')}${k}.json`);
    const r = runCli(dir, ['-c', ',', '-m', '3', ...decoding, '--shard', `${k}/2`, '--json', 'logs']);
    writeFileSync(file, r.stdout);
    return { file, query: (JSON.parse(r.stdout) as { query: Record<string, unknown> }).query };
  };

  test('--json says how files were decoded, and merge refuses shards that differ', () => {
    const plain = shard(1);
    expect(plain.query).toEqual({ char: ',', min: 3, reset: 'newline', count: false });
    const zipped = shard(2, '-z', '-E', 'latin1', '--no-encoding-sniff');
    expect(zipped.query).toMatchObject({ encoding: 'windows-1252', encodingSniff: false, searchZip: true });
    const merged = runCli(dir, ['merge', plain.file, zipped.file]);
    expect(merged.status).toBe(2);
    expect(merged.stderr).toMatch(
      /--encoding windows-1252 --no-encoding-sniff --search-zip, but .* answers --char ","/,
    );
    // The same decoding on both sides merges.
    const alike = runCli(dir, ['merge', shard(1, '-z').file, shard(2, '-z').file]);
    expect(alike.stderr).toBe('');
    expect(alike.status).toBe(0);
  });
});
