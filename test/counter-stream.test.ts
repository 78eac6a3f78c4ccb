/**
 * `CounterStream` is a real `Writable`: `pipeline(createReadStream(f), counter.stream())`
 * counts a file, string chunks keep split surrogate pairs whole, and writing by hand
 * gives the answer at once.
 */
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, expect, test } from 'vitest';
import { Counter, Reset } from '../src/index.js';
import { tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

test('pipeline(createReadStream(file), counter.stream()) counts the file, whatever the read size', async () => {
  const text = 'a,b\n' + 'x,'.repeat(5000) + '\né,é,é\n';
  const file = join(dir, 'data.csv');
  writeFileSync(file, text);
  const c = new Counter(',', 3, Reset.NewlinesReset);
  for (const highWaterMark of [1, 7, 64 * 1024]) {
    const full = c.stream({ full: true });
    expect(full).toBeInstanceOf(Writable);
    await pipeline(createReadStream(file, { highWaterMark }), full);
    expect(full.result()).toEqual(c.fullScan(text));
    expect(full.writableFinished).toBe(true);
    const first = c.stream();
    await pipeline(createReadStream(file, { highWaterMark }), first);
    expect(first.result()).toEqual(c.firstHit(text));
    expect(first.settled).toBe(true);
  }
});

test('string chunks from a stream: a surrogate pair split between chunks is one character', async () => {
  const c = new Counter('😀', 2, Reset.NoReset);
  const s = c.stream({ full: true });
  await pipeline(Readable.from(['a\ud83d', '\ude00b\ud83d', '\ude00']), s);
  expect(s.result()).toEqual(c.fullScan('a😀b😀'));
});

test('written by hand: each chunk counts at once; settled once the answer cannot change', () => {
  const c = new Counter('x', 2, Reset.NewlinesReset);
  const s = c.stream();
  s.write('x\n');
  expect(s.settled).toBe(false);
  expect(s.result()).toEqual({ matched: false, offset: null, line: null });
  s.write(Buffer.from('xx'));
  expect(s.settled).toBe(true);
  expect(s.result()).toEqual({ matched: true, offset: 3, line: 2 });
  s.write('xx'); // ignored: the first hit stays
  expect(s.result()).toEqual({ matched: true, offset: 3, line: 2 });
  const full = c.stream({ full: true });
  full.write('xx');
  expect(full.settled).toBe(false); // a full count can still change
});

test('a string with an encoding stands for its bytes', () => {
  const c = new Counter(',', 2, Reset.NoReset);
  const s = c.stream({ full: true });
  s.write('2c612c', 'hex');
  s.write('LA==', 'base64');
  expect(s.result()).toEqual(c.fullScan(',a,,'));
});

test('what a Writable refuses, it refuses: a number, a write after end', async () => {
  const s = new Counter('x', 1).stream();
  expect(() => s.write(7 as never)).toThrow(TypeError);
  s.on('error', () => {});
  s.end('x');
  const error = await new Promise<Error | null | undefined>((resolve) => s.write('more', resolve));
  expect(error).toMatchObject({ code: 'ERR_STREAM_WRITE_AFTER_END' });
  expect(s.result()).toMatchObject({ matched: true });
});

test('only strings and Uint8Arrays are chunks: other views of bytes are refused, as hasCount() refuses them', async () => {
  const c = new Counter(',', 1, Reset.NoReset);
  // Their raw bytes would depend on the machine's byte order (0x2c is ',' in one of two bytes).
  const others = [
    new Uint16Array([0x2c]),
    new Int8Array([0x2c]),
    new Uint8ClampedArray([0x2c]),
    new Float64Array(1),
    new DataView(Uint8Array.of(0x2c).buffer),
  ];
  for (const chunk of others) {
    const kind = chunk.constructor.name;
    expect(() => c.hasCount(chunk as never), kind).toThrow(TypeError);
    const s = c.stream({ full: true });
    for (const write of [() => s.write(chunk as never), () => s.end(chunk as never)]) {
      expect(write, kind).toThrow(
        expect.objectContaining({
          name: 'TypeError',
          code: 'ERR_INVALID_ARG_TYPE',
          message: `The "chunk" argument must be of type string or an instance of Buffer or Uint8Array. Received an instance of ${kind}`,
        }),
      );
    }
    // Nothing was counted, and the stream still takes what it takes.
    expect(s.result()).toMatchObject({ matched: false, occurrences: 0 });
    s.end(Buffer.from(','));
    await new Promise((resolve) => s.on('finish', resolve));
    expect(s.result()).toMatchObject({ matched: true, occurrences: 1 });
  }
});

test('end() with a lone high surrogate left: it counts as U+FFFD', async () => {
  const c = new Counter('\uFFFD', 1, Reset.NoReset);
  const s = c.stream({ full: true });
  await pipeline(Readable.from(['x\ud83d']), s);
  expect(s.result()).toEqual(c.fullScan('x\ud83d'));
});
