/**
 * A stream as one more input of a run (`charcount -`, or piped standard input): counted in
 * the chunks it arrives in, as they arrive (it is answered as soon as what came answers
 * it, without waiting for more), decoded as a file is (a byte-order mark, `encoding`:
 * contract §1.3.1) by the same native scanners, and made into a record of the run's shape.
 * Binary detection is the reader's, as far as the stream is read: a NUL byte (decoded:
 * U+0000) in its first 256 KiB skips it (unless `scanBinary`); `maxFilesize` is for files
 * and does not apply, nor does `searchZip` (a stream has no name to say it is compressed).
 */
import type { Backend } from '../backends/backend.js';
import { shaped } from '../codec/batch.js';
import { counterResult, type Counter } from './counter.js';
import { textStage } from './decode.js';
import type { ReadRules } from '../core/spec.js';
import type { AnyRecord, CounterResult } from '../core/types.js';
import { countStream } from './decoded.js';

export interface ReadableScan {
  /** The back end that counts (the one the counters were made on). */
  backend: Backend;
  counters: Counter[];
  multi: boolean;
  /** How to count and decode (`maxFilesize`, `searchZip` and `follow` are for files: ignored). */
  read: Pick<ReadRules, 'full' | 'scanBinary' | 'maxHits' | 'histogram' | 'encoding' | 'bomSniff'>;
}

/** Reads `source` to its end (or, without `read.full`, until every answer is settled). */
export async function scanReadable(
  path: string,
  source: AsyncIterable<Uint8Array>,
  o: ReadableScan,
): Promise<AnyRecord> {
  const { read } = o;
  const stage = textStage(read.encoding, read.bomSniff);
  const handles = o.counters.map((c) => c.handle);
  const rules = { full: read.full, scanBinary: read.scanBinary, maxHits: read.maxHits, histogram: read.histogram };
  // Counted as it arrives: a slow writer (`tail -f log |`) is answered from what it wrote.
  const r = (await countStream(o.backend, source, stage, handles, rules, undefined, undefined, true))!;
  const results =
    'results' in r
      ? r.results.map(counterResult)
      : o.counters.map((): CounterResult => ({ matched: false, offset: null, line: null }));
  const record = shaped(path, r.bytes, results, o.multi);
  if ('skipped' in r) record.skipped = r.skipped;
  return record;
}
