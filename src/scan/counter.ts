/**
 * `Counter` and `Reset`: the seed's API, backed by the chosen back end's kernel. The
 * arguments are checked here, once: the back end takes them as they are.
 *
 * ```ts
 * new Counter('c', 3, 'newline').hasCount('hello-c-c-c-goodbye'); // true
 * ```
 */
import { Writable } from 'node:stream';
import type { Backend, CounterHandle, ScanMode, ScannerHandle } from '../backends/backend.js';
import { backend } from '../backends/select.js';
import { histogramOf } from '../codec/batch.js';
import type { CounterResult, Evaluation, FullScan, Hit, Histogram, KernelName, SegmentHit } from '../core/types.js';
import {
  checkBoolean,
  checkChar,
  checkInput,
  checkInteger,
  checkKeys,
  checkOptions,
  optionKeys,
  rangeError,
  show,
  typeError,
} from '../core/validate.js';
import { RESETS } from '../core/wire-format.js';

type ResetMode = (typeof RESETS)[number];

/**
 * When the running count starts again from zero: `'newline'` at every `\n` (does some line
 * hold `min` of `what`?), `'space'` at every space, U+0020 (some word?), `'none'` never (the
 * whole input?). The names of the command line's `--reset` and of `--json`'s query, from the
 * kernel's table (core/wire-format.ts).
 */
export type Reset = ResetMode['name'];

/**
 * The reset modes by their 0.1 names, kept as aliases: `Reset.NewlinesReset === 'newline'`,
 * `Reset.SpacesReset === 'space'`, `Reset.NoReset === 'none'`.
 */
export const Reset = Object.freeze(Object.fromEntries(RESETS.map((r) => [r.member, r.name]))) as {
  readonly [R in ResetMode as R['member']]: R['name'];
};

/**
 * The kernel's number for a mode (0, 1, 2), which 0.1's `Reset` members were. Still taken
 * where a reset is: `new Counter(',', 3, 0)` is `'newline'`.
 * @deprecated write the name (`'newline'`), or `Reset.NewlinesReset`
 */
export type ResetCode = ResetMode['code'];

/** A reset mode as a name or (from 0.1) its number, checked: its name. */
export function checkReset(name: string, value: unknown): Reset {
  const mode = RESETS.find((r) => r.name === value || r.code === value);
  if (mode) return mode.name;
  const names = RESETS.map((r) => `'${r.name}'`);
  throw rangeError(`${name} must be ${names.slice(0, -1).join(', ')} or ${names.at(-1)}, got ${show(value)}`);
}

/** The kernel's number for a reset mode (what crosses to the back ends and threads). @internal */
export function resetCode(reset: Reset): ResetCode {
  return RESETS.find((r) => r.name === reset)!.code;
}

export interface CounterOptions {
  /** Pin a kernel back end (tests and benchmarks); default: the fastest available. */
  kernel?: KernelName;
}

/** `CounterOptions` by name (an unknown key is refused). */
const COUNTER_OPTIONS = optionKeys<CounterOptions>({ kernel: 0 });

/** Hits listed per input (a file, a stream) unless `maxHits` says otherwise. */
export const DEFAULT_MAX_HITS = 10_000;

/** (offset, line) pairs as `SegmentHit`s. */
export function segmentHits(pairs: Float64Array): SegmentHit[] {
  const list: SegmentHit[] = new Array(pairs.length / 2);
  for (let j = 0; j < list.length; j++) list[j] = { offset: pairs[2 * j]!, line: pairs[2 * j + 1]! };
  return list;
}

/** An evaluation with its hits (if it lists them) as `SegmentHit`s, its histogram as an object. */
export function counterResult(e: Evaluation): CounterResult {
  const { hits, hitsTruncated, histogram, ...rest } = e;
  // The back end's figures agree with one another: offset and line are numbers iff matched.
  const r = rest as CounterResult;
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

/** Only this module makes streams (`new CounterStream()` elsewhere is refused). */
const MAKE = Symbol('CounterStream');

/** `StreamOptions` by name (an unknown key is refused). */
const STREAM_OPTIONS = optionKeys<StreamOptions>({ full: 0, allHits: 0, maxHits: 0, histogram: 0 });

/** Kernel back ends this CPU can run, fastest first. */
export function availableKernels(): KernelName[] {
  return backend().kernels();
}

/** The scan modes of `Counter`'s own methods. */
const FIRST_HIT: ScanMode = { full: false };
const FULL: ScanMode = { full: true };
const ALL_HITS: ScanMode = { full: false, maxHits: Number.MAX_SAFE_INTEGER };
const HISTOGRAM: ScanMode = { full: true, histogram: true };

export class Counter {
  readonly what: string;
  readonly min: number;
  readonly reset: Reset;
  readonly kernel: KernelName;
  /** @internal */
  readonly handle: CounterHandle;
  /** The back end that made `handle` (the process's; not an enumerable field: `show()` prints counters). */
  readonly #backend: Backend;

  /**
   * @param what exactly one character (Unicode scalar value)
   * @param min the threshold: a non-negative integer up to 2^53-1
   * @param reset when the count starts again: `'newline'` (default), `'space'` or `'none'`
   */
  constructor(what: string, min: number, reset: Reset | ResetCode = 'newline', options?: CounterOptions) {
    this.what = checkChar('what', what);
    this.min = checkInteger('min', min);
    this.reset = checkReset('reset', reset);
    options = checkOptions(options);
    checkKeys('new Counter()', options, COUNTER_OPTIONS);
    this.#backend = backend();
    const kernels = this.#backend.kernels();
    if (options.kernel !== undefined && !kernels.includes(options.kernel)) {
      throw rangeError(`options.kernel must be one of ${kernels.join(', ')}, got ${show(options.kernel)}`);
    }
    this.kernel = options.kernel ?? kernels[0]!;
    this.handle = this.#backend.createCounter(this.what, this.min, resetCode(this.reset), this.kernel);
  }

  /** True iff `what` reaches `min` in some segment of `input`. */
  hasCount(input: string | Uint8Array): boolean {
    return this.#backend.hasCount(this.handle, checkInput('input', input));
  }

  /** Where the threshold is first reached; stops there. */
  firstHit(input: string | Uint8Array): Hit {
    return this.#backend.evaluate(this.handle, checkInput('input', input), FIRST_HIT) as Hit;
  }

  /** The first hit plus occurrences and segments: reads all of `input`. */
  fullScan(input: string | Uint8Array): FullScan {
    return this.#backend.evaluate(this.handle, checkInput('input', input), FULL) as FullScan;
  }

  /**
   * Every hit: where each segment (line, word, or the whole input) reaches the threshold,
   * in input order — one per segment that `fullScan` counts. Reads all of `input`.
   */
  allHits(input: string | Uint8Array): SegmentHit[] {
    return segmentHits(this.#backend.evaluate(this.handle, checkInput('input', input), ALL_HITS).hits!);
  }

  /**
   * How many segments (lines, words, or the whole input) hold exactly k of `what`, for
   * every k held by some segment: `{ "0": 12, "3": 4 }` (contract §1.6). Reads all of `input`.
   */
  histogram(input: string | Uint8Array): Histogram {
    return histogramOf(this.#backend.evaluate(this.handle, checkInput('input', input), HISTOGRAM).histogram!);
  }

  /** Evaluates input that arrives in chunks; any chunking gives the same answer. */
  stream(options: StreamOptions = {}): CounterStream {
    if (typeof options !== 'object' || options === null) {
      throw typeError(`options must be an object, got ${show(options)}`);
    }
    checkKeys('counter.stream()', options, STREAM_OPTIONS);
    const full = options.full === undefined ? false : checkBoolean('full', options.full);
    const allHits = options.allHits === undefined ? false : checkBoolean('allHits', options.allHits);
    if (options.maxHits !== undefined && !allHits) {
      throw typeError(
        `maxHits needs allHits: true, got maxHits ${show(options.maxHits)} without it`,
        'ERR_INVALID_ARG_VALUE',
      );
    }
    const maxHits = allHits ? checkInteger('maxHits', options.maxHits ?? DEFAULT_MAX_HITS, 1) : undefined;
    const histogram = options.histogram === undefined ? false : checkBoolean('histogram', options.histogram);
    if (histogram && allHits)
      throw typeError('histogram cannot be combined with allHits: true', 'ERR_INVALID_ARG_VALUE');
    const scanner = this.#backend.createScanner(this.handle, { full, maxHits, histogram });
    return CounterStream.make(this.#backend, scanner, full || histogram);
  }

  /**
   * Reads `source` — a `Readable` (a file, a socket, a response body), or any iterable or
   * async iterable of string and `Uint8Array` chunks — and gives the answer `stream(options)`
   * would give for it; a first-hit read (or an `allHits` read past `maxHits`) stops as soon as
   * the answer is known and leaves the rest unread (a `Readable` is destroyed, an iterator
   * returned): `await counter.consume(createReadStream(path))`. It is also a `pipeline`
   * stage: `await pipeline(source, (s) => counter.consume(s))` resolves with the answer.
   */
  async consume(
    source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
    options?: StreamOptions,
  ): Promise<CounterResult> {
    const s = this.stream(options);
    const iterable = source as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null | undefined;
    const iterates =
      typeof iterable?.[Symbol.asyncIterator] === 'function' || typeof iterable?.[Symbol.iterator] === 'function';
    if (typeof source === 'string' || !iterates) {
      throw typeError(`source must be a Readable or an (async) iterable of chunks, got ${show(source)}`);
    }
    for await (const chunk of source) {
      if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
        throw typeError(`source's chunks must be strings or Uint8Arrays, got ${show(chunk)}`);
      }
      s.take(chunk);
      if (s.settled) break;
    }
    return s.result();
  }

  toString(): string {
    return `Counter(${JSON.stringify(this.what)}, ${this.min}, ${JSON.stringify(this.reset)})`;
  }

  /** The counter as `--json`'s query names it: `{ char, min, reset }` (`reset` a name, `'newline'`). */
  toJSON(): { char: string; min: number; reset: Reset } {
    return { char: this.what, min: this.min, reset: this.reset };
  }
}

/** What `Writable` would take as a chunk but a `CounterStream` does not (`null` is `Writable`'s own). */
function checkChunk(chunk: unknown): void {
  if (chunk === undefined || chunk === null || typeof chunk === 'string' || chunk instanceof Uint8Array) return;
  if (!ArrayBuffer.isView(chunk)) return; // Writable's own ERR_INVALID_ARG_TYPE
  const error = new TypeError(
    `The "chunk" argument must be of type string or an instance of Buffer or Uint8Array. Received an instance of ${chunk.constructor.name}`,
  );
  throw Object.assign(error, { code: 'ERR_INVALID_ARG_TYPE' });
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

  /** Made by `counter.stream()`, never with `new`. @internal */
  static make(backend: Backend, scanner: ScannerHandle, full: boolean): CounterStream {
    return new CounterStream(MAKE, backend, scanner, full);
  }

  private constructor(
    make: symbol,
    private readonly backend: Backend,
    private readonly scanner: ScannerHandle,
    readonly full: boolean,
  ) {
    // Strings are kept as strings: one split inside a surrogate pair is joined again below.
    super({ decodeStrings: false });
    if (make !== MAKE) {
      throw typeError('a CounterStream is made by counter.stream(), not with new', 'ERR_ILLEGAL_CONSTRUCTOR');
    }
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
   * A chunk is a string or a `Uint8Array` (a `Buffer`), as `hasCount()` takes: `Writable`
   * also takes the other typed arrays and `DataView`s, whose bytes would depend on the
   * machine's byte order. Refused as `Writable` refuses what it does not take.
   */
  override write(chunk: string | Uint8Array, callback?: (error: Error | null | undefined) => void): boolean;
  override write(
    chunk: string | Uint8Array,
    encoding: BufferEncoding,
    callback?: (error: Error | null | undefined) => void,
  ): boolean;
  override write(chunk: unknown, ...rest: unknown[]): boolean {
    checkChunk(chunk);
    return super.write(chunk, ...(rest as [BufferEncoding, (error: Error | null | undefined) => void]));
  }

  override end(callback?: () => void): this;
  override end(chunk: string | Uint8Array, callback?: () => void): this;
  override end(chunk: string | Uint8Array, encoding: BufferEncoding, callback?: () => void): this;
  override end(...args: unknown[]): this {
    if (typeof args[0] !== 'function') checkChunk(args[0]);
    return super.end(...(args as [unknown, BufferEncoding, () => void]));
  }

  /**
   * Counts a chunk. String chunks may split a surrogate pair: the high half waits for the
   * next chunk (as `TextEncoderStream` does); one left without its pair counts as U+FFFD.
   * @internal
   */
  override _write(chunk: string | Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      this.take(chunk, encoding);
      callback();
    } catch (e) {
      callback(e as Error);
    }
  }

  /** Counts a chunk at once, as `_write` does (`Counter.consume()` feeds it so). @internal */
  take(chunk: string | Uint8Array, encoding: BufferEncoding = 'utf8'): void {
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
    return counterResult(this.backend.scannerFinish(this.scanner));
  }

  private feed(input: string | Uint8Array): void {
    if (!this.done && this.backend.scannerFeed(this.scanner, input)) {
      this.done = true;
      this.emit('settled');
    }
  }

  /** A high surrogate with no pair to come is fed alone (the encoder makes it U+FFFD). */
  private flushPending(): void {
    if (!this.pending) return;
    const lone = this.pending;
    this.pending = '';
    this.feed(lone);
  }
}
