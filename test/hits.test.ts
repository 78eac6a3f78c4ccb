/**
 * Every hit (`allHits`): one per segment that reaches the threshold, with its offset and
 * line, against the TypeScript oracle — in memory, streamed in random chunks, through the
 * file reader with odd read sizes, and through `scan()`; the limit (`maxHits`) and what
 * crosses threads and machines (the batch's `hits`, its portable form).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { BatchBuilder, decodeBatch } from '../src/codec/batch.js';
import { fromTransfer, toTransfer } from '../src/codec/transfer.js';
import type { NativeBatch } from '../src/core/types.js';
import { availableKernels, Counter, Reset } from '../src/scan/counter.js';
import type { FileRecord, MultiFileRecord, SegmentHit } from '../src/core/types.js';
import { scan, scanFiles } from '../src/index.js';
import { backend, testHooks } from '../src/internal.js';
import { allVectors, randomChunks, resetOf, tempDir, type Vector } from './helpers.js';
import { referenceEvaluate, referenceHits } from './support/reference.js';

const vectors = allVectors();
const label = (v: Vector, i: number) => `vector ${i}: ${JSON.stringify(v.what)} min ${v.min} ${v.reset}`;
const oracle = new Map<Vector, SegmentHit[]>();
const hitsOf = (v: Vector) => {
  if (!oracle.has(v)) oracle.set(v, referenceHits(v.what, v.min, resetOf(v.reset), v.input));
  return oracle.get(v)!;
};

test('the oracle lists one hit per segment it counts, the first where the first hit is', () => {
  vectors.forEach((v, i) => {
    const hits = hitsOf(v);
    expect(hits.length, label(v, i)).toBe(v.segments);
    expect(hits[0] ?? null, label(v, i)).toEqual(v.matched ? { offset: v.offset, line: v.line } : null);
  });
});

describe.each(availableKernels())('kernel %s, every conformance vector', (kernel) => {
  const counters = vectors.map((v) => new Counter(v.what, v.min, resetOf(v.reset), { kernel }));

  test('allHits(input) is the oracle', () => {
    vectors.forEach((v, i) => expect(counters[i]!.allHits(v.input), label(v, i)).toEqual(hitsOf(v)));
  });

  test('streamed in random chunks, with and without the full-scan figures', () => {
    vectors.forEach((v, i) => {
      const want = hitsOf(v);
      for (const full of [false, true]) {
        const stream = counters[i]!.stream({ full, allHits: true, maxHits: Number.MAX_SAFE_INTEGER });
        for (const chunk of randomChunks(v.input, i * 13 + (full ? 5 : 0))) stream.write(chunk);
        const r = stream.result();
        expect(r.hits, label(v, i)).toEqual(want);
        expect(r.hitsTruncated, label(v, i)).toBeUndefined();
        if (full) expect(r.segments, label(v, i)).toBe(want.length);
      }
    });
  });
});

describe('the file reader', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);
  const paths = vectors.map((v, i) => {
    const p = join(dir, `v${i}`);
    writeFileSync(p, v.input);
    return p;
  });

  test('lists every hit of every vector, a segment split across reads counted once', () => {
    vectors.forEach((v, i) => {
      const counter = new Counter(v.what, v.min, resetOf(v.reset)).handle;
      const want = hitsOf(v);
      const pairs = Float64Array.from(want.flatMap((h) => [h.offset, h.line]));
      const sizes = v.input.length < 20_000 ? [1, 2, 3, 7, 64, 65, 4096] : [4093, 65_536];
      for (const chunkSize of sizes) {
        const [r] = testHooks().scanFiles([paths[i]!], [counter], { maxHits: 1e9, scanBinary: true, chunkSize });
        const at = `${label(v, i)} chunk ${chunkSize}`;
        expect(r!.counters?.[0]?.hits, at).toEqual(pairs);
        expect(r!.counters?.[0]?.hitsTruncated, at).toBe(false);
      }
    });
  });

  test('past maxHits the list is cut and marked, and without the figures reading stops', () => {
    const many = vectors.findIndex((v) => hitsOf(v).length > 3 && v.input.length > 1000);
    expect(many).toBeGreaterThanOrEqual(0);
    const v = vectors[many]!;
    const counter = new Counter(v.what, v.min, resetOf(v.reset)).handle;
    const want = hitsOf(v);
    const [cut] = testHooks().scanFiles([paths[many]!], [counter], { maxHits: 3, scanBinary: true, chunkSize: 64 });
    expect(cut!.counters![0]!.hits).toEqual(Float64Array.from(want.slice(0, 3).flatMap((h) => [h.offset, h.line])));
    expect(cut!.counters![0]!.hitsTruncated).toBe(true);
    // Read up to the 64-byte chunk holding the fourth hit, and no further.
    expect(cut!.bytes).toBe(Math.min(v.input.length, (Math.floor(want[3]!.offset / 64) + 1) * 64));
    const [full] = testHooks().scanFiles([paths[many]!], [counter], { maxHits: 3, full: true, scanBinary: true });
    expect(full!.bytes).toBe(v.input.length);
    expect(full!.counters![0]!.segments).toBe(want.length);
  });
});

const enc = (s: string) => [...new TextEncoder().encode(s)];
const fragment = fc.oneof(
  fc.constantFrom(enc('c'), enc('\n'), enc(' '), enc('é'), enc('😀'), enc('x'), [0xff], [0xe2, 0x82], [0xf0, 0x9f]),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 3 }),
);

test('random inputs in random chunks, with random limits: the oracle, cut at the limit', () => {
  fc.assert(
    fc.property(
      fc.record({
        what: fc.constantFrom('c', '\n', ' ', 'é', '😀'),
        min: fc.integer({ min: 0, max: 4 }),
        reset: fc.constantFrom(0, 1, 2),
        input: fc.array(fragment, { maxLength: 200 }).map((f) => Uint8Array.from(f.flat())),
        cuts: fc.array(fc.integer({ min: 1, max: 80 }), { maxLength: 20 }),
        maxHits: fc.integer({ min: 1, max: 12 }),
        full: fc.boolean(),
      }),
      (c) => {
        const all = referenceHits(c.what, c.min, c.reset, c.input);
        const counter = new Counter(c.what, c.min, c.reset);
        const stream = counter.stream({ full: c.full, allHits: true, maxHits: c.maxHits });
        let at = 0;
        for (const cut of [...c.cuts, c.input.length]) {
          stream.write(c.input.subarray(at, at + cut));
          at += cut;
        }
        const r = stream.result();
        expect(r.hits).toEqual(all.slice(0, c.maxHits));
        expect(r.hitsTruncated).toBe(all.length > c.maxHits ? true : undefined);
        const first = all[0];
        expect({ matched: r.matched, offset: r.offset, line: r.line }).toEqual(
          first ? { matched: true, ...first } : { matched: false, offset: null, line: null },
        );
        if (c.full) expect(r.segments).toBe(referenceEvaluate(c.what, c.min, c.reset, c.input).segments);
      },
    ),
    { numRuns: 500, seed: 20261204 },
  );
});

test('Counter.stream checks its options', () => {
  const c = new Counter('c', 1);
  expect(() => c.stream({ maxHits: 5 })).toThrow(
    Object.assign(new TypeError('maxHits needs allHits: true, got maxHits 5 without it'), {
      code: 'ERR_INVALID_ARG_VALUE',
    }),
  );
  expect(() => c.stream({ allHits: true, maxHits: 0 })).toThrow(RangeError);
  expect(() => c.stream({ allHits: 'yes' as never })).toThrow(/allHits must be a boolean/);
  expect(c.stream({ allHits: true }).result()).toEqual({ matched: false, offset: null, line: null, hits: [] });
});

describe('scan({ allHits })', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);
  const text = 'a,b,c\nnone\n,,\n' + 'x'.repeat(300_000) + ',,,\n'; // the last hit past the first 256 KiB read
  writeFileSync(join(dir, 'a.csv'), text);
  writeFileSync(join(dir, 'empty.csv'), '');
  writeFileSync(join(dir, 'bin.csv'), Buffer.from([0, 44, 44]));
  const want: SegmentHit[] = [
    { offset: 3, line: 1 },
    { offset: 12, line: 3 },
    { offset: text.length - 3, line: 4 },
  ];

  test('records of scanned files list every hit; others have none', async () => {
    const { records } = await scan({ cwd: dir, counter: new Counter(',', 2), allHits: true, sort: true }).result();
    expect(records).toEqual([
      { path: 'a.csv', matched: true, offset: 3, line: 1, hits: want, bytes: text.length },
      { path: 'bin.csv', matched: false, offset: null, line: null, bytes: 3, skipped: 'binary' },
      { path: 'empty.csv', matched: false, offset: null, line: null, hits: [], bytes: 0 },
    ]);
  });

  test('with several counters and the full-scan figures', async () => {
    const counters = [new Counter(',', 2), new Counter('x', 0, Reset.NoReset), new Counter(',', 1, Reset.SpacesReset)];
    const { records } = await scanFiles(['a.csv'], { cwd: dir, counters, allHits: true, fullScan: true }).result();
    const r = records[0] as MultiFileRecord;
    expect(r.counters.map((c) => c.hits)).toEqual([want, [{ offset: 0, line: 1 }], [{ offset: 1, line: 1 }]]);
    expect(r.counters.map((c) => c.segments)).toEqual([3, 1, 1]);
    expect(r.bytes).toBe(text.length);
  });

  test('maxHits cuts a long list and marks it; without fullScan the file is read no further', async () => {
    writeFileSync(join(dir, 'many.txt'), 'c\n'.repeat(200_000)); // 400,000 bytes, a hit a line
    const counter = new Counter('c', 1);
    const run = (o: object) => scanFiles(['many.txt'], { cwd: dir, counter, allHits: true, ...o }).result();
    const cut = (await run({ maxHits: 10 })).records[0] as FileRecord;
    expect(cut.hits).toEqual(Array.from({ length: 10 }, (_, i) => ({ offset: 2 * i, line: i + 1 })));
    expect(cut.hitsTruncated).toBe(true);
    expect(cut.bytes).toBe(256 * 1024);
    const full = (await run({ maxHits: 10, fullScan: true })).records[0] as FileRecord;
    expect([full.hits!.length, full.hitsTruncated, full.segments, full.bytes]).toEqual([10, true, 200_000, 400_000]);
    const all = (await run({})).records[0] as FileRecord;
    expect([all.hits!.length, all.hitsTruncated]).toEqual([10_000, true]); // the default limit
    const every = (await run({ maxHits: 200_000 })).records[0] as FileRecord;
    expect([every.hits!.length, every.hitsTruncated, every.hits!.at(-1)]).toEqual([
      200_000,
      undefined,
      { offset: 399_998, line: 200_000 },
    ]);
  });

  test('many files with many hits: every hit arrives, across task budgets', async () => {
    for (let i = 0; i < 40; i++) writeFileSync(join(dir, `m${i}.log`), 'c\n'.repeat(5_000 + i));
    const { records } = await scan({
      cwd: dir,
      patterns: ['*.log'],
      counter: new Counter('c', 1),
      allHits: true,
      threads: 2,
    }).result();
    expect(records).toHaveLength(40);
    for (const r of records) {
      const n = Number(/m(\d+)/.exec(r.path)![1]) + 5_000;
      expect(r.hits).toHaveLength(n);
      expect(r.hits![n - 1]).toEqual({ offset: 2 * n - 2, line: n });
    }
    // A task ends after the file that brings its hits to the budget (its other paths go
    // back to the queue), as it does after 32 MiB of reading.
    const counter = new Counter('c', 1).handle;
    const batch = backend().scanBatch(['m0.log', 'm1.log', 'm2.log'], [counter], {
      cwd: dir,
      maxHits: 1e6,
      budgetHits: 6000,
    });
    expect(batch.count).toBe(2);
    expect(batch.hits).toHaveLength(2 + 2 * 5_000 + 2 + 2 * 5_001);
  });

  test('options are checked', () => {
    const counter = new Counter('c', 1);
    expect(() => scan({ counter, maxHits: 5 })).toThrow(
      Object.assign(new TypeError('maxHits needs allHits: true, got maxHits 5 without it'), {
        code: 'ERR_INVALID_ARG_VALUE',
      }),
    );
    expect(() => scan({ counter, allHits: true, maxHits: 0 })).toThrow(
      Object.assign(new RangeError('maxHits must be an integer at least 1, got 0'), { code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => scan({ counter, allHits: 1 as never })).toThrow(
      Object.assign(new TypeError('allHits must be a boolean, got 1'), { code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });
});

describe('a batch with hits', () => {
  // Two counters; file 0 scanned, file 1 skipped, file 2 scanned, file 3 failed.
  const numbers = Float64Array.from([
    ...[5, 0, 1, 0, 1, -1, -1, 0, -1, -1, -1, -1],
    ...[3, 1, 0, -1, -1, -1, -1, 0, -1, -1, -1, -1],
    ...[9, 0, 1, 2, 1, -1, -1, 1, 4, 2, -1, -1],
    ...[0, 255, 0, -1, -1, -1, -1, 0, -1, -1, -1, -1],
  ]);
  const hits = Float64Array.from([...[1, 0, 0, 1], ...[0, 0], ...[2, 1, 2, 1, 6, 2], ...[1, 0, 4, 2]]);
  const batch: NativeBatch = { count: 4, numbers, hits, errors: [{ index: 3, code: 'EIO', message: 'gone' }] };
  const shape = { counters: 2, multi: true, full: false, maxHits: 10 };
  const HITS = { hits: true, histograms: false };
  const NONE = { hits: false, histograms: false };
  const paths = ['a', 'b', 'c', 'd'];

  test('decodes into each scanned file’s counters', () => {
    const records = decodeBatch(paths, batch, shape) as MultiFileRecord[];
    expect(records.map((r) => r.counters.map((c) => [c.hits, c.hitsTruncated]))).toEqual([
      [
        [[{ offset: 0, line: 1 }], undefined],
        [[], undefined],
      ],
      [
        [undefined, undefined],
        [undefined, undefined],
      ],
      [
        [
          [
            { offset: 2, line: 1 },
            { offset: 6, line: 2 },
          ],
          true,
        ],
        [[{ offset: 4, line: 2 }], undefined],
      ],
      [
        [undefined, undefined],
        [undefined, undefined],
      ],
    ]);
  });

  test('is rebuilt in order from parts in any order, and travels as JSON', () => {
    const builder = new BatchBuilder(4, 2, HITS);
    const first: NativeBatch = {
      count: 2,
      numbers: numbers.subarray(24, 48),
      hits: hits.subarray(6),
      errors: [{ index: 1, code: 'EIO', message: 'gone' }],
    };
    const second: NativeBatch = { count: 2, numbers: numbers.subarray(0, 24), hits: hits.subarray(0, 6), errors: [] };
    builder.put([2, 3], first);
    builder.put([0, 1], second);
    const built = builder.build();
    expect(built.hits).toEqual(hits);
    expect(built.numbers).toEqual(numbers);
    const back = fromTransfer(JSON.parse(JSON.stringify(toTransfer(built))), 4, 2, HITS);
    expect(decodeBatch(paths, back!, shape)).toEqual(decodeBatch(paths, batch, shape));
  });

  test('a transfer batch whose hits do not fit its files is refused', () => {
    const p = toTransfer(batch);
    const with_ = (h: number[]) => ({
      ...p,
      hits: Buffer.from(Float64Array.from(h).buffer).toString('base64'),
    });
    expect(fromTransfer(p, 4, 2, HITS)).toBeDefined();
    expect(fromTransfer(p, 4, 2, NONE)).toBeUndefined(); // hits nobody asked for
    expect(fromTransfer({ ...p, hits: undefined }, 4, 2, HITS)).toBeUndefined();
    expect(fromTransfer(with_([...hits, 0]), 4, 2, HITS)).toBeUndefined(); // one number too many
    expect(fromTransfer(with_([...hits].slice(0, -1)), 4, 2, HITS)).toBeUndefined(); // one too few
    expect(fromTransfer(with_([1, 2, 0, 1, ...hits.subarray(4)]), 4, 2, HITS)).toBeUndefined(); // truncated = 2
    expect(fromTransfer(with_([1.5, 0, 0, 1, ...hits.subarray(4)]), 4, 2, HITS)).toBeUndefined();
  });
});
