/**
 * `charcount merge SHARD.json …`: the outputs of `charcount --shard K/N --json`, joined
 * into what one run over the whole tree prints, with the same formats and exit status.
 */
import { Command, Option } from 'commander';
import { open } from 'node:fs/promises';
import { mergeShards, MergeError, type NamedDocument } from '../../engine/merge.js';
import { formatBytes, Output } from '../report/reporters.js';
import { outputFormat, parse, version } from '../args.js';
import { queryTextClash } from '../flags.js';
import { COLOR_CHOICES, type ColorWhen } from '../report/color.js';
import { Report } from '../report/stage.js';
import { stderr, stdout } from '../streams.js';

export function program(): Command {
  return new Command('charcount merge')
    .description('Join the --json outputs of shards 1..N of one scan (charcount --shard K/N --json) into one result.')
    .argument('<files...>', "the shards' JSON outputs, one each")
    .option('--json', 'print one JSON document with the summary and every record')
    .option('--jsonl', 'print one JSON line per file, then a summary line')
    .option('--stats', 'print the merged summary to stderr')
    .addOption(
      new Option('--color <when>', 'colour matched paths (auto: on a terminal, unless NO_COLOR is set)')
        .choices(COLOR_CHOICES)
        .default('auto'),
    )
    .version(version(), '-V, --version')
    .addHelpText(
      'after',
      `
Prints what the same scan over the whole tree prints: the matching paths (or, for
--count runs, PATH:OCCURRENCES:SEGMENTS; for --all-hits runs, PATH:LINE:OFFSET), or the
JSON forms. A missing or repeated shard, or shards of different queries, is an error
(exit 2).

Example:
  for k in 1 2 3 4; do charcount -c , -m 30 --shard $k/4 --json data/ > shard-$k.json; done
  charcount merge shard-*.json --stats`,
    );
}

export async function mergeCommand(argv: string[]): Promise<number> {
  const cmd = program();
  const status = parse(cmd, argv, 'charcount merge');
  if (status !== undefined) return status;
  const o = cmd.opts<{ json?: boolean; jsonl?: boolean; stats?: boolean; color: ColorWhen }>();
  const format = outputFormat(o, 'charcount merge');
  if (!format) return 2;
  const files = cmd.processedArgs[0] as string[];
  const inputs = await Promise.all(files.map(readShard));
  const problems = inputs.filter((x): x is string => typeof x === 'string');
  if (problems.length) {
    for (const problem of problems) stderr().write(`charcount merge: ${problem}\n`);
    return 2;
  }
  let merged;
  try {
    merged = mergeShards(inputs as NamedDocument[]);
  } catch (e) {
    if (!(e instanceof MergeError)) throw e;
    stderr().write(`charcount merge: ${e.message}\n`);
    return 2;
  }
  const { query } = merged;
  // What the scan refuses in text output, merge refuses for the shards' query.
  const clash = format === 'text' ? queryTextClash(query) : undefined;
  if (clash) {
    stderr().write(
      `charcount merge: the shards ran with ${clash.flags}, which ${clash.what} in text output: add --json or --jsonl\n`,
    );
    return 2;
  }
  // The chart of the merged run (the shards do not say whether --min was given).
  const report = new Report(new Output(stdout), { format, query, color: o.color, stats: o.stats });
  await report.records(merged.records);
  return report.end(merged.summary);
}

/** The longest input read: V8's longest string (2^29 - 24 characters; a byte makes at most one). */
const MAX_INPUT = 2 ** 29 - 24;
const CHUNK = 1 << 20;
const LEADING_SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * A shard's document, or one line saying why the input is not one. Checked while read:
 * a `--json` document starts with `{` and holds no NUL byte (JSON has no raw NUL), so a
 * device like /dev/zero is refused at its first chunk; a larger input than a string can
 * hold is refused by its size (regular files) or once that much has been read (pipes).
 */
async function readShard(name: string): Promise<NamedDocument | string> {
  const notOutput = `${name} is not the output of charcount --json`;
  let file;
  try {
    file = await open(name, 'r');
  } catch (e) {
    return `cannot read ${name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
  try {
    const stat = await file.stat();
    if (stat.isDirectory()) return `cannot read ${name}: EISDIR`;
    const tooLarge = (bytes: number) => `${name} is too large to merge: ${formatBytes(bytes)} (at most 512 MiB)`;
    if (stat.isFile() && stat.size > MAX_INPUT) return tooLarge(stat.size);
    const chunks: Buffer[] = [];
    let total = 0;
    let started = false;
    const chunk = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await file.read(chunk, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const got = chunk.subarray(0, bytesRead);
      if (!started) {
        const first = got.findIndex((b) => !LEADING_SPACE.has(b));
        if (first >= 0) {
          if (got[first] !== 0x7b) return notOutput;
          started = true;
        }
      }
      if (got.includes(0)) return notOutput;
      total += bytesRead;
      if (total > MAX_INPUT) return tooLarge(total);
      chunks.push(Buffer.from(got)); // a copy: a pipe gives a little at a time
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, total));
    } catch {
      return `${name} is not UTF-8 text`;
    }
    try {
      return { name, doc: JSON.parse(text) as unknown };
    } catch (e) {
      return `${name} is not JSON: ${(e as Error).message}`;
    }
  } catch (e) {
    return `cannot read ${name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  } finally {
    await file.close();
  }
}
