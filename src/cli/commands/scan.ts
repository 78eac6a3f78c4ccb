/**
 * `charcount [PATH|GLOB ...] --char C --min N …`: the flags (flags.ts) → the run's options
 * → `scan()` → the report stage (report/stage.ts). Exit status as grep: 0 some file
 * matched, 1 none did, 2 bad usage or any per-file error, 130 interrupted (143 SIGTERM,
 * 129 SIGHUP; the partial summary goes to stderr).
 */
import { fstatSync } from 'node:fs';
import { isAbortOf } from '../../core/errors.js';
import type { FileRecord } from '../../core/types.js';
import { formatTypeList, typeTable } from '../../engine/file-types.js';
import { isKeptCopy, resolveDiscovery, resolveOptions } from '../../engine/options.js';
import { scanRun } from '../../engine/scan.js';
import { Counter } from '../../scan/counter.js';
import { scanReadable } from '../../scan/stdin.js';
import { outputFormat, parse, rawArgs, usageLine } from '../args.js';
import * as flags from '../flags.js';
import { Output, warningLine, type Format } from '../report/reporters.js';
import { Report, sideChannel } from '../report/stage.js';
import { onStopSignal } from '../signals.js';
import { isTerminal, stderr, stdout } from '../streams.js';
import { listCommand } from './list.js';

export async function scanCommand(argv: string[]): Promise<number> {
  const ordered: flags.Ordered = { types: [], excludes: [] };
  const cmd = flags.scanProgram(ordered);
  const status = parse(cmd, argv, 'charcount');
  if (status !== undefined) return status;
  const o = cmd.opts<flags.FlagValues>();
  const out = new Output(stdout);
  const args = await checkArguments(o, ordered, cmd.processedArgs[0] as string[], argv, out);
  if (typeof args === 'number') return args;
  const { char, min, reset, ...api } = args.asked;

  const controller = new AbortController();
  const interruption = onStopSignal((signal) => {
    controller.abort(signal);
    out.hurry();
  });
  if (o.files) return listCommand({ ...api, signal: controller.signal }, o, out, interruption);
  // cli-progress loads only when a bar is drawn.
  const bar =
    !o.quiet && (o.progress ?? isTerminal(2)) ? new (await import('../report/progress.js')).ProgressBar() : undefined;
  const say = sideChannel(bar);
  // Results on the bar's terminal print above it, not after it on its line.
  if (bar && isTerminal(1) && isTerminal(2)) out.beforeWrite = () => bar.clear();
  const options = resolveOptions({
    ...api,
    // With --histogram alone a file matches when it holds C at all.
    counter: new Counter(char!, min ?? 1, reset),
    signal: controller.signal,
    onProgress: bar && ((p) => bar.update(p)),
    onWarning: (message) => say(warningLine(message)),
  });
  // --no-messages: not the warnings about ignore files (ripgrep's), but the run's own still.
  if (!o.messages) options.onIgnoreWarning = undefined;
  const query = flags.flagsQuery(o, options.query!);
  const report = new Report(out, { ...flags.reportedOf(o), format: args.format, query }, say);
  const stdin = args.stdin
    ? async () => [await scanReadable('<stdin>', process.stdin, { ...options, multi: false })]
    : undefined;
  const run = scanRun(options, undefined, stdin);
  try {
    for await (const batch of report.reportedOnly ? run.reported() : run.batches()) {
      await report.records(batch as FileRecord[]);
      if (report.stop) controller.abort(report.stop);
    }
  } catch (e) {
    if (!isAbortOf(e, controller.signal)) throw e;
  } finally {
    bar?.stop();
  }
  const summary = await run.summary();
  const exit = await report.end(summary, interruption);
  // As ripgrep: searching the working directory by default and finding nothing to read is
  // most likely a filter the user did not expect. (Files over --max-filesize count as not
  // found, as rg leaves them out of its walk; a shard may hold nothing of a small tree.)
  const found = summary.filesDiscovered - summary.skipped['too-large'];
  if (exit !== 1 || found > 0 || !args.defaultPath || args.asked.shard) return exit;
  if (o.messages) stderr().write(NOTHING_SEARCHED);
  return 2;
}

/** What ripgrep says when a search of the working directory by default reads no file. */
const NOTHING_SEARCHED =
  'charcount: no files were searched, which means a filter you did not expect probably applied\n' +
  '(ignore files, hidden files, -g, -t: --files lists what a scan reads; -u searches more).\n';

/** Whether standard input is something to read (a file or a pipe, not a terminal), as ripgrep decides. */
function stdinIsReadable(): boolean {
  try {
    const st = fstatSync(0);
    return st.isFile() || st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
}

/**
 * What the arguments ask, once every usage problem is ruled out; or the exit status when
 * there is one (told on stderr), or when the command is done (`--type-list`).
 */
async function checkArguments(
  o: flags.FlagValues,
  ordered: flags.Ordered,
  given: string[],
  argv: string[],
  out: Output,
): Promise<number | { asked: flags.Asked; format: Format; stdin: boolean; defaultPath: boolean }> {
  const usage = (problem: string) => {
    stderr().write(usageLine(problem));
    return 2;
  };
  let asked: flags.Asked;
  try {
    asked = flags.askedOf(o, ordered);
  } catch (e) {
    return usage((e as Error).message);
  }
  if (o.typeList) {
    await out.write(formatTypeList(typeTable(asked.typeDefinitions)));
    await out.flush();
    return 0;
  }
  const format = outputFormat(o);
  if (!format) return 2;
  const conflict = flags.conflict(o, format);
  if (conflict) return usage(conflict);
  // As ripgrep: with no path, piped standard input is searched, else the working directory.
  const inputs = given.length > 0 ? given : !o.files && stdinIsReadable() ? ['-'] : ['.'];
  const patterns = inputs.filter((p) => p !== '-');
  if (patterns.includes('')) return usage("a path cannot be empty (got '')");
  // Node reads a byte that is not UTF-8 as U+FFFD: only the raw arguments tell them apart.
  if (o.char === '\uFFFD' && !rawArgs(argv)) {
    return usage("--char '\uFFFD' (U+FFFD) cannot be told from a byte that is not UTF-8 on this system");
  }
  let extraIgnoreFiles: string[];
  try {
    ({ extraIgnoreFiles } = resolveDiscovery({ ...asked, patterns }));
  } catch (e) {
    return usage(flags.inFlagWords((e as Error).message, o, asked.typeDefinitions));
  }
  const stdin = !o.files && inputs.includes('-');
  // A pipe is read once, into a file of its own: the run takes that copy (any other
  // ignore file as given, which is what its warnings name).
  const ignoreFilesAsked = [asked.extraIgnoreFiles ?? []].flat();
  asked = {
    ...asked,
    patterns,
    ...(extraIgnoreFiles.length > 0 && {
      extraIgnoreFiles: extraIgnoreFiles.map((read, i) => (isKeptCopy(read) ? read : ignoreFilesAsked[i]!)),
    }),
  };
  return { asked, format, stdin, defaultPath: given.length === 0 && !stdin };
}
