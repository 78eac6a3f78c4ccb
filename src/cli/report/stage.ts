/**
 * The report stage of a command, made once from the output format, the run's query (the
 * one the engine made, or the merged shards') and the text options: the reporter on
 * stdout and, next to text output, its side channel on stderr (file errors, cut hit
 * lists); `--sort path` holding the records back; `-q`; the end (held records, summary),
 * `--stats` and the exit status. `charcount` and `charcount merge` both report through it.
 */
import { byPath } from '../../codec/batch.js';
import type { FileRecord, Shard, Summary } from '../../core/types.js';
import type { Query } from '../../engine/query.js';
import { reportOutputError, isTerminal, stderr } from '../streams.js';
import { useColor, type ColorWhen } from './color.js';
import type { ProgressBar } from './progress.js';
import {
  exitStatus,
  fileErrorLine,
  formatSummary,
  makeReporter,
  type Format,
  type Output,
  type Reporter,
  truncatedHitsLine,
} from './reporters.js';

export interface ReportOptions {
  format: Format;
  /** What the run answered: what text output prints, and what `--json` records. */
  query: Query;
  /** The run's shard, recorded by `--json`. */
  shard?: Shard;
  /** `-q`: nothing printed; the first match is the answer. */
  quiet?: boolean;
  /** `--sort path`: records held back until the run ends, then printed in path order. */
  sortByPath?: boolean;
  /** After each printed path: `'\n'`, or `'\0'` with `-0`. */
  separator?: string;
  /** `--files-without-match`: the files read that did not match are printed. */
  withoutMatch?: boolean;
  /** `--color`: `auto` unless said. */
  color?: ColorWhen;
  /** `--min` when it was given (with `--histogram`, the matching paths follow the chart). */
  min?: number;
  /** `--count-matches`: each matching file as `PATH:OCCURRENCES`. */
  countMatches?: boolean;
  /** `--no-messages`: no line on stderr for a file that could not be read (the exit status still says so). */
  noMessages?: boolean;
  /** `--stats`: the summary on stderr at the end. */
  stats?: boolean;
}

/** A line on stderr: above the progress bar when one is drawn (it is redrawn at its next update). */
export function sideChannel(bar: ProgressBar | undefined): (line: string | Buffer) => void {
  // A path that is not UTF-8 goes to stderr as its bytes, except through the bar (a terminal).
  return (line) => (bar ? bar.note(line.toString()) : stderr().write(line));
}

export class Report {
  /** Whether only the records the output prints are needed (plain text, `-q`): the run makes no others. */
  readonly reportedOnly: boolean;
  private readonly reporter: Reporter | undefined;
  private readonly held: FileRecord[] | undefined;
  private matchedEarly = false;

  constructor(
    private readonly out: Output,
    private readonly o: ReportOptions,
    private readonly say: (line: string | Buffer) => void = sideChannel(undefined),
  ) {
    const { format, query } = o;
    this.reporter = o.quiet
      ? undefined
      : makeReporter(
          format,
          out,
          query,
          {
            separator: o.separator ?? '\n',
            withoutMatch: o.withoutMatch ?? false,
            color: useColor(o.color ?? 'auto', { isTTY: isTerminal(1) }),
            min: o.min,
            countMatches: o.countMatches,
          },
          o.shard,
        );
    // --json sorts its own.
    this.held = this.reporter && o.sortByPath && format !== 'json' ? [] : undefined;
    // --histogram's text lists the files off the mode: it needs every file's record.
    this.reportedOnly = o.quiet === true || (format === 'text' && !query.count && !o.withoutMatch && !query.histogram);
  }

  /** Reports a batch of records as they come. */
  async records(batch: FileRecord[]): Promise<void> {
    if (this.o.format === 'text') {
      for (const r of batch) {
        if (r.error && !this.o.noMessages) this.say(fileErrorLine(r));
        if (r.hitsTruncated) this.say(truncatedHitsLine(r, this.o.query.maxHits!));
      }
    }
    if (this.o.quiet) this.matchedEarly ||= batch.some((r) => r.matched);
    else if (this.held) this.held.push(...batch);
    else await this.reporter!.records(batch);
  }

  /** Why the run can stop now: `-q` has its answer, or nobody reads the output any more. */
  get stop(): string | undefined {
    return this.matchedEarly ? 'a file matched (--quiet)' : this.out.isClosed ? 'stdout closed' : undefined;
  }

  /**
   * Ends the output with the run's summary, and gives the exit status: as grep's, or the
   * interruption's when a signal stopped the command, even while the end was written (then
   * the summary goes to stderr always).
   */
  async end(summary: Summary, interruption?: { readonly status: number | undefined }): Promise<number> {
    const { out, reporter } = this;
    if (this.held && !out.isClosed) await reporter!.records(this.held.sort(byPath));
    if (!out.isClosed) await reporter?.end(summary);
    await out.flush();
    const failed = reportOutputError();
    const signalStatus = interruption?.status;
    if (signalStatus === undefined && !failed && out.isClosed) return summary.filesMatched > 0 ? 0 : 1; // the reader went away
    // An interruption after the last record still cuts the output short.
    if (this.o.stats || signalStatus !== undefined) {
      const shown = signalStatus !== undefined ? { ...summary, aborted: true } : summary;
      stderr().write(formatSummary(shown) + '\n');
    }
    if (signalStatus !== undefined) return signalStatus;
    if (failed) return 2;
    // As ripgrep: with -q a match is the answer, whatever else failed.
    if (this.matchedEarly) return 0;
    if (this.o.withoutMatch) {
      const printed = summary.filesScanned - summary.filesMatched;
      return summary.filesErrored > 0 ? 2 : printed > 0 ? 0 : 1;
    }
    return exitStatus(summary);
  }
}
