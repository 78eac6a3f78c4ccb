/**
 * transfer: a batch as JSON can carry it between machines (the queue's answers through
 * Redis) — the numbers, hits and histograms as base64 of their little-endian bytes — and
 * the checks that take one back only when it is exactly what was asked.
 */
import { endianness } from 'node:os';
import { fileErrorOf } from '../core/fs-error.js';
import type { NativeBatch } from '../core/types.js';
import { SKIP_REASONS, STATUS_FAILED, STATUS_SCANNED } from '../core/wire-format.js';
import { sectionSlices, sectionsOf, SECTIONS, strideOf, type BatchParts } from './batch.js';

/**
 * A batch as JSON can carry it: the numbers (and hits, histograms) as base64 of their
 * little-endian bytes.
 */
export interface TransferBatch {
  count: number;
  numbers: string;
  hits?: string;
  histograms?: string;
  errors: { index: number; code: string; message: string }[];
}

export function toTransfer(batch: NativeBatch): TransferBatch {
  const transfer: TransferBatch = {
    count: batch.count,
    numbers: littleEndian(batch.numbers).toString('base64'),
    errors: batch.errors.map((e) => ({ index: e.index, ...fileErrorOf(e) })),
  };
  for (const { name } of SECTIONS) {
    const part = batch[name];
    if (part) transfer[name] = littleEndian(part).toString('base64');
  }
  return transfer;
}

/**
 * The batch again, checked against what was asked: exactly `paths` files of `counters`
 * counters, known statuses, an error for each failed file, and the `parts` (hits,
 * histograms) of every scanned file. Anything else is `undefined` (a malformed answer is
 * dropped, never misread).
 */
export function fromTransfer(
  p: unknown,
  paths: number,
  counters: number,
  parts: BatchParts = { hits: false, histograms: false },
): NativeBatch | undefined {
  const b = p as TransferBatch;
  if (
    typeof b !== 'object' ||
    b === null ||
    b.count !== paths ||
    typeof b.numbers !== 'string' ||
    !Array.isArray(b.errors) ||
    SECTIONS.some(({ name }) => (parts[name] ? typeof b[name] !== 'string' : b[name] !== undefined))
  )
    return undefined;
  const bytes = Buffer.from(b.numbers, 'base64');
  const stride = strideOf(counters);
  if (bytes.byteLength !== paths * stride * 8) return undefined;
  const numbers = fromLittleEndian(bytes);
  const failed = new Set<number>();
  for (const e of b.errors) {
    if (
      typeof e !== 'object' ||
      e === null ||
      !Number.isInteger(e.index) ||
      typeof e.code !== 'string' ||
      typeof e.message !== 'string'
    )
      return undefined;
    failed.add(e.index);
  }
  for (let i = 0; i < paths; i++) {
    const status = numbers[i * stride + 1]!;
    const known =
      status === STATUS_SCANNED ||
      status === STATUS_FAILED ||
      (Number.isInteger(status) && status >= 1 && status <= SKIP_REASONS.length);
    if (!known || (status === STATUS_FAILED) !== failed.has(i)) return undefined;
  }
  const batch: NativeBatch = { count: paths, numbers, errors: b.errors };
  for (const section of sectionsOf(parts)) {
    const partBytes = Buffer.from(b[section.name]!, 'base64');
    if (partBytes.byteLength % 8 !== 0) return undefined;
    batch[section.name] = fromLittleEndian(partBytes);
    if (!sectionSlices(batch, counters, section)) return undefined;
  }
  return batch;
}

/** The numbers' bytes in little-endian order, whatever this machine's order. */
function littleEndian(numbers: Float64Array): Buffer {
  if (endianness() === 'LE') return Buffer.from(numbers.buffer, numbers.byteOffset, numbers.byteLength);
  const out = Buffer.alloc(numbers.byteLength);
  numbers.forEach((x, i) => out.writeDoubleLE(x, i * 8));
  return out;
}

function fromLittleEndian(bytes: Buffer): Float64Array {
  const numbers = new Float64Array(bytes.byteLength / 8);
  if (endianness() === 'LE') new Uint8Array(numbers.buffer).set(bytes);
  else for (let i = 0; i < numbers.length; i++) numbers[i] = bytes.readDoubleLE(i * 8);
  return numbers;
}
