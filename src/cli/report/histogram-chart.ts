/**
 * `--histogram` in text output: the run's segments per count as a horizontal bar chart,
 * then the files whose counts stray from the run's mode — the question behind "which rows
 * of these exports are malformed?" — when that singles files out (`StrayFiles.says`: of two
 * files or more, at most half stray; when most do, straying is the rule and one line says so).
 *
 * On a terminal the bars are Unicode blocks (eighths of a cell) scaled to its width; into a
 * pipe or a file the same table comes without bars, so that it reads as plain text.
 */
import { RESETS } from '../../core/wire-format.js';
import type { Histogram } from '../../core/types.js';
import { isTerminal, stdout } from '../streams.js';
import { count, plural } from './numbers.js';

/** Rows of the chart before the rest is folded into a last `≥ k` row. */
export const CHART_ROWS = 20;
/** Files listed as straying from the mode before the rest is only counted. */
export const LISTED_FILES = 100;
/** Counts listed per straying file before the rest is elided. */
const COUNTS_PER_FILE = 8;
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** What a segment is called, per reset. */
/** What one segment is called, by reset name (from the kernel's table of modes). */
export const NOUNS = Object.fromEntries(RESETS.map((r) => [r.name, r.segment])) as {
  readonly [R in (typeof RESETS)[number] as R['name']]: R['segment'];
};

/** Columns for the chart: the terminal's, or none (plain text) when stdout is not one. */
export function chartColumns(): number | undefined {
  if (!isTerminal(1)) return undefined;
  return (stdout() as { columns?: number }).columns || Number(process.env.COLUMNS) || 80;
}

/** How the chart is drawn. */
export interface ChartStyle {
  /** The segments' name: `line`, `word` or `file` (plural with an `s`). */
  noun: string;
  /** The character counted, as the user gave it. */
  char: string;
  /** Terminal columns to fill, or `undefined` for plain text (no bars). */
  columns: number | undefined;
}

/** `(k, segments)` by increasing k. */
function entries(h: Histogram): [number, number][] {
  return Object.entries(h)
    .map(([k, n]): [number, number] => [Number(k), n])
    .sort((a, b) => a[0] - b[0]);
}

/** A bar of `value / max` of `width` cells, in eighths; at least a sliver for any value above 0. */
function bar(value: number, max: number, width: number): string {
  const eighths = Math.max(value > 0 ? 1 : 0, Math.round((value / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]!;
}

/**
 * The count most segments hold, when more than half do (only then do the others stray
 * from a norm); undefined otherwise, and for an empty histogram.
 */
export function modeOf(h: Histogram): number | undefined {
  let mode: [number, number] | undefined;
  let total = 0;
  for (const [k, n] of entries(h)) {
    total += n;
    if (!mode || n > mode[1]) mode = [k, n];
  }
  return mode && 2 * mode[1] > total ? mode[0] : undefined;
}

/** The chart of the run's histogram, as lines of text (each ending in `\n`). */
export function histogramChart(h: Histogram, files: number, style: ChartStyle): string {
  const { noun, columns } = style;
  const rows = entries(h);
  const total = rows.reduce((a, [, n]) => a + n, 0);
  const where = noun === 'file' ? '' : ` in ${plural(files, 'file')}`;
  const head = `${JSON.stringify(style.char)} per ${noun}: ${plural(total, noun)}${where}\n`;
  if (total === 0) return head;
  let note = '';
  let shown: [string, number][] = rows.map(([k, n]) => [count(k), n]);
  if (rows.length > CHART_ROWS) {
    const tail = rows.slice(CHART_ROWS - 1);
    const from = tail[0]![0];
    shown = [...shown.slice(0, CHART_ROWS - 1), [`≥ ${count(from)}`, tail.reduce((a, [, n]) => a + n, 0)]];
    note = `(the last row folds ${count(tail.length)} counts, from ${count(from)} to ${count(tail.at(-1)![0])})\n`;
  }
  const kWidth = Math.max(1, ...shown.map(([k]) => k.length));
  const nWidth = Math.max(noun.length + 1, ...shown.map(([, n]) => count(n).length));
  // A share that rounds to 0 or 100 but is not says so: a stray line among millions shows.
  const share = (n: number) => {
    const p = (100 * n) / total;
    return (p < 0.1 && n > 0 ? '<0.1%' : p > 99.9 && n < total ? '>99.9%' : `${p.toFixed(1)}%`).padStart(6);
  };
  const header = `${'k'.padStart(kWidth)}  ${`${noun}s`.padStart(nWidth)}   share\n`;
  if (columns === undefined) {
    const lines = shown.map(([k, n]) => `${k.padStart(kWidth)}  ${count(n).padStart(nWidth)}  ${share(n)}\n`);
    return head + header + lines.join('') + note;
  }
  const max = Math.max(...shown.map(([, n]) => n));
  const barWidth = Math.max(10, columns - kWidth - nWidth - 14);
  const lines = shown.map(
    ([k, n]) =>
      `${k.padStart(kWidth)}  ${bar(n, max, barWidth).padEnd(barWidth)}  ${count(n).padStart(nWidth)}  ${share(n)}\n`,
  );
  return head + lines.join('') + note;
}

/** A file as the list of files off the mode keeps it: its path and histogram, compact. */
interface Kept {
  /** The path as text output prints it. */
  path: string;
  /** The counts it holds, increasing, and the segments holding each. */
  ks: number[];
  ns: number[];
  /** Its segments. */
  total: number;
  /** Its place among the files, the last key of every order (the same path may come twice). */
  seq: number;
}

/** The segments of `f` holding `k` (0 if none). */
function holding(f: Kept, k: number): number {
  const i = f.ks.indexOf(k);
  return i < 0 ? 0 : f.ns[i]!;
}

/** `a` before `b` by path, then by arrival. */
const byPath = (a: Kept, b: Kept): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.seq - b.seq);

/**
 * The best `cap` files by a score, higher first, then by path and arrival (a min-heap of
 * them: its root is the one to give up first).
 */
class Best {
  readonly items: { f: Kept; score: number }[] = [];

  constructor(private readonly cap: number) {}

  /** `a` ranks below `b`. */
  private static below(a: { f: Kept; score: number }, b: { f: Kept; score: number }): boolean {
    return a.score < b.score || (a.score === b.score && byPath(a.f, b.f) > 0);
  }

  /** Whether `f` would be kept. */
  takes(score: number, f: Kept): boolean {
    return this.items.length < this.cap || Best.below(this.items[0]!, { f, score });
  }

  /** Keeps `f` if it is among the best; returns the file it displaced, if any. */
  offer(f: Kept, score: number): Kept | undefined {
    if (!this.takes(score, f)) return undefined;
    const h = this.items;
    const item = { f, score };
    if (h.length < this.cap) {
      h.push(item);
      for (let i = h.length - 1; i > 0;) {
        const up = (i - 1) >> 1;
        if (!Best.below(h[i]!, h[up]!)) break;
        [h[i], h[up]] = [h[up]!, h[i]!];
        i = up;
      }
      return undefined;
    }
    const out = h[0]!.f;
    h[0] = item;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let low = i;
      if (l < h.length && Best.below(h[l]!, h[low]!)) low = l;
      if (r < h.length && Best.below(h[r]!, h[low]!)) low = r;
      if (low === i) break;
      [h[i], h[low]] = [h[low]!, h[i]!];
      i = low;
    }
    return out;
  }
}

/**
 * The files whose segments stray from the run's mode, gathered as records come while the
 * mode is not known yet (it is the run's, known at the end), keeping only what the list
 * can need — not every file's histogram. For any count k that may turn out to be the mode,
 * the list is: the files holding a count no other file holds (outliers), then the others
 * by how many segments stray (`total − segments holding k`), then by path. What is kept:
 *
 * * per count, how many files hold it, and while only one does, that file (the outliers
 *   are among these); how many files hold nothing else, and files without segments: the
 *   number of stray files for any k;
 * * per count k, the best `listed` files holding k and another count, by `total − n(k)`;
 * * the best `2 × listed` files by `total` (a file not holding k strays by all its
 *   segments): while at most `listed` of them hold k, the best `listed` files not holding
 *   k are among them (were one left out, the `2 × listed` kept, all above it, would count
 *   fewer than `listed` not holding k, so more than `listed` holding it); the moment one
 *   more would hold k, the best files not holding k are the others, and they are kept
 *   apart for k from then on.
 *
 * So memory grows with the counts held in the run (as its own histogram does), by at most
 * `2 × listed + 1` files a count, and not with the number of files. The list is exactly
 * the one every histogram at once gives (test/cli-histogram.test.ts checks it against one).
 */
export class StrayFiles {
  /** Files with a histogram. */
  files = 0;
  private empty = 0;
  /** Files holding only k, by k. */
  private readonly onlyK = new Map<number, number>();
  /** Files holding k, by k. */
  private readonly holders = new Map<number, number>();
  /** The one file holding k, while only one does. */
  private readonly sole = new Map<number, Kept>();
  /** Per k, the best files holding k and another count, by their segments not holding k. */
  private readonly holdingAlso = new Map<number, Best>();
  /** The best files by their segments (`2 × listed` of them). */
  private readonly largest: Best;
  /** How many of `largest` hold k, by k. */
  private readonly inLargest = new Map<number, number>();
  /** For a count held by more than `listed` of `largest`: the best files not holding it. */
  private readonly notHolding = new Map<number, Best>();

  constructor(private readonly listed = LISTED_FILES) {
    this.largest = new Best(2 * listed);
  }

  add(path: string, histogram: Histogram): void {
    this.files++;
    const pairs = entries(histogram);
    if (pairs.length === 0) {
      this.empty++;
      return;
    }
    const f: Kept = { path, ks: pairs.map(([k]) => k), ns: pairs.map(([, n]) => n), total: 0, seq: this.files };
    for (const n of f.ns) f.total += n;
    if (f.ks.length === 1) this.onlyK.set(f.ks[0]!, (this.onlyK.get(f.ks[0]!) ?? 0) + 1);
    for (const k of f.ks) {
      const held = this.holders.get(k) ?? 0;
      if (held === 0) this.sole.set(k, f);
      else if (held === 1) this.sole.delete(k);
      this.holders.set(k, held + 1);
    }
    if (f.ks.length > 1) {
      for (let i = 0; i < f.ks.length; i++) {
        const k = f.ks[i]!;
        let best = this.holdingAlso.get(k);
        if (!best) this.holdingAlso.set(k, (best = new Best(this.listed)));
        best.offer(f, f.total - f.ns[i]!);
      }
    }
    for (const [k, best] of this.notHolding) if (!f.ks.includes(k)) best.offer(f, f.total);
    if (!this.largest.takes(f.total, f)) return;
    // A count `f` holds that `listed` of the largest already hold: the best files not
    // holding it are exactly the others now; from here on they are kept apart.
    for (const k of f.ks) {
      if (this.notHolding.has(k) || (this.inLargest.get(k) ?? 0) < this.listed) continue;
      const best = new Best(this.listed);
      for (const { f: g } of this.largest.items) if (!g.ks.includes(k)) best.offer(g, g.total);
      this.notHolding.set(k, best);
    }
    const out = this.largest.offer(f, f.total);
    for (const k of f.ks) this.inLargest.set(k, (this.inLargest.get(k) ?? 0) + 1);
    if (out) for (const k of out.ks) this.inLargest.set(k, this.inLargest.get(k)! - 1);
  }

  /**
   * Whether the list of `strays` files off the mode, of `held` files holding segments,
   * says something: it singles files out when at most half of them stray. When more do,
   * straying is the rule, the list would be (nearly) every file.
   */
  static says(strays: number, held: number): boolean {
    return held >= 2 && strays > 0 && 2 * strays <= held;
  }

  /**
   * The files holding segments whose count is not `mode`: how many, and the first
   * `listed` — the outliers, those with a count no other file has, first, then by how many
   * segments stray, then by path — each with its counts off the mode and its outliers.
   */
  list(mode: number): { strays: number; listed: { path: string; off: [number, number][]; only: number[] }[] } {
    const strays = this.files - this.empty - (this.onlyK.get(mode) ?? 0);
    const candidates = new Set<Kept>();
    for (const [k, f] of this.sole) if (k !== mode) candidates.add(f);
    for (const { f } of this.holdingAlso.get(mode)?.items ?? []) candidates.add(f);
    for (const { f } of (this.notHolding.get(mode) ?? this.largest).items) if (!f.ks.includes(mode)) candidates.add(f);
    const stray = [...candidates]
      .map((f) => {
        const off = f.ks.flatMap((k, i): [number, number][] => (k === mode ? [] : [[k, f.ns[i]!]]));
        return {
          f,
          path: f.path,
          off,
          only: off.filter(([k]) => this.holders.get(k) === 1).map(([k]) => k),
          count: f.total - holding(f, mode),
        };
      })
      .filter((f) => f.off.length > 0)
      .sort((a, b) => Number(b.only.length > 0) - Number(a.only.length > 0) || b.count - a.count || byPath(a.f, b.f));
    return { strays, listed: stray.slice(0, this.listed).map(({ path, off, only }) => ({ path, off, only })) };
  }

  /**
   * What text output prints after the chart about the files off the mode: the list, only
   * when it singles files out (`says`), else a line saying why there is none, or nothing.
   */
  text(mode: number | undefined, noun: string): string {
    const held = this.files - this.empty;
    // One file (or none) holding segments: the chart is that file's, there is nothing to compare.
    if (held < 2) return '';
    if (mode === undefined) return `No count is held by most ${noun}s: no file strays from one.\n`;
    const { strays, listed } = this.list(mode);
    if (strays === 0) return `Every file's ${noun}s hold ${count(mode)}.\n`;
    if (!StrayFiles.says(strays, held)) {
      return (
        `${count(strays)} of ${plural(held, 'file')} have ${noun}s not holding ${count(mode)}: ` +
        `more than half, so none is singled out (--json lists every histogram).\n`
      );
    }
    const lines = listed.map((f) => {
      const counts = f.off.slice(0, COUNTS_PER_FILE).map(([k, n]) => `${count(k)}×${count(n)}`);
      if (f.off.length > COUNTS_PER_FILE) counts.push('…');
      const only = f.only.length ? `  (no other file: ${f.only.slice(0, COUNTS_PER_FILE).map(count).join(', ')})` : '';
      return `  ${f.path}  ${counts.join(' ')}${only}\n`;
    });
    const more =
      strays > this.listed
        ? `  … and ${plural(strays - this.listed, 'file')} more (--json lists every histogram)\n`
        : '';
    const title = `${plural(strays, 'file')} of ${count(this.files)} with ${noun}s not holding ${count(mode)} (k×${noun}s):\n`;
    return title + lines.join('') + more;
  }
}
