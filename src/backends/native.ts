/**
 * Finds and loads the native core, and adapts its Node-API surface (binding.ts) to the
 * `Backend` (backend.ts). select.ts decides whether it runs (contract §6.2).
 *
 * The binary is named by napi-rs's convention, `charcount.<triple>.node` with napi-rs's
 * platform triple (`linux-x64-gnu`, `darwin-arm64`, …), and is looked for as napi-rs's
 * generated loaders look for theirs:
 * 1. a local build, `native/charcount.<triple>.node` in the package folder (a source
 *    checkout after `npm run build:native`). It comes first so that a fresh build is
 *    never shadowed by a published binary that `npm install` put in node_modules;
 * 2. the platform package `@charcount/<triple>`, one of the published package's
 *    optionalDependencies: npm installs the one whose `os`, `cpu` and `libc` fit. It must
 *    be of charcount's own version (the batch format between them is not versioned).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageDir } from '../core/package.js';
import type { Backend } from './backend.js';
import type { NativeBinding } from './binding.js';

export type { NativeBinding } from './binding.js';

/** The npm scope of the platform packages: `@charcount/linux-x64-gnu`, `@charcount/darwin-arm64`, … */
export const PLATFORM_SCOPE = '@charcount';

/** What the loader needs to know of the process it runs in. */
export interface Host {
  platform: NodeJS.Platform;
  arch: string;
  /** Linux only: whether the C library is musl rather than glibc. */
  isMusl: () => boolean;
}

/**
 * Whether this Linux runs on musl (Alpine) rather than glibc, tested as napi-rs's
 * loaders do: `ldd` names its C library (one small file read); without it, Node's
 * diagnostic report (milliseconds) names the glibc it runs on, if any.
 */
function isMusl(): boolean {
  try {
    return readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
  } catch {
    const report = process.report as NodeJS.ProcessReport & { excludeNetwork?: boolean };
    const excludeNetwork = report.excludeNetwork;
    report.excludeNetwork = true; // no reverse DNS of open sockets
    try {
      return !(report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
    } finally {
      report.excludeNetwork = excludeNetwork;
    }
  }
}

const thisHost: Host = { platform: process.platform, arch: process.arch, isMusl };

/**
 * napi-rs's platform triple for a host: `linux-x64-gnu`, `linux-arm64-musl`,
 * `linux-arm-gnueabihf`, `darwin-arm64`, `win32-x64-msvc`, `freebsd-x64`, …
 */
export function platformTriple(host: Host = thisHost): string {
  const { platform, arch } = host;
  switch (platform) {
    case 'linux': {
      const musl = host.isMusl();
      return arch === 'arm'
        ? `linux-arm-${musl ? 'musleabihf' : 'gnueabihf'}`
        : `linux-${arch}-${musl ? 'musl' : 'gnu'}`;
    }
    case 'win32':
      return `win32-${arch}-msvc`;
    case 'android':
      return arch === 'arm' ? 'android-arm-eabi' : `android-${arch}`;
    default:
      return `${platform}-${arch}`;
  }
}

/** Where the native core was loaded from. */
export interface NativeOrigin {
  /** `local`: a build in the package's `native/` folder; `package`: a platform package. */
  kind: 'local' | 'package';
  /** The `.node` file. */
  file: string;
}

export interface LoadOptions {
  /** The package folder: local builds are in its `native/`, platform packages are resolved from it. */
  packageDir?: string;
  /** The platform triple to load the binary of (default: this process's). */
  triple?: string;
}

interface Manifest {
  version?: string;
  main?: string;
  optionalDependencies?: Record<string, string>;
  /** napi-rs's settings: `targets` are the Rust target triples charcount makes platform packages for. */
  napi?: { targets?: string[] };
}

/** napi-rs's names for Rust's CPUs and systems (its `parseTriple`). */
const NODE_ARCH: Record<string, string> = {
  x86_64: 'x64',
  aarch64: 'arm64',
  i686: 'ia32',
  armv7: 'arm',
  loongarch64: 'loong64',
  riscv64gc: 'riscv64',
  powerpc64le: 'ppc64',
  powerpc64: 'ppc64',
};
const NODE_PLATFORM: Record<string, string> = {
  linux: 'linux',
  freebsd: 'freebsd',
  darwin: 'darwin',
  windows: 'win32',
  ohos: 'openharmony',
};

/**
 * The platform triple napi-rs names a Rust target's package by (`x86_64-unknown-linux-gnu`
 * → `linux-x64-gnu`, `aarch64-apple-darwin` → `darwin-arm64`), as its `parseTriple` does
 * (WebAssembly targets aside).
 */
export function targetTriple(rustTriple: string): string {
  const parts = (rustTriple.endsWith('eabi') ? `${rustTriple.slice(0, -4)}-eabi` : rustTriple).split('-');
  let cpu: string | undefined, sys: string | undefined, abi: string | undefined;
  if (parts.length === 2) [cpu, sys] = parts;
  else [cpu, , sys, abi] = parts;
  if (abi === 'android' || abi === 'ohos') [sys, abi] = [abi, undefined];
  const platform = NODE_PLATFORM[sys ?? ''] ?? sys;
  const arch = NODE_ARCH[cpu ?? ''] ?? cpu;
  return abi ? `${platform}-${arch}-${abi}` : `${platform}-${arch}`;
}

const readManifest = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Manifest;

/** An error's message on one line (a loader's message may quote a multi-line stderr). */
export const oneLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');

/** Other binaries that are there: local builds and platform packages for other platforms. */
function othersFound(dir: string, require: NodeJS.Require, local: string, name: string): string[] {
  const found = new Set<string>();
  const nativeDir = join(dir, 'native');
  if (existsSync(nativeDir)) {
    for (const f of readdirSync(nativeDir)) if (f.endsWith('.node') && f !== local) found.add(`native/${f}`);
  }
  for (const modules of require.resolve.paths(name) ?? []) {
    const scope = join(modules, PLATFORM_SCOPE);
    if (existsSync(scope)) for (const p of readdirSync(scope)) found.add(`${PLATFORM_SCOPE}/${p}`);
  }
  found.delete(name);
  return [...found].sort();
}

/**
 * Loads the native core for `triple`: the local build, else the platform package (see
 * the top of this file); or says in one sentence what it looked for, what it found
 * instead, and how to get the right one.
 */
export function loadNative(options: LoadOptions = {}): { binding: NativeBinding; origin: NativeOrigin } {
  const dir = options.packageDir ?? packageDir();
  const triple = options.triple ?? platformTriple();
  const require = createRequire(join(dir, 'package.json'));
  const problems: string[] = [];
  let cause: unknown;
  const load = (file: string, what: string) => {
    try {
      return require(file) as NativeBinding;
    } catch (e) {
      problems.push(`${what} did not load (${oneLine(e)})`);
      cause ??= e;
      return undefined;
    }
  };

  const binary = `charcount.${triple}.node`;
  const local = join(dir, 'native', binary);
  if (existsSync(local)) {
    const binding = load(local, `native/${binary}`);
    if (binding) return { binding, origin: { kind: 'local', file: local } };
  }

  const name = `${PLATFORM_SCOPE}/${triple}`;
  const ours = readManifest(join(dir, 'package.json'));
  let manifest: string | undefined;
  try {
    manifest = require.resolve(`${name}/package.json`);
  } catch {
    // not installed
  }
  if (manifest) {
    const pkg = readManifest(manifest);
    if (pkg.version !== ours.version) {
      problems.push(`${name} is version ${pkg.version}, and charcount ${ours.version} needs its own version`);
    } else {
      const file = join(dirname(manifest), pkg.main ?? binary);
      const binding = load(file, name);
      if (binding) return { binding, origin: { kind: 'package', file } };
    }
  }

  if (!problems.length) {
    const others = othersFound(dir, require, binary, name);
    problems.push(
      `no local build (native/${binary}) and no package ${name}` +
        (others.length ? `, found only ${others.join(', ')}` : ''),
    );
  }
  const build = "build the core from a source checkout with `npm install` (needs Rust's cargo)";
  // A published package.json lists every platform package as an optional dependency; the
  // repository's (and a tarball packed from it) lists none, though the packages exist.
  const remedy = ours.optionalDependencies?.[name]
    ? `install ${name}@${ours.version} (npm installs it with charcount unless optional dependencies are left out), or ${build}`
    : (ours.napi?.targets ?? []).some((t) => targetTriple(t) === triple)
      ? `install ${name}@${ours.version} beside it (this charcount's package.json does not list its platform packages, ` +
        `as a published one does, so npm did not install it), or ${build}`
      : `charcount publishes no binary for ${triple}: ${build.replace('the core', 'it')}`;
  throw new Error(`charcount has no native core for this platform (${triple}): ${problems.join('; ')}; ${remedy}.`, {
    cause,
  });
}

/**
 * The native core as a `Backend`: its exports as they are, but for the scan mode of
 * `evaluate` and `createScanner`, which the addon takes as separate arguments.
 */
export function nativeBackend(binding: NativeBinding): Backend {
  const { evaluate, createScanner } = binding;
  return {
    name: 'native',
    kernels: binding.kernels,
    createCounter: binding.createCounter,
    hasCount: binding.hasCount,
    evaluate: (counter, input, m) => evaluate(counter, input, m.full, m.maxHits, m.histogram),
    createScanner: (counter, m) => createScanner(counter, m.full, m.maxHits, m.histogram),
    scannerFeed: binding.scannerFeed,
    scannerFinish: binding.scannerFinish,
    scanBatch: binding.scanBatch,
    createWalker: binding.createWalker,
    walkNext: binding.walkNext,
  };
}
