/**
 * `--histogram` in text output: the run's segments per count as a horizontal bar chart,
 * then the files whose counts stray from the run's mode — the question behind "which rows
 * of these exports are malformed?".
 *
 * On a terminal the bars are Unicode blocks (eighths of a cell) scaled to its width; into a
 * pipe or a file the same table comes without bars, so that it reads as plain text.
 */
import { RESETS } from '../../core/wire-format.js';
import type { Histogram } from '../../core/types.js';
import { isTerminal, stdout } from '../streams.js';

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

const number = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, noun: string) => `${number(n)} ${noun}${n === 1 ? '' : 's'}`;

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
  let shown: [string, number][] = rows.map(([k, n]) => [String(k), n]);
  if (rows.length > CHART_ROWS) {
    const tail = rows.slice(CHART_ROWS - 1);
    const from = tail[0]![0];
    shown = [...shown.slice(0, CHART_ROWS - 1), [`≥ ${from}`, tail.reduce((a, [, n]) => a + n, 0)]];
    note = `(the last row folds ${tail.length} counts, from ${from} to ${tail.at(-1)![0]})\n`;
  }
  const kWidth = Math.max(1, ...shown.map(([k]) => k.length));
  const nWidth = Math.max(noun.length + 1, ...shown.map(([, n]) => number(n).length));
  // A share that rounds to 0 or 100 but is not says so: a stray line among millions shows.
  const share = (n: number) => {
    const p = (100 * n) / total;
    return (p < 0.1 && n > 0 ? '<0.1%' : p > 99.9 && n < total ? '>99.9%' : `${p.toFixed(1)}%`).padStart(6);
  };
  const header = `${'k'.padStart(kWidth)}  ${`${noun}s`.padStart(nWidth)}   share\n`;
  if (columns === undefined) {
    const lines = shown.map(([k, n]) => `${k.padStart(kWidth)}  ${number(n).padStart(nWidth)}  ${share(n)}\n`);
    return head + header + lines.join('') + note;
  }
  const max = Math.max(...shown.map(([, n]) => n));
  const barWidth = Math.max(10, columns - kWidth - nWidth - 14);
  const lines = shown.map(
    ([k, n]) =>
      `${k.padStart(kWidth)}  ${bar(n, max, barWidth).padEnd(barWidth)}  ${number(n).padStart(nWidth)}  ${share(n)}\n`,
  );
  return head + lines.join('') + note;
}

/** A file and its histogram, as text output keeps them for the list of files off the mode. */
export interface FileHistogram {
  /** The path as text output prints it. */
  path: string;
  histogram: Histogram;
}

/**
 * The files holding segments whose count is not the run's mode: first the outliers, those
 * with a count no other file has, then by how many segments stray; each with its counts
 * off the mode.
 */
export function strayFiles(files: readonly FileHistogram[], mode: number, noun: string): string {
  const holders = new Map<number, number>();
  for (const f of files)
    for (const k of Object.keys(f.histogram)) holders.set(Number(k), (holders.get(Number(k)) ?? 0) + 1);
  const stray = files
    .map((f) => {
      const off = entries(f.histogram).filter(([k]) => k !== mode);
      return {
        ...f,
        off,
        only: off.filter(([k]) => holders.get(k) === 1).map(([k]) => k),
        count: off.reduce((a, [, n]) => a + n, 0),
      };
    })
    .filter((f) => f.off.length > 0)
    .sort(
      (a, b) =>
        Number(b.only.length > 0) - Number(a.only.length > 0) ||
        b.count - a.count ||
        (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
    );
  if (stray.length === 0) return `Every file's ${noun}s hold ${mode}.\n`;
  const lines = stray.slice(0, LISTED_FILES).map((f) => {
    const counts = f.off.slice(0, COUNTS_PER_FILE).map(([k, n]) => `${k}×${number(n)}`);
    if (f.off.length > COUNTS_PER_FILE) counts.push('…');
    const only = f.only.length ? `  (no other file: ${f.only.slice(0, COUNTS_PER_FILE).join(', ')})` : '';
    return `  ${f.path}  ${counts.join(' ')}${only}\n`;
  });
  const more =
    stray.length > LISTED_FILES
      ? `  … and ${plural(stray.length - LISTED_FILES, 'file')} more (--json lists every histogram)\n`
      : '';
  const title = `${plural(stray.length, 'file')} of ${number(files.length)} with ${noun}s not holding ${mode} (k×${noun}s):\n`;
  return title + lines.join('') + more;
}
