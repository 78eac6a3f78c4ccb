/**
 * The `--json` document, streamed: byte for byte what `JSON.stringify(doc, null, 2) + '\n'`
 * gives for `{ ...meta, summary, records }` with the records sorted by path, without ever
 * holding the document as one string (V8 caps a string near 512 MiB) or the records as
 * objects.
 *
 * Each record is kept as its compact JSON text in UTF-8, in large buffers outside the V8
 * heap, with its path (for the sort) and where its text is. At the end the indices are
 * sorted by path and the texts are re-indented as `JSON.stringify` indents them, into
 * chunks of `CHUNK` bytes written one after the other.
 */
import { jsonPath, pathOf } from '../../core/path-bytes.js';
import type { FileRecord, Summary } from '../../core/types.js';
import type { RunMeta } from '../../engine/query.js';

/** A record as JSON shows it: a path that is not UTF-8 as `{ bytes }`, without `pathBytes`. */
export function jsonRecord(r: FileRecord): object {
  if (!r.pathBytes) return r;
  const { pathBytes: _, ...rest } = r;
  return { ...rest, path: jsonPath(r) };
}

/** Bytes per buffer of stored records (a longer record gets a buffer of its own). */
const STORE = 4 << 20;
/** Bytes per write. */
export const CHUNK = 64 << 10;

/** Where the records of a document sit: their texts, paths and positions. */
export class RecordStore {
  private readonly buffers: Buffer[] = [];
  private used = STORE;
  private readonly paths: string[] = [];
  /** For record i: its buffer, offset and length. */
  private where = new Uint32Array(3 * 1024);

  get length(): number {
    return this.paths.length;
  }

  add(r: FileRecord): void {
    const text = JSON.stringify(jsonRecord(r));
    const bytes = Buffer.byteLength(text);
    if (this.used + bytes > STORE) {
      this.buffers.push(Buffer.allocUnsafe(Math.max(STORE, bytes)));
      this.used = 0;
    }
    const i = this.paths.length;
    if (3 * i + 3 > this.where.length) {
      const grown = new Uint32Array(this.where.length * 2);
      grown.set(this.where);
      this.where = grown;
    }
    this.buffers.at(-1)!.write(text, this.used, 'utf8');
    this.where[3 * i] = this.buffers.length - 1;
    this.where[3 * i + 1] = this.used;
    this.where[3 * i + 2] = bytes;
    this.used += bytes;
    this.paths.push(pathOf(r));
  }

  /** Record indices in path order (code-unit order, as `byPath`; ties in arrival order). */
  sorted(): Uint32Array {
    const { paths } = this;
    const order = new Uint32Array(paths.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    return order.sort((a, b) => {
      const p = paths[a]!;
      const q = paths[b]!;
      return p < q ? -1 : p > q ? 1 : a - b;
    });
  }

  /** Record i's compact JSON. */
  text(i: number): Buffer {
    const at = this.where[3 * i + 1]!;
    return this.buffers[this.where[3 * i]!]!.subarray(at, at + this.where[3 * i + 2]!);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const NEWLINE = 0x0a;
const SPACE = 0x20;

/** Appends bytes to fixed-size chunks, handing each full one to `emit`. */
class Chunks {
  private buf = Buffer.allocUnsafe(CHUNK);
  private at = 0;
  constructor(private readonly emit: (chunk: Buffer) => void) {}

  byte(b: number): void {
    if (this.at === CHUNK) this.flush();
    this.buf[this.at++] = b;
  }

  bytes(src: Buffer, from = 0, to = src.length): void {
    while (from < to) {
      if (this.at === CHUNK) this.flush();
      const n = Math.min(to - from, CHUNK - this.at);
      src.copy(this.buf, this.at, from, from + n);
      this.at += n;
      from += n;
    }
  }

  /** A newline and `depth` levels of two spaces. */
  newline(depth: number): void {
    this.byte(NEWLINE);
    for (let i = 0; i < 2 * depth; i++) this.byte(SPACE);
  }

  string(s: string): void {
    this.bytes(Buffer.from(s, 'utf8'));
  }

  /** Hands over what is buffered; every chunk is a new buffer (the stream may keep it). */
  flush(): void {
    if (this.at === 0) return;
    this.emit(this.buf.subarray(0, this.at));
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.at = 0;
  }

  /**
   * Compact JSON (as `JSON.stringify(x)` gives it) indented as `JSON.stringify(x, null, 2)`
   * would, nested `depth` levels deep. Structural characters are ASCII, so they cannot
   * occur inside a multi-byte UTF-8 sequence; string contents are copied as they are.
   */
  indented(json: Buffer, depth: number): void {
    let from = 0;
    for (let i = 0; i < json.length; i++) {
      const c = json[i]!;
      if (c === QUOTE) {
        for (i++; json[i] !== QUOTE; i++) if (json[i] === BACKSLASH) i++;
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        const next = json[i + 1];
        if (next === CLOSE_OBJECT || next === CLOSE_ARRAY) {
          i++; // `{}` and `[]` stay as they are
          continue;
        }
        this.bytes(json, from, i + 1);
        this.newline(++depth);
        from = i + 1;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        this.bytes(json, from, i);
        this.newline(--depth);
        this.byte(c);
        from = i + 1;
      } else if (c === COMMA) {
        this.bytes(json, from, i + 1);
        this.newline(depth);
        from = i + 1;
      } else if (c === COLON) {
        this.bytes(json, from, i + 1);
        this.byte(SPACE);
        from = i + 1;
      }
    }
    this.bytes(json, from, json.length);
  }
}

/**
 * The document in chunks of at most `CHUNK` bytes, each to be written before the next
 * is made (the generator is lazy, so a slow reader holds back the serialising too).
 */
export function* documentChunks(meta: RunMeta, summary: Summary, store: RecordStore): Generator<Buffer> {
  // Everything but the records, as JSON.stringify lays it out; then the records in its place.
  const head = JSON.stringify({ ...meta, summary, records: [] }, null, 2);
  const EMPTY = '[]\n}';
  if (!head.endsWith(EMPTY)) throw new Error('unexpected --json layout');
  const ready: Buffer[] = [];
  const chunks = new Chunks((b) => ready.push(b));
  if (store.length === 0) {
    chunks.string(head + '\n');
  } else {
    chunks.string(head.slice(0, -EMPTY.length) + '[');
    const order = store.sorted();
    for (let k = 0; k < order.length; k++) {
      if (k > 0) chunks.byte(COMMA);
      chunks.newline(2);
      chunks.indented(store.text(order[k]!), 2);
      if (ready.length) yield* ready.splice(0);
    }
    chunks.string('\n  ]\n}\n');
  }
  chunks.flush();
  yield* ready.splice(0);
}
