/**
 * aggregate: the run's summary (contract §3), built one record at a time.
 */
import type { BatchView } from '../codec/batch.js';
import type { AnyRecord, BackendName, Histogram, Progress, SkipReason, Summary } from '../core/types.js';
import { SKIP_REASONS } from '../core/wire-format.js';

// Not `performance.now()`: the first use of `performance` loads perf_hooks (nine modules).
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

export class Aggregator {
  discovered = 0;
  done = 0;
  private scanned = 0;
  private matched = 0;
  private errored = 0;
  bytesRead = 0;
  private readonly skipped = Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;
  private readonly perCounter: number[];
  /** Per counter, whether it matched the file being counted (reused: no array per file). */
  private readonly matchedNow: boolean[];
  /** With histograms: per counter, segments per count over the run's files. */
  private readonly histograms: Map<number, number>[] | undefined;
  private readonly started = nowMs();

  /** Set by a queued run as workers answer. */
  workers: number | undefined;
  /** The back end that scanned (a queued run's: its workers'). */
  backend: BackendName = 'native';

  constructor(
    counters: number,
    public threads: number,
    private readonly multi: boolean,
    histograms = false,
  ) {
    this.perCounter = new Array(counters).fill(0);
    this.matchedNow = new Array(counters).fill(false);
    this.histograms = histograms ? Array.from({ length: counters }, () => new Map()) : undefined;
  }

  get elapsedMs(): number {
    return nowMs() - this.started;
  }

  /** Counts a file from its record (one not read through a batch: standard input, a path that failed first, a shard's). */
  add(r: AnyRecord): void {
    const results = 'counters' in r ? r.counters : [r];
    for (let k = 0; k < results.length; k++) this.matchedNow[k] = results[k]!.matched;
    this.countFile(r.bytes, r.error ? 'failed' : (r.skipped ?? 'scanned'));
    if (this.histograms) {
      results.forEach((c, k) => {
        for (const count in c.histogram) this.addSegments(k, Number(count), c.histogram[count]!);
      });
    }
  }

  /** Counts every file of a batch from its numbers, without making records. */
  addBatch(view: BatchView): void {
    for (let i = 0; i < view.count; i++) {
      for (let k = 0; k < this.perCounter.length; k++) this.matchedNow[k] = view.matched(i, k);
      this.countFile(view.bytes(i), view.outcome(i));
    }
    if (this.histograms) view.eachHistogram(this.addSegments);
  }

  /** The one place a file is counted; `matchedNow` holds whether each counter matched it. */
  private countFile(bytes: number, outcome: 'scanned' | 'failed' | SkipReason): void {
    this.done++;
    this.bytesRead += bytes;
    if (outcome === 'failed') this.errored++;
    else if (outcome === 'scanned') this.scanned++;
    else this.skipped[outcome]++;
    let any = false;
    for (let k = 0; k < this.perCounter.length; k++) {
      if (!this.matchedNow[k]) continue;
      this.perCounter[k]!++;
      any = true;
    }
    if (any) this.matched++;
  }

  /** `segments` more segments of counter `k` held exactly `count`. */
  private readonly addSegments = (k: number, count: number, segments: number): void => {
    const into = this.histograms![k]!;
    into.set(count, (into.get(count) ?? 0) + segments);
  };

  /**
   * A progress reporter for `onProgress`: call it as the run goes (it reports at most every
   * `intervalMs`) and with `force` at the end.
   */
  progress(
    onProgress: ((p: Progress) => void) | undefined,
    intervalMs: number,
  ): (force: boolean, discoveryDone: boolean) => void {
    let last = -Infinity;
    return (force, discoveryDone) => {
      if (!onProgress) return;
      const now = this.elapsedMs;
      if (!force && now - last < intervalMs) return;
      last = now;
      onProgress({
        discovered: this.discovered,
        done: this.done,
        bytesRead: this.bytesRead,
        elapsedMs: now,
        discoveryDone,
      });
    };
  }

  /** The figures so far; `elapsedMs` for a summary of work timed elsewhere (merged shards). */
  summary(aborted: boolean, elapsedMs = this.elapsedMs): Summary {
    const seconds = Math.max(elapsedMs, 1e-3) / 1000;
    const s: Summary = {
      filesDiscovered: this.discovered,
      filesScanned: this.scanned,
      filesMatched: this.matched,
      filesSkipped: Object.values(this.skipped).reduce((a, b) => a + b, 0),
      skipped: { ...this.skipped },
      filesErrored: this.errored,
      bytesRead: this.bytesRead,
      elapsedMs,
      bytesPerSecond: this.bytesRead / seconds,
      filesPerSecond: this.done / seconds,
      threads: this.threads,
      backend: this.backend,
      aborted,
    };
    if (this.workers !== undefined) s.workers = this.workers;
    const histograms = this.histograms?.map(histogramFrom);
    if (histograms && !this.multi) s.histogram = histograms[0]!;
    if (this.multi) {
      s.counters = this.perCounter.map((filesMatched, i) =>
        histograms ? { filesMatched, histogram: histograms[i]! } : { filesMatched },
      );
    }
    return s;
  }
}

/** A run's histogram as records have theirs: keys by increasing k. */
function histogramFrom(m: Map<number, number>): Histogram {
  const h: Histogram = {};
  for (const k of [...m.keys()].sort((a, b) => a - b)) h[k] = m.get(k)!;
  return h;
}
