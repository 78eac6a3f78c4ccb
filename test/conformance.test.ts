/**
 * Every conformance vector through every path: the TS oracle, native string, native
 * Buffer, native streaming in random chunks, the native file reader, on every kernel.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { availableKernels, Counter } from '../src/scan/counter.js';
import { testHooks } from '../src/internal.js';
import { referenceEvaluate } from './support/reference.js';
import {
  allVectors,
  asString,
  randomChunks,
  resetOf,
  sharedConformanceDir,
  tempDir,
  VECTOR_FILES,
  vectorsText,
  type Vector,
} from './helpers.js';

const vectors = allVectors();
const expected = (v: Vector) => ({
  matched: v.matched,
  offset: v.offset,
  line: v.line,
  occurrences: v.occurrences,
  segments: v.segments,
});
const firstHitOf = (v: Vector) => ({ matched: v.matched, offset: v.offset, line: v.line });
const label = (v: Vector, i: number) => `vector ${i}: ${JSON.stringify(v.what)} min ${v.min} ${v.reset}`;

test('the vectors are there', () => {
  expect(vectors.length).toBeGreaterThanOrEqual(640);
});

test.runIf(existsSync(sharedConformanceDir))(
  "the repository's copy of the vectors is the contract's (shared/conformance)",
  () => {
    for (const file of VECTOR_FILES) {
      expect(
        vectorsText(file) === readFileSync(join(sharedConformanceDir, file), 'utf8'),
        `${file} differs from shared/conformance: copy it again (gzip -9n)`,
      ).toBe(true);
    }
  },
);

test('the TypeScript reference agrees with every vector', () => {
  vectors.forEach((v, i) => {
    expect(referenceEvaluate(v.what, v.min, resetOf(v.reset), v.input), label(v, i)).toEqual(expected(v));
  });
});

describe.each(availableKernels())('kernel %s', (kernel) => {
  const counters = vectors.map((v) => new Counter(v.what, v.min, resetOf(v.reset), { kernel }));

  test('Buffer and Uint8Array input', () => {
    vectors.forEach((v, i) => {
      const c = counters[i]!;
      expect(c.fullScan(v.input), label(v, i)).toEqual(expected(v));
      expect(c.firstHit(Buffer.from(v.input)), label(v, i)).toEqual(firstHitOf(v));
      expect(c.hasCount(v.input), label(v, i)).toBe(v.matched);
    });
  });

  test('string input (vectors that are valid UTF-8)', () => {
    let checked = 0;
    vectors.forEach((v, i) => {
      const s = asString(v.input);
      if (s === undefined) return;
      checked++;
      expect(counters[i]!.fullScan(s), label(v, i)).toEqual(expected(v));
      expect(counters[i]!.hasCount(s), label(v, i)).toBe(v.matched);
    });
    expect(checked).toBeGreaterThan(100);
  });

  test('streaming in random chunks', () => {
    vectors.forEach((v, i) => {
      for (const full of [false, true]) {
        const stream = counters[i]!.stream({ full });
        for (const chunk of randomChunks(v.input, i * 7 + (full ? 1 : 0))) stream.write(chunk);
        expect(stream.result(), label(v, i)).toEqual(full ? expected(v) : firstHitOf(v));
      }
    });
  });
});

describe('file reader', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);
  const paths = vectors.map((v, i) => {
    const p = join(dir, `v${i}`);
    writeFileSync(p, v.input);
    return p;
  });

  test.each(availableKernels())('every vector as a file, kernel %s, odd chunk sizes', (kernel) => {
    vectors.forEach((v, i) => {
      const counter = new Counter(v.what, v.min, resetOf(v.reset), { kernel }).handle;
      // Byte-sized reads only for the short vectors: a read per byte of a megabyte is slow.
      const sizes = v.input.length < 20_000 ? [1, 7, 64, 4096] : [4093, 65_536];
      for (const chunkSize of sizes) {
        const [full] = testHooks().scanFiles([paths[i]!], [counter], { full: true, scanBinary: true, chunkSize });
        expect(full!.counters?.[0], `${label(v, i)} chunk ${chunkSize}`).toEqual(expected(v));
        expect(full!.bytes).toBe(v.input.length);
        const [first] = testHooks().scanFiles([paths[i]!], [counter], { scanBinary: true, chunkSize });
        expect(first!.counters?.[0], `${label(v, i)} chunk ${chunkSize}`).toEqual(firstHitOf(v));
      }
    });
  });
});
