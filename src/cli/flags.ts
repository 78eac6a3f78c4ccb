/**
 * The scan's command line as one table. Each flag is declared once, with its commander
 * definition (help text, parser, choices, default, help group), the flags it cannot be
 * given with, what it asks of the run (`scan()`'s options) and of its query, and what it
 * tells the report stage. Made from the table: the commander program (so `--help`, and
 * the man page and completions, which are read from it), the conflict check, the run's
 * options, the flags' part of the query and the report's options.
 */
import { RESETS as RESET_MODES } from '../core/wire-format.js';
import { Command, Option } from 'commander';
import { backendDescription } from '../backends/select.js';
import type { Shard } from '../core/types.js';
import { checkChar } from '../core/validate.js';
import { addTypeDefinition } from '../engine/file-types.js';
import type { ScanOptions } from '../engine/options.js';
import type { Query } from '../engine/query.js';
import { compressionSummary } from '../scan/compression.js';
import { DEFAULT_MAX_HITS, type Reset } from '../scan/counter.js';
import { checkEncoding } from '../scan/decode.js';
import { arg, collect, excludeGlob, integer, redisUrl, shard, size, version } from './args.js';
import { stderr } from './streams.js';
import { COLOR_CHOICES, type ColorWhen } from './report/color.js';
import type { Format } from './report/reporters.js';
import type { ReportOptions } from './report/stage.js';

/** `--reset`'s choices: the names of the kernel's modes, as `Counter` takes them. */
const RESET_NAMES: readonly Reset[] = RESET_MODES.map((r) => r.name);

/**
 * The flags' values as commander keeps them, by attribute: a flag not given is absent
 * (unless it has a default; the conflict rules take a flag with a value as given).
 */
export interface FlagValues {
  char?: string;
  min?: number;
  reset: Reset;
  filesWithMatches?: boolean;
  filesWithoutMatch?: boolean;
  quiet?: boolean;
  null?: boolean;
  sort?: 'path' | 'none';
  json?: boolean;
  jsonl?: boolean;
  count?: boolean;
  countMatches?: boolean;
  allHits?: boolean;
  maxHits?: number;
  histogram?: boolean;
  stats?: boolean;
  /** false with --no-messages. */
  messages: boolean;
  color: ColorWhen;
  progress?: boolean;
  files?: boolean;
  glob?: string[];
  iglob?: string[];
  /** false with --no-ignore ('' once --ignore is given: its globs are in `Ordered`). */
  ignore?: false | '';
  exclude?: string[];
  /** false with --no-ignore-vcs. */
  ignoreVcs: boolean;
  ignoreFile?: string[];
  /** -u: 1, -uu: 2, -uuu: 3. */
  unrestricted?: number;
  hidden?: boolean;
  follow?: boolean;
  maxDepth?: number;
  /** '' once -t or -T is given: their values are in `Ordered`. */
  type?: '';
  typeNot?: '';
  typeAdd?: string[];
  typeList?: boolean;
  maxFilesize?: number;
  binary?: boolean;
  encoding?: string;
  encodingSniff: boolean;
  searchZip?: boolean;
  threads?: number;
  queue?: string;
  shard?: Shard;
}

export type FlagName = keyof FlagValues;

/** What the command line gives in an order that matters, where commander keeps only values. */
export interface Ordered {
  /** `-t NAME` / `-T NAME` (as `!NAME`), in the order given: the last match wins. */
  types: string[];
  /** The deprecated `--ignore GLOB` (`--exclude`'s old name), repeatable. */
  excludes: string[];
}

/** What the flags ask of the run: `scan()`'s options, with the counter as its parts. */
export interface Asked extends Omit<ScanOptions, 'counter' | 'counters'> {
  char?: string;
  min?: number;
  reset?: Reset;
}

export interface Flag {
  /** As commander takes them: `-c, --char <C>`. */
  flags: string;
  description: string;
  /** The `--help` group it is listed in (none: the first, `Options:`). */
  group?: string;
  /** Reads the value (a commander parser); an `ordered` flag's appends it to its list. */
  parse?: (value: string, previous: never) => unknown;
  /** Its values go, in command-line order, to this list (shared with other flags). */
  ordered?: keyof Ordered;
  choices?: readonly string[];
  default?: string;
  /** Its name in usage messages (default: its long form). */
  called?: string;
  /**
   * Flags it cannot be given with, named before it in the message (`--files and --json
   * cannot be used together`) unless the conflict has a message of its own.
   */
  conflicts?: (FlagName | { flag: FlagName; message: string })[];
  /** A flag it means nothing without. */
  needs?: FlagName;
  /** A flag whose text output is other lines than its own: together, a JSON format is needed. */
  inText?: { flag: FlagName; what: string };
  /** Required, unless one of these is given. */
  requiredUnless?: FlagName[];
  /** What it asks of the run: the value as this option, or the options it makes of the value. */
  asks?: keyof Asked | ((value: never) => Partial<Asked>);
  /** What it tells the report stage, in the same way. */
  reports?: keyof ReportOptions | ((value: never) => Partial<ReportOptions>);
  /**
   * The query field that records it. `charcount merge` reads the flags back from it;
   * one the engine does not record (an output choice, `outputOnly`) the command adds.
   */
  inQuery?: keyof Query;
  /** Changes only what is printed: the command records it in the query (as `true`). */
  outputOnly?: true;
  /** Left out of `--help`, the man page and completions (a deprecated spelling). */
  hidden?: true;
}

/** The flags of a `--help` group. */
const grouped = (group: string, flags: Flag[]): Flag[] => flags.map((f) => ({ ...f, group }));

export const SCAN_FLAGS: readonly Flag[] = [
  {
    flags: '-c, --char <C>',
    description: 'the character to count (exactly one; required unless --files or --type-list)',
    parse: arg((v) => checkChar('--char', v)),
    requiredUnless: ['files'],
    asks: 'char',
    inQuery: 'char',
  },
  {
    flags: '-m, --min <N>',
    description: 'the threshold: at least N occurrences (required unless --files, --type-list or --histogram)',
    parse: integer('--min', 0),
    requiredUnless: ['files', 'histogram'],
    asks: 'min',
    reports: 'min',
    inQuery: 'min',
  },
  {
    flags: '-r, --reset <mode>',
    description: 'where the count starts again: per line, per space-separated word, or never',
    choices: [...RESET_NAMES],
    default: 'newline',
    asks: 'reset',
    inQuery: 'reset',
  },
  ...grouped('Output:', [
    {
      flags: '-l, --files-with-matches',
      description: 'print the paths of matching files (the default output)',
      called: '-l',
    },
    {
      flags: '--files-without-match',
      description: 'print the paths of files read that did not match instead',
      conflicts: ['filesWithMatches', 'files'],
      reports: 'withoutMatch',
    },
    {
      flags: '-q, --quiet',
      description: 'print nothing; stop at the first match (exit status only)',
      reports: 'quiet',
    },
    {
      flags: '-0, --null',
      description: 'end each printed path with a NUL byte instead of a newline',
      reports: () => ({ separator: '\0' }),
    },
    {
      flags: '--sort <by>',
      description: 'print in path order (waits for the run to end) or as files finish',
      choices: ['path', 'none'],
      reports: (by: FlagValues['sort']) => ({ sortByPath: by === 'path' }),
    },
    {
      flags: '--json',
      description: 'print one JSON document with the summary and every record',
      conflicts: ['files', 'filesWithoutMatch'],
    },
    {
      flags: '--jsonl',
      description: 'print one JSON line per file as files finish, then a summary line',
      conflicts: ['files', 'filesWithoutMatch'],
    },
    {
      flags: '--count',
      description: 'full-scan figures: occurrences and segments (reads files to their end)',
      conflicts: ['files', 'filesWithoutMatch'],
      asks: 'fullScan',
      inQuery: 'count',
    },
    {
      flags: '--count-matches',
      description: 'print each matching file as PATH:OCCURRENCES, its count of C (reads files to their end)',
      conflicts: ['files', 'filesWithoutMatch', 'count'],
      asks: 'fullScan',
      reports: 'countMatches',
    },
    {
      flags: '--all-hits',
      description:
        'print every hit as PATH:LINE:OFFSET: each line (word, file) that reaches N, not just the first (reads files to their end)',
      conflicts: ['files', 'filesWithMatches', 'filesWithoutMatch', 'countMatches'],
      inText: { flag: 'count', what: 'print different lines' },
      asks: 'allHits',
      inQuery: 'allHits',
    },
    {
      flags: '--max-hits <N>',
      description: `with --all-hits: list at most N hits per file; a file with more is told on stderr (default ${DEFAULT_MAX_HITS})`,
      parse: integer('--max-hits', 1),
      needs: 'allHits',
      asks: 'maxHits',
      inQuery: 'maxHits',
    },
    {
      flags: '--histogram',
      description:
        'how many lines (words, files) hold exactly k of C, for every k: a chart of the run and the files off its mode; ' +
        'in JSON a histogram per record and in the summary (reads files to their end; --min defaults to 1)',
      conflicts: ['files', 'allHits', 'filesWithoutMatch', 'filesWithMatches', 'countMatches'],
      inText: { flag: 'count', what: 'print different things' },
      asks: 'histogram',
      inQuery: 'histogram',
    },
    { flags: '--stats', description: 'print a summary to stderr at the end', reports: 'stats' },
    {
      flags: '--no-messages',
      description:
        'no error line for a file that cannot be read (the exit status still says 2), no warning about an ignore file',
      reports: (messages: boolean) => (messages ? {} : { noMessages: true }),
    },
    {
      flags: '--color <when>',
      description: 'colour matched paths (auto: on a terminal, unless NO_COLOR is set)',
      choices: COLOR_CHOICES,
      default: 'auto',
      reports: 'color',
    },
    { flags: '--progress', description: 'show a progress bar on stderr (default: when stderr is a terminal)' },
    { flags: '--no-progress', description: 'never show the progress bar' },
  ]),
  ...grouped('Which files:', [
    { flags: '--files', description: 'print the files that would be searched, and read none' },
    {
      flags: '-g, --glob <GLOB>',
      description:
        'search only files matching GLOB, or leave them out with !GLOB (repeatable, the last match wins; without a / it matches a name at any depth)',
      parse: collect,
      asks: 'globs',
    },
    { flags: '--iglob <GLOB>', description: 'as --glob, ignoring case', parse: collect, asks: 'iglobs' },
    {
      flags: '--exclude <GLOB>',
      description:
        'leave out paths matching GLOB, whatever else matches them (repeatable; -g !GLOB after every other glob)',
      parse: excludeGlob('--exclude'),
      asks: 'exclude',
    },
    {
      flags: '--ignore <GLOB>',
      description: 'deprecated: the old name of --exclude',
      hidden: true,
      parse: (value: string, previous: string[]) => {
        if (previous.length === 0) {
          stderr().write(
            'charcount: --ignore GLOB is deprecated: use --exclude GLOB (in ripgrep, --ignore turns ignore files back on)\n',
          );
        }
        return excludeGlob('--ignore')(value, previous);
      },
      ordered: 'excludes',
      asks: 'ignore',
    },
    {
      flags: '--no-ignore',
      description: 'do not read .gitignore, .ignore, .rgignore or git exclude files',
      asks: (ignore: FlagValues['ignore']) => ({ ignoreFiles: ignore !== false }),
    },
    {
      flags: '--no-ignore-vcs',
      description: 'do not read .gitignore or git exclude files (.ignore and .rgignore still apply)',
      // commander's default for a lone --no- flag is true: only the flag given asks anything.
      asks: (vcs: boolean) => (vcs ? {} : { vcsIgnoreFiles: false }),
    },
    {
      flags: '--ignore-file <PATH>',
      description: 'read more ignore rules from PATH (gitignore format; repeatable, below every other ignore file)',
      parse: collect,
      asks: 'extraIgnoreFiles',
    },
    {
      flags: '-u, --unrestricted',
      description: 'search more: -u is --no-ignore, -uu also --hidden, -uuu also --binary',
      parse: (_: string, times: number | undefined) => (times ?? 0) + 1,
      asks: (times: number) => ({
        ignoreFiles: false,
        ...(times >= 2 && { hidden: true }),
        ...(times >= 3 && { binary: 'scan' as const }),
      }),
    },
    { flags: '-., --hidden', description: 'search hidden files and directories', asks: 'hidden' },
    { flags: '-L, --follow', description: 'follow symbolic links (loops are reported)', asks: 'follow' },
    {
      flags: '-d, --max-depth <N>',
      description: 'descend at most N levels below each path given (0: only files named)',
      parse: integer('--max-depth', 0),
      asks: 'maxDepth',
    },
    {
      flags: '-t, --type <TYPE>',
      description: 'search only files of TYPE (repeatable; see --type-list)',
      parse: (v: string, types: string[]) => [...types, v],
      ordered: 'types',
      asks: 'types',
    },
    {
      flags: '-T, --type-not <TYPE>',
      description: 'do not search files of TYPE (repeatable)',
      parse: (v: string, types: string[]) => [...types, `!${v}`],
      ordered: 'types',
      asks: 'types',
    },
    {
      flags: '--type-add <SPEC>',
      description: 'define or extend a type: NAME:GLOB (repeatable) or NAME:include:TYPE[,TYPE]',
      parse: collect,
      // A bad spec is a usage error, told once the command line has parsed.
      asks: (specs: string[]) => ({ typeDefinitions: specs.reduce(addTypeDefinition, {}) }),
    },
    { flags: '--type-list', description: 'print every file type and its globs, and exit' },
    {
      flags: '--max-filesize <SIZE>',
      description: 'skip files larger than SIZE (e.g. 512K, 10M, 2G)',
      parse: size,
      asks: 'maxFilesize',
    },
    {
      flags: '--binary',
      description: 'scan binary files too (files with a NUL byte in their first 256 KiB)',
      asks: () => ({ binary: 'scan' }),
    },
    {
      flags: '-E, --encoding <NAME>',
      description:
        'read files without a byte-order mark in this encoding (a WHATWG name: utf-16le, latin1, windows-1251, ' +
        'shift_jis, gbk, euc-kr...), or none: bytes as they are, no mark sniffed (default: UTF-8)',
      parse: arg((v) => checkEncoding('--encoding', v)),
      asks: 'encoding',
      inQuery: 'encoding',
    },
    {
      flags: '--no-encoding-sniff',
      description: 'do not let a UTF-8/UTF-16 byte-order mark decide the encoding',
      asks: 'encodingSniff',
      inQuery: 'encodingSniff',
    },
    {
      flags: '-z, --search-zip',
      description: `search compressed files: ${compressionSummary()}`,
      asks: 'searchZip',
      inQuery: 'searchZip',
    },
  ]),
  ...grouped('Where:', [
    {
      flags: '-j, --threads <N>',
      description: 'worker threads (default: the number of CPUs)',
      parse: integer('--threads', 1, 1024),
      conflicts: [
        { flag: 'queue', message: '--threads sets local threads; with --queue, give it to `charcount worker` instead' },
      ],
      asks: 'threads',
    },
    {
      flags: '--queue <URL>',
      description: 'scan on `charcount worker` processes through BullMQ on this Redis (redis://host:port)',
      parse: redisUrl,
      asks: 'queue',
    },
    {
      flags: '--shard <K/N>',
      description: 'scan only shard K of N (a fixed 1/N of the paths); join the --json outputs with `charcount merge`',
      parse: shard,
      asks: 'shard',
      reports: 'shard',
    },
  ]),
];

/** The attribute commander keeps a flag's value under (`--no-ignore`: `ignore`). */
const NAMES = new Map(SCAN_FLAGS.map((f) => [f, new Option(f.flags).attributeName() as FlagName]));
const nameOf = (f: Flag) => NAMES.get(f)!;
/** How usage messages name a flag: `-l`, `--files`. */
const called = (name: FlagName) => {
  const f = SCAN_FLAGS.find((f) => nameOf(f) === name)!;
  return f.called ?? new Option(f.flags).long!;
};

/** The scan's program: its flags as the table declares them, in its order and groups. */
export function scanProgram(ordered: Ordered = { types: [], excludes: [] }): Command {
  const cmd = new Command('charcount')
    .description(
      'Print the files in which character C appears at least N times — in some line, some word, or the whole file.',
    )
    .usage(
      '[options] [paths...]\n       charcount worker --queue <URL> [options]\n       charcount merge <shard.json...> [options]\n       charcount completions <bash|zsh|fish>',
    )
    .argument(
      '[paths...]',
      'files, directories (searched recursively), globs, or - for standard input (default: ., or standard input when it is piped)',
    );
  // The flags of no group come first (commander lists them under `Options:`).
  let group: string | undefined;
  for (const f of SCAN_FLAGS) {
    if (f.group !== undefined && f.group !== group) cmd.optionsGroup((group = f.group));
    const option = new Option(f.flags, f.description);
    const { parse, ordered: list } = f;
    if (parse && list) {
      const add = parse as (value: string, previous: string[]) => string[];
      // The value joins its list; the attribute (which --no-ignore may share) is left alone.
      option.argParser((value: string, previous: unknown) => ((ordered[list] = add(value, ordered[list])), previous));
    } else if (parse) option.argParser(parse as (value: string, previous: unknown) => unknown);
    if (f.choices) option.choices(f.choices);
    if (f.default !== undefined) option.default(f.default);
    if (f.hidden) option.hideHelp();
    cmd.addOption(option);
  }
  return cmd.version(`${version()}\n${backendDescription()}`, '-V, --version').addHelpText(
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

Files are chosen as ripgrep chooses them: .gitignore (in a git repository),
.ignore and .rgignore files apply, hidden files are left out, and
-g/-t/-T/--max-depth narrow the set. A file named on the command line is
always read.

Flags that mean something else than in ripgrep (the counter's own words):
  -c             --char here, --count in rg
  -m             --min here, --max-count in rg
  -r             --reset here, --replace in rg
  --count        occurrences and segments of every file
  --json         one document at the end (--jsonl is closer to rg's stream)
  --ignore GLOB  old name of --exclude (in rg, --ignore undoes --no-ignore)

Many machines:
  charcount worker --queue redis://redis:6379             on each machine (see charcount worker --help)
  charcount -c , -m 30 --queue redis://redis:6379 /data   the same scan, spread over the workers
  charcount -c , -m 30 --shard 2/8 --json /data > 2.json  shard 2 of 8; then: charcount merge *.json

Output: the matching paths, one a line (--count: PATH:OCCURRENCES:SEGMENTS,
--all-hits: PATH:LINE:OFFSET a hit). A path that is not UTF-8 is printed as
its bytes, and in JSON as {"bytes": "<base64>"}.

Exit status: 0 if a file matched (with --files-without-match: a file did
not; with --files: a file was found), 1 if none did, 2 on bad usage or any
file error (-q: 0 on a match even so), 130 when interrupted by Ctrl-C, 143
by SIGTERM, 129 by SIGHUP (the partial summary goes to stderr). A search of
the working directory by default that finds no file at all says so, exit 2.`,
  );
}

/** Two flags whose text outputs are different lines: `--count and --all-hits`, and what they print. */
export interface TextClash {
  flags: string;
  what: string;
}

function textClash(given: (name: FlagName) => boolean): TextClash | undefined {
  for (const f of SCAN_FLAGS) {
    if (f.inText && given(nameOf(f)) && given(f.inText.flag)) {
      return { flags: `${called(f.inText.flag)} and ${called(nameOf(f))}`, what: f.inText.what };
    }
  }
  return undefined;
}

/** The flags of a run that a query records (`charcount merge` has only the shards' query) that text output cannot print together. */
export function queryTextClash(q: Query): TextClash | undefined {
  return textClash((name) => {
    const field = SCAN_FLAGS.find((f) => nameOf(f) === name)?.inQuery;
    return field !== undefined && q[field] !== undefined && q[field] !== false;
  });
}

/** A usage problem among flags that each parsed well, or undefined. */
export function conflict(o: FlagValues, format: Format): string | undefined {
  const given = (name: FlagName) => o[name] !== undefined;
  for (const f of SCAN_FLAGS) {
    if (!given(nameOf(f))) continue;
    for (const c of f.conflicts ?? []) {
      const [other, message] = typeof c === 'string' ? [c] : [c.flag, c.message];
      if (given(other)) return message ?? `${called(other)} and ${called(nameOf(f))} cannot be used together`;
    }
  }
  for (const f of SCAN_FLAGS) {
    if (f.needs && given(nameOf(f)) && !o[f.needs]) return `${called(nameOf(f))} needs ${called(f.needs)}`;
  }
  const clash = format === 'text' ? textClash((name) => Boolean(o[name])) : undefined;
  if (clash) return `${clash.flags} ${clash.what} in text output: add --json or --jsonl for both`;
  for (const f of SCAN_FLAGS) {
    if (f.requiredUnless && !given(nameOf(f)) && !f.requiredUnless.some((n) => o[n])) {
      return `required option '${f.flags}' not specified`;
    }
  }
  return undefined;
}

/** The value of each flag given, mapped by `map` (its `asks` or its `reports`). */
function mapped<T extends object>(
  o: FlagValues,
  ordered: Ordered | undefined,
  map: (f: Flag) => keyof T | ((value: never) => Partial<T>) | undefined,
): Partial<T> {
  const to: Partial<T> = {};
  for (const f of SCAN_FLAGS) {
    const as = map(f);
    // An ordered list is there from the start: empty, nothing was given.
    const value = f.ordered ? (ordered?.[f.ordered].length ? ordered[f.ordered] : undefined) : o[nameOf(f)];
    if (as === undefined || value === undefined) continue;
    Object.assign(to, typeof as === 'function' ? (as as (value: unknown) => Partial<T>)(value) : { [as]: value });
  }
  return to;
}

/** What the flags ask of the run; throws the usage problem of a bad `--type-add`. */
export const askedOf = (o: FlagValues, ordered: Ordered): Asked => mapped<Asked>(o, ordered, (f) => f.asks);

/** What the flags tell the report stage. */
export const reportedOf = (o: FlagValues): Partial<ReportOptions> =>
  mapped<ReportOptions>(o, undefined, (f) => f.reports);

/** The run's query as the engine made it, with the output choices the flags record in it. */
export function flagsQuery(o: FlagValues, query: Query): Query {
  const q = { ...query };
  for (const f of SCAN_FLAGS)
    if (f.outputOnly && f.inQuery && o[nameOf(f)] === true) Object.assign(q, { [f.inQuery]: true });
  return q;
}

/**
 * A problem `resolveDiscovery()` found, in the command line's words: named by the flag and
 * the value written (`--ignore X` is the API's `ignore`, not the `-g !X` it means; a type's
 * glob by the `--type-add` that wrote it).
 */
export function inFlagWords(message: string, o: FlagValues, definitions: Record<string, string[]> = {}): string {
  const named: Record<string, string> = {
    globs: '-g/--glob',
    iglobs: '--iglob',
    ignore: '--ignore',
    exclude: '--exclude',
  };
  return message
    .replace(/^types: /, '-t/--type: ')
    .replace(/^extraIgnoreFiles must be a non-empty string.*/, '--ignore-file must be a non-empty path')
    .replace(/^extraIgnoreFiles\[(\d+)\] \("(?:[^"\\]|\\.)*"\) cannot be read:/, (whole, i: string) => {
      const path = o.ignoreFile?.[Number(i)];
      return path === undefined ? whole : `--ignore-file ${JSON.stringify(path)} cannot be read:`;
    })
    .replace(
      /^(globs|iglobs|ignore|exclude)\[\d+\] is not a valid glob \(("(?:[^"\\]|\\.)*")\):/,
      (_, name: string, glob: string) => `${named[name]} ${glob} is not a valid glob:`,
    )
    .replace(
      /^typeDefinitions\.([\w.+-]+)\[(\d+)\] is not a valid glob \(("(?:[^"\\]|\\.)*")\):/,
      (whole, name: string, i: string, glob: string) => {
        // The --type-add that wrote the glob (one that includes other types copies theirs).
        const written = definitions[name]?.[Number(i)];
        const spec = o.typeAdd?.find((s) => !/^[^:]+:include:/.test(s) && s.slice(s.indexOf(':') + 1) === written);
        return spec === undefined ? whole : `--type-add ${JSON.stringify(spec)}: ${glob} is not a valid glob:`;
      },
    );
}
