/**
 * `charcount completions bash|zsh|fish`: the scripts the package ships in completions/,
 * made from the same option tables as `--help`: every option of every command, the values
 * of those with choices, the subcommands first. Each shell present here runs its script.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BUILTIN_TYPES } from '../src/engine/file-types.js';
import { repoRoot, tempDir } from './helpers.js';
import { runCli } from './support/cli.js';

const { dir, cleanup } = tempDir();
beforeAll(() => writeFileSync(join(dir, 'data.csv'), 'a,b\n'));
afterAll(cleanup);

const FILES = { bash: 'charcount.bash', zsh: '_charcount', fish: 'charcount.fish' } as const;
const shells = Object.keys(FILES) as (keyof typeof FILES)[];
const script = (shell: keyof typeof FILES) => readFileSync(join(repoRoot, 'completions', FILES[shell]), 'utf8');
const has = (command: string) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;

/** The long options `--help` lists for a command. */
function helpOptions(args: string[]): string[] {
  const help = runCli(dir, [...args, '--help']).stdout;
  return [...help.slice(help.indexOf('\nOptions:')).matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!);
}

test.each(shells)('charcount completions %s prints the script the package ships', (shell) => {
  const r = runCli(dir, ['completions', shell]);
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(script(shell));
});

test.each(shells)('the %s script knows every option of every command', (shell) => {
  const text = script(shell);
  for (const args of [[], ['worker'], ['merge'], ['completions']]) {
    const options = helpOptions(args);
    expect(options).toEqual(expect.arrayContaining(['--version', '--help']));
    for (const option of options)
      expect(text, `${args.join(' ')} ${option}`).toContain(shell === 'fish' ? `-l ${option.slice(2)}` : option);
  }
});

test.each(shells)('the %s script offers every file type for -t and -T', (shell) => {
  const text = script(shell);
  for (const type of ['all', ...Object.keys(BUILTIN_TYPES)])
    expect(text, type).toMatch(new RegExp(`[ '(]${type.replace(/[+.]/g, '\\$&')}[ ')]`));
  expect(text.split('csharp').length - 1, 'once for -t, once for -T').toBe(2);
});

test('another shell is a usage error', () => {
  expect(runCli(dir, ['completions', 'powershell'])).toMatchObject({
    status: 2,
    stderr: expect.stringMatching(
      /'powershell' is invalid for argument 'shell'\. Allowed choices are bash, zsh, fish\./,
    ),
  });
});

describe.skipIf(!has('bash'))('bash', () => {
  /** What the script offers for the words typed so far, the last one being completed. */
  function complete(...words: string[]): string[] {
    const test = `source ${JSON.stringify(join(repoRoot, 'completions', FILES.bash))}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _charcount
printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync('bash', ['-c', test], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter(Boolean).sort();
  }

  test('options, the values of those with choices, subcommands first, files for paths', () => {
    expect(complete('charcount', '--re')).toEqual(['--reset']);
    expect(complete('charcount', '-c', 'x', '-r', '')).toEqual(['newline', 'none', 'space']);
    expect(complete('charcount', '--color', 'a')).toEqual(['always', 'auto']);
    expect(complete('charcount', '')).toEqual(['completions', 'data.csv', 'merge', 'worker']);
    expect(complete('charcount', '-c', ',', 'da')).toEqual(['data.csv']);
    expect(complete('charcount', 'worker', '--st')).toEqual(['--stall-timeout']);
    expect(complete('charcount', 'worker', '--c')).toEqual(['--concurrency']); // not the scan's --char, --count
    expect(complete('charcount', 'completions', '')).toEqual(['bash', 'fish', 'zsh']);
  });

  test('-t, --type, -T and --type-not complete file types', () => {
    expect(complete('charcount', '-c', ',', '-t', 'cs')).toEqual(['cs', 'csharp', 'cshtml', 'css', 'csv']);
    expect(complete('charcount', '--type', 'jso')).toEqual(['json', 'jsonl']);
    expect(complete('charcount', '-T', 'al')).toEqual(['all']);
    expect(complete('charcount', '--type-not', 'py')).toEqual(['py']);
    expect(complete('charcount', '-t', '')).toHaveLength(Object.keys(BUILTIN_TYPES).length + 1);
    // Not a choice: a type --type-add defines is taken, and other values still complete files.
    expect(complete('charcount', '--type-add', 'x')).toEqual([]);
  });
});

describe.skipIf(!has('fish'))('fish', () => {
  function complete(line: string): string[] {
    const file = join(repoRoot, 'completions', FILES.fish);
    const r = spawnSync(
      'fish',
      ['--no-config', '-c', `source ${JSON.stringify(file)}; complete -C ${JSON.stringify(line)}`],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0]!)
      .sort();
  }

  test('options, the values of those with choices, subcommands first, files for paths', () => {
    expect(complete('charcount --re')).toEqual(['--reset']);
    expect(complete('charcount -r ')).toEqual(['newline', 'none', 'space']);
    expect(complete('charcount ')).toEqual(['completions', 'data.csv', 'merge', 'worker']);
    expect(complete('charcount worker --st')).toEqual(['--stall-timeout']);
    expect(complete('charcount completions ')).toEqual(['bash', 'fish', 'zsh']);
  });

  test('-t, --type, -T and --type-not complete file types', () => {
    expect(complete('charcount -t cs')).toEqual(['cs', 'csharp', 'cshtml', 'css', 'csv']);
    expect(complete('charcount --type-not jso')).toEqual(['json', 'jsonl']);
  });
});

describe.skipIf(!has('zsh'))('zsh', () => {
  test('the script parses', () => {
    const r = spawnSync('zsh', ['-n', join(repoRoot, 'completions', FILES.zsh)], { encoding: 'utf8' });
    expect(r).toMatchObject({ status: 0, stderr: '' });
  });

  /**
   * Whether an interactive zsh with compinit, on a pseudo-terminal, shows `expected` for
   * `line` + Tab. It waits for it (bounded by the timeout) before typing on: with keys
   * pending, zsh would not draw the list. A marker (spelt apart where typed) says the
   * shell is ready.
   */
  function shows(line: string, expected: string): boolean {
    const test = `zmodload zsh/zpty
zpty -b z 'zsh -f -i'
zpty -w z "PS1='> '; fpath=(${join(repoRoot, 'completions')} \\$fpath); autoload -Uz compinit; compinit -u -D; cd ${dir}; print RE''ADY"
zpty -r z out '*READY*'
zpty -w -n z ${JSON.stringify(line)}$'\\t'
zpty -r z out ${JSON.stringify(`*${expected}*`)} && print SHOWN
zpty -w -n z $'\\C-u'
zpty -w z exit`;
    const r = spawnSync('zsh', ['-f', '-c', test], { encoding: 'utf8', timeout: 15_000 });
    return r.stdout.includes('SHOWN');
  }

  test('options, the values of those with choices, subcommands first', () => {
    expect(shows('charcount --re', 'charcount --reset')).toBe(true);
    expect(shows('charcount -r ', 'newline')).toBe(true);
    expect(shows('charcount ', '-- Print the completion script')).toBe(true);
    expect(shows('charcount worker --st', '--stall-timeout')).toBe(true);
  }, 60_000);

  test('-t and -T complete file types', () => {
    expect(shows('charcount -t csh', 'csharp  cshtml')).toBe(true);
    expect(shows('charcount --type-not jso', 'charcount --type-not json')).toBe(true);
    expect(shows('charcount -T xm', 'charcount -T xml')).toBe(true);
  }, 60_000);
});
