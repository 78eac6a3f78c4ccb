/**
 * The portable back end: the `Backend` (../backend.ts) in TypeScript on Node's `fs`, for
 * where no native binary fits. Its answers are the native core's — records, offsets,
 * skips, file errors, batch format, walk order, the wording of a glob that does not parse —
 * and the test suite runs whole on both back ends to keep it so.
 *
 * Its arguments were checked before they got here (see ../backend.ts): nothing is checked
 * again. Handles are plain objects of this module's classes.
 */
import { types } from 'node:util';
import type {
  Backend,
  CounterHandle,
  FileResult,
  ReadOptions,
  ScannerHandle,
  TestHooks,
  WalkerHandle,
  WalkOptions,
} from '../backend.js';
import type { Evaluation, NativeBatch, NativeError } from '../../core/types.js';
import {
  ABSENT,
  COUNTER_FIELDS,
  HEADER_FIELDS,
  HISTOGRAM_FIELDS,
  HIT_FIELDS,
  SKIP_REASONS,
  STATUS_SCANNED,
} from '../../core/wire-format.js';
import { bytesOfPath, hasEscapes, pathFromBytes } from '../../core/path-bytes.js';
import {
  evaluate,
  PORTABLE_KERNEL,
  PortableCounter,
  PortableScanner,
  seedHasCount,
  type PortableEvaluation,
} from './counter.js';
import type { PortableFileError } from './errors.js';
import { buildOverride, buildTypes, OverrideError } from './ignore.js';
import { DEFAULT_CHUNK, Reader, type ReadResult, type ReaderOptions } from './reader.js';
import { textOfByteString, Walker, type WalkRules, type WalkSink } from './walker.js';

const counterOf = (h: CounterHandle) => h as unknown as PortableCounter;
const scannerOf = (h: ScannerHandle) => h as unknown as PortableScanner;
const walkerOf = (h: WalkerHandle) => h as unknown as Walker;

/** The bytes of a string (as UTF-8: a lone surrogate is U+FFFD, as Node encodes it) or of a `Uint8Array`. */
const bytesOf = (input: string | Uint8Array): Uint8Array =>
  typeof input === 'string' ? Buffer.from(input, 'utf8') : input;

/**
 * A path as the native core receives it (its "Paths"): escaped bytes stay escaped, any
 * other lone surrogate becomes U+FFFD, as Node encodes it (see core/path-bytes.ts).
 */
const pathText = (s: string) => (hasEscapes(s) ? pathFromBytes(bytesOfPath(s)) : s);

/**
 * An evaluation as the native core returns it: hits as a `Float64Array` of (offset, line)
 * pairs, the histogram of (k, segments) pairs.
 */
function evaluationOf(e: PortableEvaluation): Evaluation {
  const { hits, hitsTruncated, histogram, ...rest } = e;
  const out: Evaluation = rest;
  if (hits) Object.assign(out, { hits: Float64Array.from(hits), hitsTruncated: hitsTruncated! });
  if (histogram) out.histogram = Float64Array.from(histogram);
  return out;
}

/** The read options with their defaults (a chunk of 1 byte to 64 MiB, as the native reader reads). */
function readerOptions(o: ReadOptions): ReaderOptions {
  return {
    full: o.full ?? false,
    hitLimit: o.maxHits,
    histogram: o.histogram ?? false,
    scanBinary: o.scanBinary ?? false,
    maxFilesize: o.maxFilesize,
    follow: o.follow ?? false,
    chunkSize: o.chunkSize === undefined ? DEFAULT_CHUNK : Math.min(Math.max(o.chunkSize, 1), 64 << 20),
    encoding: o.encoding ?? 'utf-8',
    bomSniff: o.bomSniff ?? true,
    readOnly: o.readOnly ?? false,
    readLimit: undefined,
  };
}

/**
 * Whether the batch is cancelled: over a SharedArrayBuffer the flag is read live, so
 * another thread can set it during the call; over a plain ArrayBuffer no other thread can,
 * so its value now is all there is.
 */
function cancelFlag(cancel: Int32Array | undefined): () => boolean {
  if (cancel === undefined) return () => false;
  if (types.isSharedArrayBuffer(cancel.buffer)) return () => Atomics.load(cancel, 0) !== 0;
  const set = cancel[0] !== 0;
  return () => set;
}

/** `dir` joined with a relative `path` as Rust's `Path::join` does: no `..` is resolved here. */
function underCwd(dir: string, path: string): string {
  if (path === '' || path.startsWith('/')) return path;
  return dir === '' || dir.endsWith('/') ? dir + path : `${dir}/${path}`;
}

/** One reader per thread: every call is synchronous, so its buffer is never shared. */
const reader = new Reader();

/**
 * Scans each path of a batch in order (a list, or one string of NUL-separated paths),
 * stopping early once `budgetBytes` have been read or `budgetHits` hits listed, or as soon
 * as the cancel flag is set (the file being read then has no result), or before a file
 * that would pass `stopAtBytes`. Returns the read options.
 */
function scanPaths(
  paths: string | string[],
  handles: CounterHandle[],
  options: ReadOptions,
  each: (i: number, path: string, rec: ReadResult, size: number) => void,
): ReaderOptions {
  const counters = handles.map(counterOf);
  const o = readerOptions(options);
  const { budgetBytes: budget, budgetHits: hitBudget, stopAtBytes: stopAt } = options;
  const hints = options.hints ?? new Uint8Array(0);
  const cwd = options.cwd === undefined ? undefined : pathText(options.cwd);
  const cancelled = cancelFlag(options.cancel);
  const list = typeof paths === 'string' ? paths.split('\0') : paths;
  let total = 0;
  let hits = 0;
  for (let i = 0; i < list.length; i++) {
    // A batch ends early once it has read its byte budget (or listed its hit budget), so one
    // huge file never holds the files queued behind it: the caller hands those to another worker.
    if ((budget !== undefined && total >= budget) || (hitBudget !== undefined && hits >= hitBudget)) break;
    const path = pathText(list[i]!);
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
    each(i, list[i]!, rec, list.length);
  }
  return o;
}

/** `{ errno, code, message }`, in the native core's key order; the caller adds `index` or `path`. */
const errorObject = (e: PortableFileError) => ({ errno: e.errno, code: e.code, message: e.message });

/** The walk options compiled: a glob that does not parse is the native core's RangeError. */
function walkRules(o: WalkOptions, root: string): WalkRules {
  const compiled = <T>(make: () => T): T => {
    try {
      return make();
    } catch (e) {
      throw e instanceof OverrideError ? e.asRangeError() : e;
    }
  };
  return {
    ignoreFiles: o.ignoreFiles ?? true,
    vcsIgnoreFiles: o.vcsIgnoreFiles ?? true,
    extraIgnoreFiles: (o.extraIgnoreFiles ?? []).map(byteString),
    overrides: compiled(() =>
      buildOverride(o.cwd === undefined ? root : byteString(o.cwd), o.globs ?? [], o.iglobs ?? [], o.excludes ?? []),
    ),
    types: compiled(() => buildTypes(o.types ?? [])),
    maxDepth: o.maxDepth,
    filesOnly: o.filesOnly ?? false,
    maxFilesize: o.maxFilesize,
  };
}

/** A path string (lone surrogates as bytes, see path-bytes.ts) as a byte string. */
const byteString = (s: string) => bytesOfPath(s).toString('latin1');

/** The portable back end. */
export const portableBackend: Backend = {
  name: 'portable',

  kernels: () => [PORTABLE_KERNEL],

  createCounter: (what, min, reset) =>
    new PortableCounter(what, min, reset as PortableCounter['reset']) as unknown as CounterHandle,

  hasCount: (counter, input) => evaluate(counterOf(counter), bytesOf(input), false).matched,

  evaluate: (counter, input, m) =>
    evaluationOf(evaluate(counterOf(counter), bytesOf(input), m.full, m.maxHits, m.histogram ?? false)),

  createScanner: (counter, m) =>
    new PortableScanner(counterOf(counter), m.full, m.maxHits, m.histogram ?? false) as unknown as ScannerHandle,

  scannerFeed: (scanner, chunk) => scannerOf(scanner).feed(bytesOf(chunk)),

  scannerFinish: (scanner, asciiWidth) => {
    const s = scannerOf(scanner);
    if (asciiWidth !== undefined) s.setAsciiWidth(asciiWidth);
    return evaluationOf(s.finish());
  },

  scanBatch(paths, handles, options): NativeBatch {
    const counters = handles.length;
    const stride = HEADER_FIELDS + COUNTER_FIELDS * counters;
    let numbers = new Float64Array(0);
    const hits: number[] = [];
    const histograms: number[] = [];
    const errors: NativeError[] = [];
    let count = 0;
    const o = scanPaths(paths, handles, options, (i, _path, rec, size) => {
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

  createWalker(display, root, hidden, follow, options) {
    const rootBytes = byteString(root);
    const walker = new Walker(pathText(display), rootBytes, hidden, follow, walkRules(options ?? {}, rootBytes));
    return walker as unknown as WalkerHandle;
  },

  walkNext(walker, max) {
    const w = walkerOf(walker);
    const out: WalkSink = { files: [], regular: [], errors: [], badLines: [] };
    w.next(max, out);
    return {
      files: out.files.join('\0'),
      regular: Uint8Array.from(out.regular),
      errors: out.errors.map((e) => ({ ...errorObject(e), path: e.path })),
      badLines: out.badLines.map((b) => ({ ...b, file: textOfByteString(b.file) })),
      done: w.isDone(),
    };
  },
};

/** The portable back end's test hooks (see `TestHooks`). */
export const portableTestHooks: TestHooks = {
  scanFiles(paths, counters, options = {}): FileResult[] {
    const out: FileResult[] = [];
    scanPaths(paths, counters, options, (i, path, rec) => {
      const r: FileResult = typeof paths === 'string' ? { bytes: rec.bytes } : { path, bytes: rec.bytes };
      if (rec.status === STATUS_SCANNED) r.counters = rec.counters!.map(evaluationOf);
      else if (rec.error) r.error = errorObject(rec.error);
      else r.skipped = SKIP_REASONS[rec.status - 1]!;
      out[i] = r;
    });
    return out;
  },

  seedHasCount: (counter, input) => seedHasCount(counterOf(counter), bytesOf(input)),
};
