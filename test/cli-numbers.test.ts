/**
 * Numbers in output: human text (the --stats summary, the --histogram chart and its lists,
 * messages on stderr, the progress bar) groups thousands, always as en-US does; machine
 * formats (--count, --all-hits, the JSON formats) print plain digits, as ripgrep's --count.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { histogramChart, StrayFiles } from '../src/cli/report/histogram-chart.js';
import { count, decimal, plural } from '../src/cli/report/numbers.js';
import { formatBytes, formatSummary, truncatedHitsLine } from '../src/cli/report/reporters.js';
import type { Summary } from '../src/core/types.js';
import { tempDir } from './helpers.js';
import { runCli } from './support/cli.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const charcount = (...args: string[]) => runCli(dir, args);

beforeAll(() => {
  // Lines of 1,500 and 2,000 commas (twice each), and files of the usual 1,500.
  writeFileSync(join(dir, 'wide.csv'), `${','.repeat(1500)}\n`.repeat(2) + `${','.repeat(2000)}\n`);
  for (const name of ['a.csv', 'b.csv', 'c.csv']) writeFileSync(join(dir, name), `${','.repeat(1500)}\n`.repeat(3));
  mkdirSync(join(dir, 'many'));
  for (let i = 0; i < 1200; i++) writeFileSync(join(dir, 'many', `${i}.csv`), 'a,b\n');
});

describe('the helpers', () => {
  test('en-US grouping, whatever the locale', () => {
    expect(count(1234567)).toBe('1,234,567');
    expect(count(999)).toBe('999');
    expect(count(1234.6)).toBe('1,235');
    expect(decimal(1234.5, 3)).toBe('1,234.500');
    expect(decimal(0.0486, 3)).toBe('0.049');
    expect(plural(1, 'file')).toBe('1 file');
    expect(plural(12_000, 'file')).toBe('12,000 files');
  });

  test('bytes', () => {
    expect(formatBytes(1023)).toBe('1,023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1023.9 * 1024)).toBe('1,023.9 KiB');
    expect(formatBytes(5 * 1024 ** 5)).toBe('5,120.0 TiB');
  });
});

describe('human text groups thousands', () => {
  test('the --stats summary', () => {
    const summary: Summary = {
      filesDiscovered: 1_234_567,
      filesScanned: 1_200_000,
      filesMatched: 4_321,
      filesSkipped: 34_567,
      skipped: { binary: 30_000, 'too-large': 4_567, symlink: 0, fifo: 0, socket: 0, device: 0 },
      filesErrored: 1_000,
      bytesRead: 1023,
      elapsedMs: 1_234_567.8,
      bytesPerSecond: 1023,
      filesPerSecond: 1_000.4,
      threads: 1_024,
      workers: 2_000,
      backend: 'native',
      aborted: false,
    };
    expect(formatSummary(summary)).toBe(
      [
        '1,234,567 files discovered, 1,200,000 scanned, 4,321 matched',
        '34,567 skipped (30,000 binary, 4,567 too-large), 1,000 errors',
        '1,023 B read in 1,234.568 s (1,023 B/s, 1,000 files/s) on 1,024 threads of 2,000 queue workers, native back end',
      ].join('\n'),
    );
  });

  test('a file whose hits were cut', () => {
    expect(truncatedHitsLine({ path: 'a.csv' }, 10_000)).toBe(
      'charcount: a.csv: more than 10,000 hits, only the first 10,000 are listed (see --max-hits)\n',
    );
  });

  test('the chart: counts, rows, the folded row and its note', () => {
    const h = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [1000 + i, 2000 - i]));
    const chart = histogramChart(h, 3, { noun: 'line', char: ',', columns: undefined });
    expect(chart.split('\n').slice(0, 3)).toEqual([
      '"," per line: 49,700 lines in 3 files',
      '      k   lines   share',
      '  1,000   2,000    4.0%',
    ]);
    expect(chart).toMatch(/\n≥ 1,019 +11,871 +23\.9%\n\(the last row folds 6 counts, from 1,019 to 1,024\)\n$/);
  });

  test('the list of files off the mode', () => {
    const s = new StrayFiles();
    for (const path of ['a', 'b', 'c']) s.add(path, { 1500: 3000 });
    s.add('d', { 1500: 1000, 2000: 1200 });
    expect(s.text(1500, 'line')).toBe(
      '1 file of 4 with lines not holding 1,500 (k×lines):\n  d  2,000×1,200  (no other file: 2,000)\n',
    );
  });

  test('charcount --histogram --min', () => {
    const r = charcount('-c', ',', '--histogram', '-m', '1000', '--sort', 'path', '-g', '!many', '.');
    expect(r.stdout).toBe(
      [
        '"," per line: 12 lines in 4 files',
        '    k  lines   share',
        '1,500     11   91.7%',
        '2,000      1    8.3%',
        '',
        '1 file of 4 with lines not holding 1,500 (k×lines):',
        '  wide.csv  2,000×1  (no other file: 2,000)',
        '',
        '4 of 4 files hold at least 1,000 "," in some line:',
        'a.csv',
        'b.csv',
        'c.csv',
        'wide.csv',
        '',
      ].join('\n'),
    );
  });

  test('charcount --stats', () => {
    const r = charcount('-c', ',', '-m', '1', '--stats', 'many');
    expect(r.stderr).toMatch(/^1,200 files discovered, 1,200 scanned, 1,200 matched\n0 skipped, 0 errors\n/);
  });
});

describe('machine formats keep plain digits', () => {
  test('--count, --all-hits, -0', () => {
    expect(charcount('-c', ',', '-m', '1000', '--count', 'wide.csv').stdout).toBe('wide.csv:5000:3\n');
    expect(charcount('-c', ',', '-m', '2000', '--all-hits', 'wide.csv').stdout).toBe('wide.csv:3:5001\n');
    expect(charcount('-c', ',', '-m', '1000', '--count', '-0', 'wide.csv').stdout).toBe('wide.csv\x005000:3\n');
  });

  test('--jsonl and --json', () => {
    const lines = charcount('-c', ',', '-m', '2000', '--histogram', '--jsonl', 'wide.csv').stdout;
    expect(lines).toContain('"offset":5001');
    expect(lines).toContain('"histogram":{"1500":2,"2000":1}');
    expect(lines).not.toMatch(/\d,\d{3}/);
    const doc = charcount('-c', ',', '-m', '1000', '--json', '--count', 'wide.csv').stdout;
    expect(JSON.parse(doc).records[0]).toMatchObject({ occurrences: 5000, bytes: 5003 });
  });
});
