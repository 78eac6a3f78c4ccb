/**
 * Histograms (`histogram`): segments per count held, against the TypeScript oracle — in
 * memory, streamed in random chunks, through the file reader with odd read sizes on every
 * kernel, through `scan()` with records and the summed summary, and across threads and
 * machines (the batch's `histograms`, its portable form).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { BatchBuilder, BatchView, decodeBatch } from '../src/codec/batch.js';
import { fromTransfer, toTransfer } from '../src/codec/transfer.js';
import type { NativeBatch } from '../src/core/types.js';
import { availableKernels, Counter, Reset } from '../src/scan/counter.js';
import type { Histogram, MultiFileRecord } from '../src/core/types.js';
import { Aggregator } from '../src/engine/aggregate.js';
import { mergeShards, scan } from '../src/index.js';
import { backend, testHooks } from '../src/internal.js';
import { allVectors, randomChunks, resetOf, tempDir, type Vector } from './helpers.js';
import { referenceEvaluate, referenceHistogram } from './support/reference.js';

const vectors = allVectors();
const label = (v: Vector, i: number) => `vector ${i}: ${JSON.stringify(v.what)} min ${v.min} ${v.reset}`;
const oracle = new Map<Vector, Histogram>();
const histogramOf = (v: Vector) => {
  if (!oracle.has(v)) oracle.set(v, referenceHistogram(v.what, resetOf(v.reset), v.input));
  return oracle.get(v)!;
};
const pairsOf = (h: Histogram) => Float64Array.from(Object.entries(h).flatMap(([k, n]) => [Number(k), n]));
const total = (h: Histogram) => Object.values(h).reduce((a, b) => a + b, 0);

test('the oracle: occurrences add up, and segments reaching min are those the contract counts', () => {
  vectors.forEach((v, i) => {
    const h = histogramOf(v);
    const sum = Object.entries(h).reduce((a, [k, n]) => a + Number(k) * n, 0);
    expect(sum, label(v, i)).toBe(v.occurrences);
    if (v.min > 0) {
      const reaching = Object.entries(h).filter(([k]) => Number(k) >= v.min);
      expect(
        reaching.reduce((a, [, n]) => a + n, 0),
        label(v, i),
      ).toBe(v.segments);
    }
  });
});

test('the oracle on the contract examples', () => {
  expect(referenceHistogram(',', Reset.NewlinesReset, 'a,b\n\nc,d,e\n')).toEqual({ 0: 1, 1: 1, 2: 1 });
  expect(referenceHistogram(',', Reset.NewlinesReset, 'a,b\r\nc,d')).toEqual({ 1: 2 });
  expect(referenceHistogram(',', Reset.NewlinesReset, '')).toEqual({});
  expect(referenceHistogram(',', Reset.NewlinesReset, '\n')).toEqual({ 0: 1 });
  expect(referenceHistogram('x', Reset.SpacesReset, 'x  xx ')).toEqual({ 0: 1, 1: 1, 2: 1 });
  expect(referenceHistogram('x', Reset.NoReset, 'x\nx x')).toEqual({ 3: 1 });
  expect(referenceHistogram('\n', Reset.NewlinesReset, 'a\nb\n')).toEqual({ 0: 1, 1: 2 });
});

describe.each(availableKernels())('kernel %s, every conformance vector', (kernel) => {
  const counters = vectors.map((v) => new Counter(v.what, v.min, resetOf(v.reset), { kernel }));

  test('histogram(input) is the oracle, for bytes and strings', () => {
    vectors.forEach((v, i) => {
      expect(counters[i]!.histogram(v.input), label(v, i)).toEqual(histogramOf(v));
      expect(counters[i]!.histogram(Buffer.from(v.input)), label(v, i)).toEqual(histogramOf(v));
    });
    expect(counters[0]!.histogram('')).toEqual({});
  });

  test('streamed in random chunks: the oracle, with the full-scan figures unchanged', () => {
    vectors.forEach((v, i) => {
      const stream = counters[i]!.stream({ histogram: true });
      for (const chunk of randomChunks(v.input, i * 17 + 3)) stream.write(chunk);
      const { histogram, ...figures } = stream.result();
      expect(histogram, label(v, i)).toEqual(histogramOf(v));
      expect(figures, label(v, i)).toEqual(referenceEvaluate(v.what, v.min, resetOf(v.reset), v.input));
    });
  });

  test('the file reader with odd read sizes: a segment split across reads counted once', () => {
    vectors.forEach((v, i) => {
      const counter = counters[i]!.handle;
      const want = pairsOf(histogramOf(v));
      const sizes = v.input.length < 20_000 ? [1, 3, 7, 64, 65, 4096] : [4093, 65_536];
      for (const chunkSize of sizes) {
        const [r] = testHooks().scanFiles([paths[i]!], [counter], { histogram: true, scanBinary: true, chunkSize });
        expect(r!.counters?.[0]?.histogram, `${label(v, i)} chunk ${chunkSize}`).toEqual(want);
        expect(r!.bytes).toBe(v.input.length);
      }
    });
  });
});

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const paths = vectors.map((v, i) => {
  const p = join(dir, `v${i}`);
  writeFileSync(p, v.input);
  return p;
});

const enc = (s: string) => [...new TextEncoder().encode(s)];
const fragment = fc.oneof(
  fc.constantFrom(enc(','), enc('\n'), enc('\r\n'), enc(' '), enc('é'), enc('😀'), enc('x'), enc('\n\n'), [0xff]),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 3 }),
);

test('random inputs with multi-byte what, CRLF, empty lines, a last line without \\n, in random chunks', () => {
  fc.assert(
    fc.property(
      fc.record({
        what: fc.constantFrom(',', '\n', ' ', 'é', '😀'),
        min: fc.integer({ min: 0, max: 4 }),
        reset: fc.constantFrom(0, 1, 2),
        input: fc.array(fragment, { maxLength: 300 }).map((f) => Uint8Array.from(f.flat())),
        cuts: fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 20 }),
      }),
      (c) => {
        const stream = new Counter(c.what, c.min, c.reset).stream({ histogram: true });
        let at = 0;
        for (const cut of [...c.cuts, c.input.length]) {
          stream.write(c.input.subarray(at, at + cut));
          at += cut;
        }
        expect(stream.result().histogram).toEqual(referenceHistogram(c.what, c.reset, c.input));
      },
    ),
    { numRuns: 400, seed: 20261126 },
  );
});

describe('scan({ histogram })', () => {
  const tree = join(dir, 'csv');
  mkdirSync(tree);
  // Rows of 0..6 commas, CRLF or LF, some empty lines, some last lines without a newline,
  // a multi-byte row separator in one file, and a UTF-16 file.
  const files: Record<string, Uint8Array> = {};
  for (let f = 0; f < 40; f++) {
    const rows = Array.from({ length: 5 + ((f * 7) % 50) }, (_, r) => 'x,'.repeat((r * f) % 7) + 'y');
    const eol = f % 3 === 0 ? '\r\n' : '\n';
    let text = rows.join(f % 5 === 0 ? `${eol}${eol}` : eol);
    if (f % 4 !== 0) text += eol;
    files[`f${f}.csv`] = Buffer.from(text);
  }
  files['utf16.csv'] = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b,c\r\n,\r\n', 'utf16le')]);
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(tree, name), bytes);
  const want = (name: string) => {
    const bytes = files[name]!;
    return referenceHistogram(',', 0, name === 'utf16.csv' ? Buffer.from('a,b,c\r\n,\r\n') : bytes);
  };

  test('each record carries its histogram and the summary their sum, over several threads and batches', async () => {
    const counter = new Counter(',', 3);
    const run = scan({ patterns: tree, counter, histogram: true, threads: 2, batchSize: 3 });
    const { records, summary } = await run.result();
    const sum: Record<string, number> = {};
    expect(records).toHaveLength(Object.keys(files).length);
    for (const r of records) {
      const name = r.path.split('/').pop()!;
      expect(r.histogram, name).toEqual(want(name));
      expect(r.segments, name).toBe(
        Object.entries(want(name))
          .filter(([k]) => Number(k) >= 3)
          .reduce((a, [, n]) => a + n, 0),
      );
      for (const [k, n] of Object.entries(r.histogram!)) sum[k] = (sum[k] ?? 0) + n;
    }
    expect(summary.histogram).toEqual(sum);
    expect(Object.keys(summary.histogram!)).toEqual(Object.keys(sum).sort((a, b) => Number(a) - Number(b)));
  });

  test('several counters: each one its histogram, in records and summary', async () => {
    const counters = [new Counter(',', 1), new Counter('x', 1, Reset.NoReset)];
    const { records, summary } = await scan({ patterns: tree, counters, histogram: true, threads: 1 }).result();
    const r = records.find((x) => x.path.endsWith('f1.csv'))!;
    expect(r.counters[0]!.histogram).toEqual(want('f1.csv'));
    expect(r.counters[1]!.histogram).toEqual(referenceHistogram('x', 2, files['f1.csv']!));
    expect(total(summary.counters![1]!.histogram!)).toBe(Object.keys(files).length);
  });

  test('shards merged: the histogram of a single run', async () => {
    const counter = new Counter(',', 2);
    const whole = await scan({ patterns: tree, counter, histogram: true, threads: 1 }).result();
    const query = { char: ',', min: 2, reset: 'newline' as const, count: true, histogram: true as const };
    const shards = await Promise.all(
      [1, 2, 3].map(async (index) => {
        const r = scan({ patterns: tree, counter, histogram: true, threads: 1, shard: { index, count: 3 } });
        const { records, summary } = await r.result();
        return { name: `s${index}`, doc: { query, shard: { index, count: 3 }, summary, records } };
      }),
    );
    expect(mergeShards(shards).summary.histogram).toEqual(whole.summary.histogram);
  });

  test('files decoded on the worker side (single-byte, UTF-16, other encodings, compressed) and a stream', async () => {
    const enc = join(dir, 'encoded');
    mkdirSync(enc);
    const text = 'caf\u00e9,x\n\n,,\u00e9\r\n,\n';
    const files: [string, Buffer][] = [
      ['latin1.csv', Buffer.from(text, 'latin1')],
      ['utf16.csv', Buffer.concat([Buffer.of(0xff, 0xfe), Buffer.from(text, 'utf16le')])],
      ['plain16.csv', Buffer.from(text, 'utf16le')],
      ['text.csv.gz', gzipSync(text)],
    ];
    for (const [name, bytes] of files) writeFileSync(join(enc, name), bytes);
    const want = referenceHistogram(',', 0, text);
    // Per encoding, the files it reads as they were written (a mark, or gzip's UTF-8, decides
    // for some); shift_jis is decoded by replay (no arithmetic on offsets).
    const readRight: Record<string, string[]> = {
      latin1: ['latin1.csv', 'utf16.csv', 'text.csv.gz'],
      'windows-1251': ['latin1.csv', 'utf16.csv', 'text.csv.gz'],
      'utf-16le': ['utf16.csv', 'plain16.csv'],
      shift_jis: ['utf16.csv', 'text.csv.gz'],
    };
    for (const [encoding, names] of Object.entries(readRight)) {
      const run = scan({ patterns: enc, counter: new Counter(',', 2), histogram: true, encoding, searchZip: true });
      const got = Object.fromEntries((await run.result()).records.map((r) => [r.path.split('/').pop()!, r.histogram]));
      for (const name of names) expect(got[name], `${name} as ${encoding}`).toEqual(want);
    }
    const { scanReadable } = await import('../src/scan/stdin.js');
    async function* chunks() {
      yield Buffer.from(text.slice(0, 5), 'latin1');
      yield Buffer.from(text.slice(5), 'latin1');
    }
    const read = { full: true, scanBinary: false, histogram: true, encoding: 'windows-1252', bomSniff: true };
    const stdin = await scanReadable('<stdin>', chunks(), {
      counters: [new Counter(',', 1)],
      multi: false,
      read,
      backend: backend(),
    });
    expect((stdin as { histogram?: Histogram }).histogram).toEqual(want);
  });

  test('is checked: not with allHits', () => {
    const counter = new Counter(',', 2);
    expect(() => scan({ counter, histogram: true, allHits: true })).toThrow(
      /histogram cannot be combined with allHits/,
    );
    expect(() => scan({ counter, histogram: 'yes' as unknown as boolean })).toThrow(TypeError);
    expect(() => counter.stream({ histogram: true, allHits: true })).toThrow(/histogram cannot be combined/);
  });
});

describe('the batch format', () => {
  // Two files of two counters; the second file failed.
  const numbers = Float64Array.from([
    ...[10, 0, 1, 0, 1, 3, 2, 0, -1, -1, 0, 2],
    ...[0, 255, 0, -1, -1, -1, -1, 0, -1, -1, -1, -1],
  ]);
  const histograms = Float64Array.from([...[2, 0, 1, 2, 1], ...[1, 0, 2]]);
  const batch: NativeBatch = { count: 2, numbers, histograms, errors: [{ index: 1, code: 'EIO', message: 'gone' }] };
  const shape = { counters: 2, multi: true, full: true, histogram: true };
  const parts = { hits: false, histograms: true };

  test('decodes into each scanned file’s counters, rebuilt from parts and carried as JSON', () => {
    const records = decodeBatch(['a', 'b'], batch, shape) as MultiFileRecord[];
    expect(records.map((r) => r.counters.map((c) => c.histogram))).toEqual([
      [{ 0: 1, 2: 1 }, { 0: 2 }],
      [undefined, undefined],
    ]);
    const builder = new BatchBuilder(2, 2, parts);
    builder.put([1], { count: 1, numbers: numbers.subarray(12), errors: [{ index: 0, code: 'EIO', message: 'gone' }] });
    builder.put([0], { count: 1, numbers: numbers.subarray(0, 12), histograms, errors: [] });
    const back = fromTransfer(JSON.parse(JSON.stringify(toTransfer(builder.build()))), 2, 2, parts);
    expect(decodeBatch(['a', 'b'], back!, shape)).toEqual(records);
  });

  test('a summary counted from batches (text output makes no record for unprinted files) sums them too', () => {
    const fromRecords = new Aggregator(2, 1, true, true);
    for (const r of decodeBatch(['a', 'b'], batch, shape)) fromRecords.add(r);
    const fromBatch = new Aggregator(2, 1, true, true);
    fromBatch.addBatch(new BatchView(batch, 2));
    expect(fromBatch.summary(false).counters).toEqual([
      { filesMatched: 1, histogram: { 0: 1, 2: 1 } },
      { filesMatched: 0, histogram: { 0: 2 } },
    ]);
    expect(fromBatch.summary(false).counters).toEqual(fromRecords.summary(false).counters);
  });

  test('a transfer batch whose histograms do not fit its files is refused', () => {
    const p = toTransfer(batch);
    const with_ = (h: number[]) => ({ ...p, histograms: Buffer.from(Float64Array.from(h).buffer).toString('base64') });
    expect(fromTransfer(p, 2, 2, parts)).toBeDefined();
    expect(fromTransfer(p, 2, 2, { hits: false, histograms: false })).toBeUndefined();
    expect(fromTransfer({ ...p, histograms: undefined }, 2, 2, parts)).toBeUndefined();
    expect(fromTransfer(with_([...histograms, 0]), 2, 2, parts)).toBeUndefined();
    expect(fromTransfer(with_([3, 0, 1, 2, 1, 1, 0, 2]), 2, 2, parts)).toBeUndefined();
  });
});
