/**
 * Library calls in one process: `scan()` called `calls` times over one directory, either the
 * module's `scan()` (threads started and ended by every call) or `ScanPool#scan()` (threads
 * kept between calls).
 *   node dist/bench/calls-child.js <plain|pool> <dir> <calls> <char> <min> <reset> [threads]
 * Prints the first call's matching paths on stdout (like `charcount`), then one JSON line of
 * figures on stderr: loading the library, the first call (with a pool: creating it too), the
 * calls after it, closing the pool. Exits non-zero when two calls disagree on the matches.
 * Hidden and binary files are included, as in the harness's other contenders.
 */
import { availableParallelism } from 'node:os';

const [mode, dir, calls, what, min, reset, threads] = process.argv.slice(2);
if (mode !== 'plain' && mode !== 'pool') throw new Error(`unknown mode ${mode}`);
const t0 = performance.now();
const { Counter, ScanPool, scan } = await import('../src/index.js');
const loadMs = performance.now() - t0;

const counter = new Counter(what!, Number(min), Number(reset) as 0 | 1 | 2);
const n = threads ? Number(threads) : availableParallelism();
const options = { cwd: dir!, counter, hidden: true, ignoreFiles: false, binary: 'scan' as const, threads: n };
let pool: InstanceType<typeof ScanPool> | undefined;
const callMs: number[] = [];
let first: string[] | undefined;
let files = 0;
for (let i = 0; i < Number(calls); i++) {
  const started = performance.now();
  if (mode === 'pool') pool ??= new ScanPool({ threads: n });
  const { records, summary } = await (pool ? pool.scan(options) : scan(options)).result();
  callMs.push(performance.now() - started);
  const matches = records
    .filter((r) => r.matched)
    .map((r) => r.path)
    .sort();
  if (first && matches.join('\n') !== first.join('\n')) {
    process.stderr.write(`call ${i + 1} matched ${matches.length} files, call 1 matched ${first.length}\n`);
    process.exit(1);
  }
  first ??= matches;
  files = summary.filesDiscovered;
}
const closing = performance.now();
await pool?.close();
const closeMs = performance.now() - closing;

process.stdout.write(first!.map((p) => p + '\n').join(''));
process.stderr.write(
  JSON.stringify({
    mode,
    threads: n,
    files,
    matched: first!.length,
    loadMs,
    firstMs: callMs[0],
    restMs: callMs.slice(1).reduce((a, b) => a + b, 0),
    callMs,
    closeMs,
  }) + '\n',
);
