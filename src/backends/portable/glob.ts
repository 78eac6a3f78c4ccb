/**
 * Globs as the native core's `globset` 0.4.9 (ripgrep's) reads and matches them: a port of
 * its parser (`glob.rs`), of the regular expression it makes of a glob, and of how a
 * `GlobSet` matches a path (its literal, basename, extension, prefix and suffix shortcuts
 * included, which decide a few paths differently from the expression).
 *
 * Globs are text; paths are byte strings (one char per byte, as `Buffer#toString('latin1')`
 * gives), since file names need not be UTF-8: a literal character of a glob matches its
 * UTF-8 bytes, `?` and a class match one byte, as globset's byte-wise expressions do.
 */

/** Why a glob does not parse, in globset's words. */
export class GlobError extends Error {}

type Token =
  | { t: 'lit'; c: string }
  | { t: 'any' }
  | { t: 'star' }
  | { t: 'rprefix' }
  | { t: 'rsuffix' }
  | { t: 'rzero' }
  | { t: 'class'; negated: boolean; ranges: [number, number][] }
  | { t: 'alt'; alts: Token[][] };

/** How a glob is read (globset's `GlobBuilder` options). */
export interface GlobOptions {
  caseInsensitive: boolean;
  /** `*` and `?` do not match `/`. */
  literalSeparator: boolean;
}

const isSeparator = (c: string | undefined) => c === '/';

/** globset's `Parser`, over the glob's characters (code points). */
function parse(glob: string): Token[] {
  const chars = [...glob];
  let i = 0;
  let prev: string | undefined;
  let cur: string | undefined;
  const stack: Token[][] = [[]];
  const bump = () => {
    prev = cur;
    cur = chars[i++];
    return cur;
  };
  const peek = () => chars[i];
  const top = () => stack[stack.length - 1]!;
  const push = (tok: Token) => top().push(tok);
  const parseStar = () => {
    const before = prev;
    if (peek() !== '*') return push({ t: 'star' });
    bump();
    if (top().length === 0) {
      if (peek() !== undefined && !isSeparator(peek())) {
        push({ t: 'star' });
        push({ t: 'star' });
      } else {
        push({ t: 'rprefix' });
        bump();
      }
      return;
    }
    if (!isSeparator(before) && (stack.length <= 1 || (before !== ',' && before !== '{'))) {
      push({ t: 'star' });
      push({ t: 'star' });
      return;
    }
    let isSuffix: boolean;
    const next = peek();
    if (next === undefined) {
      bump();
      isSuffix = true;
    } else if ((next === ',' || next === '}') && stack.length >= 2) {
      isSuffix = true;
    } else if (isSeparator(next)) {
      bump();
      isSuffix = false;
    } else {
      push({ t: 'star' });
      push({ t: 'star' });
      return;
    }
    const last = top().pop()!;
    if (last.t === 'rprefix' || last.t === 'rsuffix') push(last);
    else push({ t: isSuffix ? 'rsuffix' : 'rzero' });
  };
  const parseClass = () => {
    const ranges: [number, number][] = [];
    let negated = false;
    if (peek() === '!' || peek() === '^') {
      bump();
      negated = true;
    }
    let first = true;
    let inRange = false;
    const extend = (c: string) => {
      const r = ranges[ranges.length - 1]!;
      r[1] = c.codePointAt(0)!;
      if (r[1] < r[0]) {
        throw new GlobError(`invalid range; '${String.fromCodePoint(r[0])}' > '${String.fromCodePoint(r[1])}'`);
      }
    };
    for (;;) {
      const c = bump();
      if (c === undefined) throw new GlobError("unclosed character class; missing ']'");
      if (c === ']') {
        if (!first) break;
        ranges.push([0x5d, 0x5d]);
      } else if (c === '-') {
        if (first) ranges.push([0x2d, 0x2d]);
        else if (inRange) {
          extend('-');
          inRange = false;
        } else inRange = true;
      } else {
        if (inRange) extend(c);
        else ranges.push([c.codePointAt(0)!, c.codePointAt(0)!]);
        inRange = false;
      }
      first = false;
    }
    if (inRange) ranges.push([0x2d, 0x2d]);
    push({ t: 'class', negated, ranges });
  };
  for (let c = bump(); c !== undefined; c = bump()) {
    if (c === '?') push({ t: 'any' });
    else if (c === '*') parseStar();
    else if (c === '[') parseClass();
    else if (c === '{') {
      if (stack.length > 1) throw new GlobError('nested alternate groups are not allowed');
      stack.push([]);
    } else if (c === '}') {
      const alts: Token[][] = [];
      while (stack.length >= 2) alts.push(stack.pop()!);
      push({ t: 'alt', alts });
    } else if (c === ',') {
      if (stack.length <= 1) push({ t: 'lit', c: ',' });
      else stack.push([]);
    } else if (c === '\\') {
      // `\` escapes the next character (globset's `backslash_escape`, always on Unix).
      const e = bump();
      if (e === undefined) throw new GlobError("dangling '\\'");
      push({ t: 'lit', c: e });
    } else push({ t: 'lit', c });
  }
  if (stack.length > 1) throw new GlobError("unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)");
  return stack[0]!;
}

/** A string's UTF-8 bytes as a byte string. */
// eslint-disable-next-line no-control-regex
export const utf8Bytes = (s: string) => (/^[\x00-\x7f]*$/.test(s) ? s : Buffer.from(s, 'utf8').toString('latin1'));

const hex = (b: number) => `\\x${b.toString(16).padStart(2, '0')}`;
const isAsciiLetter = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

/** A class's bytes: each range as globset writes it into a byte-wise expression. */
function classBytes(ranges: [number, number][], caseInsensitive: boolean): boolean[] {
  const set: boolean[] = Array(256).fill(false);
  for (const [from, to] of ranges) {
    const a = [...Buffer.from(String.fromCodePoint(from), 'utf8')];
    const b = [...Buffer.from(String.fromCodePoint(to), 'utf8')];
    if (from === to) {
      for (const x of a) set[x] = true;
      continue;
    }
    // `\xa1\xa2-\xb1\xb2`: the bytes around the `-` make the range.
    for (const x of a.slice(0, -1)) set[x] = true;
    for (let x = a[a.length - 1]!; x <= b[0]!; x++) set[x] = true;
    for (const x of b.slice(1)) set[x] = true;
  }
  if (caseInsensitive) {
    for (let x = 0; x < 128; x++) if (set[x] && isAsciiLetter(x)) set[x ^ 0x20] = true;
  }
  return set;
}

/** The glob as a JavaScript expression over byte strings, as globset's over bytes. */
function toRegExp(tokens: Token[], opts: GlobOptions, dotAll: boolean): RegExp {
  const dot = dotAll ? '[^]' : '[^\\n]';
  const lit = (c: string) =>
    [...Buffer.from(c, 'utf8')]
      .map((b) => (opts.caseInsensitive && isAsciiLetter(b) ? `[${hex(b & ~0x20)}${hex(b | 0x20)}]` : hex(b)))
      .join('');
  const emit = (toks: Token[]): string =>
    toks
      .map((tok) => {
        switch (tok.t) {
          case 'lit':
            return lit(tok.c);
          case 'any':
            return opts.literalSeparator ? '[^/]' : dot;
          case 'star':
            return opts.literalSeparator ? '[^/]*' : `${dot}*`;
          case 'rprefix':
            return `(?:/?|${dot}*/)`;
          case 'rsuffix':
            return `/${dot}*`;
          case 'rzero':
            return `(?:/|/${dot}*/)`;
          case 'class': {
            const set = classBytes(tok.ranges, opts.caseInsensitive);
            const members = set.map((on, b) => (on ? hex(b) : '')).join('');
            return `[${tok.negated ? '^' : ''}${members}]`;
          }
          case 'alt': {
            const parts = tok.alts.map(emit).filter((p) => p !== '');
            return parts.length ? `(?:${parts.join('|')})` : '';
          }
        }
      })
      .join('');
  if (tokens.length === 1 && tokens[0]!.t === 'rprefix') return new RegExp(`^${dot}*$`);
  return new RegExp(`^${emit(tokens)}$`);
}

/** How globset matches one glob of a set: a shortcut when the glob has one. */
type Strategy =
  | { kind: 'literal'; lit: string }
  | { kind: 'basename'; lit: string }
  | { kind: 'extension'; ext: string }
  | { kind: 'prefix'; lit: string }
  | { kind: 'suffix'; lit: string; component: boolean }
  | { kind: 'required-extension'; ext: string; re: RegExp }
  | { kind: 'regex'; re: RegExp };

/** The characters of a run of literal tokens, or undefined if another token is among them. */
function literals(tokens: Token[]): string | undefined {
  let s = '';
  for (const t of tokens) {
    if (t.t !== 'lit') return undefined;
    s += t.c;
  }
  return s;
}

/** globset's `MatchStrategy::new`: its shortcuts, tried in its order. */
function strategyOf(tokens: Token[], opts: GlobOptions): Strategy {
  const regex = () => ({ kind: 'regex', re: toRegExp(tokens, opts, false) }) as const;
  if (opts.caseInsensitive) return regex();
  // basename_literal: `**/literal` without a `/`.
  if (tokens[0]?.t === 'rprefix' && tokens.length > 1) {
    const rest = literals(tokens.slice(1));
    if (rest !== undefined && !rest.includes('/')) return { kind: 'basename', lit: utf8Bytes(rest) };
  }
  const all = literals(tokens);
  if (all) return { kind: 'literal', lit: utf8Bytes(all) };
  // ext: `*.ext` (`**/*.ext`), the extension without `.` or `/`.
  {
    const start = tokens[0]?.t === 'rprefix' ? 1 : 0;
    if (tokens[start]?.t === 'star' && !(start === 0 && opts.literalSeparator)) {
      const dotTok = tokens[start + 1];
      const rest = literals(tokens.slice(start + 2));
      if (dotTok?.t === 'lit' && dotTok.c === '.' && rest !== undefined && !/[./]/.test(rest)) {
        return { kind: 'extension', ext: utf8Bytes(`.${rest}`) };
      }
    }
  }
  // prefix: `literal*` (a `*` that may match `/`) or `literal/**`.
  {
    const last = tokens[tokens.length - 1];
    const star = last?.t === 'star' && !opts.literalSeparator;
    if (last && (star || last.t === 'rsuffix')) {
      const lit = literals(tokens.slice(0, -1));
      const full = last.t === 'rsuffix' ? `${lit}/` : lit;
      if (lit !== undefined && full) return { kind: 'prefix', lit: utf8Bytes(full) };
    }
    // Otherwise every token must be a literal: the literal case above.
  }
  // suffix: `*literal` (a `*` that may match `/`), `**/literal`, `**/*literal`.
  {
    let lit = '';
    let start = 0;
    let component = false;
    if (tokens[0]?.t === 'rprefix') {
      start = 1;
      if (tokens[1]?.t === 'lit') {
        lit = '/';
        component = true;
      }
    }
    let ok = true;
    if (tokens[start]?.t === 'star') {
      if (opts.literalSeparator) ok = false;
      else start += 1;
    }
    const rest = ok ? literals(tokens.slice(start)) : undefined;
    if (rest !== undefined) {
      lit += rest;
      if (lit !== '' && lit !== '/') return { kind: 'suffix', lit: utf8Bytes(lit), component };
    }
  }
  // required_ext: ends in literal `.ext` (no `/` in it).
  {
    let ext = '';
    let found = false;
    for (let k = tokens.length - 1; k >= 0; k--) {
      const t = tokens[k]!;
      if (t.t !== 'lit' || t.c === '/') break;
      ext = t.c + ext;
      if (t.c === '.') {
        found = true;
        break;
      }
    }
    if (found) return { kind: 'required-extension', ext: utf8Bytes(ext), re: toRegExp(tokens, opts, true) };
  }
  return regex();
}

/** A parsed glob: `new Glob(text, options)` throws `GlobError` when it does not parse. */
export class Glob {
  readonly strategy: Strategy;
  constructor(glob: string, opts: GlobOptions) {
    this.strategy = strategyOf(parse(glob), opts);
  }
}

/** The crates' `file_name`: after the last `/`; none if empty, or ending in `.` (`..` too). */
export function fileNameOf(path: string): string | undefined {
  if (path === '' || path.endsWith('.')) return undefined;
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A path prepared for matching (globset's `Candidate`). */
export class Candidate {
  readonly basename: string;
  readonly ext: string;
  constructor(readonly path: string) {
    this.basename = fileNameOf(path) ?? '';
    const dot = this.basename.lastIndexOf('.');
    this.ext = dot < 0 ? '' : this.basename.slice(dot);
  }
}

function matches(s: Strategy, c: Candidate): boolean {
  switch (s.kind) {
    case 'literal':
      return c.path === s.lit;
    case 'basename':
      return c.basename !== '' && c.basename === s.lit;
    case 'extension':
      return c.ext !== '' && c.ext === s.ext;
    case 'prefix':
      return c.path.startsWith(s.lit);
    case 'suffix':
      return c.path.endsWith(s.lit) || (s.component && c.path === s.lit.slice(1));
    case 'required-extension':
      return c.ext !== '' && c.ext === s.ext && s.re.test(c.path);
    case 'regex':
      return s.re.test(c.path);
  }
}

/** Globs matched together: which of them match a path (globset's `GlobSet`). */
export class GlobSet {
  constructor(private readonly globs: Glob[]) {}

  get size(): number {
    return this.globs.length;
  }

  /** The index of the last glob (by position) that matches and that `accept` takes. */
  lastMatch(c: Candidate, accept: (index: number) => boolean = () => true): number | undefined {
    for (let i = this.globs.length - 1; i >= 0; i--) {
      if (matches(this.globs[i]!.strategy, c) && accept(i)) return i;
    }
    return undefined;
  }
}
