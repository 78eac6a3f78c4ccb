/**
 * Every conformance vector encoded and compressed (contract §1.3, §2.3): as UTF-16LE and
 * UTF-16BE files with a byte-order mark (the native reader, in odd chunk sizes), gzip and
 * brotli files (decompressed on the worker side), UTF-16 inside gzip and brotli, and
 * windows-1252 (`-E latin1`) where the vector's text has a form in it. The answers are
 * the vector's, with the offset moved to the same character's position in the file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { endianness } from 'node:os';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { Counter } from '../src/scan/counter.js';
import { textStage } from '../src/scan/decode.js';
import type { CounterResult } from '../src/core/types.js';
import { backend, testHooks } from '../src/internal.js';
import { countStream, scanFile, type FileScan } from '../src/scan/decoded.js';
import { allVectors, asString, randomChunks, resetOf, tempDir, type Vector } from './helpers.js';
import { decodeUtf8, referenceHits } from './support/reference.js';

const vectors = allVectors();
if (endianness() !== 'LE') throw new Error('these tests build UTF-16 files on a little-endian machine');
const label = (v: Vector, i: number) => `vector ${i}: ${JSON.stringify(v.what)} min ${v.min} ${v.reset}`;
const { dir, cleanup } = tempDir();
// Thousands of files to delete: slow on a loaded machine, and no test of this file.
afterAll(cleanup, 120_000);

/**
 * The vector's input as UTF-16 units — each ill-formed UTF-8 sequence as one unpaired low
 * surrogate, a character equal to nothing in both — and each character's unit offset by
 * its UTF-8 offset.
 */
function utf16Of(input: Uint8Array): { units: number[]; unitAt: Map<number, number> } {
  const known = utf16Cache.get(input);
  if (known) return known;
  const units: number[] = [];
  const unitAt = new Map<number, number>();
  for (const [at, cp] of decodeUtf8(input)) {
    unitAt.set(at, units.length);
    if (cp < 0) units.push(0xdc00);
    else if (cp >= 0x10000) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    else units.push(cp);
  }
  utf16Cache.set(input, { units, unitAt });
  return { units, unitAt };
}
const utf16Cache = new WeakMap<Uint8Array, { units: number[]; unitAt: Map<number, number> }>();

function utf16File(units: number[], bigEndian: boolean): Buffer {
  const le = Buffer.from(Uint16Array.from([0xfeff, ...units]).buffer); // this machine's order: little-endian
  return bigEndian ? le.swap16() : le;
}

/** windows-1252 (what `latin1` names in the WHATWG standard): each character's byte. */
const cp1252 = (() => {
  const decoder = new TextDecoder('windows-1252');
  const byteOf = new Map<string, number>();
  for (let b = 0; b < 256; b++) byteOf.set(decoder.decode(Uint8Array.of(b), { stream: true }), b);
  return byteOf;
})();

/** The vector's text in windows-1252, and each character's byte offset by its UTF-8 offset; undefined if it has none. */
function latin1Of(input: Uint8Array): { bytes: Uint8Array; at: Map<number, number> } | undefined {
  if (asString(input) === undefined) return undefined;
  const bytes: number[] = [];
  const at = new Map<number, number>();
  for (const [offset, cp] of decodeUtf8(input)) {
    const b = cp1252.get(String.fromCodePoint(cp));
    if (b === undefined) return undefined;
    at.set(offset, bytes.length);
    bytes.push(b);
  }
  return { bytes: Uint8Array.from(bytes), at };
}

/** The vector's expected answer, its offset moved by `move`. */
function expected(v: Vector, full: boolean, move: (offset: number) => number): CounterResult {
  const hit = { matched: v.matched, offset: v.offset === null ? null : move(v.offset), line: v.line } as CounterResult;
  return full ? { ...hit, occurrences: v.occurrences, segments: v.segments } : hit;
}

const counters = vectors.map((v) => new Counter(v.what, v.min, resetOf(v.reset)));
const resultOf = (r: FileScan | undefined) => (r && 'results' in r ? r.results[0] : r);

describe('UTF-16 files with a byte-order mark, read by the native reader', () => {
  test.each([
    ['UTF-16LE', false],
    ['UTF-16BE', true],
  ])(
    'every vector as %s, odd chunk sizes',
    (_name, bigEndian) => {
      vectors.forEach((v, i) => {
        const { units, unitAt } = utf16Of(v.input);
        const path = join(dir, `u16-${bigEndian ? 'be' : 'le'}-${i}`);
        writeFileSync(path, utf16File(units, bigEndian));
        const move = (o: number) => 2 + 2 * unitAt.get(o)!;
        const sizes = v.input.length < 20_000 ? [1, 7, 4096] : [4093, 65_536];
        for (const chunkSize of sizes) {
          for (const full of [false, true]) {
            const [r] = testHooks().scanFiles([path], [counters[i]!.handle], { full, scanBinary: true, chunkSize });
            expect(r!.counters![0], `${label(v, i)} chunk ${chunkSize}`).toEqual(expected(v, full, move));
          }
        }
      });
    },
    120_000,
  );
});

/** The vector's every hit (the reference's), offsets moved by `move`, as a native evaluation lists them. */
function hitsOf(v: Vector, move: (offset: number) => number): Float64Array {
  const list = referenceHits(v.what, v.min, resetOf(v.reset), v.input);
  return Float64Array.from(list.flatMap((h) => [move(h.offset), h.line]));
}

test('every hit of every vector, as UTF-16LE and UTF-16BE files, at its offset in the file', () => {
  vectors.forEach((v, i) => {
    const { units, unitAt } = utf16Of(v.input);
    const move = (o: number) => 2 + 2 * unitAt.get(o)!;
    for (const bigEndian of [false, true]) {
      const path = join(dir, `u16-hits-${bigEndian ? 'be' : 'le'}-${i}`);
      writeFileSync(path, utf16File(units, bigEndian));
      const [r] = testHooks().scanFiles([path], [counters[i]!.handle], { full: true, scanBinary: true, maxHits: 1e6 });
      expect(r!.counters![0]!.hits, label(v, i)).toEqual(hitsOf(v, move));
    }
  });
}, 120_000);

/** A variant of every vector: its file's bytes, and where each character lands. */
interface Variant {
  name: string;
  suffix: string;
  encoding: string;
  file(v: Vector): { bytes: Uint8Array; move: (offset: number) => number } | undefined;
}
const same = (v: Vector) => ({ bytes: v.input, move: (o: number) => o });
const inUtf16 = (bigEndian: boolean) => (v: Vector) => {
  const { units, unitAt } = utf16Of(v.input);
  return { bytes: utf16File(units, bigEndian), move: (o: number) => 2 + 2 * unitAt.get(o)! };
};
const inLatin1 = (v: Vector) => {
  const l = latin1Of(v.input);
  return l && { bytes: l.bytes, move: (o: number) => l.at.get(o)! };
};
const variants: Variant[] = [
  { name: 'gzip', suffix: '.gz', encoding: 'utf-8', file: same },
  { name: 'brotli', suffix: '.br', encoding: 'utf-8', file: same },
  { name: 'UTF-16LE in gzip', suffix: '.gz', encoding: 'utf-8', file: inUtf16(false) },
  { name: 'UTF-16BE in brotli', suffix: '.br', encoding: 'utf-8', file: inUtf16(true) },
  { name: '-E latin1', suffix: '.txt', encoding: 'windows-1252', file: inLatin1 },
  { name: '-E latin1, in gzip', suffix: '.gz', encoding: 'windows-1252', file: inLatin1 },
];
const compress = (suffix: string, bytes: Uint8Array) =>
  suffix === '.gz'
    ? gzipSync(bytes, { level: 1 })
    : suffix === '.br'
      ? brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 2 } })
      : bytes;

describe('compressed and decoded files, read on the worker side', () => {
  test.each(variants.map((v) => [v.name, v] as const))(
    'every vector as %s',
    async (_name, variant) => {
      let checked = 0;
      for (const [i, v] of vectors.entries()) {
        const made = variant.file(v);
        if (!made) continue;
        checked++;
        const name = `${variant.name.replace(/\W+/g, '-')}-${i}${variant.suffix}`;
        writeFileSync(join(dir, name), compress(variant.suffix, made.bytes));
        for (const full of [false, true]) {
          const rules = { full, scanBinary: true, searchZip: true, encoding: variant.encoding, bomSniff: true };
          const r = await scanFile(backend(), name, dir, 0, [counters[i]!.handle], rules);
          expect(resultOf(r), `${label(v, i)} full ${full}`).toEqual(expected(v, full, made.move));
          if (full) expect(r!.bytes).toBe(made.bytes.length);
        }
        const rules = { full: true, scanBinary: true, searchZip: true, encoding: variant.encoding, maxHits: 1e6 };
        const every = await scanFile(backend(), name, dir, 0, [counters[i]!.handle], rules);
        const hits = every && 'results' in every ? every.results[0]!.hits : undefined;
        expect(hits, `${label(v, i)} every hit`).toEqual(hitsOf(v, made.move));
      }
      // Latin-1 has the vectors that are text in it; every other variant has them all.
      expect(checked).toBeGreaterThanOrEqual(variant.file === inLatin1 ? 100 : vectors.length);
    },
    120_000,
  );

  test.each([
    ['UTF-16LE', 'utf-8', inUtf16(false)],
    ['UTF-16BE', 'utf-8', inUtf16(true)],
    ['windows-1252', 'windows-1252', inLatin1],
  ] as const)(
    'every vector as %s in random chunks (a unit or a surrogate pair split anywhere)',
    async (_n, encoding, file) => {
      for (const [i, v] of vectors.entries()) {
        const made = file(v);
        if (!made) continue;
        for (const full of [false, true]) {
          const source = randomChunks(made.bytes, i * 13 + (full ? 1 : 0));
          const r = await countStream(backend(), source, textStage(encoding, true), [counters[i]!.handle], {
            full,
            scanBinary: true,
          });
          expect(resultOf(r), label(v, i)).toEqual(expected(v, full, made.move));
        }
      }
    },
    120_000,
  );
});
