/** The native file reader on the file kinds contract §2 names. */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Counter, Reset } from '../src/scan/counter.js';
import { loadNative, platformTriple, testHooks } from '../src/internal.js';
import { fileErrorOf } from '../src/core/fs-error.js';
import type { FileResult } from '../src/backends/backend.js';
import type { FileError } from '../src/core/types.js';
import { repoRoot, tempDir, unprivileged } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const file = (name: string, data: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const c3 = new Counter('c', 3, Reset.NewlinesReset).handle;
/** One file's record, its error named as the codec names it (the native core gives an errno). */
const scanOne = (path: string, options = {}): FileResult & { error?: FileError } => {
  const { error, ...rest } = testHooks().scanFiles([path], [c3], options)[0]!;
  return error ? { ...rest, error: fileErrorOf(error) } : rest;
};

describe('scanFiles', () => {
  test('a matching file and a non-matching one', () => {
    const [hit, miss] = testHooks().scanFiles([file('hit', 'x\nc-c-c'), file('miss', 'c-c\nc')], [c3], { full: true });
    expect(hit).toEqual({
      path: join(dir, 'hit'),
      bytes: 7,
      counters: [{ matched: true, offset: 6, line: 2, occurrences: 3, segments: 1 }],
    });
    expect(miss!.counters).toEqual([{ matched: false, offset: null, line: null, occurrences: 3, segments: 0 }]);
  });

  test('an empty file is scanned and matches nothing', () => {
    expect(scanOne(file('empty', ''))).toEqual({
      path: join(dir, 'empty'),
      bytes: 0,
      counters: [{ matched: false, offset: null, line: null }],
    });
  });

  test('binary files are skipped unless asked for', () => {
    const p = file('bin', Buffer.from('ccc\0ccc'));
    expect(scanOne(p)).toMatchObject({ skipped: 'binary' });
    expect(scanOne(p, { scanBinary: true }).counters![0]).toMatchObject({ matched: true, offset: 2 });
  });

  test('a NUL after the first chunk does not make a file binary', () => {
    const p = file('late-nul', Buffer.concat([Buffer.alloc(100, 'x'), Buffer.from([0]), Buffer.from('ccc')]));
    expect(scanOne(p, { chunkSize: 64 }).counters![0]).toMatchObject({ matched: true, offset: 103 });
  });

  test('a FIFO is skipped without being opened', () => {
    const p = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [p]).status).toBe(0);
    expect(scanOne(p)).toEqual({ path: p, bytes: 0, skipped: 'fifo' });
  });

  test('missing files and directories are errors with codes', () => {
    expect(scanOne(join(dir, 'nope'))).toEqual({
      path: join(dir, 'nope'),
      bytes: 0,
      error: { code: 'ENOENT', message: 'No such file or directory' },
    });
    mkdirSync(join(dir, 'sub'));
    expect(scanOne(join(dir, 'sub')).error).toEqual({ code: 'EISDIR', message: 'is a directory' });
    expect(scanOne(join(dir, 'hit', 'below')).error?.code).toBe('ENOTDIR');
  });

  test('symbolic links: skipped by default, followed when asked, loops reported', () => {
    const target = file('target', 'ccc');
    symlinkSync(target, join(dir, 'link'));
    expect(scanOne(join(dir, 'link'))).toMatchObject({ skipped: 'symlink' });
    expect(scanOne(join(dir, 'link'), { follow: true }).counters![0]!.matched).toBe(true);
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
    expect(scanOne(join(dir, 'loop-a'), { follow: true }).error?.code).toBe('ELOOP');
  });

  test('first-hit mode stops reading at the hit; full mode reads everything', () => {
    const p = file('long', 'ccc\n' + 'x'.repeat(1 << 20));
    expect(scanOne(p, { chunkSize: 4096 }).bytes).toBe(4096);
    expect(scanOne(p, { chunkSize: 4096, full: true }).bytes).toBe(4 + (1 << 20));
  });

  test.runIf(process.platform === 'linux')('a file whose size says 0 (procfs) is read to its end', () => {
    const r = testHooks().scanFiles(['/proc/self/status'], [new Counter(':', 1, Reset.NoReset).handle], {
      full: true,
    })[0]!;
    expect(r.bytes).toBeGreaterThan(0);
    expect(r.counters![0]).toMatchObject({ matched: true, offset: 4 }); // "Name:"
    expect(r.counters![0]!.occurrences).toBeGreaterThan(10);
  });

  test('max file size skips larger files', () => {
    const p = file('big', 'ccc' + 'x'.repeat(100));
    expect(scanOne(p, { maxFilesize: 100 })).toMatchObject({ skipped: 'too-large', bytes: 0 });
    expect(scanOne(p, { maxFilesize: 103 }).counters![0]!.matched).toBe(true);
  });

  test('several counters are answered from one read', () => {
    const counters = [c3, new Counter('x', 2, Reset.NoReset).handle, new Counter('z', 1, Reset.NoReset).handle];
    const [r] = testHooks().scanFiles([file('multi', 'x ccc x')], counters);
    expect(r!.counters!.map((e) => e.matched)).toEqual([true, true, false]);
  });

  test('an unreadable file is EACCES for an unprivileged user', () => {
    const secret = file('secret', 'ccc');
    chmodSync(secret, 0o000);
    if (process.getuid?.() !== 0) {
      expect(scanOne(secret).error?.code).toBe('EACCES');
      return;
    }
    const addon = join(repoRoot, 'native', `charcount.${platformTriple()}.node`);
    const script = `const n = require(${JSON.stringify(addon)});
       const c = n.createCounter('c', 1, 2);
       process.stdout.write(JSON.stringify(n.scanFiles([${JSON.stringify(secret)}], [c])[0]));`;
    const run = spawnSync(...unprivileged(process.execPath, ['-e', script]), { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      path: secret,
      bytes: 0,
      error: { errno: 13, code: '', message: 'Permission denied' },
    });
  });

  test('bad arguments are TypeErrors (the addon checks its own: the API checked them before)', () => {
    const addon = loadNative().binding;
    const c = addon.createCounter('c', 3, 0);
    expect(() => addon.scanFiles(42 as never, [c])).toThrow(TypeError);
    expect(() => addon.scanFiles([1 as never], [c])).toThrow(/paths\[0\] must be a string/);
    expect(() => addon.scanFiles([], [])).toThrow(/at least one counter/);
    expect(() => addon.scanFiles([], [{} as never])).toThrow(/native handle/);
  });
});
