/**
 * `charcount [PATH|GLOB ...] --char C --min N …`: arguments (commander) → `scan()` → a
 * reporter on stdout. Exit status as grep: 0 some file matched, 1 none did, 2 bad usage
 * or any per-file error, 130 interrupted (143 SIGTERM, 129 SIGHUP; the partial summary goes to stderr).
 */
import { Command, Option } from 'commander';
import { Counter, Reset } from '../core/counter.js';
import { isAbortError } from '../core/errors.js';
import type { Query, Shard } from '../core/types.js';
import { checkChar } from '../core/validate.js';
import { scan } from '../engine/scan.js';
import { exitStatus, fileErrorLine, formatSummary, makeReporter, Output } from './report.js';
import {
  arg,
  ignoreGlob,
  integer,
  outputFormat,
  parse,
  rawArgs,
  redisUrl,
  shard,
  size,
  usageLine,
  version,
} from './args.js';
import { onStopSignal } from './signals.js';
import { reportOutputError } from './streams.js';

export const RESETS = { newline: Reset.NewlinesReset, space: Reset.SpacesReset, none: Reset.NoReset } as const;

function program(): Command {
  return new Command('charcount')
    .description(
      'Print the files in which character C appears at least N times — in some line, some word, or the whole file.',
    )
    .usage(
      '[options] [paths...]\n       charcount worker --queue <URL> [options]\n       charcount merge <shard.json...> [options]',
    )
    .argument('[paths...]', 'files, directories (searched recursively) or globs', ['.'])
    .requiredOption(
      '-c, --char <C>',
      'the character to count (exactly one)',
      arg((v) => checkChar('--char', v)),
    )
    .requiredOption('-m, --min <N>', 'the threshold: at least N occurrences', integer('--min', 0))
    .addOption(
      new Option('-r, --reset <mode>', 'where the count starts again: per line, per space-separated word, or never')
        .choices(Object.keys(RESETS))
        .default('newline'),
    )
    .option('--json', 'print one JSON document with the summary and every record')
    .option('--jsonl', 'print one JSON record a line, as files finish')
    .option('--count', 'full-scan figures: occurrences and segments (reads files to their end)')
    .option('--stats', 'print a summary to stderr at the end')
    .option('-j, --threads <N>', 'worker threads (default: the number of CPUs)', integer('--threads', 1, 1024))
    .option('--progress', 'show a progress bar on stderr (default: when stderr is a terminal)')
    .option('--no-progress', 'never show the progress bar')
    .option('--hidden', 'search hidden files and directories')
    .option('-L, --follow', 'follow symbolic links (loops are reported)')
    .option(
      '-g, --ignore <GLOB>',
      'leave out paths matching GLOB (repeatable; without a / it matches a name at any depth)',
      ignoreGlob,
    )
    .option('--max-filesize <SIZE>', 'skip files larger than SIZE (e.g. 512K, 10M, 2G)', size)
    .option('--binary', 'scan binary files too (files with a NUL byte in their first 256 KiB)')
    .option(
      '--queue <URL>',
      'scan on `charcount worker` processes through BullMQ on this Redis (redis://host:port)',
      redisUrl,
    )
    .option(
      '--shard <K/N>',
      'scan only shard K of N (a fixed 1/N of the paths); join the --json outputs with `charcount merge`',
      shard,
    )
    .version(version(), '-V, --version')
    .addHelpText(
      'after',
      `
Examples:
  charcount --char , --min 30 data/            files with a line holding 30 commas
  charcount -c x -m 3 -r space '**/*.txt'      a word with three x's, in .txt files
  charcount -c é -m 1 -r none --jsonl logs/    every file containing é, as JSON lines
  charcount -c , -m 30 --count --stats data/   per-file counts, and a summary

Many machines:
  charcount worker --queue redis://redis:6379             on each machine (see charcount worker --help)
  charcount -c , -m 30 --queue redis://redis:6379 /data   the same scan, spread over the workers
  charcount -c , -m 30 --shard 2/8 --json /data > 2.json  shard 2 of 8; then: charcount merge *.json

Exit status: 0 if a file matched, 1 if none did, 2 on bad usage or any file error,
130 when interrupted by Ctrl-C, 143 by SIGTERM, 129 by SIGHUP (the partial summary goes to stderr).`,
    );
}

interface CliOptions {
  char: string;
  min: number;
  reset: keyof typeof RESETS;
  json?: boolean;
  jsonl?: boolean;
  count?: boolean;
  stats?: boolean;
  threads?: number;
  progress?: boolean;
  hidden?: boolean;
  follow?: boolean;
  ignore?: string[];
  maxFilesize?: number;
  binary?: boolean;
  queue?: string;
  shard?: Shard;
}

export async function scanCommand(argv: string[]): Promise<number> {
  const cmd = program();
  const status = parse(cmd, argv, 'charcount');
  if (status !== undefined) return status;
  const o = cmd.opts<CliOptions>();
  const format = outputFormat(o);
  if (!format) return 2;
  if (o.queue && o.threads !== undefined) {
    process.stderr.write(
      usageLine('--threads sets local threads; with --queue, give it to `charcount worker` instead'),
    );
    return 2;
  }
  const paths = cmd.processedArgs[0] as string[];
  const problem = paths.includes('')
    ? "a path cannot be empty (got '')"
    : // Node reads a byte that is not UTF-8 as U+FFFD: only the raw arguments tell them apart.
      o.char === '\uFFFD' && !rawArgs(argv)
      ? "--char '\uFFFD' (U+FFFD) cannot be told from a byte that is not UTF-8 on this system"
      : undefined;
  if (problem) {
    process.stderr.write(usageLine(problem));
    return 2;
  }
  const counter = new Counter(o.char, o.min, RESETS[o.reset]);
  const query: Query = { char: o.char, min: o.min, reset: o.reset, count: o.count ?? false };

  const out = new Output(process.stdout);
  const controller = new AbortController();
  const interruption = onStopSignal((signal) => {
    controller.abort(signal);
    out.hurry();
  });

  // cli-progress loads only when a bar is drawn.
  const bar = (o.progress ?? process.stderr.isTTY) ? new (await import('./progress.js')).ProgressBar() : undefined;
  const say = (line: string) => (bar ? bar.note(line) : process.stderr.write(line));
  const reporter = makeReporter(format, out, o.count ?? false, { query, shard: o.shard });
  const run = scan({
    patterns: paths,
    counter,
    threads: o.threads,
    ignore: o.ignore,
    hidden: o.hidden ?? false,
    follow: o.follow ?? false,
    maxFilesize: o.maxFilesize,
    binary: o.binary ? 'scan' : 'skip',
    fullScan: o.count ?? false,
    queue: o.queue,
    shard: o.shard,
    signal: controller.signal,
    onProgress: bar && ((p) => bar.update(p)),
    onWarning: (message) => say(`charcount: ${message}\n`),
  });

  try {
    for await (const batch of run.batches()) {
      if (format === 'text') {
        for (const r of batch) {
          if (r.error) say(fileErrorLine(r));
        }
      }
      await reporter.records(batch);
      if (out.isClosed) controller.abort('stdout closed');
    }
  } catch (e) {
    if (!isAbortError(e)) throw e;
  } finally {
    bar?.stop();
  }
  const summary = await run.summary();
  if (!out.isClosed) await reporter.end(summary);
  await out.flush();
  const failed = reportOutputError();
  const signalStatus = interruption.status;
  if (signalStatus === undefined && !failed && out.isClosed) return summary.filesMatched > 0 ? 0 : 1; // the reader went away
  // An interruption after the last record still cuts the output short.
  if (o.stats || signalStatus !== undefined) {
    process.stderr.write(formatSummary(signalStatus !== undefined ? { ...summary, aborted: true } : summary) + '\n');
  }
  return signalStatus ?? (failed ? 2 : exitStatus(summary));
}
