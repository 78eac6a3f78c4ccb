#!/usr/bin/env node
/**
 * The `charcount` command line: a scan (the default), `charcount worker` (take batches
 * from a queued run) or `charcount merge` (join the outputs of `--shard` runs).
 *
 * Subcommands are picked by the first argument before any parsing: the scan's required
 * options must not apply to them (a directory named `worker` is scanned as `./worker`).
 */
async function main(argv: string[]): Promise<number> {
  switch (argv[0]) {
    case 'worker':
      return (await import('./worker-command.js')).workerCommand(argv.slice(1));
    case 'merge':
      return (await import('./merge-command.js')).mergeCommand(argv.slice(1));
    default:
      return (await import('./scan-command.js')).scanCommand(argv);
  }
}

// A reader that goes away (`charcount --help | head`) ends the output, not the process.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

/**
 * Ends the process once its output has reached the OS. Usually the process ends by
 * itself first; the exception is a queued run: ioredis's reply parser, after a large
 * reply, shrinks a shared buffer on a 50 ms interval that nobody can stop, for up to ~2 s.
 * The timer is unref'd, so it fires only if something like that is still going.
 * (Never process.exit() before the output is flushed: on a pipe it would be cut short.)
 */
function end(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const flushed = () => {
    if (--pending === 0) setTimeout(() => process.exit(code), 0).unref();
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}

main(process.argv.slice(2)).then(end, (e) => {
  process.stderr.write(`charcount: ${e instanceof Error ? e.message : String(e)}\n`);
  end(2);
});
