/**
 * The process's stdout and stderr as the commands see them: write errors never throw, and
 * waiting for a reader can be cut short once the user has asked to stop. Each is opened on
 * first use: opening `process.stdout` loads Node's modules for a pipe's socket or a
 * terminal (net, tty; a few milliseconds), which a run that prints nothing does without.
 *
 * * stdout: EPIPE means the reader went away (`| head`): the run stops quietly. Any other
 *   error (`> /dev/full`: ENOSPC) is remembered and reported once, as one line, and the
 *   command exits 2.
 * * stderr: its errors are ignored; there is nowhere left to report them.
 */
import { fstatSync } from 'node:fs';

/** How long an interrupted command waits for a reader that takes nothing. */
export const STALL_MS = 500;

export type Stream = NodeJS.WritableStream & { writableLength?: number; destroyed?: boolean };

let stdoutStream: Stream | undefined;
let stderrStream: Stream | undefined;
let stdoutError: Error | undefined;
let reported = false;
/** Streams whose reader stopped taking output after an interruption: nothing more is waited for. */
const abandoned = new WeakSet<Stream>();

/** `process.stdout`, with its error handler installed before anything is written. */
export function stdout(): Stream {
  if (!stdoutStream) {
    // eslint-disable-next-line no-restricted-properties -- the one place that opens it
    stdoutStream = process.stdout;
    stdoutStream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') stdoutError ??= e;
    });
  }
  return stdoutStream;
}

/** `process.stderr`, whose errors are ignored. */
export function stderr(): Stream {
  if (!stderrStream) {
    // eslint-disable-next-line no-restricted-properties -- the one place that opens it
    stderrStream = process.stderr;
    stderrStream.on('error', () => {});
  }
  return stderrStream;
}

/** The standard streams opened so far: what to flush before the process ends. */
export function openedStreams(): Stream[] {
  return [stdoutStream, stderrStream].filter((s) => s !== undefined);
}

/**
 * Whether standard output (1) or error (2) is a terminal. A pipe or a file is told apart
 * by one `fstat`, without opening the stream; a character device may be a terminal (or
 * /dev/null), which only the stream can tell.
 */
export function isTerminal(fd: 1 | 2): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return ((fd === 1 ? stdout() : stderr()) as { isTTY?: boolean }).isTTY === true;
}

/**
 * The error that stopped stdout, other than EPIPE. (A failed write destroys the stream at
 * once but emits 'error' a tick later: `errored` tells it first.)
 */
export function outputError(): Error | undefined {
  const errored = (stdoutStream as { errored?: NodeJS.ErrnoException | null } | undefined)?.errored;
  if (!stdoutError && errored && errored.code !== 'EPIPE') stdoutError = errored;
  return stdoutError;
}

/** Prints the failure of stdout on stderr (once); true if there was one. */
export function reportOutputError(): boolean {
  const error = outputError();
  if (!error) return false;
  if (!reported) stderr().write(`charcount: cannot write output: ${error.message}\n`);
  reported = true;
  return true;
}

export function isAbandoned(stream: Stream): boolean {
  return abandoned.has(stream);
}

/**
 * Resolves once everything written to `stream` has been handed to the OS, or the stream
 * failed. `hurry()` returning true (an interruption) bounds the wait: once no byte has
 * left for `STALL_MS`, the stream is abandoned and the promise resolves.
 */
export function flushed(stream: Stream, hurry: () => boolean = () => false): Promise<void> {
  const pending = () => (stream.destroyed || abandoned.has(stream) ? 0 : (stream.writableLength ?? 0));
  if (pending() === 0) return Promise.resolve();
  return new Promise((resolve) => {
    let last = pending();
    let since = Date.now();
    const timer = setInterval(() => {
      const now = pending();
      if (now === 0) return done();
      if (now < last) {
        last = now;
        since = Date.now();
      } else if (hurry() && Date.now() - since >= STALL_MS) {
        abandoned.add(stream);
        return done();
      }
    }, 20);
    const done = () => {
      clearInterval(timer);
      resolve();
    };
  });
}
