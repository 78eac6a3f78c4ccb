//! A resumable directory walker for directory inputs.
//!
//! Why not fast-glob for these: profiling a 20,000-file tree showed the JavaScript walk
//! (libuv `readdir`, Dirent objects, matchers) taking longer than reading and counting the
//! files themselves. A depth-first walk over `getdents` with the kernel's file types costs a
//! few µs per directory.
//!
//! Files are selected as ripgrep selects them ([`WalkOptions`]): ignore files and `-g`
//! globs ([`crate::ignore`]), `--max-depth`, and the hidden rule. Each directory is listed
//! whole when it is entered (and its descriptor closed), so its ignore files are known
//! before any of its entries is judged, without probing for them. Entries are matched
//! against one path buffer, and each directory's rules are pushed on a stack while the walk
//! is inside it: no allocation per entry beyond its name and displayed path.
//!
//! Paths are bytes, as the file system has them: a name that is not UTF-8 is found like
//! any other (the binding hands it to JavaScript without loss, see [`crate::path_text`]).
//!
//! The walk is resumable (`next(max)`), so the coordinator pulls paths only as fast as the
//! workers consume them: memory follows the depth of the tree (and the listings of the
//! directories on the current path), not its size.

use crate::ignore::{self, DirRules, IgnoreStack, Overrides, Present, TypeFilter, Verdict};
use crate::reader::FileError;
use crate::sys;
use std::ffi::{OsStr, OsString};
use std::fs::{self, FileType};
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// One walk step's output: a file to scan (and whether `readdir` said it is a regular
/// file), or a path that failed.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// A file to scan: its display path, and whether `readdir` said it is a regular file.
    File(OsString, bool),
    /// A path that could not be walked, and why.
    Failed(OsString, FileError),
}

/// Where the global excludes file (git's `core.excludesFile`) comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum GlobalExcludes {
    /// Git's configuration, found from `$HOME` and `$XDG_CONFIG_HOME` when the walk starts
    /// ([`ignore::global_excludes_path_from_env`]).
    #[default]
    FromEnv,
    /// This file.
    File(PathBuf),
    /// None.
    Off,
}

/// How a walk selects files, beyond the hidden rule. The default reads ignore files and has
/// no glob and no depth limit.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Apply `.gitignore`, `.ignore`, `.rgignore`, `.git/info/exclude` and the global
    /// excludes file, as ripgrep does (see [`crate::ignore`]); `--no-ignore` turns it off.
    pub ignore_files: bool,
    /// ripgrep's `-g`/`--iglob` globs, matched against paths relative to the root.
    pub overrides: Overrides,
    /// ripgrep's `-t`/`-T` file types, matched against file names after ignore files.
    pub types: TypeFilter,
    /// Entries deeper than this are left out: 1 is the root's own entries, 0 nothing (as
    /// ripgrep's `--max-depth`).
    pub max_depth: Option<usize>,
    /// Where the global excludes file comes from.
    pub global_excludes: GlobalExcludes,
}

impl Default for WalkOptions {
    fn default() -> WalkOptions {
        WalkOptions {
            ignore_files: true,
            overrides: Overrides::default(),
            types: TypeFilter::default(),
            max_depth: None,
            global_excludes: GlobalExcludes::FromEnv,
        }
    }
}

/// A directory being read: its entries were all listed when it was opened (so its ignore
/// files are known before any entry is judged, and its descriptor is closed at once).
struct Frame {
    /// Display path of the directory ("" for the root when it is `.`).
    path: OsString,
    fs_path: PathBuf,
    entries: std::vec::IntoIter<(OsString, io::Result<FileType>)>,
    /// A `readdir` error met after the listed entries, reported once they are done.
    error: Option<io::Error>,
    /// (device, inode) of the directory, for loop detection when following links.
    id: (u64, u64),
    /// 0 for the root.
    depth: usize,
    /// The directory's length in the match buffer.
    buf_len: usize,
    /// The ignore stack's length before this directory's rules.
    ignores: usize,
}

/// A depth-first walk of one root, resumable with [`Walker::next`].
pub struct Walker {
    stack: Vec<Frame>,
    /// The root, to be opened by the first `next`.
    root: Option<(OsString, PathBuf)>,
    hidden: bool,
    follow: bool,
    options: WalkOptions,
    /// Whether entries are matched at all (ignore files or globs).
    filtering: bool,
    /// The entry being judged, as the rules see it: when ignore files are read, the root's
    /// canonical path without its leading `/` (so a parent at `/a` matches what follows
    /// `a/`), then the walk path below the root; else the walk path alone.
    buf: Vec<u8>,
    /// Where paths relative to the root start in `buf`.
    root_base: usize,
    ignores: IgnoreStack,
}

fn join(dir: &OsStr, name: &OsStr) -> OsString {
    let (dir, name) = (dir.as_bytes(), name.as_bytes());
    let mut path = Vec::with_capacity(dir.len() + 1 + name.len());
    path.extend_from_slice(dir);
    if !dir.is_empty() && !dir.ends_with(b"/") {
        path.push(b'/');
    }
    path.extend_from_slice(name);
    OsString::from_vec(path)
}

/// Where the paths below a directory start in the match buffer holding its path.
fn base_of(buf: &[u8]) -> usize {
    if buf.is_empty() {
        0
    } else {
        buf.len() + 1
    }
}

impl Walker {
    /// `display`: how paths below `root` are reported ("" for the current directory).
    /// `hidden`: report names starting with `.` (else left out, unless a glob or an ignore
    /// file's negation includes them, as in ripgrep). `follow`: enter links to directories.
    pub fn new(display: OsString, root: PathBuf, hidden: bool, follow: bool, options: WalkOptions) -> Walker {
        let filtering = options.ignore_files || !options.overrides.is_empty() || !options.types.is_empty();
        Walker {
            stack: Vec::new(),
            root: Some((display, root)),
            hidden,
            follow,
            options,
            filtering,
            buf: Vec::new(),
            root_base: 0,
            ignores: IgnoreStack::new(None),
        }
    }

    /// Reads the global excludes file and the ignore files of the root's parents.
    fn start(&mut self, root: &Path) {
        if !self.options.ignore_files {
            return;
        }
        let global = match &self.options.global_excludes {
            GlobalExcludes::FromEnv => ignore::global_excludes_path_from_env(),
            GlobalExcludes::File(p) => Some(p.clone()),
            GlobalExcludes::Off => None,
        };
        self.ignores = IgnoreStack::new(global.and_then(|p| ignore::read_rules(&p)));
        // As ripgrep: the parents of the root's real path. Without one, no parent applies.
        let Ok(real) = fs::canonicalize(root) else { return };
        let parents: Vec<&Path> = real.ancestors().skip(1).collect();
        for dir in parents.into_iter().rev() {
            if let Some(rules) = DirRules::load(dir, Present::probe(dir)) {
                // "/a/b" is "a/b" in the buffer, so paths below it start at its length.
                let base = if dir.parent().is_none() { 0 } else { dir.as_os_str().len() };
                self.ignores.push(base, rules);
            }
        }
        let real = real.as_os_str().as_bytes();
        self.buf.extend_from_slice(real.strip_prefix(b"/").unwrap_or(real));
    }

    fn open(&mut self, display: OsString, fs_path: PathBuf, depth: usize, out: &mut Vec<Found>) {
        let meta = match fs::metadata(&fs_path) {
            Ok(m) => m,
            Err(e) => return out.push(Found::Failed(display, FileError::from_io(&e))),
        };
        let id = (meta.dev(), meta.ino());
        if self.stack.iter().any(|f| f.id == id) {
            let shown = display.to_string_lossy();
            let message = format!("symbolic link loop: {shown} leads back to a directory already being searched");
            return out.push(Found::Failed(display, FileError::os(sys::ELOOP, message)));
        }
        if self.options.max_depth.is_some_and(|max| depth >= max) {
            return;
        }
        let listing = match fs::read_dir(&fs_path) {
            Ok(l) => l,
            Err(e) => return out.push(Found::Failed(display, FileError::from_io(&e))),
        };
        let mut entries = Vec::new();
        let mut error = None;
        let mut present = Present::default();
        for entry in listing {
            match entry {
                Ok(entry) => {
                    let name = entry.file_name();
                    if self.options.ignore_files {
                        present.note(name.as_bytes());
                    }
                    entries.push((name, entry.file_type()));
                }
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        let ignores = self.ignores.len();
        if let Some(rules) = DirRules::load(&fs_path, present) {
            self.ignores.push(base_of(&self.buf), rules);
        }
        let buf_len = self.buf.len();
        let entries = entries.into_iter();
        self.stack.push(Frame { path: display, fs_path, entries, error, id, depth, buf_len, ignores });
    }

    /// What globs and ignore files say of the entry in `buf`: `Some(false)` leave it out,
    /// `Some(true)` keep it even if hidden, `None` no opinion.
    fn verdict(&self, name: &[u8], is_dir: bool) -> Option<bool> {
        match self.options.overrides.verdict(&self.buf[self.root_base..], name, is_dir) {
            Verdict::Include => return Some(true),
            Verdict::Exclude => return Some(false),
            Verdict::Undecided => {}
        }
        // As ripgrep: what an ignore file leaves out stays out; a file it whitelists may
        // still be left out by the file types.
        let ignored = if self.ignores.is_empty() { None } else { self.ignores.matched(&self.buf, name, is_dir) };
        if ignored == Some(false) {
            return ignored;
        }
        match self.options.types.verdict(name, is_dir) {
            Verdict::Include => Some(true),
            Verdict::Exclude => Some(false),
            Verdict::Undecided => ignored,
        }
    }

    /// Up to `max` more results (fewer only when the walk is over).
    pub fn next(&mut self, max: usize) -> Vec<Found> {
        let mut out = Vec::new();
        if let Some((display, root)) = self.root.take() {
            self.start(&root);
            self.root_base = base_of(&self.buf);
            self.open(display, root, 0, &mut out);
        }
        while out.len() < max {
            let Some(top) = self.stack.last_mut() else { break };
            let Some((name, kind)) = top.entries.next() else {
                let frame = self.stack.pop().expect("the top frame");
                self.ignores.truncate(frame.ignores);
                if let Some(e) = frame.error {
                    let path = if frame.path.is_empty() { ".".into() } else { frame.path };
                    out.push(Found::Failed(path, FileError::from_io(&e)));
                }
                continue;
            };
            let depth = top.depth + 1;
            let is_link = matches!(&kind, Ok(k) if k.is_symlink());
            let is_dir = matches!(&kind, Ok(k) if k.is_dir());
            if is_dir && self.options.max_depth.is_some_and(|max| depth >= max) {
                continue;
            }
            let bytes = name.as_bytes();
            // Whether a followed link leads to a directory: asked once, when needed.
            let mut link_to_dir = None;
            let mut whitelisted = false;
            if self.filtering {
                self.buf.truncate(top.buf_len);
                if !self.buf.is_empty() {
                    self.buf.push(b'/');
                }
                self.buf.extend_from_slice(bytes);
                let matched_dir = if is_link && self.follow {
                    *link_to_dir.insert(fs::metadata(top.fs_path.join(&name)).is_ok_and(|m| m.is_dir()))
                } else {
                    is_dir
                };
                match self.verdict(bytes, matched_dir) {
                    Some(false) => continue,
                    Some(true) => whitelisted = true,
                    None => {}
                }
            }
            let top = self.stack.last().expect("the top frame");
            if !self.hidden && !whitelisted && bytes.starts_with(b".") {
                continue;
            }
            let display = join(&top.path, &name);
            let kind = match kind {
                Ok(k) => k,
                Err(e) => {
                    out.push(Found::Failed(display, FileError::from_io(&e)));
                    continue;
                }
            };
            if kind.is_dir() {
                let fs_path = top.fs_path.join(&name);
                self.open(display, fs_path, depth, &mut out);
            } else if kind.is_symlink() && self.follow {
                let fs_path = top.fs_path.join(&name);
                let to_dir = link_to_dir.unwrap_or_else(|| fs::metadata(&fs_path).is_ok_and(|m| m.is_dir()));
                if to_dir {
                    if self.options.max_depth.is_none_or(|max| depth < max) {
                        self.open(display, fs_path, depth, &mut out);
                    }
                } else {
                    // A file, or a dangling link: the reader finds out what it is.
                    out.push(Found::File(display, false));
                }
            } else {
                out.push(Found::File(display, kind.is_file()));
            }
        }
        out
    }

    /// True once every directory has been read.
    pub fn is_done(&self) -> bool {
        self.root.is_none() && self.stack.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default options without the user's global excludes file.
    fn options() -> WalkOptions {
        WalkOptions { global_excludes: GlobalExcludes::Off, ..WalkOptions::default() }
    }

    fn scratch(name: &str, files: &[&str]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("charcount-walk-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        for f in files {
            let p = root.join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            if !f.ends_with('/') {
                fs::write(p, "x").unwrap();
            }
        }
        root
    }

    /// Everything a walk reports, in order, pulled a few at a time.
    fn walk_all(root: &Path, hidden: bool, options: WalkOptions) -> Vec<Found> {
        let mut w = Walker::new(OsString::new(), root.to_path_buf(), hidden, false, options);
        let mut all = Vec::new();
        while !w.is_done() {
            all.extend(w.next(3));
        }
        all
    }

    fn files(root: &Path, hidden: bool, options: WalkOptions) -> Vec<String> {
        let mut v: Vec<String> = walk_all(root, hidden, options)
            .into_iter()
            .map(|f| match f {
                Found::File(p, _) => p.into_string().unwrap(),
                Found::Failed(p, e) => panic!("{p:?}: {e:?}"),
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn max_depth_and_globs() {
        let root = scratch("globs", &["a.txt", ".h.rs", "d/b.rs", "d/e/c.rs", ".hd/x.rs", "d/e/f/g.rs"]);
        let depth = |d| files(&root, false, WalkOptions { max_depth: Some(d), ..options() });
        assert_eq!(depth(0), Vec::<String>::new());
        assert_eq!(depth(1), ["a.txt"]);
        assert_eq!(depth(2), ["a.txt", "d/b.rs"]);
        assert_eq!(depth(3), ["a.txt", "d/b.rs", "d/e/c.rs"]);
        let globs = |g: &[&str], i: &[&str], hidden| {
            files(&root, hidden, WalkOptions { overrides: Overrides::new(g, i).unwrap(), ..options() })
        };
        // As ripgrep: an include glob brings in a hidden file it matches, but a hidden
        // directory is entered only if a glob matches the directory itself.
        assert_eq!(globs(&["*.rs"], &[], false), [".h.rs", "d/b.rs", "d/e/c.rs", "d/e/f/g.rs"]);
        assert_eq!(globs(&["*.rs", "!e"], &[], false), [".h.rs", "d/b.rs"]);
        assert_eq!(globs(&["*.rs", "!d/e/**"], &[], false), [".h.rs", "d/b.rs"]);
        assert_eq!(globs(&["*.rs", ".hd"], &[], false), [".h.rs", ".hd/x.rs", "d/b.rs", "d/e/c.rs", "d/e/f/g.rs"]);
        assert_eq!(globs(&["d/*.rs"], &[], false), ["d/b.rs"]);
        assert_eq!(globs(&["!*.rs"], &[], true), ["a.txt"]);
        assert_eq!(globs(&[], &["*.TXT"], false), ["a.txt"]);
        assert_eq!(globs(&["*.{txt,rs}", "!**/e/**"], &[], false), [".h.rs", "a.txt", "d/b.rs"]);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn file_types_select_by_name_after_ignore_files() {
        let root = scratch("types", &["a.rs", ".h.rs", "b.txt", "d.rs/c.txt", "d.rs/e.rs", "Makefile", ".ignore"]);
        fs::write(root.join(".ignore"), "e.rs\n").unwrap();
        let types = |t: &[&str]| files(&root, false, WalkOptions { types: TypeFilter::new(t).unwrap(), ..options() });
        // As ripgrep: a selected type brings in a hidden file, never decides a directory,
        // and does not overrule an ignore file; the last matching selection wins.
        assert_eq!(types(&["*.rs"]), [".h.rs", "a.rs"]);
        assert_eq!(types(&["!*.rs"]), ["Makefile", "b.txt", "d.rs/c.txt"]);
        assert_eq!(types(&["*.rs", "Makefile", "!*.rs"]), ["Makefile"]);
        assert_eq!(types(&["!*.rs", "*.rs"]), [".h.rs", "a.rs"]);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn ignore_files_follow_the_walk() {
        let root = scratch(
            "ignore",
            &[".gitignore", "a.log", "b.txt", "sub/.ignore", "sub/c.txt", "sub/d.log", "zz/c.txt", ".hd/x", ".ignore"],
        );
        fs::write(root.join(".gitignore"), "*.log\n").unwrap();
        fs::write(root.join("sub/.ignore"), "c.txt\n").unwrap();
        fs::write(root.join(".ignore"), "").unwrap();
        // Not in a repository: .gitignore does not apply; sub/.ignore applies in sub only.
        assert_eq!(files(&root, false, options()), ["a.log", "b.txt", "sub/d.log", "zz/c.txt"]);
        fs::create_dir(root.join(".git")).unwrap();
        assert_eq!(files(&root, false, options()), ["b.txt", "zz/c.txt"]);
        // Searched from inside: the parent's .gitignore still applies.
        assert_eq!(files(&root.join("sub"), false, options()), Vec::<String>::new());
        assert_eq!(files(&root, false, WalkOptions { ignore_files: false, ..options() }).len(), 5);
        // A negation brings a hidden directory in without --hidden, as in ripgrep.
        fs::write(root.join(".ignore"), "!.hd/\n").unwrap();
        assert_eq!(files(&root, false, options()), [".hd/x", "b.txt", "zz/c.txt"]);
        // A glob overrides the ignore files.
        let o = WalkOptions { overrides: Overrides::new(&["*.log"], &[]).unwrap(), ..options() };
        assert_eq!(files(&root, false, o), ["a.log", "sub/d.log"]);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn followed_links_are_directories_to_the_rules() {
        let root = scratch("follow", &["t/x", "f", ".ignore"]);
        std::os::unix::fs::symlink(root.join("t"), root.join("dl")).unwrap();
        std::os::unix::fs::symlink(root.join("f"), root.join("fl")).unwrap();
        fs::write(root.join(".ignore"), "dl/\nfl/\n").unwrap();
        let walk = |follow| {
            let mut w = Walker::new(OsString::new(), root.clone(), false, follow, options());
            let mut all: Vec<String> = Vec::new();
            while !w.is_done() {
                all.extend(w.next(10).into_iter().map(|f| format!("{f:?}")));
            }
            all.sort();
            all
        };
        // Followed, `dl` is a directory (so `dl/` leaves it out) and `fl` a file; not
        // followed, both are links, which a directory-only rule does not match.
        assert_eq!(walk(true), [r#"File("f", true)"#, r#"File("fl", false)"#, r#"File("t/x", true)"#]);
        assert_eq!(
            walk(false),
            [r#"File("dl", false)"#, r#"File("f", true)"#, r#"File("fl", false)"#, r#"File("t/x", true)"#]
        );
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn without_rules_the_walk_is_unchanged() {
        let root = scratch("same", &["a", ".h", "d/b", "d/.e/c", "d/f/g", "x/y/z/w"]);
        for hidden in [false, true] {
            let plain = walk_all(&root, hidden, WalkOptions { ignore_files: false, ..options() });
            assert_eq!(walk_all(&root, hidden, options()), plain, "the same paths in the same order");
            assert_eq!(plain.len(), if hidden { 6 } else { 4 });
        }
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn walks_depth_first_and_reports_loops() {
        let root = std::env::temp_dir().join(format!("charcount-walk-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("a/b")).unwrap();
        fs::write(root.join("a/b/f"), "x").unwrap();
        fs::write(root.join("a/.h"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("a"), root.join("a/b/up")).unwrap();
        let mut w = Walker::new("r".into(), root.clone(), false, true, options());
        let mut all = Vec::new();
        while !w.is_done() {
            all.extend(w.next(1));
        }
        assert!(all.contains(&Found::File("r/a/b/f".into(), true)));
        assert!(all.iter().any(|f| matches!(f, Found::Failed(p, e) if p == "r/a/b/up" && e.errno == sys::ELOOP)));
        assert!(!all.iter().any(|f| matches!(f, Found::File(p, _) if p.as_bytes().ends_with(b".h"))));
        fs::remove_dir_all(&root).unwrap();
    }
}
