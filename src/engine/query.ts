/**
 * query: the one description of what a run answers — its counter and whatever changes the
 * answers (full-scan figures, every hit, histograms, how files are decoded). Made once from
 * the resolved options; `--json` records it, `charcount merge` refuses shards whose
 * queries differ, and the text report takes its words (the character, the segment) from it.
 */
import type { FileRecord, Shard, Summary } from '../core/types.js';
import type { Counter, Reset } from '../scan/counter.js';

/** What the command line asked, as recorded in `--json` output (and checked by `merge`). */
export interface Query {
  char: string;
  min: number;
  reset: Reset;
  /** `--count`: full-scan figures. */
  count: boolean;
  /** `--all-hits`: every hit (present only then). */
  allHits?: true;
  /** `--max-hits`: most hits listed per file (with `allHits` only). */
  maxHits?: number;
  /** `--histogram`: segments per count held (present only then). */
  histogram?: true;
  /** `-E`: the encoding of files without a byte-order mark, when not UTF-8 (a WHATWG name, or `none`). */
  encoding?: string;
  /** `--no-encoding-sniff`: a byte-order mark does not decide (present only then). */
  encodingSniff?: false;
  /** `-z`: compressed files decompressed (present only then). */
  searchZip?: true;
}

/** What a `--json` document says besides its records and summary. */
export interface RunMeta {
  query?: Query;
  shard?: Shard;
}

/** The `--json` document. */
export interface ScanDocument extends RunMeta {
  summary: Summary;
  records: FileRecord[];
}

/** What a run asks that changes its answers, besides its counter. */
export interface QueryAsks {
  /** Full-scan figures were asked for (`fullScan`, `--count`), not only implied by `histogram`. */
  count: boolean;
  /** With `allHits`: the most hits listed per file. */
  maxHits: number | undefined;
  histogram: boolean;
  /** The encoding as `checkEncoding` names it (`'utf-8'` for the default, `'none'`). */
  encoding: string;
  /** False when a byte-order mark was told not to decide (`encodingSniff: false`). */
  encodingSniff: boolean;
  searchZip: boolean;
}

/** The query of a run of one counter. Keys in the order `--json` prints them. */
export function queryOf(counter: Counter, asks: QueryAsks): Query {
  const q: Query = { char: counter.what, min: counter.min, reset: counter.reset, count: asks.count };
  if (asks.maxHits !== undefined) Object.assign(q, { allHits: true, maxHits: asks.maxHits });
  if (asks.histogram) q.histogram = true;
  if (asks.encoding !== 'utf-8') q.encoding = asks.encoding;
  if (!asks.encodingSniff) q.encodingSniff = false;
  if (asks.searchZip) q.searchZip = true;
  return q;
}

/** The query as the command-line options that ask it. */
export function describeQuery(q: Query): string {
  return (
    `--char ${JSON.stringify(q.char)} --min ${q.min} --reset ${q.reset}${q.count ? ' --count' : ''}` +
    (q.allHits ? ` --all-hits --max-hits ${q.maxHits}` : '') +
    (q.histogram ? ' --histogram' : '') +
    (q.encoding !== undefined ? ` --encoding ${q.encoding}` : '') +
    (q.encodingSniff === false ? ' --no-encoding-sniff' : '') +
    (q.searchZip ? ' --search-zip' : '')
  );
}

/** Whether two runs answer the same query (so that their shards may be merged). */
export function sameQuery(a: Query, b: Query): boolean {
  return describeQuery(a) === describeQuery(b);
}
