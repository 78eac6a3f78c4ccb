/** The addon across threads: panics, and worker-only loading (contract §6). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadNative, platformTriple } from '../src/internal.js';
import { repoRoot } from './helpers.js';

test('a Rust panic is thrown as a JS Error and the addon keeps working (test hook, off by default)', () => {
  expect('panicForTest' in loadNative().binding).toBe(false);
  const addon = join(repoRoot, 'native', `charcount.${platformTriple()}.node`);
  const script = `
    const n = require(${JSON.stringify(addon)});
    try { n.panicForTest(); } catch (e) { console.log(e.message); }
    console.log(n.hasCount(n.createCounter('c', 1, 2), 'c'));`;
  const r = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...process.env, CHARCOUNT_TEST_HOOKS: '1' },
  });
  expect(r.stdout).toMatch(/charcount native core panicked: deliberate panic.*\ntrue\n$/);
});

test('loaded only in worker threads, used at once, and unloaded: the process exits cleanly', () => {
  const addon = join(repoRoot, 'native', `charcount.${platformTriple()}.node`);
  // The main thread never loads the addon here: only -z nodelete keeps it mapped.
  const script = `
    const { Worker } = require('node:worker_threads');
    const code = \`
      const { parentPort } = require('node:worker_threads');
      const n = require(${JSON.stringify(addon)});
      const c = n.createCounter('c', 3, 0);
      let hits = 0;
      for (let i = 0; i < 2000; i++) hits += n.hasCount(c, 'x-c-c-c-' + i) ? 1 : 0;
      parentPort.postMessage(hits);
    \`;
    let total = 0, done = 0;
    for (let w = 0; w < 6; w++) {
      const worker = new Worker(code, { eval: true });
      worker.on('message', (h) => { total += h; });
      worker.on('exit', () => { if (++done === 6) setTimeout(() => console.log('total', total), 50); });
    }`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  expect(run.signal).toBeNull();
  expect(run.status).toBe(0);
  expect(run.stdout.trim()).toBe('total 12000');
});
