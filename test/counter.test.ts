/** The seed's API and its argument checks. */
import { describe, expect, test } from 'vitest';
import { Counter, Reset } from '../src/index.js';

describe('Counter', () => {
  test("the seed's examples", () => {
    const cntr = new Counter('c', 3, Reset.NewlinesReset);
    expect(cntr.hasCount('hello-c-c-c-goodbye')).toBe(true);
    expect(cntr.hasCount('hello-c-c-\nc-goodbye')).toBe(false);
    expect(cntr.hasCount(Buffer.from('hello-c-c-c-goodbye'))).toBe(true);
  });

  test('reset defaults to newlines', () => {
    expect(new Counter('c', 2).reset).toBe(Reset.NewlinesReset);
    expect(new Counter('c', 2).hasCount('c\nc')).toBe(false);
  });

  test('first-hit details and full-scan figures', () => {
    const c = new Counter('é', 2, Reset.SpacesReset);
    // Only spaces reset: the word 'é\néé' reaches 2 at its second é, on line 2.
    expect(c.firstHit('aé é\néé x')).toEqual({ matched: true, offset: 7, line: 2 });
    expect(c.fullScan('aé é\néé x éé')).toEqual({ matched: true, offset: 7, line: 2, occurrences: 6, segments: 2 });
    expect(c.firstHit('')).toEqual({ matched: false, offset: null, line: null });
  });

  test('a lone surrogate in the input is U+FFFD, as TextEncoder encodes it', () => {
    expect(new Counter('\uFFFD', 1, Reset.NoReset).hasCount('a\ud800b')).toBe(true);
    // …but invalid bytes are never U+FFFD.
    expect(new Counter('\uFFFD', 1, Reset.NoReset).hasCount(Uint8Array.of(0xff))).toBe(false);
  });

  test('streams give the same answer as whole inputs', () => {
    const c = new Counter('€', 2, Reset.NoReset);
    const bytes = new TextEncoder().encode('x€y€');
    const s = c.stream();
    for (const b of bytes) s.write(Uint8Array.of(b));
    expect(s.result()).toEqual(c.firstHit(bytes));
  });

  test('a string chunk boundary inside a surrogate pair: the pair is one character, offsets stay right', () => {
    const c = new Counter('😀', 1, Reset.NoReset);
    const s = c.stream({ full: true });
    s.write('a\ud83d');
    s.write('\ude00b😀');
    expect(s.result()).toEqual(c.fullScan('a😀b😀'));
    // A high surrogate that never gets its pair is U+FFFD, as the whole input would be.
    const r = new Counter('\uFFFD', 1, Reset.NoReset);
    const lone = r.stream({ full: true });
    lone.write('x\ud83d');
    expect(lone.result()).toEqual(r.fullScan('x\ud83d'));
    const beforeBytes = r.stream({ full: true });
    beforeBytes.write('x\ud83d');
    beforeBytes.write(Uint8Array.of(0x79));
    expect(beforeBytes.result()).toEqual(r.fullScan('x\ud83dy'));
  });

  test.each([
    [['ab', 1], TypeError, /what must be exactly one character, got 'ab' \(2 characters\)/],
    [['', 1], TypeError, /what must be exactly one character, got ''/],
    [[7, 1], TypeError, /what must be a string of exactly one character, got 7/],
    [['\ud800', 1], TypeError, /lone surrogate/],
    [['c', -1], RangeError, /min must be an integer at least 0, got -1/],
    [['c', 1.5], RangeError, /min must be an integer at least 0, got 1.5/],
    [['c', NaN], RangeError, /min must be an integer at least 0, got NaN/],
    [['c', 2 ** 53], RangeError, /min must be an integer at least 0, got 9007199254740992/],
    [['c', '3'], TypeError, /min must be a number, got '3'/],
    [['c', 1, 3], RangeError, /reset must be 'newline', 'space' or 'none', got 3/],
    [['c', 1, 'NewlinesReset'], RangeError, /reset must be 'newline', 'space' or 'none', got 'NewlinesReset'/],
  ])('new Counter(%j) throws', (args, type, message) => {
    const make = Counter as unknown as new (...a: unknown[]) => Counter;
    expect(() => new make(...args)).toThrow(type);
    expect(() => new make(...args)).toThrow(message);
  });

  test('a 4-byte character counts as one', () => {
    expect(new Counter('😀', 1, Reset.NoReset).firstHit('ab😀')).toEqual({ matched: true, offset: 2, line: 1 });
  });

  test('bad input and kernels are rejected by name', () => {
    const c = new Counter('c', 1);
    expect(() => c.hasCount(42 as never)).toThrow(/input must be a string or a Uint8Array, got 42/);
    expect(() => new Counter('c', 1, Reset.NoReset, { kernel: 'mmx' as never })).toThrow(RangeError);
  });

  test('max min is accepted', () => {
    expect(new Counter('c', Number.MAX_SAFE_INTEGER).hasCount('ccc')).toBe(false);
  });
});
