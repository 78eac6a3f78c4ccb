/**
 * Issue 24: one vocabulary in the API. Resets are named as the command line and `--json`
 * name them (`'newline' | 'space' | 'none'`), the 0.1 enum an alias of the names.
 */
import { describe, expect, test } from 'vitest';
import { Counter, Reset } from '../src/index.js';

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
