/**
 * Deterministic CSV-like text for the benchmarks: seeded, so every run and every
 * machine measures the same bytes.
 */

/** Mulberry32: a small, fast, seedable PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'india',
  'juliet',
  'kilo',
  'lima',
  'mike',
  'november',
  'oscar',
  'papa',
  'quebec',
  'romeo',
  'sierra',
  'tango',
];

/** Per-segment maxima of `,` in the generated text: thresholds above them never hit. */
export interface CsvStats {
  commas: number;
  maxPerLine: number;
  maxPerWord: number;
}

/** One CSV-like line: ids, numbers, dates, words and quoted phrases with spaces. */
export function csvLine(rand: () => number): string {
  const fields: string[] = [];
  const n = 6 + Math.floor(rand() * 10);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.25) fields.push(String(Math.floor(rand() * 1e6)));
    else if (r < 0.45) fields.push((rand() * 1000).toFixed(2));
    else if (r < 0.6)
      fields.push(
        `2026-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`,
      );
    else if (r < 0.85) fields.push(WORDS[Math.floor(rand() * WORDS.length)]!);
    else {
      const k = 2 + Math.floor(rand() * 5);
      fields.push(`"${Array.from({ length: k }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ')}"`);
    }
  }
  return fields.join(',');
}

/** About `bytes` of CSV-like text and its comma statistics. */
export function csvText(bytes: number, seed = 1): { text: Buffer; stats: CsvStats } {
  const rand = prng(seed);
  const parts: string[] = [];
  let size = 0;
  const stats: CsvStats = { commas: 0, maxPerLine: 0, maxPerWord: 0 };
  while (size < bytes) {
    const line = csvLine(rand);
    const commas = line.split(',').length - 1;
    stats.commas += commas;
    stats.maxPerLine = Math.max(stats.maxPerLine, commas);
    parts.push(line, '\n');
    size += line.length + 1;
  }
  const text = parts.join('');
  // Words run across lines: only spaces end them.
  for (const word of text.split(' ')) stats.maxPerWord = Math.max(stats.maxPerWord, word.split(',').length - 1);
  return { text: Buffer.from(text, 'latin1'), stats };
}
