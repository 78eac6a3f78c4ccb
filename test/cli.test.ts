/** The `charcount` command as users run it: a spawned process. */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backend } from '../src/backends/select.js';
import { tempDir } from './helpers.js';
import { cli } from './support/cli.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

function charcount(args: string[], cwd = dir) {
  // As from a terminal: standard input is not piped (piped, it would be searched).
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ODD = ['with space.txt', 'new\nline.txt', 'ünï cödé.txt', '-dash.txt'];

beforeAll(() => {
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'a.txt'), 'x,x,x\n');
  writeFileSync(join(dir, 'b.txt'), 'x,x\nx,x\n');
  writeFileSync(join(dir, 'sub', 'c.txt'), 'one two,,, three\n');
  for (const name of ODD) writeFileSync(join(dir, 'sub', name), ',,,');
});

describe('output', () => {
  test('default: matching paths, one a line; exit 0', () => {
    const r = charcount(['--char', ',', '--min', '2']);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(
      ['a.txt', 'sub/-dash.txt', 'sub/c.txt', 'sub/new', 'line.txt', 'sub/with space.txt', 'sub/ünï cödé.txt'].sort(),
    );
    expect(r.stderr).toBe('');
  });

  test('no match: exit 1 and no output', () => {
    const r = charcount(['-c', ',', '-m', '9', 'a.txt', 'b.txt']);
    expect(r).toEqual({ status: 1, stdout: '', stderr: '' });
  });

  test('reset modes', () => {
    expect(charcount(['-c', ',', '-m', '2', '-r', 'none', 'b.txt']).stdout).toBe('b.txt\n');
    expect(charcount(['-c', ',', '-m', '2', '-r', 'newline', 'b.txt']).status).toBe(1);
    expect(charcount(['-c', ',', '-m', '3', '-r', 'space', 'sub/c.txt']).stdout).toBe('sub/c.txt\n');
  });

  test('--jsonl streams one record a line; odd file names stay intact', () => {
    const r = charcount(['-c', ',', '-m', '3', '--jsonl', 'sub']);
    expect(r.status).toBe(0);
    const records = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'file');
    expect(records.map((x) => x.path).sort()).toEqual([...ODD.map((n) => `sub/${n}`), 'sub/c.txt'].sort());
    expect(records.find((x) => x.path === 'sub/new\nline.txt')).toEqual({
      type: 'file',
      path: 'sub/new\nline.txt',
      matched: true,
      offset: 2,
      line: 1,
      bytes: 3,
    });
  });

  test('--json is one document with the summary and sorted records', () => {
    const r = charcount(['-c', 'x', '-m', '3', '--json', 'a.txt', 'b.txt', 'missing.txt']);
    expect(r.status).toBe(2); // a per-file error
    const doc = JSON.parse(r.stdout);
    expect(doc.records.map((x: { path: string }) => x.path)).toEqual(['a.txt', 'b.txt', 'missing.txt']);
    expect(doc.records[2].error.code).toBe('ENOENT');
    expect(doc.summary).toMatchObject({ filesDiscovered: 3, filesScanned: 2, filesMatched: 1, filesErrored: 1 });
  });

  test('--count prints every scanned file with occurrences and segments', () => {
    const r = charcount(['-c', ',', '-m', '1', '--count', 'a.txt', 'b.txt']);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(['a.txt:2:1', 'b.txt:2:2']);
  });

  test('--stats prints the summary on stderr only, naming the back end that scanned', () => {
    const r = charcount(['-c', 'x', '-m', '3', '--stats', 'a.txt']);
    expect(r.stdout).toBe('a.txt\n');
    expect(r.stderr).toMatch(
      new RegExp(
        `^1 files discovered, 1 scanned, 1 matched\n0 skipped, 0 errors\n.* read in .* on \\d+ threads, ${backend().name} back end\n$`,
      ),
    );
  });

  test('per-file errors go to stderr and make the exit status 2', () => {
    const r = charcount(['-c', 'x', '-m', '3', 'a.txt', 'nope.txt']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('a.txt\n');
    expect(r.stderr).toBe('charcount: nope.txt: No such file or directory (ENOENT)\n');
  });

  test('--progress draws on stderr and never on stdout', () => {
    const r = charcount(['-c', ',', '-m', '2', '--progress', '.']);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).not.toMatch(/files|█|░/);
    expect(r.stdout.split('\n').filter(Boolean).length).toBe(7);
  });

  test('--help and --version', () => {
    const help = charcount(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: charcount \[options\] \[paths\.\.\.\]/);
    expect(help.stdout).toMatch(/Examples:/);
    expect(help.stdout).toMatch(/charcount worker --queue <URL>/);
    for (const sub of ['worker', 'merge']) {
      const h = charcount([sub, '--help']);
      expect(h.status).toBe(0);
      expect(h.stdout).toMatch(new RegExp(`Usage: charcount ${sub}`));
    }
    // The version, then the back end: its kernels, or why the portable one runs.
    const version = charcount(['--version']);
    expect(version.stdout).toMatch(
      backend().name === 'native'
        ? /^\d+\.\d+\.\d+\nnative back end \(kernels: [a-z0-9]+(, [a-z0-9]+)*\)\n$/
        : /^\d+\.\d+\.\d+\nportable back end \(.+\)\n$/,
    );
  });
});

describe('bad usage: one line naming the problem, exit 2, no stack trace', () => {
  test.each([
    [['--min', '3'], /required option '-c, --char <C>' not specified/],
    [['--char', 'ab', '--min', '3'], /--char must be exactly one character, got 'ab'/],
    [['--char', 'x'], /required option '-m, --min <N>' not specified/],
    [['-c', 'x', '--min', '-1'], /--min must be an integer at least 0, got -1/],
    [['-c', 'x', '--min', '1.5'], /--min must be an integer at least 0, got 1.5/],
    [['-c', 'x', '--min', 'lots'], /--min must be an integer, got 'lots'/],
    [['-c', 'x', '-m', '1', '--reset', 'tab'], /argument 'tab' is invalid\. Allowed choices are newline, space, none/],
    [['-c', 'x', '-m', '1', '--frobnicate'], /unknown option '--frobnicate'/],
    [['-c', 'x', '-m', '1', '--threads', '0'], /--threads must be an integer from 1 to 1024, got 0/],
    [['-c', 'x', '-m', '1', '--max-filesize', 'big'], /--max-filesize must be a size like 512K, 10M or 2G, got 'big'/],
    [['-c', 'x', '-m', '1', '--json', '--jsonl'], /--json and --jsonl cannot be used together/],
    [
      ['-c', 'x', '-m', '1', '--queue', 'localhost:6379'],
      /--queue must be a Redis URL like redis:\/\/host:6379, got 'localhost:6379'/,
    ],
    [
      ['-c', 'x', '-m', '1', '--queue', 'redis://h', '-j', '2'],
      /--threads sets local threads; with --queue, give it to `charcount worker` instead/,
    ],
    [['-c', 'x', '-m', '1', '--shard', '3/2'], /--shard must be shard K of N with 1 ≤ K ≤ N, got 3\/2/],
    [['worker'], /required option '--queue <URL>' not specified \(see charcount worker --help\)/],
    [
      ['worker', '--queue', 'redis://h', '--stall-timeout', '5'],
      /--stall-timeout must be an integer at least 100, got 5 \(see charcount worker --help\)/,
    ],
    [['merge'], /missing required argument 'files' \(see charcount merge --help\)/],
  ])('charcount %j', (args, message) => {
    const r = charcount(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/\(see charcount( worker| merge)? --help\)\n$/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

test('Ctrl-C stops the run promptly and prints the partial summary', async () => {
  // Many large sparse files (tmpfs reads holes fast, without filling the page cache):
  // a run long enough to interrupt.
  const base = existsSync('/dev/shm') ? '/dev/shm' : dir;
  const big = mkdtempSync(join(base, 'charcount-sigint-'));
  const files = 200;
  try {
    for (let i = 0; i < files; i++) {
      const fd = openSync(join(big, `f${i}`), 'w');
      closeSync(fd);
      spawnSync('truncate', ['-s', '1G', join(big, `f${i}`)]);
    }
    const child = spawn(process.execPath, [cli, '-c', 'x', '-m', '1', '--binary', '--progress', big], {
      stdio: 'pipe',
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Interrupt once the run is under way (the progress bar has drawn).
    await new Promise<void>((resolve) => child.stderr.once('data', () => resolve()));
    child.kill('SIGINT');
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(status).toBe(130);
    expect(stderr).toMatch(/interrupted: partial results\n(\d+) files discovered, (\d+) scanned/);
    const scanned = Number(/files discovered, (\d+) scanned/.exec(stderr)![1]);
    expect(scanned).toBeLessThan(files);
  } finally {
    rmSync(big, { recursive: true, force: true });
  }
}, 60_000);
