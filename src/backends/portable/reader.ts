/**
 * The portable file reader: one file in, one result out, with Node's synchronous `fs`
 * calls in the order and with the flags of the native reader (native/src/reader.rs,
 * contract §2.3):
 *
 * * classified before it is read: `lstat` (`stat` when following), or, when the walker
 *   saw a regular file, `open` then `fstat`; every open is `O_NONBLOCK | O_NOCTTY`, plus
 *   `O_NOFOLLOW` when not following, so a FIFO swapped in cannot block the thread;
 * * only regular files are read: a directory fails with `EISDIR`, anything else that is
 *   not a regular file is skipped unopened;
 * * read in chunks into one reused buffer, until every counter knows its answer (a scan
 *   that lists every hit: has passed its limit of hits), or the
 *   `stat` size is read (no extra read to see end-of-file), or end-of-file; a file whose
 *   size says 0 (procfs) is read to its end; end-of-file before the size is `ESHRUNK` if
 *   the file now says less (sysfs attributes say 4096 bytes and hold a few: they end there);
 * * decoded as the native reader decodes (a byte-order mark, UTF-16: `../decode.ts`), offsets
 *   mapped back to the file;
 * * a NUL byte in the first chunk makes the file `binary`.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { HINT_FOLLOW, HINT_REGULAR, SKIP_REASONS, STATUS_FAILED, STATUS_SCANNED } from '../../core/wire-format.js';
import { textStage } from '../../scan/decode.js';
import { PortableScanner, type PortableCounter, type PortableEvaluation } from './counter.js';
import { customError, fromFsError, NUL_IN_PATH, osError, type PortableFileError } from './errors.js';

/** Default chunk: the native reader's. */
export const DEFAULT_CHUNK = 256 * 1024;

/** How files are read: the read options of `scanBatch`, with their defaults. */
export interface ReaderOptions {
  full: boolean;
  /** List every hit, at most this many per counter (`maxHits`); `undefined` for the first only. */
  hitLimit: number | undefined;
  /** Count segments per count held (reads whole files). */
  histogram: boolean;
  scanBinary: boolean;
  maxFilesize: number | undefined;
  follow: boolean;
  chunkSize: number;
  /** The encoding of files without a byte-order mark: `'utf-8'`, `'utf-16le'` or `'utf-16be'`. */
  encoding: string;
  /** A byte-order mark decides the encoding and is not counted. */
  bomSniff: boolean;
  /** Read files without counting (the benchmark's read-everything baseline). @internal */
  readOnly: boolean;
  /** Abandon the file (no result) once reading it would pass this many bytes. */
  readLimit: number | undefined;
}

/** One file's result: `status` is the batch format's (`STATUS_SCANNED`, 1 + skip index, `STATUS_FAILED`). */
export interface ReadResult {
  bytes: number;
  status: number;
  /** Scanned: one answer per counter, in order. */
  counters?: PortableEvaluation[];
  /** Failed: why. */
  error?: PortableFileError;
}

const skipped = (reason: (typeof SKIP_REASONS)[number]): ReadResult => ({
  bytes: 0,
  status: 1 + SKIP_REASONS.indexOf(reason),
});
const failed = (bytes: number, error: PortableFileError): ReadResult => ({ bytes, status: STATUS_FAILED, error });

const { O_RDONLY, O_NONBLOCK, O_NOCTTY, O_NOFOLLOW } = constants;

/** Anything but a regular file: a directory fails, the others are skipped without being opened. */
function special(stats: Stats): ReadResult | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return failed(0, osError('EISDIR', 'is a directory'));
  if (stats.isSymbolicLink()) return skipped('symlink');
  if (stats.isFIFO()) return skipped('fifo');
  if (stats.isSocket()) return skipped('socket');
  return skipped('device');
}

function readRetrying(fd: number, buf: Buffer, length: number): number {
  for (;;) {
    try {
      return readSync(fd, buf, 0, length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EINTR') throw e;
    }
  }
}

/** Reads files with one reused buffer (one reader per thread: every call is synchronous). */
export class Reader {
  private buf = Buffer.allocUnsafe(0);

  /**
   * Scans `path` with every counter; `undefined` when `cancelled()` became true before
   * the file or one of its chunks, or the file would pass `readLimit`: it has no result.
   */
  scan(
    path: string | Buffer,
    counters: readonly PortableCounter[],
    o: ReaderOptions,
    hints: number,
    cancelled: () => boolean,
  ): ReadResult | undefined {
    if (cancelled()) return undefined;
    if (typeof path === 'string' ? path.includes('\0') : path.includes(0)) return failed(0, NUL_IN_PATH);
    const follow = o.follow || (hints & HINT_FOLLOW) !== 0;
    const flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | (follow ? 0 : O_NOFOLLOW);
    let fd = -1;
    let bytes = 0;
    try {
      let stats: Stats;
      if (hints & HINT_REGULAR) {
        fd = openSync(path, flags);
        stats = fstatSync(fd);
      } else {
        stats = follow ? statSync(path) : lstatSync(path);
      }
      const other = special(stats);
      if (other) return other;
      const size = stats.size;
      if (o.maxFilesize !== undefined && size > o.maxFilesize) return skipped('too-large');
      const overLimit = (read: number) => o.readLimit !== undefined && read > o.readLimit;
      if (overLimit(size)) return undefined;
      if (fd < 0) fd = openSync(path, flags);

      const chunk = Math.max(o.chunkSize, 1);
      if (this.buf.length < chunk) this.buf = Buffer.allocUnsafe(chunk);
      const scanners = counters.map((c) => new PortableScanner(c, o.full, o.hitLimit, o.histogram));
      // What the scanners count: the bytes as they are, or decoded (contract §1.3).
      const text = textStage(o.encoding, o.bomSniff);
      let allDone = false;
      for (let first = true; ;) {
        // Past the limit only when the size was unknown (procfs) or the file grew.
        if (cancelled() || overLimit(bytes)) return undefined;
        const n = readRetrying(fd, this.buf, chunk);
        if (n === 0) {
          // A file that still says `size` never held it (sysfs: 4096 said, a few bytes held).
          if (bytes < size && fstatSync(fd).size < size) {
            const message = `file shrank while being read: ${size} bytes expected, ${bytes} read`;
            return failed(bytes, customError('ESHRUNK', message));
          }
          // End-of-file where the size said nothing (procfs) or more than the content (sysfs):
          // what decoding holds back comes last.
          if (!o.readOnly) for (const s of scanners) s.feed(text.end(), true);
          break;
        }
        bytes += n;
        const data = text.push(this.buf.subarray(0, n));
        if (first && !o.scanBinary && data.indexOf(0) >= 0) return { ...skipped('binary'), bytes };
        // Still the first chunk while the first bytes are held (they may be a mark).
        first = data.length === 0;
        // A size of 0 may be a lie (procfs, sysfs): those are read until end-of-file.
        const last = size > 0 && bytes >= size;
        allDone = !o.readOnly;
        if (!o.readOnly) {
          // What decoding leaves pending at the end (none for UTF-8) follows the last chunk.
          const tail = last ? text.end() : undefined;
          for (const s of scanners) allDone = s.feed(data, last && tail!.length === 0) && allDone;
          if (tail?.length) for (const s of scanners) allDone = s.feed(tail, true) && allDone;
        }
        if (allDone || last) break;
      }
      const map = text.map!;
      const evaluations = scanners.map((s) => {
        s.setAsciiWidth(text.asciiWidth);
        return s.finish();
      });
      for (const e of evaluations) {
        if (e.offset != null) e.offset = map(e.offset);
        // (offset, line) pairs: the offsets are the even elements.
        if (e.hits) for (let i = 0; i < e.hits.length; i += 2) e.hits[i] = map(e.hits[i]!);
      }
      return { bytes, status: STATUS_SCANNED, counters: evaluations };
    } catch (e) {
      return failed(bytes, fromFsError(e));
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  }
}
