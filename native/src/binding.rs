//! The JavaScript face of the native core: a thin layer that converts arguments,
//! calls the kernel or the reader, and converts results back.
//!
//! Every export runs inside [`guard`], which turns Rust errors and panics into thrown JS
//! errors: no panic ever unwinds into Node. Counters, streaming scanners and walkers live
//! in `napi_external` boxes that V8 frees with the JS object, so there is no global state
//! and any number of worker threads can use the addon at once. Each external is type-tagged
//! with its kind when it is made, and the tag is checked before the box is touched, so a
//! forged or mismatched handle is a `TypeError`, never a wild pointer.
//!
//! # Soundness
//!
//! * An [`Env`] is made only by [`guard`], from the env Node passed to the running
//!   callback, and never outlives that callback; so every napi call runs on the JS thread,
//!   with handles (`napi_value`) of the callback's own scope, which keep their values alive
//!   until it returns.
//! * Memory borrowed from a JS typed array is used before any napi call that could run
//!   JS (a getter, setter or proxy trap could detach or shrink its buffer), or copied.
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
//!   globs?: string[]         // ripgrep's -g, in order: 'glob' includes, '!glob' excludes; the
//!                            // last match wins; with any include, unmatched files are left
//!                            // out (directories are not); a glob without '/' matches a name
//!                            // at any depth, one with '/' a path relative to `cwd`
//!   iglobs?: string[]        // --iglob: the same, case-insensitive, after `globs`
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

use crate::batch;
use crate::decode::Encoding;
use crate::kernel::{self, Config, Evaluation, Kernel, Reset, Scanner};
use crate::napi::*;
use crate::path_text;
use crate::reader::{FileError, FileRecord, Outcome, PathHints, ReadOptions, Reader};
use crate::walker::{self, Found, WalkOptions, Walker};
use std::ffi::{c_char, c_void, CString, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicI32, Ordering};

use std::ptr;

/// An error to throw in JS.
enum JsError {
    Type(String),
    Range(String),
    Error(String),
    /// A JS exception is already pending (a napi call failed); leave it be.
    Pending,
}

type JsResult<T> = Result<T, JsError>;

const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

fn check(status: napi_status) -> JsResult<()> {
    match status {
        NAPI_OK => Ok(()),
        NAPI_PENDING_EXCEPTION => Err(JsError::Pending),
        s => Err(JsError::Error(format!("Node-API call failed with status {s}"))),
    }
}

/// Thin safe wrappers over the raw calls, all bound to one `env`. Made only by [`guard`]
/// (see the module doc): it stands for "inside a callback, on the JS thread".
#[derive(Clone, Copy)]
struct Env(napi_env);

/// Calls a napi function whose last parameter is an out-pointer, and returns what it wrote.
macro_rules! out {
    ($env:expr, $call:ident ( $($arg:expr),* )) => {{
        let mut result = std::mem::MaybeUninit::uninit();
        // SAFETY: `$env` is a live `Env` (module doc); the arguments are its handles, or
        // pointers the caller keeps valid for the call; the out-pointer is writable.
        check(unsafe { $call($env.0, $($arg,)* result.as_mut_ptr()) })?;
        // SAFETY: the call returned `napi_ok` (`check`), so it wrote its result.
        unsafe { result.assume_init() }
    }};
}

impl Env {
    fn type_of(self, v: napi_value) -> JsResult<i32> {
        Ok(out!(self, napi_typeof(v)))
    }
    fn double(self, v: napi_value) -> JsResult<f64> {
        Ok(out!(self, napi_get_value_double(v)))
    }
    fn boolean(self, v: napi_value) -> JsResult<bool> {
        Ok(out!(self, napi_get_value_bool(v)))
    }
    fn string(self, v: napi_value) -> JsResult<String> {
        let len: usize = out!(self, napi_get_value_string_utf8(v, ptr::null_mut(), 0));
        let mut buf = vec![0u8; len + 1];
        let written: usize = out!(self, napi_get_value_string_utf8(v, buf.as_mut_ptr().cast(), len + 1));
        buf.truncate(written);
        // Node encodes lone surrogates as U+FFFD, so this is always valid UTF-8.
        String::from_utf8(buf).map_err(|_| JsError::Error("string is not valid UTF-8".into()))
    }
    /// A string's UTF-16 code units, lone surrogates included.
    fn units(self, v: napi_value) -> JsResult<Vec<u16>> {
        if self.type_of(v)? != NAPI_STRING {
            return Err(JsError::Type("expected a string".into()));
        }
        let len: usize = out!(self, napi_get_value_string_utf16(v, ptr::null_mut(), 0));
        let mut buf = vec![0u16; len + 1];
        let written: usize = out!(self, napi_get_value_string_utf16(v, buf.as_mut_ptr(), len + 1));
        buf.truncate(written);
        Ok(buf)
    }
    /// A path given as a string, as bytes (see "Paths" in the module doc).
    fn path(self, v: napi_value) -> JsResult<OsString> {
        Ok(OsString::from_vec(path_text::from_units(&self.units(v)?)))
    }
    /// A path as a string (see "Paths" in the module doc).
    fn path_value(self, path: &[u8]) -> JsResult<napi_value> {
        if let Ok(text) = std::str::from_utf8(path) {
            return self.str_value(text);
        }
        let mut units = Vec::with_capacity(path.len());
        path_text::to_units(path, &mut units);
        Ok(out!(self, napi_create_string_utf16(units.as_ptr(), units.len())))
    }
    fn get(self, obj: napi_value, name: &str) -> JsResult<napi_value> {
        let name = CString::new(name).unwrap();
        Ok(out!(self, napi_get_named_property(obj, name.as_ptr())))
    }
    fn set(self, obj: napi_value, name: &str, value: napi_value) -> JsResult<()> {
        let name = CString::new(name).unwrap();
        // SAFETY: live env and handles (module doc); `name` is a NUL-terminated string that
        // outlives the call.
        check(unsafe { napi_set_named_property(self.0, obj, name.as_ptr(), value) })
    }
    fn object(self) -> JsResult<napi_value> {
        Ok(out!(self, napi_create_object()))
    }
    fn array(self, len: usize) -> JsResult<napi_value> {
        Ok(out!(self, napi_create_array_with_length(len)))
    }
    fn set_element(self, arr: napi_value, i: u32, v: napi_value) -> JsResult<()> {
        // SAFETY: live env and handles (module doc).
        check(unsafe { napi_set_element(self.0, arr, i, v) })
    }
    fn element(self, arr: napi_value, i: u32) -> JsResult<napi_value> {
        Ok(out!(self, napi_get_element(arr, i)))
    }
    fn array_length(self, arr: napi_value) -> JsResult<u32> {
        let is_array: bool = out!(self, napi_is_array(arr));
        if !is_array {
            return Err(JsError::Type("expected an array".into()));
        }
        Ok(out!(self, napi_get_array_length(arr)))
    }
    fn str_value(self, s: &str) -> JsResult<napi_value> {
        Ok(out!(self, napi_create_string_utf8(s.as_ptr().cast(), s.len())))
    }
    fn number(self, x: f64) -> JsResult<napi_value> {
        Ok(out!(self, napi_create_double(x)))
    }
    fn bool_value(self, b: bool) -> JsResult<napi_value> {
        Ok(out!(self, napi_get_boolean(b)))
    }
    fn null(self) -> JsResult<napi_value> {
        Ok(out!(self, napi_get_null()))
    }
    fn opt_number(self, x: Option<u64>) -> JsResult<napi_value> {
        match x {
            Some(x) => self.number(x as f64),
            None => self.null(),
        }
    }
    fn is_nullish(self, v: napi_value) -> JsResult<bool> {
        let t = self.type_of(v)?;
        Ok(t == NAPI_UNDEFINED || t == NAPI_NULL)
    }

    /// Callback arguments, padded with `undefined` up to `N`.
    fn args<const N: usize>(self, info: napi_callback_info) -> JsResult<[napi_value; N]> {
        let mut argv = [ptr::null_mut(); N];
        let mut argc = N;
        // SAFETY: live env and `info` of the running callback; `argv` has room for `argc`
        // values, and Node writes at most that many.
        check(unsafe {
            napi_get_cb_info(self.0, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), ptr::null_mut())
        })?;
        let undefined = out!(self, napi_get_undefined());
        for a in argv.iter_mut().skip(argc) {
            *a = undefined;
        }
        Ok(argv)
    }

    /// The bytes of a string (as UTF-8) or of a `Uint8Array`/`Buffer`.
    fn input_bytes(self, v: napi_value) -> JsResult<Input> {
        if self.type_of(v)? == NAPI_STRING {
            return Ok(Input::Owned(self.string(v)?.into_bytes()));
        }
        let is_typed: bool = out!(self, napi_is_typedarray(v));
        if is_typed {
            let (mut kind, mut len, mut data) = (0i32, 0usize, ptr::null_mut::<c_void>());
            let (mut ab, mut byte_offset) = (ptr::null_mut(), 0usize);
            // SAFETY: live env and handle, checked to be a typed array; every out-pointer is
            // a local.
            check(unsafe {
                napi_get_typedarray_info(self.0, v, &mut kind, &mut len, &mut data, &mut ab, &mut byte_offset)
            })?;
            if kind == NAPI_UINT8_ARRAY {
                return Ok(Input::Borrowed(data.cast(), len));
            }
        }
        Err(JsError::Type("input must be a string or a Uint8Array".into()))
    }

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
            napi_get_typedarray_info(self.0, v, &mut kind, &mut len, &mut data, &mut buffer, &mut byte_offset)
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

    /// A new typed array of `kind` (whose element type is `T`) holding a copy of `items`.
    fn typed_array<T: Copy>(self, kind: i32, items: &[T]) -> JsResult<napi_value> {
        let mut data: *mut c_void = ptr::null_mut();
        let bytes = std::mem::size_of_val(items);
        let buffer: napi_value = out!(self, napi_create_arraybuffer(bytes, &mut data));
        if bytes > 0 {
            // SAFETY: `data` is the new buffer's `bytes` writable bytes, which no JS has seen
            // yet, and `items` is `bytes` readable bytes; copied as bytes, so no alignment
            // is assumed.
            unsafe { ptr::copy_nonoverlapping(items.as_ptr().cast::<u8>(), data.cast::<u8>(), bytes) };
        }
        Ok(out!(self, napi_create_typedarray(kind, items.len(), buffer, 0)))
    }

    /// A new `Float64Array` of `len` numbers, written from `items` into its buffer (no
    /// copy in between: hit lists can be large).
    fn f64_array(self, len: usize, items: impl Iterator<Item = f64>) -> JsResult<napi_value> {
        let mut data: *mut c_void = ptr::null_mut();
        let buffer: napi_value = out!(self, napi_create_arraybuffer(len * 8, &mut data));
        let slots = data.cast::<f64>();
        for (i, x) in items.take(len).enumerate() {
            // SAFETY: `data` is the new buffer's `len * 8` writable bytes, which no JS has
            // seen yet, and `i < len`; written unaligned, so no alignment is assumed.
            unsafe { slots.add(i).write_unaligned(x) };
        }
        Ok(out!(self, napi_create_typedarray(NAPI_FLOAT64_ARRAY, len, buffer, 0)))
    }

    fn evaluation(self, e: &Evaluation) -> JsResult<napi_value> {
        let o = self.object()?;
        self.set(o, "matched", self.bool_value(e.matched)?)?;
        self.set(o, "offset", self.opt_number(e.offset)?)?;
        self.set(o, "line", self.opt_number(e.line)?)?;
        if let Some(n) = e.occurrences {
            self.set(o, "occurrences", self.number(n as f64)?)?;
        }
        if let Some(n) = e.segments {
            self.set(o, "segments", self.number(n as f64)?)?;
        }
        if let Some(hits) = &e.hits {
            let pairs = hits.list.iter().flat_map(|h| [h.offset as f64, h.line as f64]);
            self.set(o, "hits", self.f64_array(2 * hits.list.len(), pairs)?)?;
            self.set(o, "hitsTruncated", self.bool_value(hits.truncated)?)?;
        }
        if let Some(histogram) = &e.histogram {
            let pairs = histogram.iter().flat_map(|&(k, n)| [k as f64, n as f64]);
            self.set(o, "histogram", self.f64_array(2 * histogram.len(), pairs)?)?;
        }
        Ok(o)
    }

    /// A new external owning `value`, tagged as a `T` handle.
    fn external<T: Handle>(self, value: T) -> JsResult<napi_value> {
        /// SAFETY: Node calls this once, when the external is collected, with the pointer
        /// `Box::into_raw` gave below; nothing else frees it.
        unsafe extern "C" fn finalize<T>(_env: napi_env, data: *mut c_void, _hint: *mut c_void) {
            // SAFETY: see the function's comment: `data` is our `Box<T>`, freed only here.
            drop(unsafe { Box::from_raw(data.cast::<T>()) });
        }
        let data = Box::into_raw(Box::new(value)).cast::<c_void>();
        let v = out!(self, napi_create_external(data, Some(finalize::<T>), ptr::null_mut()));
        // SAFETY: live env, and `v` the external just made; the tag is a static.
        check(unsafe { napi_type_tag_object(self.0, v, &T::TAG) })?;
        Ok(v)
    }

    /// The `T` behind a handle made by [`Env::external`], or a `TypeError`.
    fn handle<'a, T: Handle>(self, v: napi_value) -> JsResult<&'a mut T> {
        let wrong = || JsError::Type(format!("expected a {} native handle (from {})", T::NAME, T::MADE_BY));
        if self.type_of(v)? != NAPI_EXTERNAL {
            return Err(wrong());
        }
        let tagged: bool = out!(self, napi_check_object_type_tag(v, &T::TAG));
        if !tagged {
            return Err(wrong());
        }
        let data: *mut c_void = out!(self, napi_get_value_external(v));
        // SAFETY: only `Env::external::<T>` tags an external with `T::TAG` (the tags are
        // distinct, and random enough that no other addon uses them), so `data` is the
        // `Box<T>` it leaked. The external is an argument of the running call, so the box
        // lives at least until the call returns. Exclusive: JS runs on this thread only
        // between our napi calls, and no export keeps a `&mut` across a call that can run
        // JS, nor takes two handles it mutates.
        Ok(unsafe { &mut *data.cast::<T>() })
    }

    fn counter(self, v: napi_value) -> JsResult<Config> {
        Ok(*self.handle::<Config>(v)?)
    }

    fn scanner<'a>(self, v: napi_value) -> JsResult<&'a mut Scanner> {
        self.handle::<Scanner>(v)
    }

    fn walker<'a>(self, v: napi_value) -> JsResult<&'a mut Walker> {
        self.handle::<Walker>(v)
    }

    /// `{ errno, code, message }`: see [`FileError`]; the caller adds `index` or `path`.
    fn error_object(self, err: &FileError) -> JsResult<napi_value> {
        let e = self.object()?;
        self.set(e, "errno", self.number(err.errno as f64)?)?;
        self.set(e, "code", self.str_value(err.code)?)?;
        self.set(e, "message", self.str_value(&err.message)?)?;
        Ok(e)
    }

    fn throw(self, e: JsError) {
        let (msg, throw) = match e {
            JsError::Pending => return,
            JsError::Type(m) => (m, napi_throw_type_error as ThrowFn),
            JsError::Range(m) => (m, napi_throw_range_error as ThrowFn),
            JsError::Error(m) => (m, napi_throw_error as ThrowFn),
        };
        let msg = CString::new(msg.replace('\0', " ")).unwrap();
        let mut pending = false;
        // SAFETY: live env (module doc); `msg` is NUL-terminated and outlives the calls; a
        // null `code` is allowed.
        unsafe {
            napi_is_exception_pending(self.0, &mut pending);
            if !pending {
                throw(self.0, ptr::null(), msg.as_ptr());
            }
        }
    }
}

/// `napi_throw_error` and its siblings.
/// SAFETY: to call, napi's contract: a live env, a nullable `code`, a NUL-terminated message.
type ThrowFn = unsafe extern "C" fn(napi_env, *const c_char, *const c_char) -> napi_status;

/// The bytes of an argument.
enum Input {
    Owned(Vec<u8>),
    /// `len` bytes of a JS typed array, whose handle is in the callback's scope: valid until
    /// JS next runs (see the module doc).
    Borrowed(*const u8, usize),
}

impl Input {
    fn as_slice(&self) -> &[u8] {
        match self {
            Input::Owned(v) => v,
            Input::Borrowed(_, 0) => &[],
            // SAFETY: Node gave this pointer and length for the typed array's bytes, which
            // stay put until JS runs again, and callers use the slice before that.
            Input::Borrowed(p, n) => unsafe { std::slice::from_raw_parts(*p, *n) },
        }
    }

    /// The bytes, copied: for input that must outlast calls that may run JS.
    fn into_vec(self) -> Vec<u8> {
        match self {
            Input::Owned(v) => v,
            borrowed => borrowed.as_slice().to_vec(),
        }
    }
}

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

/// What a JS handle can hold: an external of it is tagged with `TAG`.
trait Handle: 'static {
    /// The kind's 128-bit type tag (random, one per kind).
    const TAG: napi_type_tag;
    /// The kind's name in error messages.
    const NAME: &'static str;
    /// The export that makes it, for error messages.
    const MADE_BY: &'static str;
}

impl Handle for Config {
    const TAG: napi_type_tag = napi_type_tag { lower: 0x59bd_8a6c_e5c9_d490, upper: 0x05cf_d9ad_11aa_a7b6 };
    const NAME: &'static str = "counter";
    const MADE_BY: &'static str = "createCounter";
}

impl Handle for Scanner {
    const TAG: napi_type_tag = napi_type_tag { lower: 0xee67_1f37_b110_9988, upper: 0x374a_54ea_d9bd_9714 };
    const NAME: &'static str = "scanner";
    const MADE_BY: &'static str = "createScanner";
}

impl Handle for Walker {
    const TAG: napi_type_tag = napi_type_tag { lower: 0xbaac_6748_1182_6565, upper: 0x76b2_e974_e644_0009 };
    const NAME: &'static str = "walker";
    const MADE_BY: &'static str = "createWalker";
}

/// Runs an export's body, converting errors and panics into JS exceptions.
///
/// # Safety
/// SAFETY: `env` must be the env Node passed to the running callback (or module
/// registration), on its thread: the [`Env`] made here relies on it.
unsafe fn guard(env: napi_env, body: impl FnOnce(Env) -> JsResult<napi_value>) -> napi_value {
    let env = Env(env);
    match catch_unwind(AssertUnwindSafe(|| body(env))) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            env.throw(e);
            ptr::null_mut()
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            env.throw(JsError::Error(format!("charcount native core panicked: {what}")));
            ptr::null_mut()
        }
    }
}

/// Defines an export: a `napi_callback` that runs `$body` inside [`guard`].
macro_rules! export {
    ($name:ident, |$env:ident, $info:ident| $body:expr) => {
        /// SAFETY: a `napi_callback`: Node calls it on the JS thread with the env and info
        /// of the call, which is what `guard` needs.
        unsafe extern "C" fn $name(env: napi_env, info: napi_callback_info) -> napi_value {
            let body = |$env: Env| {
                let $info = info;
                $body
            };
            // SAFETY: see above.
            unsafe { guard(env, body) }
        }
    };
}

// kernels(): string[] — the back ends this CPU runs, fastest first.
export!(kernels, |env, _info| {
    let list = Kernel::available();
    let arr = env.array(list.len())?;
    for (i, k) in list.iter().enumerate() {
        env.set_element(arr, i as u32, env.str_value(k.name())?)?;
    }
    Ok(arr)
});

// createCounter(what: string, min: number, reset: number, kernel?: string): External
export!(create_counter, |env, info| {
    let [what, min, reset, kernel] = env.args::<4>(info)?;
    if env.type_of(what)? != NAPI_STRING {
        return Err(JsError::Type("what must be a string".into()));
    }
    let what_s = env.string(what)?;
    let mut chars = what_s.chars();
    let what = match (chars.next(), chars.next()) {
        (Some(c), None) => c,
        _ => return Err(JsError::Type(format!("what must be exactly one character, got {what_s:?}"))),
    };
    let min = env.double(min)?;
    if !((0.0..=MAX_SAFE_INTEGER).contains(&min) && min.fract() == 0.0) {
        return Err(JsError::Range(format!("min must be an integer from 0 to 2^53-1, got {min}")));
    }
    let reset_code = env.double(reset)?;
    let reset = Reset::from_code(reset_code as u32)
        .filter(|_| reset_code.fract() == 0.0 && reset_code >= 0.0)
        .ok_or_else(|| JsError::Range(format!("reset must be 0, 1 or 2, got {reset_code}")))?;
    let mut config = Config::new(what, min as u64, reset);
    if !env.is_nullish(kernel)? {
        let name = env.string(kernel)?;
        config.kernel = Kernel::by_name(&name).ok_or_else(|| {
            let names: Vec<_> = Kernel::available().iter().map(|k| k.name()).collect();
            JsError::Range(format!("kernel {name:?} is not available here (available: {})", names.join(", ")))
        })?;
    }
    env.external(config)
});

// hasCount(counter, input: string | Uint8Array): boolean
export!(has_count, |env, info| {
    let [counter, input] = env.args::<2>(info)?;
    let config = env.counter(counter)?;
    let input = env.input_bytes(input)?;
    env.bool_value(kernel::has_count(config, input.as_slice()))
});

// evaluate(counter, input, full: boolean, maxHits?: number, histogram?: boolean): Evaluation
export!(evaluate, |env, info| {
    let [counter, input, full, max_hits, histogram] = env.args::<5>(info)?;
    let config = env.counter(counter)?;
    let full = env.boolean(full)?;
    let limit = hit_limit(env, max_hits)?;
    let histogram = histogram_flag(env, histogram, limit)?;
    let input = env.input_bytes(input)?;
    let e = match limit {
        _ if histogram => kernel::evaluate_histogram(config, input.as_slice()),
        Some(limit) => kernel::evaluate_hits(config, input.as_slice(), full, limit),
        None => kernel::evaluate(config, input.as_slice(), full),
    };
    env.evaluation(&e)
});

/// `histogram`: absent (false) or a boolean; a histogram scan lists no hits.
fn histogram_flag(env: Env, v: napi_value, hit_limit: Option<u64>) -> JsResult<bool> {
    if env.is_nullish(v)? {
        return Ok(false);
    }
    if env.type_of(v)? != NAPI_BOOLEAN {
        return Err(JsError::Type("histogram must be a boolean".into()));
    }
    let histogram = env.boolean(v)?;
    if histogram && hit_limit.is_some() {
        return Err(JsError::Type("histogram and maxHits cannot be combined".into()));
    }
    Ok(histogram)
}

/// `maxHits`: absent (`undefined`/`null`: the first hit only) or an integer from 1 to 2^53-1.
fn hit_limit(env: Env, v: napi_value) -> JsResult<Option<u64>> {
    if env.is_nullish(v)? {
        return Ok(None);
    }
    let n = env.double(v)?;
    if !((1.0..=MAX_SAFE_INTEGER).contains(&n) && n.fract() == 0.0) {
        return Err(JsError::Range(format!("maxHits must be an integer from 1 to 2^53-1, got {n}")));
    }
    Ok(Some(n as u64))
}

// seedHasCount(counter, input): boolean — the seed's char-by-char loop, for the benchmark.
export!(seed_has_count, |env, info| {
    let [counter, input] = env.args::<2>(info)?;
    let config = env.counter(counter)?;
    let input = env.input_bytes(input)?;
    let text = std::str::from_utf8(input.as_slice())
        .map_err(|_| JsError::Type("seedHasCount takes valid UTF-8 only".into()))?;
    let what = std::str::from_utf8(config.needle.as_bytes()).unwrap().chars().next().unwrap();
    env.bool_value(kernel::seed_has_count(what, config.min, config.reset, text))
});

// createScanner(counter, full: boolean, maxHits?: number, histogram?: boolean): External
export!(create_scanner, |env, info| {
    let [counter, full, max_hits, histogram] = env.args::<4>(info)?;
    let config = env.counter(counter)?;
    let full = env.boolean(full)?;
    let limit = hit_limit(env, max_hits)?;
    let scanner = match limit {
        _ if histogram_flag(env, histogram, limit)? => Scanner::histogram(config),
        Some(limit) => Scanner::collecting(config, full, limit),
        None => Scanner::new(config, full),
    };
    env.external(scanner)
});

// scannerFeed(scanner, chunk: string | Uint8Array): boolean (true once the answer is known)
export!(scanner_feed, |env, info| {
    let [scanner, chunk] = env.args::<2>(info)?;
    let chunk = env.input_bytes(chunk)?;
    let done = env.scanner(scanner)?.feed(chunk.as_slice());
    env.bool_value(done)
});

// scannerFinish(scanner, asciiWidth?: number): Evaluation — `asciiWidth`: bytes an ASCII
// character takes in what was fed (1 unless transcoded with padded units; see
// `Scanner::set_reset_width`).
export!(scanner_finish, |env, info| {
    let [scanner, width] = env.args::<2>(info)?;
    let scanner = env.scanner(scanner)?;
    if let Some(width) = optional_width(env, width)? {
        scanner.set_reset_width(width);
    }
    let e = scanner.finish();
    env.evaluation(&e)
});

// panicForTest(): never returns — proves that a panic becomes a JS Error, not an abort.
// Exported only when CHARCOUNT_TEST_HOOKS=1 is set as the module registers.
export!(panic_for_test, |_env, _info| {
    if std::hint::black_box(true) {
        panic!("deliberate panic for the test suite");
    }
    Err(JsError::Pending)
});

fn read_options(env: Env, v: napi_value) -> JsResult<ReadOptions> {
    let mut o = ReadOptions::default();
    if env.is_nullish(v)? {
        return Ok(o);
    }
    let flag = |name: &str| -> JsResult<bool> {
        let x = env.get(v, name)?;
        if env.is_nullish(x)? {
            Ok(false)
        } else {
            env.boolean(x)
        }
    };
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
    let encoding = env.get(v, "encoding")?;
    if !env.is_nullish(encoding)? {
        let name = env.string(encoding)?;
        o.encoding = Encoding::from_name(&name).ok_or_else(|| {
            JsError::Range(format!("encoding must be 'utf-8', 'utf-16le' or 'utf-16be', got {name:?}"))
        })?;
    }
    let sniff = env.get(v, "bomSniff")?;
    if !env.is_nullish(sniff)? {
        o.bom_sniff = env.boolean(sniff)?;
    }
    Ok(o)
}

/// `asciiWidth`: absent, or an integer from 1 to 8.
fn optional_width(env: Env, v: napi_value) -> JsResult<Option<u64>> {
    if env.is_nullish(v)? {
        return Ok(None);
    }
    let n = env.double(v)?;
    if !((1.0..=8.0).contains(&n) && n.fract() == 0.0) {
        return Err(JsError::Range(format!("asciiWidth must be an integer from 1 to 8, got {n}")));
    }
    Ok(Some(n as u64))
}

/// `options[name]`: absent, or a non-negative integer.
fn optional_count(env: Env, options: napi_value, name: &str) -> JsResult<Option<u64>> {
    let x = env.get(options, name)?;
    if env.is_nullish(x)? {
        return Ok(None);
    }
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
    let (budget, hints, cwd, cancel) = if env.is_nullish(options)? {
        (None, Vec::new(), None, Cancel::Snapshot(AtomicI32::new(0)))
    } else {
        let hints = env.get(options, "hints")?;
        // Copied: the scan below makes calls that may run JS, which could detach its buffer.
        let hints = if env.is_nullish(hints)? { Vec::new() } else { env.input_bytes(hints)?.into_vec() };
        let cwd = env.get(options, "cwd")?;
        let cwd = if env.is_nullish(cwd)? { None } else { Some(std::path::PathBuf::from(env.path(cwd)?)) };
        let cancel = env.get(options, "cancel")?;
        let cancel =
            if env.is_nullish(cancel)? { Cancel::Snapshot(AtomicI32::new(0)) } else { env.cancel_flag(cancel)? };
        (optional_count(env, options, "budgetBytes")?, hints, cwd, cancel)
    };
    // `stopAtBytes`: a hard budget — a file whose reading would pass it is abandoned (no
    // record) and ends the batch, even the first; `budgetBytes` only ends it between files.
    let stop_at = if env.is_nullish(options)? { None } else { optional_count(env, options, "stopAtBytes")? };
    // `budgetHits`: as `budgetBytes`, for the hits listed (with `maxHits`): what a batch
    // holds in memory stays bounded however many hits its files have.
    let hit_budget = if env.is_nullish(options)? { None } else { optional_count(env, options, "budgetHits")? };
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

// createWalker(display: string, root: string, hidden: boolean, follow: boolean, options?): External
//
// `options` (see the module doc): `{ ignoreFiles?, globs?, iglobs?, cwd?, types?, maxDepth?,
// filesOnly?, maxFilesize? }`. Nothing is read until the first `walkNext`.
export!(create_walker, |env, info| {
    let [display, root, hidden, follow, options] = env.args::<5>(info)?;
    let root: std::path::PathBuf = env.path(root)?.into();
    let options = walk_options(env, options, &root)?;
    let walker = Walker::new(env.path(display)?, root, env.boolean(hidden)?, env.boolean(follow)?, options);
    env.external(walker)
});

/// `createWalker`'s `options`, validated: a wrong type is a `TypeError`, a glob that does
/// not parse or a bad `maxDepth` a `RangeError`, each naming the option.
fn walk_options(env: Env, v: napi_value, root: &std::path::Path) -> JsResult<WalkOptions> {
    let mut o = WalkOptions::default();
    if env.is_nullish(v)? {
        return Ok(o);
    }
    if env.type_of(v)? != NAPI_OBJECT {
        return Err(JsError::Type("createWalker options must be an object".into()));
    }
    let flag = |name: &str| -> JsResult<Option<bool>> {
        let x = env.get(v, name)?;
        if env.is_nullish(x)? {
            return Ok(None);
        }
        if env.type_of(x)? != NAPI_BOOLEAN {
            return Err(JsError::Type(format!("options.{name} must be a boolean")));
        }
        Ok(Some(env.boolean(x)?))
    };
    if let Some(b) = flag("ignoreFiles")? {
        o.ignore_files = b;
    }
    o.files_only = flag("filesOnly")?.unwrap_or(false);
    let strings = |name: &str| -> JsResult<Vec<String>> {
        let list = env.get(v, name)?;
        if env.is_nullish(list)? {
            return Ok(Vec::new());
        }
        let is_array: bool = out!(env, napi_is_array(list));
        if !is_array {
            return Err(JsError::Type(format!("options.{name} must be an array of strings")));
        }
        let n = env.array_length(list)?;
        let mut out = Vec::with_capacity(n as usize);
        for i in 0..n {
            let s = env.element(list, i)?;
            if env.type_of(s)? != NAPI_STRING {
                return Err(JsError::Type(format!("options.{name}[{i}] must be a string")));
            }
            out.push(env.string(s)?);
        }
        Ok(out)
    };
    let (globs, iglobs) = (strings("globs")?, strings("iglobs")?);
    let cwd = env.get(v, "cwd")?;
    let cwd = if env.is_nullish(cwd)? {
        None
    } else if env.type_of(cwd)? != NAPI_STRING {
        return Err(JsError::Type("options.cwd must be a string".into()));
    } else {
        Some(std::path::PathBuf::from(env.path(cwd)?))
    };
    let invalid = |e: walker::GlobError| {
        JsError::Range(format!("options.{}[{}] is not a valid glob ({:?}): {}", e.list, e.index, e.glob, e.message))
    };
    o.overrides = walker::overrides(cwd.as_deref().unwrap_or(root), &globs, &iglobs).map_err(invalid)?;
    o.types = walker::types(&strings("types")?).map_err(invalid)?;
    let max_depth = env.get(v, "maxDepth")?;
    if !env.is_nullish(max_depth)? {
        if env.type_of(max_depth)? != NAPI_NUMBER {
            return Err(JsError::Type("options.maxDepth must be a number".into()));
        }
        let n = env.double(max_depth)?;
        if !((0.0..=MAX_SAFE_INTEGER).contains(&n) && n.fract() == 0.0) {
            return Err(JsError::Range(format!("options.maxDepth must be an integer from 0 to 2^53-1, got {n}")));
        }
        o.max_depth = Some(n as usize);
    }
    let max_filesize = env.get(v, "maxFilesize")?;
    if !env.is_nullish(max_filesize)? {
        if env.type_of(max_filesize)? != NAPI_NUMBER {
            return Err(JsError::Type("options.maxFilesize must be a number".into()));
        }
        let n = env.double(max_filesize)?;
        if !((0.0..=MAX_SAFE_INTEGER).contains(&n) && n.fract() == 0.0) {
            return Err(JsError::Range(format!("options.maxFilesize must be an integer from 0 to 2^53-1, got {n}")));
        }
        o.max_filesize = Some(n as u64);
    }
    Ok(o)
}

// walkNext(walker, max: number): { files, regular, errors, done } — `files` is up to `max`
// NUL-separated paths ('' when there are none), `regular[i]` is 1 where `readdir` said
// file i is a regular file, `errors` the paths that failed as `{ path, errno, code,
// message }` (see the module doc). One string a call, not one object a file: the walk of
// a large tree is dominated by what crosses into JS.
export!(walk_next, |env, info| {
    let [walker, max] = env.args::<2>(info)?;
    let max = env.double(max)?.clamp(1.0, 1e6) as usize;
    // Done with the walker before any call that may run JS (a setter could call walkNext).
    let walker = env.walker(walker)?;
    let found = walker.next(max);
    let done = walker.is_done();
    let mut files = Vec::new();
    let mut regular = Vec::new();
    let errors = env.array(0)?;
    let mut n_errors = 0;
    for f in &found {
        match f {
            Found::File(path, is_regular) => {
                if !regular.is_empty() {
                    files.push(0);
                }
                files.extend_from_slice(path.as_bytes());
                regular.push(*is_regular as u8);
            }
            Found::Failed(path, err) => {
                let e = env.error_object(err)?;
                env.set(e, "path", env.path_value(path.as_bytes())?)?;
                env.set_element(errors, n_errors, e)?;
                n_errors += 1;
            }
        }
    }
    let o = env.object()?;
    env.set(o, "files", env.path_value(&files)?)?;
    env.set(o, "regular", env.typed_array(NAPI_UINT8_ARRAY, &regular)?)?;
    env.set(o, "errors", errors)?;
    env.set(o, "done", env.bool_value(done)?)?;
    Ok(o)
});

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
        ("kernels", kernels),
        ("createCounter", create_counter),
        ("hasCount", has_count),
        ("evaluate", evaluate),
        ("seedHasCount", seed_has_count),
        ("createScanner", create_scanner),
        ("scannerFeed", scanner_feed),
        ("scannerFinish", scanner_finish),
        ("scanFiles", scan_files),
        ("scanBatch", scan_batch),
        ("createWalker", create_walker),
        ("walkNext", walk_next),
    ];
    // Test hooks only where the test suite asks for them, read when the module registers
    // (in each thread that loads it) from the process environment.
    if std::env::var("CHARCOUNT_TEST_HOOKS").as_deref() == Ok("1") {
        table.push(("panicForTest", panic_for_test));
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
