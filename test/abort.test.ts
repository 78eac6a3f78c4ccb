/**
 * What an aborted run rejects with: the signal's reason itself when it is an error (so
 * `AbortSignal.timeout()` gives its TimeoutError), otherwise an AbortError saying the
 * reason on one line, with the reason as its cause. The summary is partial either way.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Counter, isAbortError, scan, scanFiles } from '../src/index.js';
import { tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
writeFileSync(join(dir, 'a.txt'), 'xxx');
writeFileSync(join(dir, 'b.txt'), 'x');
afterAll(cleanup);

const aborted = (reason?: unknown) => {
  const c = new AbortController();
  c.abort(reason);
  return c.signal;
};

/** What `result()` rejects with, and the summary after it. */
async function outcome(signal: AbortSignal) {
  const run = scan({ cwd: dir, counter: new Counter('x', 1), signal });
  const error = await run.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, summary: await run.summary() };
}

describe('a run aborted with an error rejects with that very error', () => {
  test('abort(error)', async () => {
    const reason = new RangeError('disk gone\nsecond line');
    const { error, summary } = await outcome(aborted(reason));
    expect(error).toBe(reason);
    expect(summary.aborted).toBe(true);
    expect(isAbortError(error)).toBe(false); // the caller's own reason: compare it, or test signal.aborted
  });

  test('AbortSignal.timeout(): its TimeoutError', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((r) => setTimeout(r, 20));
    const { error, summary } = await outcome(signal);
    expect(error).toBe(signal.reason);
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(isAbortError(error)).toBe(true);
    expect(summary.aborted).toBe(true);
  });

  test('abort() without a reason: its AbortError', async () => {
    const signal = aborted();
    const { error } = await outcome(signal);
    expect(error).toBe(signal.reason);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(isAbortError(error)).toBe(true);
  });

  test('scanFiles and an abort in the middle of iterating', async () => {
    const ac = new AbortController();
    const reason = new Error('enough');
    const iterated = scanFiles(['a.txt', 'b.txt', 'a.txt'], {
      cwd: dir,
      counter: new Counter('x', 1),
      signal: ac.signal,
      batchSize: 1,
      threads: 1,
    });
    await expect(
      (async () => {
        for await (const _ of iterated) ac.abort(reason);
      })(),
    ).rejects.toBe(reason);
    expect((await iterated.summary()).aborted).toBe(true);
  });
});

describe('any other reason: an AbortError saying it on one line, the reason as cause', () => {
  test.each([
    ['SIGINT', "the scan was aborted: 'SIGINT'"],
    ['two\nlines', "the scan was aborted: 'two\\nlines'"],
    [{ why: 'user', at: [1, 2] }, "the scan was aborted: { why: 'user', at: [ 1, 2 ] }"],
    [42, 'the scan was aborted: 42'],
  ])('abort(%j)', async (reason, message) => {
    const { error, summary } = await outcome(aborted(reason));
    expect(error).toBeInstanceOf(DOMException);
    expect(error).toMatchObject({ name: 'AbortError', message });
    expect((error as Error).cause).toBe(reason);
    expect(isAbortError(error)).toBe(true);
    expect(summary.aborted).toBe(true);
  });
});
