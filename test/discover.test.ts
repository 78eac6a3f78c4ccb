/** Discovery: overlapping inputs are settled so that every path is reported once. */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DiscoverOptions, Discovered } from '../src/engine/discover.js';
import { Counter, listFiles, scan, scanFiles, type FileRecord, type ScanRun } from '../src/index.js';
import { backend, discover } from '../src/internal.js';
import { tempDir } from './helpers.js';

async function paths(
  patterns: string[],
  cwd: string,
  more: Partial<Omit<DiscoverOptions, 'backend' | 'patterns' | 'cwd'>> & { ignore?: string[] } = {},
): Promise<string[]> {
  const out: string[] = [];
  const all: Discovered[] = [];
  const { ignore = [], ...rest } = more;
  for await (const found of discover({
    backend: backend(),
    patterns,
    cwd,
    hidden: false,
    follow: false,
    ignoreFiles: true,
    vcsIgnoreFiles: true,
    extraIgnoreFiles: [],
    iglobs: [],
    excludes: [],
    typeGlobs: [],
    maxDepth: undefined,
    ...rest,
    globs: [...(rest.globs ?? []), ...ignore.map((g) => `!${g}`)],
  }))
    all.push(...found);
  for (const d of all) out.push(d.error ? `ERR ${d.path} ${d.error.code}` : d.path);
  return out.sort();
}

describe('discovery de-duplication', () => {
  const { dir, cleanup } = tempDir();
  beforeAll(() => {
    for (const f of ['a/x.txt', 'a/b/y.txt', 'a/b/c/z.txt', 'd/w.txt', 'a/.h/q.txt']) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), 'x');
    }
  });
  afterAll(cleanup);

  test('a directory inside another one given is searched once, as part of the outer one', async () => {
    expect(await paths(['a', 'a/b', 'a/b/c'], dir)).toEqual(['a/b/c/z.txt', 'a/b/y.txt', 'a/x.txt']);
    expect(await paths(['a/b', 'a'], dir)).toEqual(['a/b/c/z.txt', 'a/b/y.txt', 'a/x.txt']);
  });

  test('a file given that the walk also finds is reported once, as given', async () => {
    expect(await paths(['a/x.txt', 'a'], dir)).toEqual(['a/b/c/z.txt', 'a/b/y.txt', 'a/x.txt']);
    expect(await paths([join(dir, 'a/x.txt'), 'a'], dir)).toEqual(
      [join(dir, 'a/x.txt'), 'a/b/c/z.txt', 'a/b/y.txt'].sort(),
    );
  });

  test('glob results already covered by a searched directory or another glob are dropped', async () => {
    expect(await paths(['a', 'a/**/*.txt', 'a/b/*.txt'], dir)).toEqual(['a/b/c/z.txt', 'a/b/y.txt', 'a/x.txt']);
    expect(await paths(['**/y.txt', 'a/b/y.txt'], dir)).toEqual(['a/b/y.txt']);
  });

  test('a hidden file the walk leaves out is still reported when a glob names it', async () => {
    expect(await paths(['a', 'a/.h/q.txt'], dir)).toEqual(['a/.h/q.txt', 'a/b/c/z.txt', 'a/b/y.txt', 'a/x.txt']);
  });

  test('the same file named twice is one path; a missing one is an error', async () => {
    expect(await paths(['d/w.txt', './d/w.txt', 'nope.txt'], dir)).toEqual(['ERR nope.txt ENOENT', 'd/w.txt']);
  });
});

describe('a line of an ignore file that is not a glob', () => {
  const { dir, cleanup } = tempDir();
  beforeAll(() => {
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, '.ignore'), 'a[\n*.log\n');
    writeFileSync(join(dir, 'sub', '.ignore'), '{b\n');
    for (const f of ['a.txt', 'b.log', 'sub/c.txt']) writeFileSync(join(dir, f), 'x');
  });
  afterAll(cleanup);

  test("is left out, the run goes on, and scan()'s onWarning is told it once, in ripgrep's words", async () => {
    const told: string[] = [];
    const run = scan(['.', 'sub', '*.txt'], { cwd: dir, counter: new Counter('x', 1), onWarning: (m) => told.push(m) });
    const { records, summary } = await run.result();
    expect(records.map((r) => r.path).sort()).toEqual(['a.txt', 'sub/c.txt']);
    expect(summary.filesErrored).toBe(0);
    expect(told).toEqual([
      ".ignore: line 1: error parsing glob 'a[': unclosed character class; missing ']'",
      "sub/.ignore: line 1: error parsing glob '{b': unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)",
    ]);
    // listFiles() has no onWarning: it lists the same files, without a word.
    const listed: string[] = [];
    for await (const f of listFiles({ cwd: dir })) listed.push(f.error ? `ERR ${f.path}` : f.path);
    expect(listed.sort()).toEqual(['a.txt', 'sub/c.txt']);
  });

  test('an extraIgnoreFiles entry is named as each call gives it, whatever an earlier call gave', async () => {
    writeFileSync(join(dir, 'rules'), 'r[\n');
    const told = async (cwd: string, file: string) => {
      const messages: string[] = [];
      await scan(['a.txt'], {
        cwd,
        counter: new Counter('x', 1),
        extraIgnoreFiles: [file],
        onWarning: (m) => messages.push(m),
      }).summary();
      return messages;
    };
    const said = (name: string) => [`${name}: line 1: error parsing glob 'r[': unclosed character class; missing ']'`];
    expect(await told(dir, 'rules')).toEqual(said('rules'));
    expect(await told(join(dir, 'sub'), '../rules')).toEqual(said('../rules'));
    expect(await told(dir, join(dir, 'rules'))).toEqual(said(join(dir, 'rules')));
  });
});

describe('walking with ignore patterns (the glob walk)', () => {
  const { dir, cleanup } = tempDir();
  beforeAll(() => {
    for (const f of ['a/x.txt', 'b/y.txt', 'top.txt', 'n/m/deep.txt', 'n/keep.log']) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), 'x');
    }
    // Sibling directories that link to each other, twice each: a loop fast-glob's own
    // parent check misses, and an exponential walk if nothing stops it.
    for (const [from, to] of [
      ['a/to-b', '../b'],
      ['b/to-a', '../a'],
      ['a/to-b2', '../b'],
      ['b/to-a2', '../a'],
    ] as const) {
      symlinkSync(to, join(dir, from));
    }
  });
  afterAll(cleanup);

  test('with follow, every loop is an ELOOP and every path is what the native walk finds', async () => {
    const native = await paths(['.'], dir, { follow: true });
    const globbed = await paths(['.'], dir, { follow: true, ignore: ['*.nomatch'] });
    expect(globbed).toEqual(native);
    expect(native.filter((p) => p.startsWith('ERR'))).toHaveLength(8);
  }, 20_000);

  test('a pattern without a slash leaves the name out at any depth; one with a slash is anchored', async () => {
    const all = await paths(['.'], dir);
    expect(await paths(['.'], dir, { ignore: ['*.txt'] })).toEqual(all.filter((p) => !p.endsWith('.txt')));
    expect(await paths(['.'], dir, { ignore: ['deep.txt'] })).toEqual(all.filter((p) => p !== 'n/m/deep.txt'));
    expect(await paths(['.'], dir, { ignore: ['m/deep.txt'] })).toEqual(all);
    expect(await paths(['.'], dir, { ignore: ['n/m/*'] })).toEqual(all.filter((p) => p !== 'n/m/deep.txt'));
  });
});

describe('a file name that is not valid UTF-8', () => {
  const { dir, cleanup } = tempDir();
  const named = (...parts: (string | number)[]) =>
    Buffer.concat(parts.map((p) => (typeof p === 'number' ? Buffer.of(p) : Buffer.from(p))));
  beforeAll(() => {
    // Three names that read alike as text (bad�name.csv): two in bytes that are not UTF-8.
    writeFileSync(named(dir, '/bad', 0xff, 'name.csv'), 'x');
    writeFileSync(named(dir, '/bad', 0xfe, 'name.csv'), 'x');
    writeFileSync(join(dir, 'bad\uFFFDname.csv'), 'x'); // a real U+FFFD is an ordinary name
    writeFileSync(join(dir, 'ok.csv'), 'x');
    mkdirSync(named(dir, '/dir', 0xff));
    writeFileSync(named(dir, '/dir', 0xff, '/in.csv'), 'x');
  });
  afterAll(cleanup);
  // Paths keep each stray byte as the lone surrogate U+DC00 + byte (core/path-bytes.ts).
  const files = ['bad\uDCFEname.csv', 'bad\uDCFFname.csv', 'bad\uFFFDname.csv'];

  test('is found by its bytes, below a directory so named too, by every walk', async () => {
    const all = [...files, 'dir\uDCFF/in.csv', 'ok.csv'];
    expect(await paths(['.'], dir)).toEqual(all);
    expect(await paths(['.'], dir, { ignore: ['*.nomatch'] })).toEqual(all);
    expect(await paths(['**/*.csv'], dir)).toEqual(all);
    expect(await paths(['*.csv'], dir)).toEqual([...files, 'ok.csv']);
    expect(await paths(['*.csv', 'bad*'], dir)).toEqual([...files, 'ok.csv']);
  });
});

describe('`..` after a symbolic link (resolved as the OS resolves it)', () => {
  const { dir, cleanup } = tempDir();
  beforeAll(() => {
    // lnk → real/deep: `lnk/..` is real/, as `cat` and ripgrep see it, not the directory
    // holding lnk.
    mkdirSync(join(dir, 'real/deep/sub'), { recursive: true });
    writeFileSync(join(dir, 'real/r.txt'), 'a,b');
    writeFileSync(join(dir, 'real/deep/sub/s.txt'), 'a,b');
    writeFileSync(join(dir, 'top.txt'), 'x');
    symlinkSync('real/deep', join(dir, 'lnk'));
  });
  afterAll(cleanup);

  test('a file named through it is read there, reported as written', async () => {
    expect(await paths(['lnk/../r.txt'], dir)).toEqual(['lnk/../r.txt']);
    expect(await paths(['./lnk/../r.txt'], dir)).toEqual(['lnk/../r.txt']);
    // (path.join would normalise the `..` away: the paths are written out.)
    expect(await paths([`${dir}/lnk/../r.txt`], dir)).toEqual([`${dir}/lnk/../r.txt`]);
    // What the OS does not find is an error, as for `cat`; a `..` after a real directory
    // is still normalised away.
    expect(await paths(['lnk/../top.txt', 'nope/../top.txt', 'top.txt/../top.txt', 'real/deep/../r.txt'], dir)).toEqual(
      ['ERR lnk/../top.txt ENOENT', 'ERR nope/../top.txt ENOENT', 'ERR top.txt/../top.txt ENOTDIR', 'real/r.txt'],
    );
    expect(await paths(['lnk/sub/../../r.txt', 'lnk/../deep/sub/..'], dir)).toEqual([
      'lnk/../deep/sub/s.txt',
      'lnk/../r.txt',
    ]);
  });

  test('a directory named through it is searched there', async () => {
    expect(await paths(['lnk/..'], dir)).toEqual(['lnk/../deep/sub/s.txt', 'lnk/../r.txt']);
    expect(await paths(['lnk/../..'], dir)).toEqual([
      'lnk/../../lnk', // the link itself, met while searching
      'lnk/../../real/deep/sub/s.txt',
      'lnk/../../real/r.txt',
      'lnk/../../top.txt',
    ]);
  });

  test('a pattern through it is walked there', async () => {
    expect(await paths(['lnk/../*.txt'], dir)).toEqual(['lnk/../r.txt']);
    expect(await paths(['lnk/../**/*.txt'], dir)).toEqual(['lnk/../deep/sub/s.txt', 'lnk/../r.txt']);
    expect(await paths([`${dir}/lnk/../*.txt`], dir)).toEqual([`${dir}/lnk/../r.txt`]);
    // The same files named otherwise too: one record each.
    expect(await paths(['lnk/../*.txt', 'lnk/..'], dir)).toEqual(['lnk/../deep/sub/s.txt', 'lnk/../r.txt']);
  });

  test('a scan reads the file the OS opens, and a cwd through it is where the OS goes', async () => {
    const counter = new Counter(',', 1);
    const found = async (run: ScanRun<FileRecord>) =>
      (await run.result()).records.map((r) => `${r.path} ${r.error?.code ?? r.matched}`).sort();
    expect(await found(scan({ counter, cwd: dir, patterns: ['lnk/../r.txt', 'lnk/..'], threads: 1 }))).toEqual([
      'lnk/../deep/sub/s.txt true',
      'lnk/../r.txt true',
    ]);
    expect(await found(scan({ counter, cwd: `${dir}/lnk/..`, patterns: ['*.txt'], threads: 1 }))).toEqual([
      'r.txt true',
    ]);
    expect(await found(scanFiles(['r.txt', 'top.txt'], { counter, cwd: `${dir}/lnk/..`, threads: 1 }))).toEqual([
      'r.txt true',
      'top.txt ENOENT',
    ]);
  });

  test('a pattern written with ./ finds what it names', async () => {
    expect(await paths(['./real/*.txt'], dir)).toEqual(['real/r.txt']);
    expect(await paths(['./real/deep/../*.txt'], dir)).toEqual(['real/r.txt']);
  });
});
