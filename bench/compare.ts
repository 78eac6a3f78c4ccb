/**
 * `npm run bench`: charcount against ripgrep, GNU grep and itself, as whole processes on
 * the same corpora in the same run, with every run's matching files cross-checked.
 *
 *   npm run bench                          # 20,000 small files, two trees (20,000 and 100,000 files),
 *                                          # 4 × 256 MiB, node_modules, fixed costs, 20 library calls,
 *                                          # small trees (1,000 × 8 KB, /usr/include: bench/small-trees.ts)
 *   npm run bench -- --size tiny           # a quick run (CI: checks agreement, no timings asserted)
 *   npm run bench -- --small 100000 --runs 5
 *   npm run bench -- --tree 5000 --deep 20000 --fixed-runs 11
 *   npm run bench -- --baseline ../other/dist/bundle/charcount.cjs   # another build, side by side
 *
 * Encoded input: one CSV text as UTF-8, as UTF-16LE with a byte-order mark, and gzipped
 * (`-z`), charcount and ripgrep (which transcodes and decompresses too), runs alternating.
 *
 * Fixed costs: charcount as whole processes on an empty directory and on one file against
 * `node -e 0`, runs alternating, and 20 `scan()` calls in one process, with and without a
 * `ScanPool` (bench/calls-child.ts). File-finding rules: ignore files and -g globs against
 * the same run without them.
 *
 * Writes bench/results/latest.{md,json,svg} (a tiny run: bench/results/tiny/). Exits non-zero when contenders disagree on
 * which files match (the differing paths are printed). Peak RSS comes from GNU time
 * (`/usr/bin/time`) when it is installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deepFiles, emptyDir, encodedFiles, largeFiles, oneFile, smallFiles, treeFiles } from './corpus.js';
import type { SmallTreeRow } from './small-trees.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const cli = join(repo, 'dist', 'bundle', 'charcount.cjs');
const child = join(here, 'scan-child.js');
const callsChild = join(here, 'calls-child.js');

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'default' },
    small: { type: 'string' },
    'large-count': { type: 'string' },
    'large-mib': { type: 'string' },
    'encoded-mib': { type: 'string' },
    tree: { type: 'string' },
    deep: { type: 'string' },
    'fixed-runs': { type: 'string' },
    baseline: { type: 'string' },
    runs: { type: 'string' },
    warmup: { type: 'string' },
    out: { type: 'string' },
  },
});
const tiny = values.size === 'tiny';
if (!['default', 'tiny'].includes(values.size))
  throw new RangeError(`--size must be default or tiny, got ${values.size}`);
const num = (v: string | undefined, fallback: number, name: string) => {
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`--${name} must be a whole number, got ${v}`);
  return n;
};
const runs = Math.max(1, num(values.runs, tiny ? 1 : 3, 'runs'));
// Tiny runs (CI) write beside, not over, the committed results of a full run.
const outDir = values.out ?? join(repo, 'bench', 'results', ...(tiny ? ['tiny'] : []));
const warmup = num(values.warmup, tiny ? 0 : 1, 'warmup');
// Fixed costs are tens of milliseconds: more runs, alternating, for stable medians.
const fixedRuns = Math.max(1, num(values['fixed-runs'], tiny ? 3 : 21, 'fixed-runs'));

// ── corpora ────────────────────────────────────────────────────────────────────────
interface Corpus {
  name: string;
  dir: string;
  /** Queries that make sense here (per-word and whole-file need text without NULs). */
  queries: string[];
}
const smallCount = num(values.small, tiny ? 300 : 20_000, 'small');
const largeCount = num(values['large-count'], tiny ? 2 : 4, 'large-count');
const largeMib = num(values['large-mib'], tiny ? 4 : 256, 'large-mib');
const treeCount = num(values.tree, tiny ? 300 : 20_000, 'tree');
const deepCount = num(values.deep, tiny ? 1000 : 100_000, 'deep');
const corpora: Corpus[] = [
  {
    name: `${smallCount} small files`,
    dir: smallFiles(smallCount),
    queries: ['line-never', 'line-early', 'word', 'file'],
  },
  {
    name: `tree of ${treeCount} files, 0.5–16 KB`,
    dir: treeFiles(treeCount),
    queries: ['line-never', 'line-early', 'word', 'file'],
  },
  {
    name: `deep tree of ${deepCount} files, 0.2–8 KB`,
    dir: deepFiles(deepCount),
    queries: ['line-never', 'line-early', 'word', 'file'],
  },
  {
    name: `${largeCount} × ${largeMib} MiB`,
    dir: largeFiles(largeCount, largeMib),
    queries: ['line-never', 'line-early', 'word', 'file'],
  },
  { name: 'node_modules', dir: join(repo, 'node_modules'), queries: ['line-never', 'line-early'] },
];

// ── queries ────────────────────────────────────────────────────────────────────────
type ResetName = 'newline' | 'space' | 'none';
interface Query {
  id: string;
  what: string;
  min: number;
  reset: ResetName;
  label: string;
}
const QUERIES: Record<string, Query> = {
  'line-never': {
    id: 'line-never',
    what: ',',
    min: 40,
    reset: 'newline',
    label: "',' ≥ 40 in a line (never reached: full scan)",
  },
  'line-early': {
    id: 'line-early',
    what: ' ',
    min: 3,
    reset: 'newline',
    label: "' ' ≥ 3 in a line (reached in most files: early exit)",
  },
  word: { id: 'word', what: ',', min: 8, reset: 'space', label: "',' ≥ 8 in a space-separated word" },
  file: { id: 'file', what: 'z', min: 50, reset: 'none', label: "'z' ≥ 50 in a whole file" },
};

const QUERY_SHORT: Record<string, string> = {
  'line-never': 'full scan',
  'line-early': 'early exit',
  word: 'per word',
  file: 'whole file',
};

const escapeRe = (c: string) => c.replace(/[\\^$.*+?()[\]{}|-]/g, '\\$&');

/** The equivalent regular expression; per-word and whole-file run multi-line. */
function regex(q: Query, dialect: 'rg' | 'grep'): string {
  const x = escapeRe(q.what);
  const other = q.what === ' ' ? ' ' : x;
  const stop = { newline: dialect === 'rg' ? `${other}\\n` : other, space: `${other} `, none: other }[q.reset];
  const body = q.min <= 1 ? x : `${x}(?:[^${stop}]*${x}){${q.min - 1}}`;
  return dialect === 'rg' ? `(?-u)${body}` : body.replaceAll('(?:', '(');
}

// ── queue: a private redis-server and two `charcount worker` processes ───────────────
// One thread each, so that the queued run has the same two threads as the local one. The
// port is a free one: a fixed port may be another run's, with workers of another build.
const QUEUE_PORT = await new Promise<number>((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});
const queueUrl = `redis://127.0.0.1:${QUEUE_PORT}`;
const queueProcs: ChildProcess[] = [];
function startQueue(): string | undefined {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0)
    return 'redis-server not installed (apt-get install redis-server)';
  queueProcs.push(
    spawn('redis-server', ['--port', String(QUEUE_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    }),
  );
  for (
    let i = 0;
    spawnSync('redis-cli', ['-p', String(QUEUE_PORT), 'ping'], { encoding: 'utf8' }).stdout?.trim() !== 'PONG';
    i++
  ) {
    if (i > 50) return 'redis-server did not start';
    spawnSync('sleep', ['0.1']);
  }
  for (let i = 0; i < 2; i++)
    queueProcs.push(spawn(process.execPath, [cli, 'worker', '--queue', queueUrl, '-j', '1'], { stdio: 'ignore' }));
  return undefined;
}
const queueMissing = startQueue();
const stopQueue = () => {
  for (const p of queueProcs.reverse()) p.kill('SIGTERM');
};
process.on('exit', stopQueue);

// ── contenders ─────────────────────────────────────────────────────────────────────
interface Contender {
  name: string;
  /** Why it cannot run here, if it cannot. */
  missing?: string;
  /** Whether its matches take part in the cross-check. */
  checked: boolean;
  command(q: Query): { cmd: string; args: string[]; env?: Record<string, string> };
}

const BASELINE = 'charcount (--baseline build)';
const has = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
const resetCode = (r: ResetName) => ({ newline: '0', space: '1', none: '2' })[r];
/** The command line of a charcount contender, with `extra` options. */
const charcountArgs = (q: Query, ...extra: string[]) => commandArgs(cli, q, ...extra);
const commandArgs = (file: string, q: Query, ...extra: string[]) => [
  file,
  // --hidden --no-ignore --binary: every file, as ripgrep's -uu -a.
  ...['-c', q.what, '-m', String(q.min), '-r', q.reset, '--hidden', '--no-ignore', '--binary', '--no-progress'],
  ...extra,
  '.',
];
const contenders: Contender[] = [
  {
    name: 'charcount',
    checked: true,
    command: (q) => ({
      cmd: process.execPath,
      args: charcountArgs(q),
    }),
  },
  // --baseline: another build's command (before/after ratios from the same loop).
  ...(values.baseline === undefined
    ? []
    : [
        {
          name: BASELINE,
          checked: true,
          command: (q: Query) => ({ cmd: process.execPath, args: commandArgs(values.baseline!, q) }),
        },
      ]),
  {
    name: 'charcount -j 1',
    checked: true,
    command: (q) => ({
      cmd: process.execPath,
      args: charcountArgs(q, '-j', '1'),
    }),
  },
  {
    // Where no native core fits (a macOS user without Rust): the same command on the
    // TypeScript counter and Node's fs.
    name: 'charcount, portable back end',
    checked: true,
    command: (q) => ({
      cmd: process.execPath,
      args: charcountArgs(q),
      env: { CHARCOUNT_BACKEND: 'portable' },
    }),
  },
  {
    name: 'charcount --queue, 2 workers × 1 thread',
    checked: true,
    missing: queueMissing,
    command: (q) => ({
      cmd: process.execPath,
      args: charcountArgs(q, '--queue', queueUrl),
    }),
  },
  {
    name: 'ripgrep',
    checked: true,
    missing: has('rg') ? undefined : 'not installed (apt-get install ripgrep)',
    // -uu: hidden and ignored files; -a: binary files as text (-uuu would split lines at
    // NUL bytes); -E none: bytes as they are (no BOM sniffing and transcoding).
    command: (q) => ({
      cmd: 'rg',
      args: ['-uu', '-a', '-E', 'none', '-l', ...(q.reset === 'newline' ? [] : ['-U']), regex(q, 'rg'), '.'],
    }),
  },
  {
    name: 'GNU grep',
    checked: true,
    missing: has('grep') ? undefined : 'not installed (apt-get install grep)',
    command: (q) => ({
      cmd: 'grep',
      args: ['-rlaE', ...(q.reset === 'newline' ? [] : ['-z']), regex(q, 'grep'), '.'],
      env: { LC_ALL: 'C' },
    }),
  },
  {
    name: 'read everything (same reader, no counting)',
    checked: false,
    command: (q) => ({
      cmd: process.execPath,
      args: [child, 'read-only', '.', q.what, String(q.min), resetCode(q.reset)],
    }),
  },
];

// ── running ────────────────────────────────────────────────────────────────────────
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const scratch = mkdtempSync(join(tmpdir(), 'charcount-bench-'));

interface Measured {
  ms: number;
  rssMiB?: number;
  matches: string[];
  stderr?: string;
}

function runOnce(c: Contender, q: Query, dir: string): Measured {
  return runCommand(`${c.name} on ${q.id}`, c.command(q), dir);
}

function runCommand(
  what: string,
  { cmd, args, env }: { cmd: string; args: string[]; env?: Record<string, string> },
  dir: string,
): Measured {
  const rssFile = join(scratch, 'rss');
  const [file, argv] = gnuTime ? [gnuTime, ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, args];
  const t0 = performance.now();
  const r = spawnSync(file, argv, { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  // 0: matches, 1: none; anything else failed (charcount's 2 means a per-file error).
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`${what} failed (exit ${r.status ?? r.signal}) in ${dir}:\n${r.stderr.slice(0, 2000)}`);
  }
  const rssMiB = gnuTime ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024 : undefined;
  const matches = r.stdout
    // grep -z ends each file name with NUL instead of a newline.
    .split(/[\n\0]/)
    .filter(Boolean)
    .map((p) => p.replace(/^\.\//, ''))
    .sort();
  return { ms, rssMiB, matches, stderr: r.stderr };
}

interface Row {
  corpus: string;
  query: string;
  contender: string;
  missing?: string;
  medianMs?: number;
  minMs?: number;
  maxMs?: number;
  rssMiB?: number;
  gbPerSec?: number;
  filesPerSec?: number;
  ratioToRipgrep?: number;
  matched?: number;
}

/** Files and bytes of a corpus, as the reader sees them (hidden and binary included). */
function corpusSize(dir: string): { files: number; bytes: number } {
  const r = spawnSync(process.execPath, [child, 'read-only', dir, ',', '1', '0'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const stats = JSON.parse(r.stderr.trim().split('\n').pop()!);
  return { files: stats.files, bytes: stats.bytes };
}

const rows: Row[] = [];
const disagreements: string[] = [];
const sizes = new Map<string, { files: number; bytes: number }>();
for (const corpus of corpora) {
  const size = corpusSize(corpus.dir);
  sizes.set(corpus.name, size);
  for (const qid of corpus.queries) {
    const q = QUERIES[qid]!;
    const results = new Map<string, Measured[]>();
    for (const c of contenders) {
      if (c.missing) {
        rows.push({ corpus: corpus.name, query: q.id, contender: c.name, missing: c.missing });
        continue;
      }
      for (let i = 0; i < warmup; i++) runOnce(c, q, corpus.dir);
      const all = Array.from({ length: runs }, () => runOnce(c, q, corpus.dir));
      results.set(c.name, all);
      process.stderr.write(`${corpus.name} · ${q.id} · ${c.name}: ${all.map((m) => m.ms.toFixed(0)).join(' ')} ms\n`);
    }
    // Cross-check: every checked contender's matching files, run by run.
    const reference = results.get('ripgrep')?.[0] ?? results.get('charcount')![0]!;
    const refName = results.has('ripgrep') ? 'ripgrep' : 'charcount';
    for (const c of contenders.filter((c) => c.checked && results.has(c.name))) {
      for (const m of results.get(c.name)!) {
        const want = new Set(reference.matches);
        const got = new Set(m.matches);
        const onlyGot = m.matches.filter((p) => !want.has(p));
        const onlyWant = reference.matches.filter((p) => !got.has(p));
        if (onlyGot.length || onlyWant.length) {
          disagreements.push(
            `${corpus.name} · ${q.label}: ${c.name} and ${refName} disagree\n` +
              `  only ${c.name}: ${onlyGot.slice(0, 20).join(', ') || '-'}${onlyGot.length > 20 ? ` (+${onlyGot.length - 20})` : ''}\n` +
              `  only ${refName}: ${onlyWant.slice(0, 20).join(', ') || '-'}${onlyWant.length > 20 ? ` (+${onlyWant.length - 20})` : ''}`,
          );
          break;
        }
      }
    }
    const rgMedian = results.has('ripgrep') ? median(results.get('ripgrep')!.map((m) => m.ms)) : undefined;
    for (const [name, all] of results) {
      const ms = all.map((m) => m.ms);
      const med = median(ms);
      const rss = all.map((m) => m.rssMiB).filter((x): x is number => x !== undefined);
      rows.push({
        corpus: corpus.name,
        query: q.id,
        contender: name,
        medianMs: med,
        minMs: Math.min(...ms),
        maxMs: Math.max(...ms),
        rssMiB: rss.length ? Math.max(...rss) : undefined,
        gbPerSec: size.bytes / (med / 1000) / 1e9,
        filesPerSec: size.files / (med / 1000),
        ratioToRipgrep: rgMedian ? med / rgMedian : undefined,
        matched: all[0]!.matches.length,
      });
    }
  }
}
// The queue's processes are idle from here on; stopped all the same, so as not to share the CPUs.
stopQueue();
spawnSync('sleep', ['0.5']);

// ── encoded input ──────────────────────────────────────────────────────────────────
// The same text as UTF-8, UTF-16LE with a mark (decoded natively) and gzip (decompressed
// on the worker side), for charcount and ripgrep; every run of a round alternates forms.
interface EncodedRow {
  form: string;
  query: string;
  contender: string;
  missing?: string;
  medianMs?: number;
  ratioToUtf8?: number;
  ratioToRipgrep?: number;
  matched?: number;
}
const encodedMib = num(values['encoded-mib'], tiny ? 2 : 64, 'encoded-mib');
const encoded = encodedFiles(encodedMib);
const forms = [
  { form: 'UTF-8', dir: encoded.utf8, zip: false },
  { form: 'UTF-16LE with a byte-order mark', dir: encoded.utf16, zip: false },
  { form: 'gzip (-z)', dir: encoded.gzip, zip: true },
];
const encodedQueries = ['line-never', 'word'];
const encodedContenders = [
  {
    name: 'charcount',
    missing: undefined as string | undefined,
    command: (q: Query, zip: boolean) => ({
      cmd: process.execPath,
      args: charcountArgs(q, ...(zip ? ['-z'] : [])),
    }),
  },
  {
    name: 'ripgrep',
    missing: contenders.find((c) => c.name === 'ripgrep')!.missing,
    // ripgrep's defaults transcode UTF-16 after a mark; -z decompresses (it runs gzip).
    command: (q: Query, zip: boolean) => ({
      cmd: 'rg',
      args: ['-uu', '-l', ...(zip ? ['-z'] : []), ...(q.reset === 'newline' ? [] : ['-U']), regex(q, 'rg'), '.'],
    }),
  },
];
const encodedRows: EncodedRow[] = [];
for (const qid of encodedQueries) {
  const q = QUERIES[qid]!;
  const cases = encodedContenders.flatMap((c) => forms.map((f) => ({ c, f })));
  const times = new Map<(typeof cases)[number], Measured[]>();
  for (let round = 0; round < warmup + runs; round++) {
    const order = cases.filter((x) => !x.c.missing);
    for (const x of round % 2 ? order.reverse() : order) {
      const m = runCommand(`${x.c.name} on ${x.f.form}`, x.c.command(q, x.f.zip), x.f.dir);
      if (round >= warmup) times.set(x, [...(times.get(x) ?? []), m]);
    }
  }
  const med = (c: string, form: string) => {
    const x = cases.find((y) => y.c.name === c && y.f.form === form)!;
    const all = times.get(x);
    return all && median(all.map((m) => m.ms));
  };
  for (const x of cases) {
    const all = times.get(x);
    if (!all) {
      encodedRows.push({ form: x.f.form, query: qid, contender: x.c.name, missing: x.c.missing });
      continue;
    }
    const ms = median(all.map((m) => m.ms));
    const rg = med('ripgrep', x.f.form);
    encodedRows.push({
      form: x.f.form,
      query: qid,
      contender: x.c.name,
      medianMs: ms,
      ratioToUtf8: ms / med(x.c.name, 'UTF-8')!,
      ratioToRipgrep: rg === undefined ? undefined : ms / rg,
      matched: all[0]!.matches.length,
    });
    process.stderr.write(`encoded · ${x.f.form} · ${qid} · ${x.c.name}: ${ms.toFixed(0)} ms\n`);
  }
  // Cross-check: every form, every contender, every run finds the file, or none does.
  const answers = new Set([...times.values()].flat().map((m) => m.matches.length));
  if (answers.size > 1)
    disagreements.push(`encoded input · ${q.label}: the forms or contenders disagree on whether the file matches`);
}

// ── fixed costs ────────────────────────────────────────────────────────────────────
// What a run costs with (almost) nothing to scan: whole processes against `node -e 0`, in
// rounds that alternate the commands (every other round in reverse) so that drift in the
// machine's load falls on all of them alike.
interface FixedRow {
  command: string;
  directory: string;
  missing?: string;
  medianMs?: number;
  minMs?: number;
  maxMs?: number;
  rssMiB?: number;
  ratioToNode?: number;
  matched?: number;
}
const fixedDirs = [
  { name: 'empty directory', dir: emptyDir() },
  { name: 'one file (4 KiB)', dir: oneFile() },
];
const fixedQuery = QUERIES['line-never']!;
interface FixedCase {
  command: string;
  directory: string;
  dir: string;
  missing?: string;
  spec: { cmd: string; args: string[]; env?: Record<string, string> };
}
const fixedCases: FixedCase[] = [
  { command: 'node -e 0', directory: '—', dir: fixedDirs[0]!.dir, spec: { cmd: process.execPath, args: ['-e', '0'] } },
  ...[
    'charcount',
    ...(values.baseline === undefined ? [] : [BASELINE]),
    'charcount -j 1',
    'charcount, portable back end',
    'ripgrep',
  ].flatMap((name) => {
    const c = contenders.find((c) => c.name === name)!;
    return fixedDirs.map((d) => ({
      command: name,
      directory: d.name,
      dir: d.dir,
      missing: c.missing,
      spec: c.command(fixedQuery),
    }));
  }),
];
const fixedMeasured = new Map<FixedCase, Measured[]>();
for (let round = 0; round < warmup + fixedRuns; round++) {
  const order = fixedCases.filter((f) => !f.missing);
  for (const f of round % 2 ? order.reverse() : order) {
    const m = runCommand(`${f.command} on the ${f.directory}`, f.spec, f.dir);
    if (round >= warmup) fixedMeasured.set(f, [...(fixedMeasured.get(f) ?? []), m]);
  }
}
const nodeMedian = median(fixedMeasured.get(fixedCases[0]!)!.map((m) => m.ms));
const fixedRows: FixedRow[] = fixedCases.map((f) => {
  const all = fixedMeasured.get(f);
  if (!all) return { command: f.command, directory: f.directory, missing: f.missing };
  const ms = all.map((m) => m.ms);
  const rss = all.map((m) => m.rssMiB).filter((x): x is number => x !== undefined);
  process.stderr.write(`fixed cost · ${f.command} · ${f.directory}: median ${median(ms).toFixed(0)} ms\n`);
  return {
    command: f.command,
    directory: f.directory,
    medianMs: median(ms),
    minMs: Math.min(...ms),
    maxMs: Math.max(...ms),
    rssMiB: rss.length ? Math.max(...rss) : undefined,
    ratioToNode: median(ms) / nodeMedian,
    matched: f.command === 'node -e 0' ? undefined : all[0]!.matches.length,
  };
});
// Cross-check: on each directory, every run of every command finds what ripgrep finds.
for (const d of fixedDirs) {
  const ref = fixedCases.find((f) => f.directory === d.name && f.command === 'ripgrep');
  const want = (ref && fixedMeasured.get(ref)?.[0]?.matches.join('\n')) ?? '';
  for (const f of fixedCases.filter((f) => f.directory === d.name && f !== ref)) {
    const bad = fixedMeasured.get(f)?.find((m) => m.matches.join('\n') !== want);
    if (bad)
      disagreements.push(`${d.name}: ${f.command} matched ${bad.matches.join(', ') || '-'}, ripgrep ${want || '-'}`);
  }
}

// ── 20 library calls in one process ────────────────────────────────────────────────
// `scan()` 20 times in one process: the first call against the 19 after it, with threads
// started by every call (plain `scan()`) and kept between calls (`ScanPool`).
const CALLS = 20;
interface CallsRow {
  mode: 'plain' | 'pool';
  directory: string;
  threads?: number;
  loadMs?: number;
  firstMs?: number;
  restMs?: number;
  closeMs?: number;
  ratio?: number;
  matched?: number;
}
const callDirs = [
  { name: 'one file (4 KiB)', dir: oneFile() },
  { name: '200 files (tree, 0.5–16 KB)', dir: treeFiles(200) },
  // Big enough to start the threads (what is left past the first 4 MiB is worth them).
  ...(tiny ? [] : [{ name: '5,000 files (tree, 0.5–16 KB)', dir: treeFiles(5000) }]),
];
const callsQuery = QUERIES['line-early']!;
const callCases = callDirs.flatMap((d) => (['plain', 'pool'] as const).map((mode) => ({ mode, d })));
const callRuns = new Map<(typeof callCases)[number], Omit<CallsRow, 'directory' | 'ratio'>[]>();
for (let round = 0; round < warmup + fixedRuns; round++) {
  for (const c of round % 2 ? [...callCases].reverse() : callCases) {
    const args = [callsChild, c.mode, c.d.dir, String(CALLS), callsQuery.what, String(callsQuery.min)];
    const r = spawnSync(process.execPath, [...args, resetCode(callsQuery.reset)], { encoding: 'utf8' });
    if (r.status !== 0)
      throw new Error(`${CALLS} calls (${c.mode}) failed on ${c.d.name}:\n${r.stderr.slice(0, 2000)}`);
    const figures = JSON.parse(r.stderr.trim().split('\n').pop()!);
    const matches = r.stdout.split('\n').filter(Boolean).sort();
    // Cross-check against ripgrep, once per directory and mode.
    if (round === 0 && !contenders.find((x) => x.name === 'ripgrep')!.missing) {
      const rg = runCommand('ripgrep', contenders.find((x) => x.name === 'ripgrep')!.command(callsQuery), c.d.dir);
      if (rg.matches.join('\n') !== matches.join('\n'))
        disagreements.push(
          `${CALLS} calls (${c.mode}) on ${c.d.name}: matched ${matches.length} files, ripgrep ${rg.matches.length}`,
        );
    }
    if (round >= warmup) callRuns.set(c, [...(callRuns.get(c) ?? []), { ...figures, matched: matches.length }]);
  }
}
const callsRows: CallsRow[] = callCases.map((c) => {
  const all = callRuns.get(c)!;
  const med = (k: 'loadMs' | 'firstMs' | 'restMs' | 'closeMs') => median(all.map((x) => x[k]!));
  const row = {
    mode: c.mode,
    directory: c.d.name,
    threads: all[0]!.threads,
    loadMs: med('loadMs'),
    firstMs: med('firstMs'),
    restMs: med('restMs'),
    closeMs: med('closeMs'),
    ratio: med('restMs') / med('firstMs'),
    matched: all[0]!.matched,
  };
  process.stderr.write(
    `${CALLS} calls · ${c.mode} · ${c.d.name}: first ${row.firstMs.toFixed(0)} ms, ${CALLS - 1} after ${row.restMs.toFixed(0)} ms\n`,
  );
  return row;
});

// ── file-finding rules ─────────────────────────────────────────────────────────────
// What ignore files and -g globs cost over the same run without them (issue 12's goal:
// at most 10% more). Same query and tree, runs alternating within each round.
const ruleQuery = QUERIES['line-early']!;
const ruleDirs = [
  { name: `tree of ${treeCount} files`, dir: corpora[1]!.dir },
  { name: 'node_modules (its own .gitignore files)', dir: corpora[4]!.dir },
];
const ruleVariants = [
  { name: 'no rules (--no-ignore)', extra: ['--no-ignore'] },
  { name: 'ignore files (the default)', extra: [] },
  { name: "--no-ignore -g '!*.nomatch'", extra: ['--no-ignore', '-g', '!*.nomatch'] },
  {
    name: "ignore files and -g '!*.nomatch' --iglob '!*.NOMATCH'",
    extra: ['-g', '!*.nomatch', '--iglob', '!*.NOMATCH'],
  },
];
interface RuleRow {
  directory: string;
  variant: string;
  medianMs: number;
  ratio: number;
  files: number;
}
const ruleCases = ruleDirs.flatMap((d) => ruleVariants.map((v) => ({ d, v })));
const ruleRuns = new Map<(typeof ruleCases)[number], Measured[]>();
for (let round = 0; round < warmup + fixedRuns; round++) {
  for (const c of round % 2 ? [...ruleCases].reverse() : ruleCases) {
    // The scan's own command line (its rules replaced by the variant's), and --stats for the file count.
    const args = [
      cli,
      ...['-c', ruleQuery.what, '-m', String(ruleQuery.min), '-r', ruleQuery.reset, '--hidden', '--binary'],
      ...['--no-progress', '--stats', ...c.v.extra, '.'],
    ];
    const m = runCommand(`${c.v.name} on ${c.d.name}`, { cmd: process.execPath, args }, c.d.dir);
    if (round >= warmup) ruleRuns.set(c, [...(ruleRuns.get(c) ?? []), m]);
  }
}
const ruleRows: RuleRow[] = ruleCases.map((c) => {
  const base = ruleCases.find((b) => b.d === c.d && b.v === ruleVariants[0])!;
  const ms = median(ruleRuns.get(c)!.map((m) => m.ms));
  const row = {
    directory: c.d.name,
    variant: c.v.name,
    medianMs: ms,
    ratio: ms / median(ruleRuns.get(base)!.map((m) => m.ms)),
    files: Number(/(\d+) files discovered/.exec(ruleRuns.get(c)![0]!.stderr ?? '')?.[1] ?? NaN),
  };
  process.stderr.write(`rules · ${c.d.name} · ${c.v.name}: median ${ms.toFixed(0)} ms (${row.ratio.toFixed(2)}×)\n`);
  return row;
});
rmSync(scratch, { recursive: true, force: true });

// ── small trees (issue 22) ─────────────────────────────────────────────────────────
// 1,000 × 8 KB, the 20,000-file tree and /usr/include against ripgrep and `node -e 0`,
// alternating rounds (bench/small-trees.ts, which writes small-trees.{md,json} beside).
const smallTreeRuns = tiny ? 1 : Math.max(9, runs);
const smallTreeRun = spawnSync(
  process.execPath,
  [
    join(here, 'small-trees.js'),
    ...['--runs', String(smallTreeRuns), '--out', outDir],
    ...(tiny ? ['--tiny'] : []),
    ...(values.baseline === undefined ? [] : ['--baseline', values.baseline]),
  ],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
);
if (smallTreeRun.status !== 0) disagreements.push(`small trees: bench/small-trees.js failed (${smallTreeRun.status})`);
const smallTreeMd = smallTreeRun.stdout;
const smallTreeRows = existsSync(join(outDir, 'small-trees.json'))
  ? (JSON.parse(readFileSync(join(outDir, 'small-trees.json'), 'utf8')) as { rows: SmallTreeRow[] }).rows.filter(
      (r) => r.ms,
    )
  : [];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

// ── goals ──────────────────────────────────────────────────────────────────────────
const find = (corpus: Corpus, query: string, contender: string) =>
  rows.find((r) => r.corpus === corpus.name && r.query === query && r.contender === contender);
const [small, tree, deep, large] = corpora as [Corpus, Corpus, Corpus, Corpus, Corpus];
const readAll = contenders.find((c) => c.name.startsWith('read everything'))!.name;
const queued = contenders.find((c) => c.name.startsWith('charcount --queue'))!.name;
const portable = contenders.find((c) => c.name.includes('portable'))!.name;
const goals = [
  {
    goal: 'large files, full scan ≤ 0.5× ripgrep',
    value: find(large, 'line-never', 'charcount')?.ratioToRipgrep,
    limit: 0.5,
  },
  {
    goal: 'small files, full scan ≤ 1.0× ripgrep',
    value: find(small, 'line-never', 'charcount')?.ratioToRipgrep,
    limit: 1.0,
  },
  {
    goal: 'small files, early exit ≤ 1.0× ripgrep',
    value: find(small, 'line-early', 'charcount')?.ratioToRipgrep,
    limit: 1.0,
  },
  {
    goal: 'large files within 1.3× of reading everything',
    value:
      (find(large, 'line-never', 'charcount')?.medianMs ?? NaN) / (find(large, 'line-never', readAll)?.medianMs ?? NaN),
    limit: 1.3,
  },
  // Trees of small files: every query at most ripgrep's time.
  ...(
    [
      [small, 'small files', ['word', 'file']],
      [tree, `tree of ${treeCount} files`, tree.queries],
      [deep, `deep tree of ${deepCount} files`, deep.queries],
    ] as const
  ).flatMap(([corpus, name, queries]) =>
    queries.map((q) => ({
      goal: `${name}, ${QUERY_SHORT[q]} ≤ 1.0× ripgrep`,
      value: find(corpus, q, 'charcount')?.ratioToRipgrep,
      limit: 1.0,
    })),
  ),
  ...fixedDirs.map((d) => ({
    goal: `${d.name}: charcount ≤ 1.3× \`node -e 0\``,
    value: fixedRows.find((r) => r.command === 'charcount' && r.directory === d.name)?.ratioToNode,
    limit: 1.3,
  })),
  ...ruleRows
    .filter((r) => r.variant !== ruleVariants[0]!.name)
    .map((r) => ({ goal: `${r.directory}: ${r.variant} ≤ 1.10× no rules`, value: r.ratio, limit: 1.1 })),
  // Small trees (issue 22): less Node's own start, and as whole processes.
  ...smallTreeRows.flatMap((r) => {
    const { ripgrep: rg, charcount: cc, 'node -e 0': node } = r.ms!;
    return [
      { goal: `${r.tree}, ${r.query}: ≤ 1.0× ripgrep less \`node -e 0\``, value: (cc! - node!) / rg!, limit: 1.0 },
      { goal: `${r.tree}, ${r.query}: ≤ 1.3× ripgrep`, value: cc! / rg!, limit: 1.3 },
    ];
  }),
  // Strictly less: the 19 calls after the first together cost less than the first.
  ...callsRows.map((r) => ({
    goal: `${CALLS} calls, ${r.mode === 'pool' ? 'ScanPool' : 'plain scan()'}, ${r.directory}: the ${CALLS - 1} after the first < the first`,
    value: r.ratio,
    limit: 1.0,
    strict: true,
  })),
].map((g) => ({
  ...g,
  met: g.value !== undefined && ('strict' in g && g.strict ? g.value < g.limit : g.value <= g.limit),
}));

// The queue's cost: the queued run against the local run with as many threads. A part is
// fixed per run (read off the corpus with the fewest files); the rest grows with files.
const overhead = corpora.flatMap((corpus) =>
  corpus.queries.map((query) => {
    const localMs = find(corpus, query, 'charcount')?.medianMs;
    const queueMs = find(corpus, query, queued)?.medianMs;
    const extraMs = localMs !== undefined && queueMs !== undefined ? queueMs - localMs : undefined;
    return { corpus: corpus.name, query, files: sizes.get(corpus.name)!.files, localMs, queueMs, extraMs };
  }),
);
const fewest = Math.min(...overhead.map((o) => o.files));
const fixedExtras = overhead.filter((o) => o.files === fewest && o.extraMs !== undefined).map((o) => o.extraMs!);
const fixedMs = fixedExtras.length ? median(fixedExtras) : undefined;
const queueCost = overhead.map((o) => ({
  ...o,
  usPerFile:
    o.extraMs !== undefined && fixedMs !== undefined && o.files >= 1000
      ? ((o.extraMs - fixedMs) * 1000) / o.files
      : undefined,
}));

// The portable back end against the native one: the same command, both whole processes.
const portableCost = corpora.flatMap((corpus) =>
  corpus.queries.map((query) => {
    const nativeMs = find(corpus, query, 'charcount')?.medianMs;
    const portableMs = find(corpus, query, portable)?.medianMs;
    return { corpus: corpus.name, query, nativeMs, portableMs, ratio: (portableMs ?? NaN) / (nativeMs ?? NaN) };
  }),
);

// ── output ─────────────────────────────────────────────────────────────────────────
const fmt = (x: number | undefined, digits = 0) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits));
const machine = `${availableParallelism()} CPUs (${cpus()[0]?.model.trim()}), Node ${process.version}`;
const md: string[] = [
  `# charcount benchmark`,
  '',
  `${new Date().toISOString().slice(0, 10)} · ${machine} · median of ${runs} run(s) after ${warmup} warm-up · whole processes, files in the page cache`,
  '',
];
for (const corpus of corpora) {
  for (const qid of corpus.queries) {
    md.push(`### ${corpus.name} — ${QUERIES[qid]!.label}`, '');
    md.push('| contender | time (ms) | spread (ms) | × ripgrep | GB/s | files/s | peak RSS (MiB) | files matched |');
    md.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows.filter((r) => r.corpus === corpus.name && r.query === qid)) {
      if (r.missing) md.push(`| ${r.contender} | missing: ${r.missing} | | | | | | |`);
      else
        md.push(
          `| ${r.contender} | ${fmt(r.medianMs)} | ${fmt(r.minMs)}–${fmt(r.maxMs)} | ${fmt(r.ratioToRipgrep, 2)} | ${fmt(r.gbPerSec, 2)} | ${fmt(r.filesPerSec)} | ${fmt(r.rssMiB)} | ${r.matched} |`,
        );
    }
    md.push('');
  }
}
md.push(
  '### Fixed cost: whole processes with (almost) nothing to scan',
  '',
  `Query ${fixedQuery.label}; median of ${fixedRuns} rounds after ${warmup} warm-up, the commands alternating within`,
  'each round (every other round in reverse).',
  '',
  '| command | directory | time (ms) | spread (ms) | × `node -e 0` | peak RSS (MiB) | files matched |',
  '|---|---|---:|---:|---:|---:|---:|',
);
for (const r of fixedRows) {
  if (r.missing) md.push(`| ${r.command} | ${r.directory} | missing: ${r.missing} | | | | |`);
  else
    md.push(
      `| ${r.command} | ${r.directory} | ${fmt(r.medianMs)} | ${fmt(r.minMs)}–${fmt(r.maxMs)} | ${fmt(r.ratioToNode, 2)} | ${fmt(r.rssMiB)} | ${r.matched ?? ''} |`,
    );
}
md.push('');
md.push(
  `### ${CALLS} library calls in one process`,
  '',
  `\`scan()\` called ${CALLS} times in one process (bench/calls-child.ts), query ${callsQuery.label}: plain \`scan()\``,
  'starts and ends its threads in every call; on a `ScanPool` the threads are kept (its creation is in the first call).',
  `Median of ${fixedRuns} processes after ${warmup} warm-up; loading the library and closing the pool are not in the calls.`,
  '',
  `| calls | directory | threads | load library (ms) | first call (ms) | ${CALLS - 1} after it, sum (ms) | per call after the first (ms) | after ÷ first | close (ms) | files matched |`,
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
);
for (const r of callsRows) {
  md.push(
    `| ${r.mode === 'pool' ? 'ScanPool' : 'plain scan()'} | ${r.directory} | ${r.threads} | ${fmt(r.loadMs)} | ${fmt(r.firstMs, 1)} | ${fmt(r.restMs, 1)} | ${fmt((r.restMs ?? NaN) / (CALLS - 1), 2)} | ${fmt(r.ratio, 2)} | ${fmt(r.closeMs, 1)} | ${r.matched} |`,
  );
}
md.push('');
md.push(
  '### File-finding rules: their cost over the same run without them',
  '',
  `Query ${ruleQuery.label}, \`--hidden --binary\`; median of ${fixedRuns} rounds after ${warmup} warm-up, the variants`,
  'alternating within each round. Files: what the run discovered (ignore files may leave some out).',
  '',
  '| directory | rules | time (ms) | × no rules | files |',
  '|---|---|---:|---:|---:|',
);
for (const r of ruleRows) {
  md.push(`| ${r.directory} | ${r.variant} | ${fmt(r.medianMs)} | ${fmt(r.ratio, 2)} | ${r.files} |`);
}
md.push('');
md.push(
  `### Encoded input: ${encodedMib} MiB of CSV text as UTF-8, as UTF-16LE after a byte-order mark, and gzipped`,
  '',
  'One file, whole processes; median of the runs, forms and contenders alternating. × UTF-8 compares each contender',
  'with itself on the UTF-8 file (the UTF-16 file has twice the bytes; the gzip one is decompressed first).',
  '',
  '| query | form | contender | time (ms) | × its UTF-8 run | × ripgrep | files matched |',
  '|---|---|---|---:|---:|---:|---:|',
);
for (const r of encodedRows) {
  if (r.missing) md.push(`| ${QUERY_SHORT[r.query]} | ${r.form} | ${r.contender} | missing: ${r.missing} | | | |`);
  else
    md.push(
      `| ${QUERY_SHORT[r.query]} | ${r.form} | ${r.contender} | ${fmt(r.medianMs)} | ${fmt(r.ratioToUtf8, 2)} | ${fmt(r.ratioToRipgrep, 2)} | ${r.matched} |`,
    );
}
md.push('');
md.push(
  '### Portable back end',
  '',
  "`CHARCOUNT_BACKEND=portable`: the same command counting in TypeScript and reading with Node's `fs`, as where no",
  'native core fits, against the native core (`charcount`, two threads each).',
  '',
  '| corpus | query | native (ms) | portable (ms) | × native |',
  '|---|---|---:|---:|---:|',
);
for (const p of portableCost) {
  md.push(`| ${p.corpus} | ${p.query} | ${fmt(p.nativeMs)} | ${fmt(p.portableMs)} | ${fmt(p.ratio, 2)} |`);
}
md.push('');
md.push('### Small trees against ripgrep (whole processes and less `node -e 0`)', '', smallTreeMd);
md.push('### Goals', '', '| goal | measured | met |', '|---|---:|:---:|');
for (const g of goals) {
  const known = g.value !== undefined && !Number.isNaN(g.value);
  md.push(
    `| ${g.goal} | ${known ? `${fmt(g.value, 2)}×` : 'n/a (a contender is missing)'} | ${known ? (g.met ? 'yes' : 'no') : 'n/a'} |`,
  );
}
md.push('');
md.push(
  '### Queue overhead',
  '',
  `\`charcount --queue\` with two \`charcount worker\` processes of one thread each, Redis on loopback, against the local run with`,
  'two threads. The extra time has a part fixed per run (loading BullMQ and ioredis, registering the run, the workers',
  `joining it, removing its queues), read off the corpus with the fewest files: **${fmt(fixedMs)} ms**; the rest grows with`,
  'the files (last column: beyond the fixed part, per file; for corpora of 1,000 files or more).',
  '',
  '| corpus | query | files | local (ms) | queued (ms) | extra (ms) | extra per file beyond the fixed part (µs) |',
  '|---|---|---:|---:|---:|---:|---:|',
);
for (const o of queueCost) {
  md.push(
    `| ${o.corpus} | ${o.query} | ${o.files} | ${fmt(o.localMs)} | ${queueMissing ? `missing: ${queueMissing}` : fmt(o.queueMs)} | ${fmt(o.extraMs)} | ${fmt(o.usPerFile, 1)} |`,
  );
}
md.push('');
md.push(
  disagreements.length
    ? `**Cross-check: ${disagreements.length} disagreement(s).**`
    : 'Cross-check: every contender found the same matching files in every run.',
);

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'latest.md'), md.join('\n') + '\n');
writeFileSync(
  join(outDir, 'latest.json'),
  JSON.stringify(
    {
      machine,
      runs,
      warmup,
      rows,
      goals,
      queue: { fixedMs, rows: queueCost },
      portable: portableCost,
      fixedCost: { runs: fixedRuns, rows: fixedRows },
      encoded: { mib: encodedMib, rows: encodedRows },
      calls: { calls: CALLS, runs: fixedRuns, rows: callsRows },
      rules: { runs: fixedRuns, rows: ruleRows },
      disagreements,
    },
    null,
    2,
  ) + '\n',
);
writeFileSync(join(outDir, 'latest.svg'), chart());
console.log(md.join('\n'));

if (disagreements.length) {
  console.error('\nCROSS-CHECK FAILED:\n' + disagreements.join('\n'));
  process.exitCode = 1;
}

/** Bars of time relative to ripgrep, one group per corpus and query. */
function chart(): string {
  const groups = corpora.flatMap((c) => c.queries.map((q) => ({ c, q })));
  const names = contenders.map((c) => c.name);
  const colors = ['#1f77b4', '#6baed6', '#17becf', '#bcbd22', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#7f7f7f'];
  const barH = 12;
  const groupH = names.length * barH + 26;
  const width = 760;
  const left = 230;
  // Bars stop at 5× (startup-bound cases reach 20×); the label keeps the true figure.
  const maxRatio = Math.min(5, Math.max(2, ...rows.map((r) => r.ratioToRipgrep ?? 0).filter(Number.isFinite)));
  const scale = (width - left - 60) / maxRatio;
  const parts: string[] = [];
  groups.forEach(({ c, q }, gi) => {
    const y0 = 30 + gi * groupH;
    parts.push(`<text x="8" y="${y0 + 10}" font-weight="bold">${escapeXml(`${c.name} — ${QUERIES[q]!.label}`)}</text>`);
    names.forEach((name, i) => {
      const r = rows.find((r) => r.corpus === c.name && r.query === q && r.contender === name);
      const y = y0 + 16 + i * barH;
      parts.push(`<text x="${left - 6}" y="${y + 9}" text-anchor="end">${escapeXml(name)}</text>`);
      if (r?.ratioToRipgrep !== undefined) {
        const w = Math.max(1, Math.min(r.ratioToRipgrep, maxRatio) * scale);
        parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${colors[i]}"/>`);
        parts.push(`<text x="${left + w + 4}" y="${y + 9}">${r.ratioToRipgrep.toFixed(2)}×</text>`);
      } else {
        parts.push(`<text x="${left + 4}" y="${y + 9}" fill="#888">${r?.missing ? 'missing' : 'n/a'}</text>`);
      }
    });
  });
  const height = 40 + groups.length * groupH;
  const oneX = left + scale;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="10">
<text x="8" y="16" font-size="12" font-weight="bold">Time relative to ripgrep (lower is faster) — ${escapeXml(machine)}</text>
<line x1="${oneX}" y1="22" x2="${oneX}" y2="${height - 6}" stroke="#c00" stroke-dasharray="3,3"/>
${parts.join('\n')}
</svg>
`;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
