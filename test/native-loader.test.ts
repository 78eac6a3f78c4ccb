/**
 * Finding the native core: a local build first, then the platform package
 * `@charcount/<triple>` of charcount's own version; where neither loads, one sentence
 * saying what was looked for, what was found instead, and how to get the right one.
 * Packages for other platforms are laid out by hand here, as npm would install them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadNative, nativeOrigin, platformTriple, targetTriple } from '../src/internal.js';
import { repoRoot, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const rootManifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

/**
 * package.json as `npm publish` carries it: its prepublishOnly step (run here on a copy)
 * adds the platform packages as optionalDependencies, which the repository leaves out.
 */
function publishedManifest() {
  const copy = join(dir, 'publish');
  mkdirSync(join(copy, 'scripts'), { recursive: true });
  copyFileSync(join(repoRoot, 'package.json'), join(copy, 'package.json'));
  copyFileSync(join(repoRoot, 'scripts', 'build-native.mjs'), join(copy, 'scripts', 'build-native.mjs'));
  symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'));
  symlinkSync(join(repoRoot, 'dist'), join(copy, 'dist')); // the step checks that it is built
  execFileSync(process.execPath, [join(copy, 'scripts', 'build-native.mjs'), '--prepublish'], { stdio: 'ignore' });
  return JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8'));
}
const published = publishedManifest();
const here = platformTriple();
const realBinary = join(repoRoot, 'native', `charcount.${here}.node`);

let apps = 0;
/** A folder laid out as an installed charcount: its package.json, and what else is asked. */
function installed(
  layout: {
    packages?: Record<string, { version?: string; binary?: string }>;
    local?: string[];
    /** Its package.json: the published one (the default), or the repository's. */
    manifest?: 'published' | 'repository';
  } = {},
) {
  const app = join(dir, `app${apps++}`);
  const pkg = join(app, 'node_modules', 'charcount');
  mkdirSync(pkg, { recursive: true });
  const { name, version, optionalDependencies, napi } = layout.manifest === 'repository' ? rootManifest : published;
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name, version, optionalDependencies, napi }));
  for (const [triple, p] of Object.entries(layout.packages ?? {})) {
    const at = join(app, 'node_modules', '@charcount', triple);
    mkdirSync(at, { recursive: true });
    const main = `charcount.${triple}.node`;
    writeFileSync(
      join(at, 'package.json'),
      JSON.stringify({ name: `@charcount/${triple}`, version: p.version ?? version, main }),
    );
    if (p.binary) copyFileSync(p.binary, join(at, main));
    else writeFileSync(join(at, main), 'not a shared library');
  }
  for (const triple of layout.local ?? []) {
    mkdirSync(join(pkg, 'native'), { recursive: true });
    copyFileSync(realBinary, join(pkg, 'native', `charcount.${triple}.node`));
  }
  return pkg;
}

const remedy = (triple: string) =>
  `install @charcount/${triple}@${rootManifest.version} (npm installs it with charcount unless optional dependencies are left out), ` +
  "or build the core from a source checkout with `npm install` (needs Rust's cargo).";

describe('the loader', () => {
  test('this checkout loads its local build', () => {
    expect(nativeOrigin()).toEqual({ kind: 'local', file: realBinary });
  });

  test('the platform package of this platform is loaded and works', () => {
    const pkg = installed({ packages: { [here]: { binary: realBinary } } });
    const { binding, origin } = loadNative({ packageDir: pkg, triple: here });
    expect(origin).toEqual({ kind: 'package', file: join(pkg, '..', '@charcount', here, `charcount.${here}.node`) });
    expect(binding.kernels()).toContain('scalar');
  });

  test('a local build comes before an installed package', () => {
    const pkg = installed({ packages: { [here]: { binary: realBinary } }, local: [here] });
    expect(loadNative({ packageDir: pkg, triple: here }).origin.kind).toBe('local');
  });

  test('nothing installed: one sentence naming the package to install', () => {
    const pkg = installed();
    expect(() => loadNative({ packageDir: pkg, triple: 'linux-x64-gnu' })).toThrow(
      new Error(
        'charcount has no native core for this platform (linux-x64-gnu): no local build ' +
          '(native/charcount.linux-x64-gnu.node) and no package @charcount/linux-x64-gnu; ' +
          remedy('linux-x64-gnu'),
      ),
    );
  });

  test('only packages and builds for other platforms: they are named, and never loaded', () => {
    // Binaries that would fail to load if tried: the message would then say so.
    const pkg = installed({ packages: { 'darwin-arm64': {}, 'linux-arm64-musl': {} }, local: ['linux-arm64-gnu'] });
    expect(() => loadNative({ packageDir: pkg, triple: 'linux-x64-gnu' })).toThrow(
      'charcount has no native core for this platform (linux-x64-gnu): no local build ' +
        '(native/charcount.linux-x64-gnu.node) and no package @charcount/linux-x64-gnu, found only ' +
        '@charcount/darwin-arm64, @charcount/linux-arm64-musl, native/charcount.linux-arm64-gnu.node; ' +
        remedy('linux-x64-gnu'),
    );
  });

  test('a package of the right name holding a foreign binary: why it did not load, with the cause', () => {
    const pkg = installed({ packages: { 'linux-x64-gnu': {} } });
    let error: Error | undefined;
    try {
      loadNative({ packageDir: pkg, triple: 'linux-x64-gnu' });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(
      /^charcount has no native core for this platform \(linux-x64-gnu\): @charcount\/linux-x64-gnu did not load \(.*charcount\.linux-x64-gnu\.node: (invalid ELF header|file too short)\); install /,
    );
    expect(error?.message).not.toMatch(/\n/);
    expect((error?.cause as Error).message).toMatch(/charcount\.linux-x64-gnu\.node/);
  });

  test('a platform package of another version is not used (the batch format may differ)', () => {
    const pkg = installed({ packages: { [here]: { binary: realBinary, version: '0.0.1' } } });
    expect(() => loadNative({ packageDir: pkg, triple: here })).toThrow(
      `charcount has no native core for this platform (${here}): @charcount/${here} is version 0.0.1, ` +
        `and charcount ${rootManifest.version} needs its own version; ${remedy(here)}`,
    );
  });

  test('a package.json that lists no platform packages (a checkout, or a tarball packed from one): the one to install beside it', () => {
    // Not "publishes no binary": linux-x64-gnu is one of napi.targets, so a package is made for it.
    const pkg = installed({ manifest: 'repository' });
    expect(() => loadNative({ packageDir: pkg, triple: 'linux-x64-gnu' })).toThrow(
      new Error(
        'charcount has no native core for this platform (linux-x64-gnu): no local build ' +
          '(native/charcount.linux-x64-gnu.node) and no package @charcount/linux-x64-gnu; ' +
          `install @charcount/linux-x64-gnu@${rootManifest.version} beside it (this charcount's package.json does not ` +
          'list its platform packages, as a published one does, so npm did not install it), or build the core from ' +
          "a source checkout with `npm install` (needs Rust's cargo).",
      ),
    );
    expect(() => loadNative({ packageDir: installed({ manifest: 'repository' }), triple: 'plan9-mips' })).toThrow(
      'charcount publishes no binary for plan9-mips',
    );
  });

  test('a platform no package is published for: how to build it', () => {
    const pkg = installed();
    expect(() => loadNative({ packageDir: pkg, triple: 'plan9-mips' })).toThrow(
      'charcount has no native core for this platform (plan9-mips): no local build (native/charcount.plan9-mips.node) ' +
        'and no package @charcount/plan9-mips; charcount publishes no binary for plan9-mips: ' +
        "build it from a source checkout with `npm install` (needs Rust's cargo).",
    );
  });
});

test.each([
  [{ platform: 'linux', arch: 'x64', musl: false }, 'linux-x64-gnu'],
  [{ platform: 'linux', arch: 'x64', musl: true }, 'linux-x64-musl'],
  [{ platform: 'linux', arch: 'arm64', musl: false }, 'linux-arm64-gnu'],
  [{ platform: 'linux', arch: 'arm', musl: false }, 'linux-arm-gnueabihf'],
  [{ platform: 'darwin', arch: 'arm64', musl: false }, 'darwin-arm64'],
  [{ platform: 'win32', arch: 'x64', musl: false }, 'win32-x64-msvc'],
  [{ platform: 'freebsd', arch: 'x64', musl: false }, 'freebsd-x64'],
] as const)('platformTriple(%j) is %s, as napi-rs names it', ({ platform, arch, musl }, triple) => {
  expect(platformTriple({ platform, arch, isMusl: () => musl })).toBe(triple);
});

test("targetTriple names a Rust target's platform package as napi-rs does", async () => {
  const { parseTriple } = (await import('@napi-rs/cli')) as { parseTriple: (t: string) => { platformArchABI: string } };
  const targets = [
    ...rootManifest.napi.targets,
    'i686-pc-windows-msvc',
    'x86_64-pc-windows-gnu',
    'aarch64-unknown-freebsd',
    'armv7-unknown-linux-gnueabihf',
    'armv7-linux-androideabi',
    'aarch64-linux-android',
    'riscv64gc-unknown-linux-gnu',
    'x86_64-unknown-linux-ohos',
  ];
  for (const t of targets) expect(targetTriple(t), t).toBe(parseTriple(t).platformArchABI);
});

describe('platform packages', () => {
  const npmDir = join(dir, 'npm');
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build-native.mjs'), '--manifests', '--npm-dir', npmDir]);
  const manifests = readdirSync(npmDir).map((d) => JSON.parse(readFileSync(join(npmDir, d, 'package.json'), 'utf8')));

  test("one for each of napi.targets, each one of the published package's optionalDependencies at its version", () => {
    expect(manifests).toHaveLength(rootManifest.napi.targets.length);
    expect(Object.fromEntries(manifests.map((m) => [m.name, m.version]))).toEqual(published.optionalDependencies);
    for (const m of manifests) expect(m.version).toBe(rootManifest.version);
  });

  test('the repository lists none of them (not yet published, they would put the lock file out of step)', () => {
    expect(rootManifest.optionalDependencies).toBeUndefined();
    const { prepare: _, ...scripts } = rootManifest.scripts;
    expect({ ...published, optionalDependencies: undefined }).toEqual({ ...rootManifest, scripts });
  });

  test("the published manifest has no prepare script: a checkout's build, not an installed package's", () => {
    expect(rootManifest.scripts.prepare).toBe('npm run build');
    expect(published.scripts.prepare).toBeUndefined();
  });

  test('so the publish step refuses a dist/ that is not built, or older than a source file', () => {
    const copy = join(dir, 'unbuilt');
    mkdirSync(join(copy, 'scripts'), { recursive: true });
    copyFileSync(join(repoRoot, 'package.json'), join(copy, 'package.json'));
    copyFileSync(join(repoRoot, 'scripts', 'build-native.mjs'), join(copy, 'scripts', 'build-native.mjs'));
    symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'));
    const prepublish = () =>
      spawnSync(process.execPath, [join(copy, 'scripts', 'build-native.mjs'), '--prepublish'], { encoding: 'utf8' });
    expect(prepublish()).toMatchObject({
      status: 1,
      stderr: 'charcount: dist/ is not built: run `npm run build` before publishing.\n',
    });
    mkdirSync(join(copy, 'dist', 'src'), { recursive: true });
    mkdirSync(join(copy, 'dist', 'bundle'), { recursive: true });
    mkdirSync(join(copy, 'src', 'core'), { recursive: true });
    writeFileSync(join(copy, 'dist', 'src', 'index.js'), '');
    writeFileSync(join(copy, 'dist', 'bundle', 'charcount.cjs'), '');
    const edited = join(copy, 'src', 'core', 'counter.ts');
    writeFileSync(edited, '');
    utimesSync(edited, new Date(), new Date(Date.now() + 60_000));
    expect(prepublish()).toMatchObject({
      status: 1,
      stderr: `charcount: dist/ is older than ${edited}: run \`npm run build\` before publishing.\n`,
    });
    expect(JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8'))).toEqual(rootManifest); // left as it was
  });

  test('os, cpu and libc let npm install only the one that fits; main is its binary', () => {
    for (const m of manifests) {
      const triple = m.name.slice('@charcount/'.length);
      const [os, cpu, abi] = triple.split('-');
      expect(m).toMatchObject({
        os: [os],
        cpu: [cpu],
        main: `charcount.${triple}.node`,
        files: [`charcount.${triple}.node`],
      });
      expect(m.libc).toEqual(abi === 'gnu' ? ['glibc'] : abi === 'musl' ? ['musl'] : undefined);
      expect(m).toMatchObject({ license: rootManifest.license, engines: rootManifest.engines });
    }
  });

  test("this platform's package, as the native build makes it, holds the binary just built", () => {
    const built = join(repoRoot, 'npm', here);
    expect(readdirSync(built).sort()).toEqual(['LICENSE', 'README.md', `charcount.${here}.node`, 'package.json']);
    expect(readFileSync(join(built, `charcount.${here}.node`)).equals(readFileSync(realBinary))).toBe(true);
  });
});
