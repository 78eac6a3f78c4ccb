/**
 * merge: joins the `--json` documents of shards 1..N of one scan into the document a
 * single run would have printed: every record once, sorted by path, and the summary
 * recounted from them (wall time is the slowest shard's; threads add up).
 *
 * It refuses whatever would give a wrong answer rather than a partial one: a missing or
 * repeated shard, shards of different sizes or queries, a path in two shards.
 */
import { byPath } from '../codec/batch.js';
import { pathFromJson, pathOf } from '../core/path-bytes.js';
import type { FileRecord, Shard } from '../core/types.js';
import { MergeError } from '../core/errors.js';
import { Aggregator } from './aggregate.js';
import { describeQuery, sameQuery, type Query, type ScanDocument } from './query.js';
import { checkShard } from './shard.js';
import { checkKeys, show, typeError } from '../core/validate.js';

export { MergeError };

/** A parsed `--json` document and where it came from (for messages). */
export interface NamedDocument {
  name: string;
  doc: unknown;
}

type ShardDocument = ScanDocument & { shard: Shard; query: Query };

function checkDocument(name: string, doc: unknown): ShardDocument {
  const d = doc as Partial<ScanDocument>;
  if (
    typeof d !== 'object' ||
    d === null ||
    !Array.isArray(d.records) ||
    typeof d.summary !== 'object' ||
    d.summary === null
  ) {
    throw new MergeError(`${name} is not the output of charcount --json`);
  }
  if (d.shard === undefined)
    throw new MergeError(`${name} is not a shard's output: run each shard with --shard K/N --json`);
  try {
    checkShard(d.shard, 'shard');
  } catch (e) {
    throw new MergeError(`${name}: ${(e as Error).message}`);
  }
  if (typeof d.query !== 'object' || d.query === null)
    throw new MergeError(`${name} does not say which query it answers`);
  // A path that is not UTF-8 is `{ bytes: base64 }` in JSON: records hold it as `pathBytes`.
  const records = d.records.map((r) => {
    const named = typeof r === 'object' && r !== null ? pathFromJson(r.path) : undefined;
    if (!named || typeof r.bytes !== 'number') {
      throw new MergeError(`${name} holds a record that is not one: ${JSON.stringify(r).slice(0, 200)}`);
    }
    return typeof r.path === 'string' ? r : { ...r, ...named };
  });
  return { ...d, records } as ShardDocument;
}

export function mergeShards(inputs: NamedDocument[]): ScanDocument & { query: Query } {
  if (!Array.isArray(inputs)) throw typeError(`inputs must be an array of { name, doc }, got ${show(inputs)}`);
  inputs.forEach((input: unknown, i) => {
    const name = (input as Partial<NamedDocument> | null)?.name;
    if (typeof input !== 'object' || input === null || typeof name !== 'string') {
      throw typeError(`inputs[${i}] must be an object { name, doc } with a string name, got ${show(input)}`);
    }
    checkKeys(`mergeShards(): inputs[${i}]`, input, ['name', 'doc'], 'key');
  });
  if (inputs.length === 0) throw new MergeError('no shard outputs to merge');
  const docs = inputs.map(({ name, doc }) => ({ name, doc: checkDocument(name, doc) }));
  const first = docs[0]!;
  const { count } = first.doc.shard;
  const byIndex = new Map<number, string>();
  for (const { name, doc } of docs) {
    if (doc.shard.count !== count) {
      throw new MergeError(
        `${name} is shard ${doc.shard.index}/${doc.shard.count}, but ${first.name} is one of ${count}`,
      );
    }
    const twin = byIndex.get(doc.shard.index);
    if (twin !== undefined) throw new MergeError(`${twin} and ${name} are both shard ${doc.shard.index}/${count}`);
    byIndex.set(doc.shard.index, name);
    if (!sameQuery(doc.query, first.doc.query)) {
      throw new MergeError(
        `${name} answers ${describeQuery(doc.query)}, but ${first.name} answers ${describeQuery(first.doc.query)}`,
      );
    }
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((k) => !byIndex.has(k));
  if (missing.length)
    throw new MergeError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${count}`).join(', ')} missing`,
    );

  const owner = new Map<string, string>();
  const records: FileRecord[] = [];
  for (const { name, doc } of docs) {
    for (const r of doc.records) {
      const path = pathOf(r);
      const other = owner.get(path);
      if (other !== undefined) {
        throw new MergeError(
          `${r.path} is in both ${other} and ${name}: were the shards run on the same tree with the same options?`,
        );
      }
      owner.set(path, name);
      records.push(r);
    }
  }
  records.sort(byPath);

  const summaries = docs.map((d) => d.doc.summary);
  const agg = new Aggregator(
    1,
    summaries.reduce((n, s) => n + s.threads, 0),
    false,
    first.doc.query.histogram === true,
  );
  for (const r of records) agg.add(r);
  agg.discovered = summaries.reduce((n, s) => n + s.filesDiscovered, 0);
  // A shard of an older version has no back end: it was native, the only one then.
  if (summaries.some((s) => s.backend === 'portable')) agg.backend = 'portable';
  const elapsedMs = Math.max(...summaries.map((s) => s.elapsedMs));
  const summary = agg.summary(
    summaries.some((s) => s.aborted),
    elapsedMs,
  );
  return { query: first.doc.query, summary, records };
}
