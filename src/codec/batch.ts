/**
 * codec: the one home of the compact batch format that the native core returns
 * (`NativeBatch`), of how it becomes records, and of how it travels between machines.
 *
 * Per file the batch holds `HEADER_FIELDS` numbers (bytes, status) and then
 * `COUNTER_FIELDS` per counter (matched, offset, line, occurrences, segments; `ABSENT` for
 * null). A batch that lists every hit also has `hits`: per scanned file, per counter,
 * `HIT_HEADER_FIELDS` numbers (hits listed, truncated) and `HIT_FIELDS` per hit (offset,
 * line). A histogram batch also has `histograms`: per scanned file, per counter,
 * `HISTOGRAM_HEADER_FIELDS` numbers (distinct counts listed) and `HISTOGRAM_FIELDS` per count
 * (k, segments holding exactly k). The layout's constants are generated from the Rust side (`wire-format.ts`).
 */
import { hasEscapes, pathOf, recordPath } from '../core/path-bytes.js';
import { fileErrorOf } from '../core/fs-error.js';
import type { ReadRules } from '../core/spec.js';
import type {
  AnyRecord,
  CounterResult,
  Evaluation,
  FileError,
  FileRecord,
  Histogram,
  NativeBatch,
  NativeError,
  SegmentHit,
  SkipReason,
} from '../core/types.js';
import {
  ABSENT,
  COUNTER_FIELDS,
  HEADER_FIELDS,
  HISTOGRAM_FIELDS,
  HISTOGRAM_HEADER_FIELDS,
  HIT_FIELDS,
  HIT_HEADER_FIELDS,
  SKIP_REASONS,
  STATUS_FAILED,
  STATUS_SCANNED,
} from '../core/wire-format.js';

/**
 * A batch's parts of variable length: per scanned file, per counter, `header` numbers, the
 * first of which says how many entries of `fields` numbers follow.
 */
interface Section {
  name: 'hits' | 'histograms';
  header: number;
  fields: number;
  /** Whether the header at `at` is well formed (beyond its count). */
  valid(numbers: Float64Array, at: number): boolean;
}

export const SECTIONS: readonly Section[] = [
  {
    name: 'hits',
    header: HIT_HEADER_FIELDS,
    fields: HIT_FIELDS,
    valid: (numbers, at) => numbers[at + 1] === 0 || numbers[at + 1] === 1,
  },
  { name: 'histograms', header: HISTOGRAM_HEADER_FIELDS, fields: HISTOGRAM_FIELDS, valid: () => true },
];

/** Which variable-length parts a run's batches have. */
export interface BatchParts {
  /** Every hit (read option `maxHits`). */
  hits: boolean;
  /** Histograms (read option `histogram`). */
  histograms: boolean;
}

/** The parts the batches of a scan with these read options have. */
export function partsOf(read: { maxHits?: number | undefined; histogram?: boolean | undefined }): BatchParts {
  return { hits: read.maxHits !== undefined, histograms: read.histogram === true };
}

export const sectionsOf = (parts: BatchParts) => SECTIONS.filter((s) => parts[s.name]);

/** Numbers per file for `counters` counters. */
export const strideOf = (counters: number) => HEADER_FIELDS + COUNTER_FIELDS * counters;

/**
 * Orders records by path (code-unit order, the same on every run; a name that is not
 * UTF-8 by its escaped form, see path-bytes.ts).
 */
export function byPath(
  a: { path: string; pathBytes?: Uint8Array },
  b: { path: string; pathBytes?: Uint8Array },
): number {
  const p = a.pathBytes ? pathOf(a) : a.path;
  const q = b.pathBytes ? pathOf(b) : b.path;
  return p < q ? -1 : p > q ? 1 : 0;
}

const NO_MATCH: CounterResult = { matched: false, offset: null, line: null };

/**
 * A record in the run's shape: with one counter, its fields move up into the record. A
 * path that is not UTF-8 gets its `pathBytes`.
 */
export function shaped(path: string, bytes: number, results: CounterResult[], multi: boolean): AnyRecord {
  // No spread of a second object: it would cost ten times the record (V8's slow clone path).
  const r: AnyRecord = multi ? { path, bytes, counters: results } : { path, ...results[0]!, bytes };
  if (hasEscapes(path)) Object.assign(r, recordPath(path));
  return r;
}

/** The record of a path that failed before it could be read. */
export function failedRecord(path: string, error: FileError, counters: number, multi: boolean): AnyRecord {
  const r = shaped(
    path,
    0,
    Array.from({ length: counters }, () => ({ ...NO_MATCH })),
    multi,
  );
  r.error = error;
  return r;
}

const absent = (x: number) => (x === ABSENT ? null : x);

/**
 * How to read a run's batches into records: `counters` results each, flat for one counter
 * unless `multi`; occurrences and segments with `full`, every hit with `maxHits`, a
 * histogram with `histogram` (the read rules that made the batches).
 */
export interface RecordShape extends Pick<ReadRules, 'full' | 'maxHits' | 'histogram'> {
  counters: number;
  multi: boolean;
}

/** `(k, segments)` pairs as a histogram: keys are the decimal k, in increasing order. */
export function histogramOf(pairs: ArrayLike<number>): Histogram {
  const h: Histogram = {};
  for (let j = 0; j + 1 < pairs.length; j += 2) h[pairs[j]!] = pairs[j + 1]!;
  return h;
}

/** Reads a batch's `histograms` from the front, one counter's histogram at a time. */
class HistogramReader {
  private at = 0;
  constructor(private readonly numbers: Float64Array) {}

  next(into: CounterResult): void {
    const from = this.at + HISTOGRAM_HEADER_FIELDS;
    this.at = from + HISTOGRAM_FIELDS * this.numbers[this.at]!;
    into.histogram = histogramOf(this.numbers.subarray(from, this.at));
  }

  /** Goes past one counter's histogram without reading it. */
  skip(): void {
    this.at += HISTOGRAM_HEADER_FIELDS + HISTOGRAM_FIELDS * this.numbers[this.at]!;
  }
}

/** Reads a batch's `hits` from the front, one counter's list at a time. */
class HitReader {
  private at = 0;
  constructor(private readonly hits: Float64Array) {}

  next(into: CounterResult): void {
    const listed = this.hits[this.at]!;
    const truncated = this.hits[this.at + 1] === 1;
    let p = this.at + HIT_HEADER_FIELDS;
    const list: SegmentHit[] = new Array(listed);
    for (let j = 0; j < listed; j++, p += HIT_FIELDS) list[j] = { offset: this.hits[p]!, line: this.hits[p + 1]! };
    this.at = p;
    into.hits = list;
    if (truncated) into.hitsTruncated = true;
  }

  /** Goes past one counter's list without reading it. */
  skip(): void {
    this.at += HIT_HEADER_FIELDS + HIT_FIELDS * this.hits[this.at]!;
  }
}

/** Whether some counter of the file at `at` reached its threshold. */
function matchedAny(numbers: Float64Array, at: number, counters: number): boolean {
  for (let k = 0; k < counters; k++) if (numbers[at + HEADER_FIELDS + COUNTER_FIELDS * k] === 1) return true;
  return false;
}

/**
 * A batch read file by file: the one reader of the layout outside the decoding below, for
 * whoever needs a batch's figures without records (the summary, the coordinator's byte
 * count). File `i` is `0 ≤ i < count`; counter `k` is `0 ≤ k < counters`.
 */
export class BatchView {
  readonly count: number;
  private readonly numbers: Float64Array;
  private readonly stride: number;

  constructor(
    readonly batch: NativeBatch,
    readonly counters: number,
  ) {
    this.count = batch.count;
    this.numbers = batch.numbers;
    this.stride = strideOf(counters);
  }

  /** Bytes read from file `i`. */
  bytes(i: number): number {
    return this.numbers[i * this.stride]!;
  }

  /** Bytes read from every file of the batch. */
  totalBytes(): number {
    let bytes = 0;
    for (let i = 0; i < this.count; i++) bytes += this.numbers[i * this.stride]!;
    return bytes;
  }

  /** What became of file `i`: read and counted, failed, or the reason it was skipped. */
  outcome(i: number): 'scanned' | 'failed' | SkipReason {
    const status = this.numbers[i * this.stride + 1]!;
    return status === STATUS_SCANNED ? 'scanned' : status === STATUS_FAILED ? 'failed' : SKIP_REASONS[status - 1]!;
  }

  /** Whether counter `k` reached its threshold in file `i`. */
  matched(i: number, k: number): boolean {
    return this.numbers[i * this.stride + HEADER_FIELDS + COUNTER_FIELDS * k] === 1;
  }

  /**
   * Each scanned file's histogram per counter, in file and counter order: `add(k, counts,
   * segments)` for every count held (the batch must have `histograms`).
   */
  eachHistogram(add: (counter: number, count: number, segments: number) => void): void {
    const h = this.batch.histograms;
    if (!h) return;
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      if (this.numbers[i * this.stride + 1] !== STATUS_SCANNED) continue;
      for (let k = 0; k < this.counters; k++) {
        const end = at + HISTOGRAM_HEADER_FIELDS + HISTOGRAM_FIELDS * h[at]!;
        for (let p = at + HISTOGRAM_HEADER_FIELDS; p < end; p += HISTOGRAM_FIELDS) add(k, h[p]!, h[p + 1]!);
        at = end;
      }
    }
  }
}

/** Whether a text report prints the record: its file matched (some counter) or failed. */
export function isReported(r: AnyRecord): boolean {
  return r.error !== undefined || ('counters' in r ? r.counters.some((c) => c.matched) : r.matched);
}

/**
 * Records from a batch, in the run's shape (flat for one counter); with `reportedOnly`,
 * only those of the files that matched (some counter) or failed — what a text report
 * prints — and no object at all for the others.
 */
export function decodeBatch(
  paths: readonly string[],
  batch: NativeBatch,
  shape: RecordShape,
  reportedOnly = false,
): AnyRecord[] {
  const { numbers } = batch;
  const { counters, multi, full } = shape;
  const stride = strideOf(counters);
  const errors = batch.errors.length ? new Map(batch.errors.map((e) => [e.index, fileErrorOf(e)])) : undefined;
  const hits = shape.maxHits !== undefined && batch.hits ? new HitReader(batch.hits) : undefined;
  const histograms = shape.histogram && batch.histograms ? new HistogramReader(batch.histograms) : undefined;
  const out: AnyRecord[] = [];
  for (let i = 0; i < batch.count; i++) {
    const at = i * stride;
    const status = numbers[at + 1]!;
    const scanned = status === STATUS_SCANNED;
    if (reportedOnly && status !== STATUS_FAILED && !matchedAny(numbers, at, counters)) {
      if (hits && scanned) for (let k = 0; k < counters; k++) hits.skip();
      if (histograms && scanned) for (let k = 0; k < counters; k++) histograms.skip();
      continue;
    }
    const path = paths[i]!;
    const bytes = numbers[at]!;
    const figures = full && scanned;
    let rec: AnyRecord;
    if (multi) {
      const results: CounterResult[] = new Array(counters);
      for (let k = 0; k < counters; k++) {
        const r = putCounter({}, numbers, at + HEADER_FIELDS + COUNTER_FIELDS * k, figures);
        if (hits && scanned) hits.next(r);
        if (histograms && scanned) histograms.next(r);
        results[k] = r;
      }
      rec = { path, bytes, counters: results };
    } else {
      // Keys in the order of `{ path, ...result, bytes }`: it is the order of the JSON output.
      const r: { path: string; bytes?: number } & CounterResult = putCounter(
        { path },
        numbers,
        at + HEADER_FIELDS,
        figures,
      );
      if (hits && scanned) hits.next(r);
      if (histograms && scanned) histograms.next(r);
      r.bytes = bytes;
      rec = r as FileRecord;
    }
    if (hasEscapes(path)) Object.assign(rec, recordPath(path));
    if (status === STATUS_FAILED) rec.error = errors!.get(i)!;
    else if (!scanned) rec.skipped = SKIP_REASONS[status - 1]!;
    out.push(rec);
  }
  return out;
}

/**
 * One counter's result from the numbers at `c`, with occurrences and segments when
 * `figures`, written into `into` (after the keys it has: a record's `path`).
 */
function putCounter<T extends object>(into: T, numbers: Float64Array, c: number, figures: boolean): T & CounterResult {
  const r = into as T & CounterResult;
  r.matched = numbers[c] === 1;
  r.offset = absent(numbers[c + 1]!);
  r.line = absent(numbers[c + 2]!);
  if (figures) {
    r.occurrences = numbers[c + 3]!;
    r.segments = numbers[c + 4]!;
  }
  return r;
}

const NOTHING = new Float64Array(0);

/**
 * Each file's part of a batch's `section` (empty for files that were not scanned), or
 * `undefined` when the section does not hold exactly what the batch's scanned files need.
 */
export function sectionSlices(batch: NativeBatch, counters: number, section: Section): Float64Array[] | undefined {
  const { numbers } = batch;
  const part = batch[section.name];
  const stride = strideOf(counters);
  const slices: Float64Array[] = new Array(batch.count);
  let at = 0;
  for (let i = 0; i < batch.count; i++) {
    if (numbers[i * stride + 1] !== STATUS_SCANNED) {
      slices[i] = NOTHING;
      continue;
    }
    if (!part) return undefined;
    const from = at;
    for (let k = 0; k < counters; k++) {
      const listed = part[at];
      if (listed === undefined || !Number.isInteger(listed) || listed < 0 || !section.valid(part, at)) return undefined;
      at += section.header + section.fields * listed;
      if (at > part.length) return undefined;
    }
    slices[i] = part.subarray(from, at);
  }
  return at === (part?.length ?? 0) ? slices : undefined;
}

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Builds one batch for `size` paths from the batches of its parts, each placed at the
 * positions it was given: a queue worker answers its job's paths in the job's order
 * however its threads split and retried them.
 */
export class BatchBuilder {
  private readonly numbers: Float64Array;
  private readonly errors: NativeError[] = [];
  private readonly stride: number;
  /** Per variable-length section the batch has: each position's part of it. */
  private readonly sections: [Section, Float64Array[]][];

  constructor(
    readonly size: number,
    private readonly counters: number,
    parts: BatchParts = { hits: false, histograms: false },
  ) {
    this.stride = strideOf(counters);
    this.numbers = new Float64Array(size * this.stride);
    this.sections = sectionsOf(parts).map((s) => [s, new Array<Float64Array>(size).fill(NOTHING)]);
  }

  /** Copies file i of `batch` to position `at[i]`. */
  put(at: ArrayLike<number>, batch: NativeBatch): void {
    const s = this.stride;
    for (let i = 0; i < batch.count; i++) this.numbers.set(batch.numbers.subarray(i * s, (i + 1) * s), at[i]! * s);
    for (const e of batch.errors) this.errors.push({ index: at[e.index]!, ...fileErrorOf(e) });
    for (const [section, parts] of this.sections) {
      const slices = sectionSlices(batch, this.counters, section);
      if (!slices) throw new Error(`a batch without the ${section.name} its scanned files need`);
      slices.forEach((slice, i) => (parts[at[i]!] = slice));
    }
  }

  /** Position `at` failed before it could be read. */
  fail(at: number, error: FileError): void {
    const row = this.numbers.subarray(at * this.stride, (at + 1) * this.stride);
    row.fill(ABSENT);
    row[0] = 0;
    row[1] = STATUS_FAILED;
    for (let k = 0; k < (this.stride - HEADER_FIELDS) / COUNTER_FIELDS; k++)
      row[HEADER_FIELDS + COUNTER_FIELDS * k] = 0;
    this.errors.push({ index: at, ...error });
    for (const [, parts] of this.sections) parts[at] = NOTHING;
  }

  build(): NativeBatch {
    const batch: NativeBatch = { count: this.size, numbers: this.numbers, errors: this.errors };
    for (const [section, parts] of this.sections) batch[section.name] = concat(parts);
    return batch;
  }
}

/**
 * Builds a batch one file after another, for files scanned outside the native reader
 * (decompressed or decoded on the JavaScript side), joined with the native reader's
 * batches for the files around them.
 */
export class BatchWriter {
  private numbers: number[] = [];
  private readonly errors: NativeError[] = [];
  private readonly hits: number[] | undefined;
  private readonly histograms: number[] | undefined;
  private count = 0;
  /** Bytes read by the files so far. */
  bytes = 0;
  /** Hits listed by the files so far (with `listsHits`). */
  hitsListed = 0;

  constructor(
    private readonly counters: number,
    parts: BatchParts = { hits: false, histograms: false },
  ) {
    this.hits = parts.hits ? [] : undefined;
    this.histograms = parts.histograms ? [] : undefined;
  }

  /** A scanned file: its evaluations (hits as offset, line pairs), in counter order. */
  scanned(bytes: number, results: readonly Evaluation[]): void {
    this.row(bytes, STATUS_SCANNED);
    for (const r of results) {
      this.numbers.push(
        r.matched ? 1 : 0,
        r.offset ?? ABSENT,
        r.line ?? ABSENT,
        r.occurrences ?? ABSENT,
        r.segments ?? ABSENT,
      );
      if (this.histograms) {
        const pairs = r.histogram ?? NOTHING;
        this.histograms.push(pairs.length / HISTOGRAM_FIELDS);
        for (const x of pairs) this.histograms.push(x);
      }
      if (!this.hits) continue;
      const pairs = r.hits ?? NOTHING;
      this.hits.push(pairs.length / HIT_FIELDS, r.hitsTruncated ? 1 : 0);
      for (const x of pairs) this.hits.push(x);
      this.hitsListed += pairs.length / HIT_FIELDS;
    }
  }

  skipped(bytes: number, reason: SkipReason): void {
    this.row(bytes, 1 + SKIP_REASONS.indexOf(reason));
    this.nothing();
  }

  failed(bytes: number, error: FileError): void {
    this.errors.push({ index: this.count, ...error });
    this.row(bytes, STATUS_FAILED);
    this.nothing();
  }

  /** The files of a native batch, after those so far. */
  append(batch: NativeBatch): void {
    for (const e of batch.errors) this.errors.push({ ...e, index: this.count + e.index });
    this.bytes += new BatchView(batch, this.counters).totalBytes();
    for (const x of batch.numbers.subarray(0, batch.count * strideOf(this.counters))) this.numbers.push(x);
    if (this.hits && batch.hits) {
      for (let at = 0; at < batch.hits.length;) {
        const listed = batch.hits[at]!;
        this.hitsListed += listed;
        at += HIT_HEADER_FIELDS + HIT_FIELDS * listed;
      }
      for (const x of batch.hits) this.hits.push(x);
    }
    if (this.histograms && batch.histograms) for (const x of batch.histograms) this.histograms.push(x);
    this.count += batch.count;
  }

  build(): NativeBatch {
    const batch: NativeBatch = { count: this.count, numbers: Float64Array.from(this.numbers), errors: this.errors };
    if (this.hits) batch.hits = Float64Array.from(this.hits);
    if (this.histograms) batch.histograms = Float64Array.from(this.histograms);
    return batch;
  }

  private row(bytes: number, status: number): void {
    this.numbers.push(bytes, status);
    this.bytes += bytes;
    this.count++;
  }

  /** "Not matched" for every counter, as the native reader writes for a file without results. */
  private nothing(): void {
    for (let k = 0; k < this.counters; k++) this.numbers.push(0, ABSENT, ABSENT, ABSENT, ABSENT);
  }
}
