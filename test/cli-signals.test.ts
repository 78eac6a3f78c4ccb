/**
 * Signals while the output is stuck: stdout is a pipe whose reader does not read (a pager
 * the user is looking at). The interruption must not wait for the reader.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli } from './support/cli.js';

// tmpfs where there is one: 10,000 files are made and removed quickly.
const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'charcount-signals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }), 60_000);

// Long paths, every file a match: megabytes of output, far more than any pipe holds.
const DIRS = 10;
const FILES = 10_000;
beforeAll(() => {
  for (let d = 0; d < DIRS; d++) mkdirSync(join(dir, `directory-${d}-${'d'.repeat(80)}`));
  for (let i = 0; i < FILES; i++)
    writeFileSync(join(dir, `directory-${i % DIRS}-${'d'.repeat(80)}`, `file-${i}-${'f'.repeat(60)}.txt`), 'x\n');
}, 60_000);

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** From the signal to the exit. */
  ms: number;
}

/**
 * Runs charcount with a stdout nobody reads (after its first chunk), sends `signal` once
 * the output is stuck, and reports how it ended (SIGKILL after `limitMs`).
 */
async function stuck(
  args: string[],
  signal: NodeJS.Signals,
  opts: { mergeStderr?: boolean; limitMs?: number } = {},
): Promise<Outcome> {
  const argv = [cli, '-c', 'x', '-m', '1', ...args, '.'];
  const child = opts.mergeStderr
    ? spawn('sh', ['-c', 'exec "$@" 2>&1', 'sh', process.execPath, ...argv], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(process.execPath, argv, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, sig) => resolve({ code, signal: sig })),
  );
  // The first output, then no more reading: the pipe fills and the writes block.
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.pause();
  await new Promise((r) => setTimeout(r, 1500));
  const sent = Date.now();
  child.kill(signal);
  const limit = setTimeout(() => child.kill('SIGKILL'), opts.limitMs ?? 15_000);
  const end = await exited;
  clearTimeout(limit);
  child.stdout.destroy();
  return { ...end, stderr, ms: Date.now() - sent };
}

const SUMMARY = /interrupted: partial results\n[\d,]+ files discovered, [\d,]+ scanned, [\d,]+ matched\n/;

describe('a signal while stdout is stuck ends the run at once, with the partial summary', () => {
  test('Ctrl-C (SIGINT): exit 130', async () => {
    const r = await stuck([], 'SIGINT');
    expect(r).toMatchObject({ code: 130, signal: null });
    expect(r.stderr).toMatch(SUMMARY);
  }, 60_000);

  test('Ctrl-C with --count: exit 130', async () => {
    const r = await stuck(['--count'], 'SIGINT');
    expect(r).toMatchObject({ code: 130, signal: null });
    expect(r.stderr).toMatch(SUMMARY);
  }, 60_000);

  test('Ctrl-C while the --json document is being written: exit 130', async () => {
    const r = await stuck(['--json'], 'SIGINT');
    expect(r).toMatchObject({ code: 130, signal: null });
    expect(r.stderr).toMatch(SUMMARY);
  }, 60_000);

  test('SIGTERM: exit 143, and the summary', async () => {
    const r = await stuck([], 'SIGTERM');
    expect(r).toMatchObject({ code: 143, signal: null });
    expect(r.stderr).toMatch(SUMMARY);
  }, 60_000);

  test('SIGHUP: exit 129, and the summary', async () => {
    const r = await stuck(['--jsonl'], 'SIGHUP');
    expect(r).toMatchObject({ code: 129, signal: null });
    expect(r.stderr).toMatch(SUMMARY);
  }, 60_000);

  test('stderr alone stuck after the run (its file errors fill the pipe): exit 130', async () => {
    // Every path a dangling link, followed: an error line on stderr each, nothing on stdout.
    const links = join(dir, 'links');
    mkdirSync(links);
    for (let i = 0; i < FILES; i++) symlinkSync(`missing-${i}`, join(links, `link-${i}-${'l'.repeat(100)}`));
    const child = spawn(process.execPath, [cli, '-c', 'x', '-m', '1', '-L', '--stats', 'links'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => child.stderr.once('data', () => resolve()));
    child.stderr.pause();
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const limit = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(limit);
    child.stderr.destroy();
    expect(code).toBe(130);
  }, 60_000);

  test('stderr stuck too (2>&1 into the same pager): still exits 130', async () => {
    const r = await stuck(['--stats'], 'SIGINT', { mergeStderr: true });
    expect(r).toMatchObject({ code: 130, signal: null });
  }, 60_000);
});
