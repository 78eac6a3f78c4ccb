/**
 * Benchmark corpora, generated deterministically (seeded) under `bench/.corpus/`
 * (ignored by git). Generation is skipped when a corpus with the same parameters exists.
 *
 * * `small-<N>`: N files of CSV/log/prose-like lines, nested three levels deep.
 * * `large-<N>x<MiB>`: N large CSV-like files.
 * * `tree-<N>`: N files shaped like a source tree: log-normal sizes of 0.5–16 KB (mean ≈ 6 KB)
 *   in 40 directories.
 * * `deep-<N>`: N files of 0.2–8 KB (log-normal, mean ≈ 2 KB), a few per leaf directory, the
 *   leaves 4–6 levels deep.
 * * `empty`, `one-file`: the fixed cost of a run, with (almost) nothing to scan.
 * * `encoded-<MiB>`: one CSV text as UTF-8, as UTF-16LE with a byte-order mark, and gzipped.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { csvLine, csvText, prng } from './corpus-text.js';

export const corpusRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', '.corpus');

const PROSE = 'the quick brown fox jumps over the lazy dog while seven wizards quietly judge boxing matches'.split(' ');

function logLine(rand: () => number, i: number): string {
  const level = ['INFO', 'WARN', 'DEBUG', 'ERROR'][Math.floor(rand() * 4)];
  return `2026-11-25T12:${String(i % 60).padStart(2, '0')}:00Z ${level} worker=${Math.floor(rand() * 64)} took=${(rand() * 900).toFixed(1)}ms path=/api/v1/items/${Math.floor(rand() * 1e5)}`;
}

function proseLine(rand: () => number): string {
  return (
    Array.from({ length: 6 + Math.floor(rand() * 12) }, () => PROSE[Math.floor(rand() * PROSE.length)]).join(' ') + '.'
  );
}

/** Ensures `dir` holds what `make` writes, keyed by `key`; returns `dir`. */
function cached(dir: string, key: string, make: () => void): string {
  const stamp = `${dir}.complete`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === key) return dir;
  rmSync(dir, { recursive: true, force: true });
  rmSync(stamp, { force: true });
  mkdirSync(dir, { recursive: true });
  make();
  writeFileSync(stamp, key);
  return dir;
}

/** Writes file number `i` into `sub`: about `size` bytes of CSV (i % 3 = 0), log (1) or prose (2) lines. */
function textFile(rand: () => number, sub: string, i: number, size: number): void {
  const kind = i % 3;
  const lines: string[] = [];
  let n = 0;
  while (n < size) {
    const line = kind === 0 ? csvLine(rand) : kind === 1 ? logLine(rand, n) : proseLine(rand);
    lines.push(line);
    n += line.length + 1;
  }
  writeFileSync(join(sub, `f${i}.${['csv', 'log', 'txt'][kind]}`), lines.join('\n') + '\n');
}

/** A log-normal size: `median` × e^(`sigma` · z), drawn again until it falls in [`min`, `max`]. */
function logNormal(rand: () => number, median: number, sigma: number, min: number, max: number): number {
  for (;;) {
    // Box–Muller; 1 - rand() is in (0, 1], so the logarithm is finite.
    const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const size = Math.round(median * Math.exp(sigma * z));
    if (size >= min && size <= max) return size;
  }
}

/** Many small files: sizes from `minBytes` to `maxBytes`, three kinds of text. */
export function smallFiles(count: number, minBytes = 1024, maxBytes = 64 * 1024, seed = 7): string {
  const dir = join(corpusRoot, `small-${count}-${minBytes}-${maxBytes}`);
  return cached(dir, `v1 ${count} ${minBytes} ${maxBytes} ${seed}`, () => {
    const rand = prng(seed);
    for (let i = 0; i < count; i++) {
      const sub = join(dir, `d${i % 32}`, `e${Math.floor(i / 32) % 32}`);
      if (i < 1024) mkdirSync(sub, { recursive: true });
      textFile(rand, sub, i, minBytes + Math.floor(rand() * (maxBytes - minBytes)));
    }
  });
}

/**
 * A tree like a project's sources: `count` files of 512 B–16 KiB, log-normal (median 5,600 B,
 * σ 0.75: mean ≈ 6 KB, most between 2 and 12 KB), spread at random over 40 directories (5
 * top-level ones with 7 subdirectories each), three kinds of text.
 */
export function treeFiles(count: number, seed = 13): string {
  const dir = join(corpusRoot, `tree-${count}`);
  return cached(dir, `v1 ${count} ${seed}`, () => {
    const rand = prng(seed);
    const dirs: string[] = [];
    for (let a = 0; a < 5; a++) {
      dirs.push(join(dir, `pkg${a}`));
      for (let b = 0; b < 7; b++) dirs.push(join(dir, `pkg${a}`, `mod${b}`));
    }
    for (const d of dirs) mkdirSync(d, { recursive: true });
    for (let i = 0; i < count; i++) {
      const sub = dirs[Math.floor(rand() * dirs.length)]!;
      textFile(rand, sub, i, logNormal(rand, 5600, 0.75, 512, 16 * 1024));
    }
  });
}

/**
 * A deep tree of `count` files of 200 B–8 KiB (log-normal, median 1,500 B, σ 0.9: mean ≈ 2 KB):
 * directories of 2–6 subdirectories down to leaves 4–6 levels deep (a level-4 or -5 directory is
 * a leaf half the time), 1–6 files in each leaf, one file in about a third of the others;
 * top-level directories are added until `count` files are written.
 */
export function deepFiles(count: number, seed = 17): string {
  const dir = join(corpusRoot, `deep-${count}`);
  return cached(dir, `v1 ${count} ${seed}`, () => {
    const rand = prng(seed);
    let i = 0;
    const write = (sub: string, files: number) => {
      for (let k = 0; k < files && i < count; k++, i++) textFile(rand, sub, i, logNormal(rand, 1500, 0.9, 200, 8192));
    };
    const grow = (sub: string, depth: number) => {
      if (i >= count) return;
      mkdirSync(sub);
      if (depth >= 6 || (depth >= 4 && rand() < 0.5)) return write(sub, 1 + Math.floor(rand() * 6));
      if (rand() < 0.3) write(sub, 1);
      const children = 2 + Math.floor(rand() * 5);
      for (let c = 0; c < children; c++) grow(join(sub, `d${c}`), depth + 1);
    };
    for (let top = 0; i < count; top++) grow(join(dir, `t${top}`), 1);
  });
}

/** An empty directory. */
export function emptyDir(): string {
  return cached(join(corpusRoot, 'empty'), 'v1', () => {});
}

/** A directory of one 4 KiB CSV-like file. */
export function oneFile(seed = 19): string {
  const dir = join(corpusRoot, 'one-file');
  return cached(dir, `v1 ${seed}`, () => textFile(prng(seed), dir, 0, 4096));
}

/** A few large CSV-like files of `mib` MiB each. */
export function largeFiles(count: number, mib: number, seed = 11): string {
  const dir = join(corpusRoot, `large-${count}x${mib}`);
  return cached(dir, `v1 ${count} ${mib} ${seed}`, () => {
    // One 64 MiB block per file, repeated: generation stays fast, content stays realistic.
    const block = csvText(Math.min(mib, 64) * 2 ** 20, seed).text;
    for (let i = 0; i < count; i++) {
      const parts: Buffer[] = [];
      for (let left = mib * 2 ** 20; left > 0; left -= block.length)
        parts.push(left >= block.length ? block : block.subarray(0, left));
      writeFileSync(join(dir, `big${i}.csv`), Buffer.concat(parts));
    }
  });
}

/**
 * The same `mib` MiB of CSV text three ways, one file per directory: `utf8/data.csv`,
 * `utf16/data.csv` (UTF-16LE after an `FF FE` mark: what Excel exports) and
 * `gzip/data.csv.gz`.
 */
export function encodedFiles(mib: number, seed = 29): { utf8: string; utf16: string; gzip: string } {
  const dir = join(corpusRoot, `encoded-${mib}`);
  cached(dir, `v1 ${mib} ${seed}`, () => {
    const text = csvText(mib * 2 ** 20, seed).text;
    for (const sub of ['utf8', 'utf16', 'gzip']) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, 'utf8', 'data.csv'), text);
    const utf16 = Buffer.from(text.toString('latin1'), 'utf16le');
    writeFileSync(join(dir, 'utf16', 'data.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), utf16]));
    writeFileSync(join(dir, 'gzip', 'data.csv.gz'), gzipSync(text, { level: 6 }));
  });
  return { utf8: join(dir, 'utf8'), utf16: join(dir, 'utf16'), gzip: join(dir, 'gzip') };
}
