//! The JavaScript face of the native core: a thin layer that converts arguments,
//! calls the kernel or the reader, and converts results back.
//!
//! Every export runs inside `guard` (`crate::napi`, which has the Node-API environment and
//! its soundness rules), which turns Rust errors and panics into thrown JS errors: no panic
//! ever unwinds into Node. Counters, streaming scanners and walkers live in `napi_external`
//! boxes that V8 frees with the JS object, so there is no global state and any number of
//! worker threads can use the addon at once. The exports are grouped by what they face:
//! `counter` (the kernel: counters and streaming scanners), `reader` (files in batches),
//! `walker` (directory walks).
//!
//! # File errors
//!
//! A path that fails — in `scanBatch`'s `errors`, `scanFiles`' `error`, `walkNext`'s
//! `errors` — is reported as one plain object:
//!
//! ```text
//! { index: number            // scanBatch: the path's position in the batch
//!   path: string             // walkNext: the path as displayed (scanFiles: on the record)
//!   errno: number            // the raw, positive OS errno (ENOENT is 2 on Linux); 0 if `code` is set
//!   code: string             // our own code when there is no errno ('ESHRUNK', 'EIO'); '' if `errno` is set
//!   message: string }        // strerror's text without " (os error N)", or our own words
//! ```
//!
//! Conditions the reader or walker detects itself but that the OS names carry the OS's
//! errno with our message: a directory given as a file (`EISDIR`, "is a directory"), a
//! followed link back to a directory being walked (`ELOOP`). JS names an errno with
//! `util.getSystemErrorName(-errno)`.
//!
//! # Paths
//!
//! Every path that crosses — `scanBatch`/`scanFiles` paths and `cwd`, `createWalker`'s
//! `display` and `root`, what `walkNext` returns — is a string in which a name that is not
//! UTF-8 has each stray byte as the lone surrogate `U+DC00 + byte` ([`crate::path_text`]):
//! such files are found, opened and reported without loss.
//!
//! # Every hit
//!
//! With `maxHits` (a positive integer) among the read options, each counter lists every
//! hit — one per segment that reaches its threshold — up to `maxHits` per file. An
//! evaluation object (`evaluate`, `scannerFinish`, `scanFiles`) then has `hits`, a
//! `Float64Array` of (offset, line) pairs, and `hitsTruncated`; `scanBatch` returns them
//! in bulk as `hits` ([`crate::wire`]). `evaluate` and `createScanner` take `maxHits` as
//! their last argument.
//!
//! # Walker options
//!
//! `createWalker(display, root, hidden, follow, options?)` walks as ripgrep does
//! (`crate::walker`: the `ignore` crate's walker). `options` is `undefined`, `null` or an
//! object; each member may be absent, `undefined` or `null` for its default:
//!
//! ```text
//! { ignoreFiles?: boolean    // default true: apply .gitignore (inside a git repository,
//!                            // parents up to its root included), .git/info/exclude, git's
//!                            // core.excludesFile, .ignore and .rgignore; false = --no-ignore
//!   vcsIgnoreFiles?: boolean // default true: with ignoreFiles, the version-control ones
//!                            // (.gitignore, .git/info/exclude, core.excludesFile) apply
//!                            // too; false = --no-ignore-vcs
//!   extraIgnoreFiles?: string[] // --ignore-file: more ignore files (gitignore's format),
//!                            // lowest precedence first, below every other ignore file; they
//!                            // apply without ignoreFiles too; their globs are matched as
//!                            // the walk's paths are made, from the root's absolute path
//!                            // (the library first makes rules with a '/' relative to cwd)
//!   globs?: string[]         // ripgrep's -g, in order: 'glob' includes, '!glob' excludes; the
//!                            // last match wins; with any include, unmatched files are left
//!                            // out (directories are not); a glob without '/' matches a name
//!                            // at any depth, one with '/' a path relative to `cwd`
//!   iglobs?: string[]        // --iglob: the same, case-insensitive, after `globs`
//!   excludes?: string[]      // --exclude: '!glob's after `iglobs`, so that no glob brings
//!                            // back what they leave out
//!   cwd?: string             // the working directory: globs with a '/' are matched relative
//!                            // to it, as ripgrep's (default: the root)
//!   types?: string[]         // -t/-T file types as globs on a file's name, in the order the
//!                            // types were given: 'glob' selects, '!glob' excludes; the last
//!                            // match wins; with any selection, unmatched files are left out;
//!                            // applied after ignore files, never to directories
//!   maxDepth?: number        // --max-depth: 1 = the root's own entries, 0 = nothing
//!   filesOnly?: boolean      // --files: only regular files (through followed links), the
//!                            // paths a scan reads, as `rg --files` lists them
//!   maxFilesize?: number }   // leave out files larger than this (with `filesOnly`)
//! ```
//!
//! A glob match overrides ignore files and the hidden rule (as in ripgrep: `-g '*.rs'`
//! reports `.x.rs`, and a gitignored `y.rs`, but enters no hidden or ignored directory the
//! glob does not match), and so does a negation in an ignore file (`!.github/`). A wrong
//! type throws a `TypeError` ("options.globs[1] must be a string"); a glob that does not
//! parse (`[a`, `{a`, `a\`, `[z-a]`) or a `maxDepth` that is not an integer from 0 to
//! 2^53-1 throws a `RangeError` naming the option ("options.globs[1] is not a valid glob
//! ("[a"): unclosed character class; missing ']'", globset's words).

mod counter;
mod reader;
mod walker;

use crate::napi::*;
use std::ffi::CString;
use std::ptr;

/// Node calls this when the addon is loaded (once per thread that loads it). Exports
/// `kernels, createCounter, hasCount, evaluate, seedHasCount, createScanner, scannerFeed,
/// scannerFinish, scanFiles, scanBatch, createWalker, walkNext`, and `panicForTest` only
/// when the environment has `CHARCOUNT_TEST_HOOKS=1`.
///
/// # Safety
/// SAFETY: only Node may call it, on the loading thread, with that thread's env and the
/// module's `exports` object.
#[no_mangle]
pub unsafe extern "C" fn napi_register_module_v1(env: napi_env, exports: napi_value) -> napi_value {
    let mut table: Vec<(&str, napi_callback)> = vec![
        ("kernels", counter::kernels),
        ("createCounter", counter::create_counter),
        ("hasCount", counter::has_count),
        ("evaluate", counter::evaluate),
        ("seedHasCount", counter::seed_has_count),
        ("createScanner", counter::create_scanner),
        ("scannerFeed", counter::scanner_feed),
        ("scannerFinish", counter::scanner_finish),
        ("scanFiles", reader::scan_files),
        ("scanBatch", reader::scan_batch),
        ("createWalker", walker::create_walker),
        ("walkNext", walker::walk_next),
    ];
    // Test hooks only where the test suite asks for them, read when the module registers
    // (in each thread that loads it) from the process environment.
    if std::env::var("CHARCOUNT_TEST_HOOKS").as_deref() == Ok("1") {
        table.push(("panicForTest", counter::panic_for_test));
    }
    let register = |env: Env| {
        for (name, cb) in table {
            let cname = CString::new(name).unwrap();
            let f = out!(env, napi_create_function(cname.as_ptr(), name.len(), cb, ptr::null_mut()));
            env.set(exports, name, f)?;
        }
        Ok(exports)
    };
    // SAFETY: Node's env for this registration (see above).
    unsafe { guard(env, register) }
}
