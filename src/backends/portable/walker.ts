/**
 * The portable directory walker: the native walker (native/src/walker.rs) in TypeScript —
 * the `ignore` crate's `Walk` over `walkdir`, as ripgrep 13 sets it up, with charcount's
 * display paths, hints, errors and listing — giving the same files, in the same order,
 * with the same errors.
 *
 * Directories are listed with `opendir`/`readdir` (Node's `opendirSync`), which give the
 * entries in the order the file system does and with the types the entries carry, as
 * `walkdir` reads them. Paths are walked as byte strings (see glob.ts) below the root's
 * absolute path and reported below the display path as path strings
 * (core/path-bytes.ts): a name that is not UTF-8 is found like any other, its stray bytes
 * escaped, and opened by its bytes.
 */
import { closeSync, fstatSync, lstatSync, openSync, opendirSync, statSync, type Dirent, type Stats } from 'node:fs';
import { bytesOfPath, hasEscapes, pathFromBytes } from '../../core/path-bytes.js';
import type { BadLine } from '../backend.js';
import { fromFsError, osError, type PortableFileError } from './errors.js';
import { fsPathOf, Ignore, joinPath, type Override, type Types } from './ignore.js';

/** How a walk selects files, beyond the hidden rule. */
export interface WalkRules {
  /** Apply `.gitignore`, `.ignore`, `.rgignore`, `.git/info/exclude` and git's global excludes file. */
  ignoreFiles: boolean;
  /** With `ignoreFiles`: the version-control ones too (`.gitignore`, exclude files); `--no-ignore-vcs`. */
  vcsIgnoreFiles: boolean;
  /** `--ignore-file` paths (byte strings), lowest precedence first; they apply without `ignoreFiles` too. */
  extraIgnoreFiles: string[];
  /** ripgrep's `-g`/`--iglob` globs. */
  overrides: Override;
  /** ripgrep's `-t`/`-T` file types. */
  types: Types;
  /** Entries deeper than this are left out: 1 is the root's own entries, 0 nothing. */
  maxDepth: number | undefined;
  /** Only regular files (through followed links), as `rg --files` lists them. */
  filesOnly: boolean;
  /** Leave out files larger than this. */
  maxFilesize: number | undefined;
}

/**
 * What one walk step found: files (and whether `readdir` said each is a regular file),
 * failures, and the lines of ignore files read that are not globs (their files as byte strings).
 */
export interface WalkSink {
  files: string[];
  regular: number[];
  errors: (PortableFileError & { path: string })[];
  badLines: BadLine[];
}

const enum Kind {
  File,
  Dir,
  Link,
  Other,
}

/** What a directory entry or a stat says the file is. */
function kindOf(d: Dirent | Stats): Kind {
  if (d.isFile()) return Kind.File;
  if (d.isDirectory()) return Kind.Dir;
  if (d.isSymbolicLink()) return Kind.Link;
  return Kind.Other;
}

/** The names whose presence in a directory the ignore files depend on. */
const IGNORE_NAMES = new Set(['.git', '.gitignore', '.ignore', '.rgignore']);

/** A walk entry (walkdir's `DirEntry`): its path as walked, depth, type, and whether a link was followed to it. */
interface Entry {
  path: string;
  depth: number;
  kind: Kind;
  followed: boolean;
}

/** A walk error (walkdir's): the path it names, if any, the depth, and why. */
interface Failure {
  path: string | undefined;
  depth: number;
  error: PortableFileError | 'loop';
}

/** A directory being read (walkdir's `DirList`), with its ignore files once entered. */
interface Frame {
  path: string;
  depth: number;
  names: string[];
  kinds: Kind[];
  next: number;
  /** Opening it failed: reported (once) when it is read. */
  openError?: PortableFileError;
  /** Listing it failed after `names`: reported after them, without a path. */
  readError?: PortableFileError;
  ig?: Ignore;
}

/** (device, inode) of an opened file, as `same-file`'s handles compare them. */
function handleId(path: string): string {
  const fd = openSync(fsPathOf(path), 'r');
  try {
    const s = fstatSync(fd, { bigint: true });
    return `${s.dev}:${s.ino}`;
  } finally {
    closeSync(fd);
  }
}

/** Lists `path` in the file system's order: names as byte strings, with their types. */
function list(frame: Frame): void {
  let dir;
  try {
    dir = opendirSync(fsPathOf(frame.path), { bufferSize: 256, encoding: 'buffer' as BufferEncoding });
  } catch (e) {
    frame.openError = fromFsError(e);
    return;
  }
  try {
    for (let d = dir.readSync(); d; d = dir.readSync()) {
      frame.names.push((d.name as unknown as Buffer).toString('latin1'));
      frame.kinds.push(kindOf(d));
    }
  } catch (e) {
    frame.readError = fromFsError(e);
  } finally {
    dir.closeSync();
  }
}

/** A path string of a byte string (the walkers' paths, an ignore file's name). */
export function textOfByteString(bytes: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(bytes) ? bytes : pathFromBytes(Buffer.from(bytes, 'latin1'));
}

/** `dir/name`, or `name` when `dir` is empty. */
function joinDisplay(dir: string, name: string): string {
  if (dir === '' || name === '') return dir + name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** A walk of one directory, resumable with `next`. */
export class Walker {
  private readonly stack: Frame[] = [];
  /** The root, to be looked at by the first `next`. */
  private start = true;
  private done = false;
  /** The ignore tree of the root's parents (and git's global file). */
  private base: Ignore | undefined;
  /** Display paths of the directories on the walk path, by depth (for errors without a path). */
  private readonly dirs: string[] = [];
  private readonly maxDepth: number;

  constructor(
    private readonly display: string,
    /** The root as walked: a byte string. */
    private readonly root: string,
    private readonly hidden: boolean,
    private readonly follow: boolean,
    private readonly options: WalkRules,
  ) {
    this.maxDepth = options.maxDepth ?? Infinity;
  }

  /** How a walked path is shown. */
  private shown(path: string): string {
    let below = path.startsWith(this.root) ? path.slice(this.root.length) : path;
    if (below.startsWith('/')) below = below.slice(1);
    return joinDisplay(this.display, textOfByteString(below));
  }

  private push(ent: Entry): void {
    const frame: Frame = { path: ent.path, depth: ent.depth, names: [], kinds: [], next: 0 };
    list(frame);
    this.stack.push(frame);
  }

  /** walkdir's `follow`: the entry through its link, its loop checked when it is a directory. */
  private followLink(ent: Entry): Entry | Failure {
    let s: Stats;
    try {
      s = statSync(fsPathOf(ent.path));
    } catch (e) {
      return { path: ent.path, depth: ent.depth, error: fromFsError(e) };
    }
    const followed: Entry = { path: ent.path, depth: ent.depth, kind: kindOf(s), followed: true };
    if (followed.kind !== Kind.Dir) return followed;
    // As `same-file`: the child and each directory being read are opened and compared.
    try {
      const child = handleId(ent.path);
      for (let i = this.stack.length - 1; i >= 0; i--) {
        if (handleId(this.stack[i]!.path) === child) return { path: ent.path, depth: ent.depth, error: 'loop' };
      }
    } catch (e) {
      return { path: undefined, depth: ent.depth, error: fromFsError(e) };
    }
    return followed;
  }

  /** walkdir's `handle_entry`: follows a link, enters a directory. */
  private handle(ent: Entry): Entry | Failure {
    if (this.follow && ent.kind === Kind.Link) {
      const f = this.followLink(ent);
      if (!('kind' in f)) return f;
      ent = f;
    }
    if (ent.kind === Kind.Dir) this.push(ent);
    else if (ent.depth === 0 && ent.kind === Kind.Link) {
      // A root that is a link is followed, though it stays a link.
      let s: Stats;
      try {
        s = statSync(fsPathOf(ent.path));
      } catch (e) {
        return { path: ent.path, depth: 0, error: fromFsError(e) };
      }
      if (s.isDirectory()) this.push(ent);
    }
    return ent;
  }

  /** walkdir's next entry or error; undefined at the end. */
  private walkdirNext(): Entry | Failure | undefined {
    if (this.start) {
      this.start = false;
      let s: Stats;
      try {
        s = lstatSync(fsPathOf(this.root));
      } catch (e) {
        return { path: this.root, depth: 0, error: fromFsError(e) };
      }
      return this.handle({ path: this.root, depth: 0, kind: kindOf(s), followed: false });
    }
    while (this.stack.length) {
      const depth = this.stack.length;
      const top = this.stack[depth - 1]!;
      if (depth > this.maxDepth) {
        this.pop();
        continue;
      }
      if (top.openError) {
        const error = top.openError;
        top.openError = undefined;
        top.readError = undefined;
        return { path: top.path, depth: top.depth, error };
      }
      if (top.next >= top.names.length) {
        if (top.readError) {
          const error = top.readError;
          top.readError = undefined;
          return { path: undefined, depth, error };
        }
        this.pop();
        continue;
      }
      const i = top.next++;
      return this.handle({ path: joinPath(top.path, top.names[i]!), depth, kind: top.kinds[i]!, followed: false });
    }
    return undefined;
  }

  private pop(): void {
    this.stack.pop();
  }

  /** The ignore tree the entries of the directory being read are judged by. */
  private igOf(frame: Frame | undefined): Ignore {
    return frame?.ig ?? this.base!;
  }

  /** ripgrep's `skip_entry`: ignore files, globs, types and the hidden rule, then the size limit. */
  private skip(ig: Ignore, ent: Entry, isDir: boolean): boolean {
    if (ig.matchedEntry(ent.path, isDir) === 'ignore') return true;
    if (this.options.maxFilesize !== undefined && !isDir) {
      try {
        const s = ent.followed ? statSync(fsPathOf(ent.path)) : lstatSync(fsPathOf(ent.path));
        return s.size > this.options.maxFilesize;
      } catch {
        return false;
      }
    }
    return false;
  }

  private failed(f: Failure, out: WalkSink): void {
    let path: string;
    if (f.path !== undefined) path = this.shown(f.path);
    else path = this.dirs[f.depth - 1] ?? this.dirs[this.dirs.length - 1] ?? this.display;
    if (path === '') path = '.';
    let error: PortableFileError;
    if (f.error === 'loop') {
      const shown = hasEscapes(path) ? bytesOfPath(path).toString('utf8') : path;
      error = osError('ELOOP', `symbolic link loop: ${shown} leads back to a directory already being searched`);
    } else error = f.error;
    out.errors.push({ ...error, path });
  }

  /** Up to `max` more results into `out` (fewer only when the walk is over). */
  next(max: number, out: WalkSink): void {
    if (this.done) return;
    if (!this.base) {
      const o = this.options;
      const root = Ignore.root(
        {
          hidden: !this.hidden,
          ignore: o.ignoreFiles,
          parents: o.ignoreFiles,
          gitGlobal: o.ignoreFiles && o.vcsIgnoreFiles,
          gitIgnore: o.ignoreFiles && o.vcsIgnoreFiles,
          gitExclude: o.ignoreFiles && o.vcsIgnoreFiles,
          custom: o.ignoreFiles ? ['.rgignore'] : [],
          explicit: o.extraIgnoreFiles,
        },
        o.overrides,
        o.types,
        out.badLines,
      );
      let isDir = false;
      try {
        isDir = statSync(fsPathOf(this.root)).isDirectory();
      } catch {
        // Not a directory: no parents' ignore files.
      }
      this.base = isDir ? root.addParents(this.root, out.badLines) : root;
    }
    while (out.files.length + out.errors.length < max) {
      const before = this.stack.length;
      const r = this.walkdirNext();
      if (r === undefined) {
        this.done = true;
        return;
      }
      if (!('kind' in r)) {
        this.failed(r, out);
        continue;
      }
      const ent = r;
      const isDir = ent.kind === Kind.Dir || (ent.kind === Kind.Link && ent.depth === 0 && this.stack.length > before);
      // The directory holding the entry: below a directory just entered.
      const holder = this.stack[isDir ? this.stack.length - 2 : this.stack.length - 1];
      if (isDir) {
        const frame = this.stack[this.stack.length - 1]!;
        if (ent.depth > 0 && this.skip(this.igOf(holder), ent, true)) {
          this.stack.pop();
          continue;
        }
        const listed = new Set(frame.names.filter((n) => IGNORE_NAMES.has(n)));
        frame.ig = this.igOf(holder).addChild(ent.path, out.badLines, listed);
      } else if (ent.depth > 0 && this.skip(this.igOf(holder), ent, false)) continue;
      if (ent.kind === Kind.Dir || ent.depth === 0) {
        this.dirs.length = ent.depth;
        this.dirs.push(this.shown(ent.path));
        continue;
      }
      if (this.options.filesOnly && ent.kind !== Kind.File) continue;
      out.files.push(this.shown(ent.path));
      out.regular.push(ent.kind === Kind.File && !ent.followed ? 1 : 0);
    }
  }

  /** True once every directory has been read. */
  isDone(): boolean {
    return this.done;
  }
}
