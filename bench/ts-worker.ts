/**
 * The benchmark's pure-TypeScript contender: the same Piscina task as
 * `workers/scan-worker.ts`, but files are read with `fs.readSync` and counted by a
 * byte loop in TypeScript instead of the native core.
 */
import { closeSync, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import type { NativeBatch } from '../src/native.js';
import type { BatchTask, CounterSpec } from '../workers/scan-worker.js';

const CHUNK = 256 * 1024;
const buf = Buffer.allocUnsafe(CHUNK);

/** SPEC §1 over bytes, first hit only, for a one-byte `what`. */
function firstHit(fd: number, spec: CounterSpec): { matched: boolean; offset: number | null; line: number | null; bytes: number } {
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
  if (task.counters.length !== 1 || Buffer.byteLength(spec.what) !== 1) throw new Error('the TS contender counts one ASCII character');
  const paths = task.paths.split('\0');
  const numbers = new Float64Array(paths.length * 7);
  paths.forEach((path, i) => {
    const absolute = resolve(task.cwd, path);
    // Like the native reader: links are not followed (status 1 + index of 'symlink').
    if (lstatSync(absolute).isSymbolicLink()) return numbers.set([0, 3, 0, -1, -1, -1, -1], i * 7);
    const fd = openSync(absolute, 'r');
    try {
      if (!fstatSync(fd).isFile()) throw new Error(`${path} is not a regular file`);
      const { bytes, matched, offset, line } = firstHit(fd, spec);
      numbers.set([bytes, 0, matched ? 1 : 0, offset ?? -1, line ?? -1, -1, -1], i * 7);
    } finally {
      closeSync(fd);
    }
  });
  return { count: paths.length, numbers, errors: [] };
}
