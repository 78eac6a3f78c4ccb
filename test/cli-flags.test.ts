/** The scan's flag table (src/cli/flags.ts): the program, conflicts, the run's options and the report's, read from it. */
import { describe, expect, test } from 'vitest';
import {
  askedOf,
  conflict,
  flagsQuery,
  queryTextClash,
  reportedOf,
  SCAN_FLAGS,
  scanProgram,
  type FlagValues,
  type Ordered,
} from '../src/cli/flags.js';
import type { Query } from '../src/engine/query.js';

/** The flags of `argv` as the scan parses them. */
function parsed(...argv: string[]): { o: FlagValues; ordered: Ordered } {
  const ordered: Ordered = { types: [], excludes: [] };
  const cmd = scanProgram(ordered).exitOverride();
  cmd.parse(argv, { from: 'user' });
  return { o: cmd.opts<FlagValues>(), ordered };
}

const problem = (...argv: string[]) => {
  const { o } = parsed(...argv);
  return conflict(o, o.json ? 'json' : o.jsonl ? 'jsonl' : 'text');
};

test('the program has every flag of the table, in its order and --help groups', () => {
  const cmd = scanProgram();
  const options = cmd.options.filter((o) => o.long !== '--version');
  expect(options.map((o) => o.flags)).toEqual(SCAN_FLAGS.map((f) => f.flags));
  expect(options.map((o) => o.helpGroupHeading)).toEqual(SCAN_FLAGS.map((f) => f.group));
  expect(options.map((o) => o.description)).toEqual(SCAN_FLAGS.map((f) => f.description));
});

describe('conflicts, checked from the table', () => {
  test('pairs name the flag that lists the other second', () => {
    expect(problem('-c', 'x', '-m', '1', '-l', '--files-without-match')).toBe(
      '-l and --files-without-match cannot be used together',
    );
    expect(problem('--files', '--json')).toBe('--files and --json cannot be used together');
    expect(problem('-c', 'x', '--all-hits', '--histogram')).toBe('--all-hits and --histogram cannot be used together');
    expect(problem('-c', 'x', '-m', '1', '--queue', 'redis://h', '-j', '2')).toBe(
      '--threads sets local threads; with --queue, give it to `charcount worker` instead',
    );
  });

  test('several at once: the first in table order is told', () => {
    expect(problem('--files', '--files-without-match', '--json')).toBe(
      '--files and --files-without-match cannot be used together',
    );
    expect(problem('--files', '--all-hits', '--histogram')).toBe('--files and --all-hits cannot be used together');
  });

  test('then what a flag needs, what text output cannot print together, what is required', () => {
    expect(problem('-c', 'x', '-m', '1', '--max-hits', '3')).toBe('--max-hits needs --all-hits');
    expect(problem('-c', 'x', '-m', '1', '--count', '--all-hits')).toBe(
      '--count and --all-hits print different lines in text output: add --json or --jsonl for both',
    );
    expect(problem('-c', 'x', '-m', '1', '--count', '--all-hits', '--jsonl')).toBeUndefined();
    expect(problem('--count', '--histogram')).toMatch(/^--count and --histogram print different things/);
    expect(problem('-m', '1')).toBe("required option '-c, --char <C>' not specified");
    expect(problem('-c', 'x')).toBe("required option '-m, --min <N>' not specified");
    expect(problem('-c', 'x', '--histogram')).toBeUndefined();
    expect(problem('--files')).toBeUndefined();
  });

  test("merge reads the text rule from the shards' query", () => {
    const query: Query = { char: 'x', min: 1, reset: 'newline', count: true };
    expect(queryTextClash(query)).toBeUndefined();
    expect(queryTextClash({ ...query, allHits: true, maxHits: 5 })).toEqual({
      flags: '--count and --all-hits',
      what: 'print different lines',
    });
    expect(queryTextClash({ ...query, histogram: true })?.flags).toBe('--count and --histogram');
    expect(queryTextClash({ ...query, count: false, histogram: true })).toBeUndefined();
  });
});

describe("the run's options and the report's, from the table", () => {
  test('each flag as the option it asks; -t/-T in command-line order', () => {
    const { o, ordered } = parsed(
      ...['-c', 'é', '-m', '2', '-r', 'space', '--count', '-E', 'latin1', '--no-encoding-sniff', '-z'],
      ...['-t', 'csv', '--exclude', 'a*', '-T', 'txt', '-t', 'md', '--exclude', 'b*', '--no-ignore', '--binary'],
      ...['-g', '*.x', '--hidden', '-L', '-d', '3', '--max-filesize', '1K', '-j', '2', '--shard', '1/2'],
      ...['--type-add', 'foo:*.foo', '--type-add', 'foo:*.bar'],
    );
    expect(askedOf(o, ordered)).toEqual({
      char: 'é',
      min: 2,
      reset: 'space',
      fullScan: true,
      globs: ['*.x'],
      exclude: ['a*', 'b*'],
      ignoreFiles: false,
      hidden: true,
      follow: true,
      maxDepth: 3,
      types: ['csv', '!txt', 'md'],
      typeDefinitions: { foo: ['*.foo', '*.bar'] },
      maxFilesize: 1024,
      binary: 'scan',
      encoding: 'windows-1252',
      encodingSniff: false,
      searchZip: true,
      threads: 2,
      shard: { index: 1, count: 2 },
    });
    expect(askedOf(parsed('-c', 'x', '-m', '1', '--all-hits', '--max-hits', '4', '--histogram').o, ordered)).toEqual(
      expect.objectContaining({
        allHits: true,
        maxHits: 4,
        histogram: true,
        encodingSniff: true,
      }),
    );
  });

  test('a bad --type-add is thrown as its usage problem', () => {
    const { o, ordered } = parsed('--type-add', 'nocolon');
    expect(() => askedOf(o, ordered)).toThrow(/--type-add/);
  });

  test('what the flags tell the report stage', () => {
    expect(reportedOf(parsed('-c', 'x', '-m', '1').o)).toEqual({ min: 1, color: 'auto' });
    const { o } = parsed(
      ...['-c', 'x', '-m', '1', '-q', '-0', '--sort', 'path', '--stats', '--color', 'never'],
      ...['--files-without-match', '--shard', '2/3'],
    );
    expect(reportedOf(o)).toEqual({
      min: 1,
      withoutMatch: true,
      quiet: true,
      separator: '\0',
      sortByPath: true,
      stats: true,
      color: 'never',
      shard: { index: 2, count: 3 },
    });
  });

  test("the run's query is the engine's when no flag records an output choice", () => {
    const query: Query = { char: 'x', min: 1, reset: 'newline', count: false, histogram: true };
    expect(flagsQuery(parsed('-c', 'x', '--histogram').o, query)).toEqual(query);
  });
});
