/**
 * The back end as an installed package chooses it (contract §6.2): a copy of the package
 * without its native binary answers on the portable back end with the very output of the
 * native one (the benchmark's small corpus, the conformance vectors), says so once on
 * stderr, and its worker threads follow the main thread's choice; `CHARCOUNT_BACKEND`
 * forces either.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { allVectors, repoRoot, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

/** The package as installed, and a copy of it without `native/`. */
const installed = repoRoot;
const stripped = join(dir, 'package');
let corpus = '';
const vectorDir = join(dir, 'vectors');
const vectors = allVectors();

beforeAll(async () => {
  mkdirSync(stripped);
  cpSync(join(repoRoot, 'package.json'), join(stripped, 'package.json'));
  cpSync(join(repoRoot, 'dist', 'src'), join(stripped, 'dist', 'src'), { recursive: true });
  cpSync(join(repoRoot, 'dist', 'bundle'), join(stripped, 'dist', 'bundle'), { recursive: true });
  cpSync(join(repoRoot, 'dist', 'workers'), join(stripped, 'dist', 'workers'), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(stripped, 'node_modules'));
  const corpora = pathToFileURL(join(repoRoot, 'dist', 'bench', 'corpus.js')).href;
  corpus = ((await import(corpora)) as { smallFiles: (n: number) => string }).smallFiles(300);
  mkdirSync(vectorDir);
  vectors.forEach((v, i) => writeFileSync(join(vectorDir, `v${i}`), v.input));
}, 120_000);

/** The environment of a user who set nothing (the portable test pass sets CHARCOUNT_BACKEND). */
function env(backend?: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
  delete e.CHARCOUNT_BACKEND;
  if (backend !== undefined) e.CHARCOUNT_BACKEND = backend;
  return e;
}

function charcount(pkg: string, args: string[], cwd: string, backend?: string) {
  const r = spawnSync(process.execPath, [join(pkg, 'dist', 'bundle', 'charcount.cjs'), ...args], {
    cwd,
    env: env(backend),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The notice's text: why, and how to get the native core. */
const MESSAGE =
  /the native core was not found, so this runs on the portable TypeScript back end \(same answers, slower; CHARCOUNT_BACKEND=portable hides this notice\): charcount has no native core for this platform \([\w-]+\): no local build .*from a source checkout with `npm install` \(needs Rust's cargo\)\./;
/** The notice as the command prints it: one charcount line. */
const NOTICE = new RegExp(`^charcount: ${MESSAGE.source}\\n$`);
/** The notice as Node prints a library's warning: its code, its type, then Node's hint. */
const WARNING = new RegExp(
  `^\\(node:\\d+\\) \\[CHARCOUNT_NO_NATIVE_CORE\\] CharcountWarning: ${MESSAGE.source}\\n` +
    '\\(Use `node --trace-warnings \\.\\.\\.` to show where the warning was created\\)\\n$',
);

describe('a package without its native binary', () => {
  /** The benchmark's queries on its corpus; others, multi-byte ones, on the vectors (each vector's own: see the API test). */
  const runs: ['corpus' | 'vectors', string[]][] = [
    ...[
      ['-c', ',', '-m', '40'],
      ['-c', ' ', '-m', '3'],
      ['-c', ',', '-m', '8', '-r', 'space'],
      ['-c', 'z', '-m', '50', '-r', 'none'],
    ].flatMap((q): ['corpus', string[]][] => [
      ['corpus', q],
      ['corpus', [...q, '--count']],
    ]),
    ['corpus', ['-c', ',', '-m', '12', '--files-without-match']],
    ...[
      ['-c', 'é', '-m', '2', '-r', 'space'],
      ['-c', '😀', '-m', '1', '-r', 'none'],
      ['-c', '\n', '-m', '1'],
      ['-c', 'x', '-m', '0'],
    ].map((q): ['vectors', string[]] => ['vectors', [...q, '--count']]),
  ];

  test('prints what the native package prints, on the small corpus and the vectors, with one notice on stderr', () => {
    for (const [where, query] of runs) {
      // Two threads, so that worker threads scan too; --binary: the vectors hold NUL bytes.
      const args = [...query, '--sort', 'path', '-j', '2', '--binary', '--no-progress', '.'];
      const cwd = where === 'corpus' ? corpus : vectorDir;
      const label = `${where}: ${args.join(' ')}`;
      const want = charcount(installed, args, cwd);
      const got = charcount(stripped, args, cwd);
      expect(want.stderr, label).toBe('');
      expect(got.stderr, label).toMatch(NOTICE);
      expect(got.stdout, label).toBe(want.stdout);
      expect(got.status, label).toBe(want.status);
    }
  }, 300_000);

  test('the API gives the same records for every conformance vector, and says which back end ran', () => {
    const script = join(dir, 'vectors.mjs');
    writeFileSync(
      script,
      `import { readFileSync } from 'node:fs';
       const [index, list] = process.argv.slice(2);
       const { Counter, Reset, scanFiles } = await import(index);
       const out = [];
       for (const v of JSON.parse(readFileSync(list, 'utf8'))) {
         const counter = new Counter(v.what, v.min, Reset[v.reset]);
         const { records, summary } = await scanFiles([v.path], { counter, fullScan: true, binary: 'scan', threads: 1 }).result();
         const first = await scanFiles([v.path], { counter, binary: 'scan', threads: 1 }).result();
         const bytes = readFileSync(v.path);
         out.push([records, first.records, counter.fullScan(bytes), counter.firstHit(bytes.toString('latin1')), summary.backend]);
       }
       process.stdout.write(JSON.stringify(out));`,
    );
    const list = join(dir, 'vectors.json');
    writeFileSync(
      list,
      JSON.stringify(
        vectors.map((v, i) => ({ what: v.what, min: v.min, reset: v.reset, path: join(vectorDir, `v${i}`) })),
      ),
    );
    const run = (pkg: string) =>
      spawnSync(process.execPath, [script, pathToFileURL(join(pkg, 'dist', 'src', 'index.js')).href, list], {
        env: env(),
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
    const [want, got] = [run(installed), run(stripped)];
    expect(want.stderr).toBe('');
    expect(got.stderr).toMatch(WARNING);
    const [w, g] = [JSON.parse(want.stdout) as unknown[][], JSON.parse(got.stdout) as unknown[][]];
    expect(w).toHaveLength(vectors.length);
    expect(g.map((r) => r.slice(0, 4))).toEqual(w.map((r) => r.slice(0, 4)));
    expect(new Set(w.map((r) => r[4]))).toEqual(new Set(['native']));
    expect(new Set(g.map((r) => r[4]))).toEqual(new Set(['portable']));
  }, 300_000);

  test('--version and --stats say the portable back end ran, and why', () => {
    const version = charcount(stripped, ['--version'], dir);
    expect(version.stdout).toMatch(
      /^\d+\.\d+\.\d+\nportable back end \(charcount has no native core for this platform \([\w-]+\): no local build .*\)\n$/,
    );
    expect(version.stderr).toMatch(NOTICE);
    const stats = charcount(stripped, ['-c', ',', '-m', '3', '--stats', '-j', '2', '.'], corpus);
    const lines = stats.stderr.split('\n');
    expect(`${lines[0]}\n`).toMatch(NOTICE);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^300 files discovered, 300 scanned/),
      '0 skipped, 0 errors',
      expect.stringMatching(/ on 2 threads, portable back end$/),
      '',
    ]);
  });

  test("the notice is a process warning with a code: a listener hears it, and Node's switches hide it", () => {
    const script = join(dir, 'warning.mjs');
    writeFileSync(
      script,
      `process.on('warning', (w) => console.log(JSON.stringify({ name: w.name, code: w.code, message: w.message })));
       const { Counter } = await import(process.argv[2]);
       console.log(new Counter(',', 2).hasCount('a,b,c'));`,
    );
    const index = pathToFileURL(join(stripped, 'dist', 'src', 'index.js')).href;
    const api = (...node: string[]) =>
      spawnSync(process.execPath, [...node, script, index], { env: env(), encoding: 'utf8' });
    const heard = api();
    expect(heard.stderr).toMatch(WARNING);
    // The warning is emitted when the library loads, and heard on the next tick.
    const lines = heard.stdout.trimEnd().split('\n').sort();
    expect(lines).toEqual(['true', expect.stringMatching(/^\{/)]);
    expect(JSON.parse(lines[1]!)).toMatchObject({ name: 'CharcountWarning', code: 'CHARCOUNT_NO_NATIVE_CORE' });
    expect(JSON.parse(lines[1]!).message).toMatch(new RegExp(`^${MESSAGE.source}$`));
    for (const flag of [
      '--disable-warning=CHARCOUNT_NO_NATIVE_CORE',
      '--disable-warning=CharcountWarning',
      '--no-warnings',
    ]) {
      const quiet = api(flag);
      expect(quiet.stderr, flag).toBe('');
      expect(quiet.stdout.trimEnd().split('\n').sort(), flag).toEqual(lines); // listeners still hear it
    }

    // The command prints it as its own line; the same switches hide it there too.
    const args = ['-c', ',', '-m', '3', '--sort', 'path', '.'];
    const want = charcount(installed, args, corpus);
    const command = (nodeOptions: string) =>
      spawnSync(process.execPath, [join(stripped, 'dist', 'bundle', 'charcount.cjs'), ...args], {
        cwd: corpus,
        env: { ...env(), NODE_OPTIONS: nodeOptions },
        encoding: 'utf8',
      });
    expect(command('').stderr).toMatch(NOTICE);
    for (const options of [
      '--disable-warning=CHARCOUNT_NO_NATIVE_CORE',
      '--disable-warning CharcountWarning',
      '--no-warnings',
    ]) {
      const quiet = command(options);
      expect({ status: quiet.status, stdout: quiet.stdout, stderr: quiet.stderr }, options).toEqual({
        ...want,
        stderr: '',
      });
    }
    const other = spawnSync(
      process.execPath,
      [
        '-e',
        `process.emitWarning('something else'); require(${JSON.stringify(join(stripped, 'dist', 'bundle', 'charcount.cjs'))})`,
      ],
      { env: env('portable'), encoding: 'utf8' },
    );
    // Other warnings keep Node's format.
    expect(other.stderr).toMatch(/^\(node:\d+\) Warning: something else\n/);
  }, 120_000);

  test('CHARCOUNT_BACKEND: portable is quiet, native insists on the binary, anything else is refused', () => {
    const args = ['-c', ',', '-m', '3', '--sort', 'path', '.'];
    const want = charcount(installed, args, corpus);
    expect(charcount(stripped, args, corpus, 'portable')).toEqual({ ...want, stderr: '' });
    expect(charcount(installed, args, corpus, 'portable')).toEqual({ ...want, stderr: '' });
    const refused = charcount(stripped, args, corpus, 'native');
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      /^charcount has no native core for this platform \([\w-]+\): no local build .*from a source checkout with `npm install` \(needs Rust's cargo\)\.\n$/,
    );
    for (const pkg of [installed, stripped]) {
      expect(charcount(pkg, args, corpus, 'rust')).toEqual({
        status: 2,
        stdout: '',
        stderr: "charcount: CHARCOUNT_BACKEND must be native or portable (or unset), got 'rust'\n",
      });
    }
  });
});

test("worker threads scan with the main thread's back end, whatever made it choose", () => {
  // The main thread takes the portable back end from the variable, which is then removed
  // before the threads start: they follow the main thread, not their own environment.
  const probe = pathToFileURL(join(repoRoot, 'test', 'fixtures', 'backend-probe-worker.mjs')).href;
  const files = join(dir, 'probe');
  mkdirSync(files);
  for (let i = 0; i < 40; i++) writeFileSync(join(files, `PROBE-${i}`), 'c,c,c\n');
  const script = `
    process.env.CHARCOUNT_BACKEND = 'portable';
    const { Counter } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'dist', 'src', 'index.js')).href)});
    const { scanWith } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'dist', 'src', 'internal.js')).href)});
    delete process.env.CHARCOUNT_BACKEND;
    const run = scanWith({ cwd: ${JSON.stringify(files)}, counter: new Counter(',', 2), threads: 2, batchSize: 1 }, { workerUrl: new URL(${JSON.stringify(probe)}) });
    const { records, summary } = await run.result();
    console.log(JSON.stringify([summary.backend, [...new Set(records.map((r) => r.bytes))]]));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: env(), encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual(['portable', [2]]);
});
