#!/usr/bin/env node
/**
 * The `charcount` command: arguments (commander) → `scan()` → a reporter on stdout.
 * Exit status as grep: 0 some file matched, 1 none did, 2 bad usage or any per-file
 * error, 130 interrupted (the partial summary goes to stderr).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { Counter, Reset } from './counter.js';
import { formatSummary, makeReporter, Output, type Format } from './report.js';
import { isAbortError, scan } from './scan.js';
import { checkChar, checkInteger } from './validate.js';

const RESETS = { newline: Reset.NewlinesReset, space: Reset.SpacesReset, none: Reset.NoReset } as const;
const SIZE_UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** Wraps a validator so that its message becomes commander's usage error. */
function arg<T>(check: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return check(value);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}

const integer = (name: string, min: number, max?: number) =>
  arg((v) => {
    if (!/^[+-]?\d+(\.\d+)?$/.test(v.trim())) throw new RangeError(`${name} must be an integer, got '${v}'`);
    return checkInteger(name, Number(v), min, max);
  });

const size = arg((v) => {
  const m = /^(\d+)\s*([KMGT]?)i?B?$/i.exec(v.trim());
  if (!m) throw new RangeError(`--max-filesize must be a size like 512K, 10M or 2G, got '${v}'`);
  return Number(m[1]) * SIZE_UNITS[m[2]!.toUpperCase()]!;
});

const collect = (value: string, previous: string[] = []) => [...previous, value];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return pkg.version;
}

function program(): Command {
  return new Command('charcount')
    .description('Print the files in which character C appears at least N times — in some line, some word, or the whole file.')
    .argument('[paths...]', 'files, directories (searched recursively) or globs', ['.'])
    .requiredOption('-c, --char <C>', 'the character to count (exactly one)', arg((v) => checkChar('--char', v)))
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
    .option('-g, --ignore <GLOB>', 'leave out paths matching GLOB (repeatable)', collect)
    .option('--max-filesize <SIZE>', 'skip files larger than SIZE (e.g. 512K, 10M, 2G)', size)
    .option('--binary', 'scan binary files too (files with a NUL byte in their first 256 KiB)')
    .version(version(), '-V, --version')
    .addHelpText(
      'after',
      `
Examples:
  charcount --char , --min 30 data/            files with a line holding 30 commas
  charcount -c x -m 3 -r space '**/*.txt'      a word with three x's, in .txt files
  charcount -c é -m 1 -r none --jsonl logs/    every file containing é, as JSON lines
  charcount -c , -m 30 --count --stats data/   per-file counts, and a summary

Exit status: 0 if a file matched, 1 if none did, 2 on bad usage or any file error,
130 when interrupted (the partial summary is printed to stderr).`,
    );
}

/** One line naming the problem, pointing to --help. */
function usageLine(text: string): string {
  const problem = text
    .trim()
    .replace(/^error: /, '')
    // Our validators' messages already name the option and the value.
    .replace(/^option '.*?' argument '.*?' is invalid\. (?=--)/, '');
  return `charcount: ${problem} (see charcount --help)\n`;
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
}

async function main(argv: string[]): Promise<number> {
  const cmd = program()
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => write(usageLine(text)),
    });
  try {
    cmd.parse(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const o = cmd.opts<CliOptions>();
  if (o.json && o.jsonl) {
    process.stderr.write(usageLine('--json and --jsonl cannot be used together'));
    return 2;
  }
  const format: Format = o.json ? 'json' : o.jsonl ? 'jsonl' : 'text';
  const counter = new Counter(o.char, o.min, RESETS[o.reset]);

  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130); // a second Ctrl-C: stop now
    interrupted = true;
    controller.abort('SIGINT');
  };
  process.on('SIGINT', onSigint);

  // cli-progress loads only when a bar is drawn.
  const bar = (o.progress ?? process.stderr.isTTY) ? new (await import('./progress.js')).ProgressBar() : undefined;
  const out = new Output(process.stdout);
  const reporter = makeReporter(format, out, o.count ?? false);
  const run = scan({
    patterns: cmd.processedArgs[0] as string[],
    counter,
    threads: o.threads,
    ignore: o.ignore,
    hidden: o.hidden ?? false,
    follow: o.follow ?? false,
    maxFilesize: o.maxFilesize,
    binary: o.binary ? 'scan' : 'skip',
    fullScan: o.count ?? false,
    signal: controller.signal,
    onProgress: bar && ((p) => bar.update(p)),
  });

  try {
    for await (const batch of run.batches()) {
      if (format === 'text') {
        for (const r of batch) {
          if (r.error) process.stderr.write(`${bar ? '\r\x1b[K' : ''}charcount: ${r.path}: ${r.error.message} (${r.error.code})\n`);
        }
      }
      await reporter.records(batch);
      if (out.isClosed) controller.abort('stdout closed');
    }
  } catch (e) {
    if (!isAbortError(e)) throw e;
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
  const summary = await run.summary();
  if (out.isClosed) return summary.filesMatched > 0 ? 0 : 1;
  await reporter.end(summary);
  if (o.stats || interrupted) process.stderr.write(formatSummary(summary) + '\n');
  if (interrupted) return 130;
  if (summary.filesErrored > 0) return 2;
  return summary.filesMatched > 0 ? 0 : 1;
}

main(process.argv).then(
  (code) => {
    // Let stdout drain: never process.exit() right after writing to a pipe.
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`charcount: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
