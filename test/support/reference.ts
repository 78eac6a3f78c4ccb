/**
 * A pure-TypeScript transcription of contract §1, character by character. It is the tests'
 * oracle and the benchmark's "pure TypeScript" contender; it trades speed for being
 * obviously right, so keep it that way.
 */
import type { FullScan, SegmentHit } from '../../src/core/types.js';

/** The byte that resets a mode, by its name (`'newline'`) or its kernel number (0); -2: none. */
function resetByte(reset: number | string): number {
  return reset === 0 || reset === 'newline' ? 0x0a : reset === 1 || reset === 'space' ? 0x20 : -2;
}

const encoder = new TextEncoder();

/**
 * Decodes UTF-8 as `TextDecoder` does (an invalid sequence is one replacement per
 * maximal subpart) and yields `[byteOffset, codePoint]`, with -1 for invalid sequences.
 */
export function* decodeUtf8(bytes: Uint8Array): Generator<[number, number]> {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need = 0;
    let cp = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b < 0x80) {
      yield [i, b];
      i += 1;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      cp = b & 0x0f;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      cp = b & 0x07;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else {
      yield [i, -1];
      i += 1;
      continue;
    }
    let j = i + 1;
    let ok = true;
    for (let k = 0; k < need; k++, j++) {
      const c = bytes[j];
      if (c === undefined || c < lo || c > hi) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (c & 0x3f);
      lo = 0x80;
      hi = 0xbf;
    }
    yield [i, ok ? cp : -1];
    i = j;
  }
}

export function toBytes(input: string | Uint8Array): Uint8Array {
  return typeof input === 'string' ? encoder.encode(input) : input;
}

/** contract §1 with every figure: `matched`, `offset`, `line`, `occurrences`, `segments`. */
export function referenceEvaluate(
  what: string,
  min: number,
  reset: number | string,
  input: string | Uint8Array,
): FullScan {
  const { hits: _, ...figures } = referenceWithHits(what, min, reset, input);
  return figures;
}

/** Every hit: where each segment first reaches the threshold, in input order. */
export function referenceHits(
  what: string,
  min: number,
  reset: number | string,
  input: string | Uint8Array,
): SegmentHit[] {
  return referenceWithHits(what, min, reset, input).hits;
}

function referenceWithHits(
  what: string,
  min: number,
  reset: number | string,
  input: string | Uint8Array,
): FullScan & { hits: SegmentHit[] } {
  const target = what.codePointAt(0)!;
  const resetChar = resetByte(reset);
  let count = 0;
  let segment = 0;
  let lastCounted = -1;
  let lines = 0;
  let occurrences = 0;
  let segments = 0;
  let offset: number | null = null;
  let line: number | null = null;
  const hits: SegmentHit[] = [];
  for (const [at, cp] of decodeUtf8(toBytes(input))) {
    if (cp === resetChar) {
      count = 0;
      segment++;
    }
    if (cp === target) {
      count++;
      occurrences++;
    }
    if (count >= min) {
      if (offset === null) {
        offset = at;
        line = lines + 1;
      }
      if (lastCounted !== segment) {
        lastCounted = segment;
        segments++;
        hits.push({ offset: at, line: lines + 1 });
      }
    }
    if (cp === 0x0a) lines++;
  }
  return { matched: offset !== null, offset, line, occurrences, segments, hits } as FullScan & { hits: SegmentHit[] };
}

/** The seed's `hasCount`, in TypeScript. */
export function referenceHasCount(
  what: string,
  min: number,
  reset: number | string,
  input: string | Uint8Array,
): boolean {
  return referenceEvaluate(what, min, reset, input).matched;
}

/**
 * contract §1.6: segments per count held. A segment opens at the start and at each reset
 * character (which belongs to it); a reset that ends the input opens none unless it is
 * `what`; an empty input has none.
 */
export function referenceHistogram(
  what: string,
  reset: number | string,
  input: string | Uint8Array,
): Record<string, number> {
  const target = what.codePointAt(0)!;
  const resetChar = resetByte(reset);
  const counts = [0];
  let last = -3;
  for (const [, cp] of decodeUtf8(toBytes(input))) {
    if (cp === resetChar) counts.push(0);
    if (cp === target) counts[counts.length - 1]!++;
    last = cp;
  }
  if (toBytes(input).length === 0) counts.length = 0;
  else if (last === resetChar && counts[counts.length - 1] === 0) counts.pop();
  const h: Record<string, number> = {};
  for (const k of [...counts].sort((a, b) => a - b)) h[k] = (h[k] ?? 0) + 1;
  return h;
}

/**
 * The list of files off the mode of `--histogram` text output (contract §3.5), from every
 * file's histogram at once: the files holding a count other than `mode`, those holding a
 * count no other file has first, then by how many segments stray, then by path; the first
 * `listed` of them, each as its path, its counts off the mode and its outliers.
 */
export function referenceStrayFiles(
  files: { path: string; histogram: Record<string, number> }[],
  mode: number,
  listed: number,
): { strays: number; listed: { path: string; off: [number, number][]; only: number[] }[] } {
  const holders = new Map<number, number>();
  for (const f of files) for (const k of Object.keys(f.histogram)) holders.set(+k, (holders.get(+k) ?? 0) + 1);
  const stray = files
    .map((f) => {
      const all = Object.entries(f.histogram)
        .map(([k, n]): [number, number] => [+k, n])
        .sort((a, b) => a[0] - b[0]);
      const off = all.filter(([k]) => k !== mode);
      const count = off.reduce((a, [, n]) => a + n, 0);
      return { path: f.path, off, only: off.filter(([k]) => holders.get(k) === 1).map(([k]) => k), count };
    })
    .filter((f) => f.off.length > 0)
    .sort(
      (a, b) =>
        Number(b.only.length > 0) - Number(a.only.length > 0) ||
        b.count - a.count ||
        (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
    );
  return { strays: stray.length, listed: stray.slice(0, listed).map(({ path, off, only }) => ({ path, off, only })) };
}
