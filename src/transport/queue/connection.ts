/**
 * connection: Redis clients for the queue, with the failure behaviour each side needs.
 *
 * A coordinator is a command someone waits on: it fails fast (one short attempt) when
 * Redis cannot be reached at the start, and gives up after a few seconds of retries if
 * Redis goes away mid-run, so the run ends with a message instead of hanging. A worker is
 * a service: it retries for as long as it runs, so a Redis restart does not end it.
 */
import { Redis, type RedisOptions } from 'ioredis';

/** Redis could not be reached, or was lost during a run. */
export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError';
  readonly code = 'EQUEUE';
}

/** The URL for messages: without its password. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return url;
  }
}

export type Role = 'coordinator' | 'worker';

/** Reconnection attempts before a coordinator's client gives up (~10 s in all). */
const COORDINATOR_RETRIES = 10;

/**
 * A client for BullMQ. `blocking` clients (a BullMQ Worker's) must retry commands
 * forever (`maxRetriesPerRequest: null`), BullMQ insists; the coordinator still stops
 * them by ending their reconnection.
 */
export function redisClient(url: string, role: Role, blocking: boolean): Redis {
  const options: RedisOptions = {
    lazyConnect: true,
    connectTimeout: 5_000,
    // disconnect() otherwise keeps the process alive up to 2 s waiting for the socket to close.
    disconnectTimeout: 100,
    maxRetriesPerRequest: blocking || role === 'worker' ? null : 2,
    retryStrategy: (times) => (role === 'coordinator' && times > COORDINATOR_RETRIES ? null : Math.min(200 * times, 2_000)),
  };
  const client = new Redis(url, options);
  // Failures surface through the commands that fail; unheard, ioredis would print each
  // reconnection error to stderr.
  client.on('error', () => {});
  return client;
}

/** An error of the connection to Redis (not of a command), as ioredis reports them. */
function isConnectionError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return e.name === 'MaxRetriesPerRequestError' || /Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH/.test(e.message);
}

/** A lost connection as a `QueueUnavailableError` naming the server; anything else as it is. */
export function explainLoss(e: unknown, url: string): unknown {
  return isConnectionError(e) ? new QueueUnavailableError(`lost the connection to Redis at ${displayUrl(url)}: ${(e as Error).message}`) : e;
}

/** Connects once, with no retries: a wrong URL or a stopped server fails in seconds. */
export async function reach(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    disconnectTimeout: 100,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // ioredis rejects with "Connection is closed"; the 'error' event has the cause (ECONNREFUSED, …).
  let cause: Error | undefined;
  client.on('error', (e: Error) => (cause ??= e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new QueueUnavailableError(`cannot reach Redis at ${displayUrl(url)}: ${(cause ?? (e as Error)).message}`);
  } finally {
    client.disconnect();
  }
}
