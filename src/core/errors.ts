/**
 * Errors every layer may raise or recognise.
 */
import { show } from './validate.js';

/** True for the error an aborted run throws. */
export function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

let defaultAbortMessage: string | undefined;

/** Why a run was aborted, on one line (empty for `abort()` without a reason). */
function why(reason: unknown): string {
  if (reason === undefined) return '';
  if (!(reason instanceof Error)) return `: ${show(reason)}`;
  const line = (text: string) => text.replace(/\s*\n\s*/g, ' ');
  if (reason.name === 'TimeoutError') return ': it timed out';
  if (reason instanceof DOMException && reason.name === 'AbortError') {
    defaultAbortMessage ??= (() => {
      const c = new AbortController();
      c.abort();
      return (c.signal.reason as Error).message;
    })();
    return reason.message === defaultAbortMessage ? '' : `: ${line(reason.message)}`;
  }
  return `: ${line(`${reason.name}: ${reason.message}`)}`;
}

/** The error an aborted run throws: one line saying why, the signal's reason as `cause`. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  const e = new DOMException(`the scan was aborted${why(reason)}`, { name: 'AbortError', cause: reason });
  if (!('cause' in e)) Object.defineProperty(e, 'cause', { value: reason, configurable: true, writable: true });
  return e;
}
