/** `--histogram` on the command line: the chart and the files off the mode, JSON lines, JSON, merged shards. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHART_ROWS, histogramChart, modeOf, StrayFiles } from '../src/cli/report/histogram-chart.js';
import type { Histogram } from '../src/core/types.js';
import { tempDir } from './helpers.js';
import { runCli } from './support/cli.js';
import { referenceStrayFiles } from './support/reference.js';

const { dir, cleanup } = tempDir();
const out = tempDir(); // shard outputs, outside the tree the runs search
afterAll(() => {
  cleanup();
  out.cleanup();
});
const charcount = (...args: string[]) => runCli(dir, args);

beforeAll(() => {
  mkdirSync(join(dir, 'data'));
  const rows = (n: number) => 'a,b,c\n'.repeat(n);
  writeFileSync(join(dir, 'data', 'ok1.csv'), rows(10));
  writeFileSync(join(dir, 'data', 'ok2.csv'), rows(8) + 'a,b,c'); // no newline at the end
  writeFileSync(join(dir, 'data', 'crlf.csv'), 'a,b,c\r\n'.repeat(5) + 'a,b\r\n\r\n');
  writeFileSync(join(dir, 'data', 'wide.csv'), rows(4) + 'a,b,c,d,e,f\n' + rows(2));
});

describe('--histogram', () => {
  test('text, not a terminal: the table, then the files off the mode, outliers first', () => {
    const r = charcount('-c', ',', '--histogram', 'data');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      [
        '"," per line: 33 lines in 4 files',
        'k  lines   share',
        '0      1    3.0%',
        '1      1    3.0%',
        '2     30   90.9%',
        '5      1    3.0%',
        '',
        '2 files of 4 with lines not holding 2 (k×lines):',
        '  data/crlf.csv  0×1 1×1  (no other file: 0, 1)',
        '  data/wide.csv  5×1  (no other file: 5)',
        '',
      ].join('\n'),
    );
  });

  test('text: no list of files off the mode when most files stray from it, nor for one file', () => {
    const r = charcount('-c', ',', '--histogram', 'data/crlf.csv', 'data/wide.csv', 'data/ok1.csv');
    expect(r.stdout.split('\n\n')[1]).toBe(
      '2 of 3 files have lines not holding 2: more than half, so none is singled out (--json lists every histogram).\n',
    );
    expect(charcount('-c', ',', '--histogram', 'data/wide.csv').stdout).toBe(
      ['"," per line: 7 lines in 1 file', 'k  lines   share', '2      6   85.7%', '5      1   14.3%', ''].join('\n'),
    );
  });

  test('with --min, the files that match follow; JSON lines and JSON carry every histogram', () => {
    const r = charcount('-c', ',', '-m', '4', '--histogram', '--sort', 'path', 'data');
    expect(r.stdout.endsWith('\n1 of 4 files hold at least 4 "," in some line:\ndata/wide.csv\n')).toBe(true);
    const lines = charcount('-c', ',', '--histogram', '--jsonl', 'data/crlf.csv').stdout.trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ path: 'data/crlf.csv', histogram: { 0: 1, 1: 1, 2: 5 } });
    expect(JSON.parse(lines[1]!)).toMatchObject({ type: 'summary', histogram: { 0: 1, 1: 1, 2: 5 } });
    const doc = JSON.parse(charcount('-c', ',', '--histogram', '--json', 'data').stdout);
    expect(doc.query).toEqual({ char: ',', min: 1, reset: 'newline', count: false, histogram: true });
    expect(doc.summary.histogram).toEqual({ 0: 1, 1: 1, 2: 30, 5: 1 });
    expect(doc.records.map((x: { histogram: object }) => x.histogram)).toEqual([
      { 0: 1, 1: 1, 2: 5 },
      { 2: 10 },
      { 2: 9 },
      { 2: 6, 5: 1 },
    ]);
  });

  test('shards merge into the histogram of one run', () => {
    const docs = [1, 2].map((k) => {
      const path = join(out.dir, `${k}.json`);
      const r = charcount('-c', ',', '--histogram', '--json', '--shard', `${k}/2`, 'data');
      writeFileSync(path, r.stdout);
      return path;
    });
    const merged = JSON.parse(charcount('merge', '--json', ...docs).stdout);
    expect(merged.summary.histogram).toEqual({ 0: 1, 1: 1, 2: 30, 5: 1 });
    // In text, the chart of the whole run.
    expect(charcount('merge', ...docs).stdout).toBe(charcount('-c', ',', '--histogram', 'data').stdout);
  });

  test('shards of --count --histogram merge in JSON, and in text not (as the run would not print them)', () => {
    const docs = [1, 2].map((k) => {
      const path = join(out.dir, `count-${k}.json`);
      writeFileSync(path, charcount('-c', ',', '--histogram', '--count', '--json', '--shard', `${k}/2`, 'data').stdout);
      return path;
    });
    expect(JSON.parse(charcount('merge', '--json', ...docs).stdout).query).toMatchObject({
      count: true,
      histogram: true,
    });
    expect(charcount('merge', ...docs)).toMatchObject({
      status: 2,
      stdout: '',
      stderr:
        'charcount merge: the shards ran with --count and --histogram, which print different things in text output: add --json or --jsonl\n',
    });
  });

  test('usage: --char is still needed, and some options do not go with it', () => {
    expect(charcount('--histogram', 'data').stderr).toMatch(/required option '-c, --char <C>'/);
    expect(charcount('-c', ',', '--histogram', '--all-hits', 'data').stderr).toMatch(/--all-hits and --histogram/);
    expect(charcount('-c', ',', '--histogram', '-l', 'data').stderr).toMatch(/-l and --histogram/);
    expect(charcount('-c', ',', '--histogram', '--count', 'data').stderr).toMatch(/add --json or --jsonl/);
    expect(charcount('-c', ',', '--histogram', '--count', '--json', 'data').status).toBe(0);
  });
});

describe('the chart', () => {
  const style = { noun: 'line', char: ',', columns: 40 };

  test('bars in eighths, scaled to the width; a count above 0 shows', () => {
    const chart = histogramChart({ 0: 1, 3: 800, 4: 400 }, 2, style);
    const lines = chart.split('\n');
    expect(lines[0]).toBe('"," per line: 1,201 lines in 2 files');
    expect(lines[1]).toMatch(/^0 {2}▏ +1 {3}<0\.1%$/);
    expect(lines[2]).toMatch(/^3 {2}█+ +800 {3}66\.6%$/);
    const full = lines[2]!.match(/█+/)![0].length;
    expect(lines[3]).toMatch(new RegExp(`^4  █{${full / 2}} +400   33\\.3%$`));
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(40);
  });

  test('a long tail is folded into a last row, with a note', () => {
    const h = Object.fromEntries(Array.from({ length: 30 }, (_, k) => [k, 100 - k]));
    const lines = histogramChart(h, 1, { ...style, columns: undefined })
      .trim()
      .split('\n');
    expect(lines).toHaveLength(2 + CHART_ROWS + 1);
    const tail = Array.from({ length: 30 - (CHART_ROWS - 1) }, (_, i) => 100 - (CHART_ROWS - 1 + i));
    expect(lines.at(-2)).toMatch(new RegExp(`^≥ ${CHART_ROWS - 1} +${tail.reduce((a, b) => a + b)} `));
    expect(lines.at(-1)).toBe(`(the last row folds ${tail.length} counts, from ${CHART_ROWS - 1} to 29)`);
  });

  test('a mode only when most segments hold it; files off it, outliers first', () => {
    expect(modeOf({ 1: 5, 2: 5 })).toBeUndefined();
    expect(modeOf({ 1: 5, 2: 6 })).toBe(2);
    expect(modeOf({})).toBeUndefined();
    const files: { path: string; histogram: Histogram }[] = [
      { path: 'a', histogram: { 2: 10, 1: 3 } },
      { path: 'b', histogram: { 2: 10, 1: 1 } },
      { path: 'c', histogram: { 2: 10 } },
      { path: 'd', histogram: { 2: 1, 9: 1 } },
    ];
    const usual = ['e', 'f'].map((path) => ({ path, histogram: { 2: 4 } }));
    const strayFiles = (some: typeof files, mode: number | undefined) => {
      const s = new StrayFiles();
      for (const f of some) s.add(f.path, f.histogram);
      return s.text(mode, 'line');
    };
    expect(strayFiles([...files, ...usual], 2)).toBe(
      '3 files of 6 with lines not holding 2 (k×lines):\n  d  9×1  (no other file: 9)\n  a  1×3\n  b  1×1\n',
    );
    expect(strayFiles(usual, 2)).toBe("Every file's lines hold 2.\n");
    expect(strayFiles(usual, undefined)).toBe('No count is held by most lines: no file strays from one.\n');
  });

  test('the list only when it singles files out: at most half of the files holding lines stray, of two or more', () => {
    const strayFiles = (...histograms: Histogram[]) => {
      const s = new StrayFiles();
      histograms.forEach((h, i) => s.add(`f${i}`, h));
      return s.text(2, 'line');
    };
    const usual = { 2: 10 };
    const odd = { 2: 10, 3: 1 };
    // Half of them stray: listed.
    expect(strayFiles(usual, odd)).toBe(
      '1 file of 2 with lines not holding 2 (k×lines):\n  f1  3×1  (no other file: 3)\n',
    );
    // A file without lines is not counted among them, either way.
    expect(strayFiles(usual, odd, {})).toMatch(/^1 file of 3 with lines not holding 2/);
    // More than half: straying is the rule, no file is singled out.
    expect(strayFiles(usual, odd, odd, {})).toBe(
      '2 of 3 files have lines not holding 2: more than half, so none is singled out (--json lists every histogram).\n',
    );
    expect(strayFiles(odd, odd)).toMatch(/^2 of 2 files have lines not holding 2: more than half/);
    // One file: the chart is that file's; nothing to compare it with.
    expect(strayFiles(odd)).toBe('');
    expect(strayFiles(usual)).toBe('');
    expect(strayFiles(odd, {})).toBe('');
    expect(StrayFiles.says(1, 2)).toBe(true);
    expect(StrayFiles.says(2, 3)).toBe(false);
    expect(StrayFiles.says(50, 100)).toBe(true);
    expect(StrayFiles.says(51, 100)).toBe(false);
  });

  test('the files off the mode, gathered as records come, are those every histogram at once gives, whatever the mode', () => {
    // Few counts and a short list: the kept files are given up and replaced all the time.
    const histogram = fc.dictionary(fc.integer({ min: 0, max: 6 }).map(String), fc.integer({ min: 1, max: 4 }), {
      maxKeys: 4,
    }) as fc.Arbitrary<Histogram>;
    const run = fc.array(fc.record({ path: fc.string({ maxLength: 3 }), histogram }), { maxLength: 80 });
    fc.assert(
      fc.property(run, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 6 }), (files, listed, mode) => {
        const s = new StrayFiles(listed);
        for (const f of files) s.add(f.path, f.histogram);
        expect(s.list(mode)).toEqual(referenceStrayFiles(files, mode, listed));
      }),
      { numRuns: 1500 },
    );
  }, 60_000);
});
