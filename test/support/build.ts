/**
 * Vitest global setup: compiles the TypeScript before any test runs, because worker
 * threads and the CLI under test run from `dist/`, then makes the man page and shell
 * completions from it and bundles the command line (as `npm run build:ts` does). A stale
 * build can then neither pass nor fail a test: `vitest` alone tests the sources as they are.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export default function setup(): void {
  rmSync(join(repoRoot, 'dist'), { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(repoRoot, 'tsconfig.json')], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build-cli-docs.mjs')], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'bundle.mjs')], { stdio: 'inherit' });
}
