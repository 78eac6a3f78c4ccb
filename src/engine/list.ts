/**
 * listFiles: the files a scan with the same options would read, found and not read
 * (`charcount --files`, as `rg --files`).
 */
import { abortError } from '../core/errors.js';
import { recordPath } from '../core/path-bytes.js';
import type { FileError } from '../core/types.js';
import { discover, type Discovered } from './discover.js';
import { resolveListing, type ListingOptions, type ResolvedDiscovery } from './options.js';
import { inShard } from './shard.js';

/** A file a scan would read, or a path that could not be listed and why. */
export interface ListedFile {
  /** As records show it: for a name that is not UTF-8, its text with U+FFFD (see `pathBytes`). */
  path: string;
  /** Only for a name that is not valid UTF-8: its exact bytes. */
  pathBytes?: Uint8Array;
  error?: FileError;
}

/** What discovery finds, a walk step at a time. @internal */
export async function* listBatches(o: ResolvedDiscovery): AsyncGenerator<Discovered[]> {
  const source = o.shard ? inShard(discover(o), o.shard) : discover(o);
  for await (const batch of source) {
    if (o.signal?.aborted) throw abortError(o.signal);
    yield batch;
  }
}

/**
 * The files `scan()` with these options would read, in discovery order, without reading
 * them. Its options are checked on the call, as `scan()`'s are; nothing is read until it is
 * iterated.
 */
export function listFiles(options: ListingOptions = {}): AsyncGenerator<ListedFile> {
  return listed(resolveListing(options));
}

async function* listed(o: ResolvedDiscovery): AsyncGenerator<ListedFile> {
  for await (const batch of listBatches(o)) {
    for (const d of batch) yield d.error ? { ...recordPath(d.path), error: d.error } : recordPath(d.path);
  }
}
