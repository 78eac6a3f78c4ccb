/**
 * `--histogram` text output prints the list of files off the mode at the end, when the
 * run's mode is known: meanwhile it must not hold every file's histogram (contract §3.5),
 * or a run of millions of files runs out of memory. Fed 200,000 records, what the reporter
 * holds after a garbage collection stays small, and the list is the one every histogram
 * at once gives.
 */
import { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, test } from 'vitest';
import { makeReporter, Output } from '../src/cli/report/reporters.js';
import type { FileRecord, Histogram, Summary } from '../src/core/types.js';
import type { Query } from '../src/engine/query.js';
import { referenceStrayFiles } from './support/reference.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const FILES = 200_000;

/** File i's histogram: 20-odd lines of 7 commas, and now and then a line of another count. */
function histogramOf(i: number): Histogram {
  const h: Histogram = { 7: 20 + (i % 5) };
  if (i % 3 === 0) h[(i * 7919) % 41] = 1 + (i % 4);
  if (i % 10_007 === 0) h[1000 + i] = 1; // a count no other file has
  return h;
}
const pathOf = (i: number) => `data/part-${(i * 48271) % FILES}/file-${i}.csv`;

test('what the reporter holds does not grow with the number of files; the list is every histogram’s', async () => {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const query: Query = { char: ',', min: 1, reset: 'newline', count: false, histogram: true };
  const reporter = makeReporter('text', new Output(sink), query, { separator: '\n', withoutMatch: false });
  const sum: Histogram = {};
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < FILES; i += 1000) {
    const batch: FileRecord[] = [];
    for (let j = i; j < i + 1000; j++) {
      const histogram = histogramOf(j);
      for (const [k, n] of Object.entries(histogram)) sum[k] = (sum[k] ?? 0) + n;
      const segments = Object.values(histogram).reduce((a, b) => a + b);
      batch.push({
        path: pathOf(j),
        matched: true,
        offset: 0,
        line: 1,
        occurrences: 7 * segments,
        segments,
        histogram,
        bytes: 300,
      });
    }
    await reporter.records(batch);
  }
  gc();
  const held = process.memoryUsage().heapUsed - before;
  // Every histogram held would be tens of megabytes; the list needs a few thousand files'.
  expect(held).toBeLessThan(8 << 20);

  await reporter.end({ histogram: sum } as unknown as Summary);
  const files = Array.from({ length: FILES }, (_, i) => ({ path: pathOf(i), histogram: histogramOf(i) }));
  const want = referenceStrayFiles(files, 7, 100);
  const lines = text.split('\n');
  const title = lines.findIndex((l) => l.endsWith('with lines not holding 7 (k×lines):'));
  expect(lines[title]).toBe(
    `${want.strays.toLocaleString('en-US')} files of 200,000 with lines not holding 7 (k×lines):`,
  );
  expect(lines.slice(title + 1, title + 101).map((l) => l.trim().split('  ')[0])).toEqual(
    want.listed.map((f) => f.path),
  );
  expect(lines[title + 101]).toBe(
    `  … and ${(want.strays - 100).toLocaleString('en-US')} files more (--json lists every histogram)`,
  );
});
