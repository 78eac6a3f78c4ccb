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
      return (await import('./cli/worker-command.js')).workerCommand(argv.slice(1));
    case 'merge':
      return (await import('./cli/merge-command.js')).mergeCommand(argv.slice(1));
    default:
      return (await import('./cli/scan-command.js')).scanCommand(argv);
  }
}

// A reader that goes away (`charcount --help | head`) ends the output, not the process.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    // Let stdout drain: never process.exit() right after writing to a pipe.
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`charcount: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
