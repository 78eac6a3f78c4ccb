/**
 * Glob patterns with gitignore and ripgrep semantics: a port of native/src/glob.rs, whose
 * documentation describes the syntax. Matching is on bytes, as there: `?` is one byte and a
 * class holds bytes. Bytes are carried in "byte strings", JavaScript strings whose code
 * units are bytes (0–255, what `Buffer#toString('latin1')` gives), so that names compare,
 * slice and hash as strings.
 */

/** How a glob is read. */
export interface GlobOptions {
  /** Letters match either case (ASCII only). */
  caseInsensitive?: boolean;
  /** `{a,b}` is alternation (ripgrep's `-g`), not literal braces (gitignore). */
  alternation?: boolean;
}

/** The most expansions a pattern's braces may have (`{a,b}{c,d}` has 4). */
export const MAX_ALTERNATIVES = 4096;

/** Why a pattern is not a valid glob; `message` is the native core's wording. */
export class GlobError extends Error {
  constructor(
    readonly kind:
      | 'DanglingEscape'
      | 'UnclosedClass'
      | 'InvalidRange'
      | 'UnclosedAlternates'
      | 'UnopenedAlternates'
      | 'TooManyAlternatives',
    message: string,
  ) {
    super(message);
  }
}

/** Rust's `char::escape_default` of a byte taken as a char. */
function escapeDefault(b: number): string {
  if (b === 0x09) return '\\t';
  if (b === 0x0a) return '\\n';
  if (b === 0x0d) return '\\r';
  if (b === 0x5c || b === 0x27 || b === 0x22) return '\\' + String.fromCharCode(b);
  if (b >= 0x20 && b <= 0x7e) return String.fromCharCode(b);
  return `\\u{${b.toString(16)}}`;
}

const errors = {
  danglingEscape: () => new GlobError('DanglingEscape', "dangling '\\' at the end"),
  unclosedClass: () => new GlobError('UnclosedClass', "unclosed character class (missing ']')"),
  invalidRange: (a: number, b: number) =>
    new GlobError('InvalidRange', `invalid range ${escapeDefault(a)}-${escapeDefault(b)}`),
  unclosedAlternates: () => new GlobError('UnclosedAlternates', "unclosed alternation (missing '}')"),
  unopenedAlternates: () => new GlobError('UnopenedAlternates', "'}' without its '{'"),
  tooMany: () => new GlobError('TooManyAlternatives', `more than ${MAX_ALTERNATIVES} alternatives`),
};

/** A set of bytes. */
type ByteSet = Uint8Array;

type Tok =
  | { t: 'lit'; b: number }
  | { t: 'any' }
  | { t: 'star' }
  | { t: 'class'; set: ByteSet; negated: boolean }
  | { t: 'group'; branches: Tok[][] };

/** A token of one expansion (no braces). */
type Flat = Exclude<Tok, { t: 'group' }>;

/** One item of a component pattern; literals are lowercase when case-insensitive. */
type Item = { t: 'lit'; s: string } | { t: 'any' } | { t: 'star' } | { t: 'class'; set: ByteSet };

/** A pattern for one path component (it never matches `/`). */
type Component =
  | { k: 'literal'; s: string }
  | { k: 'suffix'; s: string }
  | { k: 'prefix'; s: string }
  | { k: 'anyName' }
  | { k: 'general'; items: Item[]; minLen: number; hasStar: boolean };

/** A step of a path pattern: `**` (zero or more components) or one component. */
type Step = 'doubleStar' | Component;

/** One alternative, compiled. */
type Pattern =
  | { p: 'single'; c: Component }
  | { p: 'literalPath'; s: string }
  | { p: 'basename'; c: Component }
  | { p: 'tail'; cs: Component[] }
  | { p: 'general'; steps: Step[] }
  | { p: 'everything' };

/** A necessary condition on a path's last component (see `Glob#requiredName`). */
export type NameKey =
  { exact: string } | { extension: string } | { firstByte: number } | { lastByte: number } | undefined;

const SLASH = 0x2f;

/** `s` with its ASCII letters lowercased (and no other character changed). */
export function asciiLower(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

/** A compiled glob. */
export class Glob {
  private readonly alternatives: Pattern[];
  private readonly caseInsensitive: boolean;

  /** Compiles `pattern` (a byte string: an ignore file's line need not be UTF-8). */
  constructor(pattern: string, options: GlobOptions = {}) {
    const toks = parse(pattern, options.alternation ?? false);
    this.caseInsensitive = options.caseInsensitive ?? false;
    this.alternatives = expand(toks).map((flat) => compile(flat, this.caseInsensitive));
  }

  /** Whether the whole of `path` (a byte string, components separated by `/`) matches. */
  isMatch(path: string): boolean {
    // Matching a lowercased path against lowercased literals and case-closed classes is
    // matching while folding case.
    if (this.caseInsensitive) path = asciiLower(path);
    for (const p of this.alternatives) if (patternMatches(p, path)) return true;
    return false;
  }

  /**
   * What a path's last component must be for the glob to match it, when one simple test
   * says so: for indexing many globs by name or extension. `undefined` for anything else
   * (case-insensitive globs and braces included).
   */
  requiredName(): NameKey {
    if (this.alternatives.length !== 1 || this.caseInsensitive) return undefined;
    const only = this.alternatives[0]!;
    let last: Component;
    switch (only.p) {
      case 'single':
      case 'basename':
        last = only.c;
        break;
      case 'literalPath':
        return { exact: only.s.slice(only.s.lastIndexOf('/') + 1) };
      case 'tail': {
        const c = only.cs[only.cs.length - 1];
        if (!c) return undefined;
        last = c;
        break;
      }
      case 'general': {
        const s = only.steps[only.steps.length - 1];
        if (s === undefined || s === 'doubleStar') return undefined;
        last = s;
        break;
      }
      case 'everything':
        return undefined;
    }
    switch (last.k) {
      case 'literal':
        return { exact: last.s };
      case 'suffix': {
        const dot = last.s.lastIndexOf('.');
        if (dot >= 0) return { extension: last.s.slice(dot + 1) };
        return last.s.length ? { lastByte: last.s.charCodeAt(last.s.length - 1) } : undefined;
      }
      case 'prefix':
        return last.s.length ? { firstByte: last.s.charCodeAt(0) } : undefined;
      case 'general': {
        const first = last.items[0];
        const end = last.items[last.items.length - 1];
        if (first?.t === 'lit') return { firstByte: first.s.charCodeAt(0) };
        if (end?.t === 'lit') return { lastByte: end.s.charCodeAt(end.s.length - 1) };
        return undefined;
      }
      case 'anyName':
        return undefined;
    }
  }
}

/** What follows the last `.` of a name, if it has one. */
export function extension(name: string): string | undefined {
  const i = name.lastIndexOf('.');
  return i < 0 ? undefined : name.slice(i + 1);
}

/** Parses the pattern into tokens, with brace groups when `alternation`. */
function parse(p: string, alternation: boolean): Tok[] {
  // Tokens go to the last branch of the innermost open group, or to `top`.
  const top: Tok[] = [];
  const groups: Tok[][][] = [];
  const current = (): Tok[] => {
    const g = groups[groups.length - 1];
    return g ? g[g.length - 1]! : top;
  };
  let i = 0;
  while (i < p.length) {
    const c = p.charCodeAt(i++);
    let tok: Tok;
    if (c === 0x3f /* ? */) tok = { t: 'any' };
    else if (c === 0x2a /* * */) tok = { t: 'star' };
    else if (c === 0x5c /* \ */) {
      if (i >= p.length) throw errors.danglingEscape();
      tok = { t: 'lit', b: p.charCodeAt(i++) };
    } else if (c === 0x5b /* [ */) {
      const [set, negated, next] = parseClass(p, i);
      i = next;
      tok = { t: 'class', set, negated };
    } else if (c === 0x7b /* { */ && alternation) {
      groups.push([[]]);
      continue;
    } else if (c === 0x2c /* , */ && alternation && groups.length) {
      groups[groups.length - 1]!.push([]);
      continue;
    } else if (c === 0x7d /* } */ && alternation) {
      const branches = groups.pop();
      if (!branches) throw errors.unopenedAlternates();
      tok = { t: 'group', branches };
    } else tok = { t: 'lit', b: c };
    current().push(tok);
  }
  if (groups.length) throw errors.unclosedAlternates();
  return top;
}

/**
 * Parses a class whose `[` ends just before `i`: its members, whether it is negated, and the
 * index after its `]`. Git's rules: `!` or `^` first negates; `]` first is a member; `\`
 * escapes; `a-z` is a range unless `-` is first or last.
 */
function parseClass(p: string, i: number): [ByteSet, boolean, number] {
  const set = new Uint8Array(256);
  const at = (j: number) => (j < p.length ? p.charCodeAt(j) : -1);
  const negated = at(i) === 0x21 || at(i) === 0x5e;
  if (negated) i++;
  let first = true;
  for (;;) {
    const c = at(i);
    if (c < 0) throw errors.unclosedClass();
    i++;
    if (c === 0x5d && !first) break;
    first = false;
    let lo = c;
    if (c === 0x5c) {
      lo = at(i);
      if (lo < 0) throw errors.unclosedClass();
      i++;
    }
    // A range: `-` followed by something other than the closing `]`.
    if (at(i) === 0x2d && at(i + 1) >= 0 && at(i + 1) !== 0x5d) {
      i++;
      let hi = at(i++);
      if (hi === 0x5c) {
        hi = at(i);
        if (hi < 0) throw errors.unclosedClass();
        i++;
      }
      if (hi < lo) throw errors.invalidRange(lo, hi);
      set.fill(1, lo, hi + 1);
    } else {
      set[lo] = 1;
    }
  }
  return [set, negated, i];
}

/** Expands brace groups into alternatives (empty branches dropped, as ripgrep does). */
function expand(toks: Tok[]): Flat[][] {
  let out: Flat[][] = [[]];
  for (const tok of toks) {
    if (tok.t !== 'group') {
      for (const v of out) v.push(tok);
      continue;
    }
    const tails: Flat[][] = [];
    for (const b of tok.branches) {
      if (!b.length) continue;
      tails.push(...expand(b));
      if (tails.length > MAX_ALTERNATIVES) throw errors.tooMany();
    }
    if (!tails.length) continue;
    if (out.length * tails.length > MAX_ALTERNATIVES) throw errors.tooMany();
    out = out.flatMap((head) => tails.map((tail) => [...head, ...tail]));
  }
  return out;
}

const isSlash = (t: Flat) => t.t === 'lit' && t.b === SLASH;

/** Compiles one expansion. */
function compile(flat: Flat[], ci: boolean): Pattern {
  const parts: Flat[][] = [[]];
  for (const t of flat) {
    if (isSlash(t)) parts.push([]);
    else parts[parts.length - 1]!.push(t);
  }
  const isDouble = (part: Flat[]) => part.length >= 2 && part.every((t) => t.t === 'star');
  const n = parts.length;
  const steps: Step[] = [];
  parts.forEach((part, i) => {
    if (isDouble(part)) {
      // `x/**`: at least one component below `x`.
      if (i === n - 1 && n > 1) steps.push({ k: 'anyName' });
      // `**/**` is one `**`.
      if (steps[steps.length - 1] !== 'doubleStar') steps.push('doubleStar');
    } else {
      steps.push(component(part, ci));
    }
  });
  const [s0, s1] = steps;
  if (steps.length === 1 && s0 === 'doubleStar') return { p: 'everything' };
  if (steps.length === 1 && s0 !== 'doubleStar') return { p: 'single', c: s0! };
  if (steps.length === 2 && s0 === 'doubleStar' && s1 !== 'doubleStar') return { p: 'basename', c: s1! };
  if (s0 === 'doubleStar' && steps.slice(1).every((s) => s !== 'doubleStar')) {
    return { p: 'tail', cs: steps.slice(1) as Component[] };
  }
  if (steps.every((s) => s !== 'doubleStar' && s.k === 'literal')) {
    return { p: 'literalPath', s: (steps as { s: string }[]).map((s) => s.s).join('/') };
  }
  return { p: 'general', steps };
}

/** Compiles one component's tokens (none is `/`). */
function component(part: Flat[], ci: boolean): Component {
  const items: Item[] = [];
  let lit = '';
  const flush = () => {
    if (lit) items.push({ t: 'lit', s: lit });
    lit = '';
  };
  for (const t of part) {
    switch (t.t) {
      case 'lit':
        lit += String.fromCharCode(ci && t.b >= 0x41 && t.b <= 0x5a ? t.b + 32 : t.b);
        break;
      case 'any':
        flush();
        items.push({ t: 'any' });
        break;
      case 'star':
        flush();
        if (items[items.length - 1]?.t !== 'star') items.push({ t: 'star' });
        break;
      case 'class': {
        flush();
        const set = Uint8Array.from(t.set);
        if (ci) {
          // Folded before negation, as ripgrep does: `[!a]` refuses `A` too.
          for (let b = 0x61; b <= 0x7a; b++) {
            if (set[b] || set[b - 32]) set[b] = set[b - 32] = 1;
          }
        }
        if (t.negated) for (let b = 0; b < 256; b++) set[b] = set[b] ? 0 : 1;
        items.push({ t: 'class', set });
        break;
      }
    }
  }
  flush();
  const [a, b] = items;
  if (items.length === 0) return { k: 'literal', s: '' };
  if (items.length === 1 && a!.t === 'lit') return { k: 'literal', s: a!.s };
  if (items.length === 1 && a!.t === 'star') return { k: 'anyName' };
  if (items.length === 2 && a!.t === 'star' && b!.t === 'lit') return { k: 'suffix', s: b!.s };
  if (items.length === 2 && a!.t === 'lit' && b!.t === 'star') return { k: 'prefix', s: a!.s };
  let minLen = 0;
  for (const i of items) minLen += i.t === 'lit' ? i.s.length : i.t === 'star' ? 0 : 1;
  return { k: 'general', items, minLen, hasStar: items.some((i) => i.t === 'star') };
}

/** Whether the component `name` (no `/`) matches. */
function componentMatches(c: Component, name: string): boolean {
  switch (c.k) {
    case 'literal':
      return name === c.s;
    case 'suffix':
      return name.endsWith(c.s);
    case 'prefix':
      return name.startsWith(c.s);
    case 'anyName':
      return true;
    case 'general':
      if (name.length < c.minLen || (!c.hasStar && name.length !== c.minLen)) return false;
      return matchItems(c.items, name);
  }
}

/**
 * Greedy matching with backtracking to the last `*`: `*` can absorb anything, so an earlier
 * `*` never needs to take more once a later one is reached.
 */
function matchItems(items: Item[], text: string): boolean {
  let p = 0;
  let t = 0;
  // The item after the last star, and where that star's match would end next time.
  let resumeP = -1;
  let resumeT = -1;
  for (;;) {
    const item = items[p];
    if (item) {
      let advanced = -1;
      switch (item.t) {
        case 'star':
          resumeP = p + 1;
          resumeT = t;
          p++;
          continue;
        case 'lit':
          if (text.startsWith(item.s, t)) advanced = item.s.length;
          break;
        case 'any':
          if (t < text.length) advanced = 1;
          break;
        case 'class':
          if (t < text.length && item.set[text.charCodeAt(t)]) advanced = 1;
          break;
      }
      if (advanced >= 0) {
        p++;
        t += advanced;
        continue;
      }
    } else if (t === text.length) {
      return true;
    }
    if (resumeP >= 0 && resumeT < text.length) {
      resumeT++;
      p = resumeP;
      t = resumeT;
    } else {
      return false;
    }
  }
}

/** Where the component of `path` that starts at `at` ends (its `/`, or the path's end). */
function componentEnd(path: string, at: number): number {
  const i = path.indexOf('/', at);
  return i < 0 ? path.length : i;
}

/** The same greedy algorithm one level up: components for bytes, `**` for `*`. */
function matchSteps(steps: Step[], path: string): boolean {
  const end = path.length + 1;
  let p = 0;
  let t = path.length === 0 ? end : 0;
  let resumeP = -1;
  let resumeT = -1;
  for (;;) {
    const step = steps[p];
    if (step !== undefined) {
      if (step === 'doubleStar') {
        resumeP = p + 1;
        resumeT = t;
        p++;
        continue;
      }
      if (t < end) {
        const stop = componentEnd(path, t);
        if (componentMatches(step, path.slice(t, stop))) {
          p++;
          t = stop + 1;
          continue;
        }
      }
    } else if (t === end) {
      return true;
    }
    if (resumeP >= 0 && resumeT < end) {
      resumeT = componentEnd(path, resumeT) + 1;
      p = resumeP;
      t = resumeT;
    } else {
      return false;
    }
  }
}

/** The last component of a path. */
const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

function patternMatches(pattern: Pattern, path: string): boolean {
  switch (pattern.p) {
    case 'single':
      // The cheap test first: `path` is usually a name, without `/`.
      return componentMatches(pattern.c, path) && !path.includes('/');
    case 'literalPath':
      return path === pattern.s;
    case 'basename':
      return componentMatches(pattern.c, baseName(path));
    case 'general': {
      // The last component first: it turns most paths away at the cost of one test.
      const last = pattern.steps[pattern.steps.length - 1];
      if (last !== undefined && last !== 'doubleStar' && !componentMatches(last, baseName(path))) return false;
      return matchSteps(pattern.steps, path);
    }
    case 'tail': {
      let end = path.length;
      for (let i = pattern.cs.length - 1; i >= 0; i--) {
        if (end < 0) return false;
        const start = path.lastIndexOf('/', end - 1) + 1;
        // `lastIndexOf('/', -1)` looks at index 0: an empty remainder has no slash.
        const from = end === 0 ? 0 : start;
        if (!componentMatches(pattern.cs[i]!, path.slice(from, end))) return false;
        end = from - 1;
      }
      return true;
    }
    case 'everything':
      return true;
  }
}
