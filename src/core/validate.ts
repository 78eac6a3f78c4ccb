/**
 * Argument checks shared by the public API. Each throws `TypeError` for a value of the
 * wrong kind and `RangeError` for one out of range, naming the argument and the value, with
 * the `code` Node gives its own argument errors (contract §4.6).
 */
import { inspect } from 'node:util';

/**
 * The `code` of an argument error: Node's own for the same fault (a value of the wrong kind,
 * one not taken, a number out of range, a class only the library makes), and
 * `ERR_UNKNOWN_OPTION` for an options key that no option has.
 */
export type ArgumentErrorCode =
  | 'ERR_INVALID_ARG_TYPE'
  | 'ERR_INVALID_ARG_VALUE'
  | 'ERR_OUT_OF_RANGE'
  | 'ERR_UNKNOWN_OPTION'
  | 'ERR_ILLEGAL_CONSTRUCTOR';

/** A `TypeError` with its code: by default, a value of the wrong kind. */
export function typeError(message: string, code: ArgumentErrorCode = 'ERR_INVALID_ARG_TYPE'): TypeError {
  return Object.assign(new TypeError(message), { code });
}

/** A `RangeError` with its code: by default, a value not taken (a name, a glob, an encoding). */
export function rangeError(message: string, code: ArgumentErrorCode = 'ERR_INVALID_ARG_VALUE'): RangeError {
  return Object.assign(new RangeError(message), { code });
}

/**
 * The keys of an options type, listed once where the type is declared: the compiler checks
 * that the list names every option and nothing else (`optionKeys<CounterOptions>({ kernel: 0 })`).
 */
export function optionKeys<T extends object>(table: { [K in keyof Required<T>]: 0 }): (keyof T & string)[] {
  return Object.keys(table) as (keyof T & string)[];
}

/** Edits (insertions, deletions, substitutions) from `a` to `b`, case ignored. */
function distance(a: string, b: string): number {
  [a, b] = [a.toLowerCase(), b.toLowerCase()];
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

/** The known key nearest to `key`, if one is near (a typo, another case, a longer or shorter word). */
function nearest(key: string, known: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.min(2, Math.floor(key.length / 3)));
  const [lower, scored] = [key.toLowerCase(), [] as [number, string][]];
  for (const k of known) {
    const d = distance(key, k);
    const [short, long] = lower.length < k.length ? [lower, k.toLowerCase()] : [k.toLowerCase(), lower];
    if (d <= limit) scored.push([d, k]);
    else if (short.length >= 3 && long.startsWith(short)) scored.push([limit + 1, k]);
  }
  return scored.sort((a, b) => a[0] - b[0])[0]?.[1];
}

/**
 * Refuses an options object with a key that is not one of `known` (a misspelt option would
 * otherwise be ignored): a `TypeError`, code `ERR_UNKNOWN_OPTION`, naming every such key and
 * the option each was likely meant to be. A key whose value is `undefined` asks nothing and
 * passes.
 */
export function checkKeys(what: string, options: object, known: readonly string[], noun = 'option'): void {
  const unknown = Object.keys(options).filter(
    (k) => !known.includes(k) && (options as Record<string, unknown>)[k] !== undefined,
  );
  if (unknown.length === 0) return;
  const named = unknown.map((k) => {
    const near = nearest(k, known);
    return near === undefined ? show(k) : `${show(k)} (did you mean ${show(near)}?)`;
  });
  throw typeError(
    `${what}: unknown ${noun}${unknown.length === 1 ? '' : 's'} ${named.join(', ')}`,
    'ERR_UNKNOWN_OPTION',
  );
}

export function show(value: unknown): string {
  return inspect(value, { depth: 1, breakLength: Infinity, maxStringLength: 40 });
}

/** An options argument: an object, or left out (the defaults); `null` is neither. */
export function checkOptions<T extends object>(value: T | undefined): T | Record<string, never> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) throw typeError(`options must be an object, got ${show(value)}`);
  return value;
}

/** Exactly one Unicode scalar value (a lone surrogate is not one). */
export function checkChar(name: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw typeError(`${name} must be a string of exactly one character, got ${show(value)}`);
  }
  const chars = [...value];
  if (chars.length !== 1) {
    throw typeError(
      `${name} must be exactly one character, got ${show(value)} (${chars.length} characters)`,
      'ERR_INVALID_ARG_VALUE',
    );
  }
  const cp = value.codePointAt(0)!;
  if (cp >= 0xd800 && cp <= 0xdfff) {
    throw typeError(
      `${name} must be a Unicode scalar value, got the lone surrogate ${show(value)}`,
      'ERR_INVALID_ARG_VALUE',
    );
  }
  return value;
}

/** An integer in `[min, max]` (default: non-negative safe integer). */
export function checkInteger(name: string, value: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number') {
    throw typeError(`${name} must be a number, got ${show(value)}`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw rangeError(`${name} must be an integer ${range}, got ${show(value)}`, 'ERR_OUT_OF_RANGE');
  }
  return value;
}

export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw typeError(`${name} must be a boolean, got ${show(value)}`);
  return value;
}

/** A string or a `Uint8Array` (which includes `Buffer`). */
export function checkInput(name: string, value: unknown): string | Uint8Array {
  if (typeof value === 'string' || value instanceof Uint8Array) return value;
  throw typeError(`${name} must be a string or a Uint8Array, got ${show(value)}`);
}

/** A Redis URL (`redis://` or `rediss://` with a host), as BullMQ's client takes it. */
export function checkRedisUrl(name: string, value: unknown): string {
  if (typeof value !== 'string' || !/^rediss?:\/\/[^/]/.test(value)) {
    throw typeError(`${name} must be a Redis URL like redis://host:6379, got ${show(value)}`, 'ERR_INVALID_ARG_VALUE');
  }
  return value;
}
