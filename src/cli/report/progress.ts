/**
 * The progress bar for long runs, drawn on stderr only (stdout carries results), via
 * cli-progress (its redraws, the cursor, clearing the line):
 *
 * * nothing for a run that ends within `SHOW_AFTER_MS` (by the run's clock); drawn then,
 *   with or without a new update (a long file), and its time goes on between updates;
 * * while discovery goes on, the files done and found so far, as counts: the total still
 *   grows, so there is no bar, share or ETA yet;
 * * once discovery has ended, a bar, the percentage, done / total files and an ETA from
 *   the run's average rate of files;
 * * throughput and elapsed time throughout; counts with thousands separators;
 * * at the end, on a terminal, the line is cleared (with `--progress` into a file or a
 *   pipe it redraws as lines, twice a second).
 */
import cliProgress from 'cli-progress';
import type { Progress } from '../../core/types.js';
import { formatBytes } from './reporters.js';
import { count } from './numbers.js';
import { stderr, type Stream } from '../streams.js';

/** A run that ends sooner shows no bar. */
export const SHOW_AFTER_MS = 1000;
/** Cells of the bar, once discovery has ended. */
const BAR_CELLS = 20;

/** `3400` → `3.4 s`, `62_000` → `1 min 02 s`, `3_720_000` → `1 h 02 min`. */
export function formatDuration(ms: number, round: (x: number) => number = Math.round): string {
  if (ms < 10_000) return `${(round(ms / 100) / 10).toFixed(1)} s`;
  const s = round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${count(Math.floor(s / 3600))} h ${String(Math.floor(s / 60) % 60).padStart(2, '0')} min`;
}

/**
 * The bar's line for `p`, at most `columns − 1` wide (the last column left free, so that
 * a terminal does not wrap): while discovery goes on, counts only; once it has ended, the
 * bar, the share done, the total and an ETA.
 */
export function progressLine(p: Progress, columns = 80): string {
  const rate = `${formatBytes(p.bytesRead / Math.max(p.elapsedMs / 1000, 1e-3))}/s`;
  const elapsed = formatDuration(p.elapsedMs);
  let line: string;
  if (!p.discoveryDone) {
    line = ` ${count(p.done)} files done, ${count(p.discovered)} found so far | ${rate} | ${elapsed}`;
  } else {
    const total = Math.max(p.discovered, p.done);
    const share = total === 0 ? 1 : p.done / total;
    const cells = Math.floor(share * BAR_CELLS);
    const bar = '█'.repeat(cells) + '░'.repeat(BAR_CELLS - cells);
    // 100% only once every file is done.
    const percent = `${Math.floor(share * 100)}%`.padStart(4);
    // The run's average rate of files; none before the first file is done.
    const left = p.done > 0 && p.done < total ? (p.elapsedMs * (total - p.done)) / p.done : undefined;
    const eta = left === undefined ? '' : ` | ETA ${formatDuration(left, Math.ceil)}`;
    line = ` ${bar} ${percent} | ${count(p.done)} / ${count(total)} files | ${rate} | ${elapsed}${eta}`;
  }
  return line.length < columns ? line : line.slice(0, Math.max(columns - 1, 0));
}

export interface ProgressBarOptions {
  /** Where it is drawn: stderr unless said (a test's fake terminal). */
  stream?: Stream;
  /** Milliseconds, for the time between updates (a test's fake clock): `Date.now` unless said. */
  now?: () => number;
}

export class ProgressBar {
  private readonly stream: Stream;
  private readonly now: () => number;
  private bar: cliProgress.SingleBar | undefined;
  private drawn = false;
  private ended = false;
  /** The last update, and when it came. */
  private last: { p: Progress; at: number } | undefined;
  /** Draws the bar at `SHOW_AFTER_MS` when no update comes by then (one long file). */
  private pending: NodeJS.Timeout | undefined;

  constructor(o: ProgressBarOptions = {}) {
    this.stream = o.stream ?? stderr();
    this.now = o.now ?? Date.now;
  }

  update(p: Progress): void {
    if (this.ended) return;
    this.last = { p, at: this.now() };
    if (this.drawn) this.bar!.update({});
    else if (p.elapsedMs >= SHOW_AFTER_MS) this.draw();
    else this.pending ??= setTimeout(() => this.draw(), SHOW_AFTER_MS - p.elapsedMs).unref();
  }

  /** The last update, its elapsed time moved on to now: the time, rate and ETA go on between updates. */
  private current(): Progress {
    const { p, at } = this.last!;
    return { ...p, elapsedMs: p.elapsedMs + Math.max(this.now() - at, 0) };
  }

  private draw(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    if (this.ended || this.drawn) return;
    this.bar ??= new cliProgress.SingleBar({
      stream: this.stream,
      format: (_options, params) => progressLine(this.current(), params.maxWidth),
      hideCursor: true,
      // `--progress` on a non-terminal stderr: plain redraws twice a second.
      noTTYOutput: true,
      notTTYSchedule: 500,
      clearOnComplete: true,
      fps: 10,
    });
    this.bar.start(1, 0);
    this.drawn = true;
  }

  /** Whether the bar is on the screen (a run shorter than `SHOW_AFTER_MS` never draws it). */
  get shown(): boolean {
    return this.drawn;
  }

  /**
   * Prints a line of its own (a warning, a file's error) above the bar: the bar is cleared
   * first and redrawn at the next update. Writing around a live bar would leave copies of
   * it behind once a long line wraps.
   */
  note(line: string): void {
    this.clear();
    this.stream.write(line);
  }

  /** Clears the bar for now (on a terminal; into a file or a pipe, ends its last line): the next update draws it again. */
  clear(): void {
    if (this.drawn) this.bar!.stop();
    this.drawn = false;
  }

  /** The run has ended: the bar is cleared, and drawn no more. */
  stop(): void {
    this.clear();
    clearTimeout(this.pending);
    this.pending = undefined;
    this.ended = true;
  }
}
