/**
 * Benchmark corpora, generated deterministically (seeded) under `bench/.corpus/`
 * (ignored by git). Generation is skipped when a corpus with the same parameters exists.
 *
 * * `small-<N>`: N files of CSV/log/prose-like lines, nested three levels deep.
 * * `large-<N>x<MiB>`: N large CSV-like files.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** Many small files: sizes from `minBytes` to `maxBytes`, three kinds of text. */
export function smallFiles(count: number, minBytes = 1024, maxBytes = 64 * 1024, seed = 7): string {
  const dir = join(corpusRoot, `small-${count}-${minBytes}-${maxBytes}`);
  return cached(dir, `v1 ${count} ${minBytes} ${maxBytes} ${seed}`, () => {
    const rand = prng(seed);
    for (let i = 0; i < count; i++) {
      const sub = join(dir, `d${i % 32}`, `e${Math.floor(i / 32) % 32}`);
      if (i < 1024) mkdirSync(sub, { recursive: true });
      const size = minBytes + Math.floor(rand() * (maxBytes - minBytes));
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
  });
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
