#!/usr/bin/env node
// Builds the native core (release) with napi-rs's CLI, and lays out its platform package.
//
//   node scripts/build-native.mjs [--target RUST_TRIPLE]
//     builds for this machine (or cross-compiles for RUST_TRIPLE) into
//     native/charcount.<triple>.node — the local build, which the loader tries first — and
//     makes npm/<triple>/, the platform package @charcount/<triple> holding that binary
//     (`npm pack npm/<triple>` or `npm publish npm/<triple>`).
//   node scripts/build-native.mjs --manifests [--npm-dir DIR]
//     lays out the package of every target in package.json's napi.targets, binaries
//     left out: what a release job fills with the binaries its platforms built.
//   node scripts/build-native.mjs --prepublish   (npm's prepublishOnly)
//     writes those packages into package.json's optionalDependencies, at its version, just
//     before `npm publish`, as napi-rs's `prepublish` does: in the repository they stay
//     out, since packages not yet published would put the lock file out of step (`npm ci`
//     refuses it). It also takes out the `prepare` script (the build a source checkout's
//     `npm install` runs, which npm would list among an installed package's install
//     scripts), so `npm publish` builds nothing itself: it refuses to go on unless dist/ is
//     built, and newer than every file of src/.
//
// <triple> is napi-rs's platform triple (linux-x64-gnu, darwin-arm64, …). The published
// package lists them as optionalDependencies, and their os/cpu/libc fields let npm install
// only the one that fits. Cargo is checked for first, so that a missing Rust toolchain
// gives one clear sentence instead of a spawn error.
//
// Where the crates come from. native/Cargo.lock pins the crates registry's packages (with
// their registry checksums). Before building, `cargo fetch` tries to get them the ordinary
// way (crates.io, or whatever the user's cargo configuration says). Where that fails and
// Debian's Rust packages hold every pinned crate (`apt-get install librust-ignore-dev
// librust-globset-dev`, sources under /usr/share/cargo/registry), the build uses those
// instead, offline: this script writes .cargo/config.toml (not committed) replacing the
// registry with a directory source in .cargo/debian-registry/, which lays out Debian's
// sources of exactly the locked versions — so that `cargo test`, `cargo clippy` and the
// rest work from the checkout as well. Where the registry is reachable, a config of ours
// left from an earlier build is removed. CHARCOUNT_CRATES=registry or =debian decides
// without trying.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** The npm scope of the platform packages (the loader's PLATFORM_SCOPE, src/backends/native.ts). */
const SCOPE = '@charcount';
const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const binaryName = pkg.napi.binaryName;

const { values: args } = parseArgs({
  options: {
    target: { type: 'string' },
    manifests: { type: 'boolean', default: false },
    prepublish: { type: 'boolean', default: false },
    'npm-dir': { type: 'string', default: join(root, 'npm') },
  },
});

/** napi-rs's reading of a Rust target triple: { triple, platformArchABI, platform, arch, abi }. */
async function parseTriple(triple) {
  return (await import('@napi-rs/cli')).parseTriple(triple);
}

/** The platform package's manifest: npm installs it only where `os`, `cpu` and `libc` fit. */
function manifest(target) {
  const binary = `${binaryName}.${target.platformArchABI}.node`;
  const libc = target.abi?.startsWith('gnu') ? 'glibc' : target.abi?.startsWith('musl') ? 'musl' : undefined;
  return {
    name: `${SCOPE}/${target.platformArchABI}`,
    version: pkg.version,
    description: `The native core of charcount for ${target.platformArchABI} (${target.triple}).`,
    keywords: pkg.keywords,
    homepage: pkg.homepage,
    bugs: pkg.bugs,
    repository: pkg.repository,
    license: pkg.license,
    author: pkg.author,
    os: [target.platform],
    cpu: [target.arch],
    ...(libc ? { libc: [libc] } : {}),
    main: binary,
    files: [binary],
    engines: pkg.engines,
  };
}

/** npm/<triple>/ with its manifest, README and LICENSE; the binary too if `binary` is given. */
function layOut(target, binary) {
  const dir = join(args['npm-dir'], target.platformArchABI);
  mkdirSync(dir, { recursive: true });
  const m = manifest(target);
  writeFileSync(join(dir, 'package.json'), JSON.stringify(m, null, 2) + '\n');
  writeFileSync(
    join(dir, 'README.md'),
    `# \`${m.name}\`\n\nThe **${target.triple}** binary of charcount, which installs it ` +
      'as an optional dependency where it fits. Install `charcount`, not this package.\n',
  );
  copyFileSync(join(root, 'LICENSE'), join(dir, 'LICENSE'));
  if (binary) copyFileSync(binary, join(dir, m.main));
  return dir;
}

/** Where Debian's librust-*-dev packages install crate sources. */
const DEBIAN_REGISTRY = '/usr/share/cargo/registry';
/** The generated cargo configuration, and the directory source it points to. */
const cargoDir = join(root, '.cargo');
const cargoConfig = join(cargoDir, 'config.toml');
const overlay = join(cargoDir, 'debian-registry');
const CONFIG_MARK = '# Written by scripts/build-native.mjs';

/** The registry packages native/Cargo.lock pins: { name, version, checksum }. */
function lockedCrates() {
  const lock = readFileSync(join(root, 'native', 'Cargo.lock'), 'utf8');
  return lock
    .split('[[package]]')
    .map((block) =>
      Object.fromEntries([...block.matchAll(/^(name|version|source|checksum) = "(.*)"$/gm)].map((m) => [m[1], m[2]])),
    )
    .filter((p) => p.source?.startsWith('registry+'));
}

/** Whether cargo gets the locked crates the ordinary way (run away from our own config). */
function registryReachable() {
  const fetch = spawnSync('cargo', ['fetch', '--locked', '--manifest-path', join(root, 'native', 'Cargo.toml')], {
    cwd: tmpdir(),
    env: { ...process.env, CARGO_NET_RETRY: '0', CARGO_HTTP_TIMEOUT: '15' },
    stdio: 'ignore',
  });
  return fetch.status === 0;
}

/**
 * Lays out Debian's sources of the locked crates as a cargo directory source, and points
 * cargo at it. Each crate's directory links to Debian's files; its `.cargo-checksum.json`
 * carries the registry checksum the lock file has (Debian's has it too, or — for a crate
 * whose packaging patched its Cargo.toml — says "Could not get crate checksum", which no
 * lock file valid on crates.io could hold). Debian's patches to these crates touch only
 * optional and development dependencies, tests and benchmarks: the code built is the
 * registry's. Returns the crates it lacks.
 */
function useDebianCrates(crates) {
  const missing = crates.filter((c) => !existsSync(join(DEBIAN_REGISTRY, `${c.name}-${c.version}`, 'Cargo.toml')));
  if (missing.length) return missing;
  rmSync(overlay, { recursive: true, force: true });
  for (const c of crates) {
    const from = join(DEBIAN_REGISTRY, `${c.name}-${c.version}`);
    const to = join(overlay, `${c.name}-${c.version}`);
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from)) {
      if (entry !== '.cargo-checksum.json') symlinkSync(join(from, entry), join(to, entry));
    }
    writeFileSync(join(to, '.cargo-checksum.json'), JSON.stringify({ package: c.checksum, files: {} }));
  }
  writeFileSync(
    cargoConfig,
    `${CONFIG_MARK}: the crates registry was not reachable, so the crates\n` +
      "# native/Cargo.lock pins are built from Debian's packages (librust-*-dev). Delete this\n" +
      '# directory (or set CHARCOUNT_CRATES=registry) to build from the registry again.\n' +
      '[source.crates-io]\nreplace-with = "debian-packages"\n\n' +
      '[source.debian-packages]\ndirectory = ".cargo/debian-registry"\n',
  );
  return [];
}

/** Chooses where the crates come from (see the header), before the build. */
function chooseCrates() {
  const choice = process.env.CHARCOUNT_CRATES ?? 'auto';
  const ours = existsSync(cargoConfig) && readFileSync(cargoConfig, 'utf8').startsWith(CONFIG_MARK);
  const crates = lockedCrates();
  if (choice === 'registry' || (choice === 'auto' && (crates.length === 0 || registryReachable()))) {
    if (ours) rmSync(cargoDir, { recursive: true, force: true });
    return;
  }
  if (existsSync(cargoConfig) && !ours) return; // the user's own configuration decides
  const missing = useDebianCrates(crates);
  if (missing.length) {
    console.error(
      "charcount: the crates registry is not reachable and Debian's Rust packages lack " +
        `${missing.map((c) => `${c.name} ${c.version}`).join(', ')}: install them with ` +
        '`apt-get install librust-ignore-dev librust-globset-dev` (or reach crates.io) and run `npm install` again.',
    );
  }
}

/** Every platform package's name, at the package's version. */
async function platformPackages() {
  const targets = await Promise.all(pkg.napi.targets.map(parseTriple));
  return Object.fromEntries(targets.map((t) => [manifest(t).name, pkg.version]));
}

/**
 * What `npm publish` packs must be built: dist/'s entry points there, and (in a checkout)
 * newer than every source file, since the published manifest has no `prepare` to build them.
 */
function checkBuilt() {
  const built = ['dist/src/index.js', 'dist/bundle/charcount.cjs'].map((f) => join(root, f));
  const missing = built.filter((f) => !existsSync(f));
  const oldest = Math.min(...built.filter((f) => existsSync(f)).map((f) => statSync(f).mtimeMs));
  const newer = existsSync(join(root, 'src'))
    ? readdirSync(join(root, 'src'), { recursive: true })
        .map((f) => join(root, 'src', String(f)))
        .filter((f) => statSync(f).isFile() && statSync(f).mtimeMs > oldest)
    : [];
  if (missing.length || newer.length) {
    console.error(
      `charcount: dist/ is ${missing.length ? 'not built' : `older than ${newer[0]}`}: run \`npm run build\` before publishing.`,
    );
    process.exit(1);
  }
}

if (args.manifests) {
  for (const triple of pkg.napi.targets) console.log(layOut(await parseTriple(triple)));
} else if (args.prepublish) {
  checkBuilt();
  const file = join(root, 'package.json');
  const text = readFileSync(file, 'utf8');
  const manifestNow = JSON.parse(text);
  manifestNow.optionalDependencies = { ...manifestNow.optionalDependencies, ...(await platformPackages()) };
  delete manifestNow.scripts.prepare;
  writeFileSync(file, JSON.stringify(manifestNow, null, 2) + '\n');
  console.log(Object.keys(manifestNow.optionalDependencies).join('\n'));
} else {
  const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
  if (cargo.error || cargo.status !== 0) {
    console.error(
      "charcount: building the native core needs Rust's `cargo` on PATH — install Rust " +
        '(https://rustup.rs, or `apt-get install cargo`) and run `npm install` again.',
    );
    process.exit(1);
  }
  chooseCrates();
  const napiManifest = createRequire(import.meta.url).resolve('@napi-rs/cli/package.json');
  const napi = join(dirname(napiManifest), JSON.parse(readFileSync(napiManifest, 'utf8')).bin.napi);
  const build = [napi, 'build', '--platform', '--release', '--manifest-path', 'native/Cargo.toml'];
  build.push('--output-dir', 'native', '--no-js', ...(args.target ? ['--target', args.target] : []));
  const built = spawnSync(process.execPath, build, { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const host = /^host: (\S+)$/m.exec(spawnSync('rustc', ['-vV'], { encoding: 'utf8' }).stdout ?? '')?.[1];
  const target = await parseTriple(args.target ?? host);
  layOut(target, join(root, 'native', `${binaryName}.${target.platformArchABI}.node`));
  if (!pkg.napi.targets.includes(target.triple)) {
    console.error(`charcount: ${target.triple} is not one of package.json's napi.targets: no package publishes it`);
  }
}
