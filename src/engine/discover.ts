/**
 * discover: turns files, directories and glob patterns into a stream of paths to scan,
 * plus error records for whatever could not be listed — nothing is dropped silently.
 *
 * * An input that names an existing directory is walked by the native walker
 *   (native/src/walker.rs: ripgrep's, from the `ignore` crate), which selects files as
 *   ripgrep does: ignore files, `-g` globs (relative to `cwd`), `-t` types, `--max-depth`,
 *   the hidden rule. One that names anything else that exists (a file, a FIFO, a link) is
 *   taken as given and left to the reader to classify.
 * * Any other input is a glob pattern if it has glob syntax (fast-glob's reading of it),
 *   else an error record (`ENOENT`, …). A pattern is walked by the same native walker from
 *   its static base (fast-glob's, braces expanded), as deep as the pattern reaches, and
 *   its files are matched with micromatch (fast-glob's matcher): the same rules apply to
 *   a pattern as to a directory, on the same fast path.
 * * The walk is resumable, so discovery stops when the scan stops pulling.
 * * A line of an ignore file that is not a glob is left out of the rules, as ripgrep leaves
 *   it out, and told once to `onIgnoreWarning` in ripgrep's words (`badLineWarning`).
 */
import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileErrorOf, fsErrorOf } from '../core/fs-error.js';
import { recordPath } from '../core/path-bytes.js';
import type { Backend, BadLine, WalkOptions } from '../backends/backend.js';
import type { FileError } from '../core/types.js';
import { HINT_FOLLOW, HINT_REGULAR } from '../core/wire-format.js';

/** Paths the native walker lists per call. */
const WALK_STEP = 1024;

export interface DiscoverOptions {
  /** The back end that walks. */
  backend: Backend;
  patterns: string[];
  cwd: string;
  hidden: boolean;
  follow: boolean;
  /** Apply .gitignore, .ignore, .rgignore, .git/info/exclude and git's excludes file. */
  ignoreFiles: boolean;
  /** With `ignoreFiles`, the version-control ones too (.gitignore, exclude files). */
  vcsIgnoreFiles: boolean;
  /** `--ignore-file`s, as absolute paths, lowest precedence first. */
  extraIgnoreFiles: string[];
  /** ripgrep's `-g`: `glob` includes, `!glob` excludes, the last match wins. */
  globs: string[];
  /** ripgrep's `--iglob`: the same, case-insensitive, after `globs`. */
  iglobs: string[];
  /** `--exclude`: `!glob`s after `iglobs`, so that no glob brings back what they leave out. */
  excludes: string[];
  /** `-t`/`-T` file types as globs on a file's name: `glob` selects, `!glob` excludes. */
  typeGlobs: string[];
  /** 1 = a directory's own entries; undefined = no limit. */
  maxDepth: number | undefined;
  /**
   * Listing (`--files`): of what the walk finds, only what a scan reads — regular files
   * (through followed links), none over `maxFilesize` bytes — as `rg --files` lists them.
   * (A scan's own `maxFilesize` is the reader's: its files are recorded as skipped.)
   */
  listing?: { maxFilesize: number | undefined };
  /**
   * Told each line of an ignore file that is not a glob (left out of the rules), once:
   * ripgrep's warning (`badLineWarning`). `scan()`'s `onWarning`; the command line's unless
   * `--no-messages`.
   */
  onIgnoreWarning?: (message: string) => void;
  /** Each of `extraIgnoreFiles` → the path it was given as: what a warning names. */
  ignoreFileNames?: ReadonlyMap<string, string>;
}

/**
 * A path to scan (with `HINT_*` bits), or one that failed before it could be; `at` is its
 * position in the caller's order where that matters (a queue worker's job).
 */
export type Discovered =
  { path: string; hints?: number; at?: number; error?: undefined } | { path: string; at?: number; error: FileError };

/** `base` joined with `name` as the walker joins them ('' is the working directory). */
const joined = (base: string, name: string) =>
  base === '' ? name : base.endsWith('/') ? base + name : `${base}/${name}`;

/**
 * `input` made absolute against `cwd` as the OS resolves it when opening it (as `cat` and
 * ripgrep see it): a `..` after a symbolic link leads to the parent of where the link
 * points, not back to the directory holding the link, as `path.resolve`'s text-only
 * normalising would have it. Where a `..` follows something that is not a directory (or not
 * there), the rest stays as written, so that opening it fails as it does for the OS.
 */
export function resolveAsOpened(cwd: string, input: string): string {
  const parts = input.split('/');
  if (!parts.includes('..')) return resolve(cwd, input);
  let abs = isAbsolute(input) ? '/' : resolve(cwd);
  for (const [i, part] of parts.entries()) {
    if (part === '' || part === '.') continue;
    if (part !== '..') {
      abs = joined(abs, part);
      continue;
    }
    try {
      const info = lstatSync(abs);
      if (info.isSymbolicLink()) abs = realpathSync(abs);
      else if (!info.isDirectory()) throw new Error('not a directory');
    } catch {
      return joined(abs, parts.slice(i).join('/'));
    }
    abs = dirname(abs);
  }
  return abs;
}

/**
 * The path as reported: relative inputs stay relative to `cwd`, absolute ones absolute,
 * normalised. A `..` after a symbolic link cannot be normalised away (`lnk/..` is not `.`):
 * such an input is shown as written, less its `.` components, extra slashes and the `x/..`
 * that name the same directory (`x` a directory, not a link).
 */
function display(input: string, cwd: string, abs: string): string {
  if (abs === resolve(cwd, input)) return isAbsolute(input) ? abs : relative(cwd, abs) || '.';
  const root = isAbsolute(input) ? '/' : '';
  const shown: { name: string; link: boolean }[] = [];
  const text = () => joined(root, shown.map((s) => s.name).join('/'));
  for (const part of input.split('/')) {
    if (part === '' || part === '.') continue;
    const top = shown.at(-1);
    if (part !== '..') {
      shown.push({ name: part, link: false });
      // Looked up as written: the OS resolves the `..` before it.
      const path = root ? text() : joined(cwd, text());
      try {
        shown.at(-1)!.link = lstatSync(path).isSymbolicLink();
      } catch {
        // Not there: the input fails to open, and is shown as given.
      }
    } else if (top && top.name !== '..' && !top.link) shown.pop();
    else if (top || !root) shown.push({ name: part, link: false });
  }
  return text() || '.';
}

/** fast-glob and micromatch load only for runs given patterns (they cost ~30 ms). */
const globber = async () => ({
  fg: (await import('fast-glob')).default,
  micromatch: (await import('micromatch')).default,
});
type Globber = Awaited<ReturnType<typeof globber>>;

/** One walk: a directory given, or the static base of a glob pattern. */
interface Root {
  abs: string;
  /** How paths below it are shown ('' for the working directory). */
  base: string;
  /** For a pattern: which of the walked files it names (by their path below `abs`). */
  matches?: (below: string) => boolean;
  /** For a pattern: how deep it reaches below its base (undefined: any depth). */
  depth?: number;
  /** For a pattern that names hidden segments: walk them, the matcher decides. */
  hidden?: boolean;
}

const inside = (abs: string, dir: string) => abs === dir || abs.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/** The roots fast-glob would walk for `patterns`, each with its matcher. */
function patternRoots(o: DiscoverOptions, lib: Globber, patterns: string[]): Root[] {
  const { fg, micromatch } = lib;
  const roots: Root[] = [];
  for (const task of fg.generateTasks(patterns, { cwd: o.cwd, dot: o.hidden })) {
    const options = { dot: o.hidden };
    const negative = task.negative.map((p) => p.slice(1));
    const match = (path: string) =>
      micromatch.isMatch(path, task.positive, options) && !micromatch.isMatch(path, negative, options);
    const below = task.positive.map((p) => (task.base === '.' ? p : p.slice(task.base.length + 1)));
    const reach = below.map((p) => (p.includes('**') ? Infinity : p.split('/').length));
    const depth = Math.max(...reach);
    const abs = resolveAsOpened(o.cwd, task.base);
    // A file is matched as the pattern spells its path (`./` aside, which micromatch drops
    // from patterns only), whatever way it is shown.
    const written = (below: string) => joined(task.base === '.' ? '' : task.base, below).replace(/^(\.\/+)+/, '');
    roots.push({
      abs,
      base: display(task.base, o.cwd, abs).replace(/^\.$/, ''),
      // micromatch's `*` and `**` do not match a newline: a name holding one is matched
      // with an ordinary character standing in for it.
      matches: (below) => {
        const path = written(below);
        return match(path) || (path.includes('\n') && match(path.replaceAll('\n', '\u2424')));
      },
      depth: depth === Infinity ? undefined : depth,
      hidden: o.hidden || below.some((p) => /(^|\/)\./.test(p)),
    });
  }
  return roots;
}

/**
 * How a line of an ignore file that is not a glob is told, in ripgrep's words: `FILE: line
 * N: error parsing glob 'GLOB': WHY`. `FILE` is an `--ignore-file` as it was given; one the
 * walk found in the searched directory as the walk's paths are named (`.gitignore`,
 * `sub/.ignore`); any other (a parent directory's) by its absolute path, as ripgrep names
 * those.
 */
function badLineWarning(o: DiscoverOptions, root: Root, b: BadLine): string {
  let shown = b.file;
  if (o.extraIgnoreFiles.includes(b.file)) shown = o.ignoreFileNames?.get(b.file) ?? b.file;
  else if (b.file !== root.abs && inside(b.file, root.abs)) shown = joined(root.base, relative(root.abs, b.file));
  // A name that is not UTF-8 as text, as ripgrep prints it.
  return `${recordPath(shown).path}: line ${b.line}: error parsing glob '${b.glob}': ${b.message}`;
}

/** What `abs` is (through links), or `fallback` when that cannot be known (a dangling link). */
function statOr<T>(abs: string, fallback: T): Stats | T {
  try {
    return statSync(abs);
  } catch {
    return fallback;
  }
}

/** Yields what it finds in batches (a walk step), in discovery order. */
export async function* discover(o: DiscoverOptions): AsyncGenerator<Discovered[]> {
  let lib: Globber | undefined;
  const patterns: string[] = [];
  const dirs: Root[] = [];
  const files = new Map<string, Discovered>(); // absolute → as reported

  for (const input of o.patterns) {
    const abs = resolveAsOpened(o.cwd, input);
    let info: Stats | undefined;
    let statError: unknown;
    try {
      // Synchronous, for a few inputs: no node:fs/promises to load (ten of Node's modules),
      // and a run that walks and reads natively never starts libuv's threads.
      info = o.follow ? statSync(abs) : lstatSync(abs);
      // An explicit link to a directory is searched even without `follow`.
      if (!o.follow && info.isSymbolicLink()) info = statOr(abs, info);
    } catch (e) {
      statError = e;
    }
    if (info?.isDirectory()) dirs.push({ abs, base: display(input, o.cwd, abs).replace(/^\.$/, '') });
    // A file named explicitly is read even through a link, and whatever the rules say
    // (as ripgrep does).
    else if (info) files.set(abs, { path: display(input, o.cwd, abs), hints: HINT_FOLLOW });
    else if ((lib ??= await globber()).fg.isDynamicPattern(input)) patterns.push(input);
    else yield [{ path: input, error: fsErrorOf(statError) }];
  }
  // A directory inside another one given too is searched once, as part of the outer one.
  const outer = dirs
    .sort((a, b) => a.abs.length - b.abs.length)
    .filter((d, i, all) => !all.slice(0, i).some((e) => inside(d.abs, e.abs)));
  const roots = [...outer];
  if (patterns.length) {
    for (const root of patternRoots(o, lib!, patterns)) {
      // A pattern's base that does not exist (or is not a directory) names nothing.
      if (statOr(root.abs, undefined)?.isDirectory()) roots.push(root);
    }
  }
  if (files.size) yield [...files.values()];
  // Inputs that overlap (a file in a walked directory, a pattern's base inside another
  // walk) are deduplicated by path; a set of every path is kept only then.
  const overlapping =
    [...files.keys()].some((f) => roots.some((r) => inside(f, r.abs))) ||
    roots.some((r, i) => roots.some((q, j) => i !== j && inside(r.abs, q.abs)));
  const reported = overlapping ? new Set(files.keys()) : undefined;
  // Each warning once, however many walks read its file.
  const warned = new Set<string>();
  const warn = (root: Root, badLines: BadLine[]) => {
    if (!o.onIgnoreWarning) return; // nobody listens (listFiles(), --no-messages)
    for (const b of badLines) {
      const message = badLineWarning(o, root, b);
      if (!warned.has(message)) o.onIgnoreWarning(message);
      warned.add(message);
    }
  };
  if (!roots.length && o.extraIgnoreFiles.length && o.onIgnoreWarning) {
    // No walk reads the --ignore-files: a walk of one of them alone (no other rules, no
    // depth) does, to tell their lines that are not globs, as ripgrep tells them whatever
    // it searches.
    const [first] = o.extraIgnoreFiles as [string];
    const walker = o.backend.createWalker('', first, true, false, {
      ignoreFiles: false,
      extraIgnoreFiles: o.extraIgnoreFiles,
      maxDepth: 0,
      cwd: o.cwd,
    });
    warn({ abs: first, base: '' }, o.backend.walkNext(walker, 1).badLines);
  }

  for (const root of roots) {
    const options: WalkOptions = {
      ignoreFiles: o.ignoreFiles,
      vcsIgnoreFiles: o.vcsIgnoreFiles,
      extraIgnoreFiles: o.extraIgnoreFiles,
      globs: o.globs,
      iglobs: o.iglobs,
      excludes: o.excludes,
      types: o.typeGlobs,
      maxDepth: Math.min(o.maxDepth ?? Infinity, root.depth ?? Infinity),
      cwd: o.cwd,
      filesOnly: o.listing !== undefined,
      maxFilesize: o.listing?.maxFilesize,
    };
    if (options.maxDepth === Infinity) options.maxDepth = undefined;
    const walker = o.backend.createWalker(root.base, root.abs, root.hidden ?? o.hidden, o.follow, options);
    for (let done = false; !done;) {
      const step = o.backend.walkNext(walker, WALK_STEP);
      done = step.done;
      warn(root, step.badLines);
      const found: Discovered[] = step.errors.map((e) => ({ path: e.path, error: fileErrorOf(e) }));
      if (step.files !== '') {
        step.files.split('\0').forEach((path, i) => {
          const below = path.slice(root.base === '' ? 0 : root.base.length + (root.base.endsWith('/') ? 0 : 1));
          if (root.matches && !root.matches(below)) return;
          if (reported) {
            const abs = joined(root.abs, below);
            if (reported.has(abs)) return;
            reported.add(abs);
          }
          found.push({ path, hints: step.regular[i] ? HINT_REGULAR : 0 });
        });
      }
      if (found.length) yield found;
    }
  }
}
