//! Ignore files and `-g` globs, with ripgrep's rules (which follow git's for `.gitignore`).
//!
//! # One file
//!
//! A line of an ignore file ([`RuleSet::add_line`]):
//!
//! * blank lines and lines starting with `#` are skipped; `\#` and `\!` start a pattern with
//!   a literal `#` or `!`;
//! * trailing spaces are dropped unless escaped (`a\ `); a trailing `\r` is dropped too;
//! * a leading `!` negates: a path it matches is not ignored (re-included);
//! * a trailing `/` makes the rule match directories only;
//! * a pattern with a `/` other than a trailing one (a leading one included) is anchored:
//!   matched against the path relative to the file's directory. One without matches the
//!   entry's name at any depth below that directory;
//! * the pattern is a [`Glob`] without alternation (braces are literal, as in git).
//!
//! Within one file the last matching rule wins. A line that is not a valid glob (`[abc`,
//! `a\`) is skipped, like a line git could never match.
//!
//! # Sources and precedence ([`IgnoreStack`])
//!
//! Each directory may hold `.rgignore`, `.ignore` and `.gitignore`; a directory holding
//! `.git` (a directory, or a worktree's file) is a repository root, whose
//! `.git/info/exclude` applies below it, and so does the global excludes file
//! ([`global_excludes_path`]). Ripgrep's order decides: a match in any `.rgignore` beats one
//! in any `.ignore`, which beats one in any `.gitignore`, then `info/exclude`, then the
//! global file; within one kind the deepest directory's file wins. `.gitignore`,
//! `info/exclude` and the global file apply only inside a repository, and `.gitignore`
//! files only up to the nearest repository root; `.ignore` and `.rgignore` apply anywhere,
//! in the searched directory's parents too. A negation cannot re-include a path in an
//! ignored directory: the walker never enters it.
//!
//! # Globs ([`Overrides`])
//!
//! ripgrep's `-g`/`--iglob`: lines of the same syntax (with `{a,b}` alternation), with the
//! meaning turned around: a glob includes, `!glob` excludes; the last match wins; when any
//! including glob exists, a file matching none is left out (a directory is not); matched
//! relative to the searched directory. A glob match overrides ignore files and the hidden
//! rule.

use crate::glob::{self, Glob, GlobError, GlobOptions, NameKey};
use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs;
use std::hash::{BuildHasherDefault, Hasher};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// One rule of an ignore file, or one `-g` glob.
#[derive(Debug, Clone)]
struct Rule {
    glob: Glob,
    /// `!pattern`.
    negated: bool,
    /// `pattern/`: directories only.
    only_dir: bool,
    /// No `/` in the pattern: matched against the entry's name, not its path.
    basename: bool,
}

/// The rules of one ignore file (or of the `-g` globs), in order.
///
/// Indexed so that a path is tried against few rules: a rule whose glob demands an exact
/// last component (`node_modules/`, `.env`, `build/Release`) is found by the entry's name,
/// one that demands an extension (`*.log`, `src/**/*.rs`) by its extension, one that
/// demands a first or last byte (`npm-debug.log*`, `*~`) by that byte; only the rest are
/// tried one by one. The candidates of all the lists are tried from the last rule down, so
/// the last matching rule still wins.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    by_name: KeyIndex,
    by_extension: KeyIndex,
    /// By the first byte the name must have, then by the last: 256 lists each (or none).
    by_first: Vec<Vec<u32>>,
    by_last: Vec<Vec<u32>>,
    /// The other rules' indices, ascending.
    others: Vec<u32>,
}

/// The list of byte `b`.
#[inline]
fn byte_list(lists: &[Vec<u32>], b: Option<u8>) -> &[u32] {
    match b {
        Some(b) if !lists.is_empty() => &lists[b as usize],
        _ => &[],
    }
}

/// Adds `index` to the list of byte `b`.
fn by_byte(lists: &mut Vec<Vec<u32>>, b: u8, index: u32) {
    lists.resize_with(256, Vec::new);
    lists[b as usize].push(index);
}

/// Rule indices by key, behind a filter that turns most misses away without hashing: the
/// lengths and first bytes the keys have.
#[derive(Debug, Clone, Default)]
struct KeyIndex {
    map: HashMap<Box<[u8]>, Vec<u32>, Fx>,
    /// Bit n: a key of length n (63: 63 or more).
    lengths: u64,
    /// Bit b: a key starting with byte b (bit 0 also stands for the empty key).
    firsts: [u64; 4],
}

impl KeyIndex {
    fn insert(&mut self, key: &[u8], index: u32) {
        self.lengths |= 1 << key.len().min(63);
        let b = key.first().copied().unwrap_or(0);
        self.firsts[(b >> 6) as usize] |= 1 << (b & 63);
        self.map.entry(key.into()).or_default().push(index);
    }

    #[inline]
    fn get(&self, key: &[u8]) -> &[u32] {
        let b = key.first().copied().unwrap_or(0);
        if self.lengths & (1 << key.len().min(63)) == 0 || self.firsts[(b >> 6) as usize] & (1 << (b & 63)) == 0 {
            return &[];
        }
        self.map.get(key).map_or(&[], Vec::as_slice)
    }
}

/// FxHash (rustc's): a multiply-rotate hash, several times faster than SipHash on file
/// names. The keys come from ignore files and globs, not from an adversary.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

type Fx = BuildHasherDefault<FxHasher>;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }
    #[inline]
    fn write_u8(&mut self, b: u8) {
        self.add(b as u64);
    }
    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A line's pattern, and what its decorations said.
struct Line<'a> {
    pattern: &'a [u8],
    negated: bool,
    only_dir: bool,
    anchored: bool,
}

/// Splits a line into its pattern and flags; `None` for blank lines and comments.
fn parse_line(mut line: &[u8]) -> Option<Line<'_>> {
    if let Some(l) = line.strip_suffix(b"\r") {
        line = l;
    }
    if line.first() == Some(&b'#') {
        return None;
    }
    line = trim_trailing_spaces(line);
    let mut l = Line { pattern: line, negated: false, only_dir: false, anchored: false };
    if let Some(rest) = l.pattern.strip_prefix(b"!") {
        l.negated = true;
        l.pattern = rest;
    }
    if let Some(rest) = l.pattern.strip_prefix(b"/") {
        l.anchored = true;
        l.pattern = rest;
    }
    if let Some(rest) = l.pattern.strip_suffix(b"/") {
        l.only_dir = true;
        // `a\/` is `a/`, as in ripgrep.
        l.pattern = rest.strip_suffix(b"\\").unwrap_or(rest);
    }
    if l.pattern.contains(&b'/') {
        l.anchored = true;
    }
    (!l.pattern.is_empty()).then_some(l)
}

/// Drops trailing spaces that are not escaped by a `\` (git's rule: spaces only, not tabs).
fn trim_trailing_spaces(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    let mut i = 0;
    let mut spaces_from = None;
    while i < line.len() {
        match line[i] {
            b' ' => {
                spaces_from.get_or_insert(i);
            }
            b'\\' => {
                i += 1;
                spaces_from = None;
            }
            _ => spaces_from = None,
        }
        i += 1;
    }
    if let Some(s) = spaces_from {
        end = s;
    }
    &line[..end]
}

impl RuleSet {
    /// An ignore file's rules (invalid lines skipped; a leading UTF-8 BOM too, as git does).
    pub fn parse(text: &[u8]) -> RuleSet {
        let text = text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text);
        let mut set = RuleSet::default();
        for line in text.split(|&b| b == b'\n') {
            let _ = set.add_line(line, GlobOptions::default());
        }
        set
    }

    /// Adds one line; blank lines and comments add nothing.
    pub fn add_line(&mut self, line: &[u8], options: GlobOptions) -> Result<(), GlobError> {
        let Some(l) = parse_line(line) else { return Ok(()) };
        let glob = Glob::new(l.pattern, options)?;
        let index = self.rules.len() as u32;
        match glob.required_name() {
            Some(NameKey::Exact(name)) => self.by_name.insert(name, index),
            Some(NameKey::Extension(ext)) => self.by_extension.insert(ext, index),
            Some(NameKey::FirstByte(b)) => by_byte(&mut self.by_first, b, index),
            Some(NameKey::LastByte(b)) => by_byte(&mut self.by_last, b, index),
            None => self.others.push(index),
        }
        self.rules.push(Rule { glob, negated: l.negated, only_dir: l.only_dir, basename: !l.anchored });
        Ok(())
    }

    /// True when the set has no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The last rule matching `path` (relative to the rules' directory; `name` is its last
    /// component): `Some(true)` if it is a negation, `Some(false)` if not.
    pub fn matched(&self, path: &[u8], name: &[u8], is_dir: bool) -> Option<bool> {
        let named = self.by_name.get(name);
        let by_ext = match glob::extension(name) {
            Some(ext) if self.by_extension.lengths != 0 => self.by_extension.get(ext),
            _ => &[],
        };
        let first = byte_list(&self.by_first, name.first().copied());
        let last = byte_list(&self.by_last, name.last().copied());
        // Ascending lists, merged from their ends: the highest rule index first.
        let mut lists = [named, by_ext, first, last, self.others.as_slice()];
        loop {
            let (which, &index) =
                lists.iter().enumerate().filter_map(|(i, l)| Some((i, l.last()?))).max_by_key(|p| *p.1)?;
            lists[which] = &lists[which][..lists[which].len() - 1];
            let r = &self.rules[index as usize];
            if (is_dir || !r.only_dir) && r.glob.is_match(if r.basename { name } else { path }) {
                return Some(r.negated);
            }
        }
    }
}

/// Reads an ignore file; `None` when it is unreadable or has no rule. ripgrep, too, treats
/// an ignore file it cannot read as absent.
pub fn read_rules(path: &Path) -> Option<RuleSet> {
    let set = RuleSet::parse(&fs::read(path).ok()?);
    (!set.is_empty()).then_some(set)
}

/// ripgrep's `-g`/`--iglob` globs, compiled.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    set: RuleSet,
    has_includes: bool,
}

/// A glob that did not compile: which one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideError {
    /// From the case-insensitive list (`iglobs`).
    pub case_insensitive: bool,
    /// Its position in its list.
    pub index: usize,
    /// The glob as given.
    pub glob: String,
    /// Why.
    pub error: GlobError,
}

/// What the globs say of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Included: ignore files and the hidden rule are not consulted.
    Include,
    /// Left out.
    Exclude,
    /// No opinion: ignore files and the hidden rule decide.
    Undecided,
}

impl Overrides {
    /// `globs` then `iglobs` (case-insensitive), in that order, as ripgrep adds them: a
    /// later glob wins over an earlier one.
    pub fn new<S: AsRef<str>>(globs: &[S], iglobs: &[S]) -> Result<Overrides, OverrideError> {
        let mut set = RuleSet::default();
        for (case_insensitive, list) in [(false, globs), (true, iglobs)] {
            for (index, glob) in list.iter().enumerate() {
                let options = GlobOptions { case_insensitive, alternation: true };
                set.add_line(glob.as_ref().as_bytes(), options).map_err(|error| OverrideError {
                    case_insensitive,
                    index,
                    glob: glob.as_ref().to_string(),
                    error,
                })?;
            }
        }
        let has_includes = set.rules.iter().any(|r| !r.negated);
        Ok(Overrides { set, has_includes })
    }

    /// True when there is no glob.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// The verdict on `path` (relative to the searched directory; `name` its last component).
    #[inline]
    pub fn verdict(&self, path: &[u8], name: &[u8], is_dir: bool) -> Verdict {
        if self.set.is_empty() {
            return Verdict::Undecided;
        }
        match self.set.matched(path, name, is_dir) {
            Some(false) => Verdict::Include,
            Some(true) => Verdict::Exclude,
            None if self.has_includes && !is_dir => Verdict::Exclude,
            None => Verdict::Undecided,
        }
    }
}

/// ripgrep's `-t`/`-T` file types, compiled: each selection's globs match a file's name
/// (never a directory), and the last matching selection wins.
#[derive(Debug, Clone, Default)]
pub struct TypeFilter {
    set: RuleSet,
    has_selected: bool,
}

impl TypeFilter {
    /// `globs` in the order their selections were given: `glob` for a selected type
    /// (`-t`), `!glob` for an excluded one (`-T`).
    pub fn new<S: AsRef<str>>(globs: &[S]) -> Result<TypeFilter, OverrideError> {
        let overrides = Overrides::new(globs, &[])?;
        Ok(TypeFilter { has_selected: overrides.has_includes, set: overrides.set })
    }

    /// True when no type was selected or excluded.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// The verdict on an entry named `name`: a file of a selected type is included, one of
    /// an excluded type (or of no selected type, when some are selected) left out; a
    /// directory is left to the other rules.
    #[inline]
    pub fn verdict(&self, name: &[u8], is_dir: bool) -> Verdict {
        if is_dir || self.set.is_empty() {
            return Verdict::Undecided;
        }
        match self.set.matched(name, name, false) {
            Some(false) => Verdict::Include,
            Some(true) => Verdict::Exclude,
            None if self.has_selected => Verdict::Exclude,
            None => Verdict::Undecided,
        }
    }
}

/// Which of the names that matter a directory holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Present {
    /// `.rgignore`
    pub rgignore: bool,
    /// `.ignore`
    pub ignore: bool,
    /// `.gitignore`
    pub gitignore: bool,
    /// `.git` (directory or file)
    pub git: bool,
}

impl Present {
    /// Notes one entry name of the directory's listing.
    #[inline]
    pub fn note(&mut self, name: &[u8]) {
        if name.first() != Some(&b'.') {
            return;
        }
        match name {
            b".rgignore" => self.rgignore = true,
            b".ignore" => self.ignore = true,
            b".gitignore" => self.gitignore = true,
            b".git" => self.git = true,
            _ => {}
        }
    }

    /// Looks the names up in `dir` (for the searched directory's parents, which are not
    /// listed).
    pub fn probe(dir: &Path) -> Present {
        let has = |name: &str| fs::symlink_metadata(dir.join(name)).is_ok();
        Present { rgignore: has(".rgignore"), ignore: has(".ignore"), gitignore: has(".gitignore"), git: has(".git") }
    }

    /// True when none is there.
    pub fn is_empty(&self) -> bool {
        *self == Present::default()
    }
}

/// One directory's ignore files.
#[derive(Debug, Clone, Default)]
pub struct DirRules {
    rgignore: Option<RuleSet>,
    ignore: Option<RuleSet>,
    gitignore: Option<RuleSet>,
    /// `.git/info/exclude`, when this directory is a repository root.
    exclude: Option<RuleSet>,
    /// This directory is a repository root (it holds `.git`).
    has_git: bool,
}

impl DirRules {
    /// Reads the files `present` says `dir` holds; `None` when nothing applies there.
    pub fn load(dir: &Path, present: Present) -> Option<DirRules> {
        if present.is_empty() {
            return None;
        }
        let read = |there: bool, name: &str| if there { read_rules(&dir.join(name)) } else { None };
        let git = if present.git { fs::metadata(dir.join(".git")).ok() } else { None };
        let exclude =
            git.as_ref().and_then(|meta| read_rules(&git_common_dir(dir, meta.is_file())?.join("info/exclude")));
        let rules = DirRules {
            rgignore: read(present.rgignore, ".rgignore"),
            ignore: read(present.ignore, ".ignore"),
            gitignore: read(present.gitignore, ".gitignore"),
            exclude,
            has_git: git.is_some(),
        };
        let empty = rules.rgignore.is_none() && rules.ignore.is_none() && rules.gitignore.is_none();
        (!empty || rules.has_git).then_some(rules)
    }

    /// Rules for tests.
    #[cfg(test)]
    fn of(rgignore: &str, ignore: &str, gitignore: &str, has_git: bool) -> DirRules {
        let set = |t: &str| if t.is_empty() { None } else { Some(RuleSet::parse(t.as_bytes())) };
        DirRules { rgignore: set(rgignore), ignore: set(ignore), gitignore: set(gitignore), exclude: None, has_git }
    }
}

/// Where `dir`'s `.git` keeps `info/exclude`: `.git` itself, or for a worktree (a `.git`
/// file saying `gitdir: X`) X's common directory (`X/commondir`, else X).
fn git_common_dir(dir: &Path, dot_git_is_file: bool) -> Option<PathBuf> {
    let dot_git = dir.join(".git");
    if !dot_git_is_file {
        return Some(dot_git);
    }
    let first_line = |p: &Path| -> Option<String> {
        let text = fs::read(p).ok()?;
        let line = text.split(|&b| b == b'\n').next()?;
        Some(String::from_utf8_lossy(line).trim_end_matches('\r').to_string())
    };
    let line = first_line(&dot_git)?;
    let git_dir = dir.join(line.strip_prefix("gitdir:")?.trim());
    match first_line(&git_dir.join("commondir")) {
        Some(common) if !common.trim().is_empty() => Some(git_dir.join(common.trim())),
        _ => Some(git_dir),
    }
}

/// One level of the stack: a directory's rules, and where paths relative to it start in
/// the walker's path buffer.
#[derive(Debug)]
struct Level {
    base: usize,
    rules: DirRules,
    /// The nearest level at or above this one that is a repository root.
    git_root: Option<usize>,
}

/// The ignore files in force at a point of the walk: the searched directory's parents at
/// the bottom, then every directory on the walk path that has any.
#[derive(Debug, Default)]
pub struct IgnoreStack {
    levels: Vec<Level>,
    global: Option<RuleSet>,
}

impl IgnoreStack {
    /// An empty stack, with the global excludes file's rules (applied inside repositories).
    pub fn new(global: Option<RuleSet>) -> IgnoreStack {
        IgnoreStack { levels: Vec::new(), global }
    }

    /// Adds the rules of the directory whose paths start at `base` in the path buffer.
    pub fn push(&mut self, base: usize, rules: DirRules) {
        let git_root =
            if rules.has_git { Some(self.levels.len()) } else { self.levels.last().and_then(|l| l.git_root) };
        self.levels.push(Level { base, rules, git_root });
    }

    /// The number of levels (to [`IgnoreStack::truncate`] back to).
    pub fn len(&self) -> usize {
        self.levels.len()
    }

    /// True when no directory has rules.
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }

    /// Drops the levels above `len`.
    pub fn truncate(&mut self, len: usize) {
        self.levels.truncate(len);
    }

    /// What the ignore files say of `path` (the whole path buffer; `name` is its last
    /// component): `Some(false)` ignored, `Some(true)` re-included by a negation, `None`
    /// when no rule matches.
    pub fn matched(&self, path: &[u8], name: &[u8], is_dir: bool) -> Option<bool> {
        let below = |l: &Level| &path[l.base.min(path.len())..];
        let anywhere: [fn(&DirRules) -> Option<&RuleSet>; 2] = [|r| r.rgignore.as_ref(), |r| r.ignore.as_ref()];
        for kind in anywhere {
            for l in self.levels.iter().rev() {
                if let Some(m) = kind(&l.rules).and_then(|set| set.matched(below(l), name, is_dir)) {
                    return Some(m);
                }
            }
        }
        let root = self.levels.last()?.git_root?;
        let in_repo = &self.levels[root..];
        for l in in_repo.iter().rev() {
            if let Some(m) = l.rules.gitignore.as_ref().and_then(|set| set.matched(below(l), name, is_dir)) {
                return Some(m);
            }
        }
        let root = &self.levels[root];
        let exclude = root.rules.exclude.as_ref().and_then(|set| set.matched(below(root), name, is_dir));
        exclude.or_else(|| self.global.as_ref()?.matched(below(root), name, is_dir))
    }
}

/// The global excludes file: `core.excludesFile` from `~/.gitconfig`, else from
/// `$XDG_CONFIG_HOME/git/config` (`~/.config/git/config`), else
/// `$XDG_CONFIG_HOME/git/ignore` (`~/.config/git/ignore`) — as git looks them up (its
/// `~/.gitconfig` wins over the XDG one). `~/` in the setting is the home directory.
pub fn global_excludes_path(home: Option<&Path>, xdg_config_home: Option<&Path>) -> Option<PathBuf> {
    let xdg = match xdg_config_home {
        Some(x) if !x.as_os_str().is_empty() => Some(x.to_path_buf()),
        _ => home.map(|h| h.join(".config")),
    };
    let from = |config: Option<PathBuf>| -> Option<PathBuf> {
        let value = excludes_file_setting(&fs::read(config?).ok()?)?;
        match (value.strip_prefix(b"~/"), home) {
            (Some(rest), Some(h)) => Some(h.join(OsStr::from_bytes(rest))),
            _ => Some(PathBuf::from(OsStr::from_bytes(&value))),
        }
    };
    from(home.map(|h| h.join(".gitconfig")))
        .or_else(|| from(xdg.as_ref().map(|x| x.join("git/config"))))
        .or_else(|| xdg.map(|x| x.join("git/ignore")))
}

/// [`global_excludes_path`] from `$HOME` and `$XDG_CONFIG_HOME`.
pub fn global_excludes_path_from_env() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from);
    let xdg = std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from);
    global_excludes_path(home.as_deref(), xdg.as_deref())
}

/// `core.excludesFile` from a git config file's text: a plain reading of the ini format
/// (section `[core]`, case-insensitive names, `#`/`;` comments, a quoted or bare value; the
/// last setting wins). Includes and `\` continuations are not followed.
fn excludes_file_setting(config: &[u8]) -> Option<Vec<u8>> {
    let mut in_core = false;
    let mut found = None;
    for line in config.split(|&b| b == b'\n') {
        let mut line = line.trim_ascii();
        if let Some(rest) = line.strip_prefix(b"[") {
            // `[core]`, possibly followed by a setting on the same line; `[core "x"]` and
            // `[core.x]` are other sections.
            let Some(close) = rest.iter().position(|&b| b == b']') else {
                in_core = false;
                continue;
            };
            in_core = rest[..close].trim_ascii().eq_ignore_ascii_case(b"core");
            line = rest[close + 1..].trim_ascii();
        }
        if in_core {
            if let Some(v) = setting(line) {
                found = Some(v);
            }
        }
    }
    return found;

    fn setting(line: &[u8]) -> Option<Vec<u8>> {
        let eq = line.iter().position(|&b| b == b'=')?;
        if !line[..eq].trim_ascii().eq_ignore_ascii_case(b"excludesfile") {
            return None;
        }
        let mut value = Vec::new();
        let mut quoted = false;
        let mut chars = line[eq + 1..].trim_ascii().iter();
        while let Some(&c) = chars.next() {
            match c {
                b'"' => quoted = !quoted,
                b'\\' => match chars.next() {
                    Some(b'n') => value.push(b'\n'),
                    Some(b't') => value.push(b'\t'),
                    Some(&e) => value.push(e),
                    None => {}
                },
                b'#' | b';' if !quoted => break,
                c => value.push(c),
            }
        }
        let value = value.trim_ascii().to_vec();
        (!value.is_empty()).then_some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str) -> RuleSet {
        RuleSet::parse(text.as_bytes())
    }
    /// What `text` says of `path`: `Some(true)` re-included, `Some(false)` ignored.
    fn says(text: &str, path: &str, is_dir: bool) -> Option<bool> {
        let name = path.rsplit('/').next().unwrap();
        set(text).matched(path.as_bytes(), name.as_bytes(), is_dir)
    }
    fn ignored(text: &str, path: &str) -> bool {
        says(text, path, false) == Some(false)
    }

    #[test]
    fn line_syntax() {
        assert!(ignored("months", "months"));
        assert!(ignored("*.lock", "Cargo.lock"));
        assert!(ignored("*.rs", "src/main.rs"), "no slash: any depth");
        assert!(ignored("src/*.rs", "src/main.rs"));
        assert!(!ignored("src/*.rs", "x/src/main.rs"), "a slash anchors");
        assert!(ignored("/*.c", "cat-file.c"));
        assert!(!ignored("/*.c", "x/cat-file.c"));
        assert!(ignored("**/foo", "a/foo"));
        assert!(ignored("abc/**", "abc/x"));
        assert!(!ignored("abc/**", "abc"));
        assert_eq!(says("foo/", "foo", true), Some(false));
        assert_eq!(says("foo/", "foo", false), None, "directory only");
        assert_eq!(says("foo/", "x/foo", true), Some(false), "a trailing slash does not anchor");
        assert_eq!(says("*.rs\n!src/main.rs", "src/main.rs", false), Some(true));
        assert_eq!(says("!src/main.rs\n*.rs", "src/main.rs", false), Some(false), "the last match wins");
        assert!(!ignored("# a", "# a"));
        assert!(ignored("\\#a", "#a"));
        assert!(ignored("\\!a", "!a"));
        assert!(!ignored("a  ", "a  "));
        assert!(ignored("a  ", "a"));
        assert!(ignored("a\\ ", "a "));
        assert!(ignored("a\\  ", "a "), "an escaped space stays, the rest goes");
        assert!(ignored("a\t", "a\t"), "git trims spaces only");
        assert!(ignored("a\r", "a"));
        assert!(ignored("\u{feff}a", "a"), "a BOM is skipped");
        assert!(ignored("{a,b}", "{a,b}"), "no alternation in ignore files");
        assert!(!ignored("[abc\nx\\", "[abc"), "invalid lines are skipped");
        assert!(ignored("[abc\nx\\\nd", "d"));
        assert_eq!(says("\n\n", "a", false), None);
        assert_eq!(says("a\\/", "a", true), Some(false), "an escaped trailing slash is one, as in ripgrep");
    }

    #[test]
    fn overrides() {
        let o = Overrides::new(&["*.rs", "!skip.rs"], &[]).unwrap();
        assert_eq!(o.verdict(b"a/x.rs", b"x.rs", false), Verdict::Include);
        assert_eq!(o.verdict(b"a/skip.rs", b"skip.rs", false), Verdict::Exclude);
        assert_eq!(o.verdict(b"a/x.c", b"x.c", false), Verdict::Exclude, "includes exist: unmatched files go");
        assert_eq!(o.verdict(b"a", b"a", true), Verdict::Undecided, "directories stay");
        let o = Overrides::new(&["!target"], &[]).unwrap();
        assert_eq!(o.verdict(b"x/target", b"target", true), Verdict::Exclude);
        assert_eq!(o.verdict(b"x/y", b"y", false), Verdict::Undecided, "only excludes: the rest is undecided");
        let o = Overrides::new(&["src/*.rs"], &["*.MD"]).unwrap();
        assert_eq!(o.verdict(b"src/a.rs", b"a.rs", false), Verdict::Include);
        assert_eq!(o.verdict(b"x/src/a.rs", b"a.rs", false), Verdict::Exclude, "a slash anchors to the root");
        assert_eq!(o.verdict(b"x/read.md", b"read.md", false), Verdict::Include, "iglob");
        let o = Overrides::new(&["*.{rs,toml}"], &[]).unwrap();
        assert_eq!(o.verdict(b"Cargo.toml", b"Cargo.toml", false), Verdict::Include);
        let e = Overrides::new(&["ok"], &["a", "[x"]).unwrap_err();
        assert_eq!((e.case_insensitive, e.index, e.error), (true, 1, GlobError::UnclosedClass));
    }

    #[test]
    fn precedence_between_files() {
        // Levels: a repo root at "r/" (base 0), then "r/sub/" (base 4).
        let path = b"sub/x.log";
        let name = b"x.log";
        let stack = |root: DirRules, sub: DirRules| {
            let mut s = IgnoreStack::new(None);
            s.push(0, root);
            s.push(4, sub);
            s
        };
        let s = stack(DirRules::of("", "", "*.log", true), DirRules::of("", "", "!x.log", false));
        assert_eq!(s.matched(path, name, false), Some(true), "the deeper .gitignore wins");
        let s = stack(DirRules::of("", "", "!x.log", true), DirRules::of("", "", "*.log", false));
        assert_eq!(s.matched(path, name, false), Some(false));
        let s = stack(DirRules::of("", "!x.log", "", true), DirRules::of("", "", "*.log", false));
        assert_eq!(s.matched(path, name, false), Some(true), ".ignore anywhere beats .gitignore");
        let s = stack(DirRules::of("*.log", "!x.log", "", true), DirRules::of("", "", "", false));
        assert_eq!(s.matched(path, name, false), Some(false), ".rgignore beats .ignore");
        let s = stack(DirRules::of("", "", "/sub/x.log", true), DirRules::of("", "", "", false));
        assert_eq!(s.matched(path, name, false), Some(false), "anchored to its own directory");
        let s = stack(DirRules::of("", "", "", false), DirRules::of("", "", "*.log", false));
        assert_eq!(s.matched(path, name, false), None, ".gitignore outside a repository");
        let s = stack(DirRules::of("", "*.log", "", false), DirRules::of("", "", "", false));
        assert_eq!(s.matched(path, name, false), Some(false), ".ignore outside a repository");
        // A nested repository: the outer .gitignore stops at its root.
        let s = stack(DirRules::of("", "", "*.log", true), DirRules::of("", "", "", true));
        assert_eq!(s.matched(path, name, false), None);
        // The global file, relative to the repository root, and below the repo's files.
        let mut s = IgnoreStack::new(Some(set("/sub/*.log")));
        s.push(0, DirRules::of("", "", "", true));
        assert_eq!(s.matched(path, name, false), Some(false));
        let mut s = IgnoreStack::new(Some(set("*.log")));
        s.push(0, DirRules::of("", "", "!x.log", true));
        assert_eq!(s.matched(path, name, false), Some(true));
        let mut s = IgnoreStack::new(Some(set("*.log")));
        s.push(0, DirRules::of("", "", "", false));
        assert_eq!(s.matched(path, name, false), None, "the global file applies in repositories only");
    }

    #[test]
    fn git_config() {
        let s = |t: &str| excludes_file_setting(t.as_bytes()).map(|v| String::from_utf8(v).unwrap());
        assert_eq!(s("[core]\n\texcludesFile = ~/.gi\n"), Some("~/.gi".into()));
        assert_eq!(s("[Core]\nEXCLUDESFILE=\"/a b\" # c\n"), Some("/a b".into()));
        assert_eq!(s("[user]\nexcludesfile = /no\n"), None);
        assert_eq!(s("[core \"x\"]\nexcludesfile = /no\n"), None);
        assert_eq!(s("[core]\nexcludesfile = /a\n[core]\nexcludesfile = /b\n"), Some("/b".into()));
        assert_eq!(s("[core] excludesfile = /c\n"), Some("/c".into()));
        let dir = std::env::temp_dir().join(format!("charcount-gitconfig-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("xdg/git")).unwrap();
        let home = dir.as_path();
        let xdg = dir.join("xdg");
        assert_eq!(global_excludes_path(Some(home), None), Some(dir.join(".config/git/ignore")));
        assert_eq!(global_excludes_path(Some(home), Some(&xdg)), Some(xdg.join("git/ignore")));
        fs::write(xdg.join("git/config"), "[core]\nexcludesfile = ~/from-xdg\n").unwrap();
        assert_eq!(global_excludes_path(Some(home), Some(&xdg)), Some(dir.join("from-xdg")));
        fs::write(dir.join(".gitconfig"), "[core]\nexcludesfile = /from-home\n").unwrap();
        assert_eq!(global_excludes_path(Some(home), Some(&xdg)), Some(PathBuf::from("/from-home")));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn worktree_exclude() {
        let dir = std::env::temp_dir().join(format!("charcount-worktree-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("main/.git/info")).unwrap();
        fs::create_dir_all(dir.join("main/.git/worktrees/wt")).unwrap();
        fs::create_dir_all(dir.join("wt")).unwrap();
        fs::write(dir.join("main/.git/info/exclude"), "*.tmp\n").unwrap();
        fs::write(dir.join("main/.git/worktrees/wt/commondir"), "../..\n").unwrap();
        fs::write(dir.join("wt/.git"), format!("gitdir: {}\n", dir.join("main/.git/worktrees/wt").display())).unwrap();
        let rules = DirRules::load(&dir.join("wt"), Present { git: true, ..Present::default() }).unwrap();
        assert!(rules.has_git);
        let mut s = IgnoreStack::new(None);
        s.push(0, rules);
        assert_eq!(s.matched(b"a.tmp", b"a.tmp", false), Some(false));
        fs::remove_dir_all(&dir).unwrap();
    }
}
