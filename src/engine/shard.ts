/**
 * shard: static partitioning for orchestrators without a queue (Kubernetes Indexed Jobs,
 * Slurm arrays). Shard K of N keeps the paths whose hash falls in bucket K-1.
 *
 * A hash of the path, not its position in the walk: every shard walks the same tree, and
 * the order `readdir` returns may differ between machines, but the path strings do not.
 * Error records (a missing input, an unreadable directory) are sharded the same way, so
 * exactly one shard reports each.
 */
import type { Shard } from '../core/types.js';
import { rangeError, show, typeError } from '../core/validate.js';
import type { Discovered } from './discover.js';

/** `"2/4"` → `{ index: 2, count: 4 }`. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw rangeError(`--shard must be K/N (shard K of N, counted from 1), got '${text}'`);
  return checkShard({ index: Number(m[1]), count: Number(m[2]) }, '--shard');
}

export function checkShard(shard: unknown, name = 'shard'): Shard {
  const s = shard as Shard;
  if (typeof s !== 'object' || s === null || !Number.isSafeInteger(s.index) || !Number.isSafeInteger(s.count)) {
    throw typeError(`${name} must be { index, count } with whole numbers, got ${show(shard)}`);
  }
  if (s.count < 1 || s.index < 1 || s.index > s.count) {
    throw rangeError(`${name} must be shard K of N with 1 ≤ K ≤ N, got ${s.index}/${s.count}`, 'ERR_OUT_OF_RANGE');
  }
  return { index: s.index, count: s.count };
}

/** FNV-1a over the path's UTF-16 code units: the same on every machine and Node version. */
export function shardOf(path: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  return ((h >>> 0) % count) + 1;
}

/** Keeps this shard's paths. */
export async function* inShard(source: AsyncIterable<Discovered[]>, shard: Shard): AsyncGenerator<Discovered[]> {
  for await (const found of source) {
    const mine = found.filter((d) => shardOf(d.path, shard.count) === shard.index);
    if (mine.length) yield mine;
  }
}
