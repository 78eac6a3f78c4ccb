#!/usr/bin/env node
// Builds the `charcount` command: the CLI's sources and commander in one CommonJS file,
// dist/bundle/cli.cjs, which dist/bundle/charcount.cjs runs from a V8 code cache made here;
// and the scanning threads' entry, workers/scan-thread.ts, as dist/workers/scan-thread.cjs (for the
// library's runs too).
// Start-up is most of a small run: one file spares Node's ESM loader (a graph of ~40
// modules resolved and linked one by one), and the code cache spares V8 compiling it.
//
// * The dependencies stay outside, `require`d from node_modules when a run needs them:
//   Piscina starts its workers from its own files; fast-glob loads only for globs,
//   cli-progress for a bar; BullMQ and ioredis, optional peer dependencies, only for
//   --queue and `charcount worker` (src/dispatch/queue/load.ts says what to install when
//   they are not there). commander is a development dependency: it is only ever bundled.
// * `import.meta.url` becomes the bundle's own URL: the package folder (package.json, the
//   native core, the worker module) is found from it as from the compiled modules.
// * commander loads child_process (and with it net and dgram) for executable subcommands,
//   which charcount has none of: it gets a stand-in that loads the module on first use.
// * The code cache holds what a small run compiles. V8 rejects a cache made by another
//   V8 or with other flags (the command then compiles as usual); the cache's name holds a
//   hash of the bundle, so that a rebuilt bundle never meets the cache of an older one.
//
// `node scripts/bundle.mjs --train CACHE ARGS...` is the run that makes the cache: the
// bundle compiled as the loader compiles it, run as `charcount ARGS...`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'bundle');
const bundle = join(out, 'cli.cjs');
const bin = join(out, 'charcount.cjs');
/** The function the loader compiles the bundle as; a cache is valid for this exact text only. */
const WRAPPER = ['(function (exports, require, module, __filename, __dirname) {', '\n})'];

if (process.argv[2] === '--train') {
  const [cacheFile, ...args] = process.argv.slice(3);
  const source = readFileSync(bundle, 'utf8');
  const script = new Script(WRAPPER[0] + source + WRAPPER[1], { filename: bundle });
  process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
  process.argv = [process.argv[0], bin, ...args];
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, out);
} else {
  await build();
}

async function build() {
  const { build: esbuild } = await import('esbuild');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const lazyChildProcess = {
    name: 'lazy-child-process',
    setup(b) {
      b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
        /[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
        contents: "module.exports = new Proxy({}, { get: (_, name) => require('node:child_process')[name] });",
        loader: 'js',
      }));
    },
  };
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // import() of a dependency as require(): no ESM loader (a vm.Script could not run import() anyway).
    supported: { 'dynamic-import': false },
    // Run-time dependencies and the optional peers (BullMQ, ioredis) stay outside; commander,
    // a development dependency, is bundled.
    external: [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})],
    define: { 'import.meta.url': '__charcount_bundle_url' },
    banner: { js: "const __charcount_bundle_url = require('node:url').pathToFileURL(__filename).href;" },
    // Less text for V8 to scan; names stay, for readable stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
  };
  await esbuild({
    ...common,
    entryPoints: [join(root, 'src', 'cli', 'main.ts')],
    outfile: bundle,
    plugins: [lazyChildProcess],
  });
  // A thread boots in tens of milliseconds; through the ESM loader, a module graph takes more.
  await esbuild({
    ...common,
    entryPoints: [join(root, 'workers', 'scan-thread.ts')],
    outfile: join(root, 'dist', 'workers', 'scan-thread.cjs'),
  });
  // The bundle is compiled inside a function: a hashbang line would not parse there.
  const source = readFileSync(bundle, 'utf8').replace(/^#!.*\n/, '');
  writeFileSync(bundle, source);
  if (/\bimport\(/.test(source)) throw new Error(`${bundle} has an import() left, which a vm.Script cannot run`);

  const cacheName = `cli.${createHash('sha256').update(source).digest('hex').slice(0, 16)}.cache`;
  writeFileSync(bin, loader(cacheName), { mode: 0o755 });

  // The training run: one matching file, text output.
  const scratch = mkdtempSync(join(tmpdir(), 'charcount-train-'));
  try {
    writeFileSync(join(scratch, 'a.txt'), 'x,y,z\n');
    const r = spawnSync(
      process.execPath,
      [fileURLToPath(import.meta.url), '--train', join(out, cacheName), '-c', ',', '-m', '2', '.'],
      { cwd: scratch, encoding: 'utf8' },
    );
    if (r.status !== 0 || r.stdout !== 'a.txt\n') {
      throw new Error(`the training run of ${bundle} failed (exit ${r.status ?? r.signal}): ${r.stdout}${r.stderr}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The `charcount` executable: compiles the bundle with the code cache, if V8 takes it. */
function loader(cacheName) {
  return `#!/usr/bin/env node
'use strict';
// Generated by scripts/bundle.mjs: runs cli.cjs, compiled from the code cache made with it.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');
const file = join(__dirname, 'cli.cjs');
let cachedData;
try {
  cachedData = readFileSync(join(__dirname, ${JSON.stringify(cacheName)}));
} catch {
  // No cache (or no access to it): compile as usual.
}
const source = ${JSON.stringify(WRAPPER[0])} + readFileSync(file, 'utf8') + ${JSON.stringify(WRAPPER[1])};
new Script(source, { filename: file, cachedData }).runInThisContext()(exports, require, module, file, __dirname);
`;
}
