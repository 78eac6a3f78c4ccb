/**
 * `node dist/bench/gzip-memory.js [--gib 1] [--runs 3]`: does `-z` scan a large gzip file
 * in constant memory? Peak RSS (GNU time) of `charcount -z --count` on one gzip file of
 * `--gib` GiB of CSV text against the same on a 64 MiB one, runs alternating, medians.
 * The files are generated once, streaming, under bench/.corpus/.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { corpusRoot } from './corpus.js';
import { csvText } from './corpus-text.js';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'src', 'cli', 'main.js');
const { values } = parseArgs({
  options: { gib: { type: 'string', default: '1' }, runs: { type: 'string', default: '3' } },
});
const gib = Number(values.gib);
const runs = Number(values.runs);
if (!(gib > 0) || !Number.isInteger(runs) || runs < 1)
  throw new RangeError('--gib must be > 0 and --runs a whole number ≥ 1');
if (!existsSync('/usr/bin/time')) throw new Error('needs GNU time (/usr/bin/time): apt-get install time');

/** A directory holding one gzip file of `bytes` bytes of CSV (64 MiB blocks repeated), made once. */
async function gzipCorpus(bytes: number): Promise<string> {
  const dir = join(corpusRoot, `gzip-${bytes}`);
  const file = join(dir, 'big.csv.gz');
  const stamp = `${dir}.complete`;
  if (existsSync(stamp) && existsSync(file)) return dir;
  mkdirSync(dir, { recursive: true });
  const block = csvText(Math.min(bytes, 64 * 2 ** 20), 23).text;
  async function* blocks() {
    for (let left = bytes; left > 0; left -= block.length) yield left >= block.length ? block : block.subarray(0, left);
  }
  await pipeline(Readable.from(blocks()), createGzip({ level: 1 }), createWriteStream(file));
  writeFileSync(stamp, String(bytes));
  return dir;
}

interface Measured {
  ms: number;
  rssMiB: number;
  stats: string;
}

function measure(dir: string): Measured {
  const rssFile = join(corpusRoot, 'gzip-memory-rss');
  const args = ['-f', '%M', '-o', rssFile, process.execPath, cli];
  const query = ['-c', ',', '-m', '40', '-z', '--count', '--stats', '-j', '2', '--no-progress', '.'];
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', [...args, ...query], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) throw new Error(`charcount failed (${r.status}): ${r.stderr}`);
  const rssMiB = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024;
  return { ms, rssMiB, stats: r.stderr.trim() };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sizes = [64 * 2 ** 20, Math.round(gib * 2 ** 30)];
const dirs = await Promise.all(sizes.map(gzipCorpus));
const measured: Measured[][] = sizes.map(() => []);
for (let round = 0; round < runs; round++) {
  const order = round % 2 ? [1, 0] : [0, 1];
  for (const i of order) measured[i]!.push(measure(dirs[i]!));
}
const lines = sizes.map((bytes, i) => {
  const m = measured[i]!;
  const compressed = statSync(join(dirs[i]!, 'big.csv.gz')).size;
  return (
    `${(bytes / 2 ** 20).toFixed(0)} MiB of text (${(compressed / 2 ** 20).toFixed(0)} MiB gzip): ` +
    `peak RSS ${median(m.map((x) => x.rssMiB)).toFixed(0)} MiB (max ${Math.max(...m.map((x) => x.rssMiB)).toFixed(0)}), ` +
    `${(median(m.map((x) => x.ms)) / 1000).toFixed(1)} s; ${m[0]!.stats.split('\n')[2] ?? ''}`
  );
});
const ratio = median(measured[1]!.map((x) => x.rssMiB)) / median(measured[0]!.map((x) => x.rssMiB));
console.log(lines.join('\n'));
console.log(`peak RSS, ${gib} GiB ÷ 64 MiB: ${ratio.toFixed(2)} (median of ${runs}, runs alternating)`);
