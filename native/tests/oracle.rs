//! Oracle tests: the walker's file set on random trees, against git's and ripgrep's.
//!
//! * `gitignore_matches_git`: random trees with random `.gitignore` files (root, subdirectories,
//!   `.git/info/exclude`, the global excludes file), walked from the root and from a random
//!   subdirectory, against `git ls-files --others --exclude-standard` and
//!   `git check-ignore --no-index --stdin` on the same tree. `rg --files` on the same trees
//!   is compared too, and its disagreements counted (reported, not asserted: it is not
//!   the oracle for ignore files).
//! * `globs_match_ripgrep`: random trees with random `.ignore`/`.rgignore` files, random
//!   `-g`/`--iglob` globs, `-t`/`-T` types, `--hidden` and `--max-depth`, against `rg --files`.
//!
//! Both skip (pass, saying so) when their tool is missing. The cases are seeded:
//! `CHARCOUNT_ORACLE_SEED` and `CHARCOUNT_ORACLE_CASES` change the seed and the count.
//! git and rg run with `HOME` set to an empty scratch directory, so the user's
//! configuration does not interfere.

use charcount::ignore::{global_excludes_path, Overrides, TypeFilter};
use charcount::walker::{Found, GlobalExcludes, WalkOptions, Walker};
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

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

const FILES: &[&str] =
    &["a", "b", "ab", "a.txt", "b.txt", "c.log", "d.rs", "x.y.z", ".h", ".h.txt", "#x", "!x", "s ", "A.TXT", "bb"];
const DIRS: &[&str] = &["a", "b", "d", "sub", "ab", ".hd", "x.d", "bb", "D"];

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

/// What one batch found: per case, `Err` with the details where the walker and git
/// disagree; and how many cases rg disagrees on.
struct BatchResult {
    failures: Vec<String>,
    rg_differs: usize,
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
    let (home, repo) = (scratch.0.join("home"), scratch.0.join("repo"));
    fs::create_dir_all(&home).unwrap();
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
    match rng.below(3) {
        0 => write_rules(home.join(".config/git/ignore"), "~/.config/git/ignore", &mut rng, &mut shared),
        1 => {
            fs::write(home.join(".gitconfig"), "[core]\n\texcludesFile = ~/global-ignore\n").unwrap();
            write_rules(home.join("global-ignore"), "core.excludesFile", &mut rng, &mut shared);
        }
        _ => {}
    }
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

    let global = global_excludes_path(Some(&home), None).map_or(GlobalExcludes::Off, GlobalExcludes::File);
    let options = || WalkOptions { global_excludes: global.clone(), ..WalkOptions::default() };
    let ours: BTreeSet<String> =
        walk(&repo, "", true, options()).into_iter().filter(|p| !p.starts_with(".git/")).collect();
    let (code, listed) = run(&repo, &home, "git", &["ls-files", "--others", "--exclude-standard", "-z"], None);
    assert_eq!(code, 0, "git ls-files");
    let git: BTreeSet<String> = listed.into_iter().collect();
    // Path by path: every file, and every place a walk starts from.
    let asked: Vec<&str> = all_files.iter().map(String::as_str).chain(cases.iter().map(|c| c.2.as_str())).collect();
    let input: Vec<u8> = asked.iter().flat_map(|f| f.bytes().chain([0])).collect();
    let (code, ignored) = run(&repo, &home, "git", &["check-ignore", "--no-index", "--stdin", "-z"], Some(&input));
    assert!(code == 0 || code == 1, "git check-ignore exited with {code}");
    let ignored: BTreeSet<String> = ignored.into_iter().collect();
    let kept: BTreeSet<String> = all_files.iter().filter(|f| !ignored.contains(*f)).cloned().collect();
    let rg_listed: Option<BTreeSet<String>> = rg.then(|| {
        let (_, listed) =
            run(&repo, &home, "rg", &["--files", "--hidden", "--no-config", "--no-messages", "-j1"], None);
        listed.into_iter().collect()
    });

    let mut result = BatchResult { failures: Vec::new(), rg_differs: 0 };
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
            let from_start = walk(&repo.join(start), start, true, options());
            let git_below = below(&git, start);
            if from_start != git_below {
                result.failures.push(fail(name, log, &format!("walked from {start}"), diff(&from_start, &git_below)));
                continue;
            }
        }
        if let Some(rg_all) = &rg_listed {
            // rg --files lists no link it does not follow.
            let no_links: BTreeSet<String> = ours_here
                .iter()
                .filter(|p| !fs::symlink_metadata(repo.join(p)).unwrap().is_symlink())
                .cloned()
                .collect();
            let rg_here = below(rg_all, name);
            if no_links != rg_here {
                if std::env::var_os("CHARCOUNT_ORACLE_VERBOSE").is_some() {
                    eprintln!("{}", fail(name, log, "rg, not asserted", diff(&no_links, &rg_here)));
                }
                result.rg_differs += 1;
            }
        }
    }
    result
}

#[test]
fn gitignore_matches_git() {
    if !have("git") {
        return eprintln!("git is not installed: skipped");
    }
    let rg = have("rg");
    let cases = env_number("CHARCOUNT_ORACLE_CASES", 300);
    let seed = env_number("CHARCOUNT_ORACLE_SEED", 0x00c0_ffee);
    let per_batch = 25;
    let batches = cases.div_ceil(per_batch);
    let failures = Mutex::new(Vec::new());
    let rg_differs = Mutex::new(0usize);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4)) as u64;
    std::thread::scope(|s| {
        for t in 0..threads {
            let (failures, rg_differs) = (&failures, &rg_differs);
            s.spawn(move || {
                for batch in (t..batches).step_by(threads as usize) {
                    let r = git_batch(batch, per_batch, seed, rg);
                    failures.lock().unwrap().extend(r.failures);
                    *rg_differs.lock().unwrap() += r.rg_differs;
                }
            });
        }
    });
    let total = batches * per_batch;
    eprintln!(
        "{total} random subtrees in {batches} repositories: the walker agrees with git ls-files and git check-ignore \
         in {}; rg --files differs from them in {}",
        total as usize - failures.lock().unwrap().len(),
        rg_differs.lock().unwrap()
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
    ];
    let g = rng.pick(GLOBS).to_string();
    if rng.chance(40) {
        format!("!{g}")
    } else {
        g
    }
}

/// One random tree: the walker against `rg --files` with globs, `.ignore`/`.rgignore`,
/// `--hidden` and `--max-depth`.
fn rg_case(case: u64, seed: u64) -> Result<(), String> {
    let mut rng = Rng(seed ^ case.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5eed);
    let scratch = Scratch::new(&format!("rg-{case}"));
    let (home, tree) = (scratch.0.join("home"), scratch.0.join("tree"));
    fs::create_dir_all(&home).unwrap();
    fs::create_dir_all(&tree).unwrap();
    let (_, dirs) = make_tree(&mut rng, &tree);
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
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (_, listed) = run(&tree, &home, "rg", &args, None);
    let rg: BTreeSet<String> = listed.into_iter().collect();
    let options = WalkOptions {
        ignore_files,
        overrides: Overrides::new(&globs, &iglobs).unwrap(),
        types: TypeFilter::new(&type_globs).unwrap(),
        max_depth,
        global_excludes: GlobalExcludes::Off,
    };
    // rg --files lists no link it does not follow.
    let ours: BTreeSet<String> = walk(&tree, "", hidden, options)
        .into_iter()
        .filter(|p| !fs::symlink_metadata(tree.join(p)).unwrap().is_symlink())
        .collect();
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
    let plain = || WalkOptions { global_excludes: GlobalExcludes::Off, ..WalkOptions::default() };
    // Not ignored: entered, and what is below it found under its bytes, as rg finds it.
    let below = Found::File(OsString::from_vec(b"bad\xff/f.txt".to_vec()), true);
    let mut all = found(plain());
    all.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    assert_eq!(all, vec![below, Found::File("ok.txt".into(), true)]);
    if have("rg") {
        let home = scratch.0.join("home");
        fs::create_dir_all(&home).unwrap();
        let mut rg = Command::new("rg");
        rg.args(["--files", "--no-config", "--sort", "path"]).env("HOME", &home).env_remove("XDG_CONFIG_HOME");
        let out = rg.current_dir(&tree).output().unwrap();
        assert_eq!(out.stdout, b"bad\xff/f.txt\nok.txt\n", "rg --files");
    }
    // Ignored by its bytes in an ignore file, or by a glob: no error at all.
    fs::write(tree.join(".ignore"), b"bad\xff/\n").unwrap();
    assert_eq!(found(plain()), vec![Found::File("ok.txt".into(), true)]);
    fs::write(tree.join(".ignore"), b"ba?[\xfe-\xff]\n").unwrap();
    assert_eq!(found(plain()), vec![Found::File("ok.txt".into(), true)]);
    fs::remove_file(tree.join(".ignore")).unwrap();
    let excluded = WalkOptions { overrides: Overrides::new(&["!bad*"], &[]).unwrap(), ..plain() };
    assert_eq!(found(excluded), vec![Found::File("ok.txt".into(), true)]);
    let only_txt = WalkOptions { overrides: Overrides::new(&["*.txt"], &[]).unwrap(), ..plain() };
    assert_eq!(found(only_txt).len(), 2, "the directory is not excluded by an include glob");
    // git agrees on what is ignored, bytes and all.
    if have("git") {
        let home = scratch.0.join("home");
        fs::create_dir_all(&home).unwrap();
        run(&tree, &home, "git", &["init", "-q", "--template=", "."], None);
        fs::write(tree.join(".gitignore"), b"*\xff\n").unwrap();
        let (_, listed) = run(&tree, &home, "git", &["ls-files", "--others", "--exclude-standard", "-z"], None);
        assert_eq!(listed, vec![".gitignore", "ok.txt"]);
        let all = found(plain());
        assert_eq!(all, vec![Found::File("ok.txt".into(), true)], "hidden .gitignore left out");
    }
}
