/**
 * ripgrep's habits that carry over, each run beside `rg` on the same tree: -u/-uu/-uuu,
 * -., --no-ignore-vcs, --ignore-file, --exclude (and the deprecated --ignore GLOB),
 * --no-messages, --count-matches, and "No files were searched" when a search of the
 * working directory by default reads nothing. `charcount -c , -m 1` matches a file where
 * `rg -F ,` finds a line, so the two list the same files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli } from './support/cli.js';
import { tempDir } from './helpers.js';

const hasRg = spawnSync('rg', ['--version'], { stdio: 'ignore' }).status === 0;
const hasGit = spawnSync('git', ['--version'], { stdio: 'ignore' }).status === 0;
const { dir, cleanup } = tempDir();
afterAll(cleanup);
const repo = join(dir, 'repo');
/** Neither tool reads the user's configuration (git's global excludes, rg's config). */
const env = { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg'), GIT_CONFIG_NOSYSTEM: '1' };

interface Run {
  status: number | null;
  lines: string[];
  stderr: string;
}

function run(command: string, args: string[], cwd = repo): Run {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, lines: r.stdout.split('\n').filter(Boolean).sort(), stderr: r.stderr };
}
const ours = (args: string[], cwd?: string) => run(process.execPath, [cli, ...args], cwd);
const theirs = (args: string[], cwd?: string) => run('rg', ['--no-config', ...args], cwd);

/** The same files and exit status from `charcount -c , -m 1 ARGS` and `rg -l -F , ARGS`. */
function sameMatches(args: string[]): string[] {
  const [a, b] = [ours(['-c', ',', '-m', '1', ...args]), theirs(['-l', '-F', ',', ...args])];
  expect(a.lines, args.join(' ')).toEqual(b.lines);
  expect(a.status, args.join(' ')).toBe(b.status);
  return a.lines;
}

/** The same list from `charcount --files ARGS` and `rg --files ARGS`. */
function sameFiles(args: string[]): string[] {
  const [a, b] = [ours(['--files', ...args]), theirs(['--files', ...args])];
  expect(a.lines, args.join(' ')).toEqual(b.lines);
  expect(a.status, args.join(' ')).toBe(b.status);
  return a.lines;
}

beforeAll(() => {
  const files: Record<string, string> = {
    '.gitignore': '*.log\n',
    '.ignore': 'skip/\n',
    'a.csv': 'a,b,c\n',
    'b.log': 'a,b\n',
    'skip/c.csv': ',,,,\n',
    '.hid/d.csv': ',\n',
    'bin.dat': 'a,\0b,',
    'extra.txt': 'x,y\n',
    'plain.txt': 'no commas\n',
    'rules/more-ignores': 'extra.txt\n',
    'rules/fewer-ignores': '!extra.txt\nplain.txt\n',
    'rules/anchored': '/skip/c.csv\nrules/more-*\n!rules/more-x\n**/fewer-ignores\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(repo, path, '..'), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  if (hasGit) execFileSync('git', ['init', '-q', repo], { env });
});

describe.runIf(hasRg && hasGit)('ripgrep habits, beside rg on the same tree', () => {
  test('-u searches ignored files, -uu hidden ones too, -uuu binary ones too', () => {
    const plain = sameMatches([]);
    const u = sameMatches(['-u']);
    const uu = sameMatches(['-uu', '-g', '!.git']);
    const uuu = sameMatches(['-uuu', '-g', '!.git']);
    expect(plain).toEqual(['a.csv', 'extra.txt']);
    expect(u).toEqual(['a.csv', 'b.log', 'extra.txt', 'skip/c.csv']);
    expect(uu).toEqual([...u, '.hid/d.csv'].sort());
    expect(uuu).toEqual([...uu, 'bin.dat'].sort());
    for (const flags of [['-u'], ['-uu', '-g', '!.git'], ['-uuu', '-g', '!.git']]) sameFiles(flags);
  });

  test('-. is --hidden', () => {
    expect(sameMatches(['-.', '-g', '!.git'])).toContain('.hid/d.csv');
    sameFiles(['-.', '-g', '!.git']);
  });

  test('--no-ignore-vcs: .gitignore no longer applies, .ignore still does', () => {
    const files = sameFiles(['--no-ignore-vcs']);
    expect(files).toContain('b.log');
    expect(files).not.toContain('skip/c.csv');
    sameMatches(['--no-ignore-vcs']);
  });

  test('--ignore-file adds rules below the others, applies with --no-ignore, and a later file wins', () => {
    expect(sameFiles(['--ignore-file', 'rules/more-ignores'])).not.toContain('extra.txt');
    sameMatches(['--ignore-file', 'rules/more-ignores']);
    expect(sameFiles(['--no-ignore', '--ignore-file', 'rules/more-ignores'])).not.toContain('extra.txt');
    const both = sameFiles(['--ignore-file', 'rules/more-ignores', '--ignore-file', 'rules/fewer-ignores']);
    expect(both).toContain('extra.txt');
    expect(both).not.toContain('plain.txt');
  });

  test('--ignore-file rules with a / are relative to the working directory, as rg applies them', () => {
    const files = sameFiles(['-u', '--ignore-file', 'rules/anchored']);
    expect(files).not.toContain('skip/c.csv');
    expect(files).not.toContain('rules/more-ignores');
    expect(files).not.toContain('rules/fewer-ignores');
    sameMatches(['-u', '--ignore-file', 'rules/anchored']);
    // From a directory below: the rules are the working directory's, as in rg.
    const sub = join(repo, 'rules');
    const [a, b] = [
      ours(['--files', '-u', '--ignore-file', 'anchored', '..'], sub),
      theirs(['--files', '-u', '--ignore-file', 'anchored', '..'], sub),
    ];
    expect(a.lines).toEqual(b.lines);
  });

  test('an --ignore-file that cannot be read is a usage error naming it', () => {
    const r = ours(['--files', '--ignore-file', 'rules/missing']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^charcount: --ignore-file "rules\/missing" cannot be read: No such file or directory \(ENOENT\)/,
    );
  });

  test('--exclude GLOB leaves files out as -g !GLOB; --ignore GLOB still does, with a deprecation line', () => {
    const excluded = ours(['--files', '--exclude', '*.csv']);
    expect(excluded.lines).toEqual(theirs(['--files', '-g', '!*.csv']).lines);
    expect(excluded.lines).not.toContain('a.csv');
    expect(excluded.stderr).toBe('');
    const old = ours(['--files', '--ignore', '*.csv']);
    expect(old.lines).toEqual(excluded.lines);
    expect(old.stderr).toMatch(/--ignore GLOB is deprecated: use --exclude GLOB/);
  });

  test('--exclude wins over every glob, --iglob too: what it names stays out', () => {
    const r = ours(['--files', '--iglob', '*.CSV', '--exclude', 'a.csv']);
    expect(r.lines).toEqual(theirs(['--files', '--iglob', '*.CSV', '--iglob', '!a.csv']).lines);
    expect(r.lines).not.toContain('a.csv');
  });

  test('an --ignore-file that is a pipe applies to every path searched, as rg', () => {
    const sh = (tool: string) =>
      spawnSync('bash', ['-c', `${tool} --files --ignore-file <(printf 'c.csv\\nmore-ignores\\n') skip rules`], {
        cwd: repo,
        env,
        encoding: 'utf8',
      });
    const [a, b] = [sh(`${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} -u`), sh('rg --no-config -u')];
    const sorted = (out: string) => out.split('\n').filter(Boolean).sort();
    expect(sorted(a.stdout)).toEqual(sorted(b.stdout));
    expect(sorted(a.stdout)).toEqual(['rules/anchored', 'rules/fewer-ignores']);
  });

  test('--no-messages: no line for a path that cannot be read, and the exit status still says so', () => {
    const args = ['--no-messages', 'missing.csv', 'a.csv'];
    const [a, b] = [ours(['-c', ',', '-m', '1', ...args]), theirs(['-l', '-F', ',', ...args])];
    expect(a.lines).toEqual(b.lines);
    expect([a.stderr, b.stderr]).toEqual(['', '']);
    expect([a.status, b.status]).toEqual([2, 2]);
    // Without it, both say which path failed.
    const loud = ours(['-c', ',', '-m', '1', 'missing.csv', 'a.csv']);
    expect(loud.stderr).toMatch(/missing\.csv/);
  });

  test('a line of an ignore file that is not a glob: left out with a warning, as rg (--no-messages: none)', () => {
    const tree = join(dir, 'bad-lines');
    const files: Record<string, string> = {
      '.gitignore': 'a[\n*.log\n',
      '.ignore': 'ok\n{b\n',
      '.rgignore': 'c\\\n',
      '.git/info/exclude': '[z-a]\n',
      'sub/.gitignore': 's[\n',
      'sub/x.csv': ',\n',
      'sub2/z.csv': ',\n',
      'a.csv': ',\n',
      'b.log': ',\n',
      // An --ignore-file whose rules with a / are rewritten (relative to the working
      // directory): its line that is not a glob is still quoted as written.
      rules: 'sub/y.csv\nsub/r[\n',
      'xdg/git/ignore': 'g[\n',
    };
    execFileSync('git', ['init', '-q', tree], { env });
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(tree, path, '..'), { recursive: true });
      writeFileSync(join(tree, path), text);
    }
    // git's global excludes file: read without a word by both.
    const quiet = { ...env, XDG_CONFIG_HOME: join(tree, 'xdg') };
    const tool = (command: string, args: string[], cwd = tree) => {
      const r = spawnSync(command, args, { cwd, env: quiet, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const lines = (text: string) => text.split('\n').filter(Boolean).sort();
      return { status: r.status, out: lines(r.stdout), err: lines(r.stderr) };
    };
    const [ourFiles, rgFiles] = [['--files'], ['--files']];
    const [ourScan, rgScan] = [
      ['-c', ',', '-m', '1'],
      ['-l', '-F', ','],
    ];
    for (const [mine, rgs] of [
      [ourFiles, rgFiles],
      [ourScan, rgScan],
    ]) {
      for (const more of [
        [],
        ['--ignore-file', 'rules'],
        ['sub'],
        ['sub', 'sub2'],
        ['--no-messages'],
        // An --ignore-file is named as given, once, whatever the roots (absolute ones too)…
        ['--ignore-file', 'rules', tree],
        ['--ignore-file', 'rules', join(tree, 'sub'), 'sub2'],
        // …and told when no directory is walked at all.
        ['--ignore-file', 'rules', 'a.csv'],
      ]) {
        const a = tool(process.execPath, [cli, ...mine!, ...more]);
        const b = tool('rg', ['--no-config', ...rgs!, ...more]);
        const label = [...mine!, ...more].join(' ');
        expect(a.out, label).toEqual(b.out);
        // rg 13 takes the lines of a parent directory's ignore file (sub's, here) for errors,
        // and exits 2; charcount warns, and its exit status is unchanged.
        expect([a.status, b.status], label).toEqual(
          more.includes('sub') || more.includes(join(tree, 'sub')) ? [0, 2] : [b.status, b.status],
        );
        // rg names the working directory's files `./x`; each warning once (rg tells a
        // parent's file once per directory searched).
        const told = [...new Set(b.err.map((line) => `charcount: ${line.replace(/^\.\//, '')}`))].sort();
        expect(a.err, label).toEqual(told);
      }
    }
    // From a directory below, given as ../rules: named so.
    const below = ['--ignore-file', '../rules'];
    const [up, rgUp] = [
      tool(process.execPath, [cli, ...ourScan, ...below], join(tree, 'sub')),
      tool('rg', ['--no-config', ...rgScan, ...below], join(tree, 'sub')),
    ];
    expect(up.out).toEqual(rgUp.out);
    expect(up.err).toContain(
      "charcount: ../rules: line 2: error parsing glob 'sub/r[': unclosed character class; missing ']'",
    );
    expect(rgUp.err).toContain("../rules: line 2: error parsing glob 'sub/r[': unclosed character class; missing ']'");
    const all = tool(process.execPath, [cli, '--files', '--ignore-file', 'rules', 'sub']).err;
    expect(all).toEqual([
      `charcount: ${tree}/.git/info/exclude: line 1: error parsing glob '[z-a]': invalid range; 'z' > 'a'`,
      `charcount: ${tree}/.gitignore: line 1: error parsing glob 'a[': unclosed character class; missing ']'`,
      `charcount: ${tree}/.ignore: line 2: error parsing glob '{b': unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)`,
      `charcount: ${tree}/.rgignore: line 1: error parsing glob 'c\\': dangling '\\'`,
      "charcount: rules: line 2: error parsing glob 'sub/r[': unclosed character class; missing ']'",
      "charcount: sub/.gitignore: line 1: error parsing glob 's[': unclosed character class; missing ']'",
    ]);
  });

  test('--count-matches: each matching file with its count of C, as rg --count-matches', () => {
    const [a, b] = [ours(['-c', ',', '-m', '1', '--count-matches']), theirs(['--count-matches', '-F', ','])];
    expect(a.lines).toEqual(b.lines);
    expect(a.lines).toEqual(['a.csv:2', 'extra.txt:1']);
    expect(a.status).toBe(b.status);
    // Files that do not reach N are not listed (rg: files with no match).
    expect(ours(['-c', ',', '-m', '2', '--count-matches']).lines).toEqual(['a.csv:2']);
  });

  test('no files searched in the working directory by default: a note on stderr and exit 2, as rg', () => {
    const [a, b] = [ours(['-c', ',', '-m', '1', '-g', '*.zzz']), theirs(['-F', ',', '-g', '*.zzz'])];
    expect([a.status, b.status]).toEqual([2, 2]);
    expect(b.stderr).toMatch(/^No files were searched/);
    expect(a.stderr).toMatch(/^charcount: no files were searched/);
    // With a path given, nothing matched is an ordinary 1, silent.
    const [c, d] = [ours(['-c', ',', '-m', '1', '-g', '*.zzz', '.']), theirs(['-F', ',', '-g', '*.zzz', '.'])];
    expect([c.status, d.status, c.stderr, d.stderr]).toEqual([1, 1, '', '']);
    // --no-messages keeps it quiet, not successful.
    const [e, f] = [
      ours(['-c', ',', '-m', '1', '-g', '*.zzz', '--no-messages']),
      theirs(['-F', ',', '-g', '*.zzz', '--no-messages']),
    ];
    expect([e.status, f.status, e.stderr, f.stderr]).toEqual([2, 2, '', '']);
    // Files over --max-filesize are not found either, as rg leaves them out of its walk.
    const [m, n] = [ours(['-c', ',', '-m', '1', '--max-filesize', '1']), theirs(['-F', ',', '--max-filesize', '1'])];
    expect([m.status, n.status]).toEqual([2, 2]);
    expect(m.stderr).toMatch(/^charcount: no files were searched/);
    // A shard may hold nothing of a small tree: that is no error (rg has no shards).
    const shards = ['1/3', '2/3', '3/3'].map((k) => ours(['-c', '%', '-m', '1', '--shard', k, '-g', 'a.csv']));
    for (const sh of shards) expect([sh.status, sh.stderr]).toEqual([1, '']);
    // --files finding nothing is 1, as rg --files.
    const [g, h] = [ours(['--files', '-g', '*.zzz']), theirs(['--files', '-g', '*.zzz'])];
    expect([g.status, h.status]).toEqual([1, 1]);
  });
});
