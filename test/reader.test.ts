/** The native file reader on the file kinds contract §2 names. */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Counter, Reset } from '../src/scan/counter.js';
import { scanFiles } from '../src/index.js';
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

/**
 * sysfs attributes report a size of 4096 (a page) and hold a few bytes: end-of-file before
 * that size is where they end, not a shrink. Every readable attribute of the loopback
 * interface (present in every network namespace) whose size says more than it holds.
 */
const sysfsAttributes = (() => {
  const dir = '/sys/class/net/lo';
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .flatMap((path) => {
      try {
        const size = statSync(path);
        const content = readFileSync(path);
        return size.isFile() && size.size > content.length ? [{ path, content }] : [];
      } catch {
        return []; // write-only, or EINVAL/EIO for this device: not what this is about
      }
    });
})();

describe('files whose size is not their content', () => {
  const newlines = new Counter('\n', 1, Reset.NoReset);
  test.skipIf(sysfsAttributes.length === 0)(
    'a sysfs attribute (4096 bytes said, a few held) is read to its end (skipped where no sysfs is mounted)',
    () => {
      for (const { path, content } of sysfsAttributes) {
        const [r] = testHooks().scanFiles([path], [newlines.handle], { full: true });
        expect(r, path).toEqual({
          path,
          bytes: content.length,
          counters: [
            expect.objectContaining({
              matched: content.includes(10),
              occurrences: content.filter((b) => b === 10).length,
            }),
          ],
        });
      }
    },
  );

  test.skipIf(sysfsAttributes.length === 0)(
    'so it is when decoded in JavaScript (another encoding) and through the API',
    async () => {
      const paths = sysfsAttributes.map((a) => a.path);
      for (const encoding of ['auto', 'latin1']) {
        const { records } = await scanFiles(paths, {
          counter: newlines,
          fullScan: true,
          encoding,
          threads: 1,
        }).result();
        expect(
          records.map((r) => [r.path, r.error, r.bytes, r.occurrences]),
          encoding,
        ).toEqual(
          sysfsAttributes.map((a) => [a.path, undefined, a.content.length, a.content.filter((b) => b === 10).length]),
        );
      }
    },
  );

  /**
   * A file that really shrinks while being read is still `ESHRUNK`: a terabyte of hole
   * (minutes to read) cut to nothing by another process once the reader's offset has moved.
   */
  test.runIf(process.platform === 'linux')(
    'a file truncated while being read is ESHRUNK, on every reading path',
    async () => {
      const truncator = `
        const { readdirSync, readlinkSync, readFileSync, truncateSync } = require('node:fs');
        const [pid, path] = process.argv.slice(1);
        const nap = new Int32Array(new SharedArrayBuffer(4));
        // (Gives up after a while, so that it never outlives a test that went wrong.)
        for (const until = Date.now() + 50000; Date.now() < until; ) {
          for (const fd of readdirSync('/proc/' + pid + '/fd')) {
            try {
              if (readlinkSync('/proc/' + pid + '/fd/' + fd) !== path) continue;
              const info = readFileSync('/proc/' + pid + '/fdinfo/' + fd, 'utf8');
              if (Number(/^pos:\\s+(\\d+)/m.exec(info)[1]) > 0) return truncateSync(path, 0);
            } catch {}
          }
          Atomics.wait(nap, 0, 0, 5);
        }
        process.exitCode = 1;`;
      for (const encoding of ['auto', 'latin1']) {
        const path = join(dir, `shrinking-${encoding}.txt`);
        const fd = openSync(path, 'w');
        writeSync(fd, 'abc\n');
        ftruncateSync(fd, 2 ** 40);
        closeSync(fd);
        const child = spawn(process.execPath, ['-e', `(() => {${truncator}})()`, String(process.pid), path], {
          stdio: 'inherit',
        });
        const exited = new Promise((resolve) => child.on('exit', resolve));
        const counter = new Counter(',', 1);
        const run = scanFiles([path], { counter, fullScan: true, binary: 'scan', encoding, threads: 1 });
        const [r] = (await run.result()).records;
        expect(await exited).toBe(0);
        expect(r!.error, encoding).toEqual({
          code: 'ESHRUNK',
          message: `file shrank while being read: ${2 ** 40} bytes expected, ${r!.bytes} read`,
        });
        expect(r!.bytes).toBeGreaterThan(0);
      }
    },
    60_000,
  );
});
