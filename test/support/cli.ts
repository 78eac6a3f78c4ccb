/** The command under test, as built into `dist/` by the global setup (the package's `bin`), and a tree to run it on. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export const cli = join(repoRoot, 'dist', 'bundle', 'charcount.cjs');

type Stdio = 'pipe' | 'ignore' | number;
export interface CliStdio {
  stdout?: Stdio;
  stderr?: Stdio;
  /** Piped to standard input (else it is not piped: /dev/null, as from a terminal). */
  input?: string | Uint8Array;
}

/** Runs `charcount ...args` in `cwd` to its end, with its output as text. */
export function runCli(cwd: string, args: string[], stdio: CliStdio = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    input: stdio.input,
    stdio: [stdio.input === undefined ? 'ignore' : 'pipe', stdio.stdout ?? 'pipe', stdio.stderr ?? 'pipe'],
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `dir/tree`, with a file of every kind a record reports (matched or not at `-c x -m 3`,
 * empty, binary, symlink, dangling link, 5,000 bytes) and paths with multi-byte and odd characters.
 */
export function writeRecordsTree(dir: string): void {
  mkdirSync(join(dir, 'tree', 'ünï cödé'), { recursive: true });
  mkdirSync(join(dir, 'tree', 'sub'));
  writeFileSync(join(dir, 'tree', 'match.txt'), 'x,x,x\n');
  writeFileSync(join(dir, 'tree', 'nomatch.txt'), 'x\n');
  writeFileSync(join(dir, 'tree', 'empty.txt'), '');
  writeFileSync(join(dir, 'tree', 'ünï cödé', 'é.txt'), 'x,x,x,x\nx\n');
  writeFileSync(join(dir, 'tree', '\u{1F600}.txt'), 'xxx'); // sorts before U+FFFD by UTF-16 code units
  writeFileSync(join(dir, 'tree', '\uFFFD.txt'), 'x x x');
  writeFileSync(join(dir, 'tree', 'quote"back\\slash\nnewline\ttab.txt'), 'xxxx');
  writeFileSync(join(dir, 'tree', 'binary.bin'), Buffer.from([0, 120, 120, 120]));
  writeFileSync(join(dir, 'tree', 'large.txt'), 'x'.repeat(5000));
  symlinkSync('match.txt', join(dir, 'tree', 'link.txt'));
  symlinkSync('nowhere', join(dir, 'tree', 'dangling'));
  for (let i = 0; i < 50; i++) writeFileSync(join(dir, 'tree', 'sub', `f${i}.txt`), 'x\n'.repeat(i % 5));
}
