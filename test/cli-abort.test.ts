/**
 * The AbortError an aborted scan throws: one line saying why, the reason as its cause.
 * (Its message is what a CLI or a log shows: a multi-line stack inside it was unreadable.)
 */
import { describe, expect, test } from 'vitest';
import { abortError, isAbortError } from '../src/core/errors.js';
import { Counter, scan } from '../src/index.js';
import { tempDir } from './helpers.js';

const aborted = (reason?: unknown) => {
  const c = new AbortController();
  c.abort(reason);
  return c.signal;
};

describe('abortError', () => {
  test('an Error reason: its name and message on one line, the reason as cause', () => {
    const reason = new Error('disk gone\nsecond line');
    const e = abortError(aborted(reason));
    expect(e).toBeInstanceOf(DOMException);
    expect(isAbortError(e)).toBe(true);
    expect(e.message).toBe('the scan was aborted: Error: disk gone second line');
    expect(e.cause).toBe(reason);
  });

  test('AbortSignal.timeout(): says it timed out', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((r) => setTimeout(r, 20));
    const e = abortError(signal);
    expect(e.message).toBe('the scan was aborted: it timed out');
    expect((e.cause as DOMException).name).toBe('TimeoutError');
  });

  test('abort() without a reason: no reason told', () => {
    const signal = aborted();
    const e = abortError(signal);
    expect(e.message).toBe('the scan was aborted');
    expect(e.cause).toBe(signal.reason);
  });

  test('other reasons as before, on one line', () => {
    expect(abortError(aborted('SIGINT')).message).toBe("the scan was aborted: 'SIGINT'");
    expect(abortError(aborted('two\nlines')).message).toBe("the scan was aborted: 'two\\nlines'");
    expect(abortError(aborted({ why: 'user' })).message).toBe("the scan was aborted: { why: 'user' }");
    expect(abortError(aborted(new DOMException('stopped by the user', 'AbortError'))).message).toBe(
      'the scan was aborted: stopped by the user',
    );
    const custom = new RangeError('too\n  many');
    expect(abortError(aborted(custom)).message).toBe('the scan was aborted: RangeError: too many');
  });
});

test('scan() aborted: the AbortError of a run', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const reason = new Error('stop\nnow');
    const run = scan({ cwd: dir, counter: new Counter('x', 1), signal: aborted(reason) });
    const e = await run.result().then(
      () => undefined,
      (x: unknown) => x as Error,
    );
    expect(e?.name).toBe('AbortError');
    expect(e?.message).toBe('the scan was aborted: Error: stop now');
    expect(e?.message).not.toMatch(/\n/);
    expect(e?.cause).toBe(reason);
  } finally {
    cleanup();
  }
});
