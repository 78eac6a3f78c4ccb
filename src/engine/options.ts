/**
 * `scan()` options: their types, defaults and checks. Every check names the option and
 * the value given, with `TypeError` for the wrong kind and `RangeError` out of range.
 */
import { isUtf8 } from 'node:buffer';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counter, DEFAULT_MAX_HITS } from '../scan/counter.js';
import { checkEncoding } from '../scan/decode.js';
import { backend } from '../backends/select.js';
import { hasEscapes, pathFromText } from '../core/path-bytes.js';
import { SCAN_SETTINGS, type ReadRules, type ScanSettings } from '../core/spec.js';
import { fsErrorOf } from '../core/fs-error.js';
import type { FileError, Shard } from '../core/types.js';
import { checkBoolean, checkInteger, checkKeys, checkRedisUrl, rangeError, show, typeError } from '../core/validate.js';
import { typeGlobs, typeTable } from './file-types.js';
import { resolveAsOpened, type DiscoverOptions } from './discover.js';
import { queryOf, type Query } from './query.js';
import { TASK_FILES } from './sizing.js';
import { checkShard } from './shard.js';

/** `scan()`'s options: the run's settings (core/spec.ts) and its counter or counters. */
export interface ScanOptions extends ScanSettings {
  /** The counter to answer, or… */
  counter?: Counter;
  /** …several, answered from one read of each file. */
  counters?: Counter[];
}

/** The options that choose files, by name (`listFiles()` takes only these). */
const DISCOVERY_OPTIONS = [
  'patterns',
  'cwd',
  'ignoreFiles',
  'vcsIgnoreFiles',
  'extraIgnoreFiles',
  'globs',
  'iglobs',
  'exclude',
  'ignore',
  'types',
  'typeDefinitions',
  'maxDepth',
  'hidden',
  'follow',
  'shard',
  'signal',
] as const satisfies readonly (keyof ScanSettings)[];

/** The options that choose files (`listFiles()` takes only these). */
export type DiscoveryOptions = Pick<ScanOptions, (typeof DISCOVERY_OPTIONS)[number]>;

/** `scan()`'s options by name: the settings and the counters. */
const SCAN_OPTIONS: readonly string[] = [...SCAN_SETTINGS, 'counter', 'counters'] satisfies (keyof ScanOptions)[];

export interface ResolvedDiscovery extends DiscoverOptions {
  shard: Shard | undefined;
  signal: AbortSignal | undefined;
}

/** `scanFiles()` options: those of `scan()` but `patterns`, and `ordered`. */
export interface ScanFilesOptions extends Omit<ScanOptions, 'patterns'> {
  /**
   * Records in the order of the list given, rather than as files finish: a record that
   * finishes early is held until those before it have come.
   * @default false
   */
  ordered?: boolean;
}

/** `scanFiles()`'s options by name. */
const SCAN_FILES_OPTIONS: readonly string[] = [...SCAN_OPTIONS.filter((k) => k !== 'patterns'), 'ordered'];

/** A setting as it is once resolved: present, and never `undefined`. */
type Defined<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };

/** Every option checked and defaulted; how files are read is `read`, as every task gets it. */
export interface ResolvedOptions
  extends
    ResolvedDiscovery,
    Defined<Pick<ScanSettings, 'threads' | 'allHits' | 'sort' | 'progressIntervalMs' | 'batchSize'>>,
    Pick<ScanSettings, 'onProgress' | 'queue' | 'onWarning'> {
  counters: Counter[];
  /** Records hold `counters: [...]` (several counters were given) rather than one counter's fields. */
  multi: boolean;
  read: ReadRules;
  ordered: boolean;
  /** What the run answers (query.ts); with several counters, none (a query names one). */
  query: Query | undefined;
}

function stringList(name: string, value: unknown, fallback: string[]): string[] {
  if (value === undefined) return fallback;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((p) => typeof p === 'string' && p !== '')) {
    throw typeError(`${name} must be a non-empty string or an array of them, got ${show(value)}`);
  }
  return list;
}

function resolveTypes(o: DiscoveryOptions): string[] {
  const defs = o.typeDefinitions;
  if (
    defs !== undefined &&
    (typeof defs !== 'object' ||
      defs === null ||
      !Object.values(defs).every((g) => Array.isArray(g) && g.every((x) => typeof x === 'string' && x !== '')))
  ) {
    throw typeError(`typeDefinitions must be an object of non-empty glob arrays, got ${show(defs)}`);
  }
  const selections = stringList('types', o.types, []);
  if (selections.length === 0) return [];
  try {
    return typeGlobs(selections, typeTable(defs));
  } catch (e) {
    throw rangeError(`types: ${(e as Error).message}`);
  }
}

/** The options of a listing (`listFiles()`, `--files`): those that choose files, and the size a scan skips past. */
export const LISTING_OPTIONS = [...DISCOVERY_OPTIONS, 'maxFilesize'] as const;
export type ListingOptions = Pick<ScanOptions, (typeof LISTING_OPTIONS)[number]>;

/**
 * `listFiles()`'s options, checked and defaulted: of what a walk finds, only what a scan
 * with these options reads (regular files, none over `maxFilesize`), as `rg --files` lists them.
 */
export function resolveListing(o: ListingOptions): ResolvedDiscovery {
  if (typeof o === 'object' && o !== null) checkKeys('listFiles()', o, LISTING_OPTIONS);
  const resolved = resolveDiscovery(o);
  const maxFilesize = maxFilesizeOf(o);
  return { ...resolved, listing: { maxFilesize } };
}

/** The options that choose files, checked and defaulted. */
export function resolveDiscovery(o: DiscoveryOptions): ResolvedDiscovery {
  if (typeof o !== 'object' || o === null) throw typeError(`options must be an object, got ${show(o)}`);
  if (o.cwd !== undefined && (typeof o.cwd !== 'string' || o.cwd === '')) {
    throw typeError(`cwd must be a non-empty string, got ${show(o.cwd)}`);
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw typeError(`signal must be an AbortSignal, got ${show(o.signal)}`);
  }
  const flag = (name: 'hidden' | 'follow') => (o[name] === undefined ? false : checkBoolean(name, o[name]));
  const resolved: ResolvedDiscovery = {
    backend: backend(),
    // A lone surrogate in a caller's string is U+FFFD, as Node opens it (path-bytes.ts).
    patterns: stringList('patterns', o.patterns, ['.']).map(pathFromText),
    // As the OS resolves it: `lnk/..` is the parent of where the link points.
    cwd: resolveAsOpened(process.cwd(), pathFromText(o.cwd ?? process.cwd())),
    ignoreFiles: o.ignoreFiles === undefined ? true : checkBoolean('ignoreFiles', o.ignoreFiles),
    vcsIgnoreFiles: o.vcsIgnoreFiles === undefined ? true : checkBoolean('vcsIgnoreFiles', o.vcsIgnoreFiles),
    extraIgnoreFiles: [],
    globs: stringList('globs', o.globs, []),
    iglobs: stringList('iglobs', o.iglobs, []),
    // After every other glob (`iglobs` too), so that what they name stays out.
    excludes: [...stringList('ignore', o.ignore, []), ...stringList('exclude', o.exclude, [])].map((g) => `!${g}`),
    typeGlobs: resolveTypes(o),
    maxDepth: o.maxDepth === undefined ? undefined : checkInteger('maxDepth', o.maxDepth),
    hidden: flag('hidden'),
    follow: flag('follow'),
    shard: o.shard === undefined ? undefined : checkShard(o.shard),
    signal: o.signal,
  };
  const givenIgnoreFiles = stringList('extraIgnoreFiles', o.extraIgnoreFiles, []);
  resolved.extraIgnoreFiles = givenIgnoreFiles.map((file, i) =>
    ignoreFileOf(`extraIgnoreFiles[${i}]`, resolveAsOpened(resolved.cwd, pathFromText(file)), file, resolved.cwd),
  );
  // What a warning names: each as given (a kept copy given back: as its file was given).
  resolved.ignoreFileNames = new Map(
    resolved.extraIgnoreFiles.map((read, i) => [read, copiedFrom.get(givenIgnoreFiles[i]!) ?? givenIgnoreFiles[i]!]),
  );
  // The walker compiles the globs when it is made (it reads nothing then): a glob that does
  // not parse is a RangeError now, not a failure midway through a run.
  try {
    resolved.backend.createWalker('', resolved.cwd, false, false, {
      globs: resolved.globs,
      iglobs: resolved.iglobs,
      excludes: resolved.excludes,
      types: resolved.typeGlobs,
    });
  } catch (e) {
    throw badGlob(o, resolved.cwd) ?? rangeError((e as Error).message.replace(/^options\./, ''));
  }
  return resolved;
}

/** Why `glob` does not compile as one of the walker's `kind` of glob, or undefined. */
function globProblem(cwd: string, kind: 'globs' | 'iglobs' | 'types', glob: string): string | undefined {
  try {
    backend().createWalker('', cwd, false, false, { [kind]: [glob] });
    return undefined;
  } catch (e) {
    const message = (e as Error).message;
    // The core's words, less its own naming of the option and the glob.
    return /^options\.\w+\[\d+\] is not a valid glob \("(?:[^"\\]|\\.)*"\): (.*)$/s.exec(message)?.[1] ?? message;
  }
}

/**
 * The glob that does not parse, named as the caller gave it: its option and index (`ignore[1]`,
 * not the `globs` entry it becomes), a type's by its definition (`typeDefinitions.foo[0]`,
 * only for types selected, as ripgrep).
 */
function badGlob(o: DiscoveryOptions, cwd: string): RangeError | undefined {
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : typeof v === 'string' ? [v] : v);
  const selected = new Set(list(o.types).map((t) => t.replace(/^!/, '')));
  const definitions = Object.entries(o.typeDefinitions ?? {}).filter(
    ([name]) => selected.has(name) || selected.has('all'),
  );
  const sources: [string, 'globs' | 'iglobs' | 'types', string[]][] = [
    ['globs', 'globs', list(o.globs)],
    ['iglobs', 'iglobs', list(o.iglobs)],
    ['ignore', 'globs', list(o.ignore)],
    ['exclude', 'globs', list(o.exclude)],
    ...definitions.map(([name, globs]): [string, 'types', string[]] => [`typeDefinitions.${name}`, 'types', globs]),
  ];
  for (const [name, kind, globs] of sources) {
    for (const [i, glob] of globs.entries()) {
      const why = globProblem(cwd, kind, glob);
      if (why !== undefined) return rangeError(`${name}[${i}] is not a valid glob (${JSON.stringify(glob)}): ${why}`);
    }
  }
  return undefined;
}

/**
 * Every option checked and defaulted, in one place. `ordered` is for a list of files
 * (`files`): a search has no order of the caller's to keep.
 */
export function resolveOptions(o: ScanOptions & Pick<ScanFilesOptions, 'ordered'>, files = false): ResolvedOptions {
  if (typeof o !== 'object' || o === null) throw typeError(`options must be an object, got ${show(o)}`);
  if (!files && o.ordered !== undefined) {
    throw typeError(
      'ordered is an option of scanFiles(): scan() reports files as they finish (sort: true sorts its result by path)',
      'ERR_UNKNOWN_OPTION',
    );
  }
  if (files && (o as ScanOptions).patterns !== undefined) {
    throw typeError(
      'patterns is an option of scan(): scanFiles() reads the paths it is given, as given',
      'ERR_UNKNOWN_OPTION',
    );
  }
  checkKeys(files ? 'scanFiles()' : 'scan()', o, files ? SCAN_FILES_OPTIONS : SCAN_OPTIONS);
  if ((o.counter === undefined) === (o.counters === undefined)) {
    throw typeError('options must have exactly one of counter or counters', 'ERR_INVALID_ARG_VALUE');
  }
  const counters = o.counter !== undefined ? [o.counter] : o.counters;
  if (!Array.isArray(counters) || counters.length === 0 || !counters.every((c) => c instanceof Counter)) {
    throw typeError(
      `${o.counter !== undefined ? 'counter must be a Counter' : 'counters must be a non-empty array of Counters'}, got ${show(o.counter ?? o.counters)}`,
    );
  }
  if (o.binary !== undefined && o.binary !== 'skip' && o.binary !== 'scan') {
    throw rangeError(`binary must be 'skip' or 'scan', got ${show(o.binary)}`);
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw typeError(`onProgress must be a function, got ${show(o.onProgress)}`);
  }
  if (o.onWarning !== undefined && typeof o.onWarning !== 'function') {
    throw typeError(`onWarning must be a function, got ${show(o.onWarning)}`);
  }
  const flag = (name: keyof ScanOptions) => (o[name] === undefined ? false : checkBoolean(name, o[name]));
  const allHits = flag('allHits');
  if (o.maxHits !== undefined && !allHits) {
    throw typeError(`maxHits needs allHits: true, got maxHits ${show(o.maxHits)} without it`, 'ERR_INVALID_ARG_VALUE');
  }
  const histogram = flag('histogram');
  if (histogram && allHits) throw typeError('histogram cannot be combined with allHits: true', 'ERR_INVALID_ARG_VALUE');
  const encoding = o.encoding === undefined ? 'utf-8' : checkEncoding('encoding', o.encoding);
  const maxHits = !allHits
    ? undefined
    : o.maxHits === undefined
      ? DEFAULT_MAX_HITS
      : checkInteger('maxHits', o.maxHits, 1);
  const fullScan = flag('fullScan');
  const encodingSniff = o.encodingSniff === undefined || checkBoolean('encodingSniff', o.encodingSniff);
  const searchZip = flag('searchZip');
  return {
    ...resolveDiscovery(o),
    counters,
    multi: o.counters !== undefined,
    threads: o.threads === undefined ? availableParallelism() : checkInteger('threads', o.threads, 1, 1024),
    read: {
      full: fullScan || histogram,
      maxHits,
      histogram,
      scanBinary: o.binary === 'scan',
      follow: o.follow ?? false,
      maxFilesize: maxFilesizeOf(o),
      encoding: encoding === 'none' ? 'utf-8' : encoding,
      bomSniff: encoding !== 'none' && encodingSniff,
      searchZip,
    },
    allHits,
    sort: flag('sort'),
    onProgress: o.onProgress,
    progressIntervalMs:
      o.progressIntervalMs === undefined ? 100 : checkInteger('progressIntervalMs', o.progressIntervalMs),
    batchSize: o.batchSize === undefined ? TASK_FILES : checkInteger('batchSize', o.batchSize, 1, 1_000_000),
    queue: o.queue === undefined ? undefined : checkRedisUrl('queue', o.queue),
    onWarning: o.onWarning,
    onIgnoreWarning: o.onWarning,
    ordered: o.ordered === undefined ? false : checkBoolean('ordered', o.ordered),
    query:
      counters.length === 1
        ? queryOf(counters[0]!, { count: fullScan, maxHits, histogram, encoding, encodingSniff, searchZip })
        : undefined,
  };
}

/** Where copies of ignore files are kept (made on first use, removed when the process exits). */
let copies: string | undefined;
let copiesMade = 0;
/** Each kept copy → the path its file was given as. */
const copiedFrom = new Map<string, string>();

/**
 * Whether `path` is a kept copy of an ignore file (a pipe read once, rules anchored): the
 * command line, which resolves its options twice, gives the second resolution the copy
 * and every other ignore file as it was given.
 */
export function isKeptCopy(path: string): boolean {
  return copiedFrom.has(path);
}

/**
 * The ignore file at `path` as the walkers should read it: `path` itself, or a kept copy
 * when its rules need anchoring to `cwd` or it can be read only once (a pipe); a RangeError
 * naming the option and the value `given` when it cannot be read.
 */
function ignoreFileOf(name: string, path: string, given: string, cwd: string): string {
  // A copy made by an earlier call (the command line resolves its options twice) is ready.
  if (copiedFrom.has(path)) return path;
  let why: FileError;
  try {
    const st = statSync(path);
    if (st.isDirectory()) why = { code: 'EISDIR', message: 'Is a directory' };
    else {
      const data = readFileSync(path);
      const rules = anchoredAt(cwd, data);
      // A pipe (`--ignore-file <(…)`) can be read once, and each walk reads its ignore files.
      if (rules === data && st.isFile()) return path;
      const copy = keptCopy(rules);
      copiedFrom.set(copy, given);
      return copy;
    }
  } catch (e) {
    why = fsErrorOf(e);
  }
  throw rangeError(`${name} (${JSON.stringify(given)}) cannot be read: ${why.message} (${why.code})`);
}

/**
 * An `--ignore-file`'s rules with those anchored to a directory (a `/` that is not the last
 * character, and not led by `**` and a slash) made relative to `cwd`, as ripgrep applies them to the
 * relative paths it walks: the walkers match these files against absolute paths. `data`
 * itself when no rule is anchored (or `cwd` is not plain UTF-8 text). A line that is not a
 * glob stays as written: the walkers leave it out, and their warning quotes it.
 */
function anchoredAt(cwd: string, data: Buffer): Buffer {
  if (hasEscapes(cwd) || !isUtf8(data)) return data;
  // The walkers' paths lose their leading `/`; the directory's glob characters are escaped.
  const base = cwd.replace(/^\/+/, '').replace(/[\\*?[\]{}]/g, (c) => `\\${c}`);
  let changed = false;
  const lines = data
    .toString('utf8')
    .split('\n')
    .map((line) => {
      let body = line.endsWith('\\ ') ? line : line.trimEnd();
      if (body === '' || body.startsWith('#') || body.startsWith('\\')) return line;
      const negated = body.startsWith('!');
      if (negated) body = body.slice(1);
      const absolute = body.startsWith('/');
      if (absolute) body = body.slice(1);
      const inside = body.endsWith('/') ? body.slice(0, -1) : body;
      if (!absolute && (!inside.includes('/') || inside.startsWith('**/'))) return line;
      if (globProblem(cwd, 'globs', line) !== undefined) return line;
      changed = true;
      return `${negated ? '!' : ''}/${base === '' ? '' : base + '/'}${body}`;
    });
  return changed ? Buffer.from(lines.join('\n')) : data;
}

/** `data` in a file of its own, removed when the process exits. */
function keptCopy(data: Buffer): string {
  if (copies === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'charcount-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    copies = dir;
  }
  const file = join(copies, `ignore-${copiesMade++}`);
  writeFileSync(file, data);
  return file;
}

/** `maxFilesize`, checked: what a listing leaves out and a scan skips. */
function maxFilesizeOf(o: Pick<ScanOptions, 'maxFilesize'>): number | undefined {
  return o.maxFilesize === undefined ? undefined : checkInteger('maxFilesize', o.maxFilesize);
}
