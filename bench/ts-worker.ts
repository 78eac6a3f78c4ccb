/**
 * The benchmark's pure-TypeScript contender: the same Piscina task as
 * `src/transport/scan-worker.ts`, but files are read with `fs.readSync` and counted by a
 * byte loop in TypeScript instead of the native core.
 */
import { closeSync, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { strideOf, type NativeBatch } from '../src/core/codec.js';
import { ABSENT, SKIP_REASONS, STATUS_SCANNED } from '../src/core/wire-format.js';
import type { BatchTask } from '../src/transport/scan-worker.js';
import type { CounterSpec } from '../src/transport/transport.js';

const CHUNK = 256 * 1024;
const buf = Buffer.allocUnsafe(CHUNK);

/** Contract §1 over bytes, first hit only, for a one-byte `what`. */
function firstHit(
  fd: number,
  spec: CounterSpec,
): { matched: boolean; offset: number | null; line: number | null; bytes: number } {
  const what = Buffer.from(spec.what)[0]!;
  const reset = spec.reset === 0 ? 0x0a : spec.reset === 1 ? 0x20 : -1;
  let count = 0;
  let lines = 0;
  let pos = 0;
  for (;;) {
    const n = readSync(fd, buf, 0, CHUNK, null);
    if (n === 0) return { matched: false, offset: null, line: null, bytes: pos };
    for (let i = 0; i < n; i++) {
      const b = buf[i]!;
      if (b === reset) count = 0;
      if (b === what) count++;
      if (count >= spec.min) return { matched: true, offset: pos + i, line: lines + 1, bytes: pos + n };
      if (b === 0x0a) lines++;
    }
    pos += n;
  }
}

/** Same contract as the native worker: a compact batch (see `NativeBatch`). */
export default function scanBatchTs(task: BatchTask): NativeBatch {
  const spec = task.counters[0]!;
  if (task.counters.length !== 1 || Buffer.byteLength(spec.what) !== 1)
    throw new Error('the TS contender counts one ASCII character');
  const paths = task.paths.split('\0');
  const stride = strideOf(1);
  const numbers = new Float64Array(paths.length * stride);
  const row = (i: number, header: number[], counter: (number | null)[]) =>
    numbers.set([...header, ...counter.map((x) => x ?? ABSENT)], i * stride);
  paths.forEach((path, i) => {
    const absolute = resolve(task.cwd, path);
    // Like the native reader: links are not followed.
    if (lstatSync(absolute).isSymbolicLink())
      return row(i, [0, 1 + SKIP_REASONS.indexOf('symlink')], [0, null, null, null, null]);
    const fd = openSync(absolute, 'r');
    try {
      if (!fstatSync(fd).isFile()) throw new Error(`${path} is not a regular file`);
      const { bytes, matched, offset, line } = firstHit(fd, spec);
      row(i, [bytes, STATUS_SCANNED], [matched ? 1 : 0, offset, line, null, null]);
    } finally {
      closeSync(fd);
    }
  });
  return { count: paths.length, numbers, errors: [] };
}
