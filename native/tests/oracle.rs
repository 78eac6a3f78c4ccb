//! Oracle tests: the walker (ripgrep's, from the `ignore` crate, as charcount drives it)
//! against `rg --files` and git, on random trees and on the cases of ripgrep's own tests.
//!
//! * `gitignore_matches_git_and_rg`: random trees with random `.gitignore` files (root,
//!   subdirectories, `.git/info/exclude`, the global excludes file), walked from the root and
//!   from a random subdirectory, against `git ls-files --others --exclude-standard`,
//!   `git check-ignore --no-index --stdin` and `rg --files` on the same tree.
//! * `globs_match_ripgrep`: random trees with random `.ignore`/`.rgignore` files, random
//!   `-g`/`--iglob` globs, `-t`/`-T` types, `--hidden` and `--max-depth`, searched from the
//!   root or from a subdirectory, against `rg --files`.
//! * `ripgreps_own_cases`: the cases of the `ignore` crate's tests (`gitignore.rs`,
//!   `dir.rs`, `walk.rs`), as trees: the walker, `rg --files` and git (where git has a say)
//!   must list what the crate's test expects.
//!
//! Each skips (passes, saying so) when its tool is missing. The cases are seeded:
//! `CHARCOUNT_ORACLE_SEED` and `CHARCOUNT_ORACLE_CASES` change the seed and the count.
//! git and rg run with `HOME` set to a scratch directory, so the user's configuration does
//! not interfere; the walker reads git's global excludes file from the same `HOME`
//! ([`shared_home`]).

use charcount::walker::{overrides, types, Found, WalkOptions, Walker};
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

/// splitmix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success())
}

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    /// In `/dev/shm` where there is one: thousands of files are made, and a tmpfs makes them
    /// 40 times faster than ext4 does.
    fn new(name: &str) -> Scratch {
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() && fs::metadata(shm).is_ok_and(|m| !m.permissions().readonly()) {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("charcount-oracle-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The scratch `HOME` of this test process, whose git configuration names a global
/// excludes file holding [`GLOBAL_RULES`]: set in the environment once, before any walk
/// that reads it, since the walker (as ripgrep and git) finds that file from `$HOME`.
fn shared_home() -> &'static Path {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let home = std::env::temp_dir().join(format!("charcount-oracle-home-{}", std::process::id()));
        let _ = fs::remove_dir_all(&home);
        fs::create_dir_all(&home).unwrap();
        fs::write(home.join("global-ignore"), GLOBAL_RULES).unwrap();
        fs::write(home.join(".gitconfig"), "[core]\n\texcludesFile = ~/global-ignore\n").unwrap();
        // Other tests' walks do not read the global file, and git and rg are given `HOME`.
        std::env::set_var("HOME", &home);
        std::env::remove_var("XDG_CONFIG_HOME");
        home
    })
}

/// git's global excludes file for these tests. git matches a rule with a `/` against the
/// path from the repository's root, the walker (as ripgrep) against the path it walks
/// (absolute here): only rules without one mean the same to both.
const GLOBAL_RULES: &str = "*.gtmp\n!keep.gtmp\ngdir/\n";

/// Options reading ignore files as ripgrep does, git's global excludes file included.
fn with_global() -> WalkOptions {
    shared_home();
    WalkOptions::default()
}

/// Options reading ignore files, without git's global excludes file.
fn plain() -> WalkOptions {
    WalkOptions { global_excludes: false, ..WalkOptions::default() }
}

/// The files a walk reports (paths as displayed), asserting it fails nowhere.
fn walk(root: &Path, display: &str, hidden: bool, options: WalkOptions) -> BTreeSet<String> {
    let mut w = Walker::new(display.into(), root.to_path_buf(), hidden, false, options);
    let mut files = BTreeSet::new();
    while !w.is_done() {
        for f in w.next(7) {
            match f {
                Found::File(p, _) => {
                    files.insert(p.into_string().expect("the trees of these tests have UTF-8 names"));
                }
                Found::Failed(p, e) => panic!("{p:?}: {e:?}"),
                // A rule that is not a glob: left out, as rg leaves it out (and warns).
                Found::BadLine(_) => {}
            }
        }
    }
    files
}

/// Runs a tool in `dir` with a clean environment; its NUL- or newline-separated output.
fn run(dir: &Path, home: &Path, program: &str, args: &[&str], stdin: Option<&[u8]>) -> (i32, Vec<String>) {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("LC_ALL", "C")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let sep = if args.contains(&"-z") { b'\0' } else { b'\n' };
    let lines = out
        .stdout
        .split(|&b| b == sep)
        .filter(|l| !l.is_empty())
        .map(|l| String::from_utf8(l.to_vec()).unwrap())
        .collect();
    (out.status.code().unwrap_or(-1), lines)
}

const FILES: &[&str] = &[
    "a",
    "b",
    "ab",
    "a.txt",
    "b.txt",
    "c.log",
    "d.rs",
    "x.y.z",
    ".h",
    ".h.txt",
    "#x",
    "!x",
    "s ",
    "A.TXT",
    "bb",
    "x.gtmp",
    "keep.gtmp",
];
const DIRS: &[&str] = &["a", "b", "d", "sub", "ab", ".hd", "x.d", "bb", "D", "gdir"];

/// A random tree under `root`: its files and directories, relative.
fn make_tree(rng: &mut Rng, root: &Path) -> (Vec<String>, Vec<String>) {
    fn fill(rng: &mut Rng, dir: &Path, rel: &str, depth: usize, files: &mut Vec<String>, dirs: &mut Vec<String>) {
        let join = |name: &str| if rel.is_empty() { name.to_string() } else { format!("{rel}/{name}") };
        for _ in 0..1 + rng.below(4) {
            let name = rng.pick(FILES);
            if fs::symlink_metadata(dir.join(name)).is_err() {
                fs::write(dir.join(name), "x").unwrap();
                files.push(join(name));
            }
        }
        if rng.chance(8) && fs::symlink_metadata(dir.join("ln")).is_err() {
            // A link (maybe dangling, maybe to a directory): a file to both git and the walker.
            std::os::unix::fs::symlink(rng.pick(&["a", "d", "nowhere"]), dir.join("ln")).unwrap();
            files.push(join("ln"));
        }
        if depth < 3 {
            for _ in 0..rng.below(4) {
                let name = rng.pick(DIRS);
                if fs::symlink_metadata(dir.join(name)).is_err() {
                    fs::create_dir(dir.join(name)).unwrap();
                    dirs.push(join(name));
                    fill(rng, &dir.join(name), &join(name), depth + 1, files, dirs);
                }
            }
        }
    }
    let (mut files, mut dirs) = (Vec::new(), Vec::new());
    fill(rng, root, "", 0, &mut files, &mut dirs);
    (files, dirs)
}

/// A random ignore-file line in the forms git documents.
fn random_rule(rng: &mut Rng) -> String {
    const GLOBS: &[&str] = &[
        "*.txt",
        "*.log",
        "a*",
        "*b",
        "?",
        "??",
        "[ab]",
        "[!a]*",
        "[a-c].txt",
        "*.*",
        "*",
        "x.*",
        "[^ab]?",
        "*.TXT",
        "[]a]",
        "[a-]*",
        "[\\!#]x",
        "a?",
        "**",
        "*a*",
        "b*b",
    ];
    let mut core = match rng.below(3) {
        0 => {
            let pool = if rng.chance(50) { FILES } else { DIRS };
            let name = rng.pick(pool);
            match name {
                "#x" => "\\#x".into(),
                "!x" => "\\!x".into(),
                "s " => "s\\ ".into(),
                n => n.to_string(),
            }
        }
        _ => rng.pick(GLOBS).to_string(),
    };
    match rng.below(20) {
        0..=3 => core = format!("/{core}"),
        4..=5 => core = format!("**/{core}"),
        6..=8 => core = format!("{}/{core}", rng.pick(DIRS)),
        9 => core = format!("{}/**/{core}", rng.pick(DIRS)),
        10 => core = format!("**/{}/{core}", rng.pick(DIRS)),
        11 => core = format!("{}/*/{core}", rng.pick(DIRS)),
        _ => {}
    }
    match rng.below(20) {
        0..=2 => core.push('/'),
        3 => core.push_str("/**"),
        4 => core.push_str("/*"),
        _ => {}
    }
    if rng.chance(25) {
        core = format!("!{core}");
    }
    if rng.chance(5) {
        core.push_str("  ");
    }
    core
}

fn random_file(rng: &mut Rng) -> String {
    let mut text = String::new();
    for _ in 0..1 + rng.below(6) {
        match rng.below(12) {
            0 => text.push_str("# a comment\n"),
            1 => text.push('\n'),
            _ => {
                text.push_str(&random_rule(rng));
                text.push('\n');
            }
        }
    }
    text
}

fn report(failures: &Mutex<Vec<String>>, cases: u64, what: &str) {
    let failures = failures.lock().unwrap();
    if !failures.is_empty() {
        let shown: Vec<_> = failures.iter().take(3).cloned().collect();
        panic!("{} of {cases} {what} cases disagree; first ones:\n\n{}", failures.len(), shown.join("\n\n"));
    }
}

fn diff(ours: &BTreeSet<String>, theirs: &BTreeSet<String>) -> String {
    let only_ours: Vec<_> = ours.difference(theirs).collect();
    let only_theirs: Vec<_> = theirs.difference(ours).collect();
    format!("only the walker: {only_ours:?}\nonly the oracle: {only_theirs:?}")
}

/// What one batch found: the details of each case where the walker and git or rg disagree.
struct BatchResult {
    failures: Vec<String>,
}

/// The paths of `set` below `prefix/`.
fn below(set: &BTreeSet<String>, prefix: &str) -> BTreeSet<String> {
    let prefix = format!("{prefix}/");
    set.iter().filter(|p| p.starts_with(&prefix)).cloned().collect()
}

/// One repository holding `per_batch` cases, each a random subtree `caseN/` with random
/// `.gitignore` files, plus random repository-wide rules (the root's `.gitignore`,
/// `info/exclude`, the global file). Spawning git is what costs, so it runs three times per
/// batch, not per case.
fn git_batch(batch: u64, per_batch: u64, seed: u64, rg: bool) -> BatchResult {
    let mut rng = Rng(seed ^ batch.wrapping_mul(0x2545_f491_4f6c_dd1d));
    let scratch = Scratch::new(&format!("git-{batch}"));
    let repo = scratch.0.join("repo");
    // A repository by hand: `git init` takes 50 ms here.
    fs::create_dir_all(repo.join(".git/objects")).unwrap();
    fs::create_dir_all(repo.join(".git/refs")).unwrap();
    fs::write(repo.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let mut shared = String::new();
    let write_rules = |path: PathBuf, label: &str, rng: &mut Rng, log: &mut String| {
        let text = random_file(rng);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &text).unwrap();
        log.push_str(&format!("--- {label}\n{text}"));
    };
    let mut all_files = Vec::new();
    if rng.chance(40) {
        write_rules(repo.join(".gitignore"), ".gitignore", &mut rng, &mut shared);
        all_files.push(".gitignore".to_string());
    }
    if rng.chance(40) {
        write_rules(repo.join(".git/info/exclude"), ".git/info/exclude", &mut rng, &mut shared);
    }
    // git's global excludes file is the process's (see `shared_home`), the same in every
    // batch; the trees have names it matches.
    let home = shared_home();
    let mut cases = Vec::new();
    for c in 0..per_batch {
        let name = format!("case{c}");
        let root = repo.join(&name);
        fs::create_dir(&root).unwrap();
        let (files, dirs) = make_tree(&mut rng, &root);
        let mut log = String::new();
        all_files.extend(files.iter().map(|f| format!("{name}/{f}")));
        if rng.chance(85) {
            write_rules(root.join(".gitignore"), &format!("{name}/.gitignore"), &mut rng, &mut log);
            all_files.push(format!("{name}/.gitignore"));
        }
        for d in &dirs {
            if rng.chance(35) {
                write_rules(root.join(d).join(".gitignore"), &format!("{name}/{d}/.gitignore"), &mut rng, &mut log);
                all_files.push(format!("{name}/{d}/.gitignore"));
            }
        }
        // Where to walk from besides the repository's root: the case, or a directory in it.
        let start = if dirs.is_empty() || rng.chance(30) {
            name.clone()
        } else {
            format!("{name}/{}", dirs[rng.below(dirs.len())])
        };
        cases.push((name, log, start));
    }

    let ours: BTreeSet<String> =
        walk(&repo, "", true, with_global()).into_iter().filter(|p| !p.starts_with(".git/")).collect();
    let listed_only = || WalkOptions { files_only: true, ..with_global() };
    let ours_listed: BTreeSet<String> = walk(&repo, "", true, listed_only());
    let (code, listed) = run(&repo, home, "git", &["ls-files", "--others", "--exclude-standard", "-z"], None);
    assert_eq!(code, 0, "git ls-files");
    let git: BTreeSet<String> = listed.into_iter().collect();
    // Path by path: every file, and every place a walk starts from.
    let asked: Vec<&str> = all_files.iter().map(String::as_str).chain(cases.iter().map(|c| c.2.as_str())).collect();
    let input: Vec<u8> = asked.iter().flat_map(|f| f.bytes().chain([0])).collect();
    let (code, ignored) = run(&repo, home, "git", &["check-ignore", "--no-index", "--stdin", "-z"], Some(&input));
    assert!(code == 0 || code == 1, "git check-ignore exited with {code}");
    let ignored: BTreeSet<String> = ignored.into_iter().collect();
    let kept: BTreeSet<String> = all_files.iter().filter(|f| !ignored.contains(*f)).cloned().collect();
    let rg_listed: Option<BTreeSet<String>> = rg.then(|| {
        let (_, listed) = run(&repo, home, "rg", &["--files", "--hidden", "--no-config", "--no-messages", "-j1"], None);
        listed.into_iter().collect()
    });

    let mut result = BatchResult { failures: Vec::new() };
    let fail = |case: &str, log: &str, what: &str, detail: String| {
        format!("batch {batch} {case} ({what}):\n{shared}{log}\n{detail}")
    };
    for (name, log, start) in &cases {
        let ours_here = below(&ours, name);
        let git_here = below(&git, name);
        if ours_here != git_here {
            result.failures.push(fail(name, log, "git ls-files", diff(&ours_here, &git_here)));
            continue;
        }
        let kept_here = below(&kept, name);
        if ours_here != kept_here {
            result.failures.push(fail(name, log, "git check-ignore", diff(&ours_here, &kept_here)));
            continue;
        }
        // From inside the repository: the rules of the parents apply. (A start that git
        // ignores is skipped: the walker searches a root it is given whatever the rules say.)
        if !ignored.contains(start) {
            let from_start = walk(&repo.join(start), start, true, with_global());
            let git_below = below(&git, start);
            if from_start != git_below {
                result.failures.push(fail(name, log, &format!("walked from {start}"), diff(&from_start, &git_below)));
                continue;
            }
        }
        // What a scan reads (no link, as rg does not follow them), as rg --files lists it.
        if let Some(rg_all) = &rg_listed {
            let (listed_here, rg_here) = (below(&ours_listed, name), below(rg_all, name));
            if listed_here != rg_here {
                result.failures.push(fail(name, log, "rg --files", diff(&listed_here, &rg_here)));
            }
        }
    }
    result
}

#[test]
fn gitignore_matches_git_and_rg() {
    if !have("git") {
        return eprintln!("git is not installed: skipped");
    }
    let rg = have("rg");
    shared_home();
    let cases = env_number("CHARCOUNT_ORACLE_CASES", 300);
    let seed = env_number("CHARCOUNT_ORACLE_SEED", 0x00c0_ffee);
    let per_batch = 25;
    let batches = cases.div_ceil(per_batch);
    let failures = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4)) as u64;
    std::thread::scope(|s| {
        for t in 0..threads {
            let failures = &failures;
            s.spawn(move || {
                for batch in (t..batches).step_by(threads as usize) {
                    failures.lock().unwrap().extend(git_batch(batch, per_batch, seed, rg).failures);
                }
            });
        }
    });
    let total = batches * per_batch;
    eprintln!(
        "{total} random subtrees in {batches} repositories: the walker agrees with git ls-files, git check-ignore{} \
         in {}",
        if rg { " and rg --files" } else { "" },
        total as usize - failures.lock().unwrap().len(),
    );
    report(&failures, total, "gitignore");
}

/// A random `-g` glob.
fn random_glob(rng: &mut Rng) -> String {
    const GLOBS: &[&str] = &[
        "*.txt",
        "*.log",
        "a*",
        "*b",
        "?",
        "[ab]",
        "[!a]*",
        "*.{txt,log}",
        "{a,b}*",
        "{a,sub/b}",
        "*.*",
        "x.*",
        "sub/**",
        "d/*.rs",
        "**/b/*",
        "a/**/b",
        "**/d",
        ".h*",
        "*.TXT",
        "{.h,a}",
        "sub",
        "d/",
        "*/a",
        "**",
        "[a-c]?",
        "bb",
        "/a",
        "/sub/*",
        "/b/**",
        "sub/*/a*",
        "[!a]/b",
    ];
    let g = rng.pick(GLOBS).to_string();
    if rng.chance(40) {
        format!("!{g}")
    } else {
        g
    }
}

/// One random tree: the walker against `rg --files` with globs, `.ignore`/`.rgignore`,
/// `--hidden` and `--max-depth`, searching the tree or one of its directories (globs are
/// relative to the tree, the working directory of both).
fn rg_case(case: u64, seed: u64) -> Result<(), String> {
    let mut rng = Rng(seed ^ case.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5eed);
    let scratch = Scratch::new(&format!("rg-{case}"));
    let (home, tree) = (scratch.0.join("home"), scratch.0.join("tree"));
    fs::create_dir_all(&home).unwrap();
    fs::create_dir_all(&tree).unwrap();
    let (_, dirs) = make_tree(&mut rng, &tree);
    let start = if dirs.is_empty() || rng.chance(70) { String::new() } else { dirs[rng.below(dirs.len())].clone() };
    let mut written = String::new();
    for (dir, name) in
        [("", ".ignore"), ("", ".rgignore")].into_iter().chain(dirs.iter().map(|d| (d.as_str(), ".ignore")))
    {
        if rng.chance(if dir.is_empty() { 30 } else { 15 }) {
            let text = random_file(&mut rng);
            fs::write(tree.join(dir).join(name), &text).unwrap();
            written.push_str(&format!("--- {dir}/{name}\n{text}"));
        }
    }
    let (mut globs, mut iglobs) = (Vec::new(), Vec::new());
    for _ in 0..rng.below(4) {
        if rng.chance(15) {
            iglobs.push(random_glob(&mut rng));
        } else {
            globs.push(random_glob(&mut rng));
        }
    }
    // File types, defined here (as --type-add) so that rg and the walker see the same globs:
    // `-t NAME` selects, `-T NAME` excludes, in order.
    const TYPES: &[(&str, &[&str])] =
        &[("ta", &["*.txt"]), ("tb", &["*.log", "a*"]), ("tc", &["b", ".h*"]), ("td", &["*.{txt,rs}", "?"])];
    // ripgrep 13 applies every -t before every -T (14 keeps the command line's order): the
    // cases give them in that order, where both agree.
    let mut picks: Vec<(bool, usize)> = (0..if rng.chance(30) { 1 + rng.below(3) } else { 0 })
        .map(|_| (rng.chance(40), rng.below(TYPES.len())))
        .collect();
    picks.sort_by_key(|&(negated, _)| negated);
    let (mut type_args, mut type_globs) = (Vec::new(), Vec::new());
    for (negated, i) in picks {
        let (name, globs) = TYPES[i];
        type_args.push(format!("{}{name}", if negated { "-T" } else { "-t" }));
        type_globs.extend(globs.iter().map(|g| if negated { format!("!{g}") } else { g.to_string() }));
    }
    let hidden = rng.chance(30);
    let max_depth = if rng.chance(20) { Some(rng.below(4)) } else { None };
    let ignore_files = !rng.chance(10);
    let mut args: Vec<String> = vec!["--files".into(), "--no-config".into(), "--no-messages".into(), "-j1".into()];
    args.extend(globs.iter().flat_map(|g| ["-g".to_string(), g.clone()]));
    args.extend(iglobs.iter().flat_map(|g| ["--iglob".to_string(), g.clone()]));
    if !type_args.is_empty() {
        // One glob a definition: ripgrep reads `name:a,b` as the one glob `a,b`.
        args.extend(TYPES.iter().flat_map(|(name, globs)| globs.iter().map(move |g| format!("--type-add={name}:{g}"))));
        args.extend(type_args.iter().cloned());
    }
    if hidden {
        args.push("--hidden".into());
    }
    if let Some(d) = max_depth {
        args.push(format!("--max-depth={d}"));
    }
    if !ignore_files {
        args.push("--no-ignore".into());
    }
    if !start.is_empty() {
        args.push(start.clone());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (_, listed) = run(&tree, &home, "rg", &args, None);
    let rg: BTreeSet<String> = listed.into_iter().collect();
    let options = WalkOptions {
        ignore_files,
        overrides: overrides(&tree, &globs, &iglobs, &[]).unwrap(),
        types: types(&type_globs).unwrap(),
        max_depth,
        files_only: true,
        ..plain()
    };
    let ours = walk(&tree.join(&start), &start, hidden, options);
    if ours != rg {
        return Err(format!("case {case}: rg {}\n{written}\n{}", args.join(" "), diff(&ours, &rg)));
    }
    Ok(())
}

#[test]
fn globs_match_ripgrep() {
    if !have("rg") {
        return eprintln!("rg is not installed: skipped");
    }
    let cases = env_number("CHARCOUNT_ORACLE_CASES", 250);
    let seed = env_number("CHARCOUNT_ORACLE_SEED", 0x00c0_ffee);
    let failures = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4)) as u64;
    std::thread::scope(|s| {
        for t in 0..threads {
            let failures = &failures;
            s.spawn(move || {
                for case in (t..cases).step_by(threads as usize) {
                    if let Err(e) = rg_case(case, seed) {
                        failures.lock().unwrap().push(e);
                    }
                }
            });
        }
    });
    eprintln!(
        "{cases} random trees with globs: the walker agrees with rg --files in {}",
        cases as usize - failures.lock().unwrap().len()
    );
    report(&failures, cases, "glob");
}

#[test]
fn a_directory_named_with_invalid_utf8() {
    let scratch = Scratch::new("utf8");
    let tree = scratch.0.join("t");
    let bad = tree.join(std::ffi::OsStr::from_bytes(b"bad\xff"));
    fs::create_dir_all(&bad).unwrap();
    fs::write(bad.join("f.txt"), "x").unwrap();
    fs::write(tree.join("ok.txt"), "x").unwrap();
    let found = |options: WalkOptions| {
        let mut w = Walker::new(OsString::new(), tree.clone(), false, false, options);
        let mut all = Vec::new();
        while !w.is_done() {
            all.extend(w.next(100));
        }
        all
    };
    // Not ignored: entered, and what is below it found under its bytes, as rg finds it.
    let below = || Found::File(OsString::from_vec(b"bad\xff/f.txt".to_vec()), true);
    let mut all = found(plain());
    all.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    assert_eq!(all, vec![below(), Found::File("ok.txt".into(), true)]);
    let rg = || {
        let home = scratch.0.join("home");
        fs::create_dir_all(&home).unwrap();
        let mut rg = Command::new("rg");
        rg.args(["--files", "--no-config", "--no-messages", "--sort", "path"]);
        rg.env("HOME", &home).env_remove("XDG_CONFIG_HOME").current_dir(&tree).output().unwrap().stdout
    };
    if have("rg") {
        assert_eq!(rg(), b"bad\xff/f.txt\nok.txt\n", "rg --files");
    }
    // A glob on its bytes: no error at all.
    let excluded = WalkOptions { overrides: overrides(&tree, &["!bad*"], &[], &[]).unwrap(), ..plain() };
    assert_eq!(found(excluded), vec![Found::File("ok.txt".into(), true)]);
    let only_txt = WalkOptions { overrides: overrides(&tree, &["*.txt"], &[], &[]).unwrap(), ..plain() };
    assert_eq!(found(only_txt).len(), 2, "the directory is not excluded by an include glob");
    // An ignore file is read as UTF-8 text, line by line, as ripgrep 13 reads it: a line that
    // is not UTF-8 ends the file (the lines before it apply), so `bad\xff/` ignores nothing
    // (git would ignore the directory).
    fs::write(tree.join(".ignore"), b"nothing\nbad\xff/\nok.txt\n").unwrap();
    let mut all = found(plain());
    all.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    assert_eq!(all, vec![below(), Found::File("ok.txt".into(), true)]);
    if have("rg") {
        assert_eq!(rg(), b"bad\xff/f.txt\nok.txt\n", "rg --files reads the file as far as it is UTF-8");
    }
    fs::write(tree.join(".ignore"), b"ok.txt\nbad\xff/\n").unwrap();
    assert_eq!(found(plain()).len(), 1, "the lines before it apply");
}

/// A case of ripgrep's own tests, as a tree in a directory of its own.
struct Case {
    /// Where it comes from in the `ignore` crate's tests.
    name: String,
    /// Files to make (each holding `x`); a name ending in `/` is an empty directory.
    files: Vec<String>,
    /// Ignore files: (path, text).
    rules: Vec<(String, String)>,
    /// A git repository at the case's root (a `.git` directory).
    repo: bool,
    /// Where the search starts, below the case's root ("" for the root).
    start: String,
    /// What `rg --files --hidden` lists (ignore files and `.git/` left out).
    listed: Vec<String>,
}

impl Case {
    fn new(name: &str, repo: bool, rules: &[(&str, &str)], files: &[&str], start: &str, listed: &[&str]) -> Case {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Case {
            name: name.into(),
            files: strings(files),
            rules: rules.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect(),
            repo,
            start: start.into(),
            listed: strings(listed),
        }
    }
}

/// `ignored!`/`not_ignored!` of the crate's `gitignore.rs` as a tree: a `.gitignore` at
/// `at` (in a repository), and `path` as a file (or as a directory holding `keep`).
fn gitignore_case(name: &str, at: &str, rules: &str, path: &str, is_dir: bool, listed: bool) -> Case {
    let path = path.trim_start_matches("./");
    let file = if is_dir { format!("{path}/keep") } else { path.to_string() };
    let gitignore = if at.is_empty() { ".gitignore".to_string() } else { format!("{at}/.gitignore") };
    let file_at = if at.is_empty() { file.clone() } else { format!("{at}/{file}") };
    Case {
        name: format!("gitignore.rs {name}"),
        files: vec![file_at.clone()],
        rules: vec![(gitignore, rules.to_string())],
        repo: true,
        start: String::new(),
        listed: if listed { vec![file_at] } else { vec![] },
    }
}

/// The cases of the `ignore` crate's tests (0.4.18: `gitignore.rs`, `dir.rs`, `walk.rs`)
/// that a walk can show.
fn ripgrep_cases() -> Vec<Case> {
    // gitignore.rs: `ignored!(name, root, gitignore, path[, is_dir])` is listed = false.
    let ignored: &[(&str, &str, &str, &str, bool)] = &[
        ("ig1", "", "months", "months", false),
        ("ig2", "", "*.lock", "Cargo.lock", false),
        ("ig3", "", "*.rs", "src/main.rs", false),
        ("ig4", "", "src/*.rs", "src/main.rs", false),
        ("ig5", "", "/*.c", "cat-file.c", false),
        ("ig6", "", "/src/*.rs", "src/main.rs", false),
        ("ig7", "", "!src/main.rs\n*.rs", "src/main.rs", false),
        ("ig8", "", "foo/", "foo", true),
        ("ig9", "", "**/foo", "foo", false),
        ("ig10", "", "**/foo", "src/foo", false),
        ("ig11", "", "**/foo/**", "src/foo/bar", false),
        ("ig12", "", "**/foo/**", "wat/src/foo/bar/baz", false),
        ("ig13", "", "**/foo/bar", "foo/bar", false),
        ("ig14", "", "**/foo/bar", "src/foo/bar", false),
        ("ig15", "", "abc/**", "abc/x", false),
        ("ig16", "", "abc/**", "abc/x/y", false),
        ("ig17", "", "abc/**", "abc/x/y/z", false),
        ("ig18", "", "a/**/b", "a/b", false),
        ("ig19", "", "a/**/b", "a/x/b", false),
        ("ig20", "", "a/**/b", "a/x/y/b", false),
        ("ig21", "", r"\!xy", "!xy", false),
        ("ig22", "", r"\#foo", "#foo", false),
        ("ig23", "", "foo", "./foo", false),
        ("ig24", "", "target", "grep/target", false),
        ("ig25", "", "Cargo.lock", "./tabwriter-bin/Cargo.lock", false),
        ("ig26", "", "/foo/bar/baz", "./foo/bar/baz", false),
        ("ig27", "", "foo/", "xyz/foo", true),
        ("ig28", "src", "/llvm/", "llvm", true),
        ("ig29", "", "node_modules/ ", "node_modules", true),
        ("ig30", "", "**/", "foo/bar", true),
        ("ig31", "", "path1/*", "path1/foo", false),
        ("ig32", "", ".a/b", ".a/b", false),
        ("ig38", "", "\\[", "[", false),
        ("ig39", "", "\\?", "?", false),
        ("ig40", "", "\\*", "*", false),
        ("ig41", "", "\\a", "a", false),
        ("ig42", "", "s*.rs", "sfoo.rs", false),
        ("ig43", "", "**", "foo.rs", false),
        ("ig44", "", "**/**/*", "a/foo.rs", false),
        ("cs1", "", "*.html", "foo.html", false),
    ];
    // `not_ignored!`: listed = true.
    let not_ignored: &[(&str, &str, &str, &str, bool)] = &[
        ("ignot1", "", "amonths", "months", false),
        ("ignot2", "", "monthsa", "months", false),
        ("ignot3", "", "/src/*.rs", "src/grep/src/main.rs", false),
        ("ignot4", "", "/*.c", "mozilla-sha1/sha1.c", false),
        ("ignot5", "", "/src/*.rs", "src/grep/src/main.rs", false),
        ("ignot6", "", "*.rs\n!src/main.rs", "src/main.rs", false),
        ("ignot7", "", "foo/", "foo", false),
        ("ignot8", "", "**/foo/**", "wat/src/afoo/bar/baz", false),
        ("ignot9", "", "**/foo/**", "wat/src/fooa/bar/baz", false),
        ("ignot10", "", "**/foo/bar", "foo/src/bar", false),
        ("ignot11", "", "#foo", "#foo", false),
        ("ignot12", "", "\n\n\n", "foo", false),
        ("ignot14", "third_party/protobuf", "m4/ltoptions.m4", "csharp/src/packages/repositories.config", false),
        ("ignot15", "", "!/bar", "foo/bar", false),
        ("ignot17", "", "src/*.rs", "src/grep/src/main.rs", false),
        ("ignot18", "", "path1/*", "path2/path1/foo", false),
        ("ignot19", "", "s*.rs", "src/foo.rs", false),
        ("cs2", "", "*.html", "foo.HTML", false),
        ("cs3", "", "*.html", "foo.htm", false),
        ("cs4", "", "*.html", "foo.HTM", false),
        // `regression_106`: a line of one space.
        ("regression_106", "", " ", "foo", false),
    ];
    let mut cases: Vec<Case> = ignored
        .iter()
        .map(|&(n, at, rules, path, dir)| gitignore_case(n, at, rules, path, dir, false))
        .chain(not_ignored.iter().map(|&(n, at, rules, path, dir)| gitignore_case(n, at, rules, path, dir, true)))
        .collect();
    // ignot13 (`foo/**` does not match the directory foo) and ignot16 (`*` then `!**/`: a
    // directory is re-included) shown by what is below the directory.
    cases.push(Case::new(
        "gitignore.rs ignot13",
        true,
        &[(".gitignore", "foo/**\n!keep")],
        &["foo/keep"],
        "",
        &["foo/keep"],
    ));
    cases.push(Case::new(
        "gitignore.rs ignot16",
        true,
        &[(".gitignore", "*\n!**/\n!keep")],
        &["foo/keep", "x"],
        "",
        &["foo/keep"],
    ));
    let three = &["foo", "bar", "baz"];
    cases.extend([
        Case::new("dir.rs git_exclude", true, &[(".git/info/exclude", "foo\n!bar")], three, "", &["bar", "baz"]),
        Case::new("dir.rs gitignore", true, &[(".gitignore", "foo\n!bar")], three, "", &["bar", "baz"]),
        Case::new("dir.rs gitignore_no_git", false, &[(".gitignore", "foo\n!bar")], three, "", three),
        Case::new("dir.rs ignore", false, &[(".ignore", "foo\n!bar")], three, "", &["bar", "baz"]),
        Case::new("dir.rs custom_ignore (.rgignore)", false, &[(".rgignore", "foo\n!bar")], three, "", &["bar", "baz"]),
        Case::new(
            "dir.rs custom_ignore_over_ignore",
            false,
            &[(".ignore", "foo"), (".rgignore", "!foo")],
            three,
            "",
            three,
        ),
        Case::new(
            "dir.rs ignore_over_gitignore",
            true,
            &[(".gitignore", "foo"), (".ignore", "!foo")],
            three,
            "",
            three,
        ),
        Case::new(
            "dir.rs exclude_lowest",
            true,
            &[(".gitignore", "!foo"), (".ignore", "!bar"), (".git/info/exclude", "foo\nbar\nbaz")],
            three,
            "",
            &["bar", "foo"],
        ),
        Case::new(
            "dir.rs errored_partial",
            true,
            &[(".gitignore", "{foo\nbar")],
            &["{foo", "bar", "baz"],
            "",
            &["baz", "{foo"],
        ),
        Case::new(
            "dir.rs errored_partial_and_ignore",
            true,
            &[(".gitignore", "{foo\nbar"), (".ignore", "!bar")],
            three,
            "",
            three,
        ),
        Case::new(
            "dir.rs stops_at_git_dir",
            true,
            &[(".gitignore", "foo"), (".ignore", "bar")],
            &["foo/.git/", "foo/foo", "foo/bar", "foo/baz", "baz"],
            "foo",
            &["foo/baz", "foo/foo"],
        ),
        Case::new(
            "dir.rs absolute_parent",
            true,
            &[(".gitignore", "bar")],
            &["foo/bar", "foo/baz"],
            "foo",
            &["foo/baz"],
        ),
        Case::new(
            "dir.rs absolute_parent_anchored",
            true,
            &[(".gitignore", "/llvm/\nfoo")],
            &["src/llvm/x", "src/foo", "src/y"],
            "src",
            &["src/llvm/x", "src/y"],
        ),
        Case::new("walk.rs gitignore_parent", true, &[(".gitignore", "foo")], &["a/foo", "a/bar"], "a", &["a/bar"]),
        Case::new(
            "walk.rs custom_ignore",
            false,
            &[(".rgignore", "foo")],
            &["foo", "a/foo", "bar", "a/bar"],
            "",
            &["a/bar", "bar"],
        ),
        Case::new(
            "walk.rs gitignore",
            true,
            &[(".gitignore", "foo")],
            &["foo", "a/foo", "bar", "a/bar"],
            "",
            &["a/bar", "bar"],
        ),
        // git's global excludes file (`shared_home`), inside a repository only.
        Case::new("global excludes", true, &[], &["a.gtmp", "keep.gtmp", "gdir/x", "y"], "", &["keep.gtmp", "y"]),
        Case::new("global excludes outside", false, &[], &["a.gtmp", "gdir/x"], "", &["a.gtmp", "gdir/x"]),
    ]);
    cases
}

#[test]
fn ripgreps_own_cases() {
    let home = shared_home();
    let scratch = Scratch::new("ripgrep-cases");
    let (rg, git) = (have("rg"), have("git"));
    let mut failures = Vec::new();
    let cases = ripgrep_cases();
    for (i, case) in cases.iter().enumerate() {
        let root = scratch.0.join(format!("c{i}"));
        fs::create_dir_all(&root).unwrap();
        if case.repo {
            fs::create_dir_all(root.join(".git/objects")).unwrap();
            fs::create_dir_all(root.join(".git/refs")).unwrap();
            fs::write(root.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
        }
        for f in &case.files {
            fs::create_dir_all(root.join(f.trim_end_matches('/')).parent().unwrap()).unwrap();
            if f.ends_with('/') {
                fs::create_dir_all(root.join(f)).unwrap();
            } else {
                fs::write(root.join(f), "x").unwrap();
            }
        }
        for (path, text) in &case.rules {
            fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
            fs::write(root.join(path), text).unwrap();
        }
        let expected: BTreeSet<String> = case.listed.iter().cloned().collect();
        let shown = |set: BTreeSet<String>| -> BTreeSet<String> {
            set.into_iter()
                .filter(|p| {
                    let name = p.rsplit('/').next().unwrap();
                    ![".gitignore", ".ignore", ".rgignore"].contains(&name)
                        && !p.starts_with(".git/")
                        && !p.contains("/.git/")
                })
                .collect()
        };
        let options = WalkOptions { files_only: true, ..with_global() };
        let ours = shown(walk(&root.join(&case.start), &case.start, true, options));
        if ours != expected {
            failures.push(format!("{}: the walker\n{}", case.name, diff(&ours, &expected)));
        }
        if rg {
            let mut args = vec!["--files", "--hidden", "--no-config", "--no-messages", "-j1"];
            if !case.start.is_empty() {
                args.push(&case.start);
            }
            let theirs = shown(run(&root, home, "rg", &args, None).1.into_iter().collect());
            if theirs != expected {
                failures.push(format!("{}: rg --files\n{}", case.name, diff(&theirs, &expected)));
            }
        }
        // git has a say on what a repository's git ignore files leave out (from its root).
        let gits_own = case.rules.iter().all(|(p, _)| p.ends_with(".gitignore") || p.ends_with("info/exclude"));
        if git && case.repo && gits_own && case.start.is_empty() && !case.name.starts_with("dir.rs errored") {
            let args = ["ls-files", "--others", "--exclude-standard", "-z"];
            let theirs = shown(run(&root, home, "git", &args, None).1.into_iter().collect());
            if theirs != expected {
                failures.push(format!("{}: git ls-files\n{}", case.name, diff(&theirs, &expected)));
            }
        }
    }
    eprintln!("{} cases of ripgrep's tests: {} disagreements", cases.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
