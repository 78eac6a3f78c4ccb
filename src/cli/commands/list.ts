/** `charcount --files`: the paths a scan would read, none read (as `rg --files`). */
import { byPath } from '../../codec/batch.js';
import { isAbortOf } from '../../core/errors.js';
import { bytesOfPath, hasEscapes, recordPath } from '../../core/path-bytes.js';
import { listBatches } from '../../engine/list.js';
import { LISTING_OPTIONS, resolveListing, type ListingOptions } from '../../engine/options.js';
import type { FlagValues } from '../flags.js';
import { fileErrorLine, warningLine, type Output } from '../report/reporters.js';
import { reportOutputError, stderr } from '../streams.js';

/** Paths, each followed by `separator`; a name that is not UTF-8 as its bytes, as rg writes it. */
function listed(paths: string[], separator: string): string | Buffer {
  if (!paths.some(hasEscapes)) return paths.join(separator) + separator;
  return Buffer.concat(paths.flatMap((p) => [bytesOfPath(p), Buffer.from(separator)]));
}

export async function listCommand(
  asked: ListingOptions,
  o: Pick<FlagValues, 'quiet' | 'sort' | 'null' | 'messages'>,
  out: Output,
  interruption: { status: number | undefined },
): Promise<number> {
  const separator = o.null ? '\0' : '\n';
  let found = 0;
  let errors = 0;
  const held: string[] | undefined = o.sort === 'path' ? [] : undefined;
  try {
    const listing = resolveListing(listingOf(asked));
    if (o.messages) listing.onIgnoreWarning = (message) => stderr().write(warningLine(message));
    for await (const batch of listBatches(listing)) {
      const paths: string[] = [];
      for (const d of batch) {
        if (d.error) {
          errors++;
          if (o.messages) stderr().write(fileErrorLine({ ...recordPath(d.path), error: d.error }));
        } else {
          found++;
          if (held) held.push(d.path);
          else if (!o.quiet) paths.push(d.path);
        }
      }
      if (o.quiet && found > 0) break;
      if (paths.length) await out.write(listed(paths, separator));
      if (out.isClosed) break;
    }
  } catch (e) {
    if (!isAbortOf(e, asked.signal)) throw e;
  }
  if (held && !o.quiet) {
    held.sort((a, b) => byPath({ path: a }, { path: b }));
    for (let i = 0; i < held.length && !out.isClosed; i += 4096) {
      await out.write(listed(held.slice(i, i + 4096), separator));
    }
  }
  await out.flush();
  if (interruption.status !== undefined) return interruption.status;
  if (reportOutputError()) return 2;
  if (o.quiet && found > 0) return 0;
  return errors > 0 ? 2 : found > 0 ? 0 : 1;
}

/** Of the run's options, those a listing takes. */
const listingOf = (o: ListingOptions): ListingOptions =>
  Object.fromEntries(LISTING_OPTIONS.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
