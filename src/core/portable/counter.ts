/**
 * The portable counter: contract §1 as a byte search, in TypeScript, with exactly the
 * answers of the native kernel (`native/src/kernel/`).
 *
 * Like the native kernel it decodes nothing: UTF-8 is self-synchronising and both reset
 * characters are ASCII, so a search for the encoding of `what` finds exactly the characters
 * equal to it (contract §1.3). Where the native kernel masks 64 bytes at a time, this one
 * jumps from one interesting byte to the next with `Buffer#indexOf` (memchr, or a string
 * search for a multi-byte `what`): the work is a few calls per occurrence of `what` instead
 * of a step per byte, several times faster in V8 than any per-byte loop. Line numbers are
 * counted only when they can still be needed: up to the hit, or over a chunk when more
 * input may follow.
 *
 * Streaming follows the native `Scanner`: the count, the line number and the last
 * `needle.length - 1` bytes of a chunk (which may start a `what` that ends in the next one)
 * carry over, so any chunking gives the same answer (contract §1.5).
 */
import { isUtf8 } from 'node:buffer';
import type { CounterResult } from '../types.js';
import { RESET_BYTES } from '../wire-format.js';

const NEWLINE = 0x0a;

/** The one kernel of the portable back end. */
export const PORTABLE_KERNEL = 'typescript';

/** A counter's configuration: the portable twin of the native `Config`. */
export class PortableCounter {
  /** `what` encoded as UTF-8: 1 to 4 bytes. */
  readonly needle: Buffer;
  /** Its first byte. */
  readonly first: number;
  /** The reset byte, or -1 for none. */
  readonly resetByte: number;

  constructor(
    readonly what: string,
    readonly min: number,
    readonly reset: 0 | 1 | 2,
  ) {
    this.needle = Buffer.from(what, 'utf8');
    this.first = this.needle[0]!;
    this.resetByte = RESET_BYTES[reset];
  }
}

/** Bytes equal to `byte` in `data[from, to)`. */
function countByte(data: Buffer, byte: number, from: number, to: number): number {
  let n = 0;
  for (let p = data.indexOf(byte, from); p >= 0 && p < to; p = data.indexOf(byte, p + 1)) n++;
  return n;
}

/** A `Buffer` over the same bytes (no copy): `Buffer#indexOf` is the fast search. */
export function asBuffer(input: Uint8Array): Buffer {
  return Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

/**
 * Every hit of a collecting scan, as the native `HitLog` keeps them: one per segment that
 * reaches the threshold, at most `limit`; past it the list is marked truncated and, unless
 * the full-scan figures are wanted, the scan may stop.
 */
class HitLog {
  /** (offset, line) pairs. */
  readonly list: number[] = [];
  truncated = false;

  constructor(
    readonly limit: number,
    private readonly stopPastLimit: boolean,
  ) {}

  /** Records a hit; true when the scan may stop. */
  record(offset: number, line: number): boolean {
    if (this.list.length / 2 < this.limit) {
      this.list.push(offset, line);
      return false;
    }
    this.truncated = true;
    return this.stopPastLimit;
  }

  isOver(): boolean {
    return this.truncated && this.stopPastLimit;
  }

  get size(): number {
    return this.list.length / 2;
  }
}

/**
 * Segments per count held, as the native `Histogram` keeps them: a segment opens at byte 0
 * and at each reset character (which belongs to it), and closes at the next reset.
 */
class SegmentCounts {
  counts = new Map<number, number>();
  /** Occurrences in the open segment. */
  open = 0;
  /** Offset of the last reset character (-1: none yet). */
  lastReset = -1;

  /** A copy, for `finish` to go back to. */
  copy(): SegmentCounts {
    const c = new SegmentCounts();
    c.counts = new Map(this.counts);
    c.open = this.open;
    c.lastReset = this.lastReset;
    return c;
  }

  close(): void {
    this.counts.set(this.open, (this.counts.get(this.open) ?? 0) + 1);
    this.open = 0;
  }

  /**
   * `(k, segments)` pairs by increasing k, with the open segment unless the input is empty
   * or ends with a reset that opened an empty one (`asciiWidth`: bytes of that reset).
   */
  pairs(total: number, asciiWidth: number): number[] {
    const counts = new Map(this.counts);
    if (total > 0 && !(this.open === 0 && this.lastReset >= 0 && this.lastReset + asciiWidth === total)) {
      counts.set(this.open, (counts.get(this.open) ?? 0) + 1);
    }
    return [...counts.keys()].sort((a, b) => a - b).flatMap((k) => [k, counts.get(k)!]);
  }
}

/** One evaluation, with every hit when the scan collects them. */
export interface PortableEvaluation extends Omit<CounterResult, 'hits' | 'hitsTruncated' | 'histogram'> {
  /** (offset, line) pairs. */
  hits?: number[];
  hitsTruncated?: boolean;
  /** (k, segments) pairs by increasing k. */
  histogram?: number[];
}

/** Streaming evaluation of one counter over a sequence of chunks (the native `Scanner`). */
export class PortableScanner {
  /** Count in the open segment. */
  private count = 0;
  /** Whether the open segment already reached the threshold. */
  private segCounted = false;
  /** `\n` bytes before `pos`; kept only while a hit may still need them. */
  private lines = 0;
  private occurrences = 0;
  private segments = 0;
  /** Reset bytes (full scans with `min = 0`, whose segments they make). */
  private resets = 0;
  private hitOffset = -1;
  private hitLine = 0;
  /** Absolute offset of the first unresolved position. */
  private pos = 0;
  /** Bytes at the end of the last chunk that may start a `what` continuing in the next. */
  private readonly pending = Buffer.alloc(8);
  private pendingLen = 0;
  private total = 0;
  private firstByte = -1;
  /** The threshold the search compares against: none with `min = 0` (its hit needs no search). */
  private readonly limit: number;
  /** Every hit, when collected and `min > 0`. */
  private readonly log: HitLog | undefined;
  /**
   * With `min = 0` every segment reaches the threshold at its first character: at byte 0
   * and at each reset character. This scanner of the reset character (`min = 1`: each one
   * is a segment of its own) finds the latter when every hit is collected.
   */
  private readonly starts: PortableScanner | undefined;
  /** With `histogram`: segments per count held. */
  private segmentCounts: SegmentCounts | undefined;
  /** Bytes an ASCII character takes in the input (see `setAsciiWidth`). */
  private asciiWidth = 1;

  /**
   * `hitLimit`: collect every hit, at most this many (the native `Scanner::collecting`);
   * `histogram`: a full scan that also counts segments per count held (`Scanner::histogram`).
   */
  constructor(
    readonly counter: PortableCounter,
    readonly full: boolean,
    readonly hitLimit?: number,
    histogram = false,
  ) {
    if (histogram) {
      this.full = true;
      this.segmentCounts = new SegmentCounts();
    }
    this.limit = counter.min === 0 ? Infinity : counter.min;
    if (hitLimit !== undefined) {
      if (counter.min > 0) this.log = new HitLog(hitLimit, !full);
      else if (counter.reset !== 2) {
        const resets = new PortableCounter(counter.reset === 0 ? '\n' : ' ', 1, counter.reset);
        this.starts = new PortableScanner(resets, full, hitLimit);
      }
    }
  }

  /**
   * Bytes an ASCII character takes in what is fed: 1, or 3 for text transcoded with padded
   * units (core/decode.ts). A histogram needs it to know a last segment of only a reset.
   */
  setAsciiWidth(width: number): void {
    this.asciiWidth = width;
  }

  /** Whether the segment at byte 0 reaches a threshold of 0 there: the input does not begin with a reset. */
  private leadsWithASegment(): boolean {
    return this.firstByte >= 0 && this.firstByte !== this.counter.resetByte;
  }

  /**
   * True once the answer is known: later input cannot change it. Never for full scans; for
   * first-hit scans after the first hit; for collecting scans once their limit is passed.
   */
  isDone(): boolean {
    if (this.full) return false;
    if (this.hitLimit === undefined) return this.counter.min === 0 ? this.total > 0 : this.hitOffset >= 0;
    if (this.counter.min > 0) return this.log!.isOver();
    // No reset: one segment, whose hit is byte 0.
    if (!this.starts) return this.total > 0;
    const log = this.starts.log!;
    return log.isOver() || (this.leadsWithASegment() && log.size >= log.limit);
  }

  /**
   * Feeds the next chunk; returns `isDone()`. `last`: no input follows (so the lines of a
   * chunk without a hit need not be counted), for callers that know it.
   */
  feed(chunk: Uint8Array, last = false): boolean {
    if (chunk.length === 0 || this.isDone()) return this.isDone();
    const data = asBuffer(chunk);
    if (this.total === 0) this.firstByte = data[0]!;
    this.total += data.length;
    this.starts?.feed(data, last);
    if (this.counter.min === 0 && !this.full) return this.isDone();
    const k = this.counter.needle.length;
    if (this.pendingLen > 0) {
      // Resolve the positions held back from the previous chunk.
      const p = this.pendingLen;
      const take = Math.min(data.length, k - 1);
      const joined = Buffer.allocUnsafe(p + take);
      this.pending.copy(joined, 0, 0, p);
      data.copy(joined, p, 0, take);
      const resolvable = Math.min(Math.max(p + take + 1 - k, 0), p);
      this.run(joined, resolvable, true);
      if (resolvable < p) {
        // The chunk was too short to complete them: hold all of it back too.
        joined.copy(this.pending, 0, resolvable);
        this.pendingLen = joined.length - resolvable;
        return this.isDone();
      }
      this.pendingLen = 0;
      if (this.isDone()) return true;
    }
    const n = Math.max(data.length + 1 - k, 0);
    this.run(data, n, !last);
    data.copy(this.pending, 0, n);
    this.pendingLen = data.length - n;
    return this.isDone();
  }

  /**
   * Applies positions `[0, n)` of `data` (which holds at least `n + k - 1` bytes, so every
   * `what` starting there is whole) and moves `pos` past them. `countLines`: keep the line
   * count up to date even without a hit (more input may follow).
   */
  private run(data: Buffer, n: number, countLines: boolean): void {
    if (n <= 0) return;
    if (this.segmentCounts) this.countSegments(data, n, this.segmentCounts);
    const { needle, first, resetByte } = this.counter;
    const k = needle.length;
    const limit = this.limit;
    const full = this.full;
    const log = this.log;
    // With `what` equal to the reset character every occurrence is a reset too.
    const needleIsReset = k === 1 && first === resetByte;
    let count = this.count;
    let segCounted = this.segCounted;
    let occurrences = 0;
    // `\n` bytes counted in `data[0, linesTo)`, for the lines of hits.
    let linesTo = 0;
    let linesHere = 0;
    // The first reset after the last occurrence handled (-1: none before `n`).
    let r = resetByte < 0 || needleIsReset ? -1 : data.indexOf(resetByte, 0);
    if (r >= n) r = -1;
    let p = k === 1 ? data.indexOf(first, 0) : data.indexOf(needle, 0);
    while (p >= 0 && p < n) {
      if (needleIsReset) {
        count = 0;
        segCounted = false;
      } else if (r >= 0 && r < p) {
        count = 0;
        segCounted = false;
        r = data.indexOf(resetByte, p + 1);
        if (r >= n) r = -1;
      }
      count++;
      occurrences++;
      if (count >= limit && !segCounted) {
        // The segment reaches the threshold here: once per segment.
        segCounted = true;
        this.segments++;
        if (this.hitOffset < 0 || log) {
          linesHere += countByte(data, NEWLINE, linesTo, p);
          linesTo = p;
          const offset = this.pos + p;
          const line = this.lines + linesHere + 1;
          if (this.hitOffset < 0) {
            this.hitOffset = offset;
            this.hitLine = line;
          }
          if (log ? log.record(offset, line) : !full) {
            this.occurrences += occurrences;
            this.count = count;
            this.segCounted = segCounted;
            this.pos += n;
            return;
          }
        }
      }
      // Without the full-scan figures, the rest of a segment that has its hit, or is too
      // short to hold the occurrences still needed (each is `k` bytes), is skipped: a line
      // of 60 bytes never holds 40 commas more.
      const skip = !full && r >= 0 && (segCounted || r - p - k < (limit - count) * k);
      p = skip ? r + 1 : p + (k === 1 ? 1 : k);
      p = k === 1 ? data.indexOf(first, p) : data.indexOf(needle, p);
    }
    if (r >= 0) {
      // A reset after the last occurrence: the open segment is a new, empty one.
      count = 0;
      segCounted = false;
    }
    this.count = count;
    this.segCounted = segCounted;
    this.occurrences += occurrences;
    if (full && this.counter.min === 0 && resetByte >= 0) this.resets += countByte(data, resetByte, 0, n);
    // Past the first hit, lines still matter to a collecting scan only.
    if (countLines && (this.hitOffset < 0 || log)) this.lines += linesHere + countByte(data, NEWLINE, linesTo, n);
    this.pos += n;
  }

  /** The histogram's part of `run`: closes a segment at each reset before `n`, counts `what` in the open one. */
  private countSegments(data: Buffer, n: number, into: SegmentCounts): void {
    const { needle, first, resetByte } = this.counter;
    const k = needle.length;
    const next = (from: number) => {
      const p = k === 1 ? data.indexOf(first, from) : data.indexOf(needle, from);
      return p >= 0 && p < n ? p : -1;
    };
    const nextReset = (from: number) => {
      const r = resetByte < 0 ? -1 : data.indexOf(resetByte, from);
      return r >= 0 && r < n ? r : -1;
    };
    let p = next(0);
    let r = nextReset(0);
    for (;;) {
      // A reset opens its segment before `what` at the same byte counts in it.
      if (r >= 0 && (p < 0 || r <= p)) {
        into.close();
        into.lastReset = this.pos + r;
        r = nextReset(r + 1);
      } else if (p >= 0) {
        into.open++;
        p = next(p + k);
      } else break;
    }
  }

  /** The answer for everything fed so far (the scanner can go on). */
  finish(): PortableEvaluation {
    const { min, resetByte } = this.counter;
    const saved = [this.count, this.lines, this.occurrences, this.segments, this.resets, this.pos] as const;
    const savedSeg = this.segCounted;
    const savedHit = [this.hitOffset, this.hitLine] as const;
    const savedCounts = this.segmentCounts?.copy();
    if (this.pendingLen > 0 && !this.isDone()) {
      // No more bytes: held-back positions can only be resets or other characters.
      const padded = Buffer.alloc(this.pendingLen + 3);
      this.pending.copy(padded, 0, 0, this.pendingLen);
      this.run(padded, this.pendingLen, false);
    }
    let result: PortableEvaluation;
    if (min === 0) {
      const matched = this.total > 0;
      result = { matched, offset: matched ? 0 : null, line: matched ? 1 : null };
    } else {
      const matched = this.hitOffset >= 0;
      result = { matched, offset: matched ? this.hitOffset : null, line: matched ? this.hitLine : null };
    }
    if (this.full) {
      let segments: number;
      if (min > 0) segments = this.segments;
      else if (this.total === 0) segments = 0;
      // Every segment has a character, and so reaches a threshold of zero; one starts at
      // each reset and, unless it is a reset, at byte 0.
      else if (resetByte >= 0) segments = this.resets + (this.firstByte !== resetByte ? 1 : 0);
      else segments = 1;
      result.occurrences = this.occurrences;
      result.segments = segments;
    }
    if (this.hitLimit !== undefined) Object.assign(result, this.hits(this.hitLimit));
    if (this.segmentCounts) result.histogram = this.segmentCounts.pairs(this.total, this.asciiWidth);
    [this.count, this.lines, this.occurrences, this.segments, this.resets, this.pos] = saved;
    this.segCounted = savedSeg;
    [this.hitOffset, this.hitLine] = savedHit;
    this.segmentCounts = savedCounts;
    return result;
  }

  /** The hits of a collecting scan. */
  private hits(limit: number): { hits: number[]; hitsTruncated: boolean } {
    if (this.log) return { hits: [...this.log.list], hitsTruncated: this.log.truncated };
    // min = 0: a hit where each non-empty segment starts (contract §1.4, "Segments").
    const lead = this.leadsWithASegment() ? [0, 1] : [];
    const rest = this.starts ? this.starts.finish() : { hits: [], hitsTruncated: false };
    const list = [...lead, ...rest.hits!];
    const seen = list.length / 2;
    return { hits: list.slice(0, 2 * Math.min(limit, seen)), hitsTruncated: rest.hitsTruncated! || seen > limit };
  }
}

/** Evaluates `counter` over one in-memory input. */
export function evaluate(
  counter: PortableCounter,
  input: Uint8Array,
  full: boolean,
  hitLimit?: number,
  histogram = false,
): PortableEvaluation {
  const s = new PortableScanner(counter, full, hitLimit, histogram);
  s.feed(input, true);
  return s.finish();
}

/** The seed's char-by-char loop over valid UTF-8, ported as is (the kernel benchmark's baseline). */
export function seedHasCount(counter: PortableCounter, input: Uint8Array): boolean {
  const bytes = asBuffer(input);
  if (!isUtf8(bytes)) throw new TypeError('seedHasCount takes valid UTF-8 only');
  const { what, min, reset } = counter;
  let count = 0;
  for (const c of bytes.toString('utf8')) {
    if ((reset === 0 && c === '\n') || (reset === 1 && c === ' ')) count = 0;
    if (c === what) count++;
    if (count >= min) return true;
  }
  return false;
}
