/**
 * connection: Redis clients for the queue, with the failure behaviour each side needs.
 *
 * A coordinator is a command someone waits on: it fails fast (one short attempt) when
 * Redis cannot be reached at the start, and gives up after ~10 s of reconnecting if
 * Redis goes away mid-run (a restart quicker than that is ridden out), so the run ends
 * with a message instead of hanging. A worker is a service: it retries for as long as it
 * runs, so a Redis restart does not end it (its stop is bounded by other means).
 *
 * Whatever goes wrong is said in one sentence naming the server: never an ioredis
 * internal ("Reached the max retries per request limit…").
 */
import { Redis, type RedisOptions } from 'ioredis';
import { QueueUnavailableError } from './load.js';

// Made where ioredis need not be installed (load.ts), and known here by its old address.
export { QueueUnavailableError };

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

/** Reconnection attempts before a coordinator's client gives up (~11 s in all). */
const COORDINATOR_RETRIES = 10;
const retryDelay = (times: number) => Math.min(200 * times, 2_000);
const COORDINATOR_GIVE_UP_S = Math.round(
  Array.from({ length: COORDINATOR_RETRIES }, (_, i) => retryDelay(i + 1)).reduce((a, b) => a + b, 0) / 1000,
);

/** The last connection error seen on a server (`connect ECONNREFUSED …`), to say why it was lost. */
const lastConnectionError = new Map<string, string>();

/**
 * A client for BullMQ. Commands wait while the client reconnects (BullMQ insists on it
 * for blocking clients); a coordinator's client stops reconnecting after ~11 s, which
 * fails every waiting command with "Connection is closed".
 */
export function redisClient(url: string, role: Role, track?: (client: Redis) => void): Redis {
  const options: RedisOptions = {
    lazyConnect: true,
    connectTimeout: 5_000,
    // disconnect() otherwise keeps the process alive up to 2 s waiting for the socket to close.
    disconnectTimeout: 100,
    maxRetriesPerRequest: null,
    // Who is who in the server's CLIENT LIST (duplicates keep the name).
    connectionName: `charcount-${role}`,
    retryStrategy: (times) => (role === 'coordinator' && times > COORDINATOR_RETRIES ? null : retryDelay(times)),
  };
  return watched(new Redis(url, options), url, track);
}

/**
 * Listens to a client's errors, and tells `track` of it and of its duplicates (BullMQ
 * makes its workers' blocking connections with `duplicate()`): whoever owns the clients
 * can then drop every connection of theirs at once.
 */
function watched(client: Redis, url: string, track: ((client: Redis) => void) | undefined): Redis {
  // Failures surface through the commands that fail; unheard, ioredis would print each
  // reconnection error to stderr. The cause is kept for the message that ends a run.
  client.on('error', (e: Error) => {
    if (isConnectionError(e)) lastConnectionError.set(url, e.message);
  });
  if (track) {
    track(client);
    const duplicate = client.duplicate.bind(client);
    client.duplicate = (override?: Partial<RedisOptions>) => watched(duplicate(override), url, track);
  }
  return client;
}

/**
 * Disconnects at once, failing the commands it holds. ioredis's own disconnect() does
 * not fail them while the client waits to reconnect (they would hang for ever).
 */
export function dropClient(client: Redis): void {
  const reconnecting = client.status === 'reconnecting';
  client.disconnect();
  if (reconnecting)
    (client as unknown as { flushQueue(e: Error): void }).flushQueue(new Error('Connection is closed.'));
}

/** An error of the connection to Redis (not of a command), as ioredis reports them. */
export function isConnectionError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return (
    e.name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|Stream isn't writeable/.test(
      e.message,
    )
  );
}

/** An error answered by Redis itself (`WRONGTYPE …`, `OOM …`, `ERR …`). */
function isReplyError(e: unknown): e is Error {
  return e instanceof Error && e.name === 'ReplyError';
}

/**
 * The message of a Redis error as one clause: no trailing period (it goes inside a
 * sentence), and without the Lua script's address that BullMQ's errors end with.
 */
export function clause(message: string): string {
  return message
    .trim()
    .replace(/\s*script: [0-9a-f]+, on @user_script:\d+\.?$/, '')
    .replace(/\.$/, '');
}

/**
 * A failure of Redis during a run as one `QueueUnavailableError` sentence naming the
 * server: a lost connection, or a command Redis refused (`OOM`, `WRONGTYPE`, …).
 * Anything else is returned as it is.
 */
export function explainLoss(e: unknown, url: string): unknown {
  if (e instanceof QueueUnavailableError) return e;
  const server = displayUrl(url);
  if (isConnectionError(e)) {
    const cause = lastConnectionError.get(url) ?? clause((e as Error).message);
    return new QueueUnavailableError(
      `lost the connection to Redis at ${server} (${clause(cause)}); gave up after ${COORDINATOR_GIVE_UP_S} s of reconnecting`,
      true,
    );
  }
  if (isReplyError(e))
    return new QueueUnavailableError(`Redis at ${server} refused a command of the run: ${clause(e.message)}`);
  return e;
}

/** How long reach() waits for a server to connect and answer. */
const REACH_TIMEOUT_MS = 5_000;

/** Reply errors that say "not now" rather than "not like this". */
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)\b/;

/**
 * Connects once, with no retries: a wrong URL or a stopped server fails in seconds, and
 * so does a server that refuses us (a password, a database index it does not have — which
 * ioredis would otherwise ignore, leaving the client in database 0).
 */
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
  const server = displayUrl(url);
  // A server that accepts the connection but never answers (stopped, or behind a dead
  // link) would hold the PING for ever: give up on it as on a refused connection.
  let timer: NodeJS.Timeout | undefined;
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${REACH_TIMEOUT_MS / 1000} s`)), REACH_TIMEOUT_MS);
  });
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      silence,
    ]);
  } catch (e) {
    const why = cause ?? (e as Error);
    const retryable = !isReplyError(why) || TRANSIENT_REPLY.test(why.message);
    client.disconnect();
    throw new QueueUnavailableError(`cannot reach Redis at ${server}: ${clause(why.message)}`, retryable);
  } finally {
    clearTimeout(timer);
  }
  try {
    const db = client.options.db ?? 0;
    if (db !== 0) {
      try {
        await client.select(db);
      } catch (e) {
        const why = e as Error;
        throw new QueueUnavailableError(
          `cannot use database ${db} of Redis at ${server}: ${clause(why.message)}`,
          !isReplyError(why),
        );
      }
    }
  } finally {
    client.disconnect();
  }
}

/**
 * Whether Redis answers a client, and for how long it has not: its connection is down
 * (the server stopped), or a PING has gone unanswered (the server hangs, or the network
 * dropped without a word).
 */
export class Reachability {
  private downSince?: number;

  constructor(private readonly client: Redis) {
    client.on('ready', () => (this.downSince = undefined));
    client.on('close', () => (this.downSince ??= performance.now()));
  }

  /**
   * Resolves once Redis has gone `graceMs` without answering (at once if it has been
   * away that long already); `cancel()` stops watching.
   */
  lost(graceMs: number): { promise: Promise<void>; cancel(): void } {
    let timer: NodeJS.Timeout | undefined;
    let pingSince: number | undefined;
    const promise = new Promise<void>((resolve) => {
      const look = () => {
        const now = performance.now();
        if (this.client.status === 'ready') {
          this.downSince = undefined;
          if (pingSince === undefined) {
            pingSince = now;
            this.client.ping().then(
              () => (pingSince = undefined),
              () => {},
            );
          }
        } else {
          this.downSince ??= now;
        }
        const since = Math.min(this.downSince ?? now, pingSince ?? now);
        if (now - since >= graceMs || this.client.status === 'end') {
          clearInterval(timer);
          resolve();
        }
      };
      timer = setInterval(look, 100);
      look(); // after the timer exists, so that it can clear it
    });
    return { promise, cancel: () => clearInterval(timer) };
  }
}
