/**
 * cleanup: removing a run from Redis, and naming a key that another program overwrote.
 *
 * Both the coordinator (at the end of its run) and the workers (for a run whose
 * coordinator stopped answering) remove a run the same way: BullMQ's obliterate for its
 * two queues, then — should a key of the wrong type, or Redis being out of memory, have
 * stopped obliterate — every key of those queues by name, then its heartbeat key.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { clause, displayUrl } from './connection.js';
import { aliveKey, batchQueue, resultQueue, RUNS_KEY } from './protocol.js';

/** BullMQ's key prefix (the default: charcount does not set one). */
const PREFIX = 'bull';

/** A queue's keys that a WRONGTYPE error may be about, with the type BullMQ keeps there. */
const QUEUE_KEYS: [string, string][] = [
  ['meta', 'hash'],
  ['id', 'string'],
  ['wait', 'list'],
  ['active', 'list'],
  ['paused', 'list'],
  ['marker', 'zset'],
  ['events', 'stream'],
  ['failed', 'zset'],
  ['completed', 'zset'],
  ['delayed', 'zset'],
  ['prioritized', 'zset'],
  ['stalled', 'set'],
];

/** Removes a run's queues and heartbeat key from Redis (not its entry in the runs set). */
export async function forgetRun(redis: Redis, run: string): Promise<void> {
  for (const name of [batchQueue(run), resultQueue(run)]) {
    // skipMetasUpdate: else the new Queue writes its metadata, maybe after the obliterate.
    const q = new Queue(name, { connection: redis, skipMetasUpdate: true });
    q.on('error', () => {});
    try {
      await q.obliterate({ force: true });
    } catch (e) {
      // Redis refused obliterate (a key of the wrong type stops it half-way; out of memory,
      // it refuses the script outright): remove the queue's keys by name, which it allows.
      if (!(e instanceof Error) || e.name !== 'ReplyError') throw e;
      await sweep(redis, `${PREFIX}:${name}:*`);
    } finally {
      await q.close().catch(() => {});
    }
  }
  await redis.del(aliveKey(run));
}

/** Deletes every key matching `pattern` (SCAN, so Redis is never blocked for long). */
async function sweep(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/**
 * For a WRONGTYPE error, one sentence naming the key that holds the wrong type (the
 * runs set, the run's heartbeat, a key of its queues) and what to do; otherwise undefined.
 */
export async function wrongTypeMessage(
  redis: Redis,
  e: unknown,
  url: string,
  run?: string,
): Promise<string | undefined> {
  if (!(e instanceof Error) || !/WRONGTYPE/.test(e.message)) return undefined;
  const server = displayUrl(url);
  const expected: [string, string][] = [[RUNS_KEY, 'set']];
  if (run) {
    expected.push([aliveKey(run), 'string']);
    for (const name of [batchQueue(run), resultQueue(run)])
      for (const [k, type] of QUEUE_KEYS) expected.push([`${PREFIX}:${name}:${k}`, type]);
  }
  try {
    const pipeline = redis.pipeline();
    for (const [key] of expected) pipeline.type(key);
    const types = (await pipeline.exec()) ?? [];
    for (const [i, [key, want]] of expected.entries()) {
      const got = types[i]?.[1];
      if (typeof got !== 'string' || got === 'none' || got === want) continue;
      return key === RUNS_KEY
        ? `${key} on Redis at ${server} holds a ${got} where charcount keeps a set (another program wrote it): remove it (DEL ${key}) or give charcount a database of its own (redis://host:port/N)`
        : `${key} on Redis at ${server} holds a ${got} where ${key === aliveKey(run!) ? 'charcount' : 'BullMQ'} keeps a ${want}: another program wrote to this run's keys`;
    }
  } catch {
    // Could not look: say what Redis said.
  }
  return `a key of charcount's on Redis at ${server} holds the wrong type of value (another program wrote to it): ${clause(e.message)}`;
}
