/**
 * Kernel benchmark: in-memory throughput of each kernel back end per reset mode, on
 * CSV-like text where the threshold is never reached (so every byte is examined),
 * against the seed's char-by-char loop ported to Rust, in the same run.
 *
 *   npm run bench:kernel                 # 64 MiB, all kernels
 *   npm run bench:kernel -- --mib 8      # smaller input
 *
 * Single thread. Figures are medians of repeated runs (tinybench); compare rows of one
 * run with each other, not with another machine's.
 */
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { availableKernels, Counter, Reset } from '../src/index.js';
import { testHooks } from '../src/internal.js';
import { csvText } from './corpus-text.js';

const { values } = parseArgs({
  options: {
    mib: { type: 'string', default: '64' },
    time: { type: 'string', default: '1500' },
    json: { type: 'boolean', default: false },
  },
});
const mib = Number(values.mib);
if (!(mib > 0)) throw new RangeError(`--mib must be a positive number, got ${values.mib}`);

const { text, stats } = csvText(mib * 1024 * 1024);
const modes = [
  { name: 'NoReset', reset: Reset.NoReset, min: stats.commas + 1 },
  { name: 'NewlinesReset', reset: Reset.NewlinesReset, min: stats.maxPerLine + 1 },
  { name: 'SpacesReset', reset: Reset.SpacesReset, min: stats.maxPerWord + 1 },
] as const;

interface Row {
  mode: string;
  contender: string;
  gbPerSec: number;
  medianMs: number;
  samples: number;
}
const rows: Row[] = [];

for (const mode of modes) {
  const bench = new Bench({ name: mode.name, time: Number(values.time), warmupIterations: 2 });
  for (const kernel of availableKernels()) {
    const counter = new Counter(',', mode.min, mode.reset, { kernel });
    if (counter.hasCount(text)) throw new Error(`${mode.name}: threshold ${mode.min} was reached; the corpus is wrong`);
    bench.add(`kernel ${kernel}`, () => {
      counter.hasCount(text);
    });
  }
  const seed = new Counter(',', mode.min, mode.reset);
  bench.add('seed char loop (Rust)', () => {
    testHooks().seedHasCount(seed.handle, text);
  });
  await bench.run();
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== 'completed') throw new Error(`${task.name} did not complete: ${r.state}`);
    const ms = r.latency.p50;
    rows.push({
      mode: mode.name,
      contender: task.name,
      gbPerSec: text.length / (ms / 1000) / 1e9,
      medianMs: ms,
      samples: r.latency.samplesCount,
    });
  }
}

if (values.json) {
  console.log(JSON.stringify({ bytes: text.length, rows }, null, 2));
} else {
  console.log(
    `Kernel throughput on ${(text.length / 2 ** 20).toFixed(0)} MiB of CSV-like text, threshold never reached, one thread\n`,
  );
  console.log('| reset | contender | GB/s | median ms | × seed loop |');
  console.log('|---|---|---:|---:|---:|');
  for (const row of rows) {
    const seed = rows.find((r) => r.mode === row.mode && r.contender.startsWith('seed'))!;
    console.log(
      `| ${row.mode} | ${row.contender} | ${row.gbPerSec.toFixed(2)} | ${row.medianMs.toFixed(2)} | ${(seed.medianMs / row.medianMs).toFixed(1)} |`,
    );
  }
}
