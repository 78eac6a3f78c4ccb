/**
 * What the command loads to start: the bundle compiled from the code cache the build made,
 * none of the dependencies that only some runs need (a glob, threads, a queue, a bar), and
 * its standard output and error (pipes here: net sockets) only once it has something to print.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { tempDir } from './helpers.js';
import { cli } from './support/cli.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

// Preloaded into the command's process: records whether the bundle's code cache was taken,
// which packages were loaded from node_modules and whether a pipe's socket was made (a
// standard stream opened), by the exit.
const PROBE = `
const vm = require('node:vm');
const { writeFileSync } = require('node:fs');
let cache = 'none';
vm.Script = class extends vm.Script {
  constructor(source, options) {
    super(source, options);
    if (options && options.cachedData) cache = this.cachedDataRejected ? 'rejected' : 'taken';
  }
};
process.on('exit', () => {
  const packages = Object.keys(require.cache)
    .filter((p) => p.includes('node_modules'))
    .map((p) => p.split(/node_modules[\\\\/]/).pop().split(/[\\\\/]/)[0]);
  const stdio = process.moduleLoadList.includes('NativeModule net');
  writeFileSync(process.env.PROBE_OUT, JSON.stringify({ cache, packages: [...new Set(packages)].sort(), stdio }));
});
`;

beforeAll(() => {
  writeFileSync(join(dir, 'probe.cjs'), PROBE);
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'a.csv'), 'x,y,z\n');
});

interface Probed {
  cache: string;
  packages: string[];
  stdio: boolean;
  stdout: string;
}

function probe(args: string[]): Probed {
  const out = join(dir, 'probe.json');
  const r = spawnSync(process.execPath, ['-r', join(dir, 'probe.cjs'), cli, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, PROBE_OUT: out },
  });
  expect(r.stderr).toBe('');
  return { ...(JSON.parse(readFileSync(out, 'utf8')) as Omit<Probed, 'stdout'>), stdout: r.stdout };
}

test('a small scan starts from the code cache and loads no dependency it does not use', () => {
  const run = probe(['-c', ',', '-m', '2', '--no-progress', 'data']);
  expect(run.stdout).toBe('data/a.csv\n');
  expect(run.cache).toBe('taken');
  // commander is inside the bundle; Piscina waits for threads, fast-glob for a glob,
  // BullMQ and ioredis for a queue, cli-progress for a bar.
  expect(run.packages).toEqual([]);
  expect(run.stdio).toBe(true);
});

test('a run that prints nothing opens neither stdout nor stderr', () => {
  const run = probe(['-c', ',', '-m', '5', 'data']);
  expect(run.stdout).toBe('');
  expect(run.stdio).toBe(false);
});

test('a glob loads fast-glob, and only then', () => {
  const run = probe(['-c', ',', '-m', '2', '--no-progress', 'data/*.csv']);
  expect(run.stdout).toBe('data/a.csv\n');
  expect(run.packages).toContain('fast-glob');
  expect(run.packages.filter((p) => ['bullmq', 'ioredis', 'piscina', 'cli-progress'].includes(p))).toEqual([]);
});
