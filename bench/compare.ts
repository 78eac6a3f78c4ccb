/**
 * `npm run bench`: charcount against ripgrep, GNU grep and itself, as whole processes on
 * the same corpora in the same run, with every run's matching files cross-checked.
 *
 *   npm run bench                          # 20,000 small files, 4 × 256 MiB, node_modules
 *   npm run bench -- --size tiny           # a quick run (CI: checks agreement, no timings asserted)
 *   npm run bench -- --small 100000 --runs 5
 *
 * Writes bench/results/latest.{md,json,svg} (a tiny run: bench/results/tiny/). Exits non-zero when contenders disagree on
 * which files match (the differing paths are printed). Peak RSS comes from GNU time
 * (`/usr/bin/time`) when it is installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { largeFiles, smallFiles } from './corpus.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const cli = join(repo, 'dist', 'src', 'cli', 'main.js');
const child = join(here, 'scan-child.js');

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'default' },
    small: { type: 'string' },
    'large-count': { type: 'string' },
    'large-mib': { type: 'string' },
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
const corpora: Corpus[] = [
  {
    name: `${smallCount} small files`,
    dir: smallFiles(smallCount),
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
// One thread each, so that the queued run has the same two threads as the local one.
const QUEUE_PORT = 56379;
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

const has = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
const resetCode = (r: ResetName) => ({ newline: '0', space: '1', none: '2' })[r];
const contenders: Contender[] = [
  {
    name: 'charcount',
    checked: true,
    command: (q) => ({
      cmd: process.execPath,
      args: [cli, '-c', q.what, '-m', String(q.min), '-r', q.reset, '--hidden', '--binary', '--no-progress', '.'],
    }),
  },
  {
    name: 'charcount -j 1',
    checked: true,
    command: (q) => ({
      cmd: process.execPath,
      args: [
        cli,
        '-c',
        q.what,
        '-m',
        String(q.min),
        '-r',
        q.reset,
        '--hidden',
        '--binary',
        '--no-progress',
        '-j',
        '1',
        '.',
      ],
    }),
  },
  {
    name: 'charcount --queue, 2 workers × 1 thread',
    checked: true,
    missing: queueMissing,
    command: (q) => ({
      cmd: process.execPath,
      args: [
        cli,
        '-c',
        q.what,
        '-m',
        String(q.min),
        '-r',
        q.reset,
        '--hidden',
        '--binary',
        '--no-progress',
        '--queue',
        queueUrl,
        '.',
      ],
    }),
  },
  {
    name: 'TypeScript counter, same pool',
    checked: true,
    command: (q) => ({
      cmd: process.execPath,
      args: [child, 'ts-pool', '.', q.what, String(q.min), resetCode(q.reset)],
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
}

function runOnce(c: Contender, q: Query, dir: string): Measured {
  const { cmd, args, env } = c.command(q);
  const rssFile = join(scratch, 'rss');
  const [file, argv] = gnuTime ? [gnuTime, ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, args];
  const t0 = performance.now();
  const r = spawnSync(file, argv, { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  // 0: matches, 1: none; anything else failed (charcount's 2 means a per-file error).
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(
      `${c.name} failed (exit ${r.status ?? r.signal}) on ${q.id} in ${dir}:\n${r.stderr.slice(0, 2000)}`,
    );
  }
  const rssMiB = gnuTime ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024 : undefined;
  const matches = r.stdout
    // grep -z ends each file name with NUL instead of a newline.
    .split(/[\n\0]/)
    .filter(Boolean)
    .map((p) => p.replace(/^\.\//, ''))
    .sort();
  return { ms, rssMiB, matches };
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
rmSync(scratch, { recursive: true, force: true });
stopQueue();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

// ── goals ──────────────────────────────────────────────────────────────────────────
const find = (corpus: Corpus, query: string, contender: string) =>
  rows.find((r) => r.corpus === corpus.name && r.query === query && r.contender === contender);
const [small, large] = corpora as [Corpus, Corpus, Corpus];
const readAll = contenders.find((c) => c.name.startsWith('read everything'))!.name;
const queued = contenders.find((c) => c.name.startsWith('charcount --queue'))!.name;
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
].map((g) => ({ ...g, met: g.value !== undefined && g.value <= g.limit }));

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
  JSON.stringify({ machine, runs, warmup, rows, goals, queue: { fixedMs, rows: queueCost }, disagreements }, null, 2) +
    '\n',
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
  const colors = ['#1f77b4', '#6baed6', '#17becf', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b'];
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
