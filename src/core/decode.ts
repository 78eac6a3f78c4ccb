/**
 * decode: a stream's bytes turned into the UTF-8 the kernel counts, as chunks arrive, and
 * the kernel's offsets mapped back to offsets in the stream (contract §1.3).
 *
 * The native reader does this itself for the files it reads (native/src/decode.rs: marks,
 * UTF-16); this is the same for the streams it does not read — decompressed files — and
 * for every other encoding, through `TextDecoder` (full ICU ships with Node). The rules
 * are the native ones:
 * * a byte-order mark (when sniffing) decides the encoding and is not counted;
 * * UTF-16's unpaired surrogates and a lone final byte become `FF`, which the kernel takes
 *   for an ill-formed sequence: a character equal to nothing;
 * * an offset is the position in the stream of the first byte of the bytes the character
 *   was decoded from.
 *
 * Mapping offsets: UTF-8 adds the mark's length; UTF-16 is `mark + 2 × units before`; a
 * single-byte encoding is one byte a character. The multi-byte legacy encodings (Shift_JIS,
 * GBK, Big5, ISO-2022-JP…) have no arithmetic: a second decoder follows the first a little
 * behind, and on a hit it replays the last pieces a byte at a time to see which byte
 * completes the character (`Replayed`). `TextDecoder` cannot be copied, hence the second
 * decoder.
 *
 * `TextDecoder.decode` is always called with `stream: true`: Node 20's one-shot path for
 * windows-1252 (`latin1`) decodes as ISO-8859-1 (0x80 → U+0080, not €); its streaming path
 * follows the WHATWG table.
 */
import { TextDecoder } from 'node:util';
import { show } from './validate.js';

/** A stream's text, as the kernel reads it. */
export interface TextStage {
  /** The kernel's bytes for the next chunk (none while the first bytes may be a mark). */
  push(chunk: Uint8Array): Uint8Array;
  /** What the end of the stream leaves pending (an odd byte, a surrogate, a short head). */
  end(): Uint8Array;
  /**
   * When a number, every kernel offset maps to the stream by adding it, at any time; when
   * undefined, hits must be located with `locate` right after the output holding them.
   */
  readonly shift: number | undefined;
  /** Stream offsets of the characters at kernel offsets `at` (ascending), in the last output. */
  locate(at: readonly number[]): number[];
  /** No more hits will be located: stop the work that locating needs. */
  stopLocating(): void;
}

const EMPTY = new Uint8Array(0);
const ILL_FORMED = 0xff;
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
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${show(value)}`);
  const label = value.trim().toLowerCase();
  if (label === 'none') return 'none';
  if (label === 'auto') return 'utf-8';
  try {
    return new TextDecoder(label).encoding;
  } catch {
    throw new RangeError(
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

  get shift(): number | undefined {
    return this.inner?.shift;
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
  constructor(readonly shift: number) {}
  push(chunk: Uint8Array): Uint8Array {
    return chunk;
  }
  end(): Uint8Array {
    return EMPTY;
  }
  locate(at: readonly number[]): number[] {
    return at.map((a) => a + this.shift);
  }
  stopLocating(): void {}
}

/** What every stage that maps by counting remembers of its last output. */
abstract class Counted implements TextStage {
  readonly shift = undefined;
  /** The last output, the kernel offset it starts at, and the units (or bytes) before it. */
  protected last: Uint8Array = EMPTY;
  protected lastStart = 0;
  protected before = 0;
  private kernel = 0;
  private units = 0;

  abstract push(chunk: Uint8Array): Uint8Array;
  abstract end(): Uint8Array;
  abstract locate(at: readonly number[]): number[];
  stopLocating(): void {}

  /** Records an output holding `units` units (an empty one leaves the last output as it was). */
  protected output(out: Uint8Array, units: number): Uint8Array {
    if (!out.length) return out;
    this.last = out;
    this.lastStart = this.kernel;
    this.before = this.units;
    this.kernel += out.length;
    this.units += units;
    return out;
  }

  /** UTF-16 units (or, with `pairs` false, code points) in the last output before kernel offset `at`. */
  protected unitsTo(at: number, pairs: boolean): number {
    const end = Math.min(this.last.length, Math.max(0, at - this.lastStart));
    let n = 0;
    for (let i = 0; i < end; i++) {
      const b = this.last[i]!;
      if ((b & 0xc0) !== 0x80) n += pairs && b >= 0xf0 && b <= 0xf4 ? 2 : 1;
    }
    return this.before + n;
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const isWellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** UTF-8 for `text`, each unpaired surrogate as `FF` (one unit each). */
function utf8Of(text: string): Uint8Array {
  if (isWellFormed(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let from = 0;
  for (const m of text.matchAll(LONE_SURROGATE)) {
    parts.push(Buffer.from(text.slice(from, m.index), 'utf8'), Buffer.of(ILL_FORMED));
    from = m.index + 1;
  }
  parts.push(Buffer.from(text.slice(from), 'utf8'));
  return Buffer.concat(parts);
}

/** UTF-16, decoded by Node's UTF-16LE decoder (which keeps unpaired surrogates). */
class Utf16 extends Counted {
  private odd = -1;
  /** A high surrogate that ended the last chunk. */
  private lead = '';

  constructor(
    private readonly bigEndian: boolean,
    private readonly mark: number,
  ) {
    super();
  }

  push(chunk: Uint8Array): Uint8Array {
    let bytes = chunk;
    if (this.odd >= 0 && chunk.length) {
      bytes = concat(Uint8Array.of(this.odd), chunk);
      this.odd = -1;
    }
    const even = bytes.length & ~1;
    if (even < bytes.length) this.odd = bytes[even]!;
    const units = Buffer.from(bytes.buffer, bytes.byteOffset, even);
    let text = this.lead + (this.bigEndian ? Buffer.from(units).swap16() : units).toString('utf16le');
    this.lead = '';
    const lastUnit = text.charCodeAt(text.length - 1);
    if (lastUnit >= 0xd800 && lastUnit <= 0xdbff) {
      this.lead = text.slice(-1);
      text = text.slice(0, -1);
    }
    return this.output(utf8Of(text), text.length);
  }

  end(): Uint8Array {
    const pending = (this.lead ? 1 : 0) + (this.odd >= 0 ? 1 : 0);
    this.lead = '';
    this.odd = -1;
    return this.output(new Uint8Array(pending).fill(ILL_FORMED), pending);
  }

  locate(at: readonly number[]): number[] {
    return at.map((a) => this.mark + 2 * this.unitsTo(a, true));
  }
}

/** One byte a character: the offset of a character is the characters before it. */
class SingleByte extends Counted {
  private readonly decoder: TextDecoder;

  constructor(encoding: string) {
    super();
    this.decoder = new TextDecoder(encoding);
  }

  push(chunk: Uint8Array): Uint8Array {
    return this.output(Buffer.from(this.decoder.decode(chunk, { stream: true }), 'utf8'), chunk.length);
  }

  end(): Uint8Array {
    return this.output(Buffer.from(this.decoder.decode(), 'utf8'), 0);
  }

  locate(at: readonly number[]): number[] {
    return at.map((a) => this.unitsTo(a, false));
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
  readonly shift = undefined;
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
