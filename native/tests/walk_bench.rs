//! The walk's cost with and without ignore handling (not a test: run it on purpose).
//!
//! ```text
//! cargo test --release --manifest-path native/Cargo.toml --test walk_bench -- --ignored --nocapture
//! ```
//!
//! Walks `CHARCOUNT_BENCH_ROOT` (default: the repository's `node_modules`)
//! `CHARCOUNT_BENCH_RUNS` times (default 21) per variant, interleaved, and prints each
//! variant's fastest and median wall time against `--no-ignore`'s. On a shared machine the
//! fastest run is the steadier figure.

use charcount::walker::{overrides, Found, WalkOptions, Walker};
use std::path::PathBuf;
use std::time::Instant;

#[test]
#[ignore]
fn walk_bench() {
    let root = std::env::var_os("CHARCOUNT_BENCH_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../node_modules"));
    if !root.is_dir() {
        return eprintln!("{} is not a directory: nothing to measure", root.display());
    }
    let runs: usize = std::env::var("CHARCOUNT_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(21);
    let plain = WalkOptions { global_excludes: false, ..WalkOptions::default() };
    let variants: Vec<(&str, WalkOptions)> = vec![
        ("--no-ignore", WalkOptions { ignore_files: false, ..plain.clone() }),
        ("ignore files", plain.clone()),
        (
            "ignore files, -g '*.js' -g '!*.min.js'",
            WalkOptions { overrides: overrides(&root, &["*.js", "!*.min.js"], &[], &[]).unwrap(), ..plain.clone() },
        ),
    ];
    let walk = |options: &WalkOptions| {
        let start = Instant::now();
        let mut w = Walker::new("x".into(), root.clone(), false, false, options.clone());
        let mut files = 0;
        while !w.is_done() {
            files += w.next(1024).iter().filter(|f| matches!(f, Found::File(..))).count();
        }
        (start.elapsed().as_secs_f64() * 1e3, files)
    };
    let mut times = vec![Vec::new(); variants.len()];
    let mut files = vec![0; variants.len()];
    for run in 0..runs + 2 {
        for (i, (_, options)) in variants.iter().enumerate() {
            let (ms, n) = walk(options);
            if run >= 2 {
                times[i].push(ms);
                files[i] = n;
            }
        }
    }
    for t in &mut times {
        t.sort_by(f64::total_cmp);
    }
    let (min0, med0) = (times[0][0], times[0][runs / 2]);
    eprintln!("{}: {runs} interleaved runs per variant", root.display());
    for (i, (name, _)) in variants.iter().enumerate() {
        let (min, med) = (times[i][0], times[i][runs / 2]);
        eprintln!(
            "{name:40} fastest {min:6.1} ms ({:+5.1}%)  median {med:6.1} ms ({:+5.1}%)  {} files",
            100.0 * (min / min0 - 1.0),
            100.0 * (med / med0 - 1.0),
            files[i]
        );
    }
}
