/**
 * The man page the package ships (man/charcount.1) is made from the option tables of
 * `--help`: every option of every command is in it, with `--help`'s closing text, and
 * groff reads it without a warning. Its ENVIRONMENT names every variable the source reads,
 * and it fits an 80-column terminal, examples included.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { repoRoot, tempDir } from './helpers.js';
import { runCli } from './support/cli.js';
import { examples, MAN_COLUMNS } from '../src/cli/man-page.js';

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

/** The page as an 80-column terminal shows it (groff, as man runs it). */
const at80 = () =>
  spawnSync('groff', ['-man', '-Tutf8', '-P', '-cbou', `-rLL=${MAN_COLUMNS}n`], { input: source, encoding: 'utf8' })
    .stdout;

/** Every file below `dir` (in the repository) ending in `ext`. */
function sources(dir: string, ext: string): string[] {
  return readdirSync(join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext))
    .map((f) => join(repoRoot, dir, f));
}

/**
 * The environment variables the product reads: `process.env.X`, `process.env['X']`,
 * `env.X` (an environment passed in), Rust's `env::var("X")`; `process.env[name]` through
 * a constant (`const NAME = 'X'`) or a function's parameter (`knob('X', …)`) is followed.
 */
function variablesRead(): Map<string, string> {
  const found = new Map<string, string>();
  const add = (name: string, file: string) => found.set(name, relative(repoRoot, file));
  for (const file of [...sources('src', '.ts'), ...sources('workers', '.ts'), ...sources('native/src', '.rs')]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\benv\.([A-Z][A-Z0-9_]*)|process\.env\[\s*'([A-Z0-9_]+)'\s*\]/g))
      add(m[1] ?? m[2]!, file);
    for (const m of text.matchAll(/env::var(?:_os)?\("([A-Z0-9_]+)"\)/g)) add(m[1]!, file);
    for (const m of text.matchAll(/process\.env\[\s*([A-Za-z_]\w*)\s*\]/g)) {
      const ident = m[1]!;
      const constant = new RegExp(`const ${ident} = '([A-Z0-9_]+)'`).exec(text);
      const fn = new RegExp(`function (\\w+)\\([^)]*\\b${ident}\\b`).exec(text);
      const calls = fn ? [...text.matchAll(new RegExp(`\\b${fn[1]}\\('([A-Z0-9_]+)'`, 'g'))].map((c) => c[1]!) : [];
      const names = constant ? [constant[1]!] : calls;
      expect(names, `which variable ${relative(repoRoot, file)} reads as process.env[${ident}]`).not.toEqual([]);
      for (const name of names) add(name, file);
    }
  }
  return found;
}

/** Read, but not for users: a test knob (dispatch/queue/protocol.ts) and the native core's build and test switches. */
const INTERNAL = ['CHARCOUNT_QUEUE_ALIVE_TTL_MS', 'CHARCOUNT_TEST_HOOKS', 'CHARCOUNT_UPDATE_WIRE'];

describe('ENVIRONMENT', () => {
  const read = variablesRead();

  test('the source is read as expected', () => {
    // The ways the finder must see through: a constant, a parameter, an environment passed in, Rust.
    for (const name of ['CHARCOUNT_BACKEND', 'CHARCOUNT_QUEUE_ALIVE_TTL_MS', 'NO_COLOR', 'TERM', 'HOME']) {
      expect([...read.keys()]).toContain(name);
    }
  });

  test('names and describes every variable the product reads', () => {
    const text = rendered();
    const section = text.slice(text.indexOf('ENVIRONMENT'), text.indexOf('SEE ALSO'));
    for (const [name, file] of read) {
      if (INTERNAL.includes(name)) continue;
      // The name at the margin of the section, and a description after it.
      expect(section, `${name} (read in ${file})`).toMatch(new RegExp(`^ {7}${name}(?:\\n {14}| +)\\S`, 'm'));
    }
  });

  test('and so does the guide', () => {
    const guide = readFileSync(join(repoRoot, 'docs', 'guide.md'), 'utf8');
    const table = guide.slice(
      guide.indexOf('## Environment'),
      guide.indexOf('\n## ', guide.indexOf('## Environment') + 1),
    );
    for (const [name] of read) if (!INTERNAL.includes(name)) expect(table, name).toContain(`| \`${name}\` |`);
  });
});

describe.skipIf(!hasGroff)('80 columns', () => {
  test('no line of the page passes 80 columns on an 80-column terminal, examples included', () => {
    const text = at80();
    expect(text).toMatch(/EXAMPLES\n {9}charcount --char , --min 30 data\//);
    const long = text.split('\n').filter((line) => [...line].length > MAN_COLUMNS);
    expect(long).toEqual([]);
  });
});

describe('examples', () => {
  test('a block that fits is left as it is, columns aligned', () => {
    const block = ['charcount -c x data/  the files', 'charcount -c y more/  others'];
    expect(examples(block)).toEqual(block);
  });

  test('a block with a line too long: each command, then what it does below it', () => {
    const long = `charcount -c , -m 30 --all-hits data/  ${'every line holding 30 commas '.repeat(2).trim()}`;
    expect(examples([long, 'charcount -c x data/  the files'])).toEqual([
      'charcount -c , -m 30 --all-hits data/',
      '    every line holding 30 commas every line holding 30 commas',
      'charcount -c x data/',
      '    the files',
    ]);
  });

  test('a command still too long goes on over lines ending in a backslash, as a shell reads it', () => {
    const command = 'for k in 1 2 3 4; do charcount -c , -m 30 --shard $k/4 --json data/ > shard-$k.json; done';
    const lines = examples([command]);
    expect(lines).toEqual([
      'for k in 1 2 3 4; do charcount -c , -m 30 --shard $k/4 --json data/ > \\',
      '  shard-$k.json; done',
    ]);
    for (const line of lines) expect(9 + line.length).toBeLessThanOrEqual(80);
    // The shell reads the lines as the command.
    expect(lines.join('\n').replace(/ \\\n\s*/g, ' ')).toBe(command);
  });
});
