/**
 * Finding files as an rg user expects: ignore files, -g/--iglob, -t/-T, --max-depth,
 * --files, against `rg --files` and `git` on the same trees; and the habits around them
 * (-q, --files-without-match, -0, --sort path, standard input).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Counter, listFiles } from '../src/index.js';
import { scanReadable } from '../src/scan/stdin.js';
import { backend } from '../src/internal.js';
import { cli, runCli } from './support/cli.js';
import { tempDir } from './helpers.js';

/** The lines of a --jsonl output, parsed (the last one is the summary). */
const jsonl = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const hasRg = spawnSync('rg', ['--version'], { stdio: 'ignore' }).status === 0;
const hasGit = spawnSync('git', ['--version'], { stdio: 'ignore' }).status === 0;
/** git and rg without the user's configuration. */
const toolEnv = { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg'), GIT_CONFIG_NOSYSTEM: '1' };

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** `charcount --files ARGS` in `cwd`, as a sorted list (exit status checked). */
function ours(cwd: string, args: string[]): string[] {
  const r = runCli(cwd, ['--files', ...args]);
  expect(r.stderr).toBe('');
  expect(r.status === 0 || r.status === 1).toBe(true);
  return r.stdout.split('\n').filter(Boolean).sort();
}

function rgFiles(cwd: string, args: string[]): string[] {
  const r = spawnSync('rg', ['--files', '--no-config', '--no-messages', ...args], {
    cwd,
    encoding: 'utf8',
    env: toolEnv,
  });
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('the repository a new user tries it in', () => {
  const repo = join(dir, 'repo');
  beforeAll(() => {
    write(repo, {
      '.gitignore': 'build/\n*.tmp\n',
      'build/out.csv': 'a,b,c,d,e,f\n',
      'data/wide.csv': 'a,b,c,d,e,f\n',
      'data/narrow.csv': 'a\n',
      'data/skip.tmp': 'a,b,c,d,e,f\n',
      'data/deep/er/x.csv': 'a,b,c,d,e,f\n',
      'src/main.rs': 'fn main() {}\n',
      '.hidden/secret.csv': 'a,b,c,d,e,f\n',
    });
    if (hasGit) execFileSync('git', ['init', '-q', repo], { env: toolEnv });
  });

  test.runIf(hasGit)('.gitignore applies inside a git repository; --no-ignore turns it off', () => {
    const r = runCli(repo, ['-c', ',', '-m', '5']);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(['data/deep/er/x.csv', 'data/wide.csv']);
    expect(r.status).toBe(0);
    const all = runCli(repo, ['-c', ',', '-m', '5', '--no-ignore']);
    expect(all.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'build/out.csv',
      'data/deep/er/x.csv',
      'data/skip.tmp',
      'data/wide.csv',
    ]);
  });

  test.runIf(hasGit && hasRg)(
    '--files, -g, --iglob, -t, -T and --max-depth list what rg --files lists',
    () => {
      const cases = [
        [],
        ['-g', '*.csv'],
        ['-g', '!*.csv'],
        ['-g', 'wide.csv', 'data'],
        ['-g', 'data/*.csv'],
        ['--iglob', '*.CSV'],
        ['-t', 'csv'],
        ['-T', 'csv'],
        ['-t', 'rust', '-t', 'csv'],
        ['--max-depth', '2'],
        ['--max-depth', '1', 'data'],
        ['--hidden'],
        ['--no-ignore', '-g', '*.tmp'],
        ['--type-add', 'foo:*.tmp', '-t', 'foo', '--no-ignore'],
      ];
      for (const args of cases) expect(ours(repo, args), args.join(' ')).toEqual(rgFiles(repo, args));
    },
    60_000,
  );

  test('a glob given as a path follows the same rules as a directory', () => {
    // Ignore files, types and -g apply to what a pattern names, as to a directory's walk.
    expect(ours(repo, ['**/*.csv'])).toEqual(ours(repo, ['-g', '*.csv']));
    expect(ours(repo, ['data/**', '-T', 'csv'])).toEqual(ours(repo, ['data', '-T', 'csv']));
    expect(ours(repo, ['--no-ignore', '*/*.tmp'])).toEqual(['data/skip.tmp']);
    // A file named explicitly is read whatever the rules say, as in ripgrep.
    expect(ours(repo, ['build/out.csv', '-T', 'csv'])).toEqual(['build/out.csv']);
  }, 30_000);

  test('-d is --max-depth', () => {
    expect(ours(repo, ['-d', '1', 'data'])).toEqual(ours(repo, ['--max-depth', '1', 'data']));
    expect(ours(repo, ['-d', '1', 'data'])).toEqual(['data/narrow.csv', 'data/wide.csv']);
  });

  test('--exclude leaves paths out as -g !GLOB does', () => {
    expect(ours(repo, ['--exclude', 'wide.csv'])).toEqual(ours(repo, ['-g', '!wide.csv']));
    expect(ours(repo, ['--exclude', 'wide.csv'])).not.toContain('data/wide.csv');
  });

  test('the API lists the same files', async () => {
    const listed: string[] = [];
    for await (const f of listFiles({ cwd: repo, types: ['csv'], globs: ['!narrow.csv'] })) listed.push(f.path);
    expect(listed.sort()).toEqual(ours(repo, ['-t', 'csv', '-g', '!narrow.csv']));
  });

  test('--type-list prints the table; --type-add extends it', () => {
    const r = runCli(repo, ['--type-list', '--type-add', 'foo:*.foo', '--type-add', 'csv:*.tsv']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^csv: \*\.csv, \*\.tsv$/m);
    expect(r.stdout).toMatch(/^foo: \*\.foo$/m);
    expect(r.stdout).toMatch(/^rust: \*\.rs$/m);
  });

  test.each([
    [['-t', 'nope'], /^charcount: -t\/--type: unknown file type 'nope'/],
    [['-g', '[a'], /^charcount: -g\/--glob "\[a" is not a valid glob: /],
    [['-g', 'ok', '-g', '![a'], /^charcount: -g\/--glob "!\[a" is not a valid glob: /],
    [['--iglob', '[a'], /^charcount: --iglob "\[a" is not a valid glob: /],
    // Each error names the option and the value written, not the glob they became.
    [['-g', 'ok', '--exclude', 'x', '--exclude', '[z'], /^charcount: --exclude "\[z" is not a valid glob: unclosed/],
    [['--type-add', 'foo:[', '-t', 'foo'], /^charcount: --type-add "foo:\[": "\[" is not a valid glob: unclosed/],
    [
      ['--type-add', 'foo:*.x', '--type-add', 'foo:*.{a', '-t', 'csv', '-T', 'foo'],
      /^charcount: --type-add "foo:\*\.\{a": "\*\.\{a" is not a valid glob: /,
    ],
    [
      ['--type-add', 'bar:[', '--type-add', 'foo:include:bar', '-t', 'foo'],
      /^charcount: --type-add "bar:\[": "\[" is not a valid glob: /,
    ],
    [['--type-add', 'foo:include:', '-t', 'foo'], /^charcount: --type-add must be NAME:GLOB.*, got 'foo:include:'/],
    [['--type-add', 'bad'], /^charcount: --type-add must be NAME:GLOB/],
    [['--files-without-match', '-l'], /^charcount: -l and --files-without-match cannot be used together/],
    [['--files', '--json'], /^charcount: --files and --json cannot be used together/],
    [['-m', '1'], /^charcount: required option '-c, --char <C>' not specified/],
  ])('bad usage %j: one line, exit 2', (args, message) => {
    const r = runCli(repo, args[0] === '-m' ? args : ['-c', ',', '-m', '5', ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('--files lists what a scan reads, as rg --files', () => {
  const root = join(dir, 'reads');
  beforeAll(() => {
    write(root, { 'd/a.txt': 'a,b\n', 'd/big': 'x'.repeat(1000) });
    symlinkSync('a.txt', join(root, 'd', 'link'));
    symlinkSync('nowhere', join(root, 'd', 'dangling'));
    expect(spawnSync('mkfifo', [join(root, 'd', 'pipe')]).status).toBe(0);
  });
  const lines = (text: string) => text.split('\n').filter(Boolean).sort();

  test('no link met while searching, FIFO or file over --max-filesize: none of them is read', () => {
    expect(ours(root, ['--max-filesize', '100', 'd'])).toEqual(['d/a.txt']);
    expect(ours(root, ['d'])).toEqual(['d/a.txt', 'd/big']);
    if (hasRg) {
      expect(ours(root, ['--max-filesize', '100', 'd'])).toEqual(rgFiles(root, ['--max-filesize', '100', 'd']));
      expect(ours(root, ['d'])).toEqual(rgFiles(root, ['d']));
    }
    // What a scan with the same options reads; the rest it records as skipped.
    const scan = jsonl(runCli(root, ['-c', ',', '-m', '0', '--jsonl', '--max-filesize', '100', 'd']).stdout);
    const read = scan.filter((r) => r.type === 'file' && r.skipped === undefined && r.error === undefined);
    expect(read.map((r) => r.path)).toEqual(['d/a.txt']);
  });

  test('-L: a link to a file is read, a dangling link is an error (exit 2), as rg does', () => {
    const r = runCli(root, ['--files', '-L', 'd']);
    expect(lines(r.stdout)).toEqual(['d/a.txt', 'd/big', 'd/link']);
    expect(r.stderr).toMatch(/^charcount: d\/dangling: No such file or directory/);
    expect(r.status).toBe(2);
    if (hasRg) expect(lines(r.stdout)).toEqual(rgFiles(root, ['-L', 'd']));
  });

  test('listFiles() takes maxFilesize', async () => {
    const listed: string[] = [];
    for await (const f of listFiles({ cwd: root, patterns: ['d'], maxFilesize: 100 })) listed.push(f.path);
    expect(listed).toEqual(['d/a.txt']);
  });
});

describe('-g globs with a / are relative to the working directory, as rg', () => {
  const root = join(dir, 'relative');
  beforeAll(() => write(root, { 'src/x.ts': 'x', 'src/sub/y.ts': 'y', 'c/a/z': 'z', 'a/w': 'w', 'sub/v.ts': 'v' }));

  test.each([
    [
      ['-g', 'src/**', 'src'],
      ['src/sub/y.ts', 'src/x.ts'],
    ],
    [['-g', '/a/*', 'c'], []],
    [['-g', '/a/*'], ['a/w']],
    [['-g', 'sub/*', 'src'], []],
    [['-g', '*.ts', '-g', '!src/sub/**', 'src'], ['src/x.ts']],
    [['--iglob', 'SRC/*.TS', 'src'], ['src/x.ts']],
    [['-g', 'src/*.ts', 'src/sub', 'c'], []],
  ])('charcount --files %j', (args, expected) => {
    expect(ours(root, args)).toEqual(expected);
    if (hasRg) expect(ours(root, args)).toEqual(rgFiles(root, args));
  });

  test('the API: globs relative to cwd', async () => {
    const listed: string[] = [];
    for await (const f of listFiles({ cwd: root, patterns: ['src'], globs: ['src/**'] })) listed.push(f.path);
    expect(listed.sort()).toEqual(['src/sub/y.ts', 'src/x.ts']);
  });
});

describe('searching a subdirectory of a repository', () => {
  const repo = join(dir, 'subdir-repo');
  beforeAll(() => {
    write(repo, { '.gitignore': 'src/gen/\n/src/*.tmp\n', 'src/gen/x.ts': 'x', 'src/y.ts': 'y', 'src/z.tmp': 'z' });
    mkdirSync(join(repo, '.git'));
  });

  test("the rules with a / of the repository root's .gitignore apply, as git and rg given the absolute path", () => {
    expect(ours(repo, ['src'])).toEqual(['src/y.ts']);
    expect(ours(join(repo, 'src'), [])).toEqual(['y.ts']);
    // ripgrep 13 searching the relative path `src` misses them (its issue 1757).
    if (hasRg) expect(rgFiles(repo, [join(repo, 'src')])).toEqual([join(repo, 'src', 'y.ts')]);
  });
});

describe('rg users habits', () => {
  const tree = join(dir, 'habits');
  beforeAll(() =>
    write(tree, { 'b.csv': 'a,b,c\n', 'a.csv': 'a,b,c\n', 'c/d.csv': 'a\n', 'c/e.csv': 'a,b,c\n', 'f.txt': 'x\n' }),
  );

  test('--sort path prints in path order; -0 ends each path with a NUL', () => {
    const r = runCli(tree, ['-c', ',', '-m', '2', '--sort', 'path', '-0', '-j', '2']);
    expect(r.stdout).toBe('a.csv\0b.csv\0c/e.csv\0');
    expect(runCli(tree, ['--files', '--sort', 'path']).stdout).toBe('a.csv\nb.csv\nc/d.csv\nc/e.csv\nf.txt\n');
  });

  test('--files-without-match prints the files read that did not match', () => {
    const r = runCli(tree, ['-c', ',', '-m', '2', '--files-without-match', '--sort', 'path']);
    expect(r.stdout).toBe('c/d.csv\nf.txt\n');
    expect(r.status).toBe(0);
    expect(runCli(tree, ['-c', 'a', '-m', '0', '--files-without-match']).status).toBe(1);
  });

  test('-q prints nothing and answers with the exit status', () => {
    expect(runCli(tree, ['-c', ',', '-m', '2', '-q'])).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(runCli(tree, ['-c', ',', '-m', '9', '-q'])).toMatchObject({ status: 1, stdout: '', stderr: '' });
    // A match is the answer even when another file fails, as in ripgrep.
    expect(runCli(tree, ['-c', ',', '-m', '2', '-q', 'a.csv', 'missing.csv']).status).toBe(0);
    // --sort path has nothing to hold back: -q prints nothing.
    for (const format of [[], ['--jsonl']]) {
      const sorted = ['-q', '--sort', 'path', ...format];
      expect(runCli(tree, ['-c', ',', '-m', '2', ...sorted])).toMatchObject({ status: 0, stdout: '', stderr: '' });
      expect(runCli(tree, ['-c', ',', '-m', '9', ...sorted])).toMatchObject({ status: 1, stdout: '', stderr: '' });
    }
  }, 30_000);

  test('standard input: - or no path with piped input; the record is <stdin>', () => {
    expect(runCli(tree, ['-c', ',', '-m', '2'], { input: 'x,y,z\n' })).toMatchObject({
      status: 0,
      stdout: '<stdin>\n',
    });
    expect(runCli(tree, ['-c', ',', '-m', '5'], { input: 'x,y,z\n' })).toMatchObject({ status: 1, stdout: '' });
    const both = runCli(tree, ['-c', ',', '-m', '2', '--sort', 'path', '-', 'c'], { input: ',,' });
    expect(both.stdout).toBe('<stdin>\nc/e.csv\n');
    const counted = runCli(tree, ['-c', ',', '-m', '1', '--count', '-'], { input: ',\n,,\n' });
    expect(counted.stdout).toBe('<stdin>:3:2\n');
    const [json] = jsonl(runCli(tree, ['-c', ',', '-m', '2', '--jsonl', '-'], { input: 'a\nb,,c\n' }).stdout);
    expect(json).toMatchObject({ type: 'file', path: '<stdin>', matched: true, offset: 4, line: 2, bytes: 7 });
    // Binary input is skipped, as a binary file is, unless --binary.
    const binary = '\0,,,';
    expect(runCli(tree, ['-c', ',', '-m', '2', '-'], { input: binary }).status).toBe(1);
    expect(runCli(tree, ['-c', ',', '-m', '2', '--binary', '-'], { input: binary }).stdout).toBe('<stdin>\n');
  }, 30_000);

  test('standard input is counted as it arrives: the answer comes while the writer holds the pipe open', async () => {
    // Nothing is closed on the writer's side until the command has answered and exited:
    // were it waiting for 256 KiB or the end of its input, it would never exit.
    for (const args of [['-q'], [], ['--jsonl']]) {
      const child = spawn(process.execPath, [cli, '-c', ',', '-m', '1', ...args], {
        cwd: tree,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stdin.on('error', () => {}); // the command may be gone when the pipe is closed
      child.stdin.write('x\na,b\n');
      const status = await new Promise((resolve) => child.on('exit', resolve));
      child.stdin.end();
      expect(status, args.join(' ')).toBe(0);
      if (args[0] === '--jsonl') {
        expect(jsonl(stdout)[0]).toMatchObject({ path: '<stdin>', matched: true, offset: 3, line: 2, bytes: 6 });
      } else expect(stdout).toBe(args[0] === '-q' ? '' : '<stdin>\n');
    }
  }, 30_000);

  test('a stream is counted as it arrives, its first 256 KiB checked for NUL bytes as far as they are read', async () => {
    // A source that gives its chunks, then never ends: only what arrived can answer.
    let release = () => {};
    const never = new Promise<void>((resolve) => (release = resolve));
    const arriving = async function* (...chunks: string[]) {
      for (const c of chunks) yield Buffer.from(c);
      await never;
    };
    const read = { full: false, scanBinary: false, encoding: 'utf-8', bomSniff: true };
    const options = { counters: [new Counter(',', 2)], multi: false, read, backend: backend() };
    expect(await scanReadable('<stdin>', arriving('a,', 'b,c'), options)).toMatchObject({
      matched: true,
      offset: 3,
      bytes: 5,
    });
    // A NUL among what arrived before the answer is known makes it binary, as in a file's
    // first chunk; with every hit listed, past the limit.
    expect(await scanReadable('<stdin>', arriving('a,', '\0', 'b,c'), options)).toMatchObject({
      skipped: 'binary',
    });
    const listing = { ...options, read: { ...read, maxHits: 1 } };
    expect(await scanReadable('<stdin>', arriving(',,\n,,\n', ',,'), listing)).toMatchObject({
      hits: [{ offset: 1, line: 1 }],
      hitsTruncated: true,
    });
    release();
  });

  test('standard input larger than the binary probe, matched at its end', () => {
    const big = 'x'.repeat(300 * 1024) + '\n,,,\n';
    const r = runCli(tree, ['-c', ',', '-m', '3', '--jsonl', '-'], { input: big });
    expect(jsonl(r.stdout)[0]).toMatchObject({ type: 'file', matched: true, line: 2, offset: 300 * 1024 + 3 });
  });
});

describe.runIf(hasRg && hasGit)('random trees and ignore rules (fuzzed)', () => {
  const NAMES = ['a.txt', 'b.csv', 'c.rs', '.h.txt', 'd', 'e.log'];
  const DIRS = ['x', 'y', '.z', 'x/w'];
  const RULES = ['*.txt', '!a.txt', '/b.csv', 'x/', '**/w', 'y/*', '*.log', '!*.rs', '#c', 'c.r?', '[ab].*', '\\!d'];
  const GLOBS = ['*.txt', '!*.csv', 'x/**', '!w', '*.{rs,log}', '?.csv'];
  const TYPES = ['-t', 'csv', '-t', 'rust', '-T', 'txt', '-T', 'log'];

  test('charcount --files lists what rg --files lists', () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.subarray(DIRS),
        fc.array(fc.subarray(RULES), { minLength: 1, maxLength: 3 }),
        fc.subarray(GLOBS, { maxLength: 2 }),
        fc.option(fc.integer({ min: 0, max: 3 })),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        (dirs, ruleFiles, globs, depth, type, hidden) => {
          const root = join(dir, `fuzz-${n++}`);
          rmSync(root, { recursive: true, force: true });
          const files: Record<string, string> = {};
          for (const d of ['', ...dirs]) for (const name of NAMES) files[d ? `${d}/${name}` : name] = 'x';
          ['', ...dirs].forEach((d, i) => {
            const rules = ruleFiles[i % ruleFiles.length]!;
            files[d ? `${d}/.gitignore` : '.gitignore'] = rules.join('\n') + '\n';
          });
          write(root, files);
          execFileSync('git', ['init', '-q', root], { env: toolEnv });
          const args = [
            ...globs.flatMap((g) => ['-g', g]),
            ...(depth === null ? [] : ['--max-depth', String(depth)]),
            ...(type ? TYPES.slice(2 * type - 2, 2 * type) : []),
            ...(hidden ? ['--hidden'] : []),
          ];
          expect(ours(root, args), args.join(' ')).toEqual(rgFiles(root, args));
          rmSync(root, { recursive: true, force: true });
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
