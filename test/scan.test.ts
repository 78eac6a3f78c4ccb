/** The batch scanner end to end, on trees built in temp dirs. */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  unlinkSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  Counter,
  listFiles,
  mergeShards,
  Reset,
  scan,
  scanFiles,
  ScanPool,
  type FileRecord,
  type MultiFileRecord,
  type Progress,
  type ScanOptions,
  type Summary,
} from '../src/index.js';
import { scanFilesWith, scanWith, ThreadPool } from '../src/internal.js';
import { repoRoot, tempDir, unprivileged } from './helpers.js';

const c3 = new Counter('c', 3, Reset.NewlinesReset);
const crashingWorker = new URL('./fixtures/crashing-worker.mjs', import.meta.url);
const byPath = <R extends { path: string }>(records: R[]) => new Map(records.map((r) => [r.path, r]));

function tree(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, data] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), data);
  }
}

describe('scan over a tree', () => {
  const { dir, cleanup } = tempDir();
  beforeAll(() => {
    tree(dir, {
      'a.txt': 'ccc\n',
      'b.log': 'c c c\n',
      'deep/er/still/x.log': 'x\nc-c-c\n',
      'deep/no.log': 'cc\ncc\n',
      '.hidden/h.txt': 'ccc',
      '.dot.txt': 'ccc',
      'empty.txt': '',
      'bin.dat': Buffer.from('ccc\0'),
      'skipme/s.txt': 'ccc',
    });
    spawnSync('mkfifo', [join(dir, 'pipe')]);
    symlinkSync(join(dir, 'missing-target'), join(dir, 'dangling'));
  });
  afterAll(cleanup);

  test('every path once, each classified; dotfiles left out by default', async () => {
    const { records, summary } = await scan({ cwd: dir, counter: c3, sort: true }).result();
    expect(records.map((r) => r.path)).toEqual([
      'a.txt',
      'b.log',
      'bin.dat',
      'dangling',
      'deep/er/still/x.log',
      'deep/no.log',
      'empty.txt',
      'pipe',
      'skipme/s.txt',
    ]);
    const m = byPath(records);
    expect(m.get('a.txt')).toEqual({ path: 'a.txt', matched: true, offset: 2, line: 1, bytes: 4 });
    expect(m.get('deep/er/still/x.log')).toMatchObject({ matched: true, offset: 6, line: 2 });
    expect(m.get('deep/no.log')).toMatchObject({ matched: false, offset: null, line: null, bytes: 6 });
    expect(m.get('bin.dat')).toMatchObject({ matched: false, skipped: 'binary' });
    expect(m.get('pipe')).toMatchObject({ skipped: 'fifo', bytes: 0 });
    expect(m.get('dangling')).toMatchObject({ skipped: 'symlink' });
    expect(summary).toMatchObject({
      filesDiscovered: 9,
      filesScanned: 6,
      filesMatched: 4,
      filesSkipped: 3,
      filesErrored: 0,
      bytesRead: 4 + 6 + 4 + 8 + 6 + 0 + 3,
      aborted: false,
    });
    expect(summary.skipped).toMatchObject({ binary: 1, fifo: 1, symlink: 1 });
  });

  test('hidden, ignore, globs and explicit paths', async () => {
    const hidden = await scan({ cwd: dir, counter: c3, hidden: true, ignore: ['skipme/**', '**/*.dat'] }).result();
    const paths = hidden.records.map((r) => r.path).sort();
    expect(paths).toContain('.hidden/h.txt');
    expect(paths).toContain('.dot.txt');
    expect(paths).not.toContain('skipme/s.txt');
    expect(paths).not.toContain('bin.dat');

    const globbed = await scan({ cwd: dir, counter: c3, patterns: ['**/*.log'], sort: true }).result();
    expect(globbed.records.map((r) => r.path)).toEqual(['b.log', 'deep/er/still/x.log', 'deep/no.log']);

    const explicit = await scan({
      cwd: dir,
      counter: c3,
      patterns: ['deep', 'a.txt', 'a.txt', 'pipe', 'nope.txt'],
      sort: true,
    }).result();
    expect(explicit.records.map((r) => [r.path, r.error?.code ?? r.skipped ?? r.matched])).toEqual([
      ['a.txt', true],
      ['deep/er/still/x.log', true],
      ['deep/no.log', false],
      ['nope.txt', 'ENOENT'],
      ['pipe', 'fifo'],
    ]);
    expect(explicit.summary.filesErrored).toBe(1);
  });

  test('overlapping inputs: every file once', async () => {
    for (const ignore of [[], ['skipme/**']]) {
      const { records } = await scan({
        cwd: dir,
        counter: c3,
        patterns: ['deep', 'deep/er', 'deep/no.log', '**/*.log', 'deep/er/still', join(dir, 'b.log')],
        ignore,
        sort: true,
      }).result();
      // The explicit absolute path wins over the glob's relative one for the same file.
      expect(
        records.map((r) => r.path),
        `ignore ${ignore.join(', ')}`,
      ).toEqual([join(dir, 'b.log'), 'deep/er/still/x.log', 'deep/no.log']);
    }
  });

  test('a glob naming a hidden file inside a searched directory still finds it', async () => {
    const { records } = await scan({
      cwd: dir,
      counter: c3,
      patterns: ['.', '.hidden/*.txt', '*.log'],
      sort: true,
    }).result();
    const paths = records.map((r) => r.path);
    expect(paths).toContain('.hidden/h.txt');
    expect(paths.filter((p) => p === 'b.log')).toHaveLength(1);
    expect(new Set(paths).size).toBe(paths.length);
  });

  test('binary files are scanned when asked; full-scan figures when asked', async () => {
    const { records } = await scan({
      cwd: dir,
      counter: c3,
      patterns: ['bin.dat', 'deep'],
      binary: 'scan',
      fullScan: true,
      sort: true,
    }).result();
    expect(records).toEqual([
      { path: 'bin.dat', matched: true, offset: 2, line: 1, bytes: 4, occurrences: 3, segments: 1 },
      { path: 'deep/er/still/x.log', matched: true, offset: 6, line: 2, bytes: 8, occurrences: 3, segments: 1 },
      { path: 'deep/no.log', matched: false, offset: null, line: null, bytes: 6, occurrences: 4, segments: 0 },
    ]);
  });

  test('several counters in one run equal separate runs', async () => {
    const counters = [c3, new Counter('x', 1, Reset.NoReset), new Counter(' ', 2, Reset.NewlinesReset)];
    const multi = await scan({ cwd: dir, counters, fullScan: true, sort: true }).result();
    for (const [i, counter] of counters.entries()) {
      const single = await scan({ cwd: dir, counter, fullScan: true, sort: true }).result();
      expect(multi.records.map((r) => ({ path: r.path, ...r.counters[i] }))).toEqual(
        single.records.map(({ path, matched, offset, line, occurrences, segments }) => ({
          path,
          matched,
          offset,
          line,
          occurrences,
          segments,
        })),
      );
      expect(multi.summary.counters![i]!.filesMatched).toBe(single.summary.filesMatched);
    }
  });

  test('the records a text report prints: only matched or failed files, and a summary of every file', async () => {
    const figures = ({ elapsedMs: _, bytesPerSecond: __, filesPerSecond: ___, ...s }: Summary) => s;
    const runs = [
      () => scan({ cwd: dir, counter: c3, hidden: true, patterns: ['.', 'missing.txt'] }),
      () => scan({ cwd: dir, counters: [c3, new Counter('x', 1, Reset.NoReset)], hidden: true }),
      // Read failures come in the native batch, not from discovery.
      () => scanFiles(['a.txt', 'gone.txt', 'deep/no.log', 'bin.dat'], { cwd: dir, counter: c3 }),
    ];
    for (const start of runs) {
      const all = await start().result();
      const run = start();
      const reported: (FileRecord | MultiFileRecord)[] = [];
      for await (const batch of run.reported()) reported.push(...batch);
      const printed = all.records.filter((r) => r.error || ('counters' in r ? r.counters : [r]).some((c) => c.matched));
      expect(printed.length).toBeGreaterThan(0);
      expect(printed.length).toBeLessThan(all.records.length);
      expect(byPath(reported)).toEqual(byPath(printed));
      expect(figures(await run.summary())).toEqual(figures(all.summary));
    }
  });

  test('progress reports discovered, done and bytes, ending with the totals', async () => {
    const seen: number[] = [];
    let last: Progress | undefined;
    const summary = await scan({ cwd: dir, counter: c3, onProgress: (p) => ((last = p), seen.push(p.done)) }).summary();
    expect(last).toMatchObject({ discovered: 9, done: 9, bytesRead: summary.bytesRead, discoveryDone: true });
    expect(seen.every((d, i) => i === 0 || d >= seen[i - 1]!)).toBe(true);
  });
});

test('file names with newlines are found once, whatever the pattern', async () => {
  const { dir, cleanup } = tempDir();
  try {
    tree(dir, { 'sub/new\nline.txt': 'ccc', 'sub/plain.txt': 'ccc' });
    for (const patterns of [['.'], ['sub'], ['**/*.txt'], ['sub/**'], ['**/*.txt', 'sub']]) {
      const { records } = await scan({ cwd: dir, counter: c3, patterns, sort: true }).result();
      expect(
        records.map((r) => r.path),
        patterns.join(' '),
      ).toEqual(['sub/new\nline.txt', 'sub/plain.txt']);
    }
  } finally {
    cleanup();
  }
});

describe('links', () => {
  const { dir, cleanup } = tempDir();
  beforeAll(() => {
    tree(dir, { 'real/f.txt': 'ccc', 'real/sub/g.txt': 'ccc' });
    symlinkSync(join(dir, 'real'), join(dir, 'real', 'sub', 'loop')); // a loop back to an ancestor
    symlinkSync(join(dir, 'real', 'f.txt'), join(dir, 'f-link.txt'));
  });
  afterAll(cleanup);

  test('not followed by default: links are reported as skipped', async () => {
    const { records } = await scan({ cwd: dir, counter: c3, sort: true }).result();
    expect(records.map((r) => [r.path, r.skipped ?? r.matched])).toEqual([
      ['f-link.txt', 'symlink'],
      ['real/f.txt', true],
      ['real/sub/g.txt', true],
      ['real/sub/loop', 'symlink'],
    ]);
  });

  test('a link named explicitly is read like the file it names', async () => {
    const { records } = await scan({ cwd: dir, counter: c3, patterns: ['f-link.txt'] }).result();
    expect(records).toEqual([{ path: 'f-link.txt', matched: true, offset: 2, line: 1, bytes: 3 }]);
    const listed = await scanFiles([join(dir, 'f-link.txt')], { counter: c3 }).result();
    expect(listed.records[0]!.matched).toBe(true);
  });

  test('followed: the loop is reported once as ELOOP and nothing is scanned twice', async () => {
    const { records } = await scan({ cwd: dir, counter: c3, follow: true, sort: true }).result();
    expect(records.map((r) => [r.path, r.error?.code ?? r.matched])).toEqual([
      ['f-link.txt', true],
      ['real/f.txt', true],
      ['real/sub/g.txt', true],
      ['real/sub/loop', 'ELOOP'],
    ]);
  });
});

describe('files that change or fail', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  test('a file deleted between discovery and scan is an ENOENT record', async () => {
    tree(dir, { 'kept.txt': 'ccc' });
    const { records } = await scanFiles([join(dir, 'kept.txt'), join(dir, 'gone.txt')], {
      counter: c3,
      sort: true,
    }).result();
    expect(records.map((r) => [r.path, r.error?.code ?? r.matched])).toEqual([
      [join(dir, 'gone.txt'), 'ENOENT'],
      [join(dir, 'kept.txt'), true],
    ]);
  });

  test('a sparse file over 5 GiB with its only hit at the end: exact offset', async () => {
    // tmpfs reads holes without filling the page cache (a disk file's first read of
    // 5 GiB of holes costs seconds of kernel time).
    const shm = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/charcount-') : dir;
    const path = join(shm, 'sparse.bin');
    const fd = openSync(path, 'w');
    const at = 5 * 2 ** 30 + 12_345;
    writeSync(fd, '\n', 0);
    writeSync(fd, 'c', at);
    closeSync(fd);
    const counter = new Counter('c', 1, Reset.NoReset);
    const [r] = (await scanFiles([path], { counter, binary: 'scan' }).result()).records;
    rmSync(shm === dir ? path : shm, { recursive: true });
    expect(r).toEqual({ path, matched: true, offset: at, line: 2, bytes: at + 1 });
  }, 120_000);

  test('a directory that cannot be read is an error record and the walk goes on', () => {
    tree(dir, { 'walk/open/o.txt': 'ccc', 'walk/locked/l.txt': 'ccc' });
    chmodSync(join(dir, 'walk', 'locked'), 0o000);
    chmodSync(dir, 0o755);
    const script = `
      import { scan, Counter } from ${JSON.stringify(join(repoRoot, 'dist/src/index.js'))};
      const { records } = await scan({ cwd: ${JSON.stringify(join(dir, 'walk'))}, counter: new Counter('c', 3), sort: true }).result();
      console.log(JSON.stringify(records.map((r) => [r.path, r.error?.code ?? r.matched])));`;
    const run = spawnSync(...unprivileged(process.execPath, ['--input-type=module', '-e', script]), {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([
      ['locked', 'EACCES'],
      ['open/o.txt', true],
    ]);
  });
});

describe('run control', () => {
  const { dir, cleanup } = tempDir();
  const N = 600;
  beforeAll(() => {
    for (let i = 0; i < N; i++) tree(dir, { [`d${i % 7}/f${i}.txt`]: i % 3 ? 'ccc\n' : 'c\n' });
  });
  afterAll(cleanup);

  test('an abort mid-run stops it: AbortError, partial summary', async () => {
    const ac = new AbortController();
    const run = scan({ cwd: dir, counter: c3, signal: ac.signal, batchSize: 4, threads: 2 });
    let seen = 0;
    await expect(
      (async () => {
        for await (const _ of run) if (++seen === 20) ac.abort();
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    const summary = await run.summary();
    expect(summary.aborted).toBe(true);
    expect(seen).toBeLessThan(N);
    expect(summary.filesScanned).toBe(seen);
  });

  test('an already aborted signal never starts', async () => {
    const run = scan({ cwd: dir, counter: c3, signal: AbortSignal.abort() });
    await expect(run.result()).rejects.toMatchObject({ name: 'AbortError' });
  });

  test('a worker that dies: its batch is retried, the culprit is an EWORKER record, nothing lost', async () => {
    tree(dir, { 'CRASH.txt': 'ccc' });
    const run = scanWith({ cwd: dir, counter: c3, batchSize: 16, threads: 2 }, { workerUrl: crashingWorker });
    const { records, summary } = (await run.result()) as { records: FileRecord[]; summary: Summary };
    expect(records).toHaveLength(N + 1);
    expect(new Set(records.map((r) => r.path)).size).toBe(N + 1);
    const crash = records.find((r) => r.path === 'CRASH.txt')!;
    expect(crash.error?.code).toBe('EWORKER');
    expect(summary).toMatchObject({ filesErrored: 1, filesScanned: N, filesMatched: (2 * N) / 3 });
  });

  test('a batch retried after its worker died keeps what discovery knew: a named link is still followed', async () => {
    symlinkSync(join(dir, 'd1', 'f1.txt'), join(dir, 'named-link'));
    // One thread and four paths: the first task holds the crash and the link together.
    const paths = ['CRASH.txt', 'named-link', 'd0/f0.txt', 'd0/f7.txt'];
    const run = scanFilesWith(paths, { cwd: dir, counter: c3, threads: 1 }, { workerUrl: crashingWorker });
    const records = (await run.result()).records as FileRecord[];
    unlinkSync(join(dir, 'named-link'));
    const link = records.find((r) => r.path === 'named-link')!;
    expect(link).toMatchObject({ matched: true, bytes: 4 });
    expect(link.skipped).toBeUndefined();
  });

  test('one huge file does not hold back the batch behind it: every file still has one record', async () => {
    const big = join(dir, 'big.bin');
    const fd = openSync(big, 'w');
    writeSync(fd, 'ccc', 40 * 2 ** 20); // past the per-task byte budget
    closeSync(fd);
    const { records } = await scan({
      cwd: dir,
      counter: new Counter('c', 4, Reset.NoReset),
      binary: 'scan',
      batchSize: 1000,
      threads: 2,
    }).result();
    expect(new Set(records.map((r) => r.path)).size).toBe(records.length);
    expect(records.length).toBe(N + 2);
  });

  test('an options argument that is null or not an object is the same TypeError at every entry point', async () => {
    await using pool = new ScanPool({ threads: 1 });
    const entries: Record<string, (options: never) => unknown> = {
      'new Counter()': (o) => new Counter(',', 1, Reset.NewlinesReset, o),
      'counter.stream()': (o) => c3.stream(o),
      'new ScanPool()': (o) => new ScanPool(o),
      'scan()': (o) => scan(o),
      'scanFiles()': (o) => scanFiles([], o),
      'pool.scan()': (o) => pool.scan(o),
      'pool.scanFiles()': (o) => pool.scanFiles([], o),
      // Checked on the call, as scan() checks its options, not once iterated.
      'listFiles()': (o) => listFiles(o),
    };
    for (const [entry, call] of Object.entries(entries)) {
      for (const [value, shown] of [
        [null, 'null'],
        [5, '5'],
        ['x', "'x'"],
      ] as const) {
        expect(() => call(value as never), `${entry} given ${shown}`).toThrow(
          Object.assign(new TypeError(`options must be an object, got ${shown}`), { code: 'ERR_INVALID_ARG_TYPE' }),
        );
      }
    }
    // Left out, an options argument is the defaults.
    expect(new Counter(',', 1, Reset.NoReset, undefined).kernel).toBe(new Counter(',', 1).kernel);
    const defaults = new ScanPool(undefined);
    expect(defaults.threads).toBeGreaterThan(0);
    await defaults.close();
    // mergeShards takes a list of { name, doc }: anything else is a TypeError, not an
    // internal message.
    for (const [inputs, message] of [
      [null, 'inputs must be an array of { name, doc }, got null'],
      [{}, 'inputs must be an array of { name, doc }, got {}'],
      [[null], 'inputs[0] must be an object { name, doc } with a string name, got null'],
      [[{ doc: {} }], 'inputs[0] must be an object { name, doc } with a string name, got { doc: {} }'],
    ] as const) {
      expect(() => mergeShards(inputs as never), message).toThrow(
        Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_TYPE' }),
      );
    }
  });

  test('options are checked by name', () => {
    expect(() => scan({} as never)).toThrow(/exactly one of counter or counters/);
    expect(() => scan({ counter: 'c' } as never)).toThrow(/counter must be a Counter, got 'c'/);
    expect(() => scan({ counter: c3, threads: 0 })).toThrow(RangeError);
    // A glob that does not parse is named by the option and the index it was given at.
    const unclosed = `is not a valid glob ("[z"): unclosed character class; missing ']'`;
    for (const [options, message] of [
      [{ globs: ['a', '[z'] }, `globs[1] ${unclosed}`],
      [{ iglobs: '[z' }, `iglobs[0] ${unclosed}`],
      [{ globs: ['a'], ignore: ['b', '[z'] }, `ignore[1] ${unclosed}`],
      [{ types: ['txt', 'foo'], typeDefinitions: { foo: ['*.x', '[z'] } }, `typeDefinitions.foo[1] ${unclosed}`],
      [{ types: ['!foo'], typeDefinitions: { foo: ['[z'] } }, `typeDefinitions.foo[0] ${unclosed}`],
    ] as [ScanOptions, string][]) {
      const thrown = (() => {
        try {
          scan({ counter: c3, ...options });
        } catch (e) {
          return e;
        }
      })();
      expect(thrown, JSON.stringify(options)).toBeInstanceOf(RangeError);
      expect((thrown as Error).message).toBe(message);
    }
    expect(() => scan({ counter: c3, threads: 0 })).toThrow(/threads must be an integer from 1 to 1024, got 0/);
    expect(() => scan({ counter: c3, binary: 'yes' as never })).toThrow(/binary must be 'skip' or 'scan', got 'yes'/);
    expect(() => scan({ counter: c3, patterns: [1] as never })).toThrow(TypeError);
    expect(() => scan({ counter: c3, maxFilesize: -1 })).toThrow(/maxFilesize must be an integer at least 0, got -1/);
    expect(() => scan({ counter: c3, hidden: 'yes' as never })).toThrow(/hidden must be a boolean, got 'yes'/);
  });
});

describe('scanFiles input that must not confuse the batch', () => {
  const { dir, cleanup } = tempDir();
  beforeAll(() => tree(dir, { 'hit.txt': 'ccc\n', 'clean.txt': 'x\n', 'other.txt': 'c\n' }));
  afterAll(cleanup);

  test('an empty path is one missing file, and the run ends', async () => {
    const { records } = await scanFiles(['', 'hit.txt'], { cwd: dir, counter: c3, sort: true }).result();
    expect(records.map((r) => [r.path, r.error?.code ?? r.matched])).toEqual([
      ['', 'ENOENT'],
      ['hit.txt', true],
    ]);
  }, 10_000);

  test("a path holding a NUL is its own error and never shifts the other paths' results", async () => {
    const paths = ['clean.txt', 'hit.txt\0clean.txt', 'other.txt', 'hit.txt'];
    const { records } = await scanFiles(paths, { cwd: dir, counter: c3, threads: 1 }).result();
    const got = new Map(records.map((r) => [r.path, r.error?.code ?? r.matched]));
    expect(records).toHaveLength(4);
    expect(got).toEqual(
      new Map<string, unknown>([
        ['clean.txt', false],
        ['hit.txt\0clean.txt', 'ERR_INVALID_ARG_VALUE'],
        ['other.txt', false],
        ['hit.txt', true],
      ]),
    );
  });

  test("a run's first 4 MiB are read by the coordinator: a run that small starts no thread", async () => {
    const pool = new ThreadPool(2);
    try {
      const small = Array.from({ length: 300 }, (_, i) => `s${i}.txt`);
      tree(dir, Object.fromEntries(small.map((p) => [p, 'ccc\n'])));
      const run = scanFilesWith(small, { cwd: dir, counter: c3, batchSize: 16 }, { pool });
      const { records } = (await run.result()) as { records: FileRecord[] };
      expect(records.filter((r) => r.matched)).toHaveLength(300);
      expect(pool.started).toBe(0);
      // A file larger than that goes to a thread: the pool's threads start, all at once.
      writeFileSync(join(dir, 'five-mib.txt'), 'x'.repeat(5 * 2 ** 20));
      const big = await scanFilesWith(['five-mib.txt'], { cwd: dir, counter: c3 }, { pool }).result();
      expect(big.records[0]).toMatchObject({ matched: false, bytes: 5 * 2 ** 20 });
      expect(pool.started).toBe(2);
    } finally {
      await pool.destroy();
    }
  });

  test('past its first 4 MiB a run starts its threads if the rest is worth them, however small each task', async () => {
    const pool = new ThreadPool(1);
    try {
      // 1,100 files of 64 KiB: what is left past 4 MiB is more work than a thread's boot.
      const files = Array.from({ length: 1100 }, (_, i) => `k${i}.txt`);
      tree(dir, Object.fromEntries(files.map((p) => [p, 'x'.repeat(65535) + '\n'])));
      const run = scanFilesWith(files, { cwd: dir, counter: c3, batchSize: 16 }, { pool });
      expect((await run.result()).summary.filesScanned).toBe(1100);
      expect(pool.started).toBe(1);
    } finally {
      await pool.destroy();
    }
  });

  test('a run a little past 4 MiB is scanned by the coordinator alone: booting threads would cost more', async () => {
    const pool = new ThreadPool(2);
    try {
      // 600 files of 8 KiB (4.7 MiB): the rest past 4 MiB is less work than a thread's boot.
      const files = Array.from({ length: 600 }, (_, i) => `m${i}.txt`);
      tree(dir, Object.fromEntries(files.map((p) => [p, 'ccc\n' + 'x'.repeat(8187) + '\n'])));
      const run = scanFilesWith(files, { cwd: dir, counter: c3, batchSize: 16 }, { pool });
      const { records, summary } = (await run.result()) as { records: FileRecord[]; summary: Summary };
      expect(summary.filesScanned).toBe(600);
      expect(records.filter((r) => r.matched)).toHaveLength(600);
      expect(pool.started).toBe(0);
    } finally {
      await pool.destroy();
    }
  });

  test('threads start as the work needs them: one file with threads: 64 starts at most two', async () => {
    const pool = new ThreadPool(64);
    try {
      const { records } = await scanFilesWith(['hit.txt'], { cwd: dir, counter: c3, threads: 64 }, { pool }).result();
      expect(records).toHaveLength(1);
      expect(pool.started).toBeLessThanOrEqual(2);
    } finally {
      await pool.destroy();
    }
  });
});
