/**
 * The command's output when it cannot be written: a full disk, a closed pipe, a broken
 * stderr, an interruption.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tempDir } from './helpers.js';
import { cli, runCli, writeRecordsTree, type CliStdio } from './support/cli.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const charcount = (args: string[], stdio?: CliStdio) => runCli(dir, args, stdio);

/** Runs `f` with a descriptor open on /dev/full (writes fail with ENOSPC). */
function withFull<T>(f: (fd: number) => T): T {
  const fd = openSync('/dev/full', 'w');
  try {
    return f(fd);
  } finally {
    closeSync(fd);
  }
}

beforeAll(() => writeRecordsTree(dir));

describe('stdout that cannot be written: one line, exit 2', () => {
  const LINE = 'charcount: cannot write output: ENOSPC: no space left on device, write\n';
  test.each([
    ['text', []],
    ['--count', ['--count']],
    ['--jsonl', ['--jsonl']],
    ['--json', ['--json']],
  ])('%s > /dev/full', (_, extra) => {
    const r = withFull((fd) => charcount(['-c', 'x', '-m', '1', ...extra, 'tree'], { stdout: fd }));
    expect(r).toMatchObject({ status: 2, stderr: LINE });
  });

  test('--stats still prints the summary after the line (the run stopped early)', () => {
    const r = withFull((fd) => charcount(['-c', 'x', '-m', '1', '--stats', 'tree'], { stdout: fd }));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^charcount: cannot write output: ENOSPC.*\ninterrupted: partial results\n\d+ files discovered/,
    );
  });

  test('--help and --version > /dev/full', () => {
    for (const args of [['--help'], ['--version'], ['merge', '--help'], ['worker', '--help']]) {
      const r = withFull((fd) => charcount(args, { stdout: fd }));
      expect(r).toMatchObject({ status: 2, stderr: LINE });
    }
  });

  test('merge > /dev/full', () => {
    const shards = [1, 2].map((k) => {
      const file = join(dir, `out-shard-${k}.json`);
      writeFileSync(file, charcount(['-c', 'x', '-m', '1', '--json', '--shard', `${k}/2`, 'tree/sub']).stdout);
      return file;
    });
    for (const format of [[], ['--json'], ['--jsonl']]) {
      const r = withFull((fd) => charcount(['merge', ...format, ...shards], { stdout: fd }));
      expect(r).toMatchObject({ status: 2, stderr: LINE });
    }
    // --stats after the line, as a run's.
    const stats = withFull((fd) => charcount(['merge', '--stats', ...shards], { stdout: fd }));
    expect(stats.status).toBe(2);
    expect(stats.stderr).toMatch(/^charcount: cannot write output: ENOSPC.*\n\d+ files discovered/);
  });
});

describe('stderr that cannot be written does not change the outcome', () => {
  test.each([
    [['-c', 'x', '-m', '3', 'tree/match.txt'], 0, 'tree/match.txt\n'],
    [['-c', 'x', '-m', '3', '--stats', 'tree/match.txt'], 0, 'tree/match.txt\n'],
    [['-c', 'x', '-m', '3', 'tree/match.txt', 'missing.txt'], 2, 'tree/match.txt\n'],
    [['-c', 'x', '-m', '99', '--stats', 'tree/match.txt'], 1, ''],
    [['-c', 'x'], 2, ''],
  ])('charcount %j 2>/dev/full', (args, status, stdout) => {
    const r = withFull((fd) => charcount(args, { stderr: fd }));
    expect(r).toMatchObject({ status, stdout });
  });
});

describe('a reader that goes away', () => {
  test.each([[[]], [['--json']], [['--jsonl']], [['--count']]])('%j: stops quietly, exit 0', async (extra) => {
    const child = spawn(process.execPath, [cli, '-c', 'x', '-m', '0', ...extra, 'tree', 'tree', 'tree', 'tree'], {
      cwd: dir,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // `| head -c 10`: take a little, then close the pipe.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });

  test('charcount merge stops as quietly as the run it joins: exit 0 on a match, whatever else failed, no --stats', async () => {
    const many = join(dir, 'many');
    mkdirSync(many);
    for (let i = 0; i < 2000; i++) writeFileSync(join(many, `file-${i}-${'x'.repeat(60)}.txt`), 'x\n');
    symlinkSync('nowhere', join(many, 'dangling'));
    const shards = [1, 2].map((k) => {
      const file = join(dir, `many-shard-${k}.json`);
      writeFileSync(file, charcount(['-c', 'x', '-m', '1', '-L', '--json', '--shard', `${k}/2`, 'many']).stdout);
      return file;
    });
    expect(charcount(['merge', '--jsonl', ...shards]).status).toBe(2); // a file error, read to the end
    const child = spawn(process.execPath, [cli, 'merge', '--jsonl', '--stats', ...shards], { cwd: dir });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(stderr).toBe('');
  }, 30_000);
});

describe('an interrupted --json run whose reader reads', () => {
  test('writes the partial document, aborted: true, and exits 130', async () => {
    const base = existsSync('/dev/shm') ? '/dev/shm' : dir;
    const big = join(base, `charcount-json-sigint-${process.pid}`);
    mkdirSync(big, { recursive: true });
    try {
      for (let i = 0; i < 100; i++) spawnSync('truncate', ['-s', '1G', join(big, `f${i}`)]);
      const child = spawn(process.execPath, [cli, '-c', 'x', '-m', '1', '--binary', '--json', '--progress', big]);
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      await new Promise<void>((resolve) => child.stderr.once('data', () => resolve()));
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(code).toBe(130);
      const doc = JSON.parse(stdout);
      expect(doc.summary.aborted).toBe(true);
      expect(stdout).toBe(JSON.stringify(doc, null, 2) + '\n');
      expect(stderr).toMatch(/interrupted: partial results\n/);
    } finally {
      spawnSync('rm', ['-rf', big]);
    }
  }, 60_000);
});
