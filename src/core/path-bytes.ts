/**
 * path-bytes: file names that are not UTF-8, carried without loss.
 *
 * A Unix file name is bytes; a JavaScript string is UTF-16. Inside charcount (discovery,
 * tasks, worker threads, queue jobs) a path is a string in which each byte that is not part
 * of well-formed UTF-8 is the lone surrogate `U+DC00 + byte` (Python's "surrogateescape";
 * the native core's twin is `native/src/path_text.rs`). Decoding UTF-8 never yields a lone
 * surrogate, so the mapping is one-to-one and every string operation (joining, sorting,
 * hashing, JSON, Redis) keeps it. Only records show it differently (contract §2.1): `path`
 * as text (each ill-formed sequence as U+FFFD, as `TextDecoder` decodes it) and `pathBytes`,
 * the name's exact bytes.
 */
import { isUtf8 } from 'node:buffer';

/** A lone surrogate: in a path, an escaped byte (a string from UTF-8 has none). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Bytes of the well-formed UTF-8 sequence at `b[i]` (Unicode's table 3-7), or 0. */
export function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  let n: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c === 0xe0) lo = 0xa0;
    if (c === 0xed) hi = 0x9f; // no surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c === 0xf0) lo = 0x90;
    if (c === 0xf4) hi = 0x8f;
  } else return 0;
  if (i + n > b.length || b[i + 1]! < lo || b[i + 1]! > hi) return 0;
  for (let k = 2; k < n; k++) if (b[i + k]! < 0x80 || b[i + k]! > 0xbf) return 0;
  return n;
}

/** True when the path stands for a name that is not UTF-8 (it holds escaped bytes). */
export function hasEscapes(path: string): boolean {
  return LONE_SURROGATE.test(path);
}

/** A name's bytes as a path string. */
export function pathFromBytes(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buf)) return buf.toString('utf8');
  let out = '';
  for (let i = 0; i < buf.length;) {
    const n = sequenceLength(buf, i);
    if (n) {
      out += buf.toString('utf8', i, i + n);
      i += n;
    } else {
      out += String.fromCharCode(0xdc00 + buf[i]!);
      i++;
    }
  }
  return out;
}

/** The bytes a path string names: its UTF-8, with escaped bytes as themselves. */
export function bytesOfPath(path: string): Buffer {
  if (!hasEscapes(path)) return Buffer.from(path, 'utf8');
  const parts: Buffer[] = [];
  for (const ch of path) {
    const cp = ch.codePointAt(0)!;
    // Another lone surrogate is U+FFFD, as Node encodes it.
    parts.push(cp >= 0xdc80 && cp <= 0xdcff ? Buffer.of(cp - 0xdc00) : Buffer.from(ch, 'utf8'));
  }
  return Buffer.concat(parts);
}

/**
 * A string given by a caller, as a path: a lone surrogate in it is U+FFFD (what Node makes
 * of it when it opens the file), never an escaped byte.
 */
export function pathFromText(text: string): string {
  return hasEscapes(text) ? Buffer.from(text, 'utf8').toString('utf8') : text;
}

/** A path as records show it: `path` as text, plus `pathBytes` when it is not UTF-8. */
export function recordPath(path: string): { path: string; pathBytes?: Uint8Array } {
  if (!hasEscapes(path)) return { path };
  const pathBytes = bytesOfPath(path);
  return { path: pathBytes.toString('utf8'), pathBytes };
}

/** A record's path as a path string again (unique per name: what records sort by). */
export function pathOf(r: { path: string; pathBytes?: Uint8Array }): string {
  return r.pathBytes ? pathFromBytes(r.pathBytes) : r.path;
}

/** A record's path as bytes, to print as they are (text output writes names raw, as ripgrep does). */
export function printablePath(r: { path: string; pathBytes?: Uint8Array }): string | Buffer {
  return r.pathBytes ? Buffer.from(r.pathBytes) : r.path;
}

/** A path in JSON (`--json`, `--jsonl`): its text, or for a name that is not UTF-8 `{ bytes: base64 }` (as ripgrep writes it). */
export type JsonPath = string | { bytes: string };

/** A record's path as JSON carries it. */
export function jsonPath(r: { path: string; pathBytes?: Uint8Array }): JsonPath {
  return r.pathBytes ? { bytes: Buffer.from(r.pathBytes).toString('base64') } : r.path;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A path read back from JSON, as records hold it; `undefined` if it is not one. */
export function pathFromJson(value: unknown): { path: string; pathBytes?: Uint8Array } | undefined {
  if (typeof value === 'string') return { path: value };
  const bytes = (value as { bytes?: unknown } | null)?.bytes;
  if (typeof value !== 'object' || typeof bytes !== 'string' || !BASE64.test(bytes)) return undefined;
  return recordPath(pathFromBytes(Buffer.from(bytes, 'base64')));
}
