//! The kernel's exports: `kernels`, `createCounter`, `hasCount`, `evaluate`,
//! `seedHasCount`, `createScanner`, `scannerFeed`, `scannerFinish` (and `panicForTest`).

use crate::kernel::{self, Config, Evaluation, Kernel, Reset, Scanner};
use crate::napi::*;

impl Env {
    pub(crate) fn evaluation(self, e: &Evaluation) -> JsResult<napi_value> {
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

    pub(crate) fn counter(self, v: napi_value) -> JsResult<Config> {
        Ok(*self.handle::<Config>(v)?)
    }

    fn scanner<'a>(self, v: napi_value) -> JsResult<&'a mut Scanner> {
        self.handle::<Scanner>(v)
    }
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
        .ok_or_else(|| {
            let last = Reset::ALL.len() - 1;
            JsError::Range(format!("reset must be an integer from 0 to {last}, got {reset_code}"))
        })?;
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
pub(crate) fn histogram_flag(env: Env, v: napi_value, hit_limit: Option<u64>) -> JsResult<bool> {
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
pub(crate) fn hit_limit(env: Env, v: napi_value) -> JsResult<Option<u64>> {
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
