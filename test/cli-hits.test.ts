/** `--all-hits` and `--max-hits` on the command line: text, JSON lines, JSON, and merged shards. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tempDir } from './helpers.js';
import { runCli } from './support/cli.js';

const { dir, cleanup } = tempDir();
const out = tempDir(); // shard outputs, outside the tree the runs search
afterAll(() => {
  cleanup();
  out.cleanup();
});
const charcount = (...args: string[]) => runCli(dir, args);

beforeAll(() => {
  writeFileSync(join(dir, 'a.csv'), 'a,b,c\nnone\n,,\n');
  writeFileSync(join(dir, 'b.csv'), 'é,é, ,,\n');
  writeFileSync(join(dir, 'c.csv'), 'no commas\n');
  writeFileSync(join(dir, 'many.txt'), ',,\n'.repeat(50));
});

/** Lines of text output, grouped by file (files finish in any order, a file's hits in order). */
const byFile = (stdout: string) => {
  const files = new Map<string, string[]>();
  for (const line of stdout.split('\n').filter(Boolean)) {
    const path = line.slice(0, line.indexOf(':'));
    files.set(path, [...(files.get(path) ?? []), line]);
  }
  return Object.fromEntries([...files].sort());
};

describe('--all-hits', () => {
  test('text: every hit as PATH:LINE:OFFSET, in file order', () => {
    const r = charcount('-c', ',', '-m', '2', '--all-hits', 'a.csv', 'b.csv', 'c.csv');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(byFile(r.stdout)).toEqual({ 'a.csv': ['a.csv:1:3', 'a.csv:3:12'], 'b.csv': ['b.csv:1:5'] });
    const words = charcount('-c', ',', '-m', '1', '-r', 'space', '--all-hits', 'b.csv');
    expect(words.stdout).toBe('b.csv:1:2\nb.csv:1:7\n');
  });

  test('--max-hits cuts the list and says so on stderr', () => {
    const r = charcount('-c', ',', '-m', '2', '--all-hits', '--max-hits', '3', 'many.txt');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('many.txt:1:1\nmany.txt:2:4\nmany.txt:3:7\n');
    expect(r.stderr).toBe('charcount: many.txt: more than 3 hits, only the first 3 are listed (see --max-hits)\n');
    const all = charcount('-c', ',', '-m', '2', '--all-hits', 'many.txt');
    expect(all.stdout.split('\n').filter(Boolean)).toHaveLength(50);
  });

  test('JSON lines and JSON carry hits, the truncation mark and the query', () => {
    const lines = charcount('-c', ',', '-m', '2', '--all-hits', '--max-hits', '1', '--jsonl', 'a.csv', 'c.csv');
    expect(
      lines.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .filter((x) => x.type === 'file')
        .sort((x, y) => (x.path < y.path ? -1 : 1)),
    ).toEqual([
      {
        type: 'file',
        path: 'a.csv',
        matched: true,
        offset: 3,
        line: 1,
        hits: [{ offset: 3, line: 1 }],
        hitsTruncated: true,
        bytes: 14,
      },
      { type: 'file', path: 'c.csv', matched: false, offset: null, line: null, hits: [], bytes: 10 },
    ]);
    const doc = JSON.parse(charcount('-c', ',', '-m', '2', '--all-hits', '--count', '--json', 'a.csv').stdout);
    expect(doc.query).toEqual({ char: ',', min: 2, reset: 'newline', count: true, allHits: true, maxHits: 10_000 });
    expect(doc.records).toEqual([
      {
        path: 'a.csv',
        matched: true,
        offset: 3,
        line: 1,
        occurrences: 4,
        segments: 2,
        hits: [
          { offset: 3, line: 1 },
          { offset: 12, line: 3 },
        ],
        bytes: 14,
      },
    ]);
  });

  test('usage errors: --max-hits alone, and --count with --all-hits in text', () => {
    expect(charcount('-c', ',', '-m', '2', '--max-hits', '3')).toMatchObject({
      status: 2,
      stdout: '',
      stderr: 'charcount: --max-hits needs --all-hits (see charcount --help)\n',
    });
    expect(charcount('-c', ',', '-m', '2', '--all-hits', '--max-hits', '0').stderr).toMatch(
      /^charcount: --max-hits must be an integer at least 1, got 0/,
    );
    expect(charcount('-c', ',', '-m', '2', '--all-hits', '--count')).toMatchObject({
      status: 2,
      stderr:
        'charcount: --count and --all-hits print different lines in text output: add --json or --jsonl for both (see charcount --help)\n',
    });
    expect(charcount('--help').stdout).toMatch(/--all-hits[\s\S]*--max-hits <N>/);
  });
});

describe('--all-hits in shards, merged', () => {
  const shards = (...more: string[]) =>
    [1, 2, 3].map((k) => {
      const file = join(out.dir, `hits-${more.join('')}${k}.json`);
      const r = charcount('-c', ',', '-m', '2', '--all-hits', ...more, '--shard', `${k}/3`, '--json', '.');
      writeFileSync(file, r.stdout);
      return file;
    });

  test('merge prints what one run prints, in text and JSON', () => {
    const files = shards('--max-hits', '2');
    const whole = charcount('-c', ',', '-m', '2', '--all-hits', '--max-hits', '2', '.');
    const merged = charcount('merge', ...files);
    expect(merged.status).toBe(0);
    expect(byFile(merged.stdout)).toEqual(byFile(whole.stdout));
    expect(merged.stderr).toBe(whole.stderr);
    const doc = JSON.parse(charcount('merge', '--json', ...files).stdout);
    const one = JSON.parse(charcount('-c', ',', '-m', '2', '--all-hits', '--max-hits', '2', '--json', '.').stdout);
    expect(doc.query).toEqual(one.query);
    expect(doc.records).toEqual(one.records);
  });

  test('shards of --count --all-hits merge in JSON, not in text', () => {
    const files = shards('--count');
    expect(charcount('merge', ...files)).toMatchObject({
      status: 2,
      stderr:
        'charcount merge: the shards ran with --count and --all-hits, which print different lines in text output: add --json or --jsonl\n',
    });
    expect(JSON.parse(charcount('merge', '--json', ...files).stdout).records[0].hits).toBeDefined();
  });

  test('shards of different --max-hits are different queries', () => {
    const [one] = shards('--max-hits', '5');
    const [, two, three] = shards('--max-hits', '2');
    expect(charcount('merge', one!, two!, three!).stderr).toMatch(/--all-hits --max-hits 2, but .* --max-hits 5/);
  });
});
