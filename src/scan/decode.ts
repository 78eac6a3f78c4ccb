/**
 * decode: a stream's bytes turned into the UTF-8 the kernel counts, as chunks arrive, and
 * the kernel's offsets mapped back to offsets in the stream (contract §1.3).
 *
 * The native reader does this itself for the files it reads (native/src/decode.rs: marks,
 * UTF-16); this is the same for the streams it does not read — decompressed files, standard
 * input — and for every other encoding, through `TextDecoder` (full ICU ships with Node).
 * The rules are the native ones:
 * * a byte-order mark (when sniffing) decides the encoding and is not counted;
 * * UTF-16's unpaired surrogates and a lone final byte become `FF`, which the kernel takes
 *   for an ill-formed sequence: a character equal to nothing;
 * * an offset is the position in the stream of the first byte of the bytes the character
 *   was decoded from.
 *
 * Mapping offsets, for the first hit and every listed hit alike:
 * * UTF-8: the mark's length is added;
 * * UTF-16 and the single-byte encodings are made offset-linear, as natively: each UTF-16
 *   unit, and each byte of a single-byte encoding, becomes exactly 3 kernel bytes (its
 *   character's UTF-8 padded with `FF`, a character equal to nothing that changes no count,
 *   line or segment), so a kernel offset k is `mark + 2k/3`, or `k/3`;
 * * the multi-byte legacy encodings (Shift_JIS, GBK, Big5, ISO-2022-JP…) have no such
 *   arithmetic: a second decoder follows the first a little behind, and to locate a hit it
 *   replays the last pieces a byte at a time to see which byte completes the character
 *   (`Replayed`). `TextDecoder` cannot be copied, hence the second decoder.
 *
 * `TextDecoder.decode` is always called with `stream: true`: Node 20's one-shot path for
 * windows-1252 (`latin1`) decodes as ISO-8859-1 (0x80 → U+0080, not €); its streaming path
 * follows the WHATWG table.
 */
import { TextDecoder } from 'node:util';
import { rangeError, show, typeError } from '../core/validate.js';

/** A stream's text, as the kernel reads it. */
export interface TextStage {
  /** The kernel's bytes for the next chunk (none while the first bytes may be a mark). */
  push(chunk: Uint8Array): Uint8Array;
  /** What the end of the stream leaves pending (an odd byte, a surrogate, a short head). */
  end(): Uint8Array;
  /**
   * The stream offset of the character at kernel offset `k`, at any time; undefined for a
   * stage whose hits must be located with `locate`, right after the output holding them.
   */
  readonly map: ((k: number) => number) | undefined;
  /** Stream offsets of the characters at kernel offsets `at` (ascending), in the last output. */
  locate(at: readonly number[]): number[];
  /** No more hits will be located: stop the work that locating needs. */
  stopLocating(): void;
  /**
   * Kernel bytes an ASCII character takes in the output (`UNIT` where units are padded, else
   * 1): what a histogram needs to know a stream that ends with a reset character.
   */
  readonly asciiWidth: number;
}

const EMPTY = new Uint8Array(0);
/** Never part of well-formed UTF-8: a character equal to nothing (ill-formed input, and pads). */
const NOTHING = 0xff;
/** Kernel bytes per UTF-16 unit, or per byte of a single-byte encoding. */
const UNIT = 3;
const MARKS: { bytes: number[]; encoding: 'utf-8' | 'utf-16le' | 'utf-16be' }[] = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
];

/** Encodings of one byte a character, as `TextDecoder` names them (each byte → one code point). */
const SINGLE_BYTE = new Set([
  'ibm866',
  'iso-8859-2',
  'iso-8859-3',
  'iso-8859-4',
  'iso-8859-5',
  'iso-8859-6',
  'iso-8859-7',
  'iso-8859-8',
  'iso-8859-8-i',
  'iso-8859-10',
  'iso-8859-13',
  'iso-8859-14',
  'iso-8859-15',
  'iso-8859-16',
  'koi8-r',
  'koi8-u',
  'macintosh',
  'windows-874',
  'windows-1250',
  'windows-1251',
  'windows-1252',
  'windows-1253',
  'windows-1254',
  'windows-1255',
  'windows-1256',
  'windows-1257',
  'windows-1258',
  'x-mac-cyrillic',
]);

/** Encodings the native reader decodes itself. */
export const NATIVE_ENCODINGS: ReadonlySet<string> = new Set(['utf-8', 'utf-16le', 'utf-16be']);

/**
 * `value` as the WHATWG name `TextDecoder` gives it (`latin1` → `windows-1252`, `sjis` →
 * `shift_jis`, case and spaces ignored), `'utf-8'` for `'auto'`, or `'none'`: bytes as they
 * are, no byte-order mark sniffed. Anything else is a `RangeError` naming the option.
 */
export function checkEncoding(name: string, value: unknown): string {
  if (typeof value !== 'string') throw typeError(`${name} must be a string, got ${show(value)}`);
  const label = value.trim().toLowerCase();
  if (label === 'none') return 'none';
  if (label === 'auto') return 'utf-8';
  try {
    return new TextDecoder(label).encoding;
  } catch {
    throw rangeError(
      `${name} must be an encoding of the WHATWG Encoding Standard that Node decodes (utf-8, utf-16le, utf-16be, ` +
        `latin1, windows-1251, shift_jis, euc-kr, gbk, big5, …), auto or none, got ${show(value)}`,
    );
  }
}

/**
 * The stage for a stream in `encoding` (a name from `checkEncoding`, not `'none'`), whose
 * byte-order mark, when `bomSniff`, decides instead.
 */
export function textStage(encoding: string, bomSniff: boolean): TextStage {
  return bomSniff ? new Sniffed(encoding) : stageFor(encoding, 0);
}

function stageFor(encoding: string, mark: number): TextStage {
  if (encoding === 'utf-8') return new Raw(mark);
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return new Utf16(encoding === 'utf-16be', mark);
  if (SINGLE_BYTE.has(encoding)) return new SingleByte(encoding);
  return new Replayed(encoding);
}

/** Waits for the first bytes, then hands everything to the stage their mark (or its absence) picks. */
class Sniffed implements TextStage {
  private head: number[] = [];
  private inner?: TextStage;

  constructor(private readonly fallback: string) {}

  get map(): ((k: number) => number) | undefined {
    return this.inner?.map;
  }

  get asciiWidth(): number {
    return this.inner?.asciiWidth ?? 1;
  }

  push(chunk: Uint8Array): Uint8Array {
    if (this.inner) return this.inner.push(chunk);
    return this.decide(chunk, true);
  }

  end(): Uint8Array {
    if (this.inner) return this.inner.end();
    const head = this.decide(EMPTY, false);
    const tail = this.inner!.end();
    return tail.length ? concat(head, tail) : head;
  }

  locate(at: readonly number[]): number[] {
    return this.inner!.locate(at);
  }

  stopLocating(): void {
    this.inner?.stopLocating();
  }

  private decide(chunk: Uint8Array, more: boolean): Uint8Array {
    const first = [...this.head, ...chunk.subarray(0, 3 - this.head.length)];
    const mark = MARKS.find((m) => m.bytes.every((b, i) => first[i] === b));
    const prefix = MARKS.some((m) => first.length < m.bytes.length && first.every((b, i) => m.bytes[i] === b));
    if (!mark && prefix && more) {
      // Fewer than three bytes, all of a mark so far: wait for more.
      this.head = first;
      return EMPTY;
    }
    const skip = mark?.bytes.length ?? 0;
    this.inner = stageFor(mark?.encoding ?? this.fallback, skip);
    const held = Uint8Array.from(this.head.slice(skip));
    const rest = chunk.subarray(Math.max(0, skip - this.head.length));
    this.head = [];
    return this.inner.push(held.length ? concat(held, rest) : rest);
  }
}

/** UTF-8 as it is (after a mark, not counted). */
class Raw implements TextStage {
  readonly map: (k: number) => number;
  readonly asciiWidth = 1;
  constructor(mark: number) {
    this.map = (k) => k + mark;
  }
  push(chunk: Uint8Array): Uint8Array {
    return chunk;
  }
  end(): Uint8Array {
    return EMPTY;
  }
  locate(at: readonly number[]): number[] {
    return at.map(this.map);
  }
  stopLocating(): void {}
}

/** A stage whose kernel offsets map by arithmetic: `locate` is `map`. */
abstract class Linear implements TextStage {
  abstract readonly map: (k: number) => number;
  readonly asciiWidth = UNIT;
  abstract push(chunk: Uint8Array): Uint8Array;
  abstract end(): Uint8Array;
  locate(at: readonly number[]): number[] {
    return at.map(this.map);
  }
  stopLocating(): void {}
}

/** The kernel bytes of code point `cp`, padded to `UNIT` (`cp < 0`: ill-formed). */
function padded(out: Uint8Array, w: number, cp: number): number {
  if (cp < 0) {
    out[w] = out[w + 1] = out[w + 2] = NOTHING;
  } else if (cp < 0x80) {
    out[w] = cp;
    out[w + 1] = out[w + 2] = NOTHING;
  } else if (cp < 0x800) {
    out[w] = 0xc0 | (cp >> 6);
    out[w + 1] = 0x80 | (cp & 0x3f);
    out[w + 2] = NOTHING;
  } else if (cp < 0x10000) {
    out[w] = 0xe0 | (cp >> 12);
    out[w + 1] = 0x80 | ((cp >> 6) & 0x3f);
    out[w + 2] = 0x80 | (cp & 0x3f);
  } else {
    // Two units: six bytes.
    out[w] = 0xf0 | (cp >> 18);
    out[w + 1] = 0x80 | ((cp >> 12) & 0x3f);
    out[w + 2] = 0x80 | ((cp >> 6) & 0x3f);
    out[w + 3] = 0x80 | (cp & 0x3f);
    out[w + 4] = out[w + 5] = NOTHING;
    return w + 2 * UNIT;
  }
  return w + UNIT;
}

/** UTF-16, each unit as 3 kernel bytes (see the module doc). */
class Utf16 extends Linear {
  readonly map: (k: number) => number;
  private odd = -1;
  /** A high surrogate that ended the last chunk (-1: none). */
  private lead = -1;

  constructor(
    private readonly bigEndian: boolean,
    mark: number,
  ) {
    super();
    this.map = (k) => mark + (k / UNIT) * 2;
  }

  push(chunk: Uint8Array): Uint8Array {
    if (!chunk.length) return EMPTY;
    const units = ((chunk.length + (this.odd >= 0 ? 1 : 0)) >> 1) + 1;
    const out = new Uint8Array(UNIT * units);
    let w = 0;
    let i = 0;
    const be = this.bigEndian;
    if (this.odd >= 0) {
      w = this.unit(out, w, be ? (this.odd << 8) | chunk[0]! : this.odd | (chunk[0]! << 8));
      this.odd = -1;
      i = 1;
    }
    for (; i + 1 < chunk.length; i += 2) {
      const u = be ? (chunk[i]! << 8) | chunk[i + 1]! : chunk[i]! | (chunk[i + 1]! << 8);
      if (u < 0x80 && this.lead < 0) {
        out[w] = u;
        out[w + 1] = out[w + 2] = NOTHING;
        w += UNIT;
      } else w = this.unit(out, w, u);
    }
    if (i < chunk.length) this.odd = chunk[i]!;
    return out.subarray(0, w);
  }

  end(): Uint8Array {
    const pending = (this.lead >= 0 ? 1 : 0) + (this.odd >= 0 ? 1 : 0);
    this.lead = this.odd = -1;
    return new Uint8Array(UNIT * pending).fill(NOTHING);
  }

  private unit(out: Uint8Array, w: number, u: number): number {
    if (this.lead >= 0) {
      const high = this.lead;
      this.lead = -1;
      if (u >= 0xdc00 && u < 0xe000) return padded(out, w, 0x10000 + ((high - 0xd800) << 10) + (u - 0xdc00));
      w = padded(out, w, -1);
    }
    if (u >= 0xd800 && u < 0xdc00) {
      this.lead = u;
      return w;
    }
    return padded(out, w, u >= 0xdc00 && u < 0xe000 ? -1 : u);
  }
}

/** One byte a character: each byte's padded UTF-8 from a table (see the module doc). */
class SingleByte extends Linear {
  readonly map = (k: number) => k / UNIT;
  private readonly table = new Uint8Array(256 * UNIT);

  constructor(encoding: string) {
    super();
    // Each byte alone: a single-byte decoder keeps no state between bytes.
    const decoder = new TextDecoder(encoding);
    for (let b = 0; b < 256; b++) {
      const cp = decoder.decode(Uint8Array.of(b), { stream: true }).codePointAt(0) ?? -1;
      padded(this.table, b * UNIT, cp);
    }
  }

  push(chunk: Uint8Array): Uint8Array {
    const out = new Uint8Array(UNIT * chunk.length);
    const t = this.table;
    for (let i = 0, w = 0; i < chunk.length; i++, w += UNIT) {
      const at = chunk[i]! * UNIT;
      out[w] = t[at]!;
      out[w + 1] = t[at + 1]!;
      out[w + 2] = t[at + 2]!;
    }
    return out;
  }

  end(): Uint8Array {
    return EMPTY;
  }
}

/** Bytes a piece of a multi-byte legacy encoding: what a hit's replay reads a byte at a time. */
const PIECE = 4096;

interface Piece {
  /** Stream offset of its first byte. */
  start: number;
  bytes: Uint8Array;
  /** Its output, the kernel offset that starts at, and the UTF-16 units before it. */
  out: Uint8Array;
  kernelStart: number;
  unitsBefore: number;
}

/**
 * A multi-byte legacy encoding through `TextDecoder`, located by replay: `shadow` decodes
 * the same bytes as `decoder`, kept a piece or so behind; to locate a hit it catches up
 * whole pieces to the one before the hit's, then goes a byte at a time until the output
 * holds the hit's character. Its offset is where the bytes that produced it began: just
 * after the byte that completed the character before it.
 */
class Replayed implements TextStage {
  readonly map = undefined;
  readonly asciiWidth = 1;
  private readonly decoder: TextDecoder;
  private shadow?: TextDecoder;
  /** Pieces the shadow has not wholly read, oldest first. */
  private queue: Piece[] = [];
  private streamAt = 0;
  private kernelAt = 0;
  private unitsAt = 0;
  /** Where the shadow is: stream offset read, units output. */
  private shadowAt = 0;
  private shadowUnits = 0;
  /** Stream offset after the byte that completed the shadow's last output, when read a byte at a time. */
  private completed: number | undefined;
  /** Where the bytes of the shadow's last output began. */
  private groupStart = 0;

  constructor(private readonly encoding: string) {
    this.decoder = new TextDecoder(encoding);
    this.shadow = new TextDecoder(encoding);
  }

  push(chunk: Uint8Array): Uint8Array {
    // Hits in earlier outputs are located: the shadow may read up to the last piece.
    const keep = this.queue.at(-1);
    if (keep) this.catchUp(keep.start);
    const outs: Uint8Array[] = [];
    for (let i = 0; i < chunk.length; i += PIECE) {
      const bytes = chunk.subarray(i, i + PIECE);
      outs.push(this.piece(bytes, this.decoder.decode(bytes, { stream: true })));
    }
    return outs.length === 1 ? outs[0]! : Buffer.concat(outs);
  }

  end(): Uint8Array {
    return this.piece(EMPTY, this.decoder.decode());
  }

  locate(at: readonly number[]): number[] {
    return at.map((a) => this.locateOne(a));
  }

  stopLocating(): void {
    this.shadow = undefined;
    this.queue = [];
  }

  private piece(bytes: Uint8Array, text: string): Uint8Array {
    const out = Buffer.from(text, 'utf8');
    if (this.shadow) {
      this.queue.push({
        start: this.streamAt,
        bytes: Uint8Array.from(bytes), // the reader may reuse its buffer
        out,
        kernelStart: this.kernelAt,
        unitsBefore: this.unitsAt,
      });
    }
    this.streamAt += bytes.length;
    this.kernelAt += out.length;
    this.unitsAt += text.length;
    return out;
  }

  /** The shadow reads, whole, everything before stream offset `to`. */
  private catchUp(to: number): void {
    while (this.queue.length && this.shadowAt < to) {
      const p = this.queue[0]!;
      if (this.shadowAt >= p.start + p.bytes.length) {
        this.queue.shift(); // read a byte at a time by the last replay
        continue;
      }
      const end = Math.min(to, p.start + p.bytes.length);
      const text = this.shadow!.decode(p.bytes.subarray(this.shadowAt - p.start, end - p.start), { stream: true });
      if (text.length) this.completed = undefined;
      this.shadowUnits += text.length;
      this.shadowAt = end;
      if (end === p.start + p.bytes.length) this.queue.shift();
    }
  }

  private locateOne(at: number): number {
    const i = this.queue.findIndex((p) => at < p.kernelStart + p.out.length);
    const p = this.queue[i];
    if (!this.shadow || !p) return this.streamAt; // not reached: every output is queued until located
    // The hit's character is unit `target` of the whole output.
    const rel = at - p.kernelStart;
    let target = p.unitsBefore;
    for (let k = 0; k < rel; k++) {
      const b = p.out[k]!;
      if ((b & 0xc0) !== 0x80) target += b >= 0xf0 ? 2 : 1;
    }
    if (target < this.shadowUnits) return this.groupStart; // in the shadow's last output
    // From the piece before the hit's, so that the character before it completes in view.
    const from = this.queue[Math.max(0, i - 1)]!.start;
    if (this.shadowAt < from) this.catchUp(from);
    const windowStart = this.shadowAt;
    const byte = new Uint8Array(1);
    while (this.queue.length) {
      const q = this.queue[0]!;
      if (this.shadowAt >= q.start + q.bytes.length) {
        this.queue.shift();
        continue;
      }
      byte[0] = q.bytes[this.shadowAt - q.start]!;
      const text = this.shadow.decode(byte, { stream: true });
      this.shadowAt++;
      if (!text.length) continue;
      this.groupStart = this.completed ?? windowStart;
      this.shadowUnits += text.length;
      this.completed = this.shadowAt;
      if (target < this.shadowUnits) return this.groupStart;
    }
    // The character is what the end of the stream flushed: the bytes still pending.
    return this.completed ?? windowStart;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
