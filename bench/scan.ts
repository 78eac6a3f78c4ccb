/**
 * Scanner benchmark: the Piscina pool, the native reader on one thread without a pool,
 * and the same pool on the portable back end (`CHARCOUNT_BACKEND=portable`), on many small files and on a few
 * large ones; then peak RSS of the pool as the file count grows.
 *
 *   npm run bench:scan                       # 20,000 small files, 4 × 256 MiB, RSS at 50k/200k
 *   npm run bench:scan -- --small 2000 --large-mib 16 --rss 5000,20000 --runs 1   # quick
 *
 * Each run is a separate process (its peak RSS is its own); figures are medians.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { largeFiles, smallFiles } from './corpus.js';

const { values } = parseArgs({
  options: {
    small: { type: 'string', default: '20000' },
    'large-count': { type: 'string', default: '4' },
    'large-mib': { type: 'string', default: '256' },
    rss: { type: 'string', default: '50000,200000' },
    runs: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const child = new URL('./scan-child.js', import.meta.url).pathname;

interface Run {
  mode: string;
  files: number;
  matched: number;
  bytes: number;
  elapsedMs: number;
  maxRssMiB: number;
}

/** `portable-pool`: the pool with the portable back end (TypeScript counter and reader). */
function once(mode: string, dir: string, query: string[]): Run {
  const portable = mode === 'portable-pool';
  const r = spawnSync(process.execPath, [child, portable ? 'pool' : mode, dir, ...query], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: portable ? { ...process.env, CHARCOUNT_BACKEND: 'portable' } : process.env,
  });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return { ...JSON.parse(r.stderr.trim().split('\n').pop()!), mode };
}

function median(mode: string, dir: string, query: string[]): Run & { spread: number } {
  once(mode, dir, query); // warm-up: page cache, JIT-free child start
  const all = Array.from({ length: runs }, () => once(mode, dir, query)).sort((a, b) => a.elapsedMs - b.elapsedMs);
  const mid = all[Math.floor(all.length / 2)]!;
  if (all.some((r) => r.matched !== mid.matched || r.files !== mid.files)) throw new Error(`${mode}: runs disagree`);
  return { ...mid, spread: all[all.length - 1]!.elapsedMs - all[0]!.elapsedMs };
}

const rows: { corpus: string; result: Run & { spread: number } }[] = [];
// Per-line threshold never reached on the CSV lines: every byte is read.
const query = [',', '40', '0'];
const corpora = [
  { name: `${values.small} small files`, dir: smallFiles(Number(values.small)) },
  {
    name: `${values['large-count']} × ${values['large-mib']} MiB`,
    dir: largeFiles(Number(values['large-count']), Number(values['large-mib'])),
  },
];
for (const corpus of corpora) {
  const results = ['pool', 'native-main', 'portable-pool'].map((mode) => median(mode, corpus.dir, query));
  const matched = new Set(results.map((r) => `${r.files}/${r.matched}`));
  if (matched.size !== 1) throw new Error(`contenders disagree on ${corpus.name}: ${[...matched].join(' vs ')}`);
  for (const result of results) rows.push({ corpus: corpus.name, result });
}
const rss = values.rss
  .split(',')
  .filter(Boolean)
  .map((n) => {
    const dir = smallFiles(Number(n), 64, 512);
    once('pool', dir, query); // warm the page and dentry caches
    return { files: Number(n), run: once('pool', dir, query) };
  });

if (values.json) {
  console.log(JSON.stringify({ threads: availableParallelism(), rows, rss }, null, 2));
} else {
  console.log(
    `Scanner, ${availableParallelism()} threads, query ',' ≥ 40 per line (never reached), median of ${runs}\n`,
  );
  console.log('| corpus | contender | time (ms) | spread (ms) | GB/s | files/s | peak RSS (MiB) |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const { corpus, result: r } of rows) {
    const s = r.elapsedMs / 1000;
    console.log(
      `| ${corpus} | ${r.mode} | ${r.elapsedMs.toFixed(0)} | ${r.spread.toFixed(0)} | ${(r.bytes / s / 1e9).toFixed(2)} | ${Math.round(r.files / s)} | ${r.maxRssMiB.toFixed(0)} |`,
    );
  }
  console.log('\n| files (64–512 B each) | pool time (ms) | peak RSS (MiB) |');
  console.log('|---:|---:|---:|');
  for (const { files, run } of rss)
    console.log(`| ${files} | ${run.elapsedMs.toFixed(0)} | ${run.maxRssMiB.toFixed(0)} |`);
}
