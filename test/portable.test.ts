/**
 * The portable back end against the native core, side by side in one process whichever
 * back end the run uses: the counter on every conformance vector and on random inputs in
 * random chunks, the file reader on every kind of file and every read option, the walker
 * on random trees with random rules and globs that do not parse; and the public API,
 * which checks every argument before either back end sees it, rejecting bad ones with the
 * same errors whichever back end runs.
 */
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Backend, ReadOptions, TestHooks, WalkOptions } from '../src/backends/backend.js';
import { nativeBackend } from '../src/backends/native.js';
import { portableBackend, portableTestHooks } from '../src/backends/portable/binding.js';
import { loadNative, platformTriple } from '../src/internal.js';
import { allVectors, randomChunks, repoRoot, resetOf, tempDir, unprivileged } from './helpers.js';
import { resetCode } from '../src/scan/counter.js';

/** A back end with its test hooks. */
type Both = Backend & TestHooks;
const addon = loadNative().binding;
const native: Both = { ...nativeBackend(addon), scanFiles: addon.scanFiles, seedHasCount: addon.seedHasCount };
const portable: Both = { ...portableBackend, ...portableTestHooks };

/** What a call returns, or the kind and message of what it throws. */
function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    return { threw: e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e) };
  }
}

/** The same call on both back ends gives the same answer (or the same error). */
function same(call: (b: Both) => unknown, label = ''): void {
  expect(
    outcome(() => call(portable)),
    label,
  ).toEqual(outcome(() => call(native)));
}

const enc = (s: string) => [...Buffer.from(s, 'utf8')];

describe('counter', () => {
  test('every conformance vector: whole, as a string, and in random chunks', () => {
    allVectors().forEach((v, i) => {
      const reset = resetCode(resetOf(v.reset));
      const [n, p] = [native.createCounter(v.what, v.min, reset), portable.createCounter(v.what, v.min, reset)];
      const label = `vector ${i}`;
      for (const full of [false, true])
        expect(portable.evaluate(p, v.input, { full }), label).toEqual(native.evaluate(n, v.input, { full }));
      expect(portable.hasCount(p, v.input), label).toBe(native.hasCount(n, v.input));
      const text = Buffer.from(v.input).toString('latin1');
      expect(portable.evaluate(p, text, { full: true }), label).toEqual(native.evaluate(n, text, { full: true }));
      for (const full of [false, true]) {
        const [sn, sp] = [native.createScanner(n, { full }), portable.createScanner(p, { full })];
        for (const chunk of randomChunks(v.input, i * 13 + (full ? 5 : 0))) {
          expect(portable.scannerFeed(sp, chunk), label).toBe(native.scannerFeed(sn, chunk));
        }
        expect(portable.scannerFinish(sp), label).toEqual(native.scannerFinish(sn));
      }
    });
  }, 60_000);

  /** Pieces inputs are made of: needles, resets, multi-byte text, broken UTF-8, filler. */
  const fragment = fc.oneof(
    fc.constantFrom(
      enc('c'),
      enc('\n'),
      enc(' '),
      enc(','),
      enc('é'),
      enc('😀'),
      enc('\uFFFD'),
      [0],
      [0xff],
      [0xc3],
      [0xf0, 0x9f, 0x98],
      [0xe2, 0x82],
    ),
    fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }),
    fc.constantFrom(40, 63, 64, 65, 300).map((n) => Array(n).fill(0x78)),
  );
  const caseArb = fc.record({
    what: fc.constantFrom('c', '\n', ' ', ',', 'é', '😀', '\0', '\uFFFD', 'x'),
    min: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 60 })),
    reset: fc.constantFrom(0, 1, 2),
    fragments: fc.array(fragment, { maxLength: 150 }),
    cuts: fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 15 }),
  });

  test('random inputs, whole and in random chunks, first hit and full', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const input = Uint8Array.from(c.fragments.flat());
        const [n, p] = [native.createCounter(c.what, c.min, c.reset), portable.createCounter(c.what, c.min, c.reset)];
        for (const full of [false, true]) {
          const want = native.evaluate(n, input, { full });
          expect(portable.evaluate(p, input, { full })).toEqual(want);
          // The portable scanner in the random chunks, the native one whole.
          const s = portable.createScanner(p, { full });
          let at = 0;
          for (const cut of c.cuts) {
            portable.scannerFeed(s, input.subarray(at, at + cut));
            at += cut;
            // Asking for the answer midway changes nothing that follows.
            if (cut % 3 === 0) portable.scannerFinish(s);
          }
          portable.scannerFeed(s, input.subarray(at));
          expect(portable.scannerFinish(s)).toEqual(want);
        }
      }),
      { numRuns: 500, seed: 20261126 },
    );
  }, 60_000);

  test('every hit (maxHits): whole and in random chunks, first hit and full, cut at the limit', () => {
    fc.assert(
      fc.property(caseArb, fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(2 ** 53 - 1)), (c, maxHits) => {
        const input = Uint8Array.from(c.fragments.flat());
        const [n, p] = [native.createCounter(c.what, c.min, c.reset), portable.createCounter(c.what, c.min, c.reset)];
        for (const full of [false, true]) {
          const want = native.evaluate(n, input, { full, maxHits });
          expect(portable.evaluate(p, input, { full, maxHits })).toEqual(want);
          const [sn, sp] = [native.createScanner(n, { full, maxHits }), portable.createScanner(p, { full, maxHits })];
          let at = 0;
          for (const cut of c.cuts) {
            // Both in the same chunks: a collecting scan says when it is past its limit.
            const chunk = input.subarray(at, at + cut);
            expect(portable.scannerFeed(sp, chunk)).toBe(native.scannerFeed(sn, chunk));
            at += cut;
          }
          portable.scannerFeed(sp, input.subarray(at));
          native.scannerFeed(sn, input.subarray(at));
          expect(portable.scannerFinish(sp)).toEqual(native.scannerFinish(sn));
        }
      }),
      { numRuns: 500, seed: 20261127 },
    );
  }, 60_000);

  test('histograms: whole and in random chunks, asked for midway, with a padded width', () => {
    fc.assert(
      fc.property(caseArb, fc.constantFrom(undefined, 1, 3), (c, asciiWidth) => {
        const input = Uint8Array.from(c.fragments.flat());
        const [n, p] = [native.createCounter(c.what, c.min, c.reset), portable.createCounter(c.what, c.min, c.reset)];
        const want = native.evaluate(n, input, { full: false, histogram: true });
        expect(portable.evaluate(p, input, { full: false, histogram: true })).toEqual(want);
        const [sn, sp] = [
          native.createScanner(n, { full: false, histogram: true }),
          portable.createScanner(p, { full: true, histogram: true }),
        ];
        let at = 0;
        for (const cut of c.cuts) {
          const chunk = input.subarray(at, at + cut);
          expect(portable.scannerFeed(sp, chunk)).toBe(native.scannerFeed(sn, chunk));
          at += cut;
          if (cut % 3 === 0) expect(portable.scannerFinish(sp)).toEqual(native.scannerFinish(sn));
        }
        portable.scannerFeed(sp, input.subarray(at));
        native.scannerFeed(sn, input.subarray(at));
        expect(portable.scannerFinish(sp, asciiWidth)).toEqual(native.scannerFinish(sn, asciiWidth));
      }),
      { numRuns: 500, seed: 20261128 },
    );
  }, 60_000);

  test('string input: UTF-8, lone surrogates as U+FFFD; the seed loop on valid UTF-8 only', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 120 }),
        fc.constantFrom('c', ' ', 'é', '\uFFFD'),
        fc.nat(3),
        fc.constantFrom(0, 1, 2),
        (s, what, min, reset) => {
          const [n, p] = [native.createCounter(what, min, reset), portable.createCounter(what, min, reset)];
          expect(portable.evaluate(p, s, { full: true })).toEqual(native.evaluate(n, s, { full: true }));
          same((b) => b.seedHasCount(b === native ? n : p, s));
        },
      ),
      { numRuns: 300, seed: 11 },
    );
    const [n, p] = [native.createCounter('c', 1, 0), portable.createCounter('c', 1, 0)];
    same((b) => b.seedHasCount(b === native ? n : p, Uint8Array.of(0x63, 0xff)));
  }, 60_000);
});

describe('file reader', () => {
  const { dir, cleanup } = tempDir();
  const server = createServer();
  const files: string[] = [];
  beforeAll(async () => {
    const file = (name: string, data: string | Uint8Array) => {
      writeFileSync(join(dir, name), data);
      files.push(name);
    };
    file('empty', '');
    file('hit', 'x\nc-c-c c\n');
    file('miss', 'c-c\nc c\n');
    file('binary', Buffer.from('ccc\0ccc'));
    file('late-nul', Buffer.concat([Buffer.alloc(5000, 'x'), Buffer.from([0]), Buffer.from('ccc\n')]));
    const big = Buffer.alloc(300_000, 'x');
    big.write('c\nccé', 70_000);
    big.write('éé😀c,c,c', 262_142);
    big.write('\n', 299_001);
    file('big', big);
    file('utf8', 'é😀é😀 éé\n😀😀😀 c c c');
    // Byte-order marks, UTF-16 with a surrogate pair and an odd last byte, a file that is only a mark's first byte.
    const utf16 = 'c,c c\né😀é é\n😀😀 😀 c\n';
    const be = Buffer.from(utf16, 'utf16le').swap16();
    file('utf16le-bom', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16, 'utf16le'), Buffer.from([0x63])]));
    file('utf16be-bom', Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
    file('utf16le-plain', Buffer.from(utf16, 'utf16le'));
    file('utf8-bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('ccc é é\n')]));
    file('mark-prefix', Buffer.from([0xef, 0xbb]));
    mkdirSync(join(dir, 'sub'));
    files.push('sub', 'hit/below', 'missing', '');
    symlinkSync(join(dir, 'hit'), join(dir, 'link'));
    symlinkSync(join(dir, 'sub'), join(dir, 'dirlink'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
    files.push('link', 'dirlink', 'dangling', 'loop-a');
    expect(spawnSync('mkfifo', [join(dir, 'fifo')]).status).toBe(0);
    files.push('fifo');
    await new Promise<void>((resolve) => server.listen(join(dir, 'socket'), resolve));
    files.push('socket');
    file('secret', 'ccc');
    chmodSync(join(dir, 'secret'), 0o000);
  });
  afterAll(() => {
    server.close();
    cleanup();
  });

  const counters = (b: Both) => [
    b.createCounter('c', 3, 0),
    b.createCounter('é', 2, 1),
    b.createCounter('😀', 3, 2),
    b.createCounter(',', 0, 0),
  ];
  const optionSets: ReadOptions[] = [
    {},
    { full: true },
    { scanBinary: true },
    { follow: true, full: true },
    { maxFilesize: 8 },
    { chunkSize: 5, full: true },
    { chunkSize: 7 },
    { chunkSize: 4096, full: true, scanBinary: true },
    { budgetBytes: 10 },
    { stopAtBytes: 6000 },
    { readOnly: true },
    { maxHits: 1 },
    { maxHits: 3, chunkSize: 7 },
    { maxHits: 1000, full: true },
    { maxHits: 2, budgetHits: 3 },
    { bomSniff: false, full: true },
    { encoding: 'utf-16le', maxHits: 100 },
    { encoding: 'utf-16be', bomSniff: false, chunkSize: 3, full: true },
    { encoding: 'utf-8', chunkSize: 1, maxHits: 5 },
    { histogram: true },
    { histogram: true, chunkSize: 3 },
    { histogram: true, encoding: 'utf-16le', chunkSize: 5 },
  ];

  test('scanFiles and scanBatch: every kind of file, every read option', () => {
    const absolute = files.map((f) => (f === '' ? '' : join(dir, f)));
    for (const options of optionSets) {
      const label = JSON.stringify(options);
      same((b) => b.scanFiles(absolute, counters(b), options), label);
      same((b) => b.scanBatch(absolute, counters(b), options), label);
      same((b) => b.scanBatch(files.join('\0'), counters(b), { ...options, cwd: dir }), label);
    }
  }, 60_000);

  test('hints: a path the walker saw as a regular file is opened first; a named link is followed', () => {
    for (const bits of [1, 2, 3]) {
      const hints = new Uint8Array(files.length).fill(bits);
      same((b) => b.scanBatch(files.join('\0'), counters(b), { cwd: `${dir}/`, hints, full: true }), `hints ${bits}`);
    }
  });

  test('cancel flags, budgets and odd paths', () => {
    const paths = [join(dir, 'hit'), join(dir, 'big'), join(dir, 'miss')];
    same((b) => b.scanBatch(paths, counters(b), { cancel: Int32Array.of(1) }));
    same((b) => b.scanBatch(paths, counters(b), { cancel: new Int32Array(new SharedArrayBuffer(4)) }));
    same((b) => b.scanBatch(paths, counters(b), { stopAtBytes: 0 }));
    same((b) => b.scanFiles(['a\0b', 'relative-missing', '/proc/version'], counters(b), { full: true }));
    same((b) => b.scanBatch('', counters(b), {}));
  });

  test('names that are not UTF-8, as path strings with their bytes escaped (and a cwd so named)', () => {
    const odd = Buffer.concat([Buffer.from(`${dir}/`), Buffer.from([0x64, 0xff, 0xc3])]);
    mkdirSync(odd, { recursive: true });
    writeFileSync(Buffer.concat([odd, Buffer.from('/f\xe9', 'latin1')]), 'c-c-c\n');
    const escaped = `${dir}/d\udcff\udcc3`;
    const paths = [`${escaped}/f\udce9`, `${escaped}/missing\udcff`, `${escaped}/f\ud800`];
    same((b) => b.scanFiles(paths, counters(b), { full: true }));
    same((b) => b.scanBatch(paths.join('\0'), counters(b), {}));
    same((b) => b.scanBatch(['f\udce9', 'f\udce9/x'], counters(b), { cwd: escaped }));
  });

  test('an unreadable file is the same EACCES', () => {
    const secret = join(dir, 'secret');
    if (process.getuid?.() !== 0) {
      same((b) => b.scanFiles([secret], counters(b)));
      return;
    }
    // Root reads everything: both back ends run in a child without that privilege.
    const addonFile = join(repoRoot, 'native', `charcount.${platformTriple()}.node`);
    const portableModule = pathToFileURL(join(repoRoot, 'dist', 'src', 'backends', 'portable', 'binding.js')).href;
    const script = `import { createRequire } from 'node:module';
      const native = createRequire(import.meta.url)(${JSON.stringify(addonFile)});
      const { portableBackend, portableTestHooks } = await import(${JSON.stringify(portableModule)});
      const scan = (b, hooks) => hooks.scanFiles([${JSON.stringify(secret)}], [b.createCounter('c', 3, 0)])[0];
      process.stdout.write(JSON.stringify([scan(native, native), scan(portableBackend, portableTestHooks)]));`;
    const run = spawnSync(...unprivileged(process.execPath, ['--input-type=module', '-e', script]), {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const [fromNative, fromPortable] = JSON.parse(run.stdout) as unknown[];
    expect(fromNative).toMatchObject({ bytes: 0, error: { errno: 13, message: 'Permission denied' } });
    expect(fromPortable).toEqual(fromNative);
  });
});

describe('walker', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  /** Everything a walk reports, in order, taken `step` at a time. */
  function walk(b: Both, root: string, hidden: boolean, follow: boolean, options: WalkOptions, step: number) {
    const w = b.createWalker('r', root, hidden, follow, options);
    const out: unknown[] = [];
    for (let i = 0; i < 100_000; i++) {
      const r = b.walkNext(w, step);
      out.push(r.files, [...r.regular], r.errors, r.badLines);
      if (r.done) return out;
    }
    throw new Error('the walk did not end');
  }

  const names = ['a', 'b', 'c.rs', 'd.txt', 'x.log', '.h', '.git', 'É', 'node_modules', 'A.RS'];
  const nameArb = fc.constantFrom(...names);
  const entryArb = fc.record({
    path: fc.array(nameArb, { minLength: 1, maxLength: 4 }),
    kind: fc.constantFrom('file', 'file', 'file', 'dir', 'link-up', 'link-file', 'dangling'),
  });
  /** Rules and globs from the pieces their syntax is made of. */
  const patternArb = fc
    .array(
      fc.constantFrom(
        '*',
        '**',
        '?',
        '/',
        '!',
        'a',
        'c',
        '.rs',
        '.log',
        'd',
        '[a-c]',
        '[!x]',
        '{a,b}',
        '\\',
        'É',
        '.h',
        ' ',
        '\t',
        ']',
        '-',
        ',',
        '{',
        '}',
        '#',
        '[É-é]',
        '[^/]',
        '**/',
      ),
      { minLength: 1, maxLength: 5 },
    )
    .map((parts) => parts.join(''));
  const caseArb = fc.record({
    entries: fc.array(entryArb, { maxLength: 25 }),
    ignoreFiles: fc.array(
      fc.record({
        at: fc.array(nameArb, { maxLength: 2 }),
        name: fc.constantFrom('.gitignore', '.ignore', '.rgignore'),
        lines: fc.array(patternArb, { maxLength: 5 }),
      }),
      { maxLength: 4 },
    ),
    // --ignore-file: rules in files outside the tree, lowest precedence first.
    extraIgnoreFiles: fc.array(fc.array(patternArb, { maxLength: 4 }), { maxLength: 2 }),
    gitRoot: fc.boolean(),
    hidden: fc.boolean(),
    follow: fc.boolean(),
    options: fc.record(
      {
        ignoreFiles: fc.boolean(),
        vcsIgnoreFiles: fc.boolean(),
        globs: fc.array(patternArb, { maxLength: 3 }),
        iglobs: fc.array(patternArb, { maxLength: 2 }),
        excludes: fc.array(
          patternArb.map((p) => `!${p}`),
          { maxLength: 2 },
        ),
        types: fc.array(fc.constantFrom('*.rs', '!*.rs', '*.log', 'd.*', '!x.*'), { maxLength: 3 }),
        maxDepth: fc.integer({ min: 0, max: 4 }),
        filesOnly: fc.boolean(),
        maxFilesize: fc.integer({ min: 0, max: 3 }),
      },
      { requiredKeys: [] },
    ),
    // Where the walk starts (the root or a directory in it) and what the globs are relative to.
    start: fc.constantFrom('', 'a', 'b/c.rs'),
    cwdAt: fc.constantFrom(undefined, '', 'a'),
    step: fc.integer({ min: 1, max: 7 }),
  });

  test('random trees, rules and options: the same files, in the same order, with the same errors and bad lines', () => {
    let n = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const root = join(dir, `t${n++}`);
        mkdirSync(root);
        if (c.gitRoot) mkdirSync(join(root, '.git'));
        for (const e of c.entries) {
          const p = join(root, ...e.path);
          try {
            mkdirSync(join(p, '..'), { recursive: true });
            if (e.kind === 'file') writeFileSync(p, 'x'.repeat(e.path.length));
            else if (e.kind === 'dir') mkdirSync(p, { recursive: true });
            else if (e.kind === 'link-up') symlinkSync(root, p);
            else if (e.kind === 'link-file') symlinkSync(join(root, 'a'), p);
            else symlinkSync(join(root, 'nowhere'), p);
          } catch {
            // A name taken by an earlier entry (a file where a directory is wanted, …).
          }
        }
        for (const f of c.ignoreFiles) {
          try {
            writeFileSync(join(root, ...f.at, f.name), f.lines.join('\n'));
          } catch {
            // Its directory is a file or is missing.
          }
        }
        const extraIgnoreFiles = c.extraIgnoreFiles.map((lines, i) => {
          const file = join(dir, `t${n - 1}.extra${i}`);
          writeFileSync(file, lines.join('\n'));
          return file;
        });
        const options = {
          ...c.options,
          extraIgnoreFiles,
          ...(c.cwdAt === undefined ? {} : { cwd: join(root, c.cwdAt) }),
        };
        same((b) => walk(b, join(root, c.start), c.hidden, c.follow, options, c.step), JSON.stringify(c));
        rmSync(root, { recursive: true, force: true });
      }),
      {
        numRuns: Number(process.env.CHARCOUNT_WALK_RUNS ?? 250),
        seed: Number(process.env.CHARCOUNT_WALK_SEED ?? 4242),
      },
    );
  }, 60_000);

  test('a name that is not UTF-8, an unreadable directory, a followed loop, a global excludes file', () => {
    const root = join(dir, 'odd');
    mkdirSync(join(root, 'sub', 'deep'), { recursive: true });
    const notUtf8 = (d: string, name: number[]) => Buffer.concat([Buffer.from(`${d}/`), Buffer.from(name)]);
    writeFileSync(notUtf8(root, [0x62, 0xff, 0x2e, 0x74]), 'x');
    writeFileSync(notUtf8(join(root, 'sub'), [0xc3, 0x28]), 'x');
    writeFileSync(join(root, 'sub', 'deep', 'f.tmp'), 'x');
    symlinkSync(root, join(root, 'sub', 'deep', 'up'));
    mkdirSync(join(root, 'locked'));
    chmodSync(join(root, 'locked'), 0o000);
    // git's global excludes file, found from HOME as the native walker finds it.
    const home = join(dir, 'home');
    mkdirSync(home);
    writeFileSync(join(home, '.gitconfig'), '[core]\n\texcludesFile = ~/excludes\n');
    writeFileSync(join(home, 'excludes'), '*.tmp\n');
    mkdirSync(join(root, '.git'));
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      for (const follow of [false, true]) {
        for (const ignoreFiles of [false, true]) same((b) => walk(b, root, true, follow, { ignoreFiles }, 3));
      }
    } finally {
      process.env.HOME = saved;
      chmodSync(join(root, 'locked'), 0o700);
    }
  });

  test('a glob that does not parse: the same RangeError, the glob quoted as the native core quotes it', () => {
    const calls: [string, WalkOptions][] = [
      ['an unclosed class', { globs: ['[a'] }],
      ['a dangling escape', { iglobs: ['ok', 'a\\'] }],
      ['a reversed range', { types: ['[z-a]'] }],
      ['a reversed range, excluded', { types: ['*.rs', '!x[é-a]'] }],
      ['an unclosed brace', { globs: ['{a'] }],
      ['nested braces', { globs: ['!{a,{b,c}}'] }],
      ['quotes, a backslash, control characters, a lone surrogate', { globs: ['x', '\\\t"\u0001\u007f\ud800é['] }],
      ['after a good type', { types: ['*.rs', '!{x'] }],
    ];
    for (const [label, options] of calls) {
      same((b) => b.createWalker('', dir, false, false, options), label);
      expect(() => portable.createWalker('', dir, false, false, options), label).toThrow(RangeError);
    }
  });
});

describe('the public API', () => {
  /** Calls with a bad argument each, as a script's lines: `label|expression`. */
  const calls = [
    ['what not a string', 'new Counter(1, 1)'],
    ['two characters', "new Counter('ab', 1)"],
    ['empty what', "new Counter('', 1)"],
    ['a lone surrogate', "new Counter('\\ud800', 1)"],
    ['negative min', "new Counter('c', -1)"],
    ['fractional min', "new Counter('c', 1.5)"],
    ['infinite min', "new Counter('c', Infinity)"],
    ['min past 2^53', "new Counter('c', 2 ** 53)"],
    ['min a string', "new Counter('c', '3')"],
    ['reset 3', "new Counter('c', 1, 3)"],
    ['reset 0.5', "new Counter('c', 1, 0.5)"],
    ['input a number', 'c.hasCount(5)'],
    ['input a Uint16Array', 'c.firstHit(new Uint16Array(2))'],
    ['input null', 'c.fullScan(null)'],
    ['input an object', 'c.allHits({})'],
    ['input undefined', 'c.histogram()'],
    ['stream options null', 'c.stream(null)'],
    ['stream full not a boolean', 'c.stream({ full: 1 })'],
    ['stream allHits not a boolean', "c.stream({ allHits: 'yes' })"],
    ['stream maxHits without allHits', 'c.stream({ maxHits: 3 })'],
    ['stream maxHits 0', 'c.stream({ allHits: true, maxHits: 0 })'],
    ['stream maxHits 1.5', 'c.stream({ allHits: true, maxHits: 1.5 })'],
    ['stream maxHits past 2^53', 'c.stream({ allHits: true, maxHits: 2 ** 53 })'],
    ['stream histogram not a boolean', 'c.stream({ histogram: 1 })'],
    ['stream histogram with allHits', 'c.stream({ histogram: true, allHits: true })'],
    ['negative maxFilesize', 'scan({ counter: c, maxFilesize: -1 })'],
    ['fractional maxFilesize', 'scan({ counter: c, maxFilesize: 1.5 })'],
    ['binary neither skip nor scan', "scan({ counter: c, binary: 'all' })"],
    ['an unknown encoding', "scan({ counter: c, encoding: 'klingon' })"],
    ['encodingSniff not a boolean', "scan({ counter: c, encodingSniff: 'no' })"],
    ['maxHits without allHits', 'scan({ counter: c, maxHits: 5 })'],
    ['maxHits 0', 'scan({ counter: c, allHits: true, maxHits: 0 })'],
    ['maxHits past 2^53', 'scan({ counter: c, allHits: true, maxHits: 2 ** 53 })'],
    ['histogram with allHits', 'scan({ counter: c, histogram: true, allHits: true })'],
    ['histogram not a boolean', "scan({ counter: c, histogram: 'yes' })"],
    ['fullScan not a boolean', 'scan({ counter: c, fullScan: 1 })'],
    ['ignoreFiles not a boolean', "scan({ counter: c, ignoreFiles: 'yes' })"],
    ['a glob not a string', 'scan({ counter: c, globs: [1] })'],
    ['an unclosed class', "scan({ counter: c, globs: ['[a'] })"],
    ['a dangling escape', "scan({ counter: c, iglobs: ['ok', 'a\\\\'] })"],
    ['an unclosed brace', "scan({ counter: c, ignore: ['{a'] })"],
    ['nested braces', "scan({ counter: c, globs: ['{a,{b,c}}'] })"],
    ['a glob with quotes and control characters', "scan({ counter: c, globs: ['\\t\"\\u0001\\u007f['] })"],
    ['a type of a glob that does not parse', "scan({ counter: c, types: ['x'], typeDefinitions: { x: ['[z-a]'] } })"],
    ['an unknown type', "scan({ counter: c, types: ['klingon'] })"],
    ['negative maxDepth', 'scan({ counter: c, maxDepth: -1 })'],
    ['fractional maxDepth', 'scan({ counter: c, maxDepth: 1.5 })'],
    ['maxDepth a string', "scan({ counter: c, maxDepth: '1' })"],
    ['no threads', 'scan({ counter: c, threads: 0 })'],
    ['batchSize 0', 'scan({ counter: c, batchSize: 0 })'],
    ['no counter', 'scan({ counters: [] })'],
    ['scanFiles with a bad glob-free option', 'scanFiles([], { counter: c, maxFilesize: -1 })'],
  ];

  /** What each call throws (kind and message), under `CHARCOUNT_BACKEND=backend`. */
  function outcomes(backend: 'native' | 'portable'): string[][] {
    const index = pathToFileURL(join(repoRoot, 'dist', 'src', 'index.js')).href;
    const script = `const { Counter, scan, scanFiles } = await import(${JSON.stringify(index)});
      const c = new Counter('c', 1);
      const out = [];
      ${calls
        .map(
          ([label, call]) => `try { ${call}; out.push([${JSON.stringify(label)}, 'no error']); }
            catch (e) { out.push([${JSON.stringify(label)}, e.constructor.name + ': ' + e.message]); }`,
        )
        .join('\n')}
      process.stdout.write(JSON.stringify(out));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, CHARCOUNT_BACKEND: backend },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as string[][];
  }

  test('rejects every bad argument before a back end sees it: the same errors on both', () => {
    const [fromNative, fromPortable] = [outcomes('native'), outcomes('portable')];
    expect(fromNative).toHaveLength(calls.length);
    for (const [label, outcome] of fromNative) expect(outcome, label).toMatch(/^(TypeError|RangeError): /);
    expect(fromPortable).toEqual(fromNative);
  });
});
