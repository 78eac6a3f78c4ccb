/**
 * Histogram benchmark: `--histogram` against `--count` (the full scan it extends), on the
 * large corpus (4 × 256 MiB of CSV text by default).
 *
 *   npm run bench:histogram                       # 4 × 256 MiB, 5 runs each
 *   npm run bench:histogram -- --count 2 --mib 64 --runs 3
 *
 * In memory: one file of the corpus, per kernel and reset, `Counter.fullScan()` and
 * `Counter.histogram()` alternately, one thread. On files: whole processes, `charcount -c ,
 * -m 40 --count` and `charcount -c , -m 40 --histogram` (the threshold never reached, so
 * both keep its logic running to the end), alternately, with one thread and with the
 * default. Medians; compare the rows of one run with each other, not with another
 * machine's. Writes bench/results/histogram.md.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { availableKernels, Counter, Reset } from '../src/index.js';
import { largeFiles } from './corpus.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '4' },
    mib: { type: 'string', default: '256' },
    runs: { type: 'string', default: '5' },
  },
});
const positive = (name: string, v: string) => {
  const n = Number(v);
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`--${name} must be a positive integer, got ${v}`);
  return n;
};
const count = positive('count', values.count);
const mib = positive('mib', values.mib);
const runs = positive('runs', values.runs);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Each contender `runs` times, in turns (a, b, a, b…), after one warm-up each: median ms per contender. */
function alternate(contenders: Record<string, () => void>): Record<string, number> {
  const times: Record<string, number[]> = {};
  for (const [name, run] of Object.entries(contenders)) {
    run();
    times[name] = [];
  }
  for (let i = 0; i < runs; i++) {
    for (const [name, run] of Object.entries(contenders)) {
      const t = performance.now();
      run();
      times[name]!.push(performance.now() - t);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, ms]) => [name, median(ms)]));
}

const dir = largeFiles(count, mib);
const files = readdirSync(dir).map((f) => join(dir, f));
const totalBytes = files.reduce((n, f) => n + statSync(f).size, 0);
const gbps = (bytes: number, ms: number) => bytes / (ms / 1000) / 1e9;
const md: string[] = [
  '# Histogram benchmark',
  '',
  `${new Date().toISOString().slice(0, 10)} · ${availableParallelism()} CPUs (${cpus()[0]?.model.trim()}), Node ${process.version} · median of ${runs} alternating runs after a warm-up`,
  '',
];

// ── in memory ──────────────────────────────────────────────────────────────────────
const text = readFileSync(files[0]!);
md.push(`## In memory: one ${(text.length / 2 ** 20).toFixed(0)} MiB file of the corpus, one thread`, '');
md.push('| reset | kernel | fullScan GB/s | histogram GB/s | histogram ÷ fullScan time |');
md.push('|---|---|---:|---:|---:|');
for (const [name, reset] of [
  ['newline', Reset.NewlinesReset],
  ['space', Reset.SpacesReset],
] as const) {
  for (const kernel of availableKernels()) {
    // A threshold never reached: both keep the threshold logic running to the end.
    const counter = new Counter(',', 2 ** 40, reset, { kernel });
    const ms = alternate({ full: () => counter.fullScan(text), histogram: () => counter.histogram(text) });
    md.push(
      `| ${name} | ${kernel} | ${gbps(text.length, ms.full!).toFixed(2)} | ${gbps(text.length, ms.histogram!).toFixed(2)} | ${(ms.histogram! / ms.full!).toFixed(2)} |`,
    );
    process.stderr.write(`${md.at(-1)}\n`);
  }
}

// ── files ──────────────────────────────────────────────────────────────────────────
const cli = join(import.meta.dirname, '..', 'bundle', 'charcount.cjs');
const charcount =
  (...args: string[]) =>
  () => {
    const r = spawnSync(process.execPath, [cli, '-c', ',', '-m', '40', '--json', '--no-progress', ...args, dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (r.status !== 1) throw new Error(`charcount ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  };
md.push(
  '',
  `## Files: ${count} × ${mib} MiB (${(totalBytes / 1e9).toFixed(2)} GB), whole processes, files in the page cache`,
  '',
);
md.push('| threads | --count ms | --histogram ms | --count GB/s | --histogram GB/s | histogram ÷ count time |');
md.push('|---|---:|---:|---:|---:|---:|');
for (const threads of [1, availableParallelism()]) {
  const ms = alternate({
    count: charcount('--count', '-j', String(threads)),
    histogram: charcount('--histogram', '-j', String(threads)),
  });
  md.push(
    `| ${threads} | ${ms.count!.toFixed(0)} | ${ms.histogram!.toFixed(0)} | ${gbps(totalBytes, ms.count!).toFixed(2)} | ${gbps(totalBytes, ms.histogram!).toFixed(2)} | ${(ms.histogram! / ms.count!).toFixed(2)} |`,
  );
  process.stderr.write(`${md.at(-1)}\n`);
}

const out = join(import.meta.dirname, '..', '..', 'bench', 'results', 'histogram.md');
writeFileSync(out, md.join('\n') + '\n');
console.log(md.join('\n'));
