/**
 * Ignore files, `-g` overrides and `-t` file types as the native core's `ignore` crate
 * 0.4.18 (ripgrep 13's) has them: a port of its `gitignore.rs` (how a line reads, how a
 * file's globs match a path), `overrides.rs`, `types.rs` and `dir.rs` (which files apply
 * where, and in which order), on globs ported from `globset` (glob.ts).
 *
 * Paths here are byte strings (one char per byte), as the walk has them; `fs` gets them as
 * `Buffer`s.
 */
import { isUtf8 } from 'node:buffer';
import { readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import type { BadLine } from '../backend.js';
import { Candidate, fileNameOf, Glob, GlobError, GlobSet, utf8Bytes } from './glob.js';

/** A byte string as a path `fs` takes. */
export const fsPathOf = (bytes: string) => Buffer.from(bytes, 'latin1');

/** What a rule says of a path: left out, kept (past the rules below it), or nothing. */
export type Match = 'ignore' | 'whitelist' | undefined;

/** `fs.statSync` (through links), or undefined when it fails. */
function stat(bytes: string): Stats | undefined {
  try {
    return statSync(fsPathOf(bytes), { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Rust's `Path::join`: `name` alone when it is absolute or `dir` is empty. */
export function joinPath(dir: string, name: string): string {
  if (name.startsWith('/') || dir === '') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** Rust's `char::is_whitespace` characters, at the end of a line (`trim_end`). */
const TRAILING_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/u;

interface Rule {
  whitelist: boolean;
  onlyDir: boolean;
}

/** The globs of one ignore file (or of the overrides), matched relative to `root`. */
export class Gitignore {
  private readonly set: GlobSet;
  /** How many rules are not negated (the crate's `num_ignores`). */
  private readonly ignores: number;
  constructor(
    readonly root: string,
    private readonly rules: Rule[],
    globs: Glob[],
  ) {
    this.set = new GlobSet(globs);
    this.ignores = rules.filter((r) => !r.whitelist).length;
  }

  static empty(): Gitignore {
    return new Gitignore('', [], []);
  }

  isEmpty(): boolean {
    return this.rules.length === 0;
  }

  /** How many globs are not negated. */
  numIgnores(): number {
    return this.ignores;
  }

  /** The path with `./` and this file's directory taken off the front, as the crate strips it. */
  private strip(path: string): string {
    if (path.startsWith('./')) path = path.slice(2);
    if (this.root !== '.' && path.includes('/') && path.startsWith(this.root)) {
      path = path.slice(this.root.length);
      if (path.startsWith('/')) path = path.slice(1);
    }
    return path;
  }

  /** The last glob that matches `path` (a directory-only one only if `isDir`). */
  matched(path: string, isDir: boolean): Match {
    if (this.isEmpty()) return undefined;
    const i = this.set.lastMatch(new Candidate(this.strip(path)), (k) => isDir || !this.rules[k]!.onlyDir);
    return i === undefined ? undefined : this.rules[i]!.whitelist ? 'whitelist' : 'ignore';
  }
}

/** A glob of a line that did not parse, with the line as written. */
export class LineError extends Error {
  constructor(
    readonly glob: string,
    message: string,
  ) {
    super(message);
  }
}

/** Builds a `Gitignore` line by line (the crate's `GitignoreBuilder`). */
export class GitignoreBuilder {
  readonly root: string;
  caseInsensitive = false;
  private readonly rules: Rule[] = [];
  private readonly globs: Glob[] = [];

  constructor(root: string) {
    this.root = root.startsWith('./') ? root.slice(2) : root;
  }

  /** One line: a comment, blank, or a glob; throws `LineError` when its glob does not parse. */
  addLine(text: string): void {
    let line = text;
    if (line.startsWith('#')) return;
    if (!line.endsWith('\\ ')) line = line.replace(TRAILING_SPACE, '');
    if (line === '') return;
    const original = line;
    const rule: Rule = { whitelist: false, onlyDir: false };
    let absolute = false;
    if (line.startsWith('\\!') || line.startsWith('\\#')) {
      line = line.slice(1);
    } else {
      if (line.startsWith('!')) {
        rule.whitelist = true;
        line = line.slice(1);
      }
      if (line.startsWith('/')) {
        line = line.slice(1);
        absolute = true;
      }
    }
    if (line.endsWith('/')) {
      rule.onlyDir = true;
      line = line.slice(0, -1);
    }
    let actual = line;
    // Without a `/`, a glob matches at any depth; `x/**` matches below x, not x.
    if (!absolute && !line.includes('/') && !(actual.startsWith('**/') || actual === '**')) actual = `**/${actual}`;
    if (actual.endsWith('/**')) actual = `${actual}/*`;
    let glob: Glob;
    try {
      glob = new Glob(actual, { literalSeparator: true, caseInsensitive: this.caseInsensitive });
    } catch (e) {
      throw e instanceof GlobError ? new LineError(original, e.message) : e;
    }
    this.rules.push(rule);
    this.globs.push(glob);
  }

  /**
   * An ignore file's lines, as the crate reads them: UTF-8 text split at newlines (a
   * `\r\n` ending is one); reading stops at a line that is not UTF-8, or when the file
   * cannot be read. A line whose glob does not parse is left out, and told to `bad` (its
   * `file` the byte string `path`) when given.
   */
  addFile(path: string, bad?: BadLine[]): void {
    let data: Buffer;
    try {
      data = readFileSync(fsPathOf(path));
    } catch {
      return;
    }
    let start = 0;
    for (let number = 1; start < data.length; number++) {
      let end = data.indexOf(0x0a, start);
      const terminated = end >= 0;
      if (!terminated) end = data.length;
      let line = data.subarray(start, end);
      if (terminated && line[line.length - 1] === 0x0d) line = line.subarray(0, -1);
      if (!isUtf8(line)) return;
      try {
        this.addLine(line.toString('utf8'));
      } catch (e) {
        if (!(e instanceof LineError)) throw e;
        bad?.push({ file: path, line: number, glob: e.glob, message: e.message });
      }
      start = end + 1;
    }
  }

  build(): Gitignore {
    return new Gitignore(this.root, this.rules.slice(), this.globs.slice());
  }
}

/** A glob of `-g`/`--iglob`/`-t` that did not parse: its list, place, text and why. */
export class OverrideError extends Error {
  constructor(
    readonly list: 'globs' | 'iglobs' | 'excludes' | 'types',
    readonly index: number,
    readonly glob: string,
    message: string,
  ) {
    super(message);
  }

  /**
   * The error as the native core words it: `options.globs[1] is not a valid glob ("[a"):
   * unclosed character class …`.
   */
  asRangeError(): RangeError {
    return new RangeError(
      `options.${this.list}[${this.index}] is not a valid glob (${quoted(this.glob)}): ${this.message}`,
    );
  }
}

/**
 * Rust's `{:?}` of a glob, as the native core quotes it: its UTF-8 text (a lone surrogate
 * is U+FFFD, as Node encodes it), quoted, with quotes, backslashes and control characters
 * escaped.
 */
function quoted(glob: string): string {
  let out = '"';
  for (const c of Buffer.from(glob, 'utf8').toString('utf8')) {
    const cp = c.codePointAt(0)!;
    if (c === '"' || c === '\\') out += '\\' + c;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\0') out += '\\0';
    else if (cp < 0x20 || cp === 0x7f) out += `\\u{${cp.toString(16)}}`;
    else out += c;
  }
  return out + '"';
}

/** ripgrep's `-g` globs (the crate's `Override`): a glob includes, `!glob` excludes. */
export class Override {
  constructor(private readonly gi: Gitignore = Gitignore.empty()) {}

  isEmpty(): boolean {
    return this.gi.isEmpty();
  }

  /** Included (`whitelist`), left out (`ignore`), or no opinion; unmatched files are left out when a glob includes. */
  matched(path: string, isDir: boolean): Match {
    if (this.isEmpty()) return undefined;
    const m = this.gi.matched(path, isDir);
    if (m === undefined) return this.gi.numIgnores() > 0 && !isDir ? 'ignore' : undefined;
    return m === 'ignore' ? 'whitelist' : 'ignore';
  }
}

/** `-g` globs then `--iglob` globs (case-insensitive), relative to `cwd` (a byte string). */
export function buildOverride(cwd: string, globs: string[], iglobs: string[], excludes: string[] = []): Override {
  const builder = new GitignoreBuilder(cwd);
  // `excludes` (`!glob`s) come last, so that no other glob brings back what they leave out.
  for (const [list, caseInsensitive, items] of [
    ['globs', false, globs],
    ['iglobs', true, iglobs],
    ['excludes', false, excludes],
  ] as const) {
    builder.caseInsensitive = caseInsensitive;
    items.forEach((glob, index) => {
      try {
        builder.addLine(glob);
      } catch (e) {
        throw e instanceof LineError ? new OverrideError(list, index, glob, e.message) : e;
      }
    });
  }
  return new Override(builder.build());
}

/** ripgrep's `-t`/`-T` (the crate's `Types`): globs on a file's name, the last match decides. */
export class Types {
  /** Some glob selects a type (the crate's `has_selected`): a file of no selected type is left out. */
  private readonly hasSelected: boolean;
  constructor(
    private readonly set: GlobSet = new GlobSet([]),
    private readonly negated: boolean[] = [],
  ) {
    this.hasSelected = negated.some((n) => !n);
  }

  isEmpty(): boolean {
    return this.set.size === 0;
  }

  matched(path: string, isDir: boolean): Match {
    if (isDir || this.isEmpty()) return undefined;
    const name = fileNameOf(path);
    if (name === undefined) return this.hasSelected ? 'ignore' : undefined;
    const i = this.set.lastMatch(new Candidate(name));
    if (i !== undefined) return this.negated[i] ? 'ignore' : 'whitelist';
    return this.hasSelected ? 'ignore' : undefined;
  }
}

/** `glob` selects a type of its own, `!glob` excludes one, in the order given. */
export function buildTypes(globs: string[]): Types {
  const parsed = globs.map((glob, index) => {
    const pattern = glob.startsWith('!') ? glob.slice(1) : glob;
    try {
      return new Glob(pattern, { literalSeparator: true, caseInsensitive: false });
    } catch (e) {
      throw e instanceof GlobError ? new OverrideError('types', index, glob, e.message) : e;
    }
  });
  return new Types(
    new GlobSet(parsed),
    globs.map((g) => g.startsWith('!')),
  );
}

// ── git's global excludes file ───────────────────────────────────────────────────────

function homeDir(): string {
  return process.env.HOME ?? homedir();
}

/** Rust's `\s`: the White_Space characters. */
const WS = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
/** The crate's `(?im)^\s*excludesfile\s*=\s*(.+)\s*$`: a regular expression, not an ini parser. */
const EXCLUDES_FILE = new RegExp(`(?<=^|\\n)${WS}*excludesfile${WS}*=${WS}*([^\\n]+)${WS}*(?=\\n|$)`, 'iu');

/** `core.excludesFile` from a git config file's bytes, `~` replaced by the home directory. */
function excludesFileSetting(data: Buffer): string | undefined {
  const utf8 = isUtf8(data);
  const value = EXCLUDES_FILE.exec(data.toString(utf8 ? 'utf8' : 'latin1'))?.[1];
  if (value === undefined) return undefined;
  let text = value;
  if (!utf8) {
    const bytes = Buffer.from(value, 'latin1');
    if (!isUtf8(bytes)) return undefined;
    text = bytes.toString('utf8');
  }
  return text.replaceAll('~', homeDir());
}

function readConfig(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Where git's global excludes file is, as the crate finds it (`~/.gitconfig`, then XDG). */
export function globalExcludesPath(): string | undefined {
  const home = homeDir();
  const fromHome = readConfig(`${home}/.gitconfig`);
  const a = fromHome && excludesFileSetting(fromHome);
  if (a) return a;
  const xdgEnv = process.env.XDG_CONFIG_HOME;
  const xdg = xdgEnv ? xdgEnv : `${home}/.config`;
  const fromXdg = readConfig(`${xdg}/git/config`);
  const b = fromXdg && excludesFileSetting(fromXdg);
  if (b) return b;
  return `${xdg}/git/ignore`;
}

/** The global excludes file's rules (matched against the path as walked), if it is a file. */
function globalGitignore(): Gitignore {
  const path = globalExcludesPath();
  if (path === undefined) return Gitignore.empty();
  const bytes = utf8Bytes(path);
  if (!stat(bytes)?.isFile()) return Gitignore.empty();
  return fileGitignore(bytes);
}

/** A file's rules, matched against the path as walked (the crate's `WalkBuilder::add_ignore`). */
function fileGitignore(path: string, bad?: BadLine[]): Gitignore {
  const builder = new GitignoreBuilder('');
  builder.addFile(path, bad);
  return builder.build();
}

// ── which ignore files apply where (dir.rs) ──────────────────────────────────────────

/** What a walk reads and applies. */
export interface IgnoreOptions {
  /** The hidden rule. */
  hidden: boolean;
  /** `.ignore` files. */
  ignore: boolean;
  /** Ignore files of the root's parents. */
  parents: boolean;
  gitGlobal: boolean;
  gitIgnore: boolean;
  gitExclude: boolean;
  /** Custom ignore file names, lowest precedence first (ripgrep: `.rgignore`). */
  custom: string[];
  /** Ignore files named by path (`--ignore-file`, byte strings), lowest precedence first. */
  explicit: string[];
}

interface Shared {
  opts: IgnoreOptions;
  overrides: Override;
  types: Types;
  global: Gitignore;
  explicit: Gitignore[];
}

/** A directory's ignore files, from an `.git/info/exclude` to its `.rgignore`. */
interface Matchers {
  custom: Gitignore;
  ignore: Gitignore;
  gitignore: Gitignore;
  exclude: Gitignore;
  hasGit: boolean;
}

/** The globs of the files `names` in `fileDir`, matched relative to `dir`; lines that are not globs told to `bad`. */
function createGitignore(dir: string, fileDir: string, names: string[], bad: BadLine[]): Gitignore {
  const builder = new GitignoreBuilder(dir);
  for (const name of names) {
    const path = joinPath(fileDir, name);
    if (stat(path)) builder.addFile(path, bad);
  }
  return builder.build();
}

/** The first line of a file as UTF-8, or undefined. */
function firstLine(path: string): string | undefined {
  const data = readConfig(path);
  if (!data) return undefined;
  const end = data.indexOf(0x0a);
  let line = end < 0 ? data : data.subarray(0, end);
  if (end >= 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, -1);
  return isUtf8(line) ? line.toString('utf8') : undefined;
}

/** Where a repository's `info/exclude` is: `.git`, or a worktree's common directory. */
function gitCommonDir(dir: string, git: Stats | undefined): string | undefined {
  const dotGit = joinPath(dir, '.git');
  if (!git?.isFile()) return dotGit;
  const line = firstLine(dotGit);
  if (line === undefined || !line.startsWith('gitdir: ')) return undefined;
  const realGitDir = utf8Bytes(line.slice('gitdir: '.length));
  const common = firstLine(joinPath(realGitDir, 'commondir'));
  if (common === undefined) return undefined;
  return common.startsWith('.') ? joinPath(realGitDir, utf8Bytes(common)) : utf8Bytes(common);
}

/** The ignore files in force for the entries of one directory (the crate's `Ignore`). */
export class Ignore {
  /** This directory or one above it holds a `.git`: git's rules apply. */
  private readonly anyGit: boolean;
  private constructor(
    private readonly shared: Shared,
    readonly dir: string,
    readonly parent: Ignore | undefined,
    private readonly absoluteParent: boolean,
    private readonly absoluteBase: string | undefined,
    private readonly m: Matchers,
  ) {
    this.anyGit = m.hasGit || (parent?.anyGit ?? false);
  }

  /**
   * The root of a walk's ignore tree: no directory yet, git's global file read (its lines
   * that are not globs left out without a word, as the crate does), the `--ignore-file`s'
   * told to `bad`.
   */
  static root(opts: IgnoreOptions, overrides: Override, types: Types, bad: BadLine[]): Ignore {
    const global = opts.gitGlobal ? globalGitignore() : Gitignore.empty();
    const none = Gitignore.empty();
    const m = { custom: none, ignore: none, gitignore: none, exclude: none, hasGit: false };
    const explicit = opts.explicit.map((path) => fileGitignore(path, bad));
    return new Ignore({ opts, overrides, types, global, explicit }, '', undefined, true, undefined, m);
  }

  /**
   * A directory's ignore files, their lines that are not globs told to `bad`. `listed`: the
   * names of these files the directory's listing has, when known — a file it does not list
   * cannot be there, so only those are looked at (the crate looks each one up; the answers
   * are the same).
   */
  private matchers(dir: string, bad: BadLine[], listed?: ReadonlySet<string>): Matchers {
    const o = this.shared.opts;
    const has = (name: string) => listed === undefined || listed.has(name);
    const git = (o.gitIgnore || o.gitExclude) && has('.git') ? stat(joinPath(dir, '.git')) : undefined;
    const empty = Gitignore.empty();
    // `.git/info/exclude` (or a worktree's) needs a `.git`.
    const commonDir = o.gitExclude && (git !== undefined || listed === undefined) ? gitCommonDir(dir, git) : undefined;
    const custom = o.custom.filter(has);
    return {
      custom: custom.length ? createGitignore(dir, dir, custom, bad) : empty,
      ignore: o.ignore && has('.ignore') ? createGitignore(dir, dir, ['.ignore'], bad) : empty,
      gitignore: o.gitIgnore && has('.gitignore') ? createGitignore(dir, dir, ['.gitignore'], bad) : empty,
      exclude: commonDir !== undefined ? createGitignore(dir, commonDir, ['info/exclude'], bad) : empty,
      hasGit: git !== undefined,
    };
  }

  /** With the ignore files of `path`'s parents (through its real path), below this root. */
  addParents(path: string, bad: BadLine[]): Ignore {
    const o = this.shared.opts;
    if (!o.parents && !o.gitIgnore && !o.gitExclude && !o.gitGlobal) return this;
    let base: string;
    try {
      base = realpathSync.native(fsPathOf(path), { encoding: 'buffer' }).toString('latin1');
    } catch {
      return this;
    }
    const parents: string[] = [];
    for (let p = base; p !== '/';) {
      const slash = p.lastIndexOf('/');
      if (slash < 0) break;
      p = slash === 0 ? '/' : p.slice(0, slash);
      parents.push(p);
    }
    return parents.reverse().reduce<Ignore>((ig, dir) => {
      const m = ig.matchers(dir, bad);
      m.hasGit = o.gitIgnore ? stat(joinPath(dir, '.git')) !== undefined : false;
      return new Ignore(this.shared, dir, ig, true, base, m);
    }, this);
  }

  /** With the ignore files of `dir`, a directory the walk enters. */
  addChild(dir: string, bad: BadLine[], listed?: ReadonlySet<string>): Ignore {
    return new Ignore(this.shared, dir, this, false, this.absoluteBase, this.matchers(dir, bad, listed));
  }

  /** What the ignore files of `self` and its parents say (the crate's `matched_ignore`). */
  private static matchedIgnore(self: Ignore, path: string, isDir: boolean): Match {
    const o = self.shared.opts;
    let [custom, ignore, gi, exclude]: Match[] = [undefined, undefined, undefined, undefined];
    const anyGit = self.anyGit;
    let sawGit = false;
    const visit = (ig: Ignore, p: string) => {
      custom ??= ig.m.custom.matched(p, isDir);
      ignore ??= ig.m.ignore.matched(p, isDir);
      if (anyGit && !sawGit) {
        gi ??= ig.m.gitignore.matched(p, isDir);
        exclude ??= ig.m.exclude.matched(p, isDir);
      }
      sawGit ||= ig.m.hasGit;
    };
    // The walk's directories, up to the first of the root's parents; then those parents,
    // matched against the path joined to the root's real path.
    let ig: Ignore | undefined = self;
    for (; ig && !ig.absoluteParent; ig = ig.parent) visit(ig, path);
    if (o.parents && self.absoluteBase !== undefined) {
      const p = joinPath(self.absoluteBase, path);
      for (; ig; ig = ig.parent) visit(ig, p);
    }
    const global = anyGit ? self.shared.global.matched(path, isDir) : undefined;
    let explicit: Match;
    for (let i = self.shared.explicit.length - 1; i >= 0 && explicit === undefined; i--) {
      explicit = self.shared.explicit[i]!.matched(path, isDir);
    }
    return custom ?? ignore ?? gi ?? exclude ?? global ?? explicit;
  }

  /** What the overrides, ignore files and types say of an entry (the crate's `matched`). */
  matched(path: string, isDir: boolean): Match {
    if (path.startsWith('./')) path = path.slice(2);
    const { overrides, types, opts } = this.shared;
    const over = overrides.matched(path, isDir);
    if (over !== undefined) return over;
    let whitelisted: Match;
    if (
      opts.ignore ||
      opts.gitGlobal ||
      opts.gitIgnore ||
      opts.gitExclude ||
      opts.custom.length ||
      opts.explicit.length
    ) {
      const m = Ignore.matchedIgnore(this, path, isDir);
      if (m === 'ignore') return m;
      if (m === 'whitelist') whitelisted = m;
    }
    const t = types.matched(path, isDir);
    if (t === 'ignore') return t;
    if (t === 'whitelist') whitelisted = t;
    return whitelisted;
  }

  /** `matched`, and then the hidden rule (a name starting with `.`). */
  matchedEntry(path: string, isDir: boolean): Match {
    const m = this.matched(path, isDir);
    if (m === undefined && this.shared.opts.hidden && fileNameOf(path)?.startsWith('.')) return 'ignore';
    return m;
  }
}
