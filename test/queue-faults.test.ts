/**
 * Queued runs when things go wrong around them: Redis stopped, restarted, hung, emptied
 * or written to by someone else; a coordinator paused; bad entries and bad answers.
 *
 * Each test has a `redis-server` of its own on a free port (so that it can stop it), and
 * a coordinator and `charcount worker` processes on loopback, compared with a local run.
 * Timings are shortened with the internal knob CHARCOUNT_QUEUE_ALIVE_TTL_MS where a test
 * would otherwise wait for the production heartbeat TTL (20 s).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { PROTOCOL } from '../src/dispatch/queue/protocol.js';
import { repoRoot, tempDir } from './helpers.js';
import {
  expectSameAs,
  freePort,
  hasRedisServer,
  keys,
  killChildren,
  type Proc,
  QUERY,
  RedisServer,
  run,
  runLocally,
  sleep,
  stopRedisServers,
  runWithBatchInHand,
  until,
  withRedis,
  worker,
} from './support/queue.js';

if (!hasRedisServer) console.warn('queue fault tests skipped: no redis-server (apt-get install redis-server)');

/** The id of the one run registered on `url` (waiting for it, and for its batch jobs up to `last`). */
async function runId(url: string, last = 'b1'): Promise<string> {
  return withRedis(url, async (r) => {
    const run = await until(async () => (await r.smembers('charcount:runs'))[0], 15_000, 'a run');
    await until(async () => (await r.exists(`bull:charcount-${run}:${last}`)) === 1, 15_000, `its batch ${last}`);
    return run;
  });
}

const { dir, cleanup } = tempDir();
const shm = existsSync('/dev/shm') ? '/dev/shm' : dir;
let big = '';

beforeAll(() => {
  for (let d = 0; d < 3; d++) {
    mkdirSync(join(dir, 'tree', `d${d}`), { recursive: true });
    for (let i = 0; i < 400; i++)
      writeFileSync(
        join(dir, 'tree', `d${d}`, `f${i}.csv`),
        `${'a,'.repeat((i * 7 + d) % 9)}\n${'b'.repeat(i % 50)},,\n`,
      );
  }
  // Large sparse files read to their end (--binary), so that a batch takes long enough to
  // be caught in a worker's hands (tmpfs reads holes fast without filling memory).
  big = mkdtempSync(join(shm, 'charcount-faults-'));
  for (let i = 0; i < 8; i++) {
    const f = join(big, `big${i}`);
    closeSync(openSync(f, 'w'));
    spawnSync('truncate', ['-s', '1G', f]);
  }
});

afterEach(async () => {
  killChildren('SIGCONT', 'SIGKILL');
  await stopRedisServers();
});

afterAll(() => {
  cleanup();
  if (big) rmSync(big, { recursive: true, force: true });
});

/** The run ends well within `ms`, with exactly the records and figures of a local run. */
async function expectCompleted(coordinator: Proc, inputs: string[], ms = 25_000): Promise<void> {
  expect(await coordinator.exit(ms)).toBe(0);
  expectSameAs(JSON.parse(coordinator.stdout), runLocally(inputs, dir).doc);
}

/** A coordinator over the big files and the tree, caught with a batch in the worker's hands. */
const underWay = (url: string, env: Record<string, string> = {}, ...workerArgs: string[]) =>
  runWithBatchInHand(url, [big, 'tree'], dir, env, ...workerArgs);

describe.skipIf(!hasRedisServer)('queued runs when Redis or a peer misbehaves', () => {
  describe('SIGTERM ends a worker within seconds whatever the state of Redis', () => {
    test('while it waits for Redis to come up', async () => {
      const w = worker(`redis://127.0.0.1:${await freePort()}`);
      await w.waitFor(/cannot reach Redis at .*; retrying every 2 s/);
      const { code, took } = await w.stopWith('SIGTERM', 5_000);
      expect(code).toBe(0);
      expect(took).toBeLessThan(1_500); // it used to sleep out its 2 s between attempts
    }, 15_000);

    test('idle, once its Redis is gone', async () => {
      const redis = await RedisServer.start();
      const w = worker(redis.url());
      await w.waitFor(/waiting for runs/);
      await redis.down();
      await sleep(500);
      const { code, took } = await w.stopWith('SIGTERM', 10_000);
      expect(code).toBe(0);
      expect(took).toBeLessThan(7_500); // its 2 s grace for Redis, on a loaded machine; not the 11 s reconnection window
      // Whether it says Redis is gone depends on whether anything of it was waiting on
      // Redis at that moment (a poll of the runs set): idle, there may be nothing to give up.
      expect(w.stderr).toMatch(
        /SIGTERM: [^\n]*\n(charcount worker: Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable: stopping without it\n)?charcount worker: stopped\n$/,
      );
    }, 25_000);

    test('in the middle of a batch when Redis is killed (and a second signal changes nothing)', async () => {
      const redis = await RedisServer.start();
      const { w } = await underWay(redis.url());
      await redis.down();
      const t0 = performance.now();
      w.child.kill('SIGTERM');
      await sleep(200);
      w.child.kill('SIGTERM'); // hand back: impossible without Redis, and must not hang either
      expect(await w.exit(10_000)).toBe(0);
      expect(performance.now() - t0).toBeLessThan(7_500);
      expect(w.stderr).toMatch(
        /is unreachable: stopping without it; the \d+ batches in hand go to another worker once their locks expire/,
      );
    }, 35_000);

    test('holding a batch it cannot answer (Redis hangs): it leaves, and another worker scans the batch', async () => {
      const redis = await RedisServer.start();
      const url = redis.url();
      const { w, coordinator } = await underWay(url, {}, '--stall-timeout', '1000');
      const [run, ...more] = await withRedis(url, (r) => r.smembers('charcount:runs'));
      expect(more).toEqual([]);
      redis.pause();
      const { code, took } = await w.stopWith('SIGTERM', 10_000);
      expect(code).toBe(0);
      expect(took).toBeLessThan(7_500); // its 2 s grace for Redis, on a loaded machine; not the 11 s reconnection window
      redis.resume();
      // What the worker wrote before it left and Redis had not read (a batch it finished
      // in its grace: its answer) is in Redis's sockets, done before Redis sees them close:
      // once the worker's connections are gone, a batch still active was left in hand.
      await until(
        async () => !String(await withRedis(url, (r) => r.client('LIST'))).includes('name=charcount-worker'),
        10_000,
        "the stopped worker's connections to close",
      );
      // The batches it left in hand, whichever they are (it may have finished the one it was
      // caught with): still active in Redis, under a lock nobody renews.
      const inHand = await withRedis(url, (r) => r.lrange(`bull:charcount-${run}:active`, 0, -1));
      expect(inHand.length).toBeGreaterThan(0);
      // Nothing was lost: they go to the next worker when their locks expire, and every path
      // is answered exactly once (expectCompleted).
      const next = worker(url, '--stall-timeout', '1000');
      await expectCompleted(coordinator, [big, 'tree']);
      for (const batch of inHand) expect(next.stderr).toMatch(new RegExp(`batch ${batch} \\(`));
    }, 50_000);
  });

  test('a coordinator paused past the heartbeat TTL registers its run again, re-sends its batches and completes', async () => {
    const redis = await RedisServer.start();
    const url = redis.url();
    const { w, coordinator } = await underWay(url, { CHARCOUNT_QUEUE_ALIVE_TTL_MS: '2000' });
    coordinator.child.kill('SIGSTOP');
    // The workers take it for dead and remove its run…
    await w.waitFor(/left, its coordinator stopped answering/, 15_000);
    coordinator.child.kill('SIGCONT');
    // …and it notices when it resumes.
    await coordinator.waitFor(
      /this run had been removed from Redis at redis:\/\/127\.0\.0\.1:\d+ \(.*\), so it registered the run again and re-sent its \d+ outstanding batches/,
    );
    await expectCompleted(coordinator, [big, 'tree']);
    await w.waitFor(/left, finished/);
    expect(await keys(url)).toEqual([]);
  }, 60_000);

  test('Redis restarted empty mid-run: the coordinator registers the run again and it completes', async () => {
    const redis = await RedisServer.start();
    const url = redis.url();
    const { coordinator } = await underWay(url, { CHARCOUNT_QUEUE_ALIVE_TTL_MS: '4000' });
    await redis.down();
    await sleep(500);
    await redis.up();
    await coordinator.waitFor(/so it registered the run again and re-sent its \d+ outstanding batches/);
    await expectCompleted(coordinator, [big, 'tree']);
    // The worker may have left the run once while Redis was away, and joined it again: a
    // "left, finished" line can come before its last clean-up, so wait for the keys to go.
    await until(async () => (await keys(url)).length === 0, 15_000, 'the run to leave nothing in Redis');
  }, 60_000);

  test('a coordinator that loses Redis mid-run says so in one sentence naming the server', async () => {
    const redis = await RedisServer.start();
    const url = redis.url();
    const { coordinator } = await underWay(url);
    await redis.down();
    expect(await coordinator.exit(25_000)).toBe(2);
    expect(coordinator.stderr).toBe(
      `charcount: lost the connection to Redis at ${url} (connect ECONNREFUSED 127.0.0.1:${redis.port}); gave up after 11 s of reconnecting\n`,
    );
  }, 40_000);

  test('Ctrl-C while Redis is away: the coordinator stops at once (130) without waiting for it', async () => {
    const redis = await RedisServer.start();
    const url = redis.url();
    const coordinator = run([...QUERY, '--queue', url, big, 'tree'], dir);
    await runId(url);
    await redis.down();
    const { code, took } = await coordinator.stopWith('SIGINT', 15_000);
    expect(code).toBe(130);
    expect(took).toBeLessThan(5_000); // it waited 11 s (the whole reconnection window)
    expect(coordinator.stderr).toMatch(/interrupted: partial results/);
  }, 30_000);

  test('bad entries in the runs set are removed, once each, and keep no worker from the runs after them', async () => {
    const redis = await RedisServer.start();
    const url = redis.url();
    const bad: Record<string, string> = {
      'bad-json-1': '{not json',
      'bad-json-2': `{"protocol":${PROTOCOL},`,
      'bad-json-3': 'undefined',
      'bad-json-4': '',
      'bad-json-5': '\u0000\u0001',
      'bad-json-6': `{"protocol":${PROTOCOL}}`, // no directory
      'bad-json-7': 'null',
      'bad-json-8': `[${PROTOCOL}]`,
      'bad-json-9': '"text"',
      'bad-json-10': '{"cwd":"/"}', // no protocol
    };
    await withRedis(url, async (r) => {
      for (const [run, value] of Object.entries(bad)) await r.set(`charcount:run:${run}`, value);
      await r.sadd('charcount:runs', ...Object.keys(bad), 'not:a run id');
    });
    const w = worker(url);
    await w.waitFor(/waiting for runs/);
    const coordinator = run([...QUERY, '--queue', url, 'tree'], dir);
    await expectCompleted(coordinator, ['tree']);
    await w.waitFor(/left, finished/);
    for (const run of Object.keys(bad)) {
      const lines = w.stderr.split('\n').filter((l) => l.includes(`run ${run}:`));
      expect(lines).toEqual([
        expect.stringMatching(
          new RegExp(
            `run ${run}: removed from charcount:runs: its heartbeat charcount:run:${run} does not describe a run \\(.*\\)$`,
          ),
        ),
      ]);
    }
    expect(w.stderr.match(/removed "not:a run id" from charcount:runs: not the id of a run/g)).toHaveLength(1);
    expect(await keys(url)).toEqual([]);
  }, 40_000);

  test('a malformed answer on the results queue is ignored with a warning, and the batch is still answered', async () => {
    const redis = await RedisServer.start();
    const url = redis.url();
    const coordinator = run([...QUERY, '--queue', url, 'tree'], dir);
    const id = await runId(url, 'b2'); // the tree's two batches (1,024 and 176 files)
    // The coordinator takes nothing while stopped: the bad answers wait on its results
    // queue, ahead of the worker's real answer to the same batch.
    coordinator.child.kill('SIGSTOP');
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    const results = new Queue(`charcount-${id}-results`, { connection });
    const wrongRows = {
      protocol: PROTOCOL,
      id: 'b1',
      worker: { id: 'intruder:1', threads: 1 },
      batch: { count: 1, numbers: '', errors: [] },
    };
    await results.add('records', wrongRows, { jobId: 'b1' });
    await results.add('records', 'not an answer');
    await results.add('records', { ...wrongRows, id: 'b2', protocol: PROTOCOL - 1 });
    await results.close();
    connection.disconnect();
    const w = worker(url);
    await w.waitFor(/batch b1 \(/);
    // The worker has answered batch b1 (its job is gone) before the coordinator wakes.
    await withRedis(url, (r) =>
      until(async () => (await r.exists(`bull:charcount-${id}:b1`)) === 0, 15_000, 'batch b1 answered'),
    );
    coordinator.child.kill('SIGCONT');
    await expectCompleted(coordinator, ['tree']);
    expect(coordinator.stderr).toMatch(
      new RegExp(
        `ignored a malformed answer to batch b1 from intruder:1 \\(protocol ${PROTOCOL}, ours ${PROTOCOL}\\), and sent the batch again`,
      ),
    );
    expect(coordinator.stderr).toMatch(/ignored an answer with no batch id \("not an answer"\)/);
    // The bad answer to b2 (another protocol) is warned about, unless the worker's real
    // answer to b2 was taken first: then it is a late answer, dropped without a word.
    const b2 = new RegExp(
      `ignored a malformed answer to batch b2 from intruder:1 \\(protocol ${PROTOCOL - 1}, ours ${PROTOCOL}\\)`,
    );
    expect(b2.test(coordinator.stderr) || !/batch b2/.test(coordinator.stderr)).toBe(true);
    await w.waitFor(/left, finished/);
    expect(await keys(url)).toEqual([]);
  }, 40_000);

  describe('a server that refuses the configuration fails at once, for the coordinator and the worker', () => {
    test('a database index the server does not have', async () => {
      const redis = await RedisServer.start();
      const line = `charcount: cannot use database 99 of Redis at ${redis.url(99)}: ERR DB index is out of range\n`;
      const coordinator = run(['-c', ',', '-m', '1', '--queue', redis.url(99), 'tree'], dir);
      expect(await coordinator.exit(10_000)).toBe(2);
      expect(coordinator.stderr).toBe(line);
      expect(coordinator.stdout).toBe('');
      const w = run(['worker', '--queue', redis.url(99)], repoRoot);
      expect(await w.exit(10_000)).toBe(2);
      expect(w.stderr).toBe(line);
      // Nothing went to database 0 instead.
      expect(await keys(redis.url(0))).toEqual([]);
    }, 30_000);

    test('a wrong password', async () => {
      const redis = await RedisServer.start('--requirepass', 'secret');
      const url = `redis://:wrong@127.0.0.1:${redis.port}`;
      const w = run(['worker', '--queue', url], repoRoot);
      expect(await w.exit(10_000)).toBe(2);
      expect(w.stderr).toBe(
        `charcount: cannot reach Redis at redis://:***@127.0.0.1:${redis.port}: WRONGPASS invalid username-password pair or user is disabled\n`,
      );
    }, 30_000);

    test('a server that accepts connections but never answers', async () => {
      const redis = await RedisServer.start();
      redis.pause();
      const coordinator = run(['-c', ',', '-m', '1', '--queue', redis.url(), 'tree'], dir);
      expect(await coordinator.exit(15_000)).toBe(2);
      expect(coordinator.stderr).toBe(`charcount: cannot reach Redis at ${redis.url()}: no answer in 5 s\n`);
    }, 30_000);
  });

  describe('keys of the wrong type, written by someone else', () => {
    test("a run's queue key overwritten mid-run: the run fails in one sentence naming it, and leaves nothing behind", async () => {
      const redis = await RedisServer.start();
      const url = redis.url();
      const coordinator = run([...QUERY, '--queue', url, 'tree'], dir);
      const id = await runId(url);
      await withRedis(url, (r) => r.set(`bull:charcount-${id}-results:meta`, 'x'));
      const w = worker(url);
      expect(await coordinator.exit(20_000)).toBe(2);
      expect(coordinator.stderr).toBe(
        `charcount: bull:charcount-${id}-results:meta on Redis at ${url} holds a string where BullMQ keeps a hash: another program wrote to this run's keys\n`,
      );
      await w.waitFor(/left, finished/);
      expect(await keys(url)).toEqual([]);
    }, 40_000);

    test('the same, then Ctrl-C: the run leaves nothing behind', async () => {
      const redis = await RedisServer.start();
      const url = redis.url();
      const coordinator = run([...QUERY, '--queue', url, 'tree'], dir);
      const id = await runId(url);
      await withRedis(url, (r) => r.set(`bull:charcount-${id}-results:meta`, 'x'));
      const { code } = await coordinator.stopWith('SIGINT', 10_000);
      expect(code).toBe(130);
      expect(await keys(url)).toEqual([]);
    }, 30_000);

    test('the runs set replaced by a string: the coordinator says which key and what to do, the worker says it once', async () => {
      const redis = await RedisServer.start();
      const url = redis.url();
      await withRedis(url, (r) => r.set('charcount:runs', 'x'));
      const w = worker(url);
      await w.waitFor(/waiting for runs/);
      const coordinator = run([...QUERY, '--queue', url, 'tree'], dir);
      const why = `charcount:runs on Redis at ${url} holds a string where charcount keeps a set (another program wrote it): remove it (DEL charcount:runs) or give charcount a database of its own (redis://host:port/N)`;
      expect(await coordinator.exit(10_000)).toBe(2);
      expect(coordinator.stderr).toBe(`charcount: ${why}\n`);
      // Only the other program's key is left.
      expect(await keys(url)).toEqual(['charcount:runs']);
      await sleep(4_500); // two polls of the worker
      expect(w.stderr.split(why).length - 1).toBe(1);
      // Once the key is removed, runs go as usual.
      await withRedis(url, (r) => r.del('charcount:runs'));
      await expectCompleted(run([...QUERY, '--queue', url, 'tree'], dir), ['tree']);
    }, 40_000);
  });

  test('Redis out of memory mid-run: the run fails in one sentence, and its keys are removed all the same', async () => {
    const redis = await RedisServer.start();
    const url = redis.url();
    const { w, coordinator } = await underWay(url, { CHARCOUNT_QUEUE_ALIVE_TTL_MS: '2000' });
    await withRedis(url, (r) => r.config('SET', 'maxmemory', '1'));
    expect(await coordinator.exit(15_000)).toBe(2);
    expect(coordinator.stderr).toBe(
      `charcount: Redis at ${url} refused a command of the run: OOM command not allowed when used memory > 'maxmemory'\n`,
    );
    await w.waitFor(/left, finished/);
    // Out of memory, Redis refuses BullMQ's obliterate script, but not DEL.
    expect(await keys(url)).toEqual([]);
  }, 40_000);

  test('two coordinators on one server: Ctrl-C on one leaves the other to complete', async () => {
    const redis = await RedisServer.start();
    const url = redis.url();
    const { w, coordinator: first } = await underWay(url);
    const second = run([...QUERY, '--queue', url, 'tree'], dir);
    await withRedis(url, (r) => until(async () => (await r.scard('charcount:runs')) === 2, 15_000, 'two runs'));
    expect((await first.stopWith('SIGINT', 10_000)).code).toBe(130);
    await expectCompleted(second, ['tree']);
    await w.waitFor(/left, finished[^\n]*\n[^]*left, finished/);
    expect(await keys(url)).toEqual([]);
  }, 45_000);
});
