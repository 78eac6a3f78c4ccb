/**
 * Interrupting a scan: Ctrl-C (SIGINT), SIGTERM (`kill`, `docker stop`) or SIGHUP (the
 * terminal went away) stop the run, the partial summary goes to stderr, and the exit
 * status is 128 + the signal's number (130, 143, 129). A second signal exits at once.
 */
const STATUS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
export type StopSignal = keyof typeof STATUS;

export interface Interruption {
  /** The first signal received, if any. */
  readonly signal: StopSignal | undefined;
  /** Its exit status. */
  readonly status: number | undefined;
}

let first: StopSignal | undefined;

/** The exit status of the stop signal received, if one was. */
export function stopStatus(): number | undefined {
  return first && STATUS[first];
}

/**
 * Calls `stop` on the first of the signals; a second one ends the process. The handlers
 * stay for the rest of the process: a signal that lands while the output is flushed must
 * not kill it without its summary.
 */
export function onStopSignal(stop: (signal: StopSignal) => void): Interruption {
  const handler = (signal: StopSignal) => {
    if (first !== undefined) process.exit(STATUS[first]);
    first = signal;
    stop(signal);
  };
  for (const signal of Object.keys(STATUS) as StopSignal[]) process.on(signal, handler);
  return {
    get signal() {
      return first;
    },
    get status() {
      return first && STATUS[first];
    },
  };
}
