/**
 * Issue 24: one vocabulary in the API. Resets are named as the command line and `--json`
 * name them (`'newline' | 'space' | 'none'`), the 0.1 enum an alias of the names.
 */
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  Counter,
  CounterStream,
  isAbortError,
  listFiles,
  mergeShards,
  QueueUnavailableError,
  Reset,
  scan,
  ScanConsumedError,
  scanFiles,
  ScanPool,
  ScanRun,
} from '../src/index.js';
import { tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
beforeAll(() => {
  writeFileSync(join(dir, 'a.csv'), 'a,b,c\n');
  writeFileSync(join(dir, 'b.csv'), 'a,b\n');
  writeFileSync(join(dir, 'c.txt'), 'x\n');
});
afterAll(cleanup);

describe('reset modes by name', () => {
  test("new Counter(',', 3, 'newline') is the counter Reset.NewlinesReset makes", () => {
    for (const [name, member] of [
      ['newline', Reset.NewlinesReset],
      ['space', Reset.SpacesReset],
      ['none', Reset.NoReset],
    ] as const) {
      const c = new Counter(',', 3, name);
      expect(c.reset).toBe(name);
      expect(member).toBe(name);
      expect(new Counter(',', 3, member).reset).toBe(name);
    }
    expect(new Counter('c', 3, 'newline').hasCount('c-c-\nc')).toBe(false);
    expect(new Counter('c', 3, 'none').hasCount('c-c-\nc')).toBe(true);
    expect(new Counter('c', 2, 'space').hasCount('c\nc d')).toBe(true);
  });

  test("0.1's numbers are still taken, and read back as names", () => {
    expect(new Counter(',', 3, 0).reset).toBe('newline');
    expect(new Counter(',', 3, 1).reset).toBe('space');
    expect(new Counter(',', 3, 2).reset).toBe('none');
  });

  test('JSON and toString() say what --json says: char, min, reset by name', () => {
    const c = new Counter(',', 3, Reset.SpacesReset);
    expect(JSON.parse(JSON.stringify(c))).toEqual({ char: ',', min: 3, reset: 'space' });
    expect(String(c)).toBe('Counter(",", 3, "space")');
  });
});

describe('errors carry codes, and charcount’s own classes are exported', () => {
  const codeOf = (f: () => unknown): unknown => {
    try {
      f();
    } catch (e) {
      return [(e as Error).constructor.name, (e as { code?: unknown }).code];
    }
    return 'no error';
  };

  test('argument errors: Node’s codes for Node’s kinds of fault', () => {
    const make = Counter as unknown as new (...a: unknown[]) => Counter;
    expect(codeOf(() => new make(7, 1))).toEqual(['TypeError', 'ERR_INVALID_ARG_TYPE']);
    expect(codeOf(() => new make('ab', 1))).toEqual(['TypeError', 'ERR_INVALID_ARG_VALUE']);
    expect(codeOf(() => new make('c', -1))).toEqual(['RangeError', 'ERR_OUT_OF_RANGE']);
    expect(codeOf(() => new make('c', 1, 'lines'))).toEqual(['RangeError', 'ERR_INVALID_ARG_VALUE']);
    expect(codeOf(() => scan({ counter: new Counter(',', 1), binary: 'maybe' as never }))).toEqual([
      'RangeError',
      'ERR_INVALID_ARG_VALUE',
    ]);
    expect(codeOf(() => scan({ counter: new Counter(',', 1), threads: 0 }))).toEqual([
      'RangeError',
      'ERR_OUT_OF_RANGE',
    ]);
    expect(codeOf(() => scan({}))).toEqual(['TypeError', 'ERR_INVALID_ARG_VALUE']);
  });

  test('MergeError (EMERGE), QueueUnavailableError (EQUEUE) and ScanConsumedError (ECONSUMED) are exported', () => {
    expect(codeOf(() => mergeShards([]))).toEqual(['MergeError', 'EMERGE']);
    const e = new QueueUnavailableError('cannot reach Redis at redis://localhost:6379/');
    expect([e.name, e.code, e instanceof Error]).toEqual(['QueueUnavailableError', 'EQUEUE', true]);
    expect(new ScanConsumedError('x').code).toBe('ECONSUMED');
  });

  test('a queued run that cannot reach Redis rejects with the exported QueueUnavailableError', async () => {
    const run = scan({ patterns: [dir], counter: new Counter(',', 1), queue: 'redis://127.0.0.1:1' });
    await expect(run.summary()).rejects.toBeInstanceOf(QueueUnavailableError);
  });
});

describe('unknown option keys are refused, naming them', () => {
  const counter = new Counter(',', 1);
  test.each([
    [
      'scan()',
      () => scan({ counter, theads: 2 } as never),
      /scan\(\): unknown option 'theads' \(did you mean 'threads'\?\)/,
    ],
    [
      'scan(patterns, …)',
      () => scan('.', { counter, sortt: true } as never),
      /unknown option 'sortt' \(did you mean 'sort'\?\)/,
    ],
    [
      'scanFiles()',
      () => scanFiles([], { counter, fulScan: true } as never),
      /scanFiles\(\): unknown option 'fulScan' \(did you mean 'fullScan'\?\)/,
    ],
    [
      'scanFiles() patterns',
      () => scanFiles([], { counter, patterns: ['x'] } as never),
      /patterns is an option of scan\(\)/,
    ],
    ['two at once', () => scan({ counter, foo: 1, bar: 2 } as never), /unknown options 'foo', 'bar'/],
    [
      'new Counter()',
      () => new Counter(',', 1, 'newline', { kernal: 'scalar' } as never),
      /new Counter\(\): unknown option 'kernal' \(did you mean 'kernel'\?\)/,
    ],
    [
      'counter.stream()',
      () => counter.stream({ ful: true } as never),
      /counter.stream\(\): unknown option 'ful' \(did you mean 'full'\?\)/,
    ],
    [
      'new ScanPool()',
      () => new ScanPool({ thread: 2 } as never),
      /new ScanPool\(\): unknown option 'thread' \(did you mean 'threads'\?\)/,
    ],
    [
      'listFiles()',
      () => listFiles({ hiden: true } as never),
      /listFiles\(\): unknown option 'hiden' \(did you mean 'hidden'\?\)/,
    ],
    [
      'listFiles() takes no scan option',
      () => listFiles({ fullScan: true } as never),
      /listFiles\(\): unknown option 'fullScan'/,
    ],
    [
      'mergeShards()',
      () => mergeShards([{ name: 'a', document: {} }] as never),
      /inputs\[0\]: unknown key 'document' \(did you mean 'doc'\?\)/,
    ],
  ])('%s', (_, call, message) => {
    let error: unknown;
    try {
      call();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(message);
    expect((error as { code?: string }).code).toBe('ERR_UNKNOWN_OPTION');
  });

  test('the pool’s methods refuse them too, and a key set to undefined asks nothing', async () => {
    const pool = new ScanPool({ threads: 1 });
    try {
      expect(() => pool.scan({ counter, signl: undefined, sigal: 1 } as never)).toThrow(
        /unknown option 'sigal' \(did you mean 'signal'\?\)/,
      );
      expect(() => pool.scanFiles([], { counter, orderd: true } as never)).toThrow(
        /unknown option 'orderd' \(did you mean 'ordered'\?\)/,
      );
      expect((await scan({ patterns: [dir], counter, extra: undefined } as never).summary()).filesScanned).toBe(3);
    } finally {
      await pool.close();
    }
  });
});

describe('scan(patterns, options), as fast-glob and globby', () => {
  const counter = new Counter(',', 2);
  test('gives what scan({ patterns, … }) gives', async () => {
    const a = await scan([join(dir, '*.csv')], { counter, sort: true }).result();
    const b = await scan({ patterns: [join(dir, '*.csv')], counter, sort: true }).result();
    expect(a.records).toEqual(b.records);
    expect(a.records.map((r) => [basename(r.path), r.matched])).toEqual([
      ['a.csv', true],
      ['b.csv', false],
    ]);
    const one = await scan(join(dir, 'a.csv'), { counter }).result();
    expect(one.records.map((r) => basename(r.path))).toEqual(['a.csv']);
  });

  test('patterns given twice, or options before patterns, are refused', () => {
    expect(() => scan('.', { counter, patterns: ['x'] } as never)).toThrow(/patterns given twice/);
    expect(() => scan({ counter } as never, { counter } as never)).toThrow(/first argument is its patterns/);
  });

  test('a ScanPool takes both forms', async () => {
    const pool = new ScanPool({ threads: 1 });
    try {
      const a = await pool.scan([dir], { counter, sort: true }).result();
      const b = await pool.scan({ patterns: [dir], counter, sort: true }).result();
      expect(a.records).toEqual(b.records);
    } finally {
      await pool.close();
    }
  });
});

describe('ScanRun', () => {
  const counter = new Counter(',', 2);
  test('result() after iterating is a ScanConsumedError that says what to do; summary() still answers', async () => {
    const run = scan([dir], { counter });
    let n = 0;
    for await (const _ of run) n++;
    expect(n).toBe(3);
    const error = await run.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ScanConsumedError);
    expect(error).toMatchObject({ name: 'ScanConsumedError', code: 'ECONSUMED' });
    expect((error as Error).message).toMatch(
      /iterated already.*await run.summary\(\).*call result\(\) instead of iterating/,
    );
    expect((await run.summary()).filesScanned).toBe(3);
  });

  test('iterating after result() says result() consumed it', async () => {
    const run = scan([dir], { counter });
    await run.result();
    await expect(
      (async () => {
        for await (const _ of run);
      })(),
    ).rejects.toThrow(/consumed by result\(\).*cannot be iterated again/);
  });

  test('await run gives what result() gives (not the run object), and consumes it as result() does', async () => {
    const want = await scan([dir], { counter, sort: true }).result();
    const run = scan([dir], { counter, sort: true });
    const got = await run;
    expect(got.records).toEqual(want.records);
    expect(got.records).toHaveLength(3);
    expect(got.query).toEqual(want.query);
    expect(got.summary.filesScanned).toBe(3);
    await expect(run.result()).rejects.toThrow(/consumed by result\(\)/);
    // A run returned from an async function is its result there too, errors included.
    const failing = async () => scan([dir], { counter, signal: AbortSignal.abort() });
    await expect(failing()).rejects.toSatisfy(isAbortError);
  });

  test('is not made with new', () => {
    const make = ScanRun as unknown as new (...a: unknown[]) => unknown;
    expect(() => new make({}, [])).toThrow(expect.objectContaining({ code: 'ERR_ILLEGAL_CONSTRUCTOR' }));
    const stream = CounterStream as unknown as new (...a: unknown[]) => unknown;
    expect(() => new stream()).toThrow(expect.objectContaining({ code: 'ERR_ILLEGAL_CONSTRUCTOR' }));
    // @ts-expect-error: its constructor is private
    expect(() => new ScanRun()).toThrow(TypeError);
  });

  test('a result carries its query (and shard): mergeShards() joins sharded API runs', async () => {
    const whole = await scan([dir], { counter, fullScan: true, sort: true }).result();
    expect(whole.query).toEqual({ char: ',', min: 2, reset: 'newline', count: true });
    const shards = await Promise.all(
      [1, 2].map((index) => scan([dir], { counter, fullScan: true, shard: { index, count: 2 } }).result()),
    );
    expect(shards[0]!.shard).toEqual({ index: 1, count: 2 });
    const merged = mergeShards(shards.map((doc, i) => ({ name: `s${i + 1}`, doc })));
    expect(merged.query).toEqual(whole.query);
    expect(merged.records).toEqual(whole.records);
    expect(merged.summary.filesMatched).toBe(whole.summary.filesMatched);
  });
});

describe('records are discriminated unions', () => {
  test('if (r.matched) makes offset and line numbers; if (r.error) an error record', async () => {
    const offsets: number[] = [];
    const errors: string[] = [];
    for await (const r of scanFiles([join(dir, 'a.csv'), join(dir, 'missing.csv')], { counter: new Counter(',', 2) })) {
      if (r.matched) {
        const offset: number = r.offset; // no `!`, no `?? 0`: the compiler knows
        const line: number = r.line;
        offsets.push(offset, line);
      } else if (r.error) {
        const matched: false = r.matched;
        const offset: null = r.offset;
        expect([matched, offset]).toEqual([false, null]);
        errors.push(r.error.code);
      }
    }
    expect(offsets).toEqual([3, 1]);
    expect(errors).toEqual(['ENOENT']);
    const hit = new Counter(',', 2).firstHit('a,b,c');
    if (hit.matched) expect(hit.offset + 1).toBe(4);
  });
});

describe('a settled stream stops reading its source', () => {
  /** 300 MB of commas-free text after a hit at byte 2, counting what was pulled. */
  function bigSource(): { source: Readable; pulled: () => number } {
    let pulled = 0;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const source = new Readable({
      read() {
        if (pulled >= 300 * 1024 * 1024) return void this.push(null);
        this.push(pulled === 0 ? Buffer.concat([Buffer.from('a,,'), chunk]) : chunk);
        pulled += chunk.length;
      },
    });
    return { source, pulled: () => pulled };
  }

  test('counter.consume(source) answers at the hit and leaves the rest unread', async () => {
    const { source, pulled } = bigSource();
    const r = await new Counter(',', 2).consume(source);
    expect(r).toEqual({ matched: true, offset: 2, line: 1 });
    expect(pulled()).toBeLessThan(1024 * 1024);
    expect(source.destroyed).toBe(true);
  });

  test('as the last stage of pipeline(), it resolves with the answer, early', async () => {
    const { source, pulled } = bigSource();
    const counter = new Counter(',', 2);
    const r = await pipeline(source, (s: AsyncIterable<Buffer>) => counter.consume(s));
    expect(r).toEqual({ matched: true, offset: 2, line: 1 });
    expect(pulled()).toBeLessThan(1024 * 1024);
  });

  test('any (async) iterable of chunks; full reads go to the end; bad chunks are refused', async () => {
    const counter = new Counter(',', 2);
    expect(await counter.consume(['a,', 'b', ',c\n,'], { full: true })).toEqual({
      matched: true,
      offset: 3,
      line: 1,
      occurrences: 3,
      segments: 1,
    });
    let returned = false;
    async function* chunks() {
      try {
        for (;;) yield 'a,,';
      } finally {
        returned = true;
      }
    }
    expect((await counter.consume(chunks())).matched).toBe(true);
    expect(returned).toBe(true);
    await expect(counter.consume([1] as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(counter.consume('a,,' as never)).rejects.toThrow(/source must be a Readable or an \(async\) iterable/);
  });

  test("a CounterStream says 'settled' the moment it settles", () => {
    const s = new Counter(',', 2).stream();
    let heard = 0;
    s.on('settled', () => heard++);
    s.write('a,');
    expect(heard).toBe(0);
    s.write(',b');
    s.write(',,');
    expect([heard, s.settled]).toEqual([1, true]);
  });
});

test('scan() with patterns and no options says the options are missing, as scan(options) does', () => {
  for (const patterns of ['x', ['x']]) {
    expect(() => scan(patterns as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: expect.stringMatching(/^options must be an object, got/),
      }),
    );
  }
});
