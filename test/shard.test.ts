/** Static sharding (`--shard K/N`) and `charcount merge`: N shards merged equal one run. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Counter, scan } from '../src/index.js';
import { parseShard, shardOf } from '../src/engine/shard.js';
import { tempDir } from './helpers.js';
import { cli, runCli } from './support/cli.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const charcount = (args: string[]) => runCli(dir, args);

beforeAll(() => {
  for (let i = 0; i < 400; i++) {
    mkdirSync(join(dir, 'tree', `d${i % 7}`), { recursive: true });
    writeFileSync(join(dir, 'tree', `d${i % 7}`, `f${i}.txt`), `${'x,'.repeat(i % 6)}\n`);
  }
  writeFileSync(join(dir, 'tree', 'bin'), Buffer.from([0, 44, 44, 44]));
});

describe('shardOf', () => {
  test('is pinned: shards written by one version merge with another', () => {
    // FNV-1a 32-bit of the UTF-16 code units, bucket = hash mod N, 1-based (checked
    // against an independent Python implementation).
    expect(['', 'a', 'tree/d0/f0.txt', 'ünï/cödé'].map((p) => shardOf(p, 7))).toEqual([3, 6, 1, 4]);
  });

  test('puts every path in exactly one of N shards, evenly', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 64 }), (path, n) => {
        const k = shardOf(path, n);
        return Number.isInteger(k) && k >= 1 && k <= n;
      }),
    );
    const counts = new Array(4).fill(0);
    for (let i = 0; i < 40_000; i++) counts[shardOf(`dir/file-${i}.log`, 4) - 1]++;
    for (const c of counts) expect(c).toBeGreaterThan(9_000);
  });

  test('--shard takes K/N with 1 ≤ K ≤ N', () => {
    expect(parseShard(' 2 / 5 ')).toEqual({ index: 2, count: 5 });
    for (const bad of ['0/3', '4/3', '1/0', '2', 'a/b', '-1/2']) expect(() => parseShard(bad)).toThrow(/--shard/);
  });
});

describe('shards merged', () => {
  const N = 3;
  const QUERY = ['-c', ',', '-m', '3', '--count', '--binary'];
  let shards: string[] = [];
  beforeAll(() => {
    shards = Array.from({ length: N }, (_, i) => {
      const r = charcount([...QUERY, '--shard', `${i + 1}/${N}`, '--json', 'tree', 'missing']);
      expect(r.status).toBeLessThanOrEqual(2);
      const file = join(dir, `shard-${i + 1}.json`);
      writeFileSync(file, r.stdout);
      return file;
    });
  });

  test('each shard scans a part, and together every path once', () => {
    const parts = shards.map((f) => JSON.parse(spawnSync('cat', [f], { encoding: 'utf8' }).stdout));
    for (const [i, p] of parts.entries()) {
      expect(p.shard).toEqual({ index: i + 1, count: N });
      expect(p.records.length).toBeGreaterThan(100);
    }
    const paths = parts.flatMap((p) => p.records.map((r: { path: string }) => r.path));
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toHaveLength(402); // 400 files, bin, and the missing input's error record
  });

  test('merge --json equals one run over the whole tree', () => {
    const whole = JSON.parse(charcount([...QUERY, '--json', 'tree', 'missing']).stdout);
    const r = charcount(['merge', '--json', ...shards]);
    expect(r.status).toBe(2); // as the whole run: the missing input is an error
    const merged = JSON.parse(r.stdout);
    expect(merged.records).toEqual(whole.records);
    expect(merged.query).toEqual(whole.query);
    const figures = ({ elapsedMs, bytesPerSecond, filesPerSecond, threads, ...rest }: Record<string, unknown>) => rest;
    expect(figures(merged.summary)).toEqual(figures(whole.summary));
    expect(merged.summary.threads).toBe(N * whole.summary.threads);
  });

  test('merge prints what the run prints, in every format', () => {
    // --jsonl's last line is the summary, whose timing and threads differ.
    const untimed = (line: string) => {
      if (!line.startsWith('{"type":"summary"')) return line;
      const { elapsedMs, bytesPerSecond, filesPerSecond, threads, ...rest } = JSON.parse(line);
      return JSON.stringify(rest);
    };
    for (const format of [[], ['--jsonl']]) {
      const whole = charcount([...QUERY, ...format, 'tree', 'missing']);
      const merged = charcount(['merge', ...format, ...shards]);
      expect(merged.status).toBe(whole.status);
      expect(merged.stderr).toBe(whole.stderr);
      expect(merged.stdout.split('\n').map(untimed).sort()).toEqual(whole.stdout.split('\n').map(untimed).sort());
    }
  });

  test('merge refuses a missing, repeated or foreign shard', () => {
    const missing = charcount(['merge', shards[0]!, shards[2]!]);
    expect(missing).toMatchObject({ status: 2, stdout: '', stderr: 'charcount merge: shard 2/3 missing\n' });
    const twice = charcount(['merge', shards[0]!, shards[0]!, shards[1]!, shards[2]!]);
    expect(twice.stderr).toMatch(/shard-1\.json and .*shard-1\.json are both shard 1\/3/);
    const other = join(dir, 'other.json');
    writeFileSync(other, charcount(['-c', 'x', '-m', '3', '--shard', '2/3', '--json', 'tree']).stdout);
    expect(charcount(['merge', shards[0]!, other, shards[2]!]).stderr).toMatch(
      /other\.json answers --char "x" --min 3 --reset newline, but .* answers --char "," --min 3 --reset newline --count/,
    );
    const plain = join(dir, 'plain.json');
    writeFileSync(plain, charcount([...QUERY, '--json', 'tree']).stdout);
    expect(charcount(['merge', plain]).stderr).toMatch(
      /plain\.json is not a shard's output: run each shard with --shard K\/N --json/,
    );
    expect(charcount(['merge', join(dir, 'nope.json')]).stderr).toMatch(/cannot read .*nope\.json: ENOENT/);
    expect(charcount(['merge']).status).toBe(2);
  });

  test('merge /dev/zero: one line, exit 2, at once (was: Invalid string length, after 512 MiB)', () => {
    const r = charcount(['merge', '/dev/zero']);
    expect(r).toEqual({
      status: 2,
      stdout: '',
      stderr: 'charcount merge: /dev/zero is not the output of charcount --json\n',
    });
  });

  test('merge: one line for each bad input, in order', () => {
    const sparse = join(dir, 'huge.json');
    spawnSync('truncate', ['-s', '600M', sparse]);
    writeFileSync(join(dir, 'text.txt'), 'hello\n');
    writeFileSync(join(dir, 'broken.json'), '{"records": [');
    writeFileSync(join(dir, 'latin1.json'), Buffer.from('{"path": "caf\xe9"}', 'latin1'));
    writeFileSync(join(dir, 'nul.json'), '{"records": []\0}');
    const r = charcount([
      'merge',
      shards[0]!,
      '/dev/zero',
      'nope.json',
      dir,
      sparse,
      'text.txt',
      'broken.json',
      'latin1.json',
      'nul.json',
      shards[1]!,
    ]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      'charcount merge: /dev/zero is not the output of charcount --json',
      'charcount merge: cannot read nope.json: ENOENT',
      `charcount merge: cannot read ${dir}: EISDIR`,
      `charcount merge: ${sparse} is too large to merge: 600.0 MiB (at most 512 MiB)`,
      'charcount merge: text.txt is not the output of charcount --json',
      expect.stringMatching(/^charcount merge: broken\.json is not JSON: /),
      'charcount merge: latin1.json is not UTF-8 text',
      'charcount merge: nul.json is not the output of charcount --json',
      '',
    ]);
  });

  test('merge reads a shard from a pipe', () => {
    const whole = charcount([...QUERY, '--json', 'tree', 'missing']);
    const r = spawnSync(
      'sh',
      [
        '-c',
        'cat "$3" | exec "$0" "$1" merge --json "$2" /dev/stdin "$4"',
        process.execPath,
        cli,
        shards[0]!,
        shards[1]!,
        shards[2]!,
      ],
      {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      },
    );
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).records).toEqual(JSON.parse(whole.stdout).records);
  });
});

test('the API takes shard too', async () => {
  const counter = new Counter(',', 3);
  const all = await scan({ cwd: dir, patterns: ['tree'], counter }).result();
  const parts = await Promise.all(
    [1, 2].map((index) => scan({ cwd: dir, patterns: ['tree'], counter, shard: { index, count: 2 } }).result()),
  );
  expect(parts.flatMap((p) => p.records.map((r) => r.path)).sort()).toEqual(all.records.map((r) => r.path).sort());
  expect(() => scan({ counter, shard: { index: 3, count: 2 } })).toThrow(RangeError);
});
