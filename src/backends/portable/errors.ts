/**
 * File errors of the portable back end, in the native core's form (native/src/binding.rs,
 * "File errors"): `{ errno, code, message }` with the OS's positive errno and its
 * `strerror` text, which is what Rust prints for an OS error and the native core reports.
 *
 * Node gives the errno but only libuv's wording of it ("no such file or directory", "i/o
 * error"), so the C library's wording is kept here for the errors that file operations
 * meet: glibc's on Linux, macOS's libc on macOS. Anything else falls back to libuv's
 * wording with a capital letter, which is the C library's for most errors.
 */
import { getSystemErrorMap } from 'node:util';

/** A path's failure: an OS error (`errno`, `code` empty) or one of ours (`errno` 0, `code`). */
export interface PortableFileError {
  errno: number;
  code: string;
  message: string;
}

const GLIBC: Record<string, string> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EINTR: 'Interrupted system call',
  EIO: 'Input/output error',
  ENXIO: 'No such device or address',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EFAULT: 'Bad address',
  EBUSY: 'Device or resource busy',
  ENODEV: 'No such device',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENFILE: 'Too many open files in system',
  EMFILE: 'Too many open files',
  ETXTBSY: 'Text file busy',
  EFBIG: 'File too large',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  ENAMETOOLONG: 'File name too long',
  ELOOP: 'Too many levels of symbolic links',
  EOVERFLOW: 'Value too large for defined data type',
  EILSEQ: 'Invalid or incomplete multibyte or wide character',
  ENOTSUP: 'Operation not supported',
  ETIMEDOUT: 'Connection timed out',
  ESTALE: 'Stale file handle',
  EDQUOT: 'Disk quota exceeded',
  ECANCELED: 'Operation canceled',
};

const DARWIN: Record<string, string> = {
  ...GLIBC,
  ENXIO: 'Device not configured',
  EBUSY: 'Resource busy',
  ENODEV: 'Operation not supported by device',
  EOVERFLOW: 'Value too large to be stored in data type',
  EILSEQ: 'Illegal byte sequence',
  ETIMEDOUT: 'Operation timed out',
  ESTALE: 'Stale NFS file handle',
  EDQUOT: 'Disc quota exceeded',
};

const WORDING = process.platform === 'darwin' ? DARWIN : GLIBC;

/** libuv's table (negative errno → name and wording), read when an error first needs it. */
let uvErrors: Map<number, [string, string]> | undefined;
let errnoByName: Map<string, number> | undefined;

/** The C library's text for an errno, as the native core reports it. */
export function strerror(errno: number): string {
  uvErrors ??= getSystemErrorMap();
  const [name, uvText] = uvErrors.get(-errno) ?? [`E${errno}`, `Unknown error ${errno}`];
  return WORDING[name] ?? uvText.charAt(0).toUpperCase() + uvText.slice(1);
}

/** An OS error by errno name (`EISDIR`), with a message of our own. */
export function osError(name: 'EISDIR' | 'ELOOP', message: string): PortableFileError {
  uvErrors ??= getSystemErrorMap();
  errnoByName ??= new Map([...uvErrors].map(([errno, [n]]) => [n, -errno]));
  return { errno: errnoByName.get(name)!, code: '', message };
}

/** An error of charcount's own, without an errno (`ESHRUNK`, `EIO`). */
export function customError(code: string, message: string): PortableFileError {
  return { errno: 0, code, message };
}

/**
 * What a failed `fs` call threw, as a file error: its errno with the C library's text, or
 * `EIO` with its message when it carries none (as the native core reports an I/O error
 * without an OS error number).
 */
export function fromFsError(e: unknown): PortableFileError {
  const errno = (e as { errno?: unknown }).errno;
  if (typeof errno === 'number' && errno < 0) return { errno: -errno, code: '', message: strerror(-errno) };
  return customError('EIO', e instanceof Error ? e.message : String(e));
}

/** Rust's message for a path holding a NUL byte, which no system call can take. */
export const NUL_IN_PATH = customError('EIO', 'file name contained an unexpected NUL byte');
