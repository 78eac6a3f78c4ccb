/**
 * One benchmark run in its own process, so that its peak RSS is its own. Prints JSON.
 *   node dist/bench/scan-child.js <pool|native-main|ts-pool> <dir> <char> <min> <reset> [threads]
 */
import { discover } from '../src/discover.js';
import { Counter, scan } from '../src/index.js';
import { native } from '../src/native.js';

const [mode, dir, what, min, reset, threads] = process.argv.slice(2);
const counter = new Counter(what!, Number(min), Number(reset) as 0 | 1 | 2);
const started = performance.now();
let files = 0;
let matched = 0;
let bytes = 0;

if (mode === 'native-main') {
  // The native reader on this thread alone: no pool, no messages.
  let batch: string[] = [];
  const flush = () => {
    for (const r of native.scanFiles(batch, [counter.handle])) {
      files++;
      bytes += r.bytes;
      if (r.counters?.[0]?.matched) matched++;
    }
    batch = [];
  };
  for await (const d of discover({ patterns: ['.'], cwd: dir!, ignore: [], hidden: false, follow: false })) {
    batch.push(`${dir}/${d.path}`);
    if (batch.length === 256) flush();
  }
  flush();
} else {
  const workerUrl = mode === 'ts-pool' ? new URL('./ts-worker.js', import.meta.url) : undefined;
  const options = { cwd: dir!, counter, threads: threads ? Number(threads) : undefined, workerUrl };
  const summary = await scan(options as Parameters<typeof scan>[0]).summary();
  files = summary.filesDiscovered;
  matched = summary.filesMatched;
  bytes = summary.bytesRead;
}

const elapsedMs = performance.now() - started;
process.stdout.write(
  JSON.stringify({ mode, files, matched, bytes, elapsedMs, maxRssMiB: process.resourceUsage().maxRSS / 1024 }) + '\n',
);
