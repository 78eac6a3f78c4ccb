/** Shared fixtures for the tests: conformance vectors, temp dirs, chunking. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Reset } from '../src/scan/counter.js';
import { repoRoot } from './support/paths.js';

export { repoRoot };
/**
 * The conformance vectors. The contract's copy is `shared/conformance/`, beside the
 * checkout in development and CI; `test/conformance/` holds this repository's copy
 * (gzipped), so that a clone anywhere runs the tests, and `conformance.test.ts` checks
 * it against the contract's whenever that is there. `CHARCOUNT_CONFORMANCE_DIR` points
 * the tests at another directory of plain `.jsonl` files.
 */
export const sharedConformanceDir = resolve(repoRoot, '..', 'shared', 'conformance');
const vendoredConformanceDir = resolve(repoRoot, 'test', 'conformance');

/** A vectors file's text: from `CHARCOUNT_CONFORMANCE_DIR`, else from the repository's copy. */
export function vectorsText(file: string): string {
  const dir = process.env.CHARCOUNT_CONFORMANCE_DIR;
  if (dir) return readFileSync(join(dir, file), 'utf8');
  return gunzipSync(readFileSync(join(vendoredConformanceDir, `${file}.gz`))).toString('utf8');
}

export interface Vector {
  what: string;
  min: number;
  reset: 'NewlinesReset' | 'SpacesReset' | 'NoReset';
  input: Uint8Array;
  matched: boolean;
  offset: number | null;
  line: number | null;
  segments: number;
  occurrences: number;
}

export function loadVectors(file: string): Vector[] {
  return vectorsText(file)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const v = JSON.parse(l);
      return { ...v, input: new Uint8Array(Buffer.from(v.input_b64, 'base64')) };
    });
}

export const VECTOR_FILES = ['counter-vectors.jsonl', 'counter-vectors-long.jsonl'];

export const allVectors = (): Vector[] => VECTOR_FILES.flatMap(loadVectors);

export const resetOf = (name: Vector['reset']): Reset => Reset[name];

/** The input as a JS string, when its bytes are valid UTF-8 (else `undefined`). */
export function asString(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Splits `bytes` into chunks of random sizes (deterministic for a seed). */
export function randomChunks(bytes: Uint8Array, seed: number): Uint8Array[] {
  let s = seed >>> 0 || 1;
  const next = () => ((s = (s * 1103515245 + 12345) >>> 0), s >>> 8);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length;) {
    const r = next();
    const size = r % 4 === 0 ? 1 + (r % 3) : r % 4 === 1 ? 1 + (r % 100) : 1 + (r % 5000);
    out.push(bytes.subarray(i, i + size));
    i += size;
  }
  return out;
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'charcount-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A command as a user whom file permissions bind. Root reads everything, so as root the
 * command runs without the capabilities that bypass permission checks (`setpriv`): unlike
 * switching to `nobody`, it can still reach the checkout wherever it was cloned.
 */
export function unprivileged(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  const caps = '-dac_override,-dac_read_search';
  return ['setpriv', [`--bounding-set=${caps}`, `--inh-caps=${caps}`, command, ...args]];
}
