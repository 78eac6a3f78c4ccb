/** PathQueue (take, requeue, the end-of-run cut) and Intake (backpressure, errors). */
import { describe, expect, test } from 'vitest';
import type { Discovered } from '../src/engine/discover.js';
import { Intake, onePerTask, PathQueue } from '../src/internal.js';

const queueOf = (n: number) => {
  const q = new PathQueue();
  for (let i = 0; i < n; i++) q.push(`p${i}`, i % 4, i);
  return q;
};

describe('PathQueue', () => {
  test('take: batchSize paths while discovery runs, with their hints and positions', () => {
    const q = queueOf(10);
    const t = q.take(4, 2, false);
    expect(t.paths).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect([...t.hints]).toEqual([0, 1, 2, 3]);
    expect([...t.at]).toEqual([0, 1, 2, 3]);
    expect(q.length).toBe(6);
  });

  test('take after discovery: about 1/(2·threads) of what is left, at least one', () => {
    const q = queueOf(40);
    expect(q.take(256, 2, true).paths).toHaveLength(10);
    expect(q.take(256, 2, true).paths).toHaveLength(8);
    const small = queueOf(1);
    expect(small.take(256, 8, true).paths).toEqual(['p0']);
  });

  test('requeue: the unread rest of a task goes first, in order, hints and positions kept', () => {
    const q = queueOf(6);
    const t = q.take(4, 1, false);
    q.requeue(t, 1);
    const next = q.take(10, 1, false);
    expect(next.paths).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    expect([...next.hints]).toEqual([1, 2, 3, 0, 1]);
    expect([...next.at]).toEqual([1, 2, 3, 4, 5]);
  });

  test('requeue after the queue was compacted under the task: the rest still goes first', () => {
    const q = queueOf(6000);
    // 5,000 taken: the queue drops them (compaction), so they cannot go back in place.
    const t = q.take(5000, 1, false);
    q.requeue(t, 4990);
    const next = q.take(20, 1, false);
    expect(next.paths).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `p${4990 + i}`),
      ...Array.from({ length: 10 }, (_, i) => `p${5000 + i}`),
    ]);
    expect([...next.at]).toEqual(Array.from({ length: 20 }, (_, i) => 4990 + i));
    expect(q.length).toBe(990);
  });

  test('compaction after many takes keeps every path exactly once', () => {
    const q = queueOf(20_000);
    const seen: string[] = [];
    let first = true;
    while (q.length) {
      const t = q.take(300, 2, false);
      // Hand one task's tail back once, mid-way, as a byte budget would.
      if (first && seen.length > 9000) {
        q.requeue(t, 100);
        seen.push(...t.paths.slice(0, 100));
        first = false;
      } else seen.push(...t.paths);
    }
    expect(seen).toHaveLength(20_000);
    expect(new Set(seen).size).toBe(20_000);
  });

  test('onePerTask: a lost task as single-path tasks with their own hints and positions', () => {
    const t = queueOf(3).take(3, 1, false);
    expect(onePerTask(t).map((s) => [s.paths, [...s.hints], [...s.at]])).toEqual([
      [['p0'], [0], [0]],
      [['p1'], [1], [1]],
      [['p2'], [2], [2]],
    ]);
  });
});

describe('Intake', () => {
  /** A source of `batches` × `size` paths that records how far it has been pulled. */
  function source(batches: number, size: number) {
    const state = { pulled: 0, closed: false };
    async function* gen(): AsyncGenerator<Discovered[]> {
      try {
        for (let b = 0; b < batches; b++) {
          state.pulled++;
          yield Array.from({ length: size }, (_, i) => ({ path: `b${b}/f${i}` }));
        }
      } finally {
        state.closed = true;
      }
    }
    return { gen: gen(), state };
  }

  const tick = () => new Promise((r) => setTimeout(r, 5));

  test('stops pulling at the high-water mark and goes on once the queue drains to half', async () => {
    const { gen, state } = source(100, 100);
    const queue = new PathQueue();
    const intake = new Intake(gen, queue, 1000, { found: () => {}, failed: () => {}, notify: () => {} });
    await tick();
    expect(queue.length).toBe(1000);
    expect(state.pulled).toBe(10);
    queue.take(400, 1, false);
    intake.poll(); // 600 left: above half, still paused
    await tick();
    expect(state.pulled).toBe(10);
    queue.take(200, 1, false);
    intake.poll(); // 400 left: below half
    await tick();
    expect(state.pulled).toBe(16);
    expect(intake.done).toBe(false);
    await intake.stop();
    expect(state.closed).toBe(true);
  });

  test('counts what it finds, passes failures on with their position, and ends', async () => {
    async function* gen(): AsyncGenerator<Discovered[]> {
      yield [
        { path: 'a' },
        { path: 'bad', at: 7, error: { code: 'EACCES', message: 'Permission denied' } },
        { path: 'b' },
      ];
    }
    const queue = new PathQueue();
    const failed: unknown[] = [];
    let found = 0;
    const intake = new Intake(gen(), queue, 1000, {
      found: (n) => (found += n),
      failed: (...a) => failed.push(a),
      notify: () => {},
    });
    await tick();
    expect(intake.done).toBe(true);
    expect(found).toBe(3);
    expect(queue.length).toBe(2);
    expect(failed).toEqual([['bad', { code: 'EACCES', message: 'Permission denied' }, 7]]);
  });

  test('an error of the source is kept for the run loop to throw', async () => {
    async function* gen(): AsyncGenerator<Discovered[]> {
      yield [{ path: 'a' }];
      throw new Error('boom');
    }
    const intake = new Intake(gen(), new PathQueue(), 1000, { found: () => {}, failed: () => {}, notify: () => {} });
    await tick();
    expect(intake.done).toBe(true);
    expect((intake.error as Error).message).toBe('boom');
  });
});
