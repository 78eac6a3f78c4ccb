/**
 * `Counter` and `Reset`: the seed's API, backed by the native kernel.
 *
 * ```ts
 * new Counter('c', 3, Reset.NewlinesReset).hasCount('hello-c-c-c-goodbye'); // true
 * ```
 */
import { Writable } from 'node:stream';
import { native, type NativeCounter, type NativeEvaluation, type NativeScanner } from './native.js';
import { histogramOf } from './codec.js';
import type { CounterResult, FullScan, Hit, Histogram, KernelName, SegmentHit } from './types.js';
import { checkBoolean, checkChar, checkInput, checkInteger, show } from './validate.js';
import { RESET_CODES } from './wire-format.js';

/** When the running count starts again from zero (the codes are native/src/wire.rs's). */
export const Reset = {
  /** At every `\n`: does some line hold `min` of `what`? */
  NewlinesReset: RESET_CODES.NewlinesReset,
  /** At every space (U+0020): does some word hold `min` of `what`? */
  SpacesReset: RESET_CODES.SpacesReset,
  /** Never: does the whole input hold `min` of `what`? */
  NoReset: RESET_CODES.NoReset,
} as const;
export type Reset = (typeof Reset)[keyof typeof Reset];

/** `Reset`'s member names, by code. */
const MEMBERS = Object.keys(RESET_CODES) as (keyof typeof RESET_CODES)[];

export function checkReset(name: string, value: unknown): Reset {
  if (typeof value === 'number' && MEMBERS[value] !== undefined) return value as Reset;
  throw new RangeError(`${name} must be Reset.NewlinesReset, Reset.SpacesReset or Reset.NoReset, got ${show(value)}`);
}

export interface CounterOptions {
  /** Pin a kernel back end (tests and benchmarks); default: the fastest available. */
  kernel?: KernelName;
}

/** Hits listed per input (a file, a stream) unless `maxHits` says otherwise. */
export const DEFAULT_MAX_HITS = 10_000;

/** (offset, line) pairs as `SegmentHit`s. */
export function segmentHits(pairs: Float64Array): SegmentHit[] {
  const list: SegmentHit[] = new Array(pairs.length / 2);
  for (let j = 0; j < list.length; j++) list[j] = { offset: pairs[2 * j]!, line: pairs[2 * j + 1]! };
  return list;
}

/** A native evaluation with its hits (if it lists them) as `SegmentHit`s, its histogram as an object. */
export function counterResult(e: NativeEvaluation): CounterResult {
  const { hits, hitsTruncated, histogram, ...rest } = e;
  const r: CounterResult = rest;
  if (histogram) r.histogram = histogramOf(histogram);
  if (!hits) return r;
  r.hits = segmentHits(hits);
  if (hitsTruncated) r.hitsTruncated = true;
  return r;
}

/** Options of `Counter.stream()`. */
export interface StreamOptions {
  /** Count occurrences and segments too (the stream never settles early). */
  full?: boolean;
  /** List every hit: `result()` has `hits` (and `hitsTruncated` past `maxHits`). */
  allHits?: boolean;
  /**
   * With `allHits`: most hits listed; past it the list is cut, and the stream settles
   * (unless `full`).
   * @default 10_000
   */
  maxHits?: number;
  /** Count segments per count held: `result()` has `histogram` (the stream never settles early). */
  histogram?: boolean;
}

/** Kernel back ends this CPU can run, fastest first. */
export function availableKernels(): KernelName[] {
  return native.kernels();
}

export class Counter {
  readonly what: string;
  readonly min: number;
  readonly reset: Reset;
  readonly kernel: KernelName;
  /** @internal */
  readonly handle: NativeCounter;

  /**
   * @param what exactly one character (Unicode scalar value)
   * @param min the threshold: a non-negative integer up to 2^53-1
   * @param reset when the count starts again (default: at every newline)
   */
  constructor(what: string, min: number, reset: Reset = Reset.NewlinesReset, options: CounterOptions = {}) {
    this.what = checkChar('what', what);
    this.min = checkInteger('min', min);
    this.reset = checkReset('reset', reset);
    const kernels = native.kernels();
    if (options.kernel !== undefined && !kernels.includes(options.kernel)) {
      throw new RangeError(`options.kernel must be one of ${kernels.join(', ')}, got ${show(options.kernel)}`);
    }
    this.kernel = options.kernel ?? kernels[0]!;
    this.handle = native.createCounter(this.what, this.min, this.reset, this.kernel);
  }

  /** True iff `what` reaches `min` in some segment of `input`. */
  hasCount(input: string | Uint8Array): boolean {
    return native.hasCount(this.handle, checkInput('input', input));
  }

  /** Where the threshold is first reached; stops there. */
  firstHit(input: string | Uint8Array): Hit {
    return native.evaluate(this.handle, checkInput('input', input), false);
  }

  /** The first hit plus occurrences and segments: reads all of `input`. */
  fullScan(input: string | Uint8Array): FullScan {
    return native.evaluate(this.handle, checkInput('input', input), true) as FullScan;
  }

  /**
   * Every hit: where each segment (line, word, or the whole input) reaches the threshold,
   * in input order — one per segment that `fullScan` counts. Reads all of `input`.
   */
  allHits(input: string | Uint8Array): SegmentHit[] {
    return segmentHits(native.evaluate(this.handle, checkInput('input', input), false, Number.MAX_SAFE_INTEGER).hits!);
  }

  /**
   * How many segments (lines, words, or the whole input) hold exactly k of `what`, for
   * every k held by some segment: `{ "0": 12, "3": 4 }` (contract §1.6). Reads all of `input`.
   */
  histogram(input: string | Uint8Array): Histogram {
    return histogramOf(native.evaluate(this.handle, checkInput('input', input), true, undefined, true).histogram!);
  }

  /** Evaluates input that arrives in chunks; any chunking gives the same answer. */
  stream(options: StreamOptions = {}): CounterStream {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`options must be an object, got ${show(options)}`);
    }
    const full = options.full === undefined ? false : checkBoolean('full', options.full);
    const allHits = options.allHits === undefined ? false : checkBoolean('allHits', options.allHits);
    if (options.maxHits !== undefined && !allHits) {
      throw new TypeError(`maxHits needs allHits: true, got maxHits ${show(options.maxHits)} without it`);
    }
    const maxHits = allHits ? checkInteger('maxHits', options.maxHits ?? DEFAULT_MAX_HITS, 1) : undefined;
    const histogram = options.histogram === undefined ? false : checkBoolean('histogram', options.histogram);
    if (histogram && allHits) throw new TypeError('histogram cannot be combined with allHits: true');
    return new CounterStream(native.createScanner(this.handle, full, maxHits, histogram), full || histogram);
  }

  toString(): string {
    return `Counter(${JSON.stringify(this.what)}, ${this.min}, Reset.${MEMBERS[this.reset]})`;
  }

  toJSON(): { what: string; min: number; reset: string } {
    return { what: this.what, min: this.min, reset: MEMBERS[this.reset]! };
  }
}

/**
 * A counter fed in chunks: a `Writable` stream, so that
 * `await pipeline(createReadStream(file), counter.stream())` counts a file (or a socket, a
 * response body…), and `write()` works by hand as well. Each chunk is counted as it is
 * written (synchronously, unless the stream is corked); `result()` gives the answer for
 * everything written so far, and `settled` says when it can no longer change.
 */
export class CounterStream extends Writable {
  /** A high surrogate that ended the last string chunk: its pair may start the next one. */
  private pending = '';
  private done = false;

  /** Made by `counter.stream()`. */
  constructor(
    private readonly scanner: NativeScanner,
    readonly full: boolean,
  ) {
    // Strings are kept as strings: one split inside a surrogate pair is joined again below.
    super({ decodeStrings: false });
  }

  /**
   * True once the answer can no longer change (a first-hit stream after its hit; an
   * `allHits` stream once it has more than `maxHits`; never for a `full` stream): what is
   * written after it is ignored.
   */
  get settled(): boolean {
    return this.done;
  }

  /**
   * Counts a chunk. String chunks may split a surrogate pair: the high half waits for the
   * next chunk (as `TextEncoderStream` does); one left without its pair counts as U+FFFD.
   * @internal
   */
  override _write(chunk: string | Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      if (typeof chunk !== 'string') {
        this.flushPending();
        this.feed(chunk);
      } else if (encoding !== 'utf8' && encoding !== 'utf-8') {
        // `write(hex, 'hex')`: the string stands for bytes.
        this.flushPending();
        this.feed(Buffer.from(chunk, encoding));
      } else {
        let text = this.pending + chunk;
        this.pending = '';
        const last = text.charCodeAt(text.length - 1);
        if (last >= 0xd800 && last <= 0xdbff) {
          this.pending = text.slice(-1);
          text = text.slice(0, -1);
        }
        if (text !== '') this.feed(text);
      }
      callback();
    } catch (e) {
      callback(e as Error);
    }
  }

  /** @internal */
  override _final(callback: (error?: Error | null) => void): void {
    try {
      this.flushPending();
      callback();
    } catch (e) {
      callback(e as Error);
    }
  }

  /**
   * The answer for everything written so far (`occurrences`/`segments` if `full`, `hits`
   * with `allHits`); final once the stream has finished (`await pipeline(…)`, or the
   * `'finish'` event).
   */
  result(): CounterResult {
    this.flushPending();
    return counterResult(native.scannerFinish(this.scanner));
  }

  private feed(input: string | Uint8Array): void {
    if (!this.done && native.scannerFeed(this.scanner, input)) this.done = true;
  }

  /** A high surrogate with no pair to come is fed alone (the encoder makes it U+FFFD). */
  private flushPending(): void {
    if (!this.pending) return;
    const lone = this.pending;
    this.pending = '';
    this.feed(lone);
  }
}
