/**
 * Option values at the edges: every bad one is a usage error in the command line's words
 * (exit 2, one line, the --help hint), never a library message or a silent misreading.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nonUtf8Argument, rawArgs, showBytes } from '../src/cli/args.js';
import { tempDir } from './helpers.js';
import { cli } from './support/cli.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

function charcount(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs charcount through sh, so that arguments can hold any bytes: `script` is the
 * argument list in sh syntax, e.g. `-c "$(printf '\\377')" -m 1 a.txt`.
 */
function charcountSh(script: string) {
  const r = spawnSync('sh', ['-c', `exec "$0" "$1" ${script}`, process.execPath, cli], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectUsageError(r: { status: number | null; stdout: string; stderr: string }, message: RegExp) {
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toMatch(/\(see charcount( worker| merge)? --help\)\n$/);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
}

beforeAll(() => {
  writeFileSync(join(dir, 'a.txt'), 'x,x,x\n');
  writeFileSync(join(dir, 'replacement.txt'), 'a\uFFFDb\n'); // EF BF BD, a real U+FFFD
  writeFileSync(join(dir, 'ff.txt'), Buffer.from([0x61, 0xff, 0x62, 0x0a])); // a byte that is not UTF-8
  writeFileSync(join(dir, '1536.txt'), 'x'.repeat(1536));
  writeFileSync(join(dir, '1537.txt'), 'x'.repeat(1537));
});

describe('bad values: one line in the words of the command line, exit 2', () => {
  test.each([
    [['--max-filesize', '8192T'], /^charcount: --max-filesize must be at most 8191T \(2\^53 - 1 bytes\), got '8192T'/],
    [['--max-filesize', '1iB'], /--max-filesize must be a size like 512K, 10M or 2G, got '1iB'/],
    [['--max-filesize', 'iB'], /--max-filesize must be a size like 512K, 10M or 2G, got 'iB'/],
    [['--max-filesize', '1KK'], /--max-filesize must be a size like 512K, 10M or 2G, got '1KK'/],
    [['--max-filesize', '-1'], /--max-filesize must be a size like 512K, 10M or 2G, got '-1'/],
    [['--max-filesize', '1e3'], /--max-filesize must be a size like 512K, 10M or 2G, got '1e3'/],
    [['--max-filesize', '99999999999999999999'], /--max-filesize must be at most 8191T/],
    [[''], /^charcount: a path cannot be empty \(got ''\)/],
    [['a.txt', ''], /^charcount: a path cannot be empty \(got ''\)/],
    [['--exclude', '', 'a.txt'], /^charcount: --exclude must be a non-empty glob, got ''/],
    [
      ['-m', '99999999999999999999'],
      /^charcount: --min must be an integer from 0 to 9007199254740991, got 99999999999999999999 /,
    ],
    [['-m', '9007199254740993'], /--min must be an integer from 0 to 9007199254740991, got 9007199254740993 /],
    [['-m', '3.0000000000000001'], /--min must be an integer from 0 to 9007199254740991, got 3.0000000000000001 /],
    [['-m', '1e3'], /--min must be an integer, got '1e3'/],
    [['-m', '0x10'], /--min must be an integer, got '0x10'/],
    [['-m', ''], /--min must be an integer, got ''/],
    [['-m', 'Infinity'], /--min must be an integer, got 'Infinity'/],
    [['-j', '0x10'], /--threads must be an integer, got '0x10'/],
    [['-j', '99999999999999999999'], /--threads must be an integer from 1 to 1024, got 99999999999999999999 /],
    [['-j', '1025'], /--threads must be an integer from 1 to 1024, got 1025/],
    [
      ['--shard', '99999999999999999999/1'],
      /^charcount: --shard must be shard K of N with 1 ≤ K ≤ N ≤ 2\^53 - 1, got 99999999999999999999\/1 /,
    ],
    [['--shard', '1/99999999999999999999'], /--shard must be shard K of N with 1 ≤ K ≤ N ≤ 2\^53 - 1/],
    [['-c', ''], /--char must be exactly one character, got '' \(0 characters\)/],
  ])('charcount -c x -m 1 %j', (args, message) => {
    // Later options win: `-m 1` first, so that `-m …` in args is the one read.
    const r = charcount(['-c', 'x', '-m', '1', ...args]);
    expectUsageError(r, message);
    expect(r.stderr).not.toMatch(/maxFilesize|patterns|ignore must be a non-empty string|\{ index, count \}/);
  });

  test.each([
    [
      ['worker', '--queue', 'redis://h', '--stall-timeout', '99999999999999999999'],
      /--stall-timeout must be an integer from 100 to 9007199254740991/,
    ],
    [
      ['worker', '--queue', 'redis://h', '-j', '0x10'],
      /--threads must be an integer, got '0x10' \(see charcount worker --help\)/,
    ],
  ])('charcount %j', (args, message) => {
    expectUsageError(charcount(args), message);
  });
});

describe('--max-filesize sizes', () => {
  const skipped = (size: string) => {
    const r = charcount(['-c', 'x', '-m', '1', '--max-filesize', size, '--json', '1536.txt', '1537.txt']);
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout)
      .records.filter((x: { skipped?: string }) => x.skipped === 'too-large')
      .map((x: { path: string }) => x.path);
  };
  test.each([
    ['1536', ['1537.txt']],
    ['1536B', ['1537.txt']],
    ['1536b', ['1537.txt']],
    ['1.5K', ['1537.txt']],
    ['1.5KiB', ['1537.txt']],
    ['1.5kb', ['1537.txt']],
    ['1535.9', ['1536.txt', '1537.txt']],
    ['1K', ['1536.txt', '1537.txt']],
    ['2 K', []],
    ['1M', []],
    ['8191T', []],
    ['0', ['1536.txt', '1537.txt']],
  ])('%s', (size, expected) => {
    expect(skipped(size)).toEqual(expected);
  });
});

describe('arguments that are not UTF-8', () => {
  test("--char $'\\xff' is a usage error (Node would read it as U+FFFD)", () => {
    const r = charcountSh(`-c "$(printf '\\377')" -m 1 replacement.txt ff.txt`);
    expectUsageError(r, /^charcount: argument '\\xff' is not valid UTF-8/);
  });

  test.each([
    [`--char="$(printf '\\377')" -m 1 a.txt`, '--char=\\xff'],
    [`-c "$(printf '\\303')" -m 1 a.txt`, '\\xc3'], // a truncated sequence
    [`-c "$(printf '\\355\\240\\200')" -m 1 a.txt`, '\\xed\\xa0\\x80'], // an encoded surrogate
    [`-c "$(printf '\\300\\257')" -m 1 a.txt`, '\\xc0\\xaf'], // an overlong '/'
    [`-c x -m 1 "$(printf 'caf\\351.txt')"`, 'caf\\xe9.txt'], // Latin-1 é in a path
    [`-c x -m 1 --ignore "$(printf '\\377*')" a.txt`, '\\xff*'],
  ])('%s', (script, shown) => {
    const r = charcountSh(script);
    expectUsageError(r, new RegExp(`argument '${shown.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}' is not valid UTF-8`));
  });

  test('merge and worker too', () => {
    expectUsageError(
      charcountSh(`merge "$(printf '\\377.json')"`),
      /argument '\\xff\.json' is not valid UTF-8.*\(see charcount merge --help\)/,
    );
    expectUsageError(charcountSh(`worker --queue "redis://$(printf '\\377')"`), /\(see charcount worker --help\)/);
  });

  test('a real U+FFFD (EF BF BD) still counts, and matches only itself', () => {
    const r = charcountSh(`-c "$(printf '\\357\\277\\275')" -m 1 replacement.txt ff.txt`);
    expect(r).toEqual({ status: 0, stdout: 'replacement.txt\n', stderr: '' });
    expect(charcount(['-c', '\uFFFD', '-m', '1', 'replacement.txt', 'ff.txt']).stdout).toBe('replacement.txt\n');
  });

  test('where the raw arguments cannot be read, U+FFFD is refused rather than guessed', () => {
    // A launcher whose command line does not hold the arguments (as where there is no
    // /proc/self/cmdline): process.argv is set from the environment.
    const launch = (args: string[]) =>
      spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          'process.argv = [process.argv[0], process.env.CLI, ...JSON.parse(process.env.ARGS)]; await import(process.env.CLI);',
        ],
        { cwd: dir, encoding: 'utf8', env: { ...process.env, CLI: cli, ARGS: JSON.stringify(args) } },
      );
    const refused = launch(['-c', '\uFFFD', '-m', '1', 'replacement.txt']);
    expectUsageError(
      { status: refused.status, stdout: refused.stdout, stderr: refused.stderr },
      /--char '\uFFFD' \(U\+FFFD\) cannot be told from a byte that is not UTF-8 on this system/,
    );
    expect(launch(['-c', 'x', '-m', '3', 'a.txt'])).toMatchObject({ status: 0, stdout: 'a.txt\n' });
  });
});

describe('raw arguments', () => {
  const cmdline = (...args: (string | Buffer)[]) =>
    Buffer.concat(args.flatMap((a) => [Buffer.from(a), Buffer.from([0])]));

  test('the user arguments are the last ones of the command line, checked against argv', () => {
    const raw = rawArgs(['-c', '\uFFFD', ''], cmdline('node', '--flag', 'main.js', '-c', Buffer.from([0xff]), ''));
    expect(raw?.map((b) => [...b])).toEqual([[0x2d, 0x63], [0xff], []]);
    expect(nonUtf8Argument(raw)).toBe(
      "charcount: argument '\\xff' is not valid UTF-8: characters and paths must be given in UTF-8 (see charcount --help)\n",
    );
    expect(nonUtf8Argument(rawArgs(['-c', '\uFFFD'], cmdline('node', 'main.js', '-c', '\uFFFD')))).toBeUndefined();
    expect(rawArgs([], cmdline('node', 'main.js'))).toEqual([]);
  });

  test('anything that does not line up is unknown', () => {
    expect(rawArgs(['-c', 'x'], undefined)).toBeUndefined();
    expect(rawArgs(['-c', 'x'], Buffer.alloc(0))).toBeUndefined();
    expect(rawArgs(['-c', 'x'], cmdline('node', 'main.js', '-c', 'y'))).toBeUndefined();
    expect(rawArgs(['a', 'b', 'c', 'd'], cmdline('node', 'b'))).toBeUndefined();
    expect(rawArgs(['x'], cmdline('node', Buffer.from([0xff])))).toBeUndefined(); // U+FFFD expected in argv
  });

  test('bytes are shown as text where they are UTF-8, else as \\xNN', () => {
    expect(showBytes(Buffer.from('é\u{1F600}'))).toEqual({ text: 'é\u{1F600}', valid: true });
    expect(showBytes(Buffer.from([0x61, 0xff, 0xc3, 0xa9, 0xe2, 0x82]))).toEqual({
      text: 'a\\xffé\\xe2\\x82',
      valid: false,
    });
    expect(showBytes(Buffer.from([0xf4, 0x90, 0x80, 0x80])).valid).toBe(false); // past U+10FFFF
    expect(showBytes(Buffer.from([0xef, 0xbf, 0xbd]))).toEqual({ text: '\uFFFD', valid: true });
  });
});
