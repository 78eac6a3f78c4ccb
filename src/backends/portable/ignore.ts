/**
 * Ignore files, `-g` globs and `-t` file types, with ripgrep's rules: a port of
 * native/src/ignore.rs, whose documentation gives the rules, their sources and their
 * precedence. Names and patterns matched are byte strings (see glob.ts); paths of files are
 * path strings (core/path-bytes.ts).
 */
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { bytesOfPath, hasEscapes, pathFromBytes } from '../../core/path-bytes.js';
import { extension, Glob, GlobError, type GlobOptions } from './glob.js';

/** One rule of an ignore file, or one `-g` glob. */
interface Rule {
  glob: Glob;
  /** `!pattern`. */
  negated: boolean;
  /** `pattern/`: directories only. */
  onlyDir: boolean;
  /** No `/` in the pattern: matched against the entry's name, not its path. */
  basename: boolean;
}

const EMPTY: readonly number[] = [];

/** A line's pattern, and what its decorations said. */
interface Line {
  pattern: string;
  negated: boolean;
  onlyDir: boolean;
  anchored: boolean;
}

/** Splits a line into its pattern and flags; `undefined` for blank lines and comments. */
function parseLine(line: string): Line | undefined {
  if (line.endsWith('\r')) line = line.slice(0, -1);
  if (line.startsWith('#')) return undefined;
  line = trimTrailingSpaces(line);
  const l: Line = { pattern: line, negated: false, onlyDir: false, anchored: false };
  if (l.pattern.startsWith('!')) {
    l.negated = true;
    l.pattern = l.pattern.slice(1);
  }
  if (l.pattern.startsWith('/')) {
    l.anchored = true;
    l.pattern = l.pattern.slice(1);
  }
  if (l.pattern.endsWith('/')) {
    l.onlyDir = true;
    l.pattern = l.pattern.slice(0, -1);
    // `a\/` is `a/`, as in ripgrep.
    if (l.pattern.endsWith('\\')) l.pattern = l.pattern.slice(0, -1);
  }
  if (l.pattern.includes('/')) l.anchored = true;
  return l.pattern ? l : undefined;
}

/** Drops trailing spaces that are not escaped by a `\` (git's rule: spaces only, not tabs). */
function trimTrailingSpaces(line: string): string {
  let spacesFrom = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x20) {
      if (spacesFrom < 0) spacesFrom = i;
    } else {
      if (c === 0x5c) i++;
      spacesFrom = -1;
    }
  }
  return spacesFrom < 0 ? line : line.slice(0, spacesFrom);
}

/** Adds `index` to the list of `key`. */
function addTo<K>(map: Map<K, number[]>, key: K, index: number): void {
  const list = map.get(key);
  if (list) list.push(index);
  else map.set(key, [index]);
}

/**
 * The rules of one ignore file (or of the `-g` globs), in order; indexed as in the native
 * core so that a path is tried against few rules (by its name, its extension, its first or
 * last byte), the candidates tried from the last rule down.
 */
export class RuleSet {
  private readonly rules: Rule[] = [];
  private readonly byName = new Map<string, number[]>();
  private readonly byExtension = new Map<string, number[]>();
  private readonly byFirst = new Map<number, number[]>();
  private readonly byLast = new Map<number, number[]>();
  /** The other rules' indices, ascending. */
  private readonly others: number[] = [];

  /** An ignore file's rules (invalid lines skipped; a leading UTF-8 BOM too, as git does). */
  static parse(text: string): RuleSet {
    if (text.startsWith('\xef\xbb\xbf')) text = text.slice(3);
    const set = new RuleSet();
    for (const line of text.split('\n')) {
      try {
        set.addLine(line, {});
      } catch (e) {
        if (!(e instanceof GlobError)) throw e;
      }
    }
    return set;
  }

  /** Adds one line; blank lines and comments add nothing. Throws a `GlobError` for a bad glob. */
  addLine(line: string, options: GlobOptions): void {
    const l = parseLine(line);
    if (!l) return;
    const glob = new Glob(l.pattern, options);
    const index = this.rules.length;
    const key = glob.requiredName();
    if (key === undefined) this.others.push(index);
    else if ('exact' in key) addTo(this.byName, key.exact, index);
    else if ('extension' in key) addTo(this.byExtension, key.extension, index);
    else if ('firstByte' in key) addTo(this.byFirst, key.firstByte, index);
    else addTo(this.byLast, key.lastByte, index);
    this.rules.push({ glob, negated: l.negated, onlyDir: l.onlyDir, basename: !l.anchored });
  }

  isEmpty(): boolean {
    return this.rules.length === 0;
  }

  /** Whether some rule is not a negation (an including `-g` glob, a selected type). */
  hasNonNegated(): boolean {
    return this.rules.some((r) => !r.negated);
  }

  /**
   * The last rule matching `path` (relative to the rules' directory; `name` is its last
   * component): `true` if it is a negation, `false` if not, `undefined` if none matches.
   */
  matched(path: string, name: string, isDir: boolean): boolean | undefined {
    const ext = this.byExtension.size ? extension(name) : undefined;
    const lists = [
      this.byName.get(name) ?? EMPTY,
      ext === undefined ? EMPTY : (this.byExtension.get(ext) ?? EMPTY),
      name.length ? (this.byFirst.get(name.charCodeAt(0)) ?? EMPTY) : EMPTY,
      name.length ? (this.byLast.get(name.charCodeAt(name.length - 1)) ?? EMPTY) : EMPTY,
      this.others,
    ];
    // Ascending lists, merged from their ends: the highest rule index first.
    const ends = lists.map((l) => l.length);
    for (;;) {
      let which = -1;
      let best = -1;
      for (let i = 0; i < lists.length; i++) {
        const end = ends[i]!;
        if (end > 0 && lists[i]![end - 1]! > best) {
          best = lists[i]![end - 1]!;
          which = i;
        }
      }
      if (which < 0) return undefined;
      ends[which]!--;
      const r = this.rules[best]!;
      if ((isDir || !r.onlyDir) && r.glob.isMatch(r.basename ? name : path)) return r.negated;
    }
  }
}

/** An ignore file's rules; `undefined` when it is unreadable or has none (as ripgrep treats it). */
export function readRules(path: string): RuleSet | undefined {
  let text: string;
  try {
    text = readFileSync(fsPath(path)).toString('latin1');
  } catch {
    return undefined;
  }
  const set = RuleSet.parse(text);
  return set.isEmpty() ? undefined : set;
}

/** What globs or types say of a path. */
export type Verdict = 'include' | 'exclude' | 'undecided';

/** A glob that did not compile: which one, and why. */
export class OverrideError extends Error {
  constructor(
    readonly caseInsensitive: boolean,
    readonly index: number,
    readonly glob: string,
    readonly error: GlobError,
  ) {
    super(error.message);
  }

  /**
   * The error as the native core words it for the walk option `option` (`globs`, `iglobs`,
   * `types`): `options.globs[1] is not a valid glob ("[a"): unclosed character class …`.
   */
  asRangeError(option: string): RangeError {
    return new RangeError(
      `options.${option}[${this.index}] is not a valid glob (${quoted(this.glob)}): ${this.message}`,
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

/** A JavaScript string's UTF-8 bytes as a byte string. */
export const bytesOf = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

/** ripgrep's `-g`/`--iglob` globs, compiled. */
export class Overrides {
  private readonly set = new RuleSet();
  readonly hasIncludes: boolean;

  /** `globs` then `iglobs` (case-insensitive), in that order: a later glob wins. Throws `OverrideError`. */
  constructor(globs: readonly string[] = [], iglobs: readonly string[] = []) {
    for (const [caseInsensitive, list] of [
      [false, globs],
      [true, iglobs],
    ] as const) {
      list.forEach((glob, index) => {
        try {
          this.set.addLine(bytesOf(glob), { caseInsensitive, alternation: true });
        } catch (e) {
          if (e instanceof GlobError) throw new OverrideError(caseInsensitive, index, glob, e);
          throw e;
        }
      });
    }
    this.hasIncludes = this.set.hasNonNegated();
  }

  isEmpty(): boolean {
    return this.set.isEmpty();
  }

  /** The verdict on `path` (relative to the searched directory; `name` its last component). */
  verdict(path: string, name: string, isDir: boolean): Verdict {
    if (this.set.isEmpty()) return 'undecided';
    const m = this.set.matched(path, name, isDir);
    if (m === false) return 'include';
    if (m === true) return 'exclude';
    return this.hasIncludes && !isDir ? 'exclude' : 'undecided';
  }
}

/** ripgrep's `-t`/`-T` file types: globs on a file's name, the last matching selection wins. */
export class TypeFilter {
  private readonly overrides: Overrides;

  /** `glob` for a selected type, `!glob` for an excluded one, in the order given. Throws `OverrideError`. */
  constructor(globs: readonly string[] = []) {
    this.overrides = new Overrides(globs);
  }

  isEmpty(): boolean {
    return this.overrides.isEmpty();
  }

  /** A file of a selected type is included, one of an excluded type (or of none, when some are selected) left out. */
  verdict(name: string, isDir: boolean): Verdict {
    if (isDir || this.overrides.isEmpty()) return 'undecided';
    return this.overrides.verdict(name, name, false);
  }
}

/** Which of the names that matter a directory holds. */
export class Present {
  rgignore = false;
  ignore = false;
  gitignore = false;
  git = false;

  /** Notes one entry name of the directory's listing (a byte string). */
  note(name: string): void {
    if (name.charCodeAt(0) !== 0x2e) return;
    if (name === '.rgignore') this.rgignore = true;
    else if (name === '.ignore') this.ignore = true;
    else if (name === '.gitignore') this.gitignore = true;
    else if (name === '.git') this.git = true;
  }

  /** Looks the names up in `dir` (for the searched directory's parents, which are not listed). */
  static probe(dir: string): Present {
    const p = new Present();
    const has = (name: string) => {
      try {
        lstatSync(fsPath(joinPath(dir, name)));
        return true;
      } catch {
        return false;
      }
    };
    p.rgignore = has('.rgignore');
    p.ignore = has('.ignore');
    p.gitignore = has('.gitignore');
    p.git = has('.git');
    return p;
  }

  isEmpty(): boolean {
    return !(this.rgignore || this.ignore || this.gitignore || this.git);
  }
}

/**
 * A path string (a name that is not UTF-8 has its bytes escaped, see core/path-bytes.ts) as
 * `fs` takes it: the string itself, or for such a name its bytes.
 */
export const fsPath = (path: string): string | Buffer => (hasEscapes(path) ? bytesOfPath(path) : path);

/** `dir` joined with `name`, as Rust's `Path::join` does (an absolute `name` replaces `dir`). */
export function joinPath(dir: string, name: string): string {
  if (name.startsWith('/')) return name;
  if (dir === '' || dir.endsWith('/')) return dir + name;
  return `${dir}/${name}`;
}

/** One directory's ignore files. */
export interface DirRules {
  rgignore?: RuleSet;
  ignore?: RuleSet;
  gitignore?: RuleSet;
  /** `.git/info/exclude`, when this directory is a repository root. */
  exclude?: RuleSet;
  /** This directory is a repository root (it holds `.git`). */
  hasGit: boolean;
}

/** Reads the files `present` says `dir` holds; `undefined` when nothing applies there. */
export function loadDirRules(dir: string, present: Present): DirRules | undefined {
  if (present.isEmpty()) return undefined;
  const read = (there: boolean, name: string) => (there ? readRules(joinPath(dir, name)) : undefined);
  let gitIsFile: boolean | undefined;
  if (present.git) {
    try {
      gitIsFile = statSync(fsPath(joinPath(dir, '.git'))).isFile();
    } catch {
      gitIsFile = undefined;
    }
  }
  let exclude: RuleSet | undefined;
  if (gitIsFile !== undefined) {
    const common = gitCommonDir(dir, gitIsFile);
    if (common !== undefined) exclude = readRules(joinPath(common, 'info/exclude'));
  }
  const rules: DirRules = {
    rgignore: read(present.rgignore, '.rgignore'),
    ignore: read(present.ignore, '.ignore'),
    gitignore: read(present.gitignore, '.gitignore'),
    exclude,
    hasGit: gitIsFile !== undefined,
  };
  const empty = !rules.rgignore && !rules.ignore && !rules.gitignore;
  return !empty || rules.hasGit ? rules : undefined;
}

/**
 * Where `dir`'s `.git` keeps `info/exclude`: `.git` itself, or for a worktree (a `.git` file
 * saying `gitdir: X`) X's common directory (`X/commondir`, else X).
 */
function gitCommonDir(dir: string, dotGitIsFile: boolean): string | undefined {
  const dotGit = joinPath(dir, '.git');
  if (!dotGitIsFile) return dotGit;
  const firstLine = (p: string): string | undefined => {
    try {
      const text = readFileSync(fsPath(p));
      const nl = text.indexOf(0x0a);
      return (nl < 0 ? text : text.subarray(0, nl)).toString('utf8').replace(/\r+$/, '');
    } catch {
      return undefined;
    }
  };
  const line = firstLine(dotGit);
  if (line === undefined || !line.startsWith('gitdir:')) return undefined;
  const gitDir = joinPath(dir, line.slice('gitdir:'.length).trim());
  const common = firstLine(joinPath(gitDir, 'commondir'));
  return common !== undefined && common.trim() !== '' ? joinPath(gitDir, common.trim()) : gitDir;
}

/** One level of the stack: a directory's rules, and where paths relative to it start in the walker's path. */
interface Level {
  base: number;
  rules: DirRules;
  /** The nearest level at or above this one that is a repository root (-1: none). */
  gitRoot: number;
}

/**
 * The ignore files in force at a point of the walk: the searched directory's parents at the
 * bottom, then every directory on the walk path that has any.
 */
export class IgnoreStack {
  private readonly levels: Level[] = [];

  constructor(private readonly global?: RuleSet) {}

  /** Adds the rules of the directory whose paths start at `base` in the path. */
  push(base: number, rules: DirRules): void {
    const gitRoot = rules.hasGit ? this.levels.length : (this.levels[this.levels.length - 1]?.gitRoot ?? -1);
    this.levels.push({ base, rules, gitRoot });
  }

  get length(): number {
    return this.levels.length;
  }

  /** Drops the levels above `length`. */
  truncate(length: number): void {
    this.levels.length = Math.min(this.levels.length, length);
  }

  /**
   * What the ignore files say of `path` (the whole path; `name` is its last component):
   * `false` ignored, `true` re-included by a negation, `undefined` when no rule matches.
   */
  matched(path: string, name: string, isDir: boolean): boolean | undefined {
    const below = (l: Level) => path.slice(Math.min(l.base, path.length));
    for (const kind of ['rgignore', 'ignore'] as const) {
      for (let i = this.levels.length - 1; i >= 0; i--) {
        const l = this.levels[i]!;
        const m = l.rules[kind]?.matched(below(l), name, isDir);
        if (m !== undefined) return m;
      }
    }
    const rootIndex = this.levels[this.levels.length - 1]?.gitRoot ?? -1;
    if (rootIndex < 0) return undefined;
    for (let i = this.levels.length - 1; i >= rootIndex; i--) {
      const l = this.levels[i]!;
      const m = l.rules.gitignore?.matched(below(l), name, isDir);
      if (m !== undefined) return m;
    }
    const root = this.levels[rootIndex]!;
    const exclude = root.rules.exclude?.matched(below(root), name, isDir);
    return exclude ?? this.global?.matched(below(root), name, isDir);
  }
}

/** Rust's `trim_ascii`: ASCII whitespace only (not NBSP, not vertical tab). */
const trimAscii = (s: string) => s.replace(/^[ \t\n\f\r]+|[ \t\n\f\r]+$/g, '');

/**
 * `core.excludesFile` from a git config file's text (a byte string): a plain reading of the
 * ini format, as the native core's (section `[core]`, case-insensitive names, `#`/`;`
 * comments, a quoted or bare value; the last setting wins).
 */
export function excludesFileSetting(config: string): string | undefined {
  let inCore = false;
  let found: string | undefined;
  for (const raw of config.split('\n')) {
    let line = trimAscii(raw);
    if (line.startsWith('[')) {
      // `[core]`, possibly followed by a setting on the same line; `[core "x"]` and
      // `[core.x]` are other sections.
      const close = line.indexOf(']');
      if (close < 0) {
        inCore = false;
        continue;
      }
      inCore = trimAscii(line.slice(1, close)).toLowerCase() === 'core';
      line = trimAscii(line.slice(close + 1));
    }
    if (inCore) {
      const v = setting(line);
      if (v !== undefined) found = v;
    }
  }
  return found;

  function setting(line: string): string | undefined {
    const eq = line.indexOf('=');
    if (eq < 0 || trimAscii(line.slice(0, eq)).toLowerCase() !== 'excludesfile') return undefined;
    let value = '';
    let quoted = false;
    const text = trimAscii(line.slice(eq + 1));
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (c === '"') quoted = !quoted;
      else if (c === '\\') {
        const e = text[++i];
        if (e === 'n') value += '\n';
        else if (e === 't') value += '\t';
        else if (e !== undefined) value += e;
      } else if ((c === '#' || c === ';') && !quoted) break;
      else value += c;
    }
    value = trimAscii(value);
    return value || undefined;
  }
}

/** A byte string as a path string (a name that is not UTF-8 with its bytes escaped, see core/path-bytes.ts). */
const pathOfByteString = (bytes: string) => pathFromBytes(Buffer.from(bytes, 'latin1'));

/**
 * The global excludes file: `core.excludesFile` from `~/.gitconfig`, else from
 * `$XDG_CONFIG_HOME/git/config` (`~/.config/git/config`), else `$XDG_CONFIG_HOME/git/ignore`.
 */
export function globalExcludesPath(home: string | undefined, xdgConfigHome: string | undefined): string | undefined {
  const xdg = xdgConfigHome ? xdgConfigHome : home !== undefined ? joinPath(home, '.config') : undefined;
  const from = (config: string | undefined): string | undefined => {
    if (config === undefined) return undefined;
    let text: string;
    try {
      text = readFileSync(fsPath(config)).toString('latin1');
    } catch {
      return undefined;
    }
    const value = excludesFileSetting(text);
    if (value === undefined) return undefined;
    if (value.startsWith('~/') && home !== undefined) return pathOfByteString(joinPath(bytesOf(home), value.slice(2)));
    return pathOfByteString(value);
  };
  return (
    from(home === undefined ? undefined : joinPath(home, '.gitconfig')) ??
    from(xdg === undefined ? undefined : joinPath(xdg, 'git/config')) ??
    (xdg === undefined ? undefined : joinPath(xdg, 'git/ignore'))
  );
}

/** `globalExcludesPath` from `$HOME` and `$XDG_CONFIG_HOME`. */
export function globalExcludesPathFromEnv(): string | undefined {
  const home = process.env.HOME || undefined;
  return globalExcludesPath(home, process.env.XDG_CONFIG_HOME);
}
