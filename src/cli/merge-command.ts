/**
 * `charcount merge SHARD.json …`: the outputs of `charcount --shard K/N --json`, joined
 * into what one run over the whole tree prints, with the same formats and exit status.
 */
import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { mergeShards, MergeError } from '../engine/merge.js';
import { exitStatus, fileErrorLine, formatSummary, makeReporter, Output } from './report.js';
import { outputFormat, parse, version } from './args.js';

function program(): Command {
  return new Command('charcount merge')
    .description('Join the --json outputs of shards 1..N of one scan (charcount --shard K/N --json) into one result.')
    .argument('<files...>', 'the shards\' JSON outputs, one each')
    .option('--json', 'print one JSON document with the summary and every record')
    .option('--jsonl', 'print one JSON record a line')
    .option('--stats', 'print the merged summary to stderr')
    .version(version(), '-V, --version')
    .addHelpText(
      'after',
      `
Prints what the same scan over the whole tree prints: the matching paths (or, for
--count runs, PATH:OCCURRENCES:SEGMENTS), or the JSON forms. A missing or repeated
shard, or shards of different queries, is an error (exit 2).

Example:
  for k in 1 2 3 4; do charcount -c , -m 30 --shard $k/4 --json data/ > shard-$k.json; done
  charcount merge shard-*.json --stats`,
    );
}

export async function mergeCommand(argv: string[]): Promise<number> {
  const cmd = program();
  const status = parse(cmd, argv, 'charcount merge');
  if (status !== undefined) return status;
  const o = cmd.opts<{ json?: boolean; jsonl?: boolean; stats?: boolean }>();
  const format = outputFormat(o, 'charcount merge');
  if (!format) return 2;
  const files = cmd.processedArgs[0] as string[];
  let merged;
  try {
    const docs = await Promise.all(
      files.map(async (name) => {
        let text: string;
        try {
          text = await readFile(name, 'utf8');
        } catch (e) {
          throw new MergeError(`cannot read ${name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        try {
          return { name, doc: JSON.parse(text) as unknown };
        } catch (e) {
          throw new MergeError(`${name} is not JSON: ${(e as Error).message}`);
        }
      }),
    );
    merged = mergeShards(docs);
  } catch (e) {
    if (!(e instanceof MergeError)) throw e;
    process.stderr.write(`charcount merge: ${e.message}\n`);
    return 2;
  }
  const reporter = makeReporter(format, new Output(process.stdout), merged.query.count, { query: merged.query });
  if (format === 'text') {
    for (const r of merged.records) if (r.error) process.stderr.write(fileErrorLine(r));
  }
  await reporter.records(merged.records);
  await reporter.end(merged.summary);
  if (o.stats) process.stderr.write(formatSummary(merged.summary) + '\n');
  return exitStatus(merged.summary);
}
