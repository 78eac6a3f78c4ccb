/**
 * The man page the package ships (man/charcount.1) is made from the option tables of
 * `--help`: every option of every command is in it, with `--help`'s closing text, and
 * groff reads it without a warning.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { repoRoot, tempDir } from './helpers.js';
import { runCli } from './support/cli.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const page = join(repoRoot, 'man', 'charcount.1');
const source = readFileSync(page, 'utf8');
const hasGroff = spawnSync('groff', ['--version'], { stdio: 'ignore' }).status === 0;

/** The page as text, as `man` shows it: groff's rendering, else the source unescaped. */
function rendered(): string {
  if (!hasGroff) return source.replace(/\\-/g, '-').replace(/\\f[BIR]/g, '');
  const r = spawnSync('groff', ['-man', '-Tutf8', '-P', '-cbou', '-rLL=200n'], { input: source, encoding: 'utf8' });
  return r.stdout;
}

/** `--help`'s options: a term at the margin, its description after it and on the lines below. */
function helpOptions(help: string): { term: string; description: string }[] {
  const options: { term: string; description: string }[] = [];
  for (const line of help
    .slice(help.indexOf('\nOptions:') + 1)
    .split('\n')
    .slice(1)) {
    const entry = /^ {2}(-\S.*?)(?: {2,}(.*))?$/.exec(line);
    if (entry) options.push({ term: entry[1]!, description: entry[2] ?? '' });
    else if (/^ {3,}\S/.test(line)) options.at(-1)!.description += ` ${line.trim()}`;
    else break;
  }
  return options.map((o) => ({ ...o, description: o.description.trim() }));
}

test('every option of every command, with its description as --help gives it', () => {
  const text = rendered().replace(/\s+/g, ' ');
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  expect(text).toContain(`charcount ${pkg.version}`);
  for (const args of [[], ['worker'], ['merge'], ['completions']]) {
    const options = helpOptions(runCli(dir, [...args, '--help']).stdout);
    expect(options.map((o) => o.term)).toContain('-h, --help');
    for (const { term, description } of options) {
      expect(text, `${args.join(' ')} ${term}`).toContain(term.replace(/[<>]/g, ''));
      expect(text, `${args.join(' ')} ${term}`).toContain(description);
    }
    if (args.length) expect(text).toContain(`charcount ${args[0]}`);
  }
});

test("--help's closing text: examples, exit status", () => {
  const text = rendered();
  expect(text).toMatch(/EXAMPLES\n\s+charcount --char , --min 30 data\//);
  expect(text).toMatch(/EXIT STATUS\n\s+0 if a file matched/);
  // A paragraph whose first line has a colon is not taken for a heading.
  expect(text).toMatch(/Files are chosen as ripgrep chooses them: \.gitignore/);
  expect(text).toContain('NO_COLOR');
});

describe.skipIf(!hasGroff)('groff', () => {
  test('reads it without a warning', () => {
    const r = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z'], { input: source, encoding: 'utf8' });
    expect(r).toMatchObject({ status: 0, stderr: '' });
  });
});
