//! The walker's exports: `createWalker` and `walkNext` (the module doc of `crate::binding`
//! has the options).

use crate::napi::*;
use crate::walker::{self, Found, WalkOptions, Walker};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

impl Handle for Walker {
    const TAG: napi_type_tag = napi_type_tag { lower: 0xbaac_6748_1182_6565, upper: 0x76b2_e974_e644_0009 };
    const NAME: &'static str = "walker";
    const MADE_BY: &'static str = "createWalker";
}

impl Env {
    fn walker<'a>(self, v: napi_value) -> JsResult<&'a mut Walker> {
        self.handle::<Walker>(v)
    }
}

// createWalker(display: string, root: string, hidden: boolean, follow: boolean, options?): External
//
// `options` (see the module doc): `{ ignoreFiles?, vcsIgnoreFiles?, extraIgnoreFiles?, globs?,
// iglobs?, excludes?, cwd?, types?, maxDepth?, filesOnly?, maxFilesize? }`. Nothing is read until the first `walkNext`.
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
        let Some(x) = env.optional(v, name)? else {
            return Ok(None);
        };
        if env.type_of(x)? != NAPI_BOOLEAN {
            return Err(JsError::Type(format!("options.{name} must be a boolean")));
        }
        Ok(Some(env.boolean(x)?))
    };
    o.ignore_files = flag("ignoreFiles")?.unwrap_or(true);
    o.files_only = flag("filesOnly")?.unwrap_or(false);
    o.vcs_ignore = flag("vcsIgnoreFiles")?.unwrap_or(true);
    let strings = |name: &str| string_list(env, v, name, |s| env.string(s));
    o.extra_ignore_files = string_list(env, v, "extraIgnoreFiles", |s| env.path(s).map(PathBuf::from))?;
    let (globs, iglobs, excludes) = (strings("globs")?, strings("iglobs")?, strings("excludes")?);
    let cwd = match env.optional(v, "cwd")? {
        Some(c) if env.type_of(c)? != NAPI_STRING => return Err(JsError::Type("options.cwd must be a string".into())),
        Some(c) => Some(std::path::PathBuf::from(env.path(c)?)),
        None => None,
    };
    let invalid = |e: walker::GlobError| {
        JsError::Range(format!("options.{}[{}] is not a valid glob ({:?}): {}", e.list, e.index, e.glob, e.message))
    };
    o.overrides = walker::overrides(cwd.as_deref().unwrap_or(root), &globs, &iglobs, &excludes).map_err(invalid)?;
    o.types = walker::types(&strings("types")?).map_err(invalid)?;
    let integer = |name: &str| -> JsResult<Option<f64>> {
        let Some(x) = env.optional(v, name)? else {
            return Ok(None);
        };
        if env.type_of(x)? != NAPI_NUMBER {
            return Err(JsError::Type(format!("options.{name} must be a number")));
        }
        let n = env.double(x)?;
        if !((0.0..=MAX_SAFE_INTEGER).contains(&n) && n.fract() == 0.0) {
            return Err(JsError::Range(format!("options.{name} must be an integer from 0 to 2^53-1, got {n}")));
        }
        Ok(Some(n))
    };
    o.max_depth = integer("maxDepth")?.map(|n| n as usize);
    o.max_filesize = integer("maxFilesize")?.map(|n| n as u64);
    Ok(o)
}

// walkNext(walker, max: number): { files, regular, errors, badLines, done } — `files` is up
// to `max` NUL-separated paths ('' when there are none), `regular[i]` is 1 where `readdir`
// said file i is a regular file, `errors` the paths that failed as `{ path, errno, code,
// message }` (see the module doc), `badLines` the lines of ignore files read in this step
// that are not globs, as `{ file, line, glob, message }` (`file` as the walk read it:
// absolute, an `--ignore-file` as given). One string a call, not one object a file: the
// walk of a large tree is dominated by what crosses into JS.
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
    let bad_lines = env.array(0)?;
    let mut n_bad = 0;
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
            Found::BadLine(b) => {
                let o = env.object()?;
                env.set(o, "file", env.path_value(b.file.as_os_str().as_bytes())?)?;
                env.set(o, "line", env.number(b.line as f64)?)?;
                env.set(o, "glob", env.str_value(&b.glob)?)?;
                env.set(o, "message", env.str_value(&b.message)?)?;
                env.set_element(bad_lines, n_bad, o)?;
                n_bad += 1;
            }
        }
    }
    let o = env.object()?;
    env.set(o, "files", env.path_value(&files)?)?;
    env.set(o, "regular", env.typed_array(NAPI_UINT8_ARRAY, &regular)?)?;
    env.set(o, "errors", errors)?;
    env.set(o, "badLines", bad_lines)?;
    env.set(o, "done", env.bool_value(done)?)?;
    Ok(o)
});

/// The list option `options[name]`: absent, or an array of strings, each read by `read` (as
/// text, or as a path's bytes).
fn string_list<T>(env: Env, v: napi_value, name: &str, read: impl Fn(napi_value) -> JsResult<T>) -> JsResult<Vec<T>> {
    let Some(list) = env.optional(v, name)? else {
        return Ok(Vec::new());
    };
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
        out.push(read(s)?);
    }
    Ok(out)
}
