/**
 * The package's own folder and version, found from wherever this code runs: the sources
 * (`src/`), the compiled modules (`dist/src/`) or the bundled command line (`dist/`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The folder holding the package's `package.json`. */
export function packageDir(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json'))) return (root = dir);
    dir = dirname(dir);
  }
  throw new Error('charcount: cannot find its package folder (the one holding its package.json)');
}

/** The package's version, from its `package.json`. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageDir(), 'package.json'), 'utf8')) as { version: string }).version;
}
