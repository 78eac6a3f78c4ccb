/**
 * Argument checks shared by the public API. Each throws `TypeError` for a value of the
 * wrong kind and `RangeError` for one out of range, naming the argument and the value.
 */
import { inspect } from 'node:util';

export function show(value: unknown): string {
  return inspect(value, { depth: 1, breakLength: Infinity, maxStringLength: 40 });
}

/** An options argument: an object, or left out (the defaults); `null` is neither. */
export function checkOptions<T extends object>(value: T | undefined): T | Record<string, never> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) throw new TypeError(`options must be an object, got ${show(value)}`);
  return value;
}

/** Exactly one Unicode scalar value (a lone surrogate is not one). */
export function checkChar(name: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new TypeError(`${name} must be a string of exactly one character, got ${show(value)}`);
  }
  const chars = [...value];
  if (chars.length !== 1) {
    throw new TypeError(`${name} must be exactly one character, got ${show(value)} (${chars.length} characters)`);
  }
  const cp = value.codePointAt(0)!;
  if (cp >= 0xd800 && cp <= 0xdfff) {
    throw new TypeError(`${name} must be a Unicode scalar value, got the lone surrogate ${show(value)}`);
  }
  return value;
}

/** An integer in `[min, max]` (default: non-negative safe integer). */
export function checkInteger(name: string, value: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${name} must be a number, got ${show(value)}`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new RangeError(`${name} must be an integer ${range}, got ${show(value)}`);
  }
  return value;
}

export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${show(value)}`);
  return value;
}

/** A string or a `Uint8Array` (which includes `Buffer`). */
export function checkInput(name: string, value: unknown): string | Uint8Array {
  if (typeof value === 'string' || value instanceof Uint8Array) return value;
  throw new TypeError(`${name} must be a string or a Uint8Array, got ${show(value)}`);
}

/** A Redis URL (`redis://` or `rediss://` with a host), as BullMQ's client takes it. */
export function checkRedisUrl(name: string, value: unknown): string {
  if (typeof value !== 'string' || !/^rediss?:\/\/[^/]/.test(value)) {
    throw new TypeError(`${name} must be a Redis URL like redis://host:6379, got ${show(value)}`);
  }
  return value;
}
