/**
 * The published packages: `npm pack` of charcount and of this platform's package
 * (`npm/<triple>/`, made by the native build), then both tarballs installed into an
 * empty project on a PATH without cargo, and the CLI and the API used from there (the
 * README's library example too, type-checked with `tsc --strict`); then the platform
 * package removed, so that the portable back end answers, with the same output.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { platformTriple } from '../src/internal.js';
import { allVectors, repoRoot, tempDir } from './helpers.js';
import { examplesOf } from './support/readme.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

/** `npm pack` of the package in `from`: the tarball's name and the paths it holds. */
function pack(from: string) {
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: from,
    encoding: 'utf8',
  });
  const [{ filename, files }] = JSON.parse(packed) as [{ filename: string; files: { path: string }[] }];
  return { tarball: join(dir, filename), paths: files.map((f) => f.path) };
}

/**
 * The package as `npm publish` packs it: a copy of what it ships, after its prepublishOnly
 * step (which adds the platform packages as optionalDependencies).
 */
function staged(): string {
  const stage = join(dir, 'stage');
  const ship = ['package.json', 'LICENSE', 'README.md', 'docs', 'man', 'completions', 'dist', 'scripts'];
  for (const p of ship) cpSync(join(repoRoot, p), join(stage, p), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(stage, 'node_modules'));
  execFileSync('npm', ['run', 'prepublishOnly', '--silent'], { cwd: stage, stdio: 'ignore' });
  return stage;
}

test('the packed tarballs install and run where no Rust toolchain exists', async () => {
  const corpora = pathToFileURL(join(repoRoot, 'dist', 'bench', 'corpus.js')).href;
  const corpus = ((await import(corpora)) as { smallFiles: (n: number) => string }).smallFiles(300);
  const { tarball, paths } = pack(staged());
  const triple = platformTriple();
  const platform = pack(join(repoRoot, 'npm', triple));
  expect(platform.paths.sort()).toEqual(['LICENSE', 'README.md', `charcount.${triple}.node`, 'package.json']);
  expect(paths).toContain('dist/src/index.js');
  expect(paths).toContain('dist/src/index.d.ts');
  // The command is one bundled file (and its code cache); the library stays in modules.
  expect(paths).toContain('dist/bundle/charcount.cjs');
  expect(paths).toContain('dist/bundle/cli.cjs');
  expect(paths.some((p) => /^dist\/bundle\/cli\.\w+\.cache$/.test(p))).toBe(true);
  expect(paths.some((p) => p.startsWith('dist/src/cli/') || p.startsWith('dist/workers/queue-worker'))).toBe(false);
  expect(paths).toContain('dist/workers/scan-thread.cjs'); // the threads' entry, for the library too
  // What a package of the ecosystem carries besides its code: licence, man page, completions.
  expect(paths).toEqual(
    expect.arrayContaining([
      'LICENSE',
      'man/charcount.1',
      'completions/charcount.bash',
      'completions/_charcount',
      'completions/charcount.fish',
    ]),
  );
  // The binaries are in the platform packages.
  expect(paths.filter((p) => p.endsWith('.node'))).toEqual([]);
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
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: path, npm_config_loglevel: 'error' };
  delete env.CHARCOUNT_BACKEND;
  expect(spawnSync('cargo', ['--version'], { env }).error).toBeDefined();

  const app = join(dir, 'app');
  mkdirSync(join(app, 'data'), { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }),
  );
  writeFileSync(join(app, 'data', 'hit.csv'), 'a,b,c,d\n');
  writeFileSync(join(app, 'data', 'miss.csv'), 'a,b\nc,d\n');
  writeFileSync(join(app, 'big.txt'), 'x'.repeat(5 * 2 ** 20));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', tarball, platform.tarball], {
    cwd: app,
    env,
    stdio: 'pipe',
  });
  const installed = join(app, 'node_modules');

  // A library install weighs what the library uses: no queue packages (optional peers), no
  // build tool (commander is inside the command's bundle), and no install script listed.
  for (const name of ['bullmq', 'ioredis', 'commander', 'esbuild', 'typescript']) {
    expect(existsSync(join(installed, name)), name).toBe(false);
  }
  const shipped = JSON.parse(readFileSync(join(installed, 'charcount', 'package.json'), 'utf8'));
  expect(shipped.scripts?.prepare).toBeUndefined();
  expect(shipped.peerDependenciesMeta).toEqual({ bullmq: { optional: true }, ioredis: { optional: true } });

  // The README's library example: it compiles with tsc --strict against the installed
  // types, and node runs it in a copy of examples/, printing what the README shows.
  const [readmeExample] = examplesOf('README.md').programs;
  cpSync(join(repoRoot, 'examples'), join(app, 'examples'), { recursive: true });
  writeFileSync(join(app, 'readme.ts'), readmeExample!.code);
  writeFileSync(join(app, 'readme.mjs'), readmeExample!.code);
  const tsc = spawnSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'),
      ...['--strict', '--noEmit', '--module', 'nodenext', '--target', 'es2022', '--types', 'node'],
      ...['--typeRoots', join(repoRoot, 'node_modules', '@types'), 'readme.ts'],
    ],
    { cwd: app, env, encoding: 'utf8' },
  );
  expect(tsc.stdout + tsc.stderr).toBe('');
  const readme = spawnSync(process.execPath, [join(app, 'readme.mjs')], {
    cwd: join(app, 'examples'),
    env,
    encoding: 'utf8',
  });
  expect(readme.stderr).toBe('');
  expect(readme.stdout).toBe(readmeExample!.output);

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
    `import { Counter, Reset, scan, scanFiles } from 'charcount';
     const c = new Counter('c', 3, Reset.NewlinesReset);
     const { records, summary } = await scan({ patterns: ['data'], counter: new Counter(',', 3), sort: true }).result();
     // Past the 4 MiB the calling thread reads itself: a worker thread, started from the installed package.
     const big = await scanFiles(['big.txt'], { counter: new Counter(',', 3) }).result();
     console.log(JSON.stringify([c.hasCount('hello-c-c-c-goodbye'), records.map((r) => r.matched), summary.filesScanned, big.records[0].bytes]));`,
  );
  // The shipped completions are what the installed command prints.
  const bash = spawnSync(join(installed, '.bin', 'charcount'), ['completions', 'bash'], { env, encoding: 'utf8' });
  expect(bash.stdout).toBe(readFileSync(join(installed, 'charcount', 'completions', 'charcount.bash'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(installed, 'charcount', 'package.json'), 'utf8'));
  for (const page of manifest.man) expect(existsSync(join(installed, 'charcount', page))).toBe(true);

  const api = spawnSync(process.execPath, ['use.js'], { cwd: app, env, encoding: 'utf8' });
  expect(api.stderr).toBe('');
  expect(JSON.parse(api.stdout)).toEqual([true, [true, false], 2, 5 * 2 ** 20]);

  // CommonJS consumers: require() of the package (Node's require of ES modules, which every
  // Node in its engines range has).
  writeFileSync(
    join(app, 'use.cjs'),
    `const { Counter } = require('charcount');
     console.log(JSON.stringify(new Counter(',', 3).hasCount('a,b,c,d')));`,
  );
  const cjs = spawnSync(process.execPath, ['use.cjs'], { cwd: app, env, encoding: 'utf8' });
  expect(cjs.stderr).toBe('');
  expect(cjs.stdout).toBe('true\n');

  // The core came from the platform package. Without it, the portable back end gives the same
  // output (the benchmark's small corpus, the conformance vectors, the API), and one line
  // says what to install; CHARCOUNT_BACKEND=native refuses to run without it.
  expect(existsSync(join(installed, '@charcount', triple, `charcount.${triple}.node`))).toBe(true);
  expect(existsSync(join(installed, 'charcount', 'native'))).toBe(false);
  const vectors = join(dir, 'vectors');
  mkdirSync(vectors);
  allVectors().forEach((v, i) => writeFileSync(join(vectors, `v${i}`), v.input));
  const runs: [string, string[]][] = [
    ...[
      ['-c', ',', '-m', '40'],
      ['-c', ' ', '-m', '3'],
      ['-c', ',', '-m', '8', '-r', 'space'],
      ['-c', 'z', '-m', '50', '-r', 'none', '--count'],
    ].map((q): [string, string[]] => [corpus, q]),
    [vectors, ['-c', 'c', '-m', '3', '--count', '--binary']],
    [vectors, ['-c', 'é', '-m', '2', '-r', 'space', '--binary']],
  ];
  const outputs = () => [
    ...runs.map(([cwd, query]) => {
      const r = spawnSync(join(installed, '.bin', 'charcount'), [...query, '--sort', 'path', '.'], {
        cwd,
        env,
        encoding: 'utf8',
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    }),
    (({ status, stdout, stderr }) => ({ status, stdout, stderr }))(
      spawnSync(process.execPath, ['use.js'], { cwd: app, env, encoding: 'utf8' }),
    ),
  ];
  const withCore = outputs();
  rmSync(join(installed, '@charcount', triple), { recursive: true });
  const sentence =
    `charcount has no native core for this platform (${triple}): no local build ` +
    `(native/charcount.${triple}.node) and no package @charcount/${triple}; install @charcount/${triple}@0.1.0 ` +
    '(npm installs it with charcount unless optional dependencies are left out), or build the core from a ' +
    "source checkout with `npm install` (needs Rust's cargo).";
  const message =
    'the native core was not found, so this runs on the portable TypeScript back end ' +
    `(same answers, slower; CHARCOUNT_BACKEND=portable hides this notice): ${sentence}`;
  // The command prints it as its own line, the library as Node prints a process warning.
  const warning =
    `(node:PID) [CHARCOUNT_NO_NATIVE_CORE] CharcountWarning: ${message}\n` +
    '(Use `node --trace-warnings ...` to show where the warning was created)\n';
  const portable = outputs().map((o) => ({ ...o, stderr: o.stderr.replace(/^\(node:\d+\)/, '(node:PID)') }));
  expect(portable).toEqual(
    withCore.map((o, i) => ({ ...o, stderr: (i < runs.length ? `charcount: ${message}\n` : warning) + o.stderr })),
  );
  const refused = spawnSync(join(installed, '.bin', 'charcount'), ['--char', ',', '--min', '3', 'data'], {
    cwd: app,
    env: { ...env, CHARCOUNT_BACKEND: 'native' },
    encoding: 'utf8',
  });
  expect(refused.status).toBe(2);
  expect(refused.stderr).toBe(`${sentence}\n`);
}, 180_000);
