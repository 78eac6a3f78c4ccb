/**
 * discover: turns patterns, files and directories into a stream of paths to scan, plus
 * error records for whatever could not be listed — nothing is dropped silently.
 *
 * * An input that names an existing directory is searched recursively — by the native
 *   walker, or by fast-glob when there are ignore patterns to apply; one that names
 *   anything else that exists (a file, a FIFO, a link) is taken as given and left to the
 *   reader to classify; anything else is a glob, unless it has no glob syntax, in which
 *   case it is an error record (`ENOENT`, …).
 * * Globs go to one fast-glob stream; its walk pauses (its `readdir`s wait) while the
 *   stream holds `BUFFERED_ENTRIES`, so discovery stops when the scan stops pulling.
 * * fast-glob reads directories through an `fs` adapter: a failed `readdir` becomes an
 *   error record and the walk goes on; with `follow`, a directory that is its own
 *   ancestor (a symlink loop) is reported as `ELOOP` and not entered again.
 */
import type { Entry, FileSystemAdapter } from 'fast-glob';
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { lstat, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileErrorOf } from '../core/codec.js';
import { native } from '../core/native.js';
import type { FileError } from '../core/types.js';
import { HINT_FOLLOW, HINT_REGULAR } from '../core/wire-format.js';

/** The error of a name that is not valid UTF-8 (the native walker's words). */
const NOT_UTF8: FileError = { code: 'EILSEQ', message: 'file name is not valid UTF-8' };

/** Paths the native walker lists per call. */
const WALK_STEP = 1024;

/** Entries fast-glob may hold for us before its walk pauses. */
const BUFFERED_ENTRIES = 4096;

export interface DiscoverOptions {
  patterns: string[];
  cwd: string;
  ignore: string[];
  hidden: boolean;
  follow: boolean;
}

/**
 * A path to scan (with `HINT_*` bits), or one that failed before it could be; `at` is its
 * position in the caller's order where that matters (a queue worker's job).
 */
export type Discovered =
  { path: string; hints?: number; at?: number; error?: undefined } | { path: string; at?: number; error: FileError };

function fileError(e: unknown): FileError {
  const err = e as NodeJS.ErrnoException;
  const text = String(err?.message ?? e)
    .replace(/^[A-Z]+: /, '')
    .replace(/, \w+ '.*'$/, '');
  const message = text.charAt(0).toUpperCase() + text.slice(1);
  return { code: err?.code ?? 'EIO', message };
}

/** The path as reported: relative inputs stay relative to `cwd`, absolute ones absolute. */
function display(input: string, cwd: string, abs: string): string {
  return isAbsolute(input) ? abs : relative(cwd, abs) || '.';
}

// An ignore pattern without a slash matches a name at any depth, as in .gitignore.
function anyDepth(pattern: string): string {
  return pattern.includes('/') ? pattern : `**/${pattern}`;
}

/** fast-glob and micromatch load only for runs that match patterns (they cost ~30 ms). */
const globber = async () => ({
  fg: (await import('fast-glob')).default,
  micromatch: (await import('micromatch')).default,
});
type Globber = Awaited<ReturnType<typeof globber>>;

/** Yields what it finds in batches (a walk step, a glob entry), in discovery order. */
export async function* discover(o: DiscoverOptions): AsyncGenerator<Discovered[]> {
  let lib: Globber | undefined;
  const globs: string[] = [];
  const dirs: { abs: string; base: string }[] = [];
  const files = new Map<string, Discovered>(); // absolute → as reported

  // Classify the inputs first, so that overlaps are settled per input rather than per
  // file: a file set of millions must not need a set of millions to be deduplicated.
  for (const input of o.patterns) {
    const abs = resolve(o.cwd, input);
    let info: fs.Stats | undefined;
    let statError: unknown;
    try {
      info = await (o.follow ? stat(abs) : lstat(abs));
      // An explicit link to a directory is searched even without `follow`.
      if (!o.follow && info.isSymbolicLink()) info = (await stat(abs).catch(() => info))!;
    } catch (e) {
      statError = e;
    }
    if (info?.isDirectory()) dirs.push({ abs, base: isAbsolute(input) ? abs : relative(o.cwd, abs) });
    // A file named explicitly is read even through a link (as ripgrep does).
    else if (info) files.set(abs, { path: display(input, o.cwd, abs), hints: HINT_FOLLOW });
    else if ((lib ??= await globber()).fg.isDynamicPattern(input)) globs.push(input);
    else yield [{ path: input, error: fileError(statError) }];
  }
  // A directory inside another one given too is searched once, as part of the outer one.
  const inside = (abs: string, dir: string) => abs === dir || abs.startsWith(dir.endsWith(sep) ? dir : dir + sep);
  const outer = dirs
    .sort((a, b) => a.abs.length - b.abs.length)
    .filter((d, i, all) => !all.slice(0, i).some((e) => inside(d.abs, e.abs)));
  if (files.size) yield [...files.values()];
  // Only paths that may repeat are checked against what was already reported: those
  // under a directory that also contains an explicit file, and glob results when other
  // inputs were given.
  const reported = new Set(files.keys());
  const walked = o.ignore.length === 0 ? outer : [];
  /** Whether the walk of `dir` reports `abs` (it leaves out hidden names unless asked). */
  const walkReports = (abs: string, dir: string) =>
    inside(abs, dir) &&
    (o.hidden ||
      !relative(dir, abs)
        .split(sep)
        .some((part) => part.startsWith('.')));
  const fresh = (path: string) => {
    const abs = resolve(o.cwd, path);
    if (walked.some((d) => walkReports(abs, d.abs))) return false;
    return !reported.has(abs) && !!reported.add(abs);
  };

  for (const { abs, base } of outer) {
    if (o.ignore.length === 0) {
      // No pattern to match: the native walker lists the tree (see native/src/walker.rs).
      const overlaps = [...files.keys()].some((f) => inside(f, abs));
      // Ignore files stay off until every walk (the glob walk too) and the CLI honour them alike.
      const walker = native.createWalker(base, abs, o.hidden, o.follow, { ignoreFiles: false });
      for (let done = false; !done;) {
        const step = native.walkNext(walker, WALK_STEP);
        done = step.done;
        const found: Discovered[] = step.errors.map((e) => ({ path: e.path, error: fileErrorOf(e) }));
        if (step.files !== '') {
          step.files.split('\0').forEach((path, i) => {
            if (!overlaps || !files.has(resolve(o.cwd, path)))
              found.push({ path, hints: step.regular[i] ? HINT_REGULAR : 0 });
          });
        }
        if (found.length) yield found;
      }
    } else {
      lib ??= await globber();
      globs.push(base === '' ? '**' : `${lib.fg.escapePath(base.split(sep).join('/'))}/**`);
    }
  }
  const dedupGlobs = globs.length > 0 && (globs.length > 1 || files.size > 0 || outer.length > 0);
  if (globs.length === 0) return;
  const { fg, micromatch } = lib!;

  /** What the `readdir` adapter found beside the stream: error records, newline-named files. */
  const adapterFinds: Discovered[] = [];
  // fast-glob's walker pushes entries without regard for backpressure; holding back its
  // next `readdir` while the stream's buffer is full is what keeps memory flat.
  let waiting: (() => void)[] = [];
  const gate = () =>
    (stream as unknown as Readable).readableLength < BUFFERED_ENTRIES
      ? Promise.resolve()
      : new Promise<void>((r) => waiting.push(r));
  const adapter = readdirAdapter(o, adapterFinds, gate, globs, micromatch);
  const stream = fg.stream(globs, {
    cwd: o.cwd,
    ignore: o.ignore.map(anyDepth),
    dot: o.hidden,
    followSymbolicLinks: o.follow,
    onlyFiles: false,
    objectMode: true,
    unique: false, // deduplicated above, only where inputs can overlap
    fs: adapter,
  });
  for await (const entry of stream as AsyncIterable<Entry>) {
    if (waiting.length && (stream as unknown as Readable).readableLength < BUFFERED_ENTRIES / 2) {
      for (const resume of waiting) resume();
      waiting = [];
    }
    if (adapterFinds.length) yield adapterFinds.splice(0);
    if (entry.dirent.isDirectory()) continue;
    if (dedupGlobs && !fresh(entry.path)) continue;
    // Node decodes names as UTF-8: one that is not valid UTF-8 comes back with U+FFFD and
    // names no file. Say so, as the native walker does, rather than "ENOENT".
    if (entry.path.includes('\uFFFD') && !(await lstat(resolve(o.cwd, entry.path)).catch(() => undefined))) {
      yield [{ path: entry.path, error: NOT_UTF8 }];
      continue;
    }
    yield [{ path: entry.path }];
  }
  if (adapterFinds.length) yield adapterFinds.splice(0);
}

/**
 * fast-glob's matcher (picomatch) does not match a name holding a newline against most
 * patterns (`**` among them), so such files would vanish silently. They are matched here instead, with the newline stood in for by
 * an ordinary character, and reported beside the walk; a directory so named cannot be
 * searched by fast-glob and is reported as an error.
 */
function newlineNamed(
  o: DiscoverOptions,
  globs: string[],
  micromatch: Globber['micromatch'],
  dir: string,
  entries: fs.Dirent[],
  out: Discovered[],
): void {
  for (const entry of entries) {
    if (!entry.name.includes('\n')) continue;
    const abs = resolve(o.cwd, dir, entry.name);
    const rel = relative(o.cwd, abs);
    const matches = (stand: (p: string) => string) =>
      globs.some((g) => micromatch.isMatch(stand(isAbsolute(g) ? abs : rel), g, { dot: o.hidden }));
    // Some patterns (`*.txt`) do match newlines: fast-glob reports those itself.
    if (matches((p) => p) || !matches((p) => p.replaceAll('\n', '\u2424'))) continue;
    if (micromatch.isMatch(rel.replaceAll('\n', '\u2424'), o.ignore.map(anyDepth), { dot: true })) continue;
    if (entry.isDirectory()) {
      out.push({
        path: rel,
        error: { code: 'EUNSUPPORTED', message: 'directories whose names hold a newline are not searched' },
      });
    } else {
      out.push({ path: globs.some(isAbsolute) ? abs : rel });
    }
  }
}

function readdirAdapter(
  o: DiscoverOptions,
  found: Discovered[],
  gate: () => Promise<void>,
  globs: string[],
  micromatch: Globber['micromatch'],
): Partial<FileSystemAdapter> {
  const errors = found;
  const shown = (dir: string) => {
    const p = isAbsolute(dir) ? relative(o.cwd, dir) : dir;
    return p === '' ? '.' : p.startsWith('..') ? resolve(o.cwd, dir) : p;
  };
  const reals = new Map<string, Promise<string>>();
  const real = (path: string) => {
    let r = reals.get(path);
    if (!r) reals.set(path, (r = realpath(path)));
    return r;
  };
  /** The real path of the ancestor `abs` repeats, if it does. */
  const loopOf = async (abs: string): Promise<string | undefined> => {
    if (abs === o.cwd) return undefined;
    const mine = await real(abs);
    for (let up = dirname(abs); ; up = dirname(up)) {
      const theirs = await real(up).catch(() => undefined);
      if (theirs !== undefined && (theirs === mine || theirs.startsWith(mine.endsWith(sep) ? mine : mine + sep)))
        return mine;
      if (dirname(up) === up) return undefined;
    }
  };
  const readdir = ((dir: string, options: unknown, callback: (err: Error | null, entries: unknown[]) => void) => {
    const list = () =>
      void gate().then(() =>
        fs.readdir(dir, options as { withFileTypes: true }, (err, entries) => {
          if (err) {
            errors.push({ path: shown(dir), error: fileError(err) });
            callback(null, []);
          } else {
            if (options && (options as { withFileTypes?: boolean }).withFileTypes) {
              newlineNamed(o, globs, micromatch, dir, entries, found);
            }
            callback(null, entries);
          }
        }),
      );
    if (!o.follow) return list();
    // A directory whose real path is that of a directory above it on the walked path (or
    // above that one's real path) is a loop: siblings that link to each other included.
    const abs = resolve(o.cwd, dir);
    loopOf(abs).then(
      (ancestor) => {
        if (ancestor !== undefined) {
          errors.push({
            path: shown(dir),
            error: { code: 'ELOOP', message: `symbolic link loop: ${shown(dir)} is ${ancestor}, already searched` },
          });
          callback(null, []);
        } else {
          list();
        }
      },
      () => list(),
    );
  }) as unknown as typeof fs.readdir;
  return { readdir };
}
