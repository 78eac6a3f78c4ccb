/**
 * The portable directory walker: a port of native/src/walker.rs (ripgrep's selection of
 * files, depth-first, resumable), with the same rules, the same order and the same errors.
 *
 * Directories are listed with `opendir`/`readdir` (Node's `opendirSync`), which give the
 * entries in the order the file system does and with the types the entries carry, as the
 * native walker reads them; `fs.readdirSync` would sort them. Each directory is listed
 * whole when it is entered, so its ignore files are known before its entries are judged.
 * The entry being judged is matched as a byte string (see glob.ts): the root's canonical
 * path without its leading `/` when ignore files are read, then the walk path below it.
 *
 * Paths are path strings (core/path-bytes.ts): a name that is not UTF-8 is found like any
 * other, its stray bytes escaped, and opened by its bytes.
 */
import { isUtf8 } from 'node:buffer';
import { opendirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { bytesOfPath, hasEscapes, pathFromBytes } from '../../core/path-bytes.js';
import { fromFsError, osError, type PortableFileError } from './errors.js';
import {
  bytesOf,
  fsPath as ioPathOf,
  globalExcludesPathFromEnv,
  IgnoreStack,
  joinPath,
  loadDirRules,
  Overrides,
  Present,
  readRules,
  TypeFilter,
} from './ignore.js';

/** How a walk selects files, beyond the hidden rule. */
export interface WalkRules {
  /** Apply `.gitignore`, `.ignore`, `.rgignore`, `.git/info/exclude` and the global excludes file. */
  ignoreFiles: boolean;
  /** ripgrep's `-g`/`--iglob` globs, matched against paths relative to the root. */
  overrides: Overrides;
  /** ripgrep's `-t`/`-T` file types, matched against file names after ignore files. */
  types: TypeFilter;
  /** Entries deeper than this are left out: 1 is the root's own entries, 0 nothing. */
  maxDepth: number | undefined;
}

/** What one walk step found: files (and whether `readdir` said each is a regular file), and failures. */
export interface WalkSink {
  files: string[];
  regular: number[];
  errors: (PortableFileError & { path: string })[];
}

const enum Kind {
  File,
  Dir,
  Link,
  Other,
}

function kindOf(d: Dirent): Kind {
  if (d.isFile()) return Kind.File;
  if (d.isDirectory()) return Kind.Dir;
  if (d.isSymbolicLink()) return Kind.Link;
  return Kind.Other;
}

/** A directory's entries: its names as path strings and as bytes. */
interface Listing {
  names: string[];
  bytes: string[];
  kinds: Kind[];
  /** A `readdir` error met after the listed entries. */
  error?: PortableFileError;
}

/** Lists `path` in the file system's order; throws if it cannot be opened. */
function list(path: string, asBytes: boolean): Listing {
  const dir = opendirSync(ioPathOf(path), {
    bufferSize: 256,
    ...(asBytes ? { encoding: 'buffer' as BufferEncoding } : {}),
  });
  const out: Listing = { names: [], bytes: [], kinds: [] };
  try {
    for (let d = dir.readSync(); d; d = dir.readSync()) {
      const raw = d.name as string | Buffer;
      if (typeof raw === 'string') {
        out.names.push(raw);
        // An ASCII name is its own byte string.
        out.bytes.push(Buffer.byteLength(raw) === raw.length ? raw : bytesOf(raw));
      } else {
        out.names.push(isUtf8(raw) ? raw.toString('utf8') : pathFromBytes(raw));
        out.bytes.push(raw.toString('latin1'));
      }
      out.kinds.push(kindOf(d));
    }
  } catch (e) {
    out.error = fromFsError(e);
  } finally {
    dir.closeSync();
  }
  return out;
}

/** A directory being read. */
interface Frame {
  /** Display path of the directory ("" for the root when it is `.`). */
  path: string;
  fsPath: string;
  listing: Listing;
  next: number;
  /** (device, inode) of the directory, for loop detection when following links. */
  id: string;
  /** 0 for the root. */
  depth: number;
  /** The directory's path in the match buffer. */
  buf: string;
  /** The ignore stack's length before this directory's rules. */
  ignores: number;
}

function joinDisplay(dir: string, name: string): string {
  if (dir === '') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** Where the paths below a directory start in the match buffer holding its path. */
const baseOf = (buf: string) => (buf === '' ? 0 : buf.length + 1);

function isDirAt(path: string): boolean {
  try {
    return statSync(ioPathOf(path)).isDirectory();
  } catch {
    return false;
  }
}

/** A depth-first walk of one root, resumable with `next`. */
export class Walker {
  private readonly stack: Frame[] = [];
  /** The root, to be opened by the first `next`. */
  private root: [display: string, root: string] | undefined;
  /** Whether entries are matched at all (ignore files, globs or types). */
  private readonly filtering: boolean;
  /** The entry being judged, as the rules see it. */
  private buf = '';
  /** Where paths relative to the root start in `buf`. */
  private rootBase = 0;
  private ignores = new IgnoreStack();

  constructor(
    display: string,
    root: string,
    private readonly hidden: boolean,
    private readonly follow: boolean,
    private readonly options: WalkRules,
  ) {
    this.root = [display, root];
    this.filtering = options.ignoreFiles || !options.overrides.isEmpty() || !options.types.isEmpty();
  }

  /** Reads the global excludes file and the ignore files of the root's parents. */
  private start(root: string): void {
    if (!this.options.ignoreFiles) return;
    const global = globalExcludesPathFromEnv();
    this.ignores = new IgnoreStack(global === undefined ? undefined : readRules(global));
    // As ripgrep: the parents of the root's real path. Without one, no parent applies.
    let real: string;
    try {
      real = realpathSync.native(ioPathOf(root), { encoding: 'buffer' }).toString('latin1');
    } catch {
      return;
    }
    const parents: string[] = [];
    for (let dir = real; dir !== '/';) {
      dir = dir.slice(0, Math.max(dir.lastIndexOf('/'), 1));
      parents.push(dir);
    }
    for (const dir of parents.reverse()) {
      const path = pathFromBytes(Buffer.from(dir, 'latin1'));
      const rules = loadDirRules(path, Present.probe(path));
      // "/a/b" is "a/b" in the buffer, so paths below it start at its length.
      if (rules) this.ignores.push(dir === '/' ? 0 : dir.length, rules);
    }
    this.buf = real.startsWith('/') ? real.slice(1) : real;
  }

  private open(display: string, fsPath: string, depth: number, out: WalkSink): void {
    let id: string;
    try {
      const s = statSync(ioPathOf(fsPath), { bigint: true });
      id = `${s.dev}:${s.ino}`;
    } catch (e) {
      out.errors.push({ ...fromFsError(e), path: display });
      return;
    }
    if (this.stack.some((f) => f.id === id)) {
      const shown = hasEscapes(display) ? bytesOfPath(display).toString('utf8') : display;
      const message = `symbolic link loop: ${shown} leads back to a directory already being searched`;
      out.errors.push({ ...osError('ELOOP', message), path: display });
      return;
    }
    if (this.options.maxDepth !== undefined && depth >= this.options.maxDepth) return;
    let listing: Listing;
    try {
      listing = list(fsPath, false);
      // A name that is not UTF-8 came out with U+FFFD in it: list again as bytes.
      if (listing.names.some((n) => n.includes('\ufffd'))) listing = list(fsPath, true);
    } catch (e) {
      out.errors.push({ ...fromFsError(e), path: display });
      return;
    }
    const ignores = this.ignores.length;
    if (this.options.ignoreFiles) {
      const present = new Present();
      for (const b of listing.bytes) present.note(b);
      const rules = loadDirRules(fsPath, present);
      if (rules) this.ignores.push(baseOf(this.buf), rules);
    }
    this.stack.push({ path: display, fsPath, listing, next: 0, id, depth, buf: this.buf, ignores });
  }

  /** What globs and ignore files say of the entry in `buf`: false leave out, true keep even if hidden. */
  private verdict(name: string, isDir: boolean): boolean | undefined {
    const o = this.options.overrides.verdict(this.buf.slice(this.rootBase), name, isDir);
    if (o !== 'undecided') return o === 'include';
    // As ripgrep: what an ignore file leaves out stays out; a file it whitelists may still
    // be left out by the file types.
    const ignored = this.ignores.length ? this.ignores.matched(this.buf, name, isDir) : undefined;
    if (ignored === false) return false;
    const t = this.options.types.verdict(name, isDir);
    return t === 'undecided' ? ignored : t === 'include';
  }

  /** Up to `max` more results into `out` (fewer only when the walk is over). */
  next(max: number, out: WalkSink): void {
    if (this.root) {
      const [display, root] = this.root;
      this.root = undefined;
      this.start(root);
      this.rootBase = baseOf(this.buf);
      this.open(display, root, 0, out);
    }
    const maxDepth = this.options.maxDepth;
    while (out.files.length + out.errors.length < max) {
      const top = this.stack[this.stack.length - 1];
      if (!top) break;
      const { listing } = top;
      if (top.next >= listing.kinds.length) {
        this.stack.pop();
        this.ignores.truncate(top.ignores);
        if (listing.error) out.errors.push({ ...listing.error, path: top.path === '' ? '.' : top.path });
        continue;
      }
      const i = top.next++;
      const kind = listing.kinds[i]!;
      const bytes = listing.bytes[i]!;
      const depth = top.depth + 1;
      const isDir = kind === Kind.Dir;
      if (isDir && maxDepth !== undefined && depth >= maxDepth) continue;
      const name = listing.names[i]!;
      // Whether a followed link leads to a directory: asked once, when needed.
      let linkToDir: boolean | undefined;
      let whitelisted = false;
      if (this.filtering) {
        this.buf = top.buf === '' ? bytes : `${top.buf}/${bytes}`;
        const matchedDir =
          kind === Kind.Link && this.follow ? (linkToDir = isDirAt(joinPath(top.fsPath, name))) : isDir;
        const v = this.verdict(bytes, matchedDir);
        if (v === false) continue;
        if (v === true) whitelisted = true;
      }
      if (!this.hidden && !whitelisted && bytes.startsWith('.')) continue;
      const display = joinDisplay(top.path, name);
      if (isDir) {
        this.open(display, joinPath(top.fsPath, name), depth, out);
      } else if (kind === Kind.Link && this.follow) {
        const path = joinPath(top.fsPath, name);
        if (linkToDir ?? isDirAt(path)) {
          if (maxDepth === undefined || depth < maxDepth) this.open(display, path, depth, out);
        } else {
          // A file, or a dangling link: the reader finds out what it is.
          out.files.push(display);
          out.regular.push(0);
        }
      } else {
        out.files.push(display);
        out.regular.push(kind === Kind.File ? 1 : 0);
      }
    }
  }

  /** True once every directory has been read. */
  isDone(): boolean {
    return this.root === undefined && this.stack.length === 0;
  }
}
