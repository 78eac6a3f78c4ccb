//! The Node-API environment: a minimal hand-written FFI — only the functions charcount
//! calls, declared from Node's `js_native_api.h` / `node_api.h` (Node-API version 8, Node
//! 12.22 or later), resolved from the host `node` process when the addon is loaded — and the
//! safe layer the exports (`crate::binding`) are written in: [`Env`], `guard` and
//! `export!`, typed handles.
//!
//! # Soundness
//!
//! * An [`Env`] is made only by `guard`, from the env Node passed to the running callback,
//!   and never outlives that callback; so every napi call runs on the JS thread, with
//!   handles (`napi_value`) of the callback's own scope, which keep their values alive until
//!   it returns.
//! * Memory borrowed from a JS typed array is used before any napi call that could run JS
//!   (a getter, setter or proxy trap could detach or shrink its buffer), or copied.
//! * Counters, streaming scanners and walkers live in `napi_external` boxes that V8 frees
//!   with the JS object. Each external is type-tagged with its kind when it is made
//!   ([`Handle`]), and the tag is checked before the box is touched, so a forged or
//!   mismatched handle is a `TypeError`, never a wild pointer.
#![allow(non_camel_case_types, dead_code)]

use crate::path_text;
use crate::reader::FileError;
use std::ffi::{c_char, c_void, CString, OsString};
use std::os::unix::ffi::OsStringExt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

#[repr(C)]
pub struct napi_env__ {
    _private: [u8; 0],
}
#[repr(C)]
pub struct napi_value__ {
    _private: [u8; 0],
}
#[repr(C)]
pub struct napi_callback_info__ {
    _private: [u8; 0],
}

pub type napi_env = *mut napi_env__;
pub type napi_value = *mut napi_value__;
pub type napi_callback_info = *mut napi_callback_info__;
pub type napi_status = i32;
/// SAFETY: Node calls a callback on the JS thread with the env and info of that call.
pub type napi_callback = unsafe extern "C" fn(napi_env, napi_callback_info) -> napi_value;
/// SAFETY: Node calls a finalizer once, with the data and hint it was registered with.
pub type napi_finalize = unsafe extern "C" fn(napi_env, *mut c_void, *mut c_void);

/// `napi_type_tag`: a 128-bit tag that marks an object (or external) as of one kind.
#[repr(C)]
pub struct napi_type_tag {
    pub lower: u64,
    pub upper: u64,
}

pub const NAPI_OK: napi_status = 0;
pub const NAPI_PENDING_EXCEPTION: napi_status = 10;

/// `napi_valuetype`
pub const NAPI_UNDEFINED: i32 = 0;
pub const NAPI_NULL: i32 = 1;
pub const NAPI_BOOLEAN: i32 = 2;
pub const NAPI_NUMBER: i32 = 3;
pub const NAPI_STRING: i32 = 4;
pub const NAPI_OBJECT: i32 = 6;
pub const NAPI_EXTERNAL: i32 = 8;

/// `napi_typedarray_type::napi_uint8_array`
pub const NAPI_UINT8_ARRAY: i32 = 1;
/// `napi_typedarray_type::napi_int32_array`
pub const NAPI_INT32_ARRAY: i32 = 5;
/// `napi_typedarray_type::napi_float64_array`
pub const NAPI_FLOAT64_ARRAY: i32 = 8;

extern "C" {
    pub fn napi_get_cb_info(
        env: napi_env,
        info: napi_callback_info,
        argc: *mut usize,
        argv: *mut napi_value,
        this_arg: *mut napi_value,
        data: *mut *mut c_void,
    ) -> napi_status;
    pub fn napi_create_function(
        env: napi_env,
        name: *const c_char,
        length: usize,
        cb: napi_callback,
        data: *mut c_void,
        result: *mut napi_value,
    ) -> napi_status;
    pub fn napi_set_named_property(
        env: napi_env,
        object: napi_value,
        name: *const c_char,
        value: napi_value,
    ) -> napi_status;
    pub fn napi_get_named_property(
        env: napi_env,
        object: napi_value,
        name: *const c_char,
        result: *mut napi_value,
    ) -> napi_status;
    pub fn napi_typeof(env: napi_env, value: napi_value, result: *mut i32) -> napi_status;
    pub fn napi_get_value_double(env: napi_env, value: napi_value, result: *mut f64) -> napi_status;
    pub fn napi_get_value_bool(env: napi_env, value: napi_value, result: *mut bool) -> napi_status;
    pub fn napi_get_value_string_utf8(
        env: napi_env,
        value: napi_value,
        buf: *mut c_char,
        bufsize: usize,
        result: *mut usize,
    ) -> napi_status;
    pub fn napi_create_string_utf8(
        env: napi_env,
        s: *const c_char,
        length: usize,
        result: *mut napi_value,
    ) -> napi_status;
    pub fn napi_get_value_string_utf16(
        env: napi_env,
        value: napi_value,
        buf: *mut u16,
        bufsize: usize,
        result: *mut usize,
    ) -> napi_status;
    pub fn napi_create_string_utf16(
        env: napi_env,
        s: *const u16,
        length: usize,
        result: *mut napi_value,
    ) -> napi_status;
    pub fn napi_create_double(env: napi_env, value: f64, result: *mut napi_value) -> napi_status;
    pub fn napi_get_boolean(env: napi_env, value: bool, result: *mut napi_value) -> napi_status;
    pub fn napi_get_null(env: napi_env, result: *mut napi_value) -> napi_status;
    pub fn napi_get_undefined(env: napi_env, result: *mut napi_value) -> napi_status;
    pub fn napi_create_object(env: napi_env, result: *mut napi_value) -> napi_status;
    pub fn napi_create_array_with_length(env: napi_env, length: usize, result: *mut napi_value) -> napi_status;
    pub fn napi_set_element(env: napi_env, object: napi_value, index: u32, value: napi_value) -> napi_status;
    pub fn napi_get_element(env: napi_env, object: napi_value, index: u32, result: *mut napi_value) -> napi_status;
    pub fn napi_get_array_length(env: napi_env, value: napi_value, result: *mut u32) -> napi_status;
    pub fn napi_is_array(env: napi_env, value: napi_value, result: *mut bool) -> napi_status;
    pub fn napi_is_typedarray(env: napi_env, value: napi_value, result: *mut bool) -> napi_status;
    pub fn napi_get_typedarray_info(
        env: napi_env,
        typedarray: napi_value,
        kind: *mut i32,
        length: *mut usize,
        data: *mut *mut c_void,
        arraybuffer: *mut napi_value,
        byte_offset: *mut usize,
    ) -> napi_status;
    pub fn napi_create_arraybuffer(
        env: napi_env,
        byte_length: usize,
        data: *mut *mut c_void,
        result: *mut napi_value,
    ) -> napi_status;
    pub fn napi_create_typedarray(
        env: napi_env,
        kind: i32,
        length: usize,
        arraybuffer: napi_value,
        byte_offset: usize,
        result: *mut napi_value,
    ) -> napi_status;
    pub fn napi_create_external(
        env: napi_env,
        data: *mut c_void,
        finalize_cb: Option<napi_finalize>,
        finalize_hint: *mut c_void,
        result: *mut napi_value,
    ) -> napi_status;
    pub fn napi_get_value_external(env: napi_env, value: napi_value, result: *mut *mut c_void) -> napi_status;
    pub fn napi_type_tag_object(env: napi_env, value: napi_value, type_tag: *const napi_type_tag) -> napi_status;
    pub fn napi_check_object_type_tag(
        env: napi_env,
        value: napi_value,
        type_tag: *const napi_type_tag,
        result: *mut bool,
    ) -> napi_status;
    pub fn napi_is_arraybuffer(env: napi_env, value: napi_value, result: *mut bool) -> napi_status;
    pub fn napi_throw_error(env: napi_env, code: *const c_char, msg: *const c_char) -> napi_status;
    pub fn napi_throw_type_error(env: napi_env, code: *const c_char, msg: *const c_char) -> napi_status;
    pub fn napi_throw_range_error(env: napi_env, code: *const c_char, msg: *const c_char) -> napi_status;
    pub fn napi_is_exception_pending(env: napi_env, result: *mut bool) -> napi_status;
}

// ── the environment ─────────────────────────────────────────────────────────────

/// An error to throw in JS.
pub(crate) enum JsError {
    Type(String),
    Range(String),
    Error(String),
    /// A JS exception is already pending (a napi call failed); leave it be.
    Pending,
}

/// What an export's body returns.
pub(crate) type JsResult<T> = Result<T, JsError>;

/// `Number.MAX_SAFE_INTEGER`.
pub(crate) const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A napi status as a result: a pending exception stays pending.
pub(crate) fn check(status: napi_status) -> JsResult<()> {
    match status {
        NAPI_OK => Ok(()),
        NAPI_PENDING_EXCEPTION => Err(JsError::Pending),
        s => Err(JsError::Error(format!("Node-API call failed with status {s}"))),
    }
}

/// Thin safe wrappers over the raw calls, all bound to one `env`. Made only by [`guard`]
/// (see the module doc): it stands for "inside a callback, on the JS thread".
#[derive(Clone, Copy)]
pub(crate) struct Env(napi_env);

/// Calls a napi function whose last parameter is an out-pointer, and returns what it wrote.
macro_rules! out {
    ($env:expr, $call:ident ( $($arg:expr),* )) => {{
        let mut result = std::mem::MaybeUninit::uninit();
        // SAFETY: `$env` is a live `Env` (module doc); the arguments are its handles, or
        // pointers the caller keeps valid for the call; the out-pointer is writable.
        $crate::napi::check(unsafe { $call($env.raw(), $($arg,)* result.as_mut_ptr()) })?;
        // SAFETY: the call returned `napi_ok` (`check`), so it wrote its result.
        unsafe { result.assume_init() }
    }};
}
pub(crate) use out;

impl Env {
    /// The env of the running callback (see the module doc).
    pub(crate) fn raw(self) -> napi_env {
        self.0
    }
    pub(crate) fn type_of(self, v: napi_value) -> JsResult<i32> {
        Ok(out!(self, napi_typeof(v)))
    }
    pub(crate) fn double(self, v: napi_value) -> JsResult<f64> {
        Ok(out!(self, napi_get_value_double(v)))
    }
    pub(crate) fn boolean(self, v: napi_value) -> JsResult<bool> {
        Ok(out!(self, napi_get_value_bool(v)))
    }
    pub(crate) fn string(self, v: napi_value) -> JsResult<String> {
        let len: usize = out!(self, napi_get_value_string_utf8(v, ptr::null_mut(), 0));
        let mut buf = vec![0u8; len + 1];
        let written: usize = out!(self, napi_get_value_string_utf8(v, buf.as_mut_ptr().cast(), len + 1));
        buf.truncate(written);
        // Node encodes lone surrogates as U+FFFD, so this is always valid UTF-8.
        String::from_utf8(buf).map_err(|_| JsError::Error("string is not valid UTF-8".into()))
    }
    /// A string's UTF-16 code units, lone surrogates included.
    pub(crate) fn units(self, v: napi_value) -> JsResult<Vec<u16>> {
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
    pub(crate) fn path(self, v: napi_value) -> JsResult<OsString> {
        Ok(OsString::from_vec(path_text::from_units(&self.units(v)?)))
    }
    /// A path as a string (see "Paths" in the module doc).
    pub(crate) fn path_value(self, path: &[u8]) -> JsResult<napi_value> {
        if let Ok(text) = std::str::from_utf8(path) {
            return self.str_value(text);
        }
        let mut units = Vec::with_capacity(path.len());
        path_text::to_units(path, &mut units);
        Ok(out!(self, napi_create_string_utf16(units.as_ptr(), units.len())))
    }
    pub(crate) fn get(self, obj: napi_value, name: &str) -> JsResult<napi_value> {
        let name = CString::new(name).unwrap();
        Ok(out!(self, napi_get_named_property(obj, name.as_ptr())))
    }
    pub(crate) fn set(self, obj: napi_value, name: &str, value: napi_value) -> JsResult<()> {
        let name = CString::new(name).unwrap();
        // SAFETY: live env and handles (module doc); `name` is a NUL-terminated string that
        // outlives the call.
        check(unsafe { napi_set_named_property(self.0, obj, name.as_ptr(), value) })
    }
    pub(crate) fn object(self) -> JsResult<napi_value> {
        Ok(out!(self, napi_create_object()))
    }
    pub(crate) fn array(self, len: usize) -> JsResult<napi_value> {
        Ok(out!(self, napi_create_array_with_length(len)))
    }
    pub(crate) fn set_element(self, arr: napi_value, i: u32, v: napi_value) -> JsResult<()> {
        // SAFETY: live env and handles (module doc).
        check(unsafe { napi_set_element(self.0, arr, i, v) })
    }
    pub(crate) fn element(self, arr: napi_value, i: u32) -> JsResult<napi_value> {
        Ok(out!(self, napi_get_element(arr, i)))
    }
    pub(crate) fn array_length(self, arr: napi_value) -> JsResult<u32> {
        let is_array: bool = out!(self, napi_is_array(arr));
        if !is_array {
            return Err(JsError::Type("expected an array".into()));
        }
        Ok(out!(self, napi_get_array_length(arr)))
    }
    pub(crate) fn str_value(self, s: &str) -> JsResult<napi_value> {
        Ok(out!(self, napi_create_string_utf8(s.as_ptr().cast(), s.len())))
    }
    pub(crate) fn number(self, x: f64) -> JsResult<napi_value> {
        Ok(out!(self, napi_create_double(x)))
    }
    pub(crate) fn bool_value(self, b: bool) -> JsResult<napi_value> {
        Ok(out!(self, napi_get_boolean(b)))
    }
    pub(crate) fn null(self) -> JsResult<napi_value> {
        Ok(out!(self, napi_get_null()))
    }
    pub(crate) fn opt_number(self, x: Option<u64>) -> JsResult<napi_value> {
        match x {
            Some(x) => self.number(x as f64),
            None => self.null(),
        }
    }
    pub(crate) fn is_nullish(self, v: napi_value) -> JsResult<bool> {
        let t = self.type_of(v)?;
        Ok(t == NAPI_UNDEFINED || t == NAPI_NULL)
    }
    /// The option `obj[name]`, or `None` when it is `undefined` or `null`, or `obj` itself
    /// is (no options given).
    pub(crate) fn optional(self, obj: napi_value, name: &str) -> JsResult<Option<napi_value>> {
        if self.is_nullish(obj)? {
            return Ok(None);
        }
        let x = self.get(obj, name)?;
        Ok(if self.is_nullish(x)? { None } else { Some(x) })
    }

    /// Callback arguments, padded with `undefined` up to `N`.
    pub(crate) fn args<const N: usize>(self, info: napi_callback_info) -> JsResult<[napi_value; N]> {
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
    pub(crate) fn input_bytes(self, v: napi_value) -> JsResult<Input> {
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

    /// A new typed array of `kind` (whose element type is `T`) holding a copy of `items`.
    pub(crate) fn typed_array<T: Copy>(self, kind: i32, items: &[T]) -> JsResult<napi_value> {
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
    pub(crate) fn f64_array(self, len: usize, items: impl Iterator<Item = f64>) -> JsResult<napi_value> {
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

    /// A new external owning `value`, tagged as a `T` handle.
    pub(crate) fn external<T: Handle>(self, value: T) -> JsResult<napi_value> {
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
    pub(crate) fn handle<'a, T: Handle>(self, v: napi_value) -> JsResult<&'a mut T> {
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

    /// `{ errno, code, message }`: see [`FileError`]; the caller adds `index` or `path`.
    pub(crate) fn error_object(self, err: &FileError) -> JsResult<napi_value> {
        let e = self.object()?;
        self.set(e, "errno", self.number(err.errno as f64)?)?;
        self.set(e, "code", self.str_value(err.code)?)?;
        self.set(e, "message", self.str_value(&err.message)?)?;
        Ok(e)
    }

    pub(crate) fn throw(self, e: JsError) {
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
pub(crate) enum Input {
    Owned(Vec<u8>),
    /// `len` bytes of a JS typed array, whose handle is in the callback's scope: valid until
    /// JS next runs (see the module doc).
    Borrowed(*const u8, usize),
}

impl Input {
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            Input::Owned(v) => v,
            Input::Borrowed(_, 0) => &[],
            // SAFETY: Node gave this pointer and length for the typed array's bytes, which
            // stay put until JS runs again, and callers use the slice before that.
            Input::Borrowed(p, n) => unsafe { std::slice::from_raw_parts(*p, *n) },
        }
    }

    /// The bytes, copied: for input that must outlast calls that may run JS.
    pub(crate) fn into_vec(self) -> Vec<u8> {
        match self {
            Input::Owned(v) => v,
            borrowed => borrowed.as_slice().to_vec(),
        }
    }
}

/// What a JS handle can hold: an external of it is tagged with `TAG`.
pub(crate) trait Handle: 'static {
    /// The kind's 128-bit type tag (random, one per kind).
    const TAG: napi_type_tag;
    /// The kind's name in error messages.
    const NAME: &'static str;
    /// The export that makes it, for error messages.
    const MADE_BY: &'static str;
}

/// Runs an export's body, converting errors and panics into JS exceptions.
///
/// # Safety
/// SAFETY: `env` must be the env Node passed to the running callback (or module
/// registration), on its thread: the [`Env`] made here relies on it.
pub(crate) unsafe fn guard(env: napi_env, body: impl FnOnce(Env) -> JsResult<napi_value>) -> napi_value {
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
        pub(crate) unsafe extern "C" fn $name(env: napi_env, info: napi_callback_info) -> napi_value {
            let body = |$env: $crate::napi::Env| {
                let $info = info;
                $body
            };
            // SAFETY: see above.
            unsafe { $crate::napi::guard(env, body) }
        }
    };
}

pub(crate) use export;
