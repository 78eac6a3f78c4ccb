/**
 * Argument helpers shared by the commands: validators that become commander usage
 * errors, and the one-line usage message every command prints.
 */
import { CommanderError, InvalidArgumentError, type Command } from 'commander';
import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { sequenceLength } from '../core/path-bytes.js';
import { packageVersion } from '../core/package.js';
import { checkInteger, checkRedisUrl } from '../core/validate.js';
import { parseShard } from '../engine/shard.js';
import type { Format } from './report/reporters.js';
import { stderr, stdout } from './streams.js';

const SIZE_UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** Wraps a validator so that its message becomes commander's usage error. */
export function arg<T>(check: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return check(value);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}

export const integer = (name: string, min: number, max?: number) =>
  arg((v) => {
    const text = v.trim();
    if (!/^[+-]?\d+(\.\d+)?$/.test(text)) throw new RangeError(`${name} must be an integer, got '${v}'`);
    const n = Number(text);
    // Past 2^53 a double no longer holds every integer, and a fraction below its precision
    // vanishes: '99999999999999999999' or '3.0000000000000001' would be read as another value.
    if (Math.abs(n) > Number.MAX_SAFE_INTEGER || (Number.isInteger(n) && /\.\d*[1-9]/.test(text))) {
      throw new RangeError(`${name} must be an integer from ${min} to ${max ?? Number.MAX_SAFE_INTEGER}, got ${text}`);
    }
    return checkInteger(name, n, min, max);
  });

/**
 * A size: a number of bytes (a decimal fraction allowed) with an optional unit K, M, G or
 * T (powers of 1024), which may be followed by B or iB, or a plain B. A fraction of a byte
 * rounds down: a file is larger than 1.5 bytes exactly when it is larger than 1.
 */
export const size = arg((v) => {
  const m = /^(\d+(?:\.\d+)?)\s*(?:([KMGT])(?:i?B)?|B)?$/i.exec(v.trim());
  if (!m) throw new RangeError(`--max-filesize must be a size like 512K, 10M or 2G, got '${v}'`);
  const bytes = Math.floor(Number(m[1]) * SIZE_UNITS[(m[2] ?? '').toUpperCase()]!);
  if (!Number.isSafeInteger(bytes)) {
    throw new RangeError(`--max-filesize must be at most 8191T (2^53 - 1 bytes), got '${v}'`);
  }
  return bytes;
});

/** `--shard K/N`, with numbers a double holds exactly. */
export const shard = arg((v) => {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(v);
  if (m && !(Number.isSafeInteger(Number(m[1])) && Number.isSafeInteger(Number(m[2])))) {
    throw new RangeError(`--shard must be shard K of N with 1 ≤ K ≤ N ≤ 2^53 - 1, got ${v.trim()}`);
  }
  return parseShard(v);
});

/** `--exclude GLOB` (or the deprecated `--ignore GLOB`, named `flag`), repeatable. */
export const excludeGlob =
  (flag: string) =>
  (value: string, previous: string[] = []): string[] => {
    if (value === '') throw new InvalidArgumentError(`${flag} must be a non-empty glob, got ''`);
    return [...previous, value];
  };

export const redisUrl = arg((v) => checkRedisUrl('--queue', v));

export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The package's version (for `--version`). */
export const version = packageVersion;

/** One line naming the problem, pointing to --help. */
export function usageLine(text: string, command = 'charcount'): string {
  const problem = text
    .trim()
    .replace(/^error: /, '')
    // Our validators' messages already name the option and the value.
    .replace(/^option '.*?' argument '.*?' is invalid\. (?=--)/, '');
  return `charcount: ${problem} (see ${command} --help)\n`;
}

/** The output format `--json` / `--jsonl` ask for; undefined (after a usage line) for both. */
export function outputFormat(o: { json?: boolean; jsonl?: boolean }, command = 'charcount'): Format | undefined {
  if (o.json && o.jsonl) {
    stderr().write(usageLine('--json and --jsonl cannot be used together', command));
    return undefined;
  }
  return o.json ? 'json' : o.jsonl ? 'jsonl' : 'text';
}

/** Parses `argv` (user arguments only); `undefined` means "exit with this status" (help, version, bad usage). */
export function parse(cmd: Command, argv: string[], helpName: string): number | undefined {
  cmd.exitOverride().configureOutput({
    writeOut: (text) => stdout().write(text),
    writeErr: (text) => stderr().write(text),
    outputError: (text, write) => write(usageLine(text, helpName)),
  });
  try {
    cmd.parse(argv, { from: 'user' });
    return undefined;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
}

/** The bytes as text, each byte that is not part of well-formed UTF-8 as `\xNN`; and whether there was one. */
export function showBytes(b: Uint8Array): { text: string; valid: boolean } {
  // Every argument is looked at before each run: well-formed ones (nearly all) in one step.
  if (isUtf8(b)) return { text: Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8'), valid: true };
  let text = '';
  let valid = true;
  for (let i = 0; i < b.length;) {
    const n = sequenceLength(b, i);
    if (n) {
      text += Buffer.from(b.buffer, b.byteOffset + i, n).toString('utf8');
      i += n;
    } else {
      text += `\\x${b[i]!.toString(16).padStart(2, '0')}`;
      valid = false;
      i++;
    }
  }
  return { text, valid };
}

function readCmdline(): Buffer | undefined {
  try {
    return readFileSync('/proc/self/cmdline');
  } catch {
    return undefined;
  }
}

/**
 * The user's arguments as the OS passed them, where it shows them (Linux:
 * /proc/self/cmdline) and they line up with `argv`. Node decodes arguments as UTF-8 and
 * turns a byte that is not (0xFF) into U+FFFD, so only the raw bytes tell `$'\xff'` from
 * a real `�`. `undefined` when they cannot be known.
 */
export function rawArgs(argv: readonly string[], cmdline: Buffer | undefined = readCmdline()): Buffer[] | undefined {
  if (!cmdline || cmdline.length === 0) return undefined;
  const body = cmdline[cmdline.length - 1] === 0 ? cmdline.subarray(0, -1) : cmdline;
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === 0) {
      parts.push(body.subarray(from, i));
      from = i + 1;
    }
  }
  parts.push(body.subarray(from));
  if (parts.length < argv.length) return undefined;
  const raw = parts.slice(parts.length - argv.length);
  for (const [i, bytes] of raw.entries()) {
    const lined = showBytes(bytes).valid ? bytes.toString('utf8') === argv[i] : argv[i]!.includes('\uFFFD');
    if (!lined) return undefined;
  }
  return raw;
}

/**
 * The usage line for an argument that is not UTF-8 (`--char $'\xff'`, a path in another
 * encoding), which Node would have read as another string; undefined if there is none.
 */
export function nonUtf8Argument(raw: Buffer[] | undefined, command = 'charcount'): string | undefined {
  for (const bytes of raw ?? []) {
    const { text, valid } = showBytes(bytes);
    if (!valid)
      return usageLine(`argument '${text}' is not valid UTF-8: characters and paths must be given in UTF-8`, command);
  }
  return undefined;
}
