/** The install step's native build: a missing Rust toolchain is one clear sentence. */
import { spawnSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { repoRoot, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

test('without cargo on PATH the native build fails with one sentence saying what to install', () => {
  symlinkSync(process.execPath, join(dir, 'node')); // a PATH with node and nothing else
  const run = spawnSync(join(dir, 'node'), ['scripts/build-native.mjs'], {
    cwd: repoRoot,
    env: { PATH: dir, HOME: process.env.HOME },
    encoding: 'utf8',
  });
  expect(run.status).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/needs Rust's `cargo` on PATH — install Rust .* and run `npm install` again/);
});
