/**
 * BullMQ and ioredis are optional peer dependencies (contract §3.8): a library install
 * leaves them out. Without them every local scan works, and a queued run — `--queue`,
 * `charcount worker`, `scan({ queue })` — fails at once saying what to install, before any
 * connection is tried. The package is laid out here as installed, with every dependency
 * of the repository's but those two.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { platformTriple } from '../src/internal.js';
import { repoRoot, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const pkg = join(dir, 'node_modules', 'charcount');
const data = join(dir, 'data');
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const QUEUE_PACKAGES = ['bullmq', 'ioredis'];

beforeAll(() => {
  mkdirSync(join(pkg, 'native'), { recursive: true });
  cpSync(join(repoRoot, 'package.json'), join(pkg, 'package.json'));
  cpSync(join(repoRoot, 'dist', 'src'), join(pkg, 'dist', 'src'), { recursive: true });
  cpSync(join(repoRoot, 'dist', 'bundle'), join(pkg, 'dist', 'bundle'), { recursive: true });
  const binary = `charcount.${platformTriple()}.node`;
  symlinkSync(join(repoRoot, 'native', binary), join(pkg, 'native', binary));
  // The project's node_modules beside charcount: everything but the queue's packages.
  const modules = join(dir, 'node_modules');
  for (const name of readdirSync(join(repoRoot, 'node_modules'))) {
    if (!QUEUE_PACKAGES.includes(name) && name !== '.bin' && name !== 'charcount') {
      symlinkSync(join(repoRoot, 'node_modules', name), join(modules, name));
    }
  }
  mkdirSync(data);
  writeFileSync(join(data, 'a.csv'), 'a,b,c\n');
});

/** What the message says to install: the peer dependencies, at the package's ranges. */
const install = QUEUE_PACKAGES.map((name) => `${name}@${manifest.peerDependencies[name]}`).join(' ');
const MISSING =
  'a queued run needs the packages bullmq and ioredis, which charcount does not install with itself ' +
  `(optional peer dependencies): install them beside it, with npm install ${install} ` +
  '(npm install -g for a global charcount)';

function charcount(args: string[]) {
  const r = spawnSync(process.execPath, [join(pkg, 'dist', 'bundle', 'charcount.cjs'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the manifest: bullmq and ioredis are optional peer dependencies (and development ones for the tests)', () => {
  for (const name of QUEUE_PACKAGES) {
    expect(manifest.dependencies[name], name).toBeUndefined();
    expect(manifest.peerDependencies[name], name).toEqual(expect.any(String));
    expect(manifest.peerDependenciesMeta[name], name).toEqual({ optional: true });
    expect(manifest.devDependencies[name], name).toBe(manifest.peerDependencies[name]);
  }
});

test('without them, local scans work', () => {
  expect(charcount(['-c', ',', '-m', '2', 'data'])).toEqual({ status: 0, stdout: 'data/a.csv\n', stderr: '' });
});

test('without them, --queue and charcount worker say what to install (exit 2)', () => {
  // Nothing listens on port 1: the message comes before any connection is tried.
  expect(charcount(['-c', ',', '-m', '2', '--queue', 'redis://127.0.0.1:1', 'data'])).toEqual({
    status: 2,
    stdout: '',
    stderr: `charcount: ${MISSING}\n`,
  });
  expect(charcount(['worker', '--queue', 'redis://127.0.0.1:1'])).toEqual({
    status: 2,
    stdout: '',
    stderr: `charcount: ${MISSING}\n`,
  });
});

test('without them, scan({ queue }) rejects with a QueueUnavailableError saying what to install', () => {
  const script = join(dir, 'queued.mjs');
  writeFileSync(
    script,
    `const { Counter, scan } = await import(${JSON.stringify(pathToFileURL(join(pkg, 'dist', 'src', 'index.js')).href)});
     const local = await scan({ patterns: ['data'], counter: new Counter(',', 2) }).result();
     try {
       await scan({ patterns: ['data'], counter: new Counter(',', 2), queue: 'redis://127.0.0.1:1' }).result();
     } catch (e) {
       console.log(JSON.stringify([local.summary.filesMatched, e.name, e.code, e.message]));
     }`,
  );
  const r = spawnSync(process.execPath, [script], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual([1, 'QueueUnavailableError', 'EQUEUE', MISSING]);
});
