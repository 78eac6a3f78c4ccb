/**
 * Queued runs against a real Redis: a coordinator and `charcount worker` processes on
 * loopback, compared with a local run of the same query on the same tree.
 *
 * Redis: `CHARCOUNT_TEST_REDIS` (CI starts one), else a private `redis-server` on a free
 * port. Each test has its own database, so one test's workers never see another's runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { Counter, Reset, scan } from '../src/index.js';
import { repoRoot, tempDir } from './helpers.js';
import { cli } from './support/cli.js';
import {
  type Doc,
  expectSameAs,
  figures,
  freePort,
  handMadeBatch,
  hasRedisServer,
  keys,
  killChildren,
  Proc,
  QUERY,
  RedisServer,
  run,
  runLocally,
  runWithBatchInHand,
  until,
  withRedis,
  worker,
} from './support/queue.js';

const external = process.env.CHARCOUNT_TEST_REDIS;
/** Whether this process may make a mount namespace (root, as in CI) to hide a directory from a worker. */
const canUnshare = spawnSync('unshare', ['-m', 'true'], { stdio: 'ignore' }).status === 0;
if (!external && !hasRedisServer) {
  console.warn('queue tests skipped: no redis-server (apt-get install redis-server) and no CHARCOUNT_TEST_REDIS');
}

let server: RedisServer | undefined;
let base = external ?? '';
let nextDb = 1;

/** A clean database of its own for one test. */
async function freshDb(): Promise<string> {
  const url = `${base.replace(/\/\d*$/, '')}/${nextDb++}`;
  await withRedis(url, (r) => r.flushdb());
  return url;
}

const { dir, cleanup } = tempDir();
const shm = existsSync('/dev/shm') ? '/dev/shm' : dir;
let big = '';

beforeAll(async () => {
  if (!external && hasRedisServer) {
    server = await RedisServer.start();
    base = server.url();
  }
  // Small files of every kind (matching or not, empty, binary) in nested directories…
  for (let d = 0; d < 6; d++) {
    mkdirSync(join(dir, 'tree', `d${d}`, 'sub'), { recursive: true });
    for (let i = 0; i < 500; i++) {
      const text = `${'a,'.repeat((i * 7 + d) % 9)}\n${'b'.repeat(i % 50)},,\n`;
      writeFileSync(join(dir, 'tree', `d${d}`, i % 3 ? 'sub' : '', `f${i}.csv`), text);
    }
  }
  writeFileSync(join(dir, 'tree', 'empty'), '');
  writeFileSync(join(dir, 'tree', 'binary'), Buffer.from([1, 0, 44, 44, 44, 44]));
  // …and large sparse files read to their end, so that a batch takes long enough to
  // interrupt (tmpfs reads holes fast without filling the page cache).
  big = mkdtempSync(join(shm, 'charcount-queue-'));
  for (let i = 0; i < 12; i++) {
    closeSync(openSync(join(big, `big${String(i).padStart(2, '0')}`), 'w'));
    spawnSync('truncate', ['-s', '512M', join(big, `big${String(i).padStart(2, '0')}`)]);
  }
}, 60_000);

afterEach(async () => {
  killChildren('SIGKILL');
});

afterAll(async () => {
  await server?.down();
  cleanup();
  if (big) rmSync(big, { recursive: true, force: true });
});

/** A local run, which says nothing on stderr. */
function local(args: string[], cwd = dir): Doc {
  const { doc, stderr } = runLocally(args, cwd);
  expect(stderr).toBe('');
  return doc;
}

/**
 * One worker, and a run over the big files and the tree, caught with a batch in the worker's hands.
 * The big files come first: the first batch is long, and whatever comes next lands inside it.
 */
const runUnderWay = (url: string, env: Record<string, string> = {}, ...workerArgs: string[]) =>
  runWithBatchInHand(url, [big, 'tree'], dir, env, ...workerArgs);

/** The run ends well, with the records of a local run. */
async function expectCompleted(coordinator: Proc, inputs = [big, 'tree'], cwd = dir): Promise<void> {
  expect(await coordinator.exited).toBe(0);
  expectSameAs(JSON.parse(coordinator.stdout), local(inputs, cwd));
}

describe.skipIf(!external && !hasRedisServer)('queued runs (BullMQ on Redis)', () => {
  test('a coordinator and two workers produce the records of a local run', async () => {
    const url = await freshDb();
    const w1 = worker(url);
    // The second worker on the portable back end: the same records, and the summary says so.
    const w2 = run(['worker', '--queue', url, '-j', '1', '--verbose'], repoRoot, { CHARCOUNT_BACKEND: 'portable' });
    await Promise.all([w1.waitFor(/waiting for runs/), w2.waitFor(/on the portable back end; waiting for runs/)]);
    const coordinator = run([...QUERY, '--queue', url, 'tree'], dir);
    expect(await coordinator.exited).toBe(0);
    const got: Doc = JSON.parse(coordinator.stdout);
    expectSameAs(got, local(['tree']));
    expect(got.records).toHaveLength(3002);
    expect(got.summary).toMatchObject({ workers: 2, threads: 2, backend: 'portable' });
    // Both workers left the run when it ended, and the run left nothing in Redis.
    await Promise.all([w1.waitFor(/left, finished/), w2.waitFor(/left, finished/)]);
    expect(await keys(url)).toEqual([]);
  }, 60_000);

  test('the API: scan({ queue }) gives the records and figures of a local scan()', async () => {
    const url = await freshDb();
    const w = worker(url);
    await w.waitFor(/waiting for runs/);
    const counters = [new Counter(',', 4), new Counter('b', 10, Reset.NoReset)];
    const options = { cwd: dir, patterns: ['tree'], counters, fullScan: true, sort: true };
    const queued = await scan({ ...options, queue: url }).result();
    const here = await scan(options).result();
    expect(queued.records).toEqual(here.records);
    expect(figures(queued.summary as never)).toEqual(figures(here.summary as never));
    expect(queued.summary).toMatchObject({ workers: 1, threads: 1, backend: here.summary.backend });
  }, 60_000);

  test('every hit, and names that are not UTF-8, travel through the queue as in a local scan()', async () => {
    const url = await freshDb();
    const odd = join(dir, 'odd');
    mkdirSync(Buffer.from(`${odd}/sub\xfe`, 'latin1'), { recursive: true });
    writeFileSync(Buffer.from(`${odd}/bad\xffname.csv`, 'latin1'), 'a,,b\n,\n'.repeat(300));
    writeFileSync(Buffer.from(`${odd}/sub\xfe/in.csv`, 'latin1'), ',,,,');
    for (let i = 0; i < 30; i++) writeFileSync(join(odd, `f${i}.csv`), ',,\n'.repeat(i * 40));
    const w = worker(url);
    await w.waitFor(/waiting for runs/);
    const counters = [new Counter(',', 2), new Counter(',', 0, Reset.SpacesReset)];
    const options = { cwd: dir, patterns: ['odd'], counters, allHits: true, maxHits: 500, fullScan: true, sort: true };
    const queued = await scan({ ...options, queue: url }).result();
    const here = await scan(options).result();
    expect(queued.records).toEqual(here.records);
    expect(here.records.filter((r) => r.pathBytes)).toHaveLength(2);
    expect(here.records.some((r) => r.counters[0]!.hitsTruncated)).toBe(true);
  }, 60_000);

  test('histograms travel through the queue as in a local scan(), decoded files too', async () => {
    const url = await freshDb();
    const w = worker(url);
    await w.waitFor(/waiting for runs/);
    const hist = join(dir, 'hist');
    mkdirSync(hist, { recursive: true });
    for (let i = 0; i < 40; i++) writeFileSync(join(hist, `f${i}.csv`), 'a,b,c\n'.repeat(i) + (i % 7 ? '' : 'a\n\n'));
    writeFileSync(join(hist, 'latin1.csv'), Buffer.from('caf\u00e9,x\n,,\n', 'latin1'));
    writeFileSync(join(hist, 'z.csv.gz'), gzipSync('a,b\n\n,\n'));
    const options = {
      cwd: dir,
      patterns: ['hist'],
      counter: new Counter(',', 2),
      histogram: true,
      encoding: 'latin1',
      searchZip: true,
      sort: true,
    };
    const queued = await scan({ ...options, queue: url }).result();
    const here = await scan(options).result();
    expect(queued.records).toEqual(here.records);
    expect(queued.summary.histogram).toEqual(here.summary.histogram);
    expect(here.records.find((r) => r.path.endsWith('latin1.csv'))!.histogram).toEqual({ 1: 1, 2: 1 });
    expect(here.records.find((r) => r.path.endsWith('z.csv.gz'))!.histogram).toEqual({ 0: 1, 1: 2 });
  }, 60_000);

  test('decoding and decompressing options travel with the jobs', async () => {
    const url = await freshDb();
    const w = worker(url);
    await w.waitFor(/waiting for runs/);
    mkdirSync(join(dir, 'encoded'), { recursive: true });
    const text = 'caf\u00e9,,,\n\u00e9\u00e9\n';
    writeFileSync(join(dir, 'encoded', 'latin1.txt'), Buffer.from(text, 'latin1'));
    writeFileSync(
      join(dir, 'encoded', 'utf16.txt'),
      Buffer.concat([Buffer.of(0xff, 0xfe), Buffer.from(text, 'utf16le')]),
    );
    writeFileSync(join(dir, 'encoded', 'latin1.txt.gz'), gzipSync(Buffer.from(text, 'latin1')));
    const options = {
      cwd: dir,
      patterns: ['encoded'],
      counter: new Counter('\u00e9', 2),
      encoding: 'latin1',
      searchZip: true,
      sort: true,
    };
    const queued = await scan({ ...options, queue: url }).result();
    const here = await scan(options).result();
    expect(queued.records).toEqual(here.records);
    expect(queued.records.map((r) => [r.path, r.offset])).toEqual([
      ['encoded/latin1.txt', 9],
      ['encoded/latin1.txt.gz', 9],
      ['encoded/utf16.txt', 2 + 2 * 9],
    ]);
  }, 60_000);

  test('a worker killed mid-batch loses nothing and duplicates nothing', async () => {
    const url = await freshDb();
    const { w: doomed, coordinator, batch } = await runUnderWay(url, {}, '--stall-timeout', '1000');
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const survivor = worker(url, '--stall-timeout', '1000');
    await expectCompleted(coordinator);
    // The batch in the killed worker's hands was scanned again by the survivor.
    expect(survivor.stderr).toMatch(new RegExp(`batch ${batch} \\(`));
  }, 60_000);

  test('a worker paused past its lock that then finishes anyway is not counted twice', async () => {
    const url = await freshDb();
    const { w: paused, coordinator, batch } = await runUnderWay(url, {}, '--stall-timeout', '1000');
    paused.child.kill('SIGSTOP');
    const other = worker(url, '--stall-timeout', '1000');
    // Once the batch has moved on, the paused worker wakes up and answers it as well.
    await other.waitFor(new RegExp(`batch ${batch} \\(`));
    paused.child.kill('SIGCONT');
    await expectCompleted(coordinator);
    // The late answer did not outlive the run in Redis.
    await paused.waitFor(/left, finished/);
    await other.waitFor(/left, finished/);
    expect(await keys(url)).toEqual([]);
  }, 60_000);

  test('SIGTERM: the worker finishes its batch before it exits', async () => {
    const url = await freshDb();
    const { w: first, coordinator, batch } = await runUnderWay(url);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.stderr).toMatch(/finishing the batches in hand/);
    const second = worker(url);
    await expectCompleted(coordinator);
    // Finished by the first worker, so never handed to the second.
    expect(second.stderr).not.toMatch(new RegExp(`batch ${batch} \\(`));
  }, 60_000);

  test('a second SIGTERM hands the batch back at once for another worker', async () => {
    const url = await freshDb();
    const { w: first, coordinator, batch } = await runUnderWay(url);
    first.child.kill('SIGTERM');
    await first.waitFor(/finishing the batches in hand/);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.stderr).toMatch(new RegExp(`batch ${batch} handed back`));
    // No stall timeout to wait for: the next worker takes the batch straight away.
    const second = worker(url);
    await expectCompleted(coordinator);
    expect(second.stderr).toMatch(new RegExp(`batch ${batch} \\(`));
  }, 60_000);

  test('Ctrl-C on the coordinator cancels the run and leaves no jobs behind', async () => {
    const url = await freshDb();
    const { w, coordinator } = await runUnderWay(url);
    coordinator.child.kill('SIGINT');
    expect(await coordinator.exited).toBe(130);
    expect(coordinator.stderr).toMatch(/interrupted: partial results/);
    // The worker drops the batch it was scanning and removes the run once more.
    await w.waitFor(/left, finished/);
    expect(await keys(url)).toEqual([]);
  }, 60_000);

  test('a coordinator killed outright: the workers remove its run once its heartbeat expires', async () => {
    const url = await freshDb();
    // The heartbeat's TTL (20 s in production) shortened to 3 s.
    const { w, coordinator } = await runUnderWay(url, { CHARCOUNT_QUEUE_ALIVE_TTL_MS: '3000' });
    coordinator.child.kill('SIGKILL');
    await coordinator.exited;
    expect(await keys(url)).not.toEqual([]);
    // The TTL after the last heartbeat, and a poll (2 s) later.
    await w.waitFor(/left, its coordinator stopped answering/, 20_000);
    // It says so once the run's queues are gone; the run's entry in the runs set goes next.
    await until(async () => (await keys(url)).length === 0, 5_000).catch(() => {});
    expect(await keys(url)).toEqual([]);
  }, 40_000);

  test.skipIf(!canUnshare)(
    "a worker that cannot see the run's directory does not join it (and drains nothing)",
    async () => {
      const url = await freshDb();
      // This worker runs in a mount namespace where a tmpfs hides the test directory.
      const blind = new Proc(
        spawn(
          'unshare',
          [
            '-m',
            'sh',
            '-c',
            `mount -t tmpfs tmpfs "$0" && exec "$1" "$2" worker --queue "$3" -j 1 --verbose`,
            dir,
            process.execPath,
            cli,
            url,
          ],
          { stdio: 'pipe' },
        ),
      );
      await blind.waitFor(/waiting for runs/);
      const coordinator = run([...QUERY, '--queue', url, '.'], join(dir, 'tree'));
      await blind.waitFor(
        /not joining: this machine cannot see .*tree \(ENOENT\); mount the shared filesystem at the same path/,
      );
      await coordinator.waitFor(/has joined this run yet/);
      const seeing = worker(url);
      await expectCompleted(coordinator, ['.'], join(dir, 'tree'));
      expect(blind.stderr).not.toMatch(/batch b\d+/);
      expect(seeing.stderr).toMatch(/batch b1 \(/);
    },
    60_000,
  );

  test('a run with no worker yet says so, and completes when one starts', async () => {
    const url = await freshDb();
    const coordinator = run([...QUERY, '--queue', url, 'tree'], dir);
    await coordinator.waitFor(
      /no charcount worker on redis:\/\/.* has joined this run yet \(workers join the runs whose directory, .*, they can see\); start one with: charcount worker --queue/,
    );
    worker(url);
    await expectCompleted(coordinator, ['tree']);
  }, 60_000);
});

describe.skipIf(!external && !hasRedisServer)('charcount worker --root', () => {
  test('a job naming a file outside the root, through a link or through .., gets EOUTSIDEROOT records; nothing there is opened', async () => {
    const t = tempDir();
    try {
      const data = join(t.dir, 'data');
      const secret = join(t.dir, 'secret', 'shadow.csv');
      mkdirSync(join(data, 'sub'), { recursive: true });
      mkdirSync(join(t.dir, 'secret'));
      writeFileSync(join(data, 'in.csv'), 'a,b\n');
      writeFileSync(join(data, 'sub', 'deep.csv'), 'a,b,c\n');
      writeFileSync(secret, 'root:x,y\n');
      symlinkSync('in.csv', join(data, 'inlink'));
      symlinkSync('../secret/shadow.csv', join(data, 'link'));
      symlinkSync('../secret', join(data, 'dirlink'));
      // Read times far back: a read moves them (unless the file system keeps none).
      const past = new Date('2001-01-01T00:00:00Z');
      for (const f of [secret, join(data, 'in.csv')]) utimesSync(f, past, statSync(f).mtime);

      const other = join(t.dir, 'other');
      mkdirSync(other);
      writeFileSync(join(other, 'o.csv'), 'a,b\n');
      const url = await freshDb();
      const w = worker(url, '--root', data, '--root', other);
      await w.waitFor(/waiting for runs/);
      expect(w.stderr).toContain(`reading only below ${realpathSync(data)}, ${realpathSync(other)}\n`);
      const inside = ['in.csv', 'sub/deep.csv', 'inlink', 'sub/../in.csv', join(data, 'in.csv'), '../other/o.csv'];
      const outside = [
        '../secret/shadow.csv', // through ..
        'link', // through a link to a file
        'dirlink/shadow.csv', // through a link to a directory
        'sub/../../secret/shadow.csv', // .. past the root
        'dirlink/../secret/shadow.csv', // a link, then ..
        secret, // absolute
        'dirlink/missing.csv', // missing, outside: refused, so that nothing outside is learnt
      ];
      const records = await handMadeBatch(url, data, [...inside, ...outside, 'missing.csv']);
      const byPath = new Map(records.map((r) => [r.path, r]));
      for (const path of inside)
        expect(byPath.get(path), path).toMatchObject({ matched: true, bytes: expect.any(Number) });
      expect(byPath.get('sub/deep.csv')).toMatchObject({ occurrences: 2 });
      for (const path of outside) {
        expect(byPath.get(path), path).toMatchObject({
          matched: false,
          bytes: 0,
          error: { code: 'EOUTSIDEROOT', message: 'outside the directories this worker may read (--root): not opened' },
        });
      }
      expect(byPath.get('missing.csv')?.error?.code).toBe('ENOENT'); // inside: as without roots
      expect(w.stderr).toMatch(/batch b1: 7 of its paths are outside --root, not opened/);
      if (statSync(join(data, 'in.csv')).atimeMs !== past.getTime()) {
        expect(statSync(secret).atimeMs).toBe(past.getTime());
      }
    } finally {
      t.cleanup();
    }
  }, 60_000);

  test('a root that is not a directory: exit 2, saying which', () => {
    const r = spawnSync(
      process.execPath,
      [cli, 'worker', '--queue', 'redis://127.0.0.1:1', '--root', '/nonexistent-root'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('charcount worker: --root /nonexistent-root: ENOENT\n');
  });
});

test('the API: scan({ queue }) rejects with a QueueUnavailableError when Redis is not there', async () => {
  const port = await freePort();
  const run = scan({ cwd: dir, patterns: ['tree'], counter: new Counter(',', 4), queue: `redis://127.0.0.1:${port}` });
  await expect(run.result()).rejects.toMatchObject({ name: 'QueueUnavailableError', code: 'EQUEUE' });
});

test('a coordinator that cannot reach Redis fails at once with the reason', async () => {
  const port = await freePort(); // nothing listens there
  const coordinator = run(['-c', ',', '-m', '1', '--queue', `redis://127.0.0.1:${port}`, 'tree'], dir);
  expect(await coordinator.exited).toBe(2);
  expect(coordinator.stderr).toBe(
    `charcount: cannot reach Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`,
  );
  expect(coordinator.stdout).toBe('');
});
