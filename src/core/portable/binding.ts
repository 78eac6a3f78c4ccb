/**
 * The portable back end: the native core's exports (core/binding.ts) implemented in
 * TypeScript on Node's `fs`, for where no native binary fits. Its answers are the native
 * core's — records, offsets, skips, errors, batch format, walk order — and so are its
 * argument checks and their messages (native/src/binding.rs); the test suite runs whole on
 * both back ends to keep it so.
 *
 * Handles are plain objects of this module's classes; a wrong one is a `TypeError` naming
 * the kind expected, as a wrongly tagged native handle is.
 */
import { types } from 'node:util';
import type {
  NativeBinding,
  NativeCounter,
  NativeEvaluation,
  NativeFileRecord,
  NativeReadOptions,
  NativeScanner,
  NativeWalker,
  WalkOptions as WalkOptionsInput,
} from '../binding.js';
import type { NativeBatch, NativeError } from '../codec.js';
import { NATIVE_ENCODINGS } from '../decode.js';
import type { KernelName } from '../types.js';
import {
  ABSENT,
  COUNTER_FIELDS,
  HEADER_FIELDS,
  HISTOGRAM_FIELDS,
  HIT_FIELDS,
  SKIP_REASONS,
  STATUS_SCANNED,
} from '../wire-format.js';
import { bytesOfPath, hasEscapes, pathFromBytes } from '../path-bytes.js';
import {
  evaluate,
  PORTABLE_KERNEL,
  PortableCounter,
  PortableScanner,
  seedHasCount,
  type PortableEvaluation,
} from './counter.js';
import type { PortableFileError } from './errors.js';
import { buildOverride, buildTypes, Override, OverrideError, Types } from './ignore.js';
import { DEFAULT_CHUNK, Reader, type FileResult, type ReadOptions } from './reader.js';
import { Walker, type WalkOptions, type WalkSink } from './walker.js';

/** Rust's `{}` of an `f64`, for messages that quote a number as the native core does. */
function showNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && Math.abs(n) >= 1e21) return BigInt(n).toString();
  return String(n);
}

/** Rust's `{:?}` of a string: quoted, with quotes, backslashes and control characters escaped. */
function debugString(s: string): string {
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (c === '"' || c === '\\') out += '\\' + c;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\0') out += '\\0';
    else if (cp < 0x20 || cp === 0x7f) out += `\\u{${cp.toString(16)}}`;
    else out += c;
  }
  return out + '"';
}

const isNullish = (v: unknown) => v === undefined || v === null;

/** A string as the native core receives it: lone surrogates become U+FFFD, as Node encodes them. */
const wellFormed = (s: string) => (/[\ud800-\udfff]/.test(s) ? Buffer.from(s, 'utf8').toString('utf8') : s);

/**
 * A path as the native core receives it (its "Paths"): escaped bytes stay escaped, any
 * other lone surrogate becomes U+FFFD, as Node encodes it (see core/path-bytes.ts).
 */
const pathText = (s: string) => (hasEscapes(s) ? pathFromBytes(bytesOfPath(s)) : s);

/** `maxHits`: absent (the first hit only) or an integer from 1 to 2^53-1. */
function hitLimit(v: unknown): number | undefined {
  if (isNullish(v)) return undefined;
  if (typeof v !== 'number') throw new TypeError('maxHits must be a number');
  if (!(v >= 1 && v <= Number.MAX_SAFE_INTEGER && Number.isInteger(v))) {
    throw new RangeError(`maxHits must be an integer from 1 to 2^53-1, got ${showNumber(v)}`);
  }
  return v;
}

/**
 * An evaluation as the native core returns it: hits as a `Float64Array` of (offset, line)
 * pairs, the histogram of (k, segments) pairs.
 */
function nativeEvaluation(e: PortableEvaluation): NativeEvaluation {
  const { hits, hitsTruncated, histogram, ...rest } = e;
  const out: NativeEvaluation = rest;
  if (hits) Object.assign(out, { hits: Float64Array.from(hits), hitsTruncated: hitsTruncated! });
  if (histogram) out.histogram = Float64Array.from(histogram);
  return out;
}

/** `histogram`: absent (false) or a boolean; not with `maxHits`. */
function histogramFlag(v: unknown, limit: number | undefined): boolean {
  const histogram = !isNullish(v) && booleanArg(v, 'histogram');
  if (histogram && limit !== undefined) throw new TypeError('histogram and maxHits cannot be combined');
  return histogram;
}

/** `asciiWidth`: absent, or an integer from 1 to 8. */
function asciiWidthArg(v: unknown): number | undefined {
  if (isNullish(v)) return undefined;
  if (typeof v !== 'number') throw new TypeError('asciiWidth must be a number');
  if (!(v >= 1 && v <= 8 && Number.isInteger(v))) {
    throw new RangeError(`asciiWidth must be an integer from 1 to 8, got ${showNumber(v)}`);
  }
  return v;
}

/** The bytes of a string (as UTF-8) or of a `Uint8Array`/`Buffer`. */
function inputBytes(v: unknown): Uint8Array {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (types.isUint8Array(v)) return v;
  throw new TypeError('input must be a string or a Uint8Array');
}

function handle<T>(v: unknown, kind: new (...args: never[]) => T, name: string, madeBy: string): T {
  if (v instanceof kind) return v;
  throw new TypeError(`expected a ${name} native handle (from ${madeBy})`);
}
const counterOf = (v: unknown) => handle(v, PortableCounter, 'counter', 'createCounter');
const scannerOf = (v: unknown) => handle(v, PortableScanner, 'scanner', 'createScanner');
const walkerOf = (v: unknown) => handle(v, Walker, 'walker', 'createWalker');

function booleanArg(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${name} must be a boolean`);
  return v;
}

function arrayArg(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw new TypeError('expected an array');
  return v;
}

/** `options[name]`: absent, or a non-negative integer. */
function optionalCount(options: Record<string, unknown>, name: string): number | undefined {
  const x = options[name];
  if (isNullish(x)) return undefined;
  if (typeof x !== 'number') throw new TypeError(`${name} must be a number`);
  if (!(x >= 0 && Number.isInteger(x))) {
    throw new RangeError(`${name} must be a non-negative integer, got ${showNumber(x)}`);
  }
  return x;
}

function readOptions(v: unknown): ReadOptions {
  const o: ReadOptions = {
    full: false,
    hitLimit: undefined,
    histogram: false,
    scanBinary: false,
    maxFilesize: undefined,
    follow: false,
    chunkSize: DEFAULT_CHUNK,
    encoding: 'utf-8',
    bomSniff: true,
    readOnly: false,
    readLimit: undefined,
  };
  if (isNullish(v)) return o;
  const opts = v as Record<string, unknown>;
  const flag = (name: string) => (isNullish(opts[name]) ? false : booleanArg(opts[name], name));
  o.full = flag('full');
  o.readOnly = flag('readOnly');
  o.scanBinary = flag('scanBinary');
  o.follow = flag('follow');
  o.maxFilesize = optionalCount(opts, 'maxFilesize');
  o.hitLimit = hitLimit(opts.maxHits);
  o.histogram = histogramFlag(opts.histogram, o.hitLimit);
  const chunk = optionalCount(opts, 'chunkSize');
  if (chunk !== undefined) o.chunkSize = Math.min(Math.max(chunk, 1), 64 << 20);
  if (!isNullish(opts.encoding)) {
    if (typeof opts.encoding !== 'string') throw new TypeError('encoding must be a string');
    const name = opts.encoding;
    if (!NATIVE_ENCODINGS.has(name)) {
      throw new RangeError(`encoding must be 'utf-8', 'utf-16le' or 'utf-16be', got ${debugString(wellFormed(name))}`);
    }
    o.encoding = name;
  }
  if (!isNullish(opts.bomSniff)) o.bomSniff = booleanArg(opts.bomSniff, 'bomSniff');
  return o;
}

/**
 * `options.cancel`: an Int32Array (length >= 1) whose element 0 cancels the batch once
 * non-zero. Over a SharedArrayBuffer it is read live, so another thread can set it during
 * the call; over a plain ArrayBuffer no other thread can, so its value now is all there is.
 */
function cancelFlag(v: unknown): () => boolean {
  const wrong = (why: string) => new TypeError(`cancel must be an Int32Array of length >= 1 (${why})`);
  if (!types.isTypedArray(v)) throw wrong('not a typed array');
  if (!types.isInt32Array(v)) throw wrong('another kind of typed array');
  if (v.length === 0) throw wrong('empty or detached');
  if (types.isSharedArrayBuffer(v.buffer)) return () => Atomics.load(v, 0) !== 0;
  const set = v[0] !== 0;
  return () => set;
}

/**
 * The paths of a batch: an array of strings, or one string of NUL-separated paths (which
 * holds exactly the paths `joined.split('\0')` gives: `''` is one empty path).
 */
function pathList(paths: unknown): { list: string[]; values: boolean } {
  if (typeof paths === 'string') return { list: paths.split('\0'), values: false };
  const list = arrayArg(paths);
  list.forEach((p, i) => {
    if (typeof p !== 'string') throw new TypeError(`paths[${i}] must be a string`);
  });
  return { list: list as string[], values: true };
}

/** `dir` joined with a relative `path` as Rust's `Path::join` does: no `..` is resolved here. */
function underCwd(dir: string, path: string): string {
  if (path === '' || path.startsWith('/')) return path;
  return dir === '' || dir.endsWith('/') ? dir + path : `${dir}/${path}`;
}

/** One reader per thread: every call is synchronous, so its buffer is never shared. */
const reader = new Reader();

/**
 * Reads the batch arguments shared by `scanFiles` and `scanBatch`, then scans each path in
 * order, stopping early once `budgetBytes` have been read or `budgetHits` hits listed, or as
 * soon as the cancel flag is set (the file being read then has no result), or before a file
 * that would pass `stopAtBytes`. Returns the read options.
 */
function scanPaths(
  paths: unknown,
  countersArg: unknown,
  options: unknown,
  each: (i: number, path: string, rec: FileResult, size: number) => void,
): ReadOptions {
  const counters = arrayArg(countersArg).map(counterOf);
  if (!counters.length) throw new TypeError('counters must hold at least one counter');
  const o = readOptions(options);
  let budget: number | undefined;
  let hints: Uint8Array = new Uint8Array(0);
  let cwd: string | undefined;
  let cancelled = () => false;
  let stopAt: number | undefined;
  let hitBudget: number | undefined;
  if (!isNullish(options)) {
    const opts = options as Record<string, unknown>;
    // Copied, as the native core copies them.
    if (!isNullish(opts.hints)) hints = Uint8Array.from(inputBytes(opts.hints));
    if (!isNullish(opts.cwd)) {
      if (typeof opts.cwd !== 'string') throw new TypeError('cwd must be a string');
      cwd = pathText(opts.cwd);
    }
    if (!isNullish(opts.cancel)) cancelled = cancelFlag(opts.cancel);
    budget = optionalCount(opts, 'budgetBytes');
    stopAt = optionalCount(opts, 'stopAtBytes');
    hitBudget = optionalCount(opts, 'budgetHits');
  }
  const batch = pathList(paths);
  let total = 0;
  let hits = 0;
  for (let i = 0; i < batch.list.length; i++) {
    // A batch ends early once it has read its byte budget (or listed its hit budget), so one
    // huge file never holds the files queued behind it: the caller hands those to another worker.
    if ((budget !== undefined && total >= budget) || (hitBudget !== undefined && hits >= hitBudget)) break;
    const path = pathText(batch.list[i]!);
    const readLimit = stopAt === undefined ? undefined : Math.max(stopAt - total, 0);
    const full = cwd === undefined ? path : underCwd(cwd, path);
    // A name that is not UTF-8 is opened by its bytes.
    const rec = reader.scan(
      hasEscapes(full) ? bytesOfPath(full) : full,
      counters,
      { ...o, readLimit },
      hints[i] ?? 0,
      cancelled,
    );
    if (!rec) break;
    total += rec.bytes;
    for (const e of rec.counters ?? []) hits += (e.hits?.length ?? 0) / 2;
    each(i, batch.list[i]!, rec, batch.list.length);
  }
  return o;
}

/** `{ errno, code, message }`, in the native core's key order; the caller adds `index` or `path`. */
const errorObject = (e: PortableFileError) => ({ errno: e.errno, code: e.code, message: e.message });

/** `createWalker`'s options, checked as the native core checks them, in its order. */
function walkOptions(v: unknown, root: string): WalkOptions {
  const o: WalkOptions = {
    ignoreFiles: true,
    overrides: new Override(),
    types: new Types(),
    maxDepth: undefined,
    filesOnly: false,
    maxFilesize: undefined,
  };
  if (isNullish(v)) return o;
  if (typeof v !== 'object') throw new TypeError('createWalker options must be an object');
  const opts = v as Record<string, unknown>;
  const flag = (name: string): boolean | undefined => {
    const x = opts[name];
    if (isNullish(x)) return undefined;
    if (typeof x !== 'boolean') throw new TypeError(`options.${name} must be a boolean`);
    return x;
  };
  o.ignoreFiles = flag('ignoreFiles') ?? true;
  o.filesOnly = flag('filesOnly') ?? false;
  const strings = (name: string): string[] => {
    const list = opts[name];
    if (isNullish(list)) return [];
    if (!Array.isArray(list)) throw new TypeError(`options.${name} must be an array of strings`);
    return list.map((s, i) => {
      if (typeof s !== 'string') throw new TypeError(`options.${name}[${i}] must be a string`);
      return wellFormed(s);
    });
  };
  const invalid = (e: unknown) =>
    e instanceof OverrideError
      ? new RangeError(`options.${e.list}[${e.index}] is not a valid glob (${debugString(e.glob)}): ${e.message}`)
      : e;
  const [globs, iglobs] = [strings('globs'), strings('iglobs')];
  let cwd = root;
  if (!isNullish(opts.cwd)) {
    if (typeof opts.cwd !== 'string') throw new TypeError('options.cwd must be a string');
    cwd = byteString(opts.cwd);
  }
  try {
    o.overrides = buildOverride(cwd, globs, iglobs);
  } catch (e) {
    throw invalid(e);
  }
  const typeGlobs = strings('types');
  try {
    o.types = buildTypes(typeGlobs);
  } catch (e) {
    throw invalid(e);
  }
  const integer = (name: string): number | undefined => {
    const n = opts[name];
    if (isNullish(n)) return undefined;
    if (typeof n !== 'number') throw new TypeError(`options.${name} must be a number`);
    if (!(n >= 0 && n <= Number.MAX_SAFE_INTEGER && Number.isInteger(n))) {
      throw new RangeError(`options.${name} must be an integer from 0 to 2^53-1, got ${showNumber(n)}`);
    }
    return n;
  };
  o.maxDepth = integer('maxDepth');
  o.maxFilesize = integer('maxFilesize');
  return o;
}

/** A path string (lone surrogates as bytes, see path-bytes.ts) as a byte string. */
const byteString = (s: string) => bytesOfPath(pathText(s)).toString('latin1');

function createCounter(what: unknown, min: unknown, reset: unknown, kernel?: unknown): PortableCounter {
  if (typeof what !== 'string') throw new TypeError('what must be a string');
  const w = wellFormed(what);
  const chars = [...w];
  if (chars.length !== 1) throw new TypeError(`what must be exactly one character, got ${debugString(w)}`);
  if (typeof min !== 'number') throw new TypeError('min must be a number');
  if (!(min >= 0 && min <= Number.MAX_SAFE_INTEGER && Number.isInteger(min))) {
    throw new RangeError(`min must be an integer from 0 to 2^53-1, got ${showNumber(min)}`);
  }
  if (typeof reset !== 'number') throw new TypeError('reset must be a number');
  if (reset !== 0 && reset !== 1 && reset !== 2)
    throw new RangeError(`reset must be 0, 1 or 2, got ${showNumber(reset)}`);
  if (!isNullish(kernel)) {
    if (typeof kernel !== 'string') throw new TypeError('kernel must be a string');
    if (kernel !== PORTABLE_KERNEL) {
      throw new RangeError(`kernel ${debugString(kernel)} is not available here (available: ${PORTABLE_KERNEL})`);
    }
  }
  return new PortableCounter(w, min, reset);
}

/** The portable back end, with the native core's exports. */
export const portableBinding: NativeBinding = {
  kernels: (): KernelName[] => [PORTABLE_KERNEL],

  createCounter: (what, min, reset, kernel) => createCounter(what, min, reset, kernel) as unknown as NativeCounter,

  hasCount: (counter, input) => evaluate(counterOf(counter), inputBytes(input), false).matched,

  evaluate(counter, input, full, maxHits, histogram): NativeEvaluation {
    const c = counterOf(counter);
    const f = booleanArg(full, 'full');
    const limit = hitLimit(maxHits);
    const h = histogramFlag(histogram, limit);
    return nativeEvaluation(evaluate(c, inputBytes(input), f, limit, h));
  },

  seedHasCount: (counter, input) => seedHasCount(counterOf(counter), inputBytes(input)),

  createScanner(counter, full, maxHits, histogram) {
    const c = counterOf(counter);
    const f = booleanArg(full, 'full');
    const limit = hitLimit(maxHits);
    return new PortableScanner(c, f, limit, histogramFlag(histogram, limit)) as unknown as NativeScanner;
  },

  scannerFeed: (scanner, chunk) => {
    const bytes = inputBytes(chunk);
    return scannerOf(scanner).feed(bytes);
  },

  scannerFinish: (scanner, asciiWidth) => {
    const s = scannerOf(scanner);
    const width = asciiWidthArg(asciiWidth);
    if (width !== undefined) s.setAsciiWidth(width);
    return nativeEvaluation(s.finish());
  },

  scanFiles(paths, counters, options?: NativeReadOptions): NativeFileRecord[] {
    const out: NativeFileRecord[] = [];
    scanPaths(paths, counters, options, (i, path, rec) => {
      const r = (typeof paths === 'string' ? { bytes: rec.bytes } : { path, bytes: rec.bytes }) as NativeFileRecord;
      if (rec.status === STATUS_SCANNED) r.counters = rec.counters!.map(nativeEvaluation);
      else if (rec.error) r.error = errorObject(rec.error);
      else r.skipped = SKIP_REASONS[rec.status - 1]!;
      out[i] = r;
    });
    return out;
  },

  scanBatch(paths, countersArg, options?: NativeReadOptions): NativeBatch {
    const counters = Array.isArray(countersArg) ? countersArg.length : 0;
    const stride = HEADER_FIELDS + COUNTER_FIELDS * counters;
    let numbers = new Float64Array(0);
    const hits: number[] = [];
    const histograms: number[] = [];
    const errors: NativeError[] = [];
    let count = 0;
    const o = scanPaths(paths, countersArg, options, (i, _path, rec, size) => {
      if (numbers.length === 0) numbers = new Float64Array(size * stride);
      count = i + 1;
      const at = i * stride;
      numbers[at] = rec.bytes;
      numbers[at + 1] = rec.status;
      for (let k = 0; k < counters; k++) {
        const c = at + HEADER_FIELDS + COUNTER_FIELDS * k;
        const e = rec.counters?.[k];
        numbers[c] = e?.matched ? 1 : 0;
        numbers[c + 1] = e?.offset ?? ABSENT;
        numbers[c + 2] = e?.line ?? ABSENT;
        numbers[c + 3] = e?.occurrences ?? ABSENT;
        numbers[c + 4] = e?.segments ?? ABSENT;
        // Per scanned file and counter: hits listed, truncated, then (offset, line) pairs.
        if (e?.hits) {
          hits.push(e.hits.length / HIT_FIELDS, e.hitsTruncated ? 1 : 0);
          for (const x of e.hits) hits.push(x);
        }
        // Per scanned file and counter: counts listed, then (k, segments) pairs.
        if (e?.histogram) {
          histograms.push(e.histogram.length / HISTOGRAM_FIELDS);
          for (const x of e.histogram) histograms.push(x);
        }
      }
      if (rec.error) errors.push({ ...errorObject(rec.error), index: i });
    });
    const batch: NativeBatch = {
      count,
      numbers: numbers.length === count * stride ? numbers : numbers.slice(0, count * stride),
      errors,
    };
    if (o.hitLimit !== undefined) {
      // In the native core's key order: count, numbers, hits, errors.
      return { count, numbers: batch.numbers, hits: Float64Array.from(hits), errors };
    }
    if (o.histogram) return { count, numbers: batch.numbers, histograms: Float64Array.from(histograms), errors };
    return batch;
  },

  createWalker(display, root, hidden, follow, options?: WalkOptionsInput): NativeWalker {
    if (typeof display !== 'string' || typeof root !== 'string')
      throw new TypeError('display and root must be strings');
    const o = walkOptions(options, byteString(root));
    return new Walker(
      pathText(display),
      byteString(root),
      booleanArg(hidden, 'hidden'),
      booleanArg(follow, 'follow'),
      o,
    ) as unknown as NativeWalker;
  },

  walkNext(walker, max) {
    if (typeof max !== 'number') throw new TypeError('max must be a number');
    const n = Number.isNaN(max) ? 0 : Math.trunc(Math.min(Math.max(max, 1), 1e6));
    const w = walkerOf(walker);
    const out: WalkSink = { files: [], regular: [], errors: [] };
    w.next(n, out);
    return {
      files: out.files.join('\0'),
      regular: Uint8Array.from(out.regular),
      errors: out.errors.map((e) => ({ ...errorObject(e), path: e.path })),
      done: w.isDone(),
    };
  },
};
