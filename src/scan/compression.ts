/**
 * compression: which file names `searchZip` (`-z`) decompresses, and how — in process
 * with zlib (gzip, brotli, zlib streams) or through the system's programs reading the file
 * on their standard input (`xz`, `bzip2`, `zstd`, `lz4`, `uncompress`), as ripgrep does.
 * One more format is one more line in `BY_SUFFIX` (and its name in the `-z` help text).
 */
import { createRequire } from 'node:module';
import type { Transform } from 'node:stream';

// zlib loads with the first compressed file: most threads never read one.
const load = createRequire(import.meta.url);
const zlib = () => load('node:zlib') as typeof import('node:zlib');

/** How a compressed format is decompressed: in process, or by a program reading stdin. */
export type Decompressor =
  { format: string; zlib: () => Transform } | { format: string; program: string; args: string[] };

const gzip: Decompressor = { format: 'gzip', zlib: () => zlib().createGunzip() };
const brotli: Decompressor = { format: 'brotli', zlib: () => zlib().createBrotliDecompress() };
const deflate: Decompressor = { format: 'zlib', zlib: () => zlib().createInflate() };
const program = (format: string, name: string, ...args: string[]): Decompressor => ({ format, program: name, args });
const xz = program('xz', 'xz', '-d', '-c');
const bzip2 = program('bzip2', 'bzip2', '-d', '-c');
const zstd = program('zstd', 'zstd', '-q', '-d', '-c');

/** Compressed formats by file name ending (case matters, as in ripgrep: `.Z` is not `.z`). */
const BY_SUFFIX: [string, Decompressor][] = [
  ['.gz', gzip],
  ['.tgz', gzip],
  ['.br', brotli],
  ['.zz', deflate],
  ['.deflate', deflate],
  ['.xz', xz],
  ['.txz', xz],
  ['.lzma', program('lzma', 'xz', '--format=lzma', '-d', '-c')],
  ['.bz2', bzip2],
  ['.tbz2', bzip2],
  ['.tbz', bzip2],
  ['.zst', zstd],
  ['.zstd', zstd],
  ['.lz4', program('lz4', 'lz4', '-d', '-c')],
  ['.Z', program('compress', 'uncompress', '-c')],
];

/** How the file named `path` is decompressed, or undefined when its name says it is not compressed. */
export function decompressorFor(path: string): Decompressor | undefined {
  return BY_SUFFIX.find(([suffix]) => path.endsWith(suffix))?.[1];
}

/** The suffixes `-z` reads, for help texts: in process first, then by program. */
export function compressionSummary(): string {
  const inProcess = BY_SUFFIX.filter(([, d]) => 'zlib' in d).map(([s]) => s);
  const byProgram = BY_SUFFIX.filter(([, d]) => 'program' in d);
  const programs = [...new Set(byProgram.map(([, d]) => ('program' in d ? d.program : '')))];
  return (
    `${inProcess.join(' ')}, and ${byProgram.map(([s]) => s).join(' ')} ` +
    `through the installed ${programs.join(', ')}`
  );
}
