/**
 * `charcount worker --queue URL`: takes batches of queued runs until stopped.
 * The first SIGTERM or Ctrl-C finishes the batches in hand; a second hands them back.
 */
import { Command } from 'commander';
import { backendDescription } from '../../backends/select.js';
import { loadQueueModule } from '../../dispatch/queue/load.js';
import { collect, integer, parse, redisUrl, version } from '../args.js';
import { stderr } from '../streams.js';

export function program(): Command {
  return new Command('charcount worker')
    .description('Scan the batches of runs started with charcount --queue URL, on this machine, until stopped.')
    .requiredOption('--queue <URL>', 'the Redis server the runs use (redis://host:port)', redisUrl)
    .option('-j, --threads <N>', 'scanning threads (default: the number of CPUs)', integer('--threads', 1, 1024))
    .option('--concurrency <N>', 'batches of one run in hand at once', integer('--concurrency', 1, 1024), 2)
    .option(
      '--stall-timeout <MS>',
      'a batch whose worker has not renewed its lock for MS milliseconds goes to another worker',
      integer('--stall-timeout', 100),
      30_000,
    )
    .option(
      '--root <DIR>',
      'read only below DIR (repeatable): a path outside every root, links and .. resolved, is an EOUTSIDEROOT error record and is never opened',
      collect,
    )
    .option('-v, --verbose', 'log every batch')
    .version(`${version()}\n${backendDescription()}`, '-V, --version')
    .addHelpText(
      'after',
      `
Every machine must see the files at the same path as the coordinator (a shared
filesystem mounted at the same place). Logs go to stderr.

A worker reads, with its own permissions, any path a job names, and anyone who can write
to the Redis can add a job: keep the Redis to the machines of the runs (a password, TLS
with rediss://, a private network), and give workers --root to read only below the data.

Stopping: SIGTERM or Ctrl-C finishes the batches in hand and exits 0; a second signal
hands them back to the queue at once for another worker.`,
    );
}

export async function workerCommand(argv: string[]): Promise<number> {
  const cmd = program();
  const status = parse(cmd, argv, 'charcount worker');
  if (status !== undefined) return status;
  const o = cmd.opts<{
    queue: string;
    threads?: number;
    concurrency: number;
    stallTimeout: number;
    verbose?: boolean;
    root?: string[];
  }>();
  const log = (line: string) => stderr().write(`charcount worker: ${line}\n`);
  const { resolveRoots } = await import('../../dispatch/queue/roots.js');
  let roots: Buffer[] | undefined;
  try {
    roots = o.root && (await resolveRoots(o.root));
  } catch (e) {
    log((e as Error).message);
    return 2;
  }
  if (roots) log(`reading only below ${roots.map((r) => r.toString()).join(', ')}`);
  // BullMQ loads only to run a worker (not for --help, or the completions that read the options).
  const { QueueWorker } = await loadQueueModule(() => import('../../dispatch/queue/worker.js'));
  const worker = new QueueWorker({
    queue: o.queue,
    threads: o.threads,
    concurrency: o.concurrency,
    stallTimeoutMs: o.stallTimeout,
    verbose: o.verbose ?? false,
    log,
    roots,
  });
  let signals = 0;
  let stopped!: Promise<void>;
  const stopping = new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals === 1) {
        log(`${signal}: finishing the batches in hand (send it again to hand them back now)`);
        stopped = worker.stop('finish');
      } else {
        log(`${signal}: handing the batches in hand back to the queue`);
        void worker.stop('hand-back');
      }
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  await worker.start();
  await stopping;
  await stopped;
  log('stopped');
  return 0;
}
