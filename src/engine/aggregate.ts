/**
 * aggregate: the run's summary (contract §3), built one record at a time.
 */
import { matchedAny, strideOf } from '../codec/batch.js';
import type { NativeBatch } from '../core/types.js';
import type { AnyRecord, BackendName, Histogram, Progress, SkipReason, Summary } from '../core/types.js';
import {
  COUNTER_FIELDS,
  HEADER_FIELDS,
  HISTOGRAM_FIELDS,
  HISTOGRAM_HEADER_FIELDS,
  SKIP_REASONS,
  STATUS_FAILED,
  STATUS_SCANNED,
} from '../core/wire-format.js';

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
    this.histograms = histograms ? Array.from({ length: counters }, () => new Map()) : undefined;
  }

  get elapsedMs(): number {
    return nowMs() - this.started;
  }

  add(r: AnyRecord): void {
    this.done++;
    this.bytesRead += r.bytes;
    if (r.error) this.errored++;
    else if (r.skipped) this.skipped[r.skipped]++;
    else this.scanned++;
    const results = 'counters' in r ? r.counters : [r];
    let any = false;
    results.forEach((c, i) => {
      if (this.histograms && c.histogram) addHistogram(this.histograms[i]!, c.histogram);
      if (c.matched) {
        this.perCounter[i]!++;
        any = true;
      }
    });
    if (any) this.matched++;
  }

  /** Counts every file of a task's batch from its numbers, as `add` would count its records. */
  addBatch(batch: NativeBatch): void {
    const counters = this.perCounter.length;
    const stride = strideOf(counters);
    const { numbers } = batch;
    if (this.histograms && batch.histograms) this.addBatchHistograms(batch, stride);
    for (let i = 0; i < batch.count; i++) {
      const at = i * stride;
      this.done++;
      this.bytesRead += numbers[at]!;
      const status = numbers[at + 1]!;
      if (status === STATUS_FAILED) this.errored++;
      else if (status === STATUS_SCANNED) this.scanned++;
      else this.skipped[SKIP_REASONS[status - 1]!]++;
      if (!matchedAny(numbers, at, counters)) continue;
      this.matched++;
      for (let k = 0; k < counters; k++)
        if (numbers[at + HEADER_FIELDS + COUNTER_FIELDS * k] === 1) this.perCounter[k]!++;
    }
  }

  /** Adds the histograms of a batch's scanned files (its `histograms`, in file and counter order). */
  private addBatchHistograms(batch: NativeBatch, stride: number): void {
    const h = batch.histograms!;
    let at = 0;
    for (let i = 0; i < batch.count; i++) {
      if (batch.numbers[i * stride + 1] !== STATUS_SCANNED) continue;
      for (const into of this.histograms!) {
        const end = at + HISTOGRAM_HEADER_FIELDS + HISTOGRAM_FIELDS * h[at]!;
        for (let p = at + HISTOGRAM_HEADER_FIELDS; p < end; p += HISTOGRAM_FIELDS) {
          into.set(h[p]!, (into.get(h[p]!) ?? 0) + h[p + 1]!);
        }
        at = end;
      }
    }
  }

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

/** Adds a file's histogram to a run's. */
function addHistogram(into: Map<number, number>, h: Histogram): void {
  for (const k in h) into.set(Number(k), (into.get(Number(k)) ?? 0) + h[k]!);
}

/** A run's histogram as records have theirs: keys by increasing k. */
function histogramFrom(m: Map<number, number>): Histogram {
  const h: Histogram = {};
  for (const k of [...m.keys()].sort((a, b) => a - b)) h[k] = m.get(k)!;
  return h;
}
