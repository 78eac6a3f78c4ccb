/**
 * Errors every layer may raise or recognise.
 */
import { types } from 'node:util';
import { show } from './validate.js';

/**
 * True for what a run rejects with when its signal was aborted without a reason of the
 * caller's own: `abort()` gives an `AbortError`, `AbortSignal.timeout()` a `TimeoutError`.
 * (A run aborted with a reason of the caller's rejects with that reason.)
 */
export function isAbortError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError');
}

/** Reasons that are not errors, wrapped once per signal (every rejection of a run is one object). */
const wrapped = new WeakMap<AbortSignal, Error>();

/**
 * What an aborted run rejects with, as `fetch` and web streams do: the signal's reason
 * when it is an error (`abort()`'s AbortError, `AbortSignal.timeout()`'s TimeoutError, the
 * caller's own). Any other reason (a string, a signal's name) becomes an AbortError whose
 * message says it on one line and whose `cause` is the reason.
 */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error || types.isNativeError(reason)) return reason;
  let e = wrapped.get(signal);
  if (!e) {
    e = new DOMException(`the scan was aborted: ${show(reason)}`, { name: 'AbortError', cause: reason });
    if (!('cause' in e)) Object.defineProperty(e, 'cause', { value: reason, configurable: true, writable: true });
    wrapped.set(signal, e);
  }
  return e;
}

/** Whether `e` is what a run aborted by `signal` rejects with (and not another failure). */
export function isAbortOf(e: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && e === abortError(signal);
}
