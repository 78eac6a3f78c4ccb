/**
 * Argument helpers shared by the commands: validators that become commander usage
 * errors, and the one-line usage message every command prints.
 */
import { CommanderError, InvalidArgumentError, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { checkInteger, checkRedisUrl } from '../core/validate.js';
import type { Format } from './report.js';

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
    if (!/^[+-]?\d+(\.\d+)?$/.test(v.trim())) throw new RangeError(`${name} must be an integer, got '${v}'`);
    return checkInteger(name, Number(v), min, max);
  });

export const size = arg((v) => {
  const m = /^(\d+)\s*([KMGT]?)i?B?$/i.exec(v.trim());
  if (!m) throw new RangeError(`--max-filesize must be a size like 512K, 10M or 2G, got '${v}'`);
  return Number(m[1]) * SIZE_UNITS[m[2]!.toUpperCase()]!;
});

export const redisUrl = arg((v) => checkRedisUrl('--queue', v));

export const collect = (value: string, previous: string[] = []) => [...previous, value];

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
  return pkg.version;
}

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
    process.stderr.write(usageLine('--json and --jsonl cannot be used together', command));
    return undefined;
  }
  return o.json ? 'json' : o.jsonl ? 'jsonl' : 'text';
}

/** Parses `argv` (user arguments only); `undefined` means "exit with this status" (help, version, bad usage). */
export function parse(cmd: Command, argv: string[], helpName: string): number | undefined {
  cmd.exitOverride().configureOutput({ outputError: (text, write) => write(usageLine(text, helpName)) });
  try {
    cmd.parse(argv, { from: 'user' });
    return undefined;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
}
