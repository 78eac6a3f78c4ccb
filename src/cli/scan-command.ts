/**
 * `charcount [PATH|GLOB ...] --char C --min N …`: arguments (commander) → `scan()` → a
 * reporter on stdout. Exit status as grep: 0 some file matched, 1 none did, 2 bad usage
 * or any per-file error, 130 interrupted (143 SIGTERM, 129 SIGHUP; the partial summary goes to stderr).
 */
import { Command, Option } from 'commander';
import { fstatSync } from 'node:fs';
import { Counter, DEFAULT_MAX_HITS, Reset } from '../core/counter.js';
import { isAbortOf } from '../core/errors.js';
import { backendDescription } from '../core/native.js';
import type { FileRecord, Query, Shard } from '../core/types.js';
import { checkEncoding } from '../core/decode.js';
import { checkChar } from '../core/validate.js';
import { byPath } from '../core/codec.js';
import { bytesOfPath, hasEscapes, recordPath } from '../core/path-bytes.js';
import { addTypeDefinition, formatTypeList, typeTable } from '../engine/file-types.js';
import { listBatches, resolveListing } from '../engine/list.js';
import { resolveDiscovery, resolveOptions, type DiscoveryOptions } from '../engine/options.js';
import { scanReadable } from '../engine/readable.js';
import { scanRun } from '../engine/scan.js';
import { exitStatus, fileErrorLine, formatSummary, makeReporter, Output, truncatedHitsLine } from './report.js';
import {
  arg,
  collect,
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
import { COLOR_CHOICES, useColor, type ColorWhen } from './color.js';
import { chartColumns, NOUNS } from './histogram-chart.js';
import { onStopSignal } from './signals.js';
import { isTerminal, reportOutputError, stderr, stdout } from './streams.js';

export const RESETS = { newline: Reset.NewlinesReset, space: Reset.SpacesReset, none: Reset.NoReset } as const;

/** What the command line asked for, in order, where commander keeps only values. */
interface Ordered {
  /** `-t NAME` / `-T NAME` (as `!NAME`), in the order given: the last match wins. */
  types: string[];
  /** `--ignore GLOB`, repeatable. */
  excludes: string[];
}

/** The scan's options (`ordered` gathers what their order says; the completions and man page need none). */
export function program(ordered: Ordered = { types: [], excludes: [] }): Command {
  return new Command('charcount')
    .description(
      'Print the files in which character C appears at least N times — in some line, some word, or the whole file.',
    )
    .usage(
      '[options] [paths...]\n       charcount worker --queue <URL> [options]\n       charcount merge <shard.json...> [options]\n       charcount completions <bash|zsh|fish>',
    )
    .argument(
      '[paths...]',
      'files, directories (searched recursively), globs, or - for standard input (default: ., or standard input when it is piped)',
    )
    .option(
      '-c, --char <C>',
      'the character to count (exactly one; required unless --files or --type-list)',
      arg((v) => checkChar('--char', v)),
    )
    .option(
      '-m, --min <N>',
      'the threshold: at least N occurrences (required unless --files, --type-list or --histogram)',
      integer('--min', 0),
    )
    .addOption(
      new Option('-r, --reset <mode>', 'where the count starts again: per line, per space-separated word, or never')
        .choices(Object.keys(RESETS))
        .default('newline'),
    )
    .optionsGroup('Output:')
    .option('-l, --files-with-matches', 'print the paths of matching files (the default output)')
    .option('--files-without-match', 'print the paths of files read that did not match instead')
    .option('-q, --quiet', 'print nothing; stop at the first match (exit status only)')
    .option('-0, --null', 'end each printed path with a NUL byte instead of a newline')
    .addOption(
      new Option('--sort <by>', 'print in path order (waits for the run to end) or as files finish').choices([
        'path',
        'none',
      ]),
    )
    .option('--json', 'print one JSON document with the summary and every record')
    .option('--jsonl', 'print one JSON line per file as files finish, then a summary line')
    .option('--count', 'full-scan figures: occurrences and segments (reads files to their end)')
    .option(
      '--all-hits',
      'print every hit as PATH:LINE:OFFSET: each line (word, file) that reaches N, not just the first (reads files to their end)',
    )
    .option(
      '--max-hits <N>',
      `with --all-hits: list at most N hits per file; a file with more is told on stderr (default ${DEFAULT_MAX_HITS})`,
      integer('--max-hits', 1),
    )
    .option(
      '--histogram',
      'how many lines (words, files) hold exactly k of C, for every k: a chart of the run and the files off its mode; ' +
        'in JSON a histogram per record and in the summary (reads files to their end; --min defaults to 1)',
    )
    .option('--stats', 'print a summary to stderr at the end')
    .addOption(
      new Option('--color <when>', 'colour matched paths (auto: on a terminal, unless NO_COLOR is set)')
        .choices(COLOR_CHOICES)
        .default('auto'),
    )
    .option('--progress', 'show a progress bar on stderr (default: when stderr is a terminal)')
    .option('--no-progress', 'never show the progress bar')
    .optionsGroup('Which files:')
    .option('--files', 'print the files that would be searched, and read none')
    .option(
      '-g, --glob <GLOB>',
      'search only files matching GLOB, or leave them out with !GLOB (repeatable, the last match wins; without a / it matches a name at any depth)',
      collect,
    )
    .option('--iglob <GLOB>', 'as --glob, ignoring case', collect)
    .option(
      '--ignore <GLOB>',
      'leave out paths matching GLOB (repeatable; the same as -g !GLOB)',
      (value: string, previous: unknown) => {
        ordered.excludes = ignoreGlob(value, ordered.excludes);
        return previous; // --no-ignore shares the attribute: its value is left alone
      },
    )
    .option('--no-ignore', 'do not read .gitignore, .ignore, .rgignore or git exclude files')
    .option('--hidden', 'search hidden files and directories')
    .option('-L, --follow', 'follow symbolic links (loops are reported)')
    .option(
      '-d, --max-depth <N>',
      'descend at most N levels below each path given (0: only files named)',
      integer('--max-depth', 0),
    )
    .option('-t, --type <TYPE>', 'search only files of TYPE (repeatable; see --type-list)', (v: string) => {
      ordered.types.push(v);
    })
    .option('-T, --type-not <TYPE>', 'do not search files of TYPE (repeatable)', (v: string) => {
      ordered.types.push(`!${v}`);
    })
    .option('--type-add <SPEC>', 'define or extend a type: NAME:GLOB (repeatable) or NAME:include:TYPE[,TYPE]', collect)
    .option('--type-list', 'print every file type and its globs, and exit')
    .option('--max-filesize <SIZE>', 'skip files larger than SIZE (e.g. 512K, 10M, 2G)', size)
    .option('--binary', 'scan binary files too (files with a NUL byte in their first 256 KiB)')
    .option(
      '-E, --encoding <NAME>',
      'read files without a byte-order mark in this encoding (a WHATWG name: utf-16le, latin1, windows-1251, ' +
        'shift_jis, gbk, euc-kr...), or none: bytes as they are, no mark sniffed (default: UTF-8)',
      arg((v) => checkEncoding('--encoding', v)),
    )
    .option('--no-encoding-sniff', 'do not let a UTF-8/UTF-16 byte-order mark decide the encoding')
    .option(
      '-z, --search-zip',
      'search compressed files: .gz .tgz .br .zz .deflate, and .xz .lzma .bz2 .zst .lz4 .Z through the installed ' +
        'xz, bzip2, zstd, lz4, uncompress',
    )
    .optionsGroup('Where:')
    .option('-j, --threads <N>', 'worker threads (default: the number of CPUs)', integer('--threads', 1, 1024))
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
    .version(`${version()}\n${backendDescription()}`, '-V, --version')
    .addHelpText(
      'after',
      `
Examples:
  charcount --char , --min 30 data/            files with a line holding 30 commas
  charcount -c x -m 3 -r space -g '*.txt'      a word with three x's, in .txt files
  charcount -c é -m 1 -r none --jsonl logs/    every file containing é, as JSON lines
  charcount -c , -m 30 --count --stats data/   per-file counts, and a summary
  charcount -c , -m 30 --all-hits data/        every line holding 30 commas, as PATH:LINE:OFFSET
  charcount -c , --histogram data/             commas per line: the chart, and the files off the usual count
  charcount -c é -m 1 -E latin1 old/           files in Latin-1 (windows-1252)
  charcount -c x -m 3 -z logs/                 rotated logs too: app.log.1.gz, app.log.2.xz, ...
  charcount -c , -m 30 -t csv --sort path      CSV files only, in path order
  gunzip -c big.csv.gz | charcount -c , -m 30  standard input

Files are chosen as ripgrep chooses them: .gitignore (in a git repository), .ignore and
.rgignore files apply, hidden files are left out, -g/-t/-T/--max-depth narrow the set.
A file named on the command line is always read.

Many machines:
  charcount worker --queue redis://redis:6379             on each machine (see charcount worker --help)
  charcount -c , -m 30 --queue redis://redis:6379 /data   the same scan, spread over the workers
  charcount -c , -m 30 --shard 2/8 --json /data > 2.json  shard 2 of 8; then: charcount merge *.json

Output: the matching paths, one a line (--count: PATH:OCCURRENCES:SEGMENTS, --all-hits:
PATH:LINE:OFFSET a hit). A path that is not UTF-8 is printed as its bytes, and in JSON as
{"bytes": "<base64>"}.

Exit status: 0 if a file matched (with --files-without-match: a file did not; with
--files: a file was found), 1 if none did, 2 on bad usage or any file error (-q: 0 on a
match even so), 130 when interrupted by Ctrl-C, 143 by SIGTERM, 129 by SIGHUP (the
partial summary goes to stderr).`,
    );
}

interface CliOptions {
  char?: string;
  min?: number;
  reset: keyof typeof RESETS;
  filesWithMatches?: boolean;
  filesWithoutMatch?: boolean;
  quiet?: boolean;
  null?: boolean;
  sort?: 'path' | 'none';
  json?: boolean;
  jsonl?: boolean;
  count?: boolean;
  allHits?: boolean;
  maxHits?: number;
  histogram?: boolean;
  stats?: boolean;
  color: ColorWhen;
  threads?: number;
  progress?: boolean;
  files?: boolean;
  glob?: string[];
  iglob?: string[];
  /** false with --no-ignore (--ignore's globs are in `Ordered`). */
  ignore?: boolean;
  hidden?: boolean;
  follow?: boolean;
  maxDepth?: number;
  typeAdd?: string[];
  typeList?: boolean;
  maxFilesize?: number;
  binary?: boolean;
  encoding?: string;
  encodingSniff: boolean;
  searchZip?: boolean;
  queue?: string;
  shard?: Shard;
}

/** Whether standard input is something to read (a file or a pipe, not a terminal), as ripgrep decides. */
function stdinIsReadable(): boolean {
  try {
    const st = fstatSync(0);
    return st.isFile() || st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
}

/** A usage problem among options that each parsed well, or undefined. */
function conflict(o: CliOptions): string | undefined {
  const pairs: [keyof CliOptions, string, keyof CliOptions, string][] = [
    ['filesWithMatches', '-l', 'filesWithoutMatch', '--files-without-match'],
    ['files', '--files', 'json', '--json'],
    ['files', '--files', 'jsonl', '--jsonl'],
    ['files', '--files', 'count', '--count'],
    ['files', '--files', 'filesWithoutMatch', '--files-without-match'],
    ['filesWithoutMatch', '--files-without-match', 'json', '--json'],
    ['filesWithoutMatch', '--files-without-match', 'jsonl', '--jsonl'],
    ['filesWithoutMatch', '--files-without-match', 'count', '--count'],
    ['files', '--files', 'allHits', '--all-hits'],
    ['filesWithMatches', '-l', 'allHits', '--all-hits'],
    ['filesWithoutMatch', '--files-without-match', 'allHits', '--all-hits'],
    ['files', '--files', 'histogram', '--histogram'],
    ['allHits', '--all-hits', 'histogram', '--histogram'],
    ['filesWithoutMatch', '--files-without-match', 'histogram', '--histogram'],
    ['filesWithMatches', '-l', 'histogram', '--histogram'],
    ['queue', '--queue', 'threads', '--threads'],
  ];
  for (const [a, an, b, bn] of pairs) {
    if (o[a] !== undefined && o[b] !== undefined) {
      return a === 'queue'
        ? '--threads sets local threads; with --queue, give it to `charcount worker` instead'
        : `${an} and ${bn} cannot be used together`;
    }
  }
  if (o.maxHits !== undefined && !o.allHits) return '--max-hits needs --all-hits';
  if (o.allHits && o.count && !o.json && !o.jsonl) {
    return '--count and --all-hits print different lines in text output: add --json or --jsonl for both';
  }
  if (o.histogram && o.count && !o.json && !o.jsonl) {
    return '--count and --histogram print different things in text output: add --json or --jsonl for both';
  }
  if (!o.files && (o.char === undefined || (o.min === undefined && !o.histogram))) {
    return `required option '${o.char === undefined ? '-c, --char <C>' : '-m, --min <N>'}' not specified`;
  }
  return undefined;
}

/** The discovery options in the API's words; a bad glob or type becomes a usage problem. */
function discoveryOf(o: CliOptions, ordered: Ordered, patterns: string[], definitions: Record<string, string[]>) {
  const options = {
    patterns,
    ignoreFiles: o.ignore !== false,
    globs: o.glob,
    iglobs: o.iglob,
    ignore: ordered.excludes,
    types: ordered.types,
    typeDefinitions: definitions,
    maxDepth: o.maxDepth,
    hidden: o.hidden ?? false,
    follow: o.follow ?? false,
    shard: o.shard,
  };
  try {
    resolveDiscovery(options);
    return options;
  } catch (e) {
    const text = (e as Error).message
      .replace(/^types: /, '-t/--type: ')
      .replace(/^(i?)globs\[\d+\] is not a valid glob \((.*?)\):/, (_, i: string, glob: string) =>
        i ? `--iglob ${glob} is not a valid glob:` : `-g/--glob ${glob} is not a valid glob:`,
      );
    return text;
  }
}

export async function scanCommand(argv: string[]): Promise<number> {
  const ordered: Ordered = { types: [], excludes: [] };
  const cmd = program(ordered);
  const status = parse(cmd, argv, 'charcount');
  if (status !== undefined) return status;
  const o = cmd.opts<CliOptions>();
  const usage = (problem: string) => {
    stderr().write(usageLine(problem));
    return 2;
  };
  let definitions: Record<string, string[]> = {};
  try {
    for (const spec of o.typeAdd ?? []) definitions = addTypeDefinition(definitions, spec);
  } catch (e) {
    return usage((e as Error).message);
  }
  const out = new Output(stdout);
  if (o.typeList) {
    await out.write(formatTypeList(typeTable(definitions)));
    await out.flush();
    return 0;
  }
  const format = outputFormat(o);
  if (!format) return 2;
  const problem0 = conflict(o);
  if (problem0) return usage(problem0);
  const given = cmd.processedArgs[0] as string[];
  // As ripgrep: with no path, piped standard input is searched, else the working directory.
  const inputs = given.length > 0 ? given : !o.files && stdinIsReadable() ? ['-'] : ['.'];
  const readStdin = !o.files && inputs.includes('-');
  const patterns = inputs.filter((p) => p !== '-');
  const problem = patterns.includes('')
    ? "a path cannot be empty (got '')"
    : // Node reads a byte that is not UTF-8 as U+FFFD: only the raw arguments tell them apart.
      o.char === '\uFFFD' && !rawArgs(argv)
      ? "--char '\uFFFD' (U+FFFD) cannot be told from a byte that is not UTF-8 on this system"
      : undefined;
  if (problem) return usage(problem);
  const discovery = discoveryOf(o, ordered, patterns, definitions);
  if (typeof discovery === 'string') return usage(discovery);
  const separator = o.null ? '\0' : '\n';

  const controller = new AbortController();
  const interruption = onStopSignal((signal) => {
    controller.abort(signal);
    out.hurry();
  });
  if (o.files) {
    const listing = { ...discovery, maxFilesize: o.maxFilesize, signal: controller.signal };
    return listCommand(o, listing, out, separator, interruption);
  }

  // With --histogram alone a file matches when it holds C at all.
  const min = o.min ?? 1;
  const counter = new Counter(o.char!, min, RESETS[o.reset]);
  const maxHits = o.allHits ? (o.maxHits ?? DEFAULT_MAX_HITS) : undefined;
  const query: Query = { char: o.char!, min, reset: o.reset, count: o.count ?? false };
  if (maxHits !== undefined) Object.assign(query, { allHits: true, maxHits });
  if (o.histogram) query.histogram = true;
  // How files were decoded changes the answers: shards decoded differently do not merge.
  if (o.encoding !== undefined && o.encoding !== 'utf-8') query.encoding = o.encoding;
  if (o.encodingSniff === false) query.encodingSniff = false;
  if (o.searchZip) query.searchZip = true;
  // cli-progress loads only when a bar is drawn.
  const bar = !o.quiet && (o.progress ?? isTerminal(2)) ? new (await import('./progress.js')).ProgressBar() : undefined;
  // A path that is not UTF-8 goes to stderr as its bytes, except through the bar (a terminal).
  const say = (line: string | Buffer) => (bar ? bar.note(line.toString()) : stderr().write(line));
  const reporter = o.quiet
    ? undefined
    : makeReporter(
        format,
        out,
        o.count ?? false,
        { query, shard: o.shard },
        {
          separator,
          withoutMatch: o.filesWithoutMatch ?? false,
          color: useColor(o.color, { isTTY: isTerminal(1) }),
          allHits: maxHits !== undefined,
          histogram: o.histogram
            ? {
                noun: NOUNS[o.reset],
                char: o.char!,
                columns: chartColumns(),
                min: o.min,
              }
            : undefined,
        },
      );
  const options = resolveOptions({
    ...discovery,
    counter,
    threads: o.threads,
    maxFilesize: o.maxFilesize,
    binary: o.binary ? 'scan' : 'skip',
    encoding: o.encoding,
    encodingSniff: o.encodingSniff,
    searchZip: o.searchZip ?? false,
    fullScan: o.count ?? false,
    allHits: maxHits !== undefined,
    maxHits,
    histogram: o.histogram ?? false,
    queue: o.queue,
    signal: controller.signal,
    onProgress: bar && ((p) => bar.update(p)),
    onWarning: (message) => say(`charcount: ${message}\n`),
  });
  const stdin = readStdin
    ? async () => [await scanReadable('<stdin>', process.stdin, { ...options, multi: false })]
    : undefined;
  const run = scanRun(options, undefined, stdin);

  // --sort path holds the records back until the run ends (--json sorts its own).
  const held: FileRecord[] | undefined = o.sort === 'path' && format !== 'json' ? [] : undefined;
  let matchedEarly = false;
  try {
    // Plain text (-l) and -q print matched paths and errors only: no record is made for the other files.
    // (--histogram's text lists the files off the mode: it needs every file's record.)
    const reportedOnly = o.quiet || (format === 'text' && !o.count && !o.filesWithoutMatch && !o.histogram);
    const batches = reportedOnly ? run.reported() : run.batches();
    for await (const batch of batches as AsyncIterable<FileRecord[]>) {
      if (format === 'text') {
        for (const r of batch) {
          if (r.error) say(fileErrorLine(r));
          if (r.hitsTruncated) say(truncatedHitsLine(r, maxHits!));
        }
      }
      if (o.quiet) {
        if (batch.some((r) => r.matched)) {
          matchedEarly = true;
          controller.abort('a file matched (--quiet)');
        }
      } else if (held) held.push(...batch);
      else await reporter!.records(batch);
      if (out.isClosed) controller.abort('stdout closed');
    }
  } catch (e) {
    if (!isAbortOf(e, controller.signal)) throw e;
  } finally {
    bar?.stop();
  }
  const summary = await run.summary();
  if (held && !out.isClosed) await reporter!.records(held.sort(byPath));
  if (!out.isClosed) await reporter?.end(summary);
  await out.flush();
  const failed = reportOutputError();
  const signalStatus = interruption.status;
  if (signalStatus === undefined && !failed && out.isClosed) return summary.filesMatched > 0 ? 0 : 1; // the reader went away
  // An interruption after the last record still cuts the output short.
  if (o.stats || signalStatus !== undefined) {
    const shown =
      signalStatus !== undefined || (summary.aborted && !matchedEarly) ? { ...summary, aborted: true } : summary;
    stderr().write(formatSummary(shown) + '\n');
  }
  if (signalStatus !== undefined) return signalStatus;
  if (failed) return 2;
  // As ripgrep: with -q a match is the answer, whatever else failed.
  if (matchedEarly) return 0;
  if (o.filesWithoutMatch) {
    const printed = summary.filesScanned - summary.filesMatched;
    return summary.filesErrored > 0 ? 2 : printed > 0 ? 0 : 1;
  }
  return exitStatus(summary);
}

/** Paths, each followed by `separator`; a name that is not UTF-8 as its bytes, as rg writes it. */
function listed(paths: string[], separator: string): string | Buffer {
  if (!paths.some(hasEscapes)) return paths.join(separator) + separator;
  return Buffer.concat(paths.flatMap((p) => [bytesOfPath(p), Buffer.from(separator)]));
}

/** `--files`: the paths a scan would read, none read. */
async function listCommand(
  o: CliOptions,
  discovery: DiscoveryOptions & { maxFilesize?: number },
  out: Output,
  separator: string,
  interruption: { status: number | undefined },
): Promise<number> {
  let found = 0;
  let errors = 0;
  const held: string[] | undefined = o.sort === 'path' ? [] : undefined;
  try {
    for await (const batch of listBatches(resolveListing(discovery))) {
      const paths: string[] = [];
      for (const d of batch) {
        if (d.error) {
          errors++;
          stderr().write(fileErrorLine({ ...recordPath(d.path), error: d.error }));
        } else {
          found++;
          if (held) held.push(d.path);
          else if (!o.quiet) paths.push(d.path);
        }
      }
      if (o.quiet && found > 0) break;
      if (paths.length) await out.write(listed(paths, separator));
      if (out.isClosed) break;
    }
  } catch (e) {
    if (!isAbortOf(e, discovery.signal)) throw e;
  }
  if (held && !o.quiet) {
    held.sort((a, b) => byPath({ path: a }, { path: b }));
    for (let i = 0; i < held.length && !out.isClosed; i += 4096) {
      await out.write(listed(held.slice(i, i + 4096), separator));
    }
  }
  await out.flush();
  if (interruption.status !== undefined) return interruption.status;
  if (reportOutputError()) return 2;
  if (o.quiet && found > 0) return 0;
  return errors > 0 ? 2 : found > 0 ? 0 : 1;
}
