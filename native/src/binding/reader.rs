//! The reader's exports: `scanFiles` and `scanBatch`, a batch of files a call.

use super::counter::{histogram_flag, hit_limit};
use crate::batch;
use crate::decode::Encoding;
use crate::napi::*;
use crate::path_text;
use crate::reader::{FileRecord, Outcome, PathHints, ReadOptions, Reader};
use std::ffi::{c_void, OsString};
use std::os::unix::ffi::OsStringExt;
use std::ptr;
use std::sync::atomic::{AtomicI32, Ordering};

/// Where a batch reads its cancellation flag (see [`Env::cancel_flag`]).
enum Cancel<'a> {
    /// Element 0 of an Int32Array over a SharedArrayBuffer.
    Shared(&'a AtomicI32),
    /// The value the flag had when the call began (no flag: 0).
    Snapshot(AtomicI32),
}

impl Cancel<'_> {
    fn flag(&self) -> &AtomicI32 {
        match self {
            Cancel::Shared(flag) => flag,
            Cancel::Snapshot(flag) => flag,
        }
    }
}

impl Env {
    /// `options.cancel`: an `Int32Array` (length >= 1) whose element 0 cancels the batch
    /// once non-zero. Over a `SharedArrayBuffer` it is read live, so another thread can
    /// set it during the call; over a plain `ArrayBuffer` no other thread can, and JS on
    /// this one could detach it, so its value now is all there is to read.
    fn cancel_flag<'a>(self, v: napi_value) -> JsResult<Cancel<'a>> {
        let wrong = |why: &str| JsError::Type(format!("cancel must be an Int32Array of length >= 1 ({why})"));
        let is_typed: bool = out!(self, napi_is_typedarray(v));
        if !is_typed {
            return Err(wrong("not a typed array"));
        }
        let (mut kind, mut len, mut data) = (0i32, 0usize, ptr::null_mut::<c_void>());
        let (mut buffer, mut byte_offset) = (ptr::null_mut(), 0usize);
        // SAFETY: live env and handle, checked to be a typed array; every out-pointer is a
        // local.
        check(unsafe {
            napi_get_typedarray_info(self.raw(), v, &mut kind, &mut len, &mut data, &mut buffer, &mut byte_offset)
        })?;
        if kind != NAPI_INT32_ARRAY {
            return Err(wrong("another kind of typed array"));
        }
        if len == 0 || data.is_null() {
            return Err(wrong("empty or detached"));
        }
        if !data.cast::<AtomicI32>().is_aligned() {
            return Err(wrong("misaligned"));
        }
        let flag = data.cast::<AtomicI32>();
        let is_plain_buffer: bool = out!(self, napi_is_arraybuffer(buffer));
        if is_plain_buffer {
            // SAFETY: `flag` points to element 0 of a live, attached Int32Array (checked
            // above), aligned for `AtomicI32`, which has the size and bit validity of
            // `i32`; no other thread can reach a non-shared buffer.
            return Ok(Cancel::Snapshot(AtomicI32::new(unsafe { (*flag).load(Ordering::Relaxed) })));
        }
        // SAFETY: `flag` is element 0 (checked: length >= 1) of an Int32Array over a
        // SharedArrayBuffer, 4-aligned (checked), and `AtomicI32` has the size, alignment
        // and bit validity of `i32`. The typed array's handle lives in this callback's scope,
        // which keeps the array and its buffer alive until the synchronous call returns, and
        // a SharedArrayBuffer can be neither detached nor shrunk, so the reference stays
        // valid while it is used (within `scan_paths`). Other threads write it with
        // `Atomics.store`, or with plain JS stores, which V8 performs as whole 4-byte writes.
        Ok(Cancel::Shared(unsafe { &*flag }))
    }
}

fn read_options(env: Env, v: napi_value) -> JsResult<ReadOptions> {
    let mut o = ReadOptions::default();
    if env.is_nullish(v)? {
        return Ok(o);
    }
    let flag = |name: &str| -> JsResult<bool> { env.optional(v, name)?.map_or(Ok(false), |x| env.boolean(x)) };
    o.full = flag("full")?;
    o.read_only = flag("readOnly")?;
    o.scan_binary = flag("scanBinary")?;
    o.follow = flag("follow")?;
    o.max_filesize = optional_count(env, v, "maxFilesize")?;
    o.hit_limit = hit_limit(env, env.get(v, "maxHits")?)?;
    o.histogram = histogram_flag(env, env.get(v, "histogram")?, o.hit_limit)?;
    if let Some(n) = optional_count(env, v, "chunkSize")? {
        o.chunk_size = (n as usize).clamp(1, 64 << 20);
    }
    if let Some(encoding) = env.optional(v, "encoding")? {
        let name = env.string(encoding)?;
        o.encoding = Encoding::from_name(&name).ok_or_else(|| {
            JsError::Range(format!("encoding must be 'utf-8', 'utf-16le' or 'utf-16be', got {name:?}"))
        })?;
    }
    if let Some(sniff) = env.optional(v, "bomSniff")? {
        o.bom_sniff = env.boolean(sniff)?;
    }
    Ok(o)
}

/// `options[name]`: absent (or no options), or a non-negative integer.
fn optional_count(env: Env, options: napi_value, name: &str) -> JsResult<Option<u64>> {
    let Some(x) = env.optional(options, name)? else {
        return Ok(None);
    };
    let n = env.double(x)?;
    if !(n >= 0.0 && n.fract() == 0.0) {
        return Err(JsError::Range(format!("{name} must be a non-negative integer, got {n}")));
    }
    Ok(Some(n as u64))
}

/// The paths of a batch: an array of strings (their JS values kept, to be reused in
/// records), or one string of NUL-separated paths — one conversion for a whole batch. A
/// joined string holds exactly the paths JS's `joined.split('\0')` gives: `''` is one empty
/// path (which fails like a missing file), not zero paths.
fn path_list(env: Env, paths: napi_value) -> JsResult<(Vec<OsString>, Vec<napi_value>)> {
    if env.type_of(paths)? == NAPI_STRING {
        let joined = path_text::from_units(&env.units(paths)?);
        return Ok((joined.split(|&b| b == 0).map(|p| OsString::from_vec(p.to_vec())).collect(), Vec::new()));
    }
    let n = env.array_length(paths)?;
    let mut list = Vec::with_capacity(n as usize);
    let mut values = Vec::with_capacity(n as usize);
    for i in 0..n {
        let v = env.element(paths, i)?;
        if env.type_of(v)? != NAPI_STRING {
            return Err(JsError::Type(format!("paths[{i}] must be a string")));
        }
        list.push(env.path(v)?);
        values.push(v);
    }
    Ok((list, values))
}

/// Reads the batch arguments shared by `scanFiles` and `scanBatch`, then scans each path
/// in order (relative ones against `options.cwd` when given; `options.hints[i]` holds
/// path i's `PathHints` bits), stopping early once `budgetBytes` have been read or
/// `budgetHits` hits listed, or as
/// soon as `options.cancel[0]` is non-zero (the file being read then has no record).
/// `each` gets the path's JS value when there is one.
fn scan_paths(
    env: Env,
    info: napi_callback_info,
    mut each: impl FnMut(u32, Option<napi_value>, FileRecord, usize) -> JsResult<()>,
) -> JsResult<ReadOptions> {
    let [paths, counters, options] = env.args::<3>(info)?;
    let n_counters = env.array_length(counters)?;
    let configs = (0..n_counters).map(|i| env.counter(env.element(counters, i)?)).collect::<JsResult<Vec<_>>>()?;
    if configs.is_empty() {
        return Err(JsError::Type("counters must hold at least one counter".into()));
    }
    let opts = read_options(env, options)?;
    // Copied: the scan below makes calls that may run JS, which could detach its buffer.
    let hints = match env.optional(options, "hints")? {
        Some(h) => env.input_bytes(h)?.into_vec(),
        None => Vec::new(),
    };
    let cwd = match env.optional(options, "cwd")? {
        Some(c) => Some(std::path::PathBuf::from(env.path(c)?)),
        None => None,
    };
    let cancel = match env.optional(options, "cancel")? {
        Some(c) => env.cancel_flag(c)?,
        None => Cancel::Snapshot(AtomicI32::new(0)),
    };
    let budget = optional_count(env, options, "budgetBytes")?;
    // `stopAtBytes`: a hard budget — a file whose reading would pass it is abandoned (no
    // record) and ends the batch, even the first; `budgetBytes` only ends it between files.
    let stop_at = optional_count(env, options, "stopAtBytes")?;
    // `budgetHits`: as `budgetBytes`, for the hits listed (with `maxHits`): what a batch
    // holds in memory stays bounded however many hits its files have.
    let hit_budget = optional_count(env, options, "budgetHits")?;
    let mut hits = 0u64;
    let (list, values) = path_list(env, paths)?;
    let mut reader = Reader::new();
    let mut total = 0u64;
    for (i, path) in list.iter().enumerate() {
        // A batch ends early once it has read its byte budget, so one huge file never
        // holds the files queued behind it: the caller hands those to another worker.
        if budget.is_some_and(|b| total >= b) || hit_budget.is_some_and(|b| hits >= b) {
            break;
        }
        let path_hints = PathHints::from_bits(hints.get(i).copied().unwrap_or(0));
        let full_path = match &cwd {
            // `dir.join("")` would name the directory itself: an empty path stays empty.
            Some(dir) if !path.is_empty() => dir.join(path),
            _ => std::path::PathBuf::from(path),
        };
        // Cancelled (before this file or while reading it): the file has no record, and
        // the batch ends here, as when its budget runs out.
        let file_opts = ReadOptions { read_limit: stop_at.map(|s| s.saturating_sub(total)), ..opts };
        let Some(rec) = reader.scan_cancellable(&full_path, &configs, &file_opts, path_hints, cancel.flag()) else {
            break;
        };
        total += rec.bytes;
        if let Outcome::Scanned(evals) = &rec.outcome {
            hits += evals.iter().filter_map(|e| e.hits.as_ref()).map(|h| h.list.len() as u64).sum::<u64>();
        }
        each(i as u32, values.get(i).copied(), rec, configs.len())?;
    }
    Ok(opts)
}

// scanFiles(paths: string[], counters: External[], options?): FileRecord[]
//
// One call per batch: the whole batch is read and counted without crossing back into JS.
// Returns one record per path, in order — fewer than `paths` when `budgetBytes` ends it.
// A record is `{ path?, bytes, counters? | skipped? | error? }`; `error` is a file error
// `{ errno, code, message }` (see the module doc).
export!(scan_files, |env, info| {
    let out = env.array(0)?;
    scan_paths(env, info, |i, path_value, rec, _| {
        let o = env.object()?;
        if let Some(v) = path_value {
            env.set(o, "path", v)?;
        }
        env.set(o, "bytes", env.number(rec.bytes as f64)?)?;
        match rec.outcome {
            Outcome::Scanned(evals) => {
                let arr = env.array(evals.len())?;
                for (j, e) in evals.iter().enumerate() {
                    env.set_element(arr, j as u32, env.evaluation(e)?)?;
                }
                env.set(o, "counters", arr)?;
            }
            Outcome::Skipped(skip) => env.set(o, "skipped", env.str_value(skip.as_str())?)?,
            Outcome::Failed(err) => env.set(o, "error", env.error_object(&err)?)?,
        }
        env.set_element(out, i, o)
    })?;
    Ok(out)
});

// scanBatch(paths, counters, options?): { count, numbers: Float64Array, hits?: Float64Array, errors }
//
// `scanFiles` in a compact form for the worker pool: no object per file, one typed array
// that crosses threads cheaply, laid out as `crate::wire` says. `errors` holds
// `{ index, errno, code, message }` for each failed file (see the module doc). `count` is
// the number of paths answered: fewer than given when `budgetBytes` or `cancel` ended the
// batch (then `count` is the index of the first path without an answer). With `maxHits`,
// `hits` holds every file's hits, with `histogram` `histograms` every file's histograms
// (see `crate::wire`).
//
// Read options (both exports): `full`, `histogram`, `scanBinary`, `follow`, `readOnly` (booleans),
// `bomSniff` (boolean, default true: a byte-order mark decides the encoding), `encoding`
// (`'utf-8'`, the default, `'utf-16le'` or `'utf-16be'`: files without a mark),
// `maxFilesize`, `chunkSize`, `maxHits`, `budgetBytes`, `budgetHits` (integers), `cwd`
// (string), `hints`
// (Uint8Array, `wire::HINT_*` bits per path), and `cancel`: an Int32Array of length >= 1,
// normally over a SharedArrayBuffer; once another thread makes element 0 non-zero (e.g.
// `Atomics.store(cancel, 0, 1)`) the call stops before the next file or chunk and returns
// normally, without a record for the file it was reading.
export!(scan_batch, |env, info| {
    let mut numbers: Vec<f64> = Vec::new();
    let mut hits: Vec<f64> = Vec::new();
    let mut histograms: Vec<f64> = Vec::new();
    let errors = env.array(0)?;
    let mut n_errors = 0u32;
    let mut count = 0u32;
    let opts = scan_paths(env, info, |i, _path, rec, n_counters| {
        count = i + 1;
        batch::push_record(&mut numbers, &rec, n_counters);
        batch::push_hits(&mut hits, &rec);
        batch::push_histograms(&mut histograms, &rec);
        if let Outcome::Failed(err) = &rec.outcome {
            let e = env.error_object(err)?;
            env.set(e, "index", env.number(i as f64)?)?;
            env.set_element(errors, n_errors, e)?;
            n_errors += 1;
        }
        Ok(())
    })?;
    let o = env.object()?;
    env.set(o, "count", env.number(count as f64)?)?;
    env.set(o, "numbers", env.typed_array(NAPI_FLOAT64_ARRAY, &numbers)?)?;
    if opts.hit_limit.is_some() {
        env.set(o, "hits", env.typed_array(NAPI_FLOAT64_ARRAY, &hits)?)?;
    }
    if opts.histogram {
        env.set(o, "histograms", env.typed_array(NAPI_FLOAT64_ARRAY, &histograms)?)?;
    }
    env.set(o, "errors", errors)?;
    Ok(o)
});
