/** Stopping a run promptly: an abort reaches a worker in the middle of reading one huge file. */
import { spawn } from 'node:child_process';
import { openSync, closeSync, ftruncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Counter, scan } from '../src/index.js';
import { tempDir } from './helpers.js';
import { cli } from './support/cli.js';

const { dir, cleanup } = tempDir();
const TiB = 2 ** 40;
beforeAll(() => {
  // Text first (so it is not binary), then a terabyte of hole: reading it all takes minutes.
  const fd = openSync(join(dir, 'huge.txt'), 'w');
  writeSync(fd, 'abc\n'.repeat(100_000));
  ftruncateSync(fd, TiB);
  closeSync(fd);
});
afterAll(cleanup);

test('Ctrl-C while a worker reads a huge file: exit 130 within seconds, with the partial summary', async () => {
  const child = spawn(process.execPath, [cli, '-c', ',', '-m', '1', '--count', '--progress', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // Interrupt once the run is under way: the progress bar draws after a second of it (a
  // fixed wait could end before a slow machine has even started the command). Ended
  // without a bar, the assertions below say how.
  await Promise.race([new Promise((resolve) => child.stderr.once('data', resolve)), exited]);
  const sent = performance.now();
  child.kill('SIGINT');
  const code = await exited;
  const tookMs = performance.now() - sent;
  expect(code).toBe(130);
  expect(stderr).toMatch(/interrupted: partial results\n1 files discovered, 0 scanned/);
  expect(tookMs).toBeLessThan(5000);
}, 30_000);

test('scan() aborted while a worker reads a huge file rejects within seconds', async () => {
  const ac = new AbortController();
  const run = scan({ cwd: dir, counter: new Counter(',', 1), fullScan: true, signal: ac.signal });
  const done = run.result();
  await new Promise((r) => setTimeout(r, 1000));
  const sent = performance.now();
  ac.abort();
  await expect(done).rejects.toMatchObject({ name: 'AbortError' });
  expect(performance.now() - sent).toBeLessThan(5000);
}, 30_000);
