/**
 * A stream as one more input of a run (`charcount -`, or piped standard input): read in
 * the chunks it arrives in, counted by the same native scanners as files, and made into
 * a record of the run's shape. Binary detection is the reader's: a NUL byte in the first
 * 256 KiB skips it (unless `scanBinary`); `maxFilesize` is for files and does not apply.
 */
import { shaped } from '../core/codec.js';
import { counterResult, type Counter } from '../core/counter.js';
import { native } from '../core/native.js';
import type { AnyRecord } from '../core/types.js';

/** The bytes the native reader looks at for a NUL byte (its first chunk). */
const BINARY_PROBE = 256 * 1024;

export interface ReadableScan {
  counters: Counter[];
  multi: boolean;
  fullScan: boolean;
  scanBinary: boolean;
  /** With `allHits`: list every hit, at most this many. */
  maxHits?: number | undefined;
}

/** Reads `source` to its end (or, without `fullScan`, until every answer is settled). */
export async function scanReadable(
  path: string,
  source: AsyncIterable<Uint8Array>,
  o: ReadableScan,
): Promise<AnyRecord> {
  const scanners = o.counters.map((c) => native.createScanner(c.handle, o.fullScan, o.maxHits));
  const settled = scanners.map(() => false);
  /** Counts a chunk; true once no answer can change (and the rest need not be read). */
  const feed = (chunk: Uint8Array) => {
    scanners.forEach((s, i) => {
      if (!settled[i]) settled[i] = native.scannerFeed(s, chunk);
    });
    return !o.fullScan && settled.every(Boolean);
  };
  let bytes = 0;
  // Held back until the probe is full (or the input ends): binary input is not counted.
  let held: Uint8Array[] | undefined = o.scanBinary ? undefined : [];
  const binary = () => {
    const probe = Buffer.concat(held!);
    held = undefined;
    return probe.subarray(0, BINARY_PROBE).includes(0) ? undefined : probe;
  };
  for await (const chunk of source) {
    bytes += chunk.length;
    if (held) {
      held.push(chunk);
      if (bytes < BINARY_PROBE) continue;
      const text = binary();
      if (!text) return skipped(path, bytes, o);
      if (feed(text)) break;
    } else if (feed(chunk)) break;
  }
  if (held) {
    const text = binary();
    if (!text) return skipped(path, bytes, o);
    feed(text);
  }
  return shaped(
    path,
    bytes,
    scanners.map((s) => counterResult(native.scannerFinish(s))),
    o.multi,
  );
}

function skipped(path: string, bytes: number, o: ReadableScan): AnyRecord {
  const r = shaped(
    path,
    bytes,
    o.counters.map(() => ({ matched: false, offset: null, line: null })),
    o.multi,
  );
  r.skipped = 'binary';
  return r;
}
