/**
 * A stream as one more input of a run (`charcount -`, or piped standard input): read in
 * the chunks it arrives in, decoded as a file is (a byte-order mark, `encoding`: contract
 * §1.3.1) and counted by the same streaming scanners, and made into a record of the run's
 * shape. Binary detection is the reader's: a NUL byte (decoded: U+0000) in the first
 * 256 KiB skips it (unless `scanBinary`); `maxFilesize` is for files and does not apply,
 * nor does `searchZip` (a stream has no name to say it is compressed).
 */
import type { Backend } from '../backends/backend.js';
import { shaped } from '../codec/batch.js';
import { counterResult, type Counter } from './counter.js';
import { textStage } from './decode.js';
import type { AnyRecord } from '../core/types.js';
import { countStream } from './decoded.js';

export interface ReadableScan {
  /** The back end that counts (the one the counters were made on). */
  backend: Backend;
  counters: Counter[];
  multi: boolean;
  fullScan: boolean;
  scanBinary: boolean;
  /** With `allHits`: list every hit, at most this many. */
  maxHits?: number | undefined;
  /** Count segments per count held. */
  histogram?: boolean;
  /** The encoding without a byte-order mark (default UTF-8), and whether a mark decides (default yes). */
  encoding?: string;
  bomSniff?: boolean;
}

/** Reads `source` to its end (or, without `fullScan`, until every answer is settled). */
export async function scanReadable(
  path: string,
  source: AsyncIterable<Uint8Array>,
  o: ReadableScan,
): Promise<AnyRecord> {
  const stage = textStage(o.encoding ?? 'utf-8', o.bomSniff ?? true);
  const handles = o.counters.map((c) => c.handle);
  const rules = { full: o.fullScan, scanBinary: o.scanBinary, maxHits: o.maxHits, histogram: o.histogram };
  const r = (await countStream(o.backend, source, stage, handles, rules))!;
  const results =
    'results' in r
      ? r.results.map(counterResult)
      : o.counters.map(() => ({ matched: false, offset: null, line: null }));
  const record = shaped(path, r.bytes, results, o.multi);
  if ('skipped' in r) record.skipped = r.skipped;
  return record;
}
