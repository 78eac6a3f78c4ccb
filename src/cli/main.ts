/**
 * The `charcount` command line: a scan (the default), `charcount worker` (take batches
 * from a queued run), `charcount merge` (join the outputs of `--shard` runs) or
 * `charcount completions SHELL` (a shell's completion script).
 *
 * Subcommands are picked by the first argument before any parsing: the scan's required
 * options must not apply to them (a directory named `worker` is scanned as `./worker`).
 */
import { stopStatus } from './signals.js';
import { flushed, openedStreams, reportOutputError, stderr } from './streams.js';

const SUBCOMMANDS = new Set(['worker', 'merge', 'completions']);

/**
 * The library's own warnings (`process.emitWarning` of type `CharcountWarning`, backends/select.ts:
 * the native core missing) print as a charcount line rather than in Node's format with its
 * `--trace-warnings` hint; other warnings keep Node's printer. Node's switches still hide
 * them: `--no-warnings` (or `NODE_NO_WARNINGS=1`: Node installs no printer) and
 * `--disable-warning=CODE` or `=CharcountWarning` (in `NODE_OPTIONS`).
 */
function printOwnWarnings(): void {
  const printers = process.listeners('warning');
  if (printers.length === 0) return;
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const disabled = new Set(
    args.flatMap((a, i) =>
      a.startsWith('--disable-warning=')
        ? [a.slice('--disable-warning='.length)]
        : a === '--disable-warning'
          ? [args[i + 1]]
          : [],
    ),
  );
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error & { code?: string }) => {
    if (warning.name !== 'CharcountWarning') for (const print of printers) print.call(process, warning);
    else if (!disabled.has(warning.name) && !disabled.has(warning.code))
      stderr().write(`charcount: ${warning.message}\n`);
  });
}

async function main(argv: string[]): Promise<number> {
  const { nonUtf8Argument, rawArgs } = await import('./args.js');
  const bad = nonUtf8Argument(rawArgs(argv), SUBCOMMANDS.has(argv[0]!) ? `charcount ${argv[0]}` : 'charcount');
  if (bad) {
    stderr().write(bad);
    return 2;
  }
  switch (argv[0]) {
    case 'worker':
      return (await import('./commands/worker.js')).workerCommand(argv.slice(1));
    case 'merge':
      return (await import('./commands/merge.js')).mergeCommand(argv.slice(1));
    case 'completions':
      return (await import('./commands/completions.js')).completionsCommand(argv.slice(1));
    default:
      return (await import('./commands/scan.js')).scanCommand(argv);
  }
}

/**
 * Ends the process once its output has reached the OS. Usually the process ends by
 * itself first; the exception is a queued run: ioredis's reply parser, after a large
 * reply, shrinks a shared buffer on a 50 ms interval that nobody can stop, for up to ~2 s.
 * The timer is unref'd, so it fires only if something like that is still going.
 * (Never process.exit() before the output is flushed: on a pipe it would be cut short.)
 * An interrupted command (status 128 + a signal's number) waits only for a reader that
 * is still taking its output: it may be a pager nobody is reading.
 */
async function end(code: number): Promise<void> {
  if (code < 128 && reportOutputError()) code = 2;
  process.exitCode = code;
  // A signal may also land while the last output is flushed (a scan's handlers stay).
  const hurry = () => code >= 128 || stopStatus() !== undefined;
  await Promise.all(openedStreams().map((stream) => flushed(stream, hurry)));
  const status = code < 128 ? (stopStatus() ?? code) : code;
  process.exitCode = status;
  setTimeout(() => process.exit(status), 0).unref();
}

printOwnWarnings();
main(process.argv.slice(2)).then(end, (e) => {
  const message = e instanceof Error ? e.message : String(e);
  // Some messages name charcount already ("charcount has no native core …").
  stderr().write(message.startsWith('charcount ') ? `${message}\n` : `charcount: ${message}\n`);
  return end(2);
});
