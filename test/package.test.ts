/**
 * The published package: `npm pack`, then install the tarball into an empty project on
 * a PATH without cargo, and use the CLI and the API from there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { loadNative } from '../src/internal.js';
import { repoRoot, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

test('a platform without a prebuilt binary gets one clear sentence', () => {
  expect(() => loadNative(join(repoRoot, 'native'), 'plan9-mips-gnu')).toThrow(
    /^charcount has no native core for this platform \(plan9-mips-gnu\): expected .*charcount\.plan9-mips-gnu\.node, found only charcount\.[\w-]+\.node; build it from a source checkout with `npm install` \(needs Rust's cargo\)\.$/,
  );
});

test('the packed tarball installs and runs where no Rust toolchain exists', () => {
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  const [{ filename, files }] = JSON.parse(packed) as [{ filename: string; files: { path: string }[] }];
  const paths = files.map((f) => f.path);
  expect(paths).toContain('dist/src/index.js');
  expect(paths).toContain('dist/src/index.d.ts');
  expect(paths).toContain('dist/src/cli/main.js');
  expect(paths).toContain('dist/src/transport/scan-worker.js');
  expect(paths.some((p) => /^native\/charcount\.[\w-]+\.node$/.test(p))).toBe(true);
  expect(paths.some((p) => p.startsWith('native/src') || p.startsWith('test/') || p.startsWith('dist/bench'))).toBe(
    false,
  );
  // Nothing test-only ships: no internal entry, no oracle, no hook in the published types.
  expect(paths.filter((p) => /internal|reference|\.map$/.test(p))).toEqual([]);
  const hooks = /\b(dispatcher|workerUrl|readOnly|panicForTest|RunInternals)\b/;
  expect(paths.filter((p) => p.endsWith('.d.ts') && hooks.test(readFileSync(join(repoRoot, p), 'utf8')))).toEqual([]);

  // A PATH with no cargo on it.
  const path = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((d) => d && !existsSync(join(d, 'cargo')))
    .join(delimiter);
  const env = { ...process.env, PATH: path, npm_config_loglevel: 'error' };
  expect(spawnSync('cargo', ['--version'], { env }).error).toBeDefined();

  const app = join(dir, 'app');
  mkdirSync(join(app, 'data'), { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }),
  );
  writeFileSync(join(app, 'data', 'hit.csv'), 'a,b,c,d\n');
  writeFileSync(join(app, 'data', 'miss.csv'), 'a,b\nc,d\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', join(dir, filename)], { cwd: app, env, stdio: 'pipe' });

  const cli = spawnSync(join(app, 'node_modules', '.bin', 'charcount'), ['--char', ',', '--min', '3', 'data'], {
    cwd: app,
    env,
    encoding: 'utf8',
  });
  expect(cli.stderr).toBe('');
  expect(cli.stdout).toBe('data/hit.csv\n');
  expect(cli.status).toBe(0);

  writeFileSync(
    join(app, 'use.js'),
    `import { Counter, Reset, scan } from 'charcount';
     const c = new Counter('c', 3, Reset.NewlinesReset);
     const { records, summary } = await scan({ patterns: ['data'], counter: new Counter(',', 3), sort: true }).result();
     console.log(JSON.stringify([c.hasCount('hello-c-c-c-goodbye'), records.map((r) => r.matched), summary.filesScanned]));`,
  );
  const api = spawnSync(process.execPath, ['use.js'], { cwd: app, env, encoding: 'utf8' });
  expect(api.stderr).toBe('');
  expect(JSON.parse(api.stdout)).toEqual([true, [true, false], 2]);
  expect(readdirSync(join(app, 'node_modules', 'charcount', 'native'))).toEqual(
    paths.filter((p) => p.startsWith('native/')).map((p) => p.slice(7)),
  );
}, 180_000);
