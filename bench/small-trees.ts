/**
 * Small trees against ripgrep (issue 22): whole processes on trees of 1,000–20,000 files
 * and a real tree of C headers, where a run's fixed cost (Node's start, threads' boot,
 * their first messages) is most of its time.
 *
 *   node dist/bench/small-trees.js [--runs 9] [--baseline OTHER/charcount.cjs] [--out DIR] [--tiny]
 *
 * Every round runs `node -e 0`, ripgrep and charcount (and the baseline build) once each on
 * one tree and query, alternating (every other round in reverse), so that drift in the
 * machine's load falls on all of them alike; medians of the rounds. Each charcount time is
 * reported as a ratio to ripgrep's, whole processes, and less `node -e 0` (what charcount
 * adds to Node's own start: ripgrep has no runtime to start). The row "fixed cost of a
 * threaded run" is charcount on 1,000 × 8 KB less `node -e 0`, in milliseconds.
 *
 * `/usr/include` is the real tree where present (skipped with a note where not). Matches
 * are cross-checked with ripgrep's every run: a disagreement fails the run.
 * Writes DIR/small-trees.{md,json} (default bench/results/) and prints the table.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { smallFiles, treeFiles } from './corpus.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const cli = join(repo, 'dist', 'bundle', 'charcount.cjs');

const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    baseline: { type: 'string' },
    out: { type: 'string' },
    tiny: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const tiny = values.tiny;
const runs = Math.max(1, Number(values.runs ?? (tiny ? 1 : 9)));
const outDir = values.out ?? join(repo, 'bench', 'results', ...(tiny ? ['tiny'] : []));

interface Query {
  id: string;
  args: string[];
  rg: string;
}
const QUERIES: Query[] = [
  { id: "',' ≥ 40 in a line (full scan)", args: ['-c', ',', '-m', '40'], rg: '(?-u),(?:[^,\\n]*,){39}' },
  { id: "' ' ≥ 3 in a line (early exit)", args: ['-c', ' ', '-m', '3'], rg: '(?-u) (?:[^ \\n]* ){2}' },
];

const allTrees: { name: string; dir?: string; note?: string }[] = [
  { name: `${(tiny ? 100 : 1000).toLocaleString('en')} files × 8 KB`, dir: smallFiles(tiny ? 100 : 1000, 8192, 8192) },
  {
    name: `${(tiny ? 300 : 20_000).toLocaleString('en')}-file tree (0.5–16 KB)`,
    dir: treeFiles(tiny ? 300 : 20_000),
  },
  existsSync('/usr/include')
    ? { name: 'C headers (/usr/include)', dir: '/usr/include' }
    : { name: 'C headers (/usr/include)', note: 'skipped: no /usr/include on this machine' },
];

// --only TEXT: the trees whose name holds TEXT.
const trees = allTrees.filter((t) => values.only === undefined || t.name.includes(values.only));

interface Command {
  name: string;
  cmd: string;
  args: (q: Query) => string[];
}
const charcount = (file: string) => (q: Query) => [
  file,
  ...q.args,
  ...['-r', 'newline', '--hidden', '--no-ignore', '--binary', '--no-progress', '.'],
];
const commands: Command[] = [
  { name: 'node -e 0', cmd: process.execPath, args: () => ['-e', '0'] },
  { name: 'ripgrep', cmd: 'rg', args: (q) => ['-uu', '-a', '-E', 'none', '-l', q.rg, '.'] },
  { name: 'charcount', cmd: process.execPath, args: charcount(cli) },
  ...(values.baseline ? [{ name: 'baseline', cmd: process.execPath, args: charcount(values.baseline) }] : []),
];

function run(c: Command, q: Query, dir: string): { ms: number; matches: string } {
  const t0 = performance.now();
  const r = spawnSync(c.cmd, c.args(q), { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${c.name} failed in ${dir}: ${r.stderr.slice(0, 2000)}`);
  const matches = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((p) => p.replace(/^\.\//, ''))
    .sort()
    .join('\n');
  return { ms, matches };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export interface SmallTreeRow {
  tree: string;
  query: string;
  note?: string;
  /** Medians (ms) by command name. */
  ms?: Record<string, number>;
  files?: number;
}

if (spawnSync('rg', ['--version'], { stdio: 'ignore' }).status !== 0) {
  process.stderr.write('small trees: ripgrep is not installed (apt-get install ripgrep): nothing to compare with\n');
  process.exit(0);
}
const rows: SmallTreeRow[] = [];
const disagreements: string[] = [];
for (const t of trees) {
  if (!t.dir) {
    rows.push({ tree: t.name, query: '—', note: t.note });
    continue;
  }
  for (const q of QUERIES) {
    const times = new Map<string, number[]>(commands.map((c) => [c.name, []]));
    let files = 0;
    for (let round = 0; round <= runs; round++) {
      const order = round % 2 ? [...commands].reverse() : commands;
      let want: string | undefined;
      const got = new Map<string, string>();
      for (const c of order) {
        const r = run(c, q, t.dir);
        // Round 0 warms the page cache and is not counted.
        if (round > 0) times.get(c.name)!.push(r.ms);
        if (c.name === 'ripgrep') want = r.matches;
        else if (c.name !== 'node -e 0') got.set(c.name, r.matches);
      }
      for (const [name, m] of got)
        if (m !== want) disagreements.push(`${t.name} · ${q.id}: ${name} and ripgrep disagree on the matching files`);
      files = want!.split('\n').filter(Boolean).length;
    }
    const ms = Object.fromEntries([...times].map(([k, v]) => [k, median(v)]));
    rows.push({ tree: t.name, query: q.id, ms, files });
    process.stderr.write(
      `small trees · ${t.name} · ${q.id}: ${Object.entries(ms)
        .map(([k, v]) => `${k} ${v.toFixed(0)}`)
        .join(', ')} ms\n`,
    );
  }
}

const names = commands.slice(2).map((c) => c.name);
const fmt = (x: number | undefined, digits = 0) => (x === undefined ? '—' : x.toFixed(digits));
const lines = [
  `Whole processes, alternating rounds, medians of ${runs}; × rg less node: (charcount − \`node -e 0\`) ÷ ripgrep.`,
  '',
  `| tree — query | node -e 0 | ripgrep | ${names.map((n) => `${n} | × rg | × rg less node`).join(' | ')} | files matched |`,
  `|---|---:|---:|${names.map(() => '---:|---:|---:').join('|')}|---:|`,
];
for (const r of rows) {
  if (!r.ms) {
    lines.push(`| ${r.tree} | ${r.note} |`);
    continue;
  }
  const node = r.ms['node -e 0']!;
  const rg = r.ms['ripgrep']!;
  const cells = names.map((n) => {
    const ms = r.ms![n]!;
    return `${fmt(ms)} | ${fmt(ms / rg, 2)} | ${fmt((ms - node) / rg, 2)}`;
  });
  lines.push(`| ${r.tree} — ${r.query} | ${fmt(node)} | ${fmt(rg)} | ${cells.join(' | ')} | ${r.files} |`);
}
const first = rows.find((r) => r.ms && r.tree.endsWith('files × 8 KB'));
if (first?.ms) {
  lines.push('');
  lines.push(
    `Fixed cost of a threaded run (${first.tree}, full scan, less \`node -e 0\`): ${names
      .map((n) => `${n} ${fmt(first.ms![n]! - first.ms!['node -e 0']!)} ms`)
      .join(', ')} (ripgrep's whole process: ${fmt(first.ms['ripgrep'])} ms).`,
  );
}
const md = lines.join('\n') + '\n';
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'small-trees.md'), md);
writeFileSync(join(outDir, 'small-trees.json'), JSON.stringify({ runs, rows }, null, 2) + '\n');
process.stdout.write(md);
if (disagreements.length) {
  process.stderr.write([...new Set(disagreements)].join('\n') + '\n');
  process.exit(1);
}
