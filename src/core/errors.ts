/**
 * Errors every layer may raise or recognise.
 */
import { show } from './validate.js';

/** True for the error an aborted run throws. */
export function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/** The error an aborted run throws. */
export function abortError(signal: AbortSignal): Error {
  return new DOMException(`the scan was aborted${signal.reason !== undefined ? `: ${show(signal.reason)}` : ''}`, 'AbortError');
}
