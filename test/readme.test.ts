/**
 * The README's examples (and the guide's) print what they say they print: each command of a
 * ```console block run in `examples/` with `charcount` on the PATH, as a user who installed
 * it types it; the library's example (a ```ts block) type-checked with `tsc --strict` and
 * run by `node` as an ES module, importing `charcount` as a project that installed it does.
 * The README stays a front page: at most 200 lines.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { repoRoot, tempDir } from './helpers.js';
import { examplesOf } from './support/readme.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const examples = join(repoRoot, 'examples');
const bin = join(dir, 'bin');
/** A project that depends on charcount: its node_modules links to this checkout. */
const app = join(dir, 'app');

beforeAll(() => {
  mkdirSync(bin);
  symlinkSync(join(repoRoot, 'dist', 'bundle', 'charcount.cjs'), join(bin, 'charcount'));
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  symlinkSync(repoRoot, join(app, 'node_modules', 'charcount'));
});

/** Runs a line as a shell would, in `examples/`, with stdout and stderr interleaved as on a terminal. */
function shell(command: string): string {
  const r = spawnSync('bash', ['-c', `{ ${command}\n} 2>&1`], {
    cwd: examples,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return r.stdout;
}

test('the README is a front page: at most 200 lines', () => {
  const lines = readFileSync(join(repoRoot, 'README.md'), 'utf8').trimEnd().split('\n');
  expect(lines.length).toBeLessThanOrEqual(200);
});

const readme = examplesOf('README.md');
const guide = examplesOf('docs/guide.md');

test('the README shows five command-line examples or more, and one of the library', () => {
  expect(readme.commands.length).toBeGreaterThanOrEqual(5);
  expect(readme.programs).toHaveLength(1);
  // They are charcount's: every session starts with it.
  for (const c of readme.commands) expect(c.command, c.where).toMatch(/^charcount /);
});

describe.each([
  ['README.md', readme.commands],
  ['docs/guide.md', guide.commands],
])('%s: every command prints what the page shows', (_, commands) => {
  test.each(commands.map((c) => [c.where, c] as const))('%s', (_where, c) => {
    expect(shell(c.command), c.command).toBe(c.output);
  });
});

describe.each(readme.programs.map((p) => [p.where, p] as const))('the library example at %s', (_, program) => {
  test('compiles with tsc --strict', () => {
    writeFileSync(join(app, 'example.ts'), program.code);
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const options = ['--strict', '--noEmit', '--module', 'nodenext', '--target', 'es2022', '--types', 'node'];
    const typeRoots = ['--typeRoots', join(repoRoot, 'node_modules', '@types')];
    const r = spawnSync(process.execPath, [tsc, ...options, ...typeRoots, 'example.ts'], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 60_000);

  test('runs as an ES module in examples/ and prints what the README shows', () => {
    writeFileSync(join(app, 'example.mjs'), program.code);
    const r = spawnSync(process.execPath, [join(app, 'example.mjs')], { cwd: examples, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(program.output);
  });
});
