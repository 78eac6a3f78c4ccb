/**
 * Errors every layer may raise or recognise: charcount's own error classes, each with a
 * stable `code` (contract §4.6), and what an aborted run rejects with. A leaf: the classes
 * can be made and tested for wherever they are needed (a queued run's without BullMQ).
 */
import { types } from 'node:util';
import { show } from './validate.js';

export type { ArgumentErrorCode } from './validate.js';

/**
 * `mergeShards()` cannot give the answer one run would have: a document that is not a
 * shard's, a missing or repeated shard, shards of different sizes or queries, a path in two
 * shards. The message names the document.
 */
export class MergeError extends Error {
  override readonly name = 'MergeError';
  readonly code = 'EMERGE';
}

/**
 * Redis could not be reached, or was lost during a run, or cannot be used as configured; or
 * `bullmq` / `ioredis` are not installed (the message says what to install).
 */
export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError';
  readonly code = 'EQUEUE';
  constructor(
    message: string,
    /** Worth trying again later (the server is down), as opposed to wrongly configured (a bad password or database). */
    readonly retryable = false,
  ) {
    super(message);
  }
}

/**
 * A `ScanRun` asked for records it no longer has: it was iterated (or its `result()` taken)
 * already, and a run reads its files once. The message says what to call instead.
 */
export class ScanConsumedError extends Error {
  override readonly name = 'ScanConsumedError';
  readonly code = 'ECONSUMED';
}

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
