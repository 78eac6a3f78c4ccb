/**
 * decoded-scan: the files the native reader does not read itself, scanned on the worker
 * thread — compressed files (`searchZip`: zlib in process for gzip, brotli and zlib
 * streams; the system's `xz`, `bzip2`, `zstd`, `lz4`, `uncompress` for the others, as
 * ripgrep does) and encodings other than UTF-8 and UTF-16 (through core/decode.ts). The
 * bytes go through a `TextStage` into the native streaming scanners (those under
 * `Counter.stream()`), so the counting rules are the native ones (contract §1.3, §2.3).
 *
 * A file is classified as the native reader does (stat before open, never opening what is
 * not a regular file; `O_NONBLOCK | O_NOCTTY`, `O_NOFOLLOW` unless following) and read in
 * 256 KiB chunks, one at a time: memory stays constant whatever the size, compressed or
 * not. Binary detection looks at the text decoded from the first 256 KiB of the stream,
 * early exit stops reading (and decompressing) at the answer, and with a compressed file
 * `maxFilesize` limits the decompressed stream, whose bytes are what `bytes` and offsets
 * count. A corrupt stream, or a decompressor that is missing or fails, is an error record.
 */
import { constants, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';
import { decompressorFor, type Decompressor } from './compression.js';
import { NATIVE_ENCODINGS, textStage, type TextStage } from './decode.js';
import type { Backend, CounterHandle, ReadOptions } from '../backends/backend.js';
import { fsErrorOf } from '../core/fs-error.js';
import type { ReadRules } from '../core/spec.js';
import { bytesOfPath, hasEscapes } from '../core/path-bytes.js';
import type { Evaluation, FileError, SkipReason } from '../core/types.js';
import { HINT_FOLLOW, HINT_REGULAR } from '../core/wire-format.js';

// Node's stream, zlib, process and promise modules load with the first file read here: a
// thread that reads every file natively (nearly every run) boots without them.
const load = createRequire(import.meta.url);
let modules:
  | {
      childProcess: typeof import('node:child_process');
      events: typeof import('node:events');
      fs: typeof import('node:fs/promises');
      stream: typeof import('node:stream');
      zlib: typeof import('node:zlib');
    }
  | undefined;
function lazy(): NonNullable<typeof modules> {
  return (modules ??= {
    childProcess: load('node:child_process') as typeof import('node:child_process'),
    events: load('node:events') as typeof import('node:events'),
    fs: load('node:fs/promises') as typeof import('node:fs/promises'),
    stream: load('node:stream') as typeof import('node:stream'),
    zlib: load('node:zlib') as typeof import('node:zlib'),
  });
}

/** Bytes a read (and the first chunk that binary detection looks at), as the native reader. */
const CHUNK = 256 * 1024;

/** The read rules that decide where a file is read: natively, or here. */
export type DecodeRules = Partial<Pick<ReadRules, 'encoding' | 'bomSniff' | 'searchZip'>>;

function decompressorOf(path: string, rules: DecodeRules): Decompressor | undefined {
  return rules.searchZip ? decompressorFor(path) : undefined;
}

/** True when the file is read here, not by the native reader. */
export function readHere(path: string, rules: DecodeRules): boolean {
  return !NATIVE_ENCODINGS.has(rules.encoding ?? 'utf-8') || decompressorOf(path, rules) !== undefined;
}

/** True when some file of a run may be read here. */
export function mayReadHere(rules: DecodeRules): boolean {
  return !NATIVE_ENCODINGS.has(rules.encoding ?? 'utf-8') || rules.searchZip === true;
}

/** How a file is read here: the native reader's options of the same names. */
export type FileRules = DecodeRules &
  Pick<ReadOptions, 'full' | 'maxHits' | 'histogram' | 'scanBinary' | 'follow' | 'maxFilesize' | 'cancel'>;

/** One file's result, as the native reader's. */
export type FileScan =
  | { bytes: number; results: Evaluation[] }
  | { bytes: number; skipped: SkipReason }
  | { bytes: number; error: FileError };

/** A failure of reading the file itself, told apart from the decompressor's. */
class ReadFailure extends Error {
  constructor(readonly fileError: FileError) {
    super(fileError.message);
  }
}

/** A decompressor that cannot run, or that failed. */
class DecompressFailure extends Error {
  constructor(readonly fileError: FileError) {
    super(fileError.message);
  }
}

const cancelled = (rules: FileRules) => rules.cancel !== undefined && Atomics.load(rules.cancel, 0) !== 0;

/**
 * Scans one file (`path` as reported, read relative to `cwd`); `undefined` when `cancel`
 * stopped it (the file then has no result).
 */
export async function scanFile(
  backend: Backend,
  path: string,
  cwd: string,
  hints: number,
  counters: readonly CounterHandle[],
  rules: FileRules,
): Promise<FileScan | undefined> {
  if (cancelled(rules)) return undefined;
  // Joined as the native reader joins (no normalising of `..`); an empty path stays empty.
  const full = path === '' || isAbsolute(path) ? path : `${cwd}/${path}`;
  const opened = await openRegular(
    hasEscapes(full) ? bytesOfPath(full) : full,
    rules.follow === true || (hints & HINT_FOLLOW) !== 0,
    hints,
  );
  if (!('file' in opened)) return opened;
  const { file, size } = opened;
  const progress = { bytes: 0 };
  try {
    const decompressor = decompressorOf(path, rules);
    if (!decompressor && rules.maxFilesize !== undefined && size > rules.maxFilesize) {
      return { bytes: 0, skipped: 'too-large' };
    }
    const source = decompressor ? decompressed(file, decompressor) : fileChunks(file, size);
    const stage = textStage(rules.encoding ?? 'utf-8', rules.bomSniff ?? true);
    const limit = decompressor ? rules.maxFilesize : undefined;
    return await countStream(backend, source, stage, counters, rules, limit, progress);
  } catch (e) {
    // Anything else is a defect: the task fails, and the run loop retries the file alone.
    if (e instanceof ReadFailure || e instanceof DecompressFailure)
      return { bytes: progress.bytes, error: e.fileError };
    throw e;
  } finally {
    await file.close();
  }
}

/**
 * Reads `source` through `stage` into `counters`; `limit`: the most bytes before too-large;
 * `progress.bytes` counts what was read. Offsets in the results (the first hit's, every
 * listed hit's) are the stream's. Exported for the tests, which feed it chunks.
 *
 * `asArrives`: the source is a stream that may wait for its writer (standard input), not a
 * file: each piece is counted as it arrives, and the first 256 KiB are checked for NUL
 * bytes piece by piece as far as they are read, instead of being gathered first.
 */
export async function countStream(
  backend: Backend,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  stage: TextStage,
  counters: readonly CounterHandle[],
  rules: FileRules,
  limit?: number,
  progress = { bytes: 0 },
  asArrives = false,
): Promise<FileScan | undefined> {
  const full = rules.full === true;
  const maxHits = rules.maxHits;
  // The scanners themselves, not `CounterStream`s: a file is fed synchronously, chunk by
  // chunk, and each feed says whether the answer is known.
  const scanners = counters.map((c) => backend.createScanner(c, { full, maxHits, histogram: rules.histogram }));
  const done = counters.map(() => false);
  const located = counters.map(() => new Located());
  let locating = true;
  let settled = false;
  const feed = (data: Uint8Array) => {
    if (!data.length) return;
    let all = true;
    scanners.forEach((s, i) => {
      if (!done[i]) done[i] = backend.scannerFeed(s, data);
      all &&= done[i];
    });
    settled = all;
    if (stage.map === undefined && locating) locateNew();
  };
  // For a stage without arithmetic: the hits found in the output just fed, located there.
  const locateNew = () => {
    const found: { at: number; put: (offset: number) => void }[] = [];
    scanners.forEach((s, i) => located[i]!.found(backend.scannerFinish(s), maxHits, found));
    if (found.length) {
      found.sort((a, b) => a.at - b.at);
      const offsets = stage.locate(found.map((f) => f.at));
      found.forEach((f, k) => f.put(offsets[k]!));
    }
    if (located.every((l) => l.complete)) {
      locating = false;
      stage.stopLocating();
    }
  };

  // The first chunk is gathered to 256 KiB (decompressors give smaller pieces): binary
  // detection sees what the native reader's first read would.
  let first: Uint8Array[] | undefined = [];
  let firstBytes = 0;
  const binary = (data: Uint8Array) => !rules.scanBinary && data.includes(0);
  const startWith = (chunks: Uint8Array[], ended: boolean): FileScan | undefined => {
    const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    const data = stage.push(raw);
    if (binary(data)) return { bytes: progress.bytes, skipped: 'binary' };
    // Fed one output at a time: hits are located in the output that holds them.
    feed(data);
    if (!ended) return undefined;
    const tail = stage.end();
    if (binary(tail)) return { bytes: progress.bytes, skipped: 'binary' };
    feed(tail);
    return undefined;
  };
  let ended = true;
  for await (const chunk of source) {
    if (cancelled(rules)) return undefined;
    progress.bytes += chunk.length;
    if (limit !== undefined && progress.bytes > limit) return { bytes: progress.bytes, skipped: 'too-large' };
    if (first && asArrives) {
      // What arrived is counted now; only its part within the first 256 KiB is checked.
      const head = chunk.subarray(0, CHUNK - firstBytes);
      firstBytes += head.length;
      if (firstBytes >= CHUNK) first = undefined;
      const data = stage.push(head);
      if (binary(data)) return { bytes: progress.bytes, skipped: 'binary' };
      feed(data);
      if (head.length < chunk.length) feed(stage.push(chunk.subarray(head.length)));
    } else if (first) {
      first.push(chunk);
      firstBytes += chunk.length;
      if (firstBytes < CHUNK) continue;
      const skip = startWith(first, false);
      first = undefined;
      if (skip) return skip;
    } else {
      feed(stage.push(chunk));
    }
    if (settled && !full) {
      ended = false;
      break;
    }
  }
  if (first) {
    const skip = startWith(first, true);
    if (skip) return skip;
  } else if (ended) {
    feed(stage.end());
  }
  const map = stage.map;
  const results = scanners.map((s, i): Evaluation => {
    const r = backend.scannerFinish(s, stage.asciiWidth);
    if (map) {
      if (r.offset !== null) r.offset = map(r.offset);
      for (let h = 0; r.hits && h < r.hits.length; h += 2) r.hits[h] = map(r.hits[h]!);
      return r;
    }
    return located[i]!.applyTo(r);
  });
  return { bytes: progress.bytes, results };
}

/** One counter's hits in the stream, located as the outputs holding them are fed. */
class Located {
  first: number | undefined;
  /** Listed hits located so far, in order. */
  hits: number[] = [];
  /** Nothing more to locate: the first hit is, and every hit that will be listed. */
  complete = false;

  /** Adds to `found` what `r` has that is not located yet. */
  found(r: Evaluation, maxHits: number | undefined, found: { at: number; put: (o: number) => void }[]): void {
    if (this.complete) return;
    if (this.first === undefined && r.offset !== null) found.push({ at: r.offset, put: (o) => (this.first = o) });
    const listed = (r.hits?.length ?? 0) / 2;
    for (let j = this.hits.length; j < listed; j++) {
      this.hits.push(NaN);
      found.push({ at: r.hits![2 * j]!, put: (o) => (this.hits[j] = o) });
    }
    const allListed = maxHits === undefined || r.hitsTruncated === true || listed >= maxHits;
    this.complete = r.offset !== null && allListed;
  }

  /** `r` (the final evaluation) with its offsets in the stream. */
  applyTo(r: Evaluation): Evaluation {
    if (r.offset !== null) r.offset = this.first!;
    for (let h = 0; r.hits && h < r.hits.length; h += 2) r.hits[h] = this.hits[h / 2]!;
    return r;
  }
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/** What is not a regular file: a skip, or for a directory an error (contract §2.3). */
function notRegular(st: Stats): FileScan | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return { bytes: 0, error: { code: 'EISDIR', message: 'is a directory' } };
  const skipped: SkipReason = st.isSymbolicLink()
    ? 'symlink'
    : st.isFIFO()
      ? 'fifo'
      : st.isSocket()
        ? 'socket'
        : 'device';
  return { bytes: 0, skipped };
}

/** Opens a regular file as the native reader does, or says why not. */
async function openRegular(
  path: string | Buffer,
  follow: boolean,
  hints: number,
): Promise<{ file: FileHandle; size: number } | FileScan> {
  const flags = OPEN_FLAGS | (follow ? 0 : constants.O_NOFOLLOW);
  const { open, stat, lstat } = lazy().fs;
  try {
    if (hints & HINT_REGULAR) {
      // The walker saw a regular file: open first, then check what was opened.
      const file = await open(path, flags);
      const st = await file.stat().catch(async (e: unknown) => {
        await file.close();
        throw e;
      });
      const other = notRegular(st);
      if (other) {
        await file.close();
        return other;
      }
      return { file, size: st.size };
    }
    const st = follow ? await stat(path) : await lstat(path);
    const other = notRegular(st);
    if (other) return other;
    return { file: await open(path, flags), size: st.size };
  } catch (e) {
    return { bytes: 0, error: fsErrorOf(e) };
  }
}

/**
 * Whether a file that ended before `size` bytes has shrunk: it now says fewer. One that
 * still says `size` never held it (sysfs attributes say 4096 bytes and hold a few).
 */
const shrank = (file: FileHandle, size: number) =>
  file.stat().then(
    (st) => st.size < size,
    () => true,
  );

/**
 * The file's bytes, 256 KiB at a time: up to its size at the `stat` (`ESHRUNK` if it ends
 * first and the file now says less), or to its end when the size says 0 (procfs) or more
 * than it holds (sysfs). Each chunk is a new buffer: a decompressor may still hold the last
 * one.
 */
async function* fileChunks(file: FileHandle, size: number, exact = true): AsyncGenerator<Uint8Array> {
  let read = 0;
  for (;;) {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let n: number;
    try {
      ({ bytesRead: n } = await file.read(buffer, 0, CHUNK, null));
    } catch (e) {
      throw new ReadFailure(fsErrorOf(e));
    }
    if (n === 0) {
      if (exact && read < size && (await shrank(file, size))) {
        const message = `file shrank while being read: ${size} bytes expected, ${read} read`;
        throw new ReadFailure({ code: 'ESHRUNK', message });
      }
      return;
    }
    read += n;
    yield buffer.subarray(0, n);
    if (exact && size > 0 && read >= size) return;
  }
}

/** The decompressed stream of `file`; stopping early ends the decompressor. */
async function* decompressed(file: FileHandle, d: Decompressor): AsyncGenerator<Uint8Array> {
  if ('zlib' in d) {
    const z = d.zlib();
    // pipeline ends both streams on an error or when the consumer stops, and hands a read
    // failure (a ReadFailure) on to `z`'s readers.
    const { pipeline, Readable } = lazy().stream;
    pipeline(Readable.from(fileChunks(file, 0, false), { objectMode: false }), z, () => {});
    try {
      yield* z as AsyncIterable<Uint8Array>;
    } catch (e) {
      if (e instanceof ReadFailure) throw e;
      const message = `${d.format}: ${e instanceof Error ? e.message : String(e)}`;
      throw new DecompressFailure({ code: 'EDECOMPRESS', message });
    } finally {
      z.destroy();
    }
    return;
  }
  yield* fromProgram(file, d);
}

/** Runs `d.program` on the file (as its stdin) and yields its output. */
async function* fromProgram(
  file: FileHandle,
  d: { format: string; program: string; args: string[] },
): AsyncGenerator<Uint8Array> {
  const { childProcess, events } = lazy();
  const child = childProcess.spawn(d.program, d.args, { stdio: [file.fd, 'pipe', 'pipe'] });
  const stdout = child.stdout!;
  const stderrStream = child.stderr!;
  try {
    await events.once(child, 'spawn');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new DecompressFailure({
      code: missing ? 'ENOPROGRAM' : 'EDECOMPRESS',
      message: missing
        ? `${d.program} is not installed: it is needed to read ${d.format} files`
        : `${d.program}: ${fsErrorOf(e).message}`,
    });
  }
  let stderr = '';
  stderrStream.setEncoding('utf8');
  stderrStream.on('data', (text: string) => {
    if (stderr.length < 4096) stderr += text;
  });
  const exited = events.once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  let finished = false;
  try {
    yield* stdout as AsyncIterable<Uint8Array>;
    const [code, signal] = await exited;
    finished = true;
    if (code !== 0) {
      const line = stderr.trim().split('\n')[0] || (signal ? `killed by ${signal}` : `exit status ${code}`);
      throw new DecompressFailure({ code: 'EDECOMPRESS', message: `${d.program}: ${line}` });
    }
  } finally {
    if (!finished) {
      // Stopped early (the answer is known, or the run was cancelled): no more output
      // needed. The child is ended and waited for before the file's scan returns, so that
      // nothing can end this thread between the two: a child whose thread has ended is
      // never reaped (a zombie for the life of the process).
      stdout.destroy();
      child.kill();
      await exited;
    }
  }
}
