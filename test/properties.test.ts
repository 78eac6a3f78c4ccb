/**
 * Property-based differential tests: the native kernels against the TypeScript oracle
 * on random inputs rich in multibyte characters, invalid UTF-8 and block boundaries.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { availableKernels, Counter } from '../src/scan/counter.js';
import { referenceEvaluate } from './support/reference.js';

const enc = (s: string) => [...new TextEncoder().encode(s)];

/** Pieces inputs are made of: needles, resets, multibyte text, and broken UTF-8. */
const fragment = fc.oneof(
  fc.constantFrom(
    enc('c'),
    enc('\n'),
    enc(' '),
    enc('\r'),
    enc('\t'),
    enc(','),
    enc('\u00a0'),
    enc('é'),
    enc('€'),
    enc('😀'),
    enc('\uFFFD'),
    [0],
    [0xff],
    [0x80],
    [0xe2, 0x82],
    [0xf0, 0x9f, 0x98],
    [0xc3],
    [0xed, 0xa0, 0x80],
  ),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 4 }),
  fc.string({ unit: 'grapheme', maxLength: 3 }).map(enc),
);

const whatArb = fc.oneof(
  fc.constantFrom('c', '\n', ' ', 'é', '€', '😀', '\0', '\uFFFD', ','),
  fc
    .string({ unit: 'binary', minLength: 1, maxLength: 1 })
    .filter((s) => [...s].length === 1 && !/[\ud800-\udfff]/.test(s)),
);

const caseArb = fc.record({
  what: whatArb,
  min: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 40 })),
  reset: fc.constantFrom(0, 1, 2),
  /** Filler length before each needle: puts hits on 16/32/64-byte boundaries. */
  pads: fc.array(fc.constantFrom(0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129), { maxLength: 6 }),
  fragments: fc.array(fragment, { maxLength: 120 }),
  cuts: fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 12 }),
});

function build(c: { what: string; pads: number[]; fragments: number[][] }): Uint8Array {
  const bytes: number[] = [];
  const needle = enc(c.what);
  c.fragments.forEach((f, i) => {
    bytes.push(...f);
    const pad = c.pads[i % Math.max(1, c.pads.length)];
    if (pad !== undefined && i % 3 === 0) {
      // Align the next needle at a block-relative position.
      while (bytes.length % 64 !== pad % 64) bytes.push(0x78);
      bytes.push(...needle);
    }
  });
  return Uint8Array.from(bytes);
}

function chunks(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  for (const cut of cuts) {
    out.push(bytes.subarray(i, i + cut));
    i += cut;
  }
  out.push(bytes.subarray(i));
  return out;
}

describe.each(availableKernels())('kernel %s', (kernel) => {
  test('matches the TypeScript oracle on random inputs, whole and chunked', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const input = build(c);
        const want = referenceEvaluate(c.what, c.min, c.reset, input);
        const counter = new Counter(c.what, c.min, c.reset, { kernel });
        expect(counter.fullScan(input)).toEqual(want);
        expect(counter.firstHit(input)).toEqual({ matched: want.matched, offset: want.offset, line: want.line });
        const full = counter.stream({ full: true });
        for (const chunk of chunks(input, c.cuts)) full.write(chunk);
        expect(full.result()).toEqual(want);
      }),
      { numRuns: 400, seed: 20261125 },
    );
  });

  test('strings are counted as their UTF-8 encoding (lone surrogates become U+FFFD)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        whatArb,
        fc.nat(4),
        fc.constantFrom(0, 1, 2),
        (s, what, min, reset) => {
          const counter = new Counter(what, min, reset, { kernel });
          expect(counter.fullScan(s)).toEqual(referenceEvaluate(what, min, reset, new TextEncoder().encode(s)));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
