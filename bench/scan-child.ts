/**
 * One benchmark run in its own process, so that its peak RSS and startup are its own.
 *   node dist/bench/scan-child.js <pool|native-main|read-only> <dir> <char> <min> <reset> [threads]
 * Prints the matching paths on stdout (like `charcount`), then one JSON line of figures
 * on stderr. Hidden and binary files are included, as in the harness's other contenders.
 */
import { join } from 'node:path';
import { Counter, type FileRecord } from '../src/index.js';
import { backend, discover, scanWith, testHooks } from '../src/internal.js';

const [mode, dir, what, min, reset, threads] = process.argv.slice(2);
const counter = new Counter(what!, Number(min), Number(reset) as 0 | 1 | 2);
const started = performance.now();
let files = 0;
let matched = 0;
let bytes = 0;
const out: string[] = [];

if (mode === 'native-main') {
  // The native reader on this thread alone: no pool, no messages.
  const { scanFiles } = testHooks();
  let batch: string[] = [];
  const flush = () => {
    const absolute = batch.map((p) => join(dir!, p));
    scanFiles(absolute, [counter.handle], { scanBinary: true }).forEach((r, i) => {
      files++;
      bytes += r.bytes;
      if (r.counters?.[0]?.matched) {
        matched++;
        out.push(batch[i]!);
      }
    });
    batch = [];
  };
  for await (const found of discover({
    backend: backend(),
    patterns: ['.'],
    cwd: dir!,
    hidden: true,
    follow: false,
    ignoreFiles: false,
    vcsIgnoreFiles: false,
    extraIgnoreFiles: [],
    globs: [],
    iglobs: [],
    excludes: [],
    typeGlobs: [],
    maxDepth: undefined,
  })) {
    for (const d of found) {
      batch.push(d.path);
      if (batch.length === 256) flush();
    }
  }
  flush();
} else if (mode === 'pool' || mode === 'read-only') {
  const options = {
    cwd: dir!,
    counter,
    hidden: true,
    ignoreFiles: false,
    binary: 'scan' as const,
    threads: threads ? Number(threads) : undefined,
  };
  const run = scanWith(options, { readOnly: mode === 'read-only' });
  for await (const batch of run.batches()) for (const r of batch as FileRecord[]) if (r.matched) out.push(r.path);
  const summary = await run.summary();
  files = summary.filesDiscovered;
  matched = summary.filesMatched;
  bytes = summary.bytesRead;
} else {
  throw new Error(`unknown mode ${mode}`);
}

const elapsedMs = performance.now() - started;
process.stdout.write(out.map((p) => p + '\n').join(''));
process.stderr.write(
  JSON.stringify({ mode, files, matched, bytes, elapsedMs, maxRssMiB: process.resourceUsage().maxRSS / 1024 }) + '\n',
);
