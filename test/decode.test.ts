/**
 * Text stages (src/core/decode.ts): every encoding kind against an oracle built from
 * known characters — each character's bytes and offset are known by construction — in
 * random chunks, through the same counting loop as files (`countStream`).
 */
import { TextDecoder } from 'node:util';
import { describe, expect, test } from 'vitest';
import { Counter } from '../src/scan/counter.js';
import { checkEncoding, textStage, type TextStage } from '../src/scan/decode.js';
import { backend } from '../src/internal.js';
import { countStream } from '../src/scan/decoded.js';
import { randomChunks } from './helpers.js';
import { referenceEvaluate, referenceHits } from './support/reference.js';

/** `countStream` with `Counter`s. */
const count = (
  chunks: Iterable<Uint8Array>,
  stage: TextStage,
  counters: Counter[],
  rules: Parameters<typeof countStream>[4],
) =>
  countStream(
    backend(),
    chunks,
    stage,
    counters.map((c) => c.handle),
    rules,
  );

/** A seeded generator (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A character of an encoding: its bytes and what a fresh decoder makes of them alone. */
interface Letter {
  bytes: number[];
  char: string;
}

/**
 * Byte sequences of 1 to 4 bytes that decode, alone, to exactly one character other than
 * U+FFFD: an alphabet from which texts with known offsets are made.
 */
function alphabet(encoding: string, rand: () => number): Letter[] {
  const letters = new Map<string, Letter>();
  const tryBytes = (bytes: number[]) => {
    const d = new TextDecoder(encoding);
    const text = d.decode(Uint8Array.from(bytes), { stream: true }) + d.decode();
    if ([...text].length === 1 && text !== '\uFFFD' && !letters.has(text)) letters.set(text, { bytes, char: text });
  };
  for (let b = 0; b < 256; b++) tryBytes([b]);
  for (let i = 0; i < 6000; i++) {
    const n = 2 + Math.floor(rand() * 3);
    tryBytes(Array.from({ length: n }, () => Math.floor(rand() * 256)));
  }
  return [...letters.values()];
}

/** A text of letters (resets and the counted character often), its bytes and each character's byte offset. */
function text(letters: Letter[], what: Letter, rand: () => number, length: number) {
  const common = letters.filter((l) => l.char === '\n' || l.char === ' ' || l.char === what.char);
  const chosen: Letter[] = [];
  for (let i = 0; i < length; i++) {
    const pool = rand() < 0.3 ? common : letters;
    chosen.push(pool[Math.floor(rand() * pool.length)]!);
  }
  const bytes = Uint8Array.from(chosen.flatMap((l) => l.bytes));
  const offsets: number[] = [];
  let at = 0;
  for (const l of chosen) {
    offsets.push(at);
    at += l.bytes.length;
  }
  return { chars: chosen.map((l) => l.char), bytes, offsets };
}

/**
 * The oracle: contract §1 on the characters, offsets moved to the characters' bytes; with
 * `hits`, every hit as (offset, line) pairs, as a native evaluation lists them.
 */
function oracle(chars: string[], offsets: number[], counter: Counter, full: boolean, hits = false) {
  const utf8 = Buffer.from(chars.join(''), 'utf8');
  // The byte offset of the character that starts at UTF-8 offset `at`.
  const starts = new Map<number, number>();
  for (let k = 0, at = 0; k < chars.length; at += Buffer.byteLength(chars[k]!, 'utf8'), k++)
    starts.set(at, offsets[k]!);
  const r = referenceEvaluate(counter.what, counter.min, counter.reset, utf8);
  const hit = { matched: r.matched, offset: r.offset === null ? null : starts.get(r.offset)!, line: r.line };
  const result: Record<string, unknown> = full ? { ...hit, occurrences: r.occurrences, segments: r.segments } : hit;
  if (hits) {
    const list = referenceHits(counter.what, counter.min, counter.reset, utf8);
    result.hits = Float64Array.from(list.flatMap((h) => [starts.get(h.offset)!, h.line]));
    result.hitsTruncated = false;
  }
  return result;
}

const ENCODINGS = [
  'shift_jis',
  'euc-jp',
  'euc-kr',
  'gbk',
  'gb18030',
  'big5',
  'windows-1252',
  'windows-1251',
  'koi8-r',
  'utf-16le',
  'utf-16be',
];

describe.each(ENCODINGS)('%s', (encoding) => {
  test('hits are found at the byte offsets of their characters, in any chunking', async () => {
    const rand = prng(encoding.length * 7919);
    const letters = alphabet(encoding, rand);
    expect(letters.length).toBeGreaterThan(encoding.startsWith('utf-16') ? 50 : 120);
    for (let round = 0; round < 12; round++) {
      const what = letters.filter((l) => l.char !== '\n' && l.char !== ' ')[Math.floor(rand() * 50)]!;
      // Long enough to cross several of the replay's 4 KiB pieces.
      const t = text(letters, what, rand, round % 3 === 0 ? 8000 : 300);
      // The letters must not run together (they do not, but that is the oracle's premise).
      // Streaming: Node 20's one-shot windows-1252 decodes as ISO-8859-1.
      const whole = new TextDecoder(encoding);
      expect(whole.decode(t.bytes, { stream: true }) + whole.decode(), `round ${round}`).toBe(t.chars.join(''));
      const counters = [
        new Counter(what.char, 1 + Math.floor(rand() * 3), 0),
        new Counter(what.char, 2 + Math.floor(rand() * 20), 2),
        new Counter(' ', 1, 1),
        new Counter('\n', 1, 2),
        new Counter(what.char, 0, 0),
      ];
      for (const full of [false, true]) {
        const chunks = randomChunks(t.bytes, round * 31 + (full ? 1 : 0));
        const r = await count(chunks, textStage(encoding, false), counters, { full, scanBinary: true });
        expect(r && 'results' in r && r.results, `round ${round}, full ${full}`).toEqual(
          counters.map((c) => oracle(t.chars, t.offsets, c, full)),
        );
      }
      // Every hit, each at its character's bytes (full: the figures too, and every hit listed).
      const chunks = randomChunks(t.bytes, round * 37);
      const rules = { full: true, scanBinary: true, maxHits: 1_000_000 };
      const r = await count(chunks, textStage(encoding, false), counters, rules);
      expect(r && 'results' in r && r.results, `round ${round}, every hit`).toEqual(
        counters.map((c) => oracle(t.chars, t.offsets, c, true, true)),
      );
    }
  }, 60_000);
});

describe('byte-order marks', () => {
  const utf16le = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
  const comma3 = new Counter(',', 3, 0);

  test('a mark decides over the encoding asked for, and is not counted', async () => {
    for (const encoding of ['utf-8', 'shift_jis', 'windows-1252']) {
      const r = await count([utf16le('a,é,,')], textStage(encoding, true), [comma3], {});
      expect(r).toEqual({ bytes: 12, results: [{ matched: true, offset: 10, line: 1 }] });
    }
    const bom8 = Buffer.from('\ufeffa,,,', 'utf8');
    const r = await count([bom8], textStage('utf-8', true), [new Counter('\ufeff', 1, 2)], {});
    expect(r).toMatchObject({ results: [{ matched: false }] });
  });

  test('without sniffing a mark is a character, and UTF-16 text is bytes with NULs', async () => {
    const r = await count([utf16le('a,,,')], textStage('utf-8', false), [comma3], {});
    expect(r).toEqual({ bytes: 10, skipped: 'binary' });
    const bom8 = Buffer.from('\ufeffx', 'utf8');
    const feff = await count([bom8], textStage('utf-8', false), [new Counter('\ufeff', 1, 2)], {});
    expect(feff).toMatchObject({ results: [{ matched: true, offset: 0 }] });
  });

  test('binary detection looks at the decoded text: a UTF-16 NUL character is binary', async () => {
    const r = await count([utf16le('a\0,,,')], textStage('utf-8', true), [comma3], {});
    expect(r).toMatchObject({ skipped: 'binary' });
  });

  test('unpaired surrogates and a lone last byte are characters equal to nothing', async () => {
    const units = Buffer.from([0xff, 0xfe, 0x00, 0xd8, 0x2c, 0x00, 0x00, 0xdc, 0x2c, 0x00, 0x41]);
    const counters = [new Counter('\ufffd', 1, 2), new Counter(',', 2, 2), new Counter('A', 1, 2)];
    const r = await count([units], textStage('utf-8', true), counters, { full: true });
    expect(r && 'results' in r && r.results.map((x) => [x.matched, x.offset, x.occurrences])).toEqual([
      [false, null, 0],
      [true, 8, 2],
      [false, null, 0],
    ]);
  });
});

test('encoding names: WHATWG labels, auto and none; anything else names the option', () => {
  expect(checkEncoding('encoding', 'latin1')).toBe('windows-1252');
  expect(checkEncoding('encoding', ' UTF-16 ')).toBe('utf-16le');
  expect(checkEncoding('encoding', 'SJIS')).toBe('shift_jis');
  expect(checkEncoding('encoding', 'auto')).toBe('utf-8');
  expect(checkEncoding('encoding', 'None')).toBe('none');
  expect(() => checkEncoding('--encoding', 'klingon')).toThrow(/--encoding must be an encoding .* got 'klingon'/);
  expect(() => checkEncoding('encoding', 'replacement')).toThrow(RangeError);
  expect(() => checkEncoding('encoding', 8)).toThrow(TypeError);
});

test('a stateful encoding: an escape sequence belongs to the character after it', async () => {
  // ISO-2022-JP: "a,b", ESC $ B (JIS X 0208) "あ" "あ", ESC ( B (ASCII) ",,".
  const bytes = Buffer.from([0x61, 0x2c, 0x62, 0x1b, 0x24, 0x42, 0x24, 0x22, 0x24, 0x22, 0x1b, 0x28, 0x42, 0x2c, 0x2c]);
  const counters = [new Counter('あ', 1, 2), new Counter('あ', 2, 2), new Counter(',', 2, 2), new Counter(',', 3, 2)];
  for (const chunks of [[bytes], [...bytes].map((b) => Uint8Array.of(b))]) {
    const r = await count(chunks, textStage('iso-2022-jp', true), counters, {});
    expect(r && 'results' in r && r.results.map((x) => x.offset)).toEqual([3, 8, 10, 14]);
  }
});
