/**
 * fs-error: the one place a failure becomes a record's `FileError` — a native reader's
 * (an errno, or a code of charcount's own) and a Node `fs` call's — worded as the native
 * reader words it (the OS's text for the errno, capitalised).
 */
import { getSystemErrorMap, getSystemErrorName } from 'node:util';
import type { FileError } from './types.js';

/** Node's name for a native error (`ENOENT`, …), resolved on the machine that read the file. */
export function fileErrorOf(e: { errno?: number; code?: string; message: string }): FileError {
  if (e.code) return { code: e.code, message: e.message };
  const code = e.errno ? safeErrorName(e.errno) : 'EIO';
  return { code, message: e.message };
}

function safeErrorName(errno: number): string {
  try {
    return getSystemErrorName(-errno);
  } catch {
    return 'EIO';
  }
}

/**
 * What a failed Node call threw, as a file error: a system call's errno with the OS's text
 * (as the native reader says it), otherwise its own message (a decompressor's, say), and
 * `EIO` where it has no code.
 */
export function fsErrorOf(e: unknown): FileError {
  const err = e as NodeJS.ErrnoException;
  const code = typeof err?.code === 'string' ? err.code : 'EIO';
  // Only a system call's errno is the OS's: zlib's errors carry zlib's numbers.
  const system = typeof err?.errno === 'number' && typeof err.syscall === 'string';
  const described = system ? getSystemErrorMap().get(err.errno!)?.[1] : undefined;
  if (described) return { code, message: described.charAt(0).toUpperCase() + described.slice(1) };
  return { code, message: err instanceof Error ? err.message : String(e) };
}
