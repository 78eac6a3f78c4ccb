//! The walk of directory inputs: ripgrep's own walker, from the `ignore` crate.
//!
//! Files are selected by `ignore::WalkBuilder`, set up as ripgrep 13 sets it up (ripgrep's
//! `Args::walker_builder`): `.gitignore` (inside a git repository), `.git/info/exclude`,
//! git's global excludes file, `.ignore` and `.rgignore` (ripgrep's custom ignore file
//! name), ignore files of the root's parents, `-g`/`--iglob` overrides (`globset` globs)
//! matched relative to the working directory, `-t`/`-T` file types, the hidden rule,
//! `--max-depth` and `--follow` with its loop detection. This module adds what charcount
//! needs around it:
//!
//! * **Resumable**: the walk is `ignore`'s sequential iterator ([`ignore::Walk`]), pulled
//!   `next(max)` entries at a time, so the coordinator takes paths only as fast as the
//!   workers consume them: memory follows the depth of the tree, not its size. Entries
//!   come depth-first in the order the file system lists them.
//! * **Absolute paths**: the walk runs on the root's absolute path (as ripgrep walks a
//!   path given as absolute), whatever the process's working directory: `-g` globs are
//!   matched relative to the working directory given ([`overrides`]), ignore files relative
//!   to their own directory, and git's global excludes file against the absolute path.
//!   (Walking a relative path, ripgrep 13 misses the rules with a `/` of a parent
//!   directory's ignore files: ripgrep issue 1757.) Each path is reported below the
//!   root's display path (`""` for the working directory), byte for byte: a name that is
//!   not UTF-8 is found like any other (the binding hands it to JavaScript without loss,
//!   see [`crate::path_text`]).
//! * **Hints**: whether `readdir` said an entry is a regular file (the reader then opens
//!   it before asking what it is).
//! * **Errors** as [`FileError`]s under the path that failed: a directory that cannot be
//!   read, a dangling link or a link loop when following links.
//! * **Bad lines**: a line of an ignore file that is not a glob is left out of its rules
//!   and reported as a [`BadLine`] (ripgrep prints it as a warning), when the file is read:
//!   an `--ignore-file` at the walk's start, a parent directory's before the root's entries,
//!   a directory's when it is entered. git's global excludes file is read without a word,
//!   as ripgrep reads it.
//! * **Listing** ([`WalkOptions::files_only`], `--files`): only what a scan would read —
//!   regular files (through followed links), none over [`WalkOptions::max_filesize`] —
//!   as `rg --files` lists them.

use crate::reader::FileError;
use crate::sys;
use ignore::overrides::{Override, OverrideBuilder};
use ignore::types::{Types, TypesBuilder};
use ignore::{DirEntry, Walk, WalkBuilder};
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

/// One walk step's output: a file to scan (and whether `readdir` said it is a regular
/// file), or a path that failed.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// A file to scan: its display path, and whether `readdir` said it is a regular file.
    File(OsString, bool),
    /// A path that could not be walked, and why.
    Failed(OsString, FileError),
    /// A line of an ignore file that is not a glob, left out of the rules.
    BadLine(BadLine),
}

/// A line of an ignore file that is not a glob: ripgrep's warning `FILE: line LINE: error
/// parsing glob 'GLOB': MESSAGE`.
#[derive(Debug, PartialEq, Eq)]
pub struct BadLine {
    /// The ignore file, as the walk read it (absolute, but for an `--ignore-file` as given).
    pub file: PathBuf,
    /// Its line number, from 1.
    pub line: u64,
    /// The line, less trailing whitespace.
    pub glob: String,
    /// Why, in `globset`'s words (`unclosed character class; missing ']'`).
    pub message: String,
}

/// The lines that are not globs in an error about ignore files, in the order they were read;
/// anything else it holds (a file that cannot be read) is left out, as the walk leaves it out.
fn bad_lines(err: &ignore::Error, out: &mut Vec<Found>) {
    fn walk(err: &ignore::Error, file: Option<&Path>, line: Option<u64>, out: &mut Vec<Found>) {
        match err {
            ignore::Error::Partial(errs) => errs.iter().for_each(|e| walk(e, file, line, out)),
            ignore::Error::WithPath { path, err } => walk(err, Some(path), line, out),
            ignore::Error::WithLineNumber { line, err } => walk(err, file, Some(*line), out),
            ignore::Error::WithDepth { err, .. } => walk(err, file, line, out),
            ignore::Error::Glob { glob: Some(glob), err } => {
                if let (Some(file), Some(line)) = (file, line) {
                    let (file, glob, message) = (file.to_path_buf(), glob.clone(), err.clone());
                    out.push(Found::BadLine(BadLine { file, line, glob, message }));
                }
            }
            _ => {}
        }
    }
    walk(err, None, None, out)
}

/// How a walk selects files, beyond the hidden rule. The default reads ignore files and
/// git's global excludes file, and has no glob, no type and no depth limit.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Apply `.gitignore`, `.ignore`, `.rgignore`, `.git/info/exclude` and git's global
    /// excludes file, as ripgrep does; `--no-ignore` turns it off.
    pub ignore_files: bool,
    /// Read git's global excludes file (`core.excludesFile`, found from `$HOME` and
    /// `$XDG_CONFIG_HOME` when the walk starts) with the other ignore files.
    pub global_excludes: bool,
    /// With `ignore_files`, also apply the version-control ones: `.gitignore`,
    /// `.git/info/exclude` and git's global excludes file; `--no-ignore-vcs` turns it off.
    pub vcs_ignore: bool,
    /// Ignore files named on the command line (ripgrep's `--ignore-file`), lowest precedence
    /// first; they apply even without `ignore_files`, as in ripgrep.
    pub extra_ignore_files: Vec<PathBuf>,
    /// ripgrep's `-g`/`--iglob` globs ([`overrides`]).
    pub overrides: Override,
    /// ripgrep's `-t`/`-T` file types ([`types`]).
    pub types: Types,
    /// Entries deeper than this are left out: 1 is the root's own entries, 0 nothing (as
    /// ripgrep's `--max-depth`).
    pub max_depth: Option<usize>,
    /// Report only regular files (a followed link to one included), as `rg --files` lists
    /// them: no link met without following, FIFO, socket or device.
    pub files_only: bool,
    /// Leave out files larger than this many bytes (ripgrep's `--max-filesize`).
    pub max_filesize: Option<u64>,
}

impl Default for WalkOptions {
    fn default() -> WalkOptions {
        WalkOptions {
            ignore_files: true,
            global_excludes: true,
            vcs_ignore: true,
            extra_ignore_files: Vec::new(),
            overrides: Override::empty(),
            types: Types::empty(),
            max_depth: None,
            files_only: false,
            max_filesize: None,
        }
    }
}

/// A glob that did not compile: which list it is in, where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobError {
    /// `"globs"`, `"iglobs"` or `"types"`.
    pub list: &'static str,
    /// Its position in its list.
    pub index: usize,
    /// The glob as given.
    pub glob: String,
    /// Why, in `globset`'s words (`unclosed character class; missing ']'`).
    pub message: String,
}

/// The reason in an `ignore` error about a glob.
fn glob_reason(e: ignore::Error) -> String {
    match e {
        ignore::Error::Glob { err, .. } => err,
        other => other.to_string(),
    }
}

/// ripgrep's `-g` globs then its `--iglob` globs (case-insensitive), in that order, as
/// overrides matched relative to `cwd`: a glob includes (past ignore files and the hidden
/// rule), `!glob` excludes, the last match wins, and with any including glob a file no
/// glob matches is left out (a directory is not). A glob with a `/` is matched against the
/// path relative to `cwd`; one without, against the name at any depth (gitignore's rules,
/// as `ignore::overrides` has them).
pub fn overrides<S: AsRef<str>>(cwd: &Path, globs: &[S], iglobs: &[S], excludes: &[S]) -> Result<Override, GlobError> {
    let mut builder = OverrideBuilder::new(cwd);
    // `excludes` (`!glob`s) come last, so that no other glob brings back what they leave out.
    let lists = [("globs", false, globs), ("iglobs", true, iglobs), ("excludes", false, excludes)];
    for (list, case_insensitive, globs) in lists {
        // Only the globs added after it are affected, as in ripgrep.
        builder.case_insensitive(case_insensitive).expect("never fails");
        for (index, glob) in globs.iter().enumerate() {
            let glob = glob.as_ref();
            builder.add(glob).map_err(|e| GlobError { list, index, glob: glob.into(), message: glob_reason(e) })?;
        }
    }
    builder.build().map_err(|e| GlobError { list: "globs", index: 0, glob: String::new(), message: glob_reason(e) })
}

/// ripgrep's `-t`/`-T` file types as globs on a file's name, in the order the selections
/// were given: `glob` for a selected type, `!glob` for an excluded one. Each glob is a type
/// of its own, selected or negated in turn: the last matching glob decides, and with any
/// selection a file no selected glob matches is left out. Directories are never matched.
pub fn types<S: AsRef<str>>(globs: &[S]) -> Result<Types, GlobError> {
    let mut builder = TypesBuilder::new();
    let error =
        |index: usize, message: String| GlobError { list: "types", index, glob: globs[index].as_ref().into(), message };
    for (index, glob) in globs.iter().enumerate() {
        let glob = glob.as_ref();
        let (negated, pattern) = match glob.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, glob),
        };
        let name = format!("t{index}");
        builder.add(&name, pattern).map_err(|e| error(index, glob_reason(e)))?;
        if negated {
            builder.negate(&name);
        } else {
            builder.select(&name);
        }
    }
    builder.build().map_err(|e| {
        // The glob that failed: `ignore` names it as written after the `!`.
        let failed = match &e {
            ignore::Error::Glob { glob: Some(g), .. } => Some(g.clone()),
            _ => None,
        };
        let index = failed
            .and_then(|g| globs.iter().position(|x| x.as_ref().strip_prefix('!').unwrap_or(x.as_ref()) == g))
            .unwrap_or(0);
        error(index, glob_reason(e))
    })
}

/// A walk of one directory, resumable with [`Walker::next`].
pub struct Walker {
    /// Set up, and started by the first `next` (building the walk reads git's
    /// configuration: nothing is read before the caller asks for files).
    builder: Option<WalkBuilder>,
    walk: Option<Walk>,
    /// The root as walked, whose length is cut off the paths the walk yields.
    root: PathBuf,
    /// How paths below the root are shown ("" for the working directory).
    display: OsString,
    files_only: bool,
    /// The display paths of the directories on the walk path, by depth: where an error
    /// without a path happened (a directory whose listing failed midway).
    dirs: Vec<OsString>,
    /// The bad lines of the `--ignore-file`s, read when the walk was set up: reported first.
    bad_lines: Vec<Found>,
    done: bool,
}

/// `dir/name`, or `name` when `dir` is empty.
fn join(dir: &[u8], name: &[u8]) -> OsString {
    let mut path = Vec::with_capacity(dir.len() + 1 + name.len());
    path.extend_from_slice(dir);
    if !dir.is_empty() && !dir.ends_with(b"/") && !name.is_empty() {
        path.push(b'/');
    }
    path.extend_from_slice(name);
    OsString::from_vec(path)
}

/// Why a walk step failed.
enum Failure {
    /// A followed link back to a directory being searched.
    Loop,
    /// An I/O error.
    Io(FileError),
}

/// What a walk error says: the path it names (if any), how deep the walk was, and why;
/// `None` for an error that is not the walk's own. The walk's are I/O errors (`ignore` wraps
/// walkdir's error, which keeps the OS's errno) and link loops; the others are about ignore
/// files of the root's parents (a line that is not a glob, a file that cannot be read),
/// which ripgrep reports as warnings: their bad lines are reported ([`bad_lines`]), as
/// those of the directories below.
fn failure(err: &ignore::Error) -> Option<(Option<&Path>, Option<usize>, Failure)> {
    match err {
        ignore::Error::WithPath { path, err } => {
            let (inner, depth, why) = failure(err)?;
            Some((inner.or(Some(path)), depth, why))
        }
        ignore::Error::WithDepth { depth, err } => {
            let (path, inner, why) = failure(err)?;
            Some((path, inner.or(Some(*depth)), why))
        }
        ignore::Error::Loop { child, .. } => Some((Some(child), None, Failure::Loop)),
        ignore::Error::Io(e) => {
            let w = e.get_ref()?.downcast_ref::<walkdir::Error>()?;
            let why = w.io_error().map_or_else(|| FileError::from_io(e), FileError::from_io);
            Some((w.path(), Some(w.depth()), Failure::Io(why)))
        }
        _ => None,
    }
}

impl Walker {
    /// A walk of `root` (an absolute path) whose paths are shown below `display`. `hidden`: report names starting
    /// with `.` (else left out, unless a glob or an ignore file's negation includes them,
    /// as in ripgrep). `follow`: follow symbolic links.
    pub fn new(display: OsString, root: PathBuf, hidden: bool, follow: bool, options: WalkOptions) -> Walker {
        let mut builder = WalkBuilder::new(&root);
        builder
            .standard_filters(options.ignore_files)
            .git_ignore(options.ignore_files && options.vcs_ignore)
            .git_exclude(options.ignore_files && options.vcs_ignore)
            .git_global(options.ignore_files && options.vcs_ignore && options.global_excludes)
            .hidden(!hidden)
            .follow_links(follow)
            .max_depth(options.max_depth)
            .max_filesize(options.max_filesize)
            .overrides(options.overrides)
            .types(options.types);
        if options.ignore_files {
            builder.add_custom_ignore_filename(".rgignore");
        }
        let mut bad = Vec::new();
        for path in &options.extra_ignore_files {
            // A file that cannot be read was refused before the walk; a line that is not a
            // glob is left out, as in the walk's own ignore files, and reported.
            if let Some(err) = builder.add_ignore(path) {
                bad_lines(&err, &mut bad);
            }
        }
        Walker {
            builder: Some(builder),
            walk: None,
            root,
            display,
            files_only: options.files_only,
            dirs: Vec::new(),
            bad_lines: bad,
            done: false,
        }
    }

    /// How `path` (a path the walk yielded) is shown.
    fn shown(&self, path: &Path) -> OsString {
        let bytes = path.as_os_str().as_bytes();
        let root = self.root.as_os_str().as_bytes();
        let below = bytes.strip_prefix(root).unwrap_or(bytes);
        let below = below.strip_prefix(b"/").unwrap_or(below);
        join(self.display.as_bytes(), below)
    }

    /// A failure under the path it names; one without a path (a listing that failed
    /// midway) under the directory being listed. An error about ignore files is no failure:
    /// its bad lines go to `out`.
    fn failed(&self, err: &ignore::Error, out: &mut Vec<Found>) -> Option<Found> {
        let Some((path, depth, why)) = failure(err) else {
            bad_lines(err, out);
            return None;
        };
        let path = match (path, depth) {
            (Some(p), _) => self.shown(p),
            (None, Some(d)) => self.dirs.get(d.saturating_sub(1)).cloned().unwrap_or_else(|| self.display.clone()),
            (None, None) => self.dirs.last().cloned().unwrap_or_else(|| self.display.clone()),
        };
        let path = if path.is_empty() { OsString::from(".") } else { path };
        let e = match why {
            Failure::Io(e) => e,
            Failure::Loop => {
                let shown = path.to_string_lossy();
                let message = format!("symbolic link loop: {shown} leads back to a directory already being searched");
                FileError::os(sys::ELOOP, message)
            }
        };
        Some(Found::Failed(path, e))
    }

    /// What an entry becomes: a file to report, or nothing (a directory, which the walk
    /// enters; with `files_only`, anything a scan would not read). The bad lines of a
    /// directory's ignore files, read as it is entered, go to `out`.
    fn entry(&mut self, ent: &DirEntry, out: &mut Vec<Found>) -> Option<Found> {
        if let Some(err) = ent.error() {
            bad_lines(err, out);
        }
        let kind = ent.file_type()?;
        if kind.is_dir() || ent.depth() == 0 {
            self.dirs.truncate(ent.depth());
            self.dirs.push(self.shown(ent.path()));
            return None;
        }
        if self.files_only && !kind.is_file() {
            return None;
        }
        Some(Found::File(self.shown(ent.path()), kind.is_file() && !ent.path_is_symlink()))
    }

    /// Up to `max` more files and failures (fewer only when the walk is over), with the bad
    /// lines of the ignore files read meanwhile.
    pub fn next(&mut self, max: usize) -> Vec<Found> {
        let mut out = std::mem::take(&mut self.bad_lines);
        if self.done {
            return out;
        }
        let mut walk = match self.walk.take() {
            Some(w) => w,
            None => self.builder.take().expect("a walk not yet started").build(),
        };
        let mut n = 0;
        while n < max {
            let found = match walk.next() {
                None => {
                    self.done = true;
                    break;
                }
                Some(Ok(ent)) => self.entry(&ent, &mut out),
                Some(Err(err)) => self.failed(&err, &mut out),
            };
            if let Some(f) = found {
                out.push(f);
                n += 1;
            }
        }
        if !self.done {
            self.walk = Some(walk);
        }
        out
    }

    /// True once every directory has been read.
    pub fn is_done(&self) -> bool {
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// The default options without the user's global excludes file.
    fn options() -> WalkOptions {
        WalkOptions { global_excludes: false, ..WalkOptions::default() }
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
    fn walk_all(root: &Path, hidden: bool, follow: bool, options: WalkOptions) -> Vec<Found> {
        let mut w = Walker::new(OsString::new(), root.to_path_buf(), hidden, follow, options);
        let mut all = Vec::new();
        while !w.is_done() {
            all.extend(w.next(3));
        }
        all
    }

    fn files(root: &Path, hidden: bool, options: WalkOptions) -> Vec<String> {
        let mut v: Vec<String> = walk_all(root, hidden, false, options)
            .into_iter()
            .filter_map(|f| match f {
                Found::File(p, _) => Some(p.into_string().unwrap()),
                Found::Failed(p, e) => panic!("{p:?}: {e:?}"),
                Found::BadLine(_) => None,
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
            files(&root, hidden, WalkOptions { overrides: overrides(&root, g, i, &[]).unwrap(), ..options() })
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
    fn globs_are_relative_to_the_working_directory() {
        let root = scratch("cwd", &["src/a.rs", "src/sub/b.rs", "c/a/x.rs", "a/y.rs"]);
        let walk = |dir: &str, display: &str, g: &[&str]| {
            let o = WalkOptions { overrides: overrides(&root, g, &[], &[]).unwrap(), ..options() };
            let mut w = Walker::new(display.into(), root.join(dir), false, false, o);
            let mut all: Vec<String> = Vec::new();
            while !w.is_done() {
                all.extend(w.next(10).into_iter().map(|f| format!("{f:?}")));
            }
            all.sort();
            all
        };
        // `src/**` names the paths below src/ as the working directory sees them, whichever
        // directory is searched.
        assert_eq!(walk("src", "src", &["src/**"]), [r#"File("src/a.rs", true)"#, r#"File("src/sub/b.rs", true)"#]);
        assert_eq!(walk("", "", &["src/**"]), [r#"File("src/a.rs", true)"#, r#"File("src/sub/b.rs", true)"#]);
        // `/a/*` is a/ in the working directory, not c/a/ below a searched c.
        assert_eq!(walk("c", "c", &["/a/*"]), Vec::<String>::new());
        assert_eq!(walk("", "", &["/a/*"]), [r#"File("a/y.rs", true)"#]);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn file_types_select_by_name_after_ignore_files() {
        let root = scratch("types", &["a.rs", ".h.rs", "b.txt", "d.rs/c.txt", "d.rs/e.rs", "Makefile", ".ignore"]);
        fs::write(root.join(".ignore"), "e.rs\n").unwrap();
        let types = |t: &[&str]| files(&root, false, WalkOptions { types: types(t).unwrap(), ..options() });
        // As ripgrep: a selected type brings in a hidden file, never decides a directory,
        // and does not overrule an ignore file; the last matching selection wins.
        assert_eq!(types(&["*.rs"]), [".h.rs", "a.rs"]);
        assert_eq!(types(&["!*.rs"]), ["Makefile", "b.txt", "d.rs/c.txt"]);
        assert_eq!(types(&["*.rs", "Makefile", "!*.rs"]), ["Makefile"]);
        assert_eq!(types(&["!*.rs", "*.rs"]), [".h.rs", "a.rs"]);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn bad_globs_name_their_list_and_place() {
        let e = overrides(Path::new("/"), &["ok"], &["a", "[x"], &[]).unwrap_err();
        assert_eq!((e.list, e.index, e.glob.as_str()), ("iglobs", 1, "[x"));
        assert_eq!(e.message, "unclosed character class; missing ']'");
        let e = types(&["*.rs", "!{a"]).unwrap_err();
        assert_eq!((e.list, e.index, e.glob.as_str()), ("types", 1, "!{a"));
        assert_eq!(e.message, "unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)");
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
        let o = WalkOptions { overrides: overrides(&root, &["*.log"], &[], &[]).unwrap(), ..options() };
        assert_eq!(files(&root, false, o), ["a.log", "sub/d.log"]);
        // A line that is no glob, in a parent's ignore file as in the root's, is left out
        // without an error, and reported (ripgrep warns): the parent's first, then the
        // root's, then an --ignore-file's before both.
        fs::write(root.join(".ignore"), "[\\\n").unwrap();
        fs::write(root.join("zz/.ignore"), "ok\n[\n").unwrap();
        assert_eq!(files(&root.join("zz"), false, options()), ["c.txt"]);
        let extra = root.join("sub/extra");
        fs::write(&extra, "{a\n").unwrap();
        let o = WalkOptions { extra_ignore_files: vec![extra.clone()], ..options() };
        let bad: Vec<(PathBuf, u64, String, String)> = walk_all(&root.join("zz"), false, false, o)
            .into_iter()
            .filter_map(|f| match f {
                Found::BadLine(b) => Some((b.file, b.line, b.glob, b.message)),
                _ => None,
            })
            .collect();
        let class = "unclosed character class; missing ']'".to_string();
        assert_eq!(
            bad,
            [
                (extra, 1, "{a".into(), "unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)".into()),
                (root.join(".ignore"), 1, "[\\".into(), class.clone()),
                (root.join("zz/.ignore"), 2, "[".into(), class),
            ]
        );
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn followed_links_are_directories_to_the_rules() {
        let root = scratch("follow", &["t/x", "f", ".ignore"]);
        std::os::unix::fs::symlink(root.join("t"), root.join("dl")).unwrap();
        std::os::unix::fs::symlink(root.join("f"), root.join("fl")).unwrap();
        fs::write(root.join(".ignore"), "dl/\nfl/\n").unwrap();
        let walk = |follow| {
            let mut all: Vec<String> =
                walk_all(&root, false, follow, options()).iter().map(|f| format!("{f:?}")).collect();
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
    fn listing_keeps_only_what_a_scan_reads() {
        let root = scratch("list", &["a.txt", "big"]);
        fs::write(root.join("big"), vec![0u8; 1000]).unwrap();
        std::os::unix::fs::symlink("a.txt", root.join("link")).unwrap();
        std::os::unix::fs::symlink("nowhere", root.join("dangling")).unwrap();
        assert!(std::process::Command::new("mkfifo").arg(root.join("pipe")).status().unwrap().success());
        let list = |follow, files_only, max_filesize| {
            let o = WalkOptions { files_only, max_filesize, ..options() };
            let mut all: Vec<String> = walk_all(&root, false, follow, o)
                .iter()
                .map(|f| match f {
                    Found::File(p, _) => p.to_string_lossy().into_owned(),
                    Found::Failed(p, e) => format!("{} errno {}", p.to_string_lossy(), e.errno),
                    Found::BadLine(b) => panic!("no ignore file here: {b:?}"),
                })
                .collect();
            all.sort();
            all
        };
        // A scan gets every entry (it records links and FIFOs as skipped).
        assert_eq!(list(false, false, None), ["a.txt", "big", "dangling", "link", "pipe"]);
        // A listing gets what a scan reads: as rg --files.
        assert_eq!(list(false, true, Some(100)), ["a.txt"]);
        assert_eq!(list(false, true, None), ["a.txt", "big"]);
        // Following links: a link to a file is read, a dangling one fails.
        assert_eq!(list(true, true, None), ["a.txt", "big", "dangling errno 2", "link"]);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn without_rules_the_walk_is_the_same() {
        let root = scratch("same", &["a", ".h", "d/b", "d/.e/c", "d/f/g", "x/y/z/w"]);
        for hidden in [false, true] {
            let plain = walk_all(&root, hidden, false, WalkOptions { ignore_files: false, ..options() });
            assert_eq!(walk_all(&root, hidden, false, options()), plain, "the same paths in the same order");
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
