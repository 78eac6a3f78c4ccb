/**
 * report: turns records and the summary into output.
 *
 * * `text` (default): matching paths, one a line, like `grep -l` (with `-0`, each followed
 *   by a NUL instead; with `--files-without-match`, the files read that did not match);
 *   with `--count`, every scanned file as `PATH:OCCURRENCES:SEGMENTS` (`-0`: `PATH\0…`);
 *   with `--count-matches`, every matching file as `PATH:OCCURRENCES`;
 *   with `--all-hits`, every hit as `PATH:LINE:OFFSET` (`-0`: `PATH\0LINE:OFFSET`); with
 *   `--histogram`, at the end, the run's histogram as a chart and the files straying from
 *   its mode (histogram-chart.ts), then with `--min` the matching paths. A path that is
 *   not UTF-8 is written as its bytes, as ripgrep does.
 * * `jsonl`: one record a line, streamed as records finish, `"type": "file"` first; then
 *   the summary as a last line, `"type": "summary"` (as ripgrep's `--json` ends with one).
 * * `json`: one document `{ summary, records }` at the end (records sorted by path),
 *   written in chunks as it is serialised.
 *
 * JSON summaries give whole milliseconds and whole rates: the digits past them are noise.
 * In JSON a path that is not UTF-8 is `{ "bytes": "<base64>" }` (ripgrep's convention).
 *
 * Writes wait for stdout to drain, so a slow reader never makes records pile up in memory.
 */
import { printablePath } from '../../core/path-bytes.js';
import type { FileRecord, Shard, Summary } from '../../core/types.js';
import type { Query } from '../../engine/query.js';
import { paintPath } from './color.js';
import { chartColumns, histogramChart, modeOf, NOUNS, StrayFiles, type ChartStyle } from './histogram-chart.js';
import { documentChunks, jsonRecord, RecordStore } from './json-document.js';
import { flushed, isAbandoned, type Stream } from '../streams.js';
import { count, decimal } from './numbers.js';

/** Exit status as grep's: 2 if any file failed, else 0 if some file matched, else 1. */
export function exitStatus(s: Summary): number {
  if (s.filesErrored > 0) return 2;
  return s.filesMatched > 0 ? 0 : 1;
}

/** `1536` → `1.5 KiB`, `1023` → `1,023 B` (human text: thousands separators). */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${decimal(n, i === 0 ? 0 : 1)} ${units[i]}`;
}

export type Format = 'text' | 'jsonl' | 'json';

/** The summary as the JSON formats print it: `elapsedMs` and the rates rounded to whole numbers. */
export function jsonSummary(s: Summary): Summary {
  return {
    ...s,
    elapsedMs: Math.round(s.elapsedMs),
    bytesPerSecond: Math.round(s.bytesPerSecond),
    filesPerSecond: Math.round(s.filesPerSecond),
  };
}

/** A record's `--jsonl` line: `{"type":"file",…the record}`. */
const FILE_LINE = '{"type":"file",';

export class Output {
  private closed = false;
  private hurried = false;
  private readonly wakers = new Set<() => void>();
  private opened?: Stream;
  /**
   * Called before text is written: a progress bar on the same terminal clears its line,
   * so that the text prints above it (it is drawn again at its next update).
   */
  beforeWrite: (() => void) | undefined;

  /** `target`: the stream, or how to open it when the first text comes (see `stdout()`). */
  constructor(private readonly target: Stream | (() => Stream)) {}

  private get stream(): Stream {
    if (!this.opened) {
      this.opened = typeof this.target === 'function' ? this.target() : this.target;
      // EPIPE, or any other failure (main.ts reports those): nothing more can be written.
      this.opened.on('error', () => {
        this.closed = true;
        this.wake();
      });
    }
    return this.opened;
  }

  /**
   * True once nothing more can be written: the reader went away (`| head`), the stream
   * failed, or after an interruption its reader stopped taking output. The run can stop.
   */
  get isClosed(): boolean {
    return this.closed || (this.opened !== undefined && isAbandoned(this.opened));
  }

  /**
   * The user asked to stop: a reader that takes nothing (a pager) is no longer waited for.
   * Writes still go out while it takes them; once it has taken nothing for `STALL_MS`,
   * the output is given up.
   */
  hurry(): void {
    this.hurried = true;
    this.wake();
  }

  async write(text: string | Uint8Array): Promise<void> {
    if (this.isClosed) return;
    this.beforeWrite?.();
    if (!this.stream.write(text)) await this.drained();
  }

  /** Resolves once what was written has reached the OS (or, when hurried, was given up on). */
  flush(): Promise<void> {
    return this.opened ? flushed(this.opened, () => this.hurried) : Promise.resolve();
  }

  /** Resolves on 'drain', or when the stream closes or fails (EPIPE) instead, or (hurried) stalls. */
  private async drained(): Promise<void> {
    if (!this.hurried && !this.closed && !this.stream.destroyed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          for (const event of ['drain', 'close', 'error']) this.stream.off(event, done);
          this.wakers.delete(done);
          resolve();
        };
        for (const event of ['drain', 'close', 'error']) this.stream.once(event, done);
        this.wakers.add(done);
      });
    }
    if (this.hurried) await this.flush();
  }

  private wake(): void {
    for (const wake of [...this.wakers]) wake();
  }
}

export interface Reporter {
  /** Reports a batch of records, in one write where the format allows. */
  records(batch: FileRecord[]): Promise<void>;
  end(summary: Summary): Promise<void>;
}

/** How text output prints paths (what it prints of them is the query's). */
export interface TextOptions {
  /** After each path: `'\n'`, or `'\0'` with `-0`. */
  separator: string;
  /** `--files-without-match`: the files read that did not match, instead of those that did. */
  withoutMatch: boolean;
  /** Paths in colour (`--color`). */
  color?: boolean;
  /** `--count-matches`: each matching file as `PATH:OCCURRENCES`. */
  countMatches?: boolean;
  /** `--min` when it was given: with `--histogram`, the matching paths follow the chart, under a line that says what they match. */
  min?: number;
}

/** Text pieces as one write: a string, or bytes once some path is written raw. */
function joined(pieces: (string | Buffer)[]): string | Buffer {
  if (pieces.every((p) => typeof p === 'string')) return pieces.join('');
  return Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}

/** The record's path, then `rest`: the path as its bytes when it is not UTF-8. */
export function pathLine(
  r: Pick<FileRecord, 'path' | 'pathBytes'>,
  rest: string,
  paint: (p: string) => string = (p) => p,
): string | Buffer {
  const path = printablePath(r);
  if (typeof path === 'string') return paint(path) + rest;
  // The colour codes around the bytes, as around a string.
  const [before, after] = paint('\0').split('\0') as [string, string];
  return Buffer.concat([Buffer.from(before), path, Buffer.from(after + rest)]);
}

/**
 * The reporter of a run of `query` in `format`: text output prints what the query asked
 * (`--count` figures, `--all-hits` hits, the `--histogram` chart in its words); `--json`
 * records the query, and the shard if there is one.
 */
export function makeReporter(
  format: Format,
  out: Output,
  query: Query,
  text: TextOptions = { separator: '\n', withoutMatch: false },
  shard?: Shard,
): Reporter {
  const { separator, withoutMatch } = text;
  const { count, allHits } = query;
  const paint = text.color ? paintPath : (p: string) => p;
  const field = separator === '\n' ? ':' : separator;
  /** What one record prints in text: nothing, a line, or several (its hits). */
  type Line = (r: FileRecord) => string | Buffer | (string | Buffer)[] | undefined;
  const lines = (batch: FileRecord[], line: Line) => {
    const text = joined(batch.flatMap((r) => line(r) ?? []));
    return text.length ? out.write(text) : Promise.resolve();
  };
  if (format === 'text' && query.histogram) {
    const style = { noun: NOUNS[query.reset], char: query.char, columns: chartColumns(), min: text.min };
    return histogramReporter(out, style, separator, paint);
  }
  switch (format) {
    case 'jsonl':
      return {
        records: (batch) => lines(batch, (r) => FILE_LINE + JSON.stringify(jsonRecord(r)).slice(1) + '\n'),
        end: (summary) => out.write(JSON.stringify({ type: 'summary', ...jsonSummary(summary) }) + '\n'),
      };
    case 'json': {
      // Records kept as their JSON text, the document streamed at the end (json-document.ts).
      const store = new RecordStore();
      return {
        records: async (batch) => {
          for (const r of batch) store.add(r);
        },
        end: async (summary) => {
          for (const chunk of documentChunks({ query, shard }, jsonSummary(summary), store)) {
            if (out.isClosed) break;
            await out.write(chunk);
          }
        },
      };
    }
    case 'text': {
      // What a record prints, chosen once for the run (the flags do not change per record).
      const line: Line = allHits
        ? (r) => (r.hits ?? []).map((h) => pathLine(r, `${field}${h.line}:${h.offset}\n`, paint))
        : text.countMatches
          ? (r) => (r.matched ? pathLine(r, `${field}${r.occurrences}\n`, paint) : undefined)
          : count
            ? (r) => (r.skipped || r.error ? undefined : pathLine(r, `${field}${r.occurrences}:${r.segments}\n`, paint))
            : withoutMatch
              ? (r) => (r.skipped || r.error || r.matched ? undefined : pathLine(r, separator, paint))
              : (r) => (r.matched ? pathLine(r, separator, paint) : undefined);
      return {
        records: (batch) => lines(batch, line),
        end: async () => {},
      };
    }
  }
}

/**
 * Text output of `--histogram`: everything at the end, when the run's histogram is known.
 * What it keeps meanwhile does not grow with the number of files (`StrayFiles`), but for
 * the paths of matching files with `--min`, printed sorted at the end.
 */
function histogramReporter(
  out: Output,
  style: ChartStyle & { min: number | undefined },
  separator: string,
  paint: (p: string) => string,
): Reporter {
  const files = new StrayFiles();
  const matched: Pick<FileRecord, 'path' | 'pathBytes'>[] = [];
  return {
    records: async (batch) => {
      for (const r of batch) {
        if (r.histogram) files.add(r.path, r.histogram);
        // The path only: a record holds its histogram.
        if (r.matched && style.min !== undefined)
          matched.push(r.pathBytes ? { path: r.path, pathBytes: r.pathBytes } : { path: r.path });
      }
    },
    end: async (summary) => {
      const h = summary.histogram ?? {};
      let text = histogramChart(h, files.files, style);
      const strays = files.text(modeOf(h), style.noun);
      if (strays) text += '\n' + strays;
      if (style.min !== undefined) {
        const what = `at least ${count(style.min)} ${JSON.stringify(style.char)} in some ${style.noun}`;
        text += `\n${count(matched.length)} of ${count(files.files)} files hold ${what}:\n`;
      }
      await out.write(text);
      matched.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      for (let i = 0; i < matched.length && !out.isClosed; i += 4096) {
        await out.write(joined(matched.slice(i, i + 4096).map((r) => pathLine(r, separator, paint))));
      }
    },
  };
}

/** How a file's error is told on stderr next to text output (the path as text output writes it). */
export function fileErrorLine(r: Pick<FileRecord, 'path' | 'pathBytes' | 'error'>): string | Buffer {
  return joined(['charcount: ', pathLine(r, `: ${r.error!.message} (${r.error!.code})\n`)]);
}

/** How a warning is told on stderr: the run's own (no queue worker yet), ripgrep's about an ignore file's line. */
export function warningLine(message: string): string {
  return `charcount: ${message}\n`;
}

/** How a file whose hits were cut at `maxHits` is told on stderr next to text output. */
export function truncatedHitsLine(r: Pick<FileRecord, 'path' | 'pathBytes'>, maxHits: number): string | Buffer {
  const more = `: more than ${count(maxHits)} hits, only the first ${count(maxHits)} are listed (see --max-hits)\n`;
  return joined(['charcount: ', pathLine(r, more)]);
}

/** The human-readable summary for `--stats` and interrupted runs (thousands separators). */
export function formatSummary(s: Summary): string {
  const skipped = Object.entries(s.skipped)
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${count(n)} ${why}`)
    .join(', ');
  const seconds = s.elapsedMs / 1000;
  const workers = s.workers !== undefined ? ` of ${count(s.workers)} queue workers` : '';
  return [
    s.aborted ? 'interrupted: partial results' : undefined,
    `${count(s.filesDiscovered)} files discovered, ${count(s.filesScanned)} scanned, ${count(s.filesMatched)} matched`,
    `${count(s.filesSkipped)} skipped${skipped ? ` (${skipped})` : ''}, ${count(s.filesErrored)} errors`,
    `${formatBytes(s.bytesRead)} read in ${decimal(seconds, 3)} s (${formatBytes(s.bytesPerSecond)}/s, ${count(s.filesPerSecond)} files/s) on ${count(s.threads)} threads${workers}, ${s.backend} back end`,
  ]
    .filter(Boolean)
    .join('\n');
}
