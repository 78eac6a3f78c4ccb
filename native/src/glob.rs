//! Glob patterns with gitignore and ripgrep semantics, matched against `/`-separated
//! byte paths (file names need not be UTF-8).
//!
//! Syntax:
//!
//! * `*` matches any run of bytes without `/`; `?` one byte other than `/`.
//! * `[...]` one byte (never `/`) from a class: ranges `a-z`, negation with a leading `!`
//!   or `^`, `]` first is a member, `-` first or last is a member, `\` escapes the next byte.
//! * `\x` is `x` taken literally.
//! * `**` as a whole path component: `**/x` matches `x` at any depth, `x/**` everything
//!   below `x` (not `x` itself), `a/**/b` zero or more components between `a` and `b`, and
//!   `**` alone everything. Anywhere else two stars are one.
//! * `{a,b}` alternation, nested or not, when [`GlobOptions::alternation`] is set (ripgrep
//!   globs have it, gitignore files do not; without it the braces are literal). Empty
//!   alternatives are dropped, as ripgrep does: `x{,y}` matches `xy` only.
//! * [`GlobOptions::case_insensitive`] folds ASCII letters only, as ripgrep's byte-wise
//!   matcher does.
//!
//! Matching works on bytes, as git's `wildmatch` and ripgrep's `globset` both do: `?` is one
//! byte, and a class holds bytes.
//!
//! A pattern compiles to alternatives (one per expansion of its braces), each a list of
//! path components. A component is either `**` or a sequence of literals, `?`, classes and
//! `*`, matched by the classic greedy algorithm that backtracks to the last `*` only (no
//! component pattern can match `/`, so components line up one to one with the path's; `**`
//! is a `*` over components, matched the same way one level up): O(pattern × path) at
//! worst, no allocation. Common shapes skip the general matcher: a literal name, `*.ext`,
//! `prefix*`, `*` alone, a literal path, `**/name`.

use std::fmt;

/// How a glob is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GlobOptions {
    /// Letters match either case (ASCII only).
    pub case_insensitive: bool,
    /// `{a,b}` is alternation (ripgrep's `-g`), not literal braces (gitignore).
    pub alternation: bool,
}

/// Why a pattern is not a valid glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GlobError {
    /// A `\` with nothing after it.
    DanglingEscape,
    /// A `[` without its `]`.
    UnclosedClass,
    /// A range whose end comes before its start (`[z-a]`).
    InvalidRange(u8, u8),
    /// A `{` without its `}`.
    UnclosedAlternates,
    /// A `}` without its `{`.
    UnopenedAlternates,
    /// More than [`MAX_ALTERNATIVES`] expansions of the braces.
    TooManyAlternatives,
}

/// The most expansions a pattern's braces may have (`{a,b}{c,d}` has 4).
pub const MAX_ALTERNATIVES: usize = 4096;

impl fmt::Display for GlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GlobError::DanglingEscape => write!(f, "dangling '\\' at the end"),
            GlobError::UnclosedClass => write!(f, "unclosed character class (missing ']')"),
            GlobError::InvalidRange(a, b) => {
                write!(f, "invalid range {}-{}", (*a as char).escape_default(), (*b as char).escape_default())
            }
            GlobError::UnclosedAlternates => write!(f, "unclosed alternation (missing '}}')"),
            GlobError::UnopenedAlternates => write!(f, "'}}' without its '{{'"),
            GlobError::TooManyAlternatives => write!(f, "more than {MAX_ALTERNATIVES} alternatives"),
        }
    }
}

impl std::error::Error for GlobError {}

/// A set of bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn insert(&mut self, b: u8) {
        self.0[(b >> 6) as usize] |= 1 << (b & 63);
    }
    fn contains(&self, b: u8) -> bool {
        self.0[(b >> 6) as usize] & (1 << (b & 63)) != 0
    }
}

/// A parsed token, before the braces are expanded.
#[derive(Debug, Clone)]
enum Tok {
    Lit(u8),
    Any,
    Star,
    /// Members, and whether the class is negated.
    Class(ByteSet, bool),
    Group(Vec<Vec<Tok>>),
}

/// A token of one expansion (no braces).
#[derive(Debug, Clone, PartialEq)]
enum Flat {
    Lit(u8),
    Any,
    Star,
    Class(ByteSet, bool),
}

/// One item of a component pattern.
#[derive(Debug, Clone)]
enum Item {
    /// Bytes to match (lowercase when case-insensitive).
    Lit(Box<[u8]>),
    /// One byte.
    Any,
    /// Any run of bytes.
    Star,
    /// One byte of the set (case-closed when case-insensitive).
    Class(ByteSet),
}

/// A pattern for one path component (it never matches `/`).
#[derive(Debug, Clone)]
enum Component {
    /// The bytes exactly.
    Literal(Box<[u8]>),
    /// `*lit`.
    Suffix(Box<[u8]>),
    /// `lit*`.
    Prefix(Box<[u8]>),
    /// `*`: any component.
    AnyName,
    /// Anything else.
    General { items: Box<[Item]>, min_len: usize, has_star: bool },
}

/// A step of a path pattern.
#[derive(Debug, Clone)]
enum Step {
    /// Zero or more components.
    DoubleStar,
    /// One component.
    One(Component),
}

/// One alternative, compiled.
#[derive(Debug, Clone)]
enum Pattern {
    /// A path without `/` whose single component matches.
    Single(Component),
    /// The path, exactly.
    LiteralPath(Box<[u8]>),
    /// `**/c`: the last component matches.
    Basename(Component),
    /// `**/a/b/c`: the last components match, one to one (checked from the end, so no
    /// backtracking).
    Tail(Box<[Component]>),
    /// Anything else.
    General(Box<[Step]>),
    /// `**`: every path.
    Everything,
}

/// A compiled glob.
#[derive(Debug, Clone)]
pub struct Glob {
    alternatives: Box<[Pattern]>,
    case_insensitive: bool,
}

impl Glob {
    /// Compiles `pattern` (bytes: an ignore file's line need not be UTF-8).
    pub fn new(pattern: &[u8], options: GlobOptions) -> Result<Glob, GlobError> {
        let toks = parse(pattern, options.alternation)?;
        let ci = options.case_insensitive;
        let alternatives = expand(&toks)?.iter().map(|flat| compile(flat, ci)).collect::<Vec<_>>();
        Ok(Glob { alternatives: alternatives.into_boxed_slice(), case_insensitive: ci })
    }

    /// Whether the whole of `path` (components separated by `/`) matches.
    pub fn is_match(&self, path: &[u8]) -> bool {
        self.alternatives.iter().any(|p| p.is_match(path, self.case_insensitive))
    }

    /// What a path's last component must be for the glob to match it, when one simple
    /// test says so: for indexing many globs by name or extension. `None` for anything
    /// else (case-insensitive globs and braces included).
    pub fn required_name(&self) -> Option<NameKey<'_>> {
        let [only] = &*self.alternatives else { return None };
        if self.case_insensitive {
            return None;
        }
        let last = match only {
            Pattern::Single(c) | Pattern::Basename(c) => c,
            Pattern::LiteralPath(l) => {
                let start = l.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
                return Some(NameKey::Exact(&l[start..]));
            }
            Pattern::Tail(components) => components.last()?,
            Pattern::General(steps) => match steps.last() {
                Some(Step::One(c)) => c,
                _ => return None,
            },
            Pattern::Everything => return None,
        };
        match last {
            Component::Literal(l) => Some(NameKey::Exact(l)),
            Component::Suffix(l) => match l.iter().rposition(|&b| b == b'.') {
                Some(dot) => Some(NameKey::Extension(&l[dot + 1..])),
                None => l.last().map(|&b| NameKey::LastByte(b)),
            },
            Component::Prefix(l) => l.first().map(|&b| NameKey::FirstByte(b)),
            Component::General { items, .. } => match (items.first(), items.last()) {
                (Some(Item::Lit(l)), _) => Some(NameKey::FirstByte(l[0])),
                (_, Some(Item::Lit(l))) => Some(NameKey::LastByte(l[l.len() - 1])),
                _ => None,
            },
            Component::AnyName => None,
        }
    }
}

/// A necessary condition on a path's last component (see [`Glob::required_name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKey<'a> {
    /// It is exactly these bytes.
    Exact(&'a [u8]),
    /// What follows its last `.` is exactly these bytes (`*.tar.gz` gives `gz`).
    Extension(&'a [u8]),
    /// It starts with this byte (`npm-debug.log*`).
    FirstByte(u8),
    /// It ends with this byte (`*~`).
    LastByte(u8),
}

/// What follows the last `.` of a name, if it has one.
#[inline]
pub fn extension(name: &[u8]) -> Option<&[u8]> {
    name.iter().rposition(|&b| b == b'.').map(|i| &name[i + 1..])
}

/// Parses the pattern into tokens, with brace groups when `alternation`.
fn parse(p: &[u8], alternation: bool) -> Result<Vec<Tok>, GlobError> {
    // Tokens go to the last branch of the innermost open group, or to `top`.
    let mut top: Vec<Tok> = Vec::new();
    let mut groups: Vec<Vec<Vec<Tok>>> = Vec::new();
    let mut i = 0;
    fn current<'a>(top: &'a mut Vec<Tok>, groups: &'a mut [Vec<Vec<Tok>>]) -> &'a mut Vec<Tok> {
        match groups.last_mut() {
            Some(branches) => branches.last_mut().expect("a group has a branch"),
            None => top,
        }
    }
    while i < p.len() {
        let c = p[i];
        i += 1;
        let tok = match c {
            b'?' => Tok::Any,
            b'*' => Tok::Star,
            b'\\' => match p.get(i) {
                Some(&next) => {
                    i += 1;
                    Tok::Lit(next)
                }
                None => return Err(GlobError::DanglingEscape),
            },
            b'[' => {
                let (set, negated, next) = parse_class(p, i)?;
                i = next;
                Tok::Class(set, negated)
            }
            b'{' if alternation => {
                groups.push(vec![Vec::new()]);
                continue;
            }
            b',' if alternation && !groups.is_empty() => {
                groups.last_mut().expect("checked").push(Vec::new());
                continue;
            }
            b'}' if alternation => {
                let branches = groups.pop().ok_or(GlobError::UnopenedAlternates)?;
                Tok::Group(branches)
            }
            c => Tok::Lit(c),
        };
        current(&mut top, &mut groups).push(tok);
    }
    if !groups.is_empty() {
        return Err(GlobError::UnclosedAlternates);
    }
    Ok(top)
}

/// Parses a class whose `[` ends just before `i`: its members, whether it is negated, and
/// the index after its `]`. Git's rules: `!` or `^` first negates; `]` first is a member; `\`
/// escapes; `a-z` is a range unless `-` is first or last.
fn parse_class(p: &[u8], mut i: usize) -> Result<(ByteSet, bool, usize), GlobError> {
    let mut set = ByteSet::default();
    let negated = matches!(p.get(i), Some(b'!' | b'^'));
    if negated {
        i += 1;
    }
    let mut first = true;
    loop {
        let Some(&c) = p.get(i) else { return Err(GlobError::UnclosedClass) };
        i += 1;
        if c == b']' && !first {
            break;
        }
        first = false;
        let lo = if c == b'\\' {
            let Some(&e) = p.get(i) else { return Err(GlobError::UnclosedClass) };
            i += 1;
            e
        } else {
            c
        };
        // A range: `-` followed by something other than the closing `]`.
        if p.get(i) == Some(&b'-') && p.get(i + 1).is_some_and(|&n| n != b']') {
            i += 1;
            let mut hi = p[i];
            i += 1;
            if hi == b'\\' {
                let Some(&e) = p.get(i) else { return Err(GlobError::UnclosedClass) };
                i += 1;
                hi = e;
            }
            if hi < lo {
                return Err(GlobError::InvalidRange(lo, hi));
            }
            for b in lo..=hi {
                set.insert(b);
            }
        } else {
            set.insert(lo);
        }
    }
    Ok((set, negated, i))
}

/// Expands brace groups into alternatives (empty branches dropped, as ripgrep does).
fn expand(toks: &[Tok]) -> Result<Vec<Vec<Flat>>, GlobError> {
    let mut out: Vec<Vec<Flat>> = vec![Vec::new()];
    for tok in toks {
        match tok {
            Tok::Lit(c) => out.iter_mut().for_each(|v| v.push(Flat::Lit(*c))),
            Tok::Any => out.iter_mut().for_each(|v| v.push(Flat::Any)),
            Tok::Star => out.iter_mut().for_each(|v| v.push(Flat::Star)),
            Tok::Class(s, n) => out.iter_mut().for_each(|v| v.push(Flat::Class(*s, *n))),
            Tok::Group(branches) => {
                let mut tails = Vec::new();
                for b in branches.iter().filter(|b| !b.is_empty()) {
                    tails.extend(expand(b)?);
                    if tails.len() > MAX_ALTERNATIVES {
                        return Err(GlobError::TooManyAlternatives);
                    }
                }
                if tails.is_empty() {
                    continue;
                }
                if out.len().saturating_mul(tails.len()) > MAX_ALTERNATIVES {
                    return Err(GlobError::TooManyAlternatives);
                }
                out = out
                    .iter()
                    .flat_map(|head| {
                        tails.iter().map(move |tail| {
                            let mut v = head.clone();
                            v.extend_from_slice(tail);
                            v
                        })
                    })
                    .collect();
            }
        }
    }
    Ok(out)
}

/// Compiles one expansion.
fn compile(flat: &[Flat], ci: bool) -> Pattern {
    let parts: Vec<&[Flat]> = flat.split(|t| *t == Flat::Lit(b'/')).collect();
    let is_double = |part: &[Flat]| part.len() >= 2 && part.iter().all(|t| *t == Flat::Star);
    let n = parts.len();
    let mut steps = Vec::with_capacity(n + 1);
    for (i, part) in parts.iter().enumerate() {
        if is_double(part) {
            if i == n - 1 && n > 1 {
                // `x/**`: at least one component below `x`.
                steps.push(Step::One(Component::AnyName));
            }
            // `**/**` is one `**`.
            if !matches!(steps.last(), Some(Step::DoubleStar)) {
                steps.push(Step::DoubleStar);
            }
        } else {
            steps.push(Step::One(component(part, ci)));
        }
    }
    match steps.as_slice() {
        [Step::DoubleStar] => Pattern::Everything,
        [Step::One(c)] => Pattern::Single(c.clone()),
        [Step::DoubleStar, Step::One(c)] => Pattern::Basename(c.clone()),
        [Step::DoubleStar, rest @ ..] if rest.iter().all(|s| matches!(s, Step::One(_))) => Pattern::Tail(
            rest.iter()
                .map(|s| match s {
                    Step::One(c) => c.clone(),
                    Step::DoubleStar => unreachable!("checked"),
                })
                .collect(),
        ),
        all if all.iter().all(|s| matches!(s, Step::One(Component::Literal(_)))) => {
            let mut path = Vec::new();
            for (i, s) in all.iter().enumerate() {
                if i > 0 {
                    path.push(b'/');
                }
                if let Step::One(Component::Literal(l)) = s {
                    path.extend_from_slice(l);
                }
            }
            Pattern::LiteralPath(path.into_boxed_slice())
        }
        _ => Pattern::General(steps.into_boxed_slice()),
    }
}

/// Compiles one component's tokens (none is `/`).
fn component(part: &[Flat], ci: bool) -> Component {
    let mut items: Vec<Item> = Vec::new();
    let mut lit: Vec<u8> = Vec::new();
    let flush = |lit: &mut Vec<u8>, items: &mut Vec<Item>| {
        if !lit.is_empty() {
            items.push(Item::Lit(std::mem::take(lit).into_boxed_slice()));
        }
    };
    for t in part {
        match t {
            Flat::Lit(c) => lit.push(if ci { c.to_ascii_lowercase() } else { *c }),
            Flat::Any => {
                flush(&mut lit, &mut items);
                items.push(Item::Any);
            }
            Flat::Star => {
                flush(&mut lit, &mut items);
                if !matches!(items.last(), Some(Item::Star)) {
                    items.push(Item::Star);
                }
            }
            Flat::Class(members, negated) => {
                flush(&mut lit, &mut items);
                let mut set = *members;
                if ci {
                    // Folded before negation, as ripgrep does: `[!a]` refuses `A` too.
                    for b in b'a'..=b'z' {
                        let u = b.to_ascii_uppercase();
                        if set.contains(b) || set.contains(u) {
                            set.insert(b);
                            set.insert(u);
                        }
                    }
                }
                if *negated {
                    for w in set.0.iter_mut() {
                        *w = !*w;
                    }
                }
                items.push(Item::Class(set));
            }
        }
    }
    flush(&mut lit, &mut items);
    match items.as_slice() {
        [] => Component::Literal(Box::new([])),
        [Item::Lit(l)] => Component::Literal(l.clone()),
        [Item::Star] => Component::AnyName,
        [Item::Star, Item::Lit(l)] => Component::Suffix(l.clone()),
        [Item::Lit(l), Item::Star] => Component::Prefix(l.clone()),
        _ => {
            let min_len = items
                .iter()
                .map(|i| match i {
                    Item::Lit(l) => l.len(),
                    Item::Star => 0,
                    Item::Any | Item::Class(_) => 1,
                })
                .sum();
            let has_star = items.iter().any(|i| matches!(i, Item::Star));
            Component::General { items: items.into_boxed_slice(), min_len, has_star }
        }
    }
}

/// `a == b`, with `b` lowercase when `ci`.
#[inline]
fn eq(a: &[u8], b: &[u8], ci: bool) -> bool {
    // Most candidates differ in their first byte: decided without a `memcmp` call.
    if let (Some(x), Some(y)) = (a.first(), b.first()) {
        if (if ci { x.to_ascii_lowercase() } else { *x }) != *y {
            return false;
        }
    }
    if ci {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_ascii_lowercase() == *y)
    } else {
        a == b
    }
}

impl Component {
    /// Whether the component `name` (no `/`) matches.
    #[inline]
    fn is_match(&self, name: &[u8], ci: bool) -> bool {
        match self {
            Component::Literal(l) => eq(name, l, ci),
            Component::Suffix(l) => name.len() >= l.len() && eq(&name[name.len() - l.len()..], l, ci),
            Component::Prefix(l) => name.len() >= l.len() && eq(&name[..l.len()], l, ci),
            Component::AnyName => true,
            Component::General { items, min_len, has_star } => {
                if name.len() < *min_len || (!has_star && name.len() != *min_len) {
                    return false;
                }
                match_items(items, name, ci)
            }
        }
    }
}

/// Greedy matching with backtracking to the last `*`: `*` can absorb anything, so an
/// earlier `*` never needs to take more once a later one is reached.
fn match_items(items: &[Item], text: &[u8], ci: bool) -> bool {
    let (mut p, mut t) = (0, 0);
    // (item after the last star, where that star's match would end next time).
    let mut resume: Option<(usize, usize)> = None;
    loop {
        if let Some(item) = items.get(p) {
            let advanced = match item {
                Item::Star => {
                    resume = Some((p + 1, t));
                    p += 1;
                    continue;
                }
                Item::Lit(l) => {
                    let ok = text.len() - t >= l.len() && eq(&text[t..t + l.len()], l, ci);
                    ok.then_some(l.len())
                }
                Item::Any => (t < text.len()).then_some(1),
                Item::Class(set) => (t < text.len() && set.contains(text[t])).then_some(1),
            };
            if let Some(n) = advanced {
                p += 1;
                t += n;
                continue;
            }
        } else if t == text.len() {
            return true;
        }
        match resume {
            Some((sp, st)) if st < text.len() => {
                resume = Some((sp, st + 1));
                p = sp;
                t = st + 1;
            }
            _ => return false,
        }
    }
}

/// The component of `path` that starts at `at`, and where the next one starts.
#[inline]
fn component_at(path: &[u8], at: usize) -> (&[u8], usize) {
    let rest = &path[at..];
    match rest.iter().position(|&b| b == b'/') {
        Some(i) => (&rest[..i], at + i + 1),
        None => (rest, path.len() + 1),
    }
}

/// The same greedy algorithm one level up: components for bytes, `**` for `*`.
fn match_steps(steps: &[Step], path: &[u8], ci: bool) -> bool {
    let end = path.len() + 1;
    let (mut p, mut t) = (0, if path.is_empty() { end } else { 0 });
    let mut resume: Option<(usize, usize)> = None;
    loop {
        if let Some(step) = steps.get(p) {
            match step {
                Step::DoubleStar => {
                    resume = Some((p + 1, t));
                    p += 1;
                    continue;
                }
                Step::One(c) if t < end => {
                    let (name, next) = component_at(path, t);
                    if c.is_match(name, ci) {
                        p += 1;
                        t = next;
                        continue;
                    }
                }
                Step::One(_) => {}
            }
        } else if t == end {
            return true;
        }
        match resume {
            Some((sp, st)) if st < end => {
                let next = component_at(path, st).1;
                resume = Some((sp, next));
                p = sp;
                t = next;
            }
            _ => return false,
        }
    }
}

impl Pattern {
    fn is_match(&self, path: &[u8], ci: bool) -> bool {
        match self {
            // The cheap test first: `path` is usually a name, without `/`.
            Pattern::Single(c) => c.is_match(path, ci) && !path.contains(&b'/'),
            Pattern::LiteralPath(l) => eq(path, l, ci),
            Pattern::Basename(c) => {
                let name = match path.iter().rposition(|&b| b == b'/') {
                    Some(i) => &path[i + 1..],
                    None => path,
                };
                c.is_match(name, ci)
            }
            Pattern::General(steps) => {
                // The last component first: it turns most paths away at the cost of one test.
                if let Some(Step::One(last)) = steps.last() {
                    let name = path.iter().rposition(|&b| b == b'/').map_or(path, |i| &path[i + 1..]);
                    if !last.is_match(name, ci) {
                        return false;
                    }
                }
                match_steps(steps, path, ci)
            }
            Pattern::Tail(components) => {
                let mut end = Some(path.len());
                for c in components.iter().rev() {
                    let Some(e) = end else { return false };
                    let start = path[..e].iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
                    if !c.is_match(&path[start..e], ci) {
                        return false;
                    }
                    end = start.checked_sub(1);
                }
                true
            }
            Pattern::Everything => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob(p: &str) -> Glob {
        Glob::new(p.as_bytes(), GlobOptions { case_insensitive: false, alternation: true }).unwrap()
    }
    fn m(p: &str, path: &str) -> bool {
        glob(p).is_match(path.as_bytes())
    }

    #[test]
    fn wildcards_stay_in_one_component() {
        assert!(m("*.rs", "main.rs"));
        assert!(!m("*.rs", "src/main.rs"));
        assert!(m("*", "abc"));
        assert!(m("*", ""));
        assert!(!m("*", "a/b"));
        assert!(m("a*b*c", "aXbYc"));
        assert!(m("a*b*c", "abc"));
        assert!(!m("a*b*c", "aXbY"));
        assert!(m("*a*a*a*b", "aaaaaaaaaaaaaaaaaab"));
        assert!(!m("*a*a*a*b", "aaaaaaaaaaaaaaaaaaa"));
        assert!(m("?", "x"));
        assert!(!m("?", "/"));
        assert!(!m("?", ""));
        assert!(m("??", "é"), "? is one byte");
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "a/c"));
        assert!(m("foo*", "foo"));
        assert!(m("foo*", "foobar"));
        assert!(!m("foo*", "fo"));
        assert!(m("*bar", "bar"));
        assert!(m("a/*/c", "a/b/c"));
        assert!(!m("a/*/c", "a/b/x/c"));
        assert!(m("a**b", "aXb"), "** inside a component is *");
        assert!(!m("a**b", "a/b"));
    }

    #[test]
    fn classes() {
        assert!(m("[abc]", "b"));
        assert!(!m("[abc]", "d"));
        assert!(m("[a-c]x", "bx"));
        assert!(m("[!a-c]", "d"));
        assert!(m("[^a-c]", "d"));
        assert!(!m("[!a-c]", "a"));
        assert!(!m("a[!x]b", "a/b"), "a class never matches /");
        assert!(m("[]]", "]"));
        assert!(m("[!]]", "a"));
        assert!(!m("[!]]", "]"));
        assert!(m("[a-]", "-"));
        assert!(m("[-a]", "-"));
        assert!(m("[\\]]", "]"));
        assert!(m("[\\-]", "-"));
        assert!(m("[a\\-c]", "-"));
        assert!(!m("[a\\-c]", "b"));
        assert!(m("[*?]", "*"));
        assert!(m("[{,}]", ","), "braces and commas are members inside a class");
        assert_eq!(Glob::new(b"[abc", GlobOptions::default()).unwrap_err(), GlobError::UnclosedClass);
        assert_eq!(Glob::new(b"[z-a]", GlobOptions::default()).unwrap_err(), GlobError::InvalidRange(b'z', b'a'));
        assert!(Glob::new(b"[\xff]", GlobOptions::default()).unwrap().is_match(b"\xff"));
    }

    #[test]
    fn escapes() {
        assert!(m("\\*", "*"));
        assert!(!m("\\*", "a"));
        assert!(m("\\[a]", "[a]"));
        assert!(m("a\\ ", "a "));
        assert!(m("\\{a,b\\}", "{a,b}"));
        assert_eq!(Glob::new(b"a\\", GlobOptions::default()).unwrap_err(), GlobError::DanglingEscape);
    }

    #[test]
    fn double_star() {
        for p in ["a", "x/a", "x/y/a"] {
            assert!(m("**/a", p), "{p}");
        }
        assert!(!m("**/a", "a/x"));
        assert!(m("a/**", "a/x"));
        assert!(m("a/**", "a/x/y"));
        assert!(!m("a/**", "a"));
        assert!(m("a/**/b", "a/b"));
        assert!(m("a/**/b", "a/x/b"));
        assert!(m("a/**/b", "a/x/y/b"));
        assert!(!m("a/**/b", "a/x/y/c"));
        assert!(m("**", "a/b/c"));
        assert!(m("**/**", "a/b/c"));
        assert!(m("**/a/**/b/**", "x/a/y/b/z"));
        assert!(!m("**/a/**/b/**", "x/a/y/b"));
        assert!(m("a/**/*.rs", "a/x/y.rs"));
        assert!(m("a/**/*.rs", "a/y.rs"));
        assert!(m("**/x/*.rs", "a/b/x/y.rs"));
        assert!(!m("**/x/*.rs", "a/b/x/z/y.rs"));
        assert!(m("**/a/b", "c/a/b"));
        assert!(m("**/a/b", "a/b"));
        assert!(!m("**/a/b", "b"));
        assert!(!m("**/a/b", "a/b/c"));
        assert!(!m("**/a/b", "xa/b"));
        assert!(m("**/a/*/c", "x/y/a/b/c"));
        assert!(!m("**/a/*/c", "a/c"));
        assert!(m("a/***/b", "a/x/y/b"), "three stars as a component are **, as in git");
        assert!(m("**a", "xa"), "** not a whole component is *");
        assert!(!m("**a", "x/a"));
    }

    #[test]
    fn alternation() {
        assert!(m("*.{rs,toml}", "a.toml"));
        assert!(m("*.{rs,toml}", "a.rs"));
        assert!(!m("*.{rs,toml}", "a.c"));
        assert!(m("{src,lib}/**/*.rs", "lib/a/b.rs"));
        assert!(m("{a,b{c,d}}", "bd"));
        assert!(m("x{,y}", "xy"));
        assert!(!m("x{,y}", "x"), "empty alternatives are dropped, as ripgrep does");
        assert!(m("a,b", "a,b"), "a comma outside braces is literal");
        let opts = GlobOptions::default();
        assert!(Glob::new(b"{a,b}", opts).unwrap().is_match(b"{a,b}"), "no alternation: literal");
        let alt = GlobOptions { alternation: true, ..opts };
        assert_eq!(Glob::new(b"{a,b", alt).unwrap_err(), GlobError::UnclosedAlternates);
        assert_eq!(Glob::new(b"a}", alt).unwrap_err(), GlobError::UnopenedAlternates);
        let many = "{a,b,c,d}".repeat(7);
        assert_eq!(Glob::new(many.as_bytes(), alt).unwrap_err(), GlobError::TooManyAlternatives);
    }

    #[test]
    fn case_insensitive() {
        let ci = GlobOptions { case_insensitive: true, alternation: true };
        let g = |p: &str| Glob::new(p.as_bytes(), ci).unwrap();
        assert!(g("*.RS").is_match(b"a.rs"));
        assert!(g("*.rs").is_match(b"A.RS"));
        assert!(g("Foo/**").is_match(b"fOO/x"));
        assert!(g("[a-c]").is_match(b"B"));
        assert!(g("[A-C]").is_match(b"b"));
        assert!(!g("[!a]").is_match(b"A"));
        assert!(g("[!a]").is_match(b"b"));
        assert!(g("[!a]").is_match(b"B"));
        assert!(!g("é").is_match("É".as_bytes()), "ASCII folding only");
        assert!(!glob("*.RS").is_match(b"a.rs"));
    }

    #[test]
    fn required_names() {
        let key = |p: &str| glob(p).required_name().map(|k| format!("{k:?}"));
        let exact = |s: &str| Some(format!("{:?}", NameKey::Exact(s.as_bytes())));
        let ext = |s: &str| Some(format!("{:?}", NameKey::Extension(s.as_bytes())));
        assert_eq!(key("node_modules"), exact("node_modules"));
        assert_eq!(key("**/node_modules"), exact("node_modules"));
        assert_eq!(key("build/Release"), exact("Release"));
        assert_eq!(key("a/**/b"), exact("b"));
        assert_eq!(key("**/a/*.js"), ext("js"));
        assert_eq!(key("*.log"), ext("log"));
        assert_eq!(key("*.tar.gz"), ext("gz"));
        assert_eq!(key("src/**/*.rs"), ext("rs"));
        assert_eq!(key("*~"), Some(format!("{:?}", NameKey::LastByte(b'~'))));
        assert_eq!(key("a*"), Some(format!("{:?}", NameKey::FirstByte(b'a'))));
        assert_eq!(key("r[0-9]*.json"), Some(format!("{:?}", NameKey::FirstByte(b'r'))));
        assert_eq!(key("*[0-9]x"), Some(format!("{:?}", NameKey::LastByte(b'x'))));
        assert_eq!(key("*"), None);
        assert_eq!(key("?*"), None);
        assert_eq!(key("a/**"), None);
        assert_eq!(key("{a,b}"), None);
        let ci = Glob::new(b"*.rs", GlobOptions { case_insensitive: true, alternation: false }).unwrap();
        assert_eq!(ci.required_name(), None);
        assert_eq!(extension(b"a.tar.gz"), Some(&b"gz"[..]));
        assert_eq!(extension(b"a."), Some(&b""[..]));
        assert_eq!(extension(b"abc"), None);
    }

    #[test]
    fn literal_paths_and_bytes() {
        assert!(m("a/b", "a/b"));
        assert!(!m("a/b", "a/b/c"));
        assert!(!m("a//b", "a/b"));
        assert!(Glob::new(b"d\xff/*", GlobOptions::default()).unwrap().is_match(b"d\xff/x"));
        assert!(glob("").is_match(b""));
        assert!(!glob("").is_match(b"a"));
    }
}
