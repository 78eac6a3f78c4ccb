/**
 * roots: `charcount worker --root DIR`, the directories below which a worker reads.
 *
 * A worker opens whatever path a job names, with its own permissions, and anyone who can
 * write to its Redis can add a job. With roots, a path is checked before it is read: the
 * file it names, with `..` and every symbolic link resolved (`realpath`), must lie below a
 * root (itself resolved when the worker starts); any other is an `EOUTSIDEROOT` record and
 * is never opened. A path that does not resolve (missing, a link loop, no permission) is
 * judged by its nearest ancestor that does: within a root, reading it then fails as it
 * would anyway (ENOENT, ELOOP, EACCES), and outside every root it is refused, so a job
 * cannot learn what exists outside either.
 *
 * The check runs when the job is taken. Someone who can write inside a root could swap a
 * checked file for a link between the check and the read: roots keep out the writers of
 * the Redis, not the users who may write to the roots.
 */
import { realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { bytesOfPath, hasEscapes } from '../../core/path-bytes.js';
import type { FileError } from '../../core/types.js';

/** The record of a path outside every root. */
export const OUTSIDE_ROOTS: FileError = {
  code: 'EOUTSIDEROOT',
  message: 'outside the directories this worker may read (--root): not opened',
};

/** The roots as real paths (bytes): each must be an existing directory; else an error saying which. */
export async function resolveRoots(dirs: string[]): Promise<Buffer[]> {
  return Promise.all(
    dirs.map(async (dir) => {
      let real: Buffer;
      try {
        real = await realpath(resolve(dir), { encoding: 'buffer' });
      } catch (e) {
        throw new Error(`--root ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
      if (!(await stat(real)).isDirectory()) throw new Error(`--root ${dir}: not a directory`);
      return real;
    }),
  );
}

/** Whether the real path `real` is a root or below one. */
function below(real: Buffer, roots: readonly Buffer[]): boolean {
  return roots.some(
    (root) =>
      real.length >= root.length &&
      real.subarray(0, root.length).equals(root) &&
      (real.length === root.length || root.at(-1) === 0x2f || real[root.length] === 0x2f),
  );
}

/** Whether the file `path` names (relative to `cwd`, as a scan opens it) lies below some root. */
export async function withinRoots(path: string, cwd: string, roots: readonly Buffer[]): Promise<boolean> {
  // An empty path names no file: reading it fails (ENOENT) without opening anything.
  if (path === '') return true;
  // Joined as the readers join it: the kernel resolves `..` after links, as realpath does.
  let full = isAbsolute(path) ? path : `${cwd}/${path}`;
  for (;;) {
    try {
      return below(await realpath(hasEscapes(full) ? bytesOfPath(full) : full, { encoding: 'buffer' }), roots);
    } catch {
      const up = dirname(full);
      if (up === full) return false;
      full = up;
    }
  }
}
