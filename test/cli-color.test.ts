/**
 * `--color auto|always|never`: matched paths in colour on a terminal (auto), never in the
 * JSON formats, and not under `NO_COLOR` unless asked for with `always`.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useColor } from '../src/cli/report/color.js';
import { tempDir } from './helpers.js';
import { cli, runCli } from './support/cli.js';

const { dir, cleanup } = tempDir();
beforeAll(() => {
  writeFileSync(join(dir, 'hit.txt'), 'x,x,x\n');
  writeFileSync(join(dir, 'miss.txt'), 'x\n');
});
afterAll(cleanup);

const MAGENTA = (path: string) => `\x1b[35m${path}\x1b[0m`;
const QUERY = ['-c', 'x', '-m', '3', '--no-progress', 'hit.txt', 'miss.txt'];
const charcount = (args: string[]) => runCli(dir, args);

describe('into a pipe', () => {
  test('auto and never: plain paths', () => {
    expect(charcount(QUERY).stdout).toBe('hit.txt\n');
    expect(charcount(['--color', 'never', ...QUERY]).stdout).toBe('hit.txt\n');
  });

  test('always: matched paths in magenta, --count paths too', () => {
    expect(charcount(['--color', 'always', ...QUERY]).stdout).toBe(`${MAGENTA('hit.txt')}\n`);
    const counted = charcount(['--color', 'always', '--count', ...QUERY])
      .stdout.split('\n')
      .sort();
    expect(counted).toEqual(['', `${MAGENTA('hit.txt')}:3:1`, `${MAGENTA('miss.txt')}:1:0`]);
  });

  test('the JSON formats are never coloured', () => {
    for (const format of ['--json', '--jsonl']) {
      expect(charcount(['--color', 'always', format, ...QUERY]).stdout).not.toContain('\x1b');
    }
  });

  test('charcount merge takes --color too', () => {
    const shard = join(dir, 'shard.json');
    writeFileSync(shard, charcount([...QUERY, '--json', '--shard', '1/1']).stdout);
    expect(charcount(['merge', '--color', 'always', shard]).stdout).toBe(`${MAGENTA('hit.txt')}\n`);
  });

  test('a value that is not a choice is a usage error', () => {
    expect(charcount(['--color', 'sometimes', ...QUERY])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/--color.*'sometimes' is invalid\. Allowed choices are auto, always, never/),
    });
  });
});

// util-linux's `script` runs the command on a pseudo-terminal.
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
describe.skipIf(!hasScript)('on a terminal', () => {
  /** stdout of the CLI run on a pseudo-terminal, with `env`. */
  function onTerminal(args: string[], env: Record<string, string | undefined>): string {
    const quoted = [process.execPath, cli, ...args].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', quoted, '/dev/null'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, TERM: 'xterm', NO_COLOR: undefined, ...env },
    });
    return r.stdout.replace(/\r\n/g, '\n');
  }

  test('auto colours; NO_COLOR (not empty) or a dumb terminal turns it off; always wins over NO_COLOR', () => {
    expect(onTerminal(QUERY, {})).toBe(`${MAGENTA('hit.txt')}\n`);
    expect(onTerminal(QUERY, { NO_COLOR: '' })).toBe(`${MAGENTA('hit.txt')}\n`);
    expect(onTerminal(QUERY, { NO_COLOR: '1' })).toBe('hit.txt\n');
    expect(onTerminal(QUERY, { TERM: 'dumb' })).toBe('hit.txt\n');
    expect(onTerminal(['--color', 'never', ...QUERY], {})).toBe('hit.txt\n');
    expect(onTerminal(['--color', 'always', ...QUERY], { NO_COLOR: '1' })).toBe(`${MAGENTA('hit.txt')}\n`);
  });
});

test.each([
  ['auto', true, {}, true],
  ['auto', false, {}, false],
  ['auto', true, { NO_COLOR: '1' }, false],
  ['auto', true, { NO_COLOR: '' }, true],
  ['auto', true, { TERM: 'dumb' }, false],
  ['always', false, { NO_COLOR: '1' }, true],
  ['never', true, {}, false],
] as const)('useColor(%s, isTTY %s, %j) is %s', (when, isTTY, env, want) => {
  expect(useColor(when, { isTTY }, env)).toBe(want);
});
