/**
 * Which core scans: the native addon, or the portable back end (portable/), which gives
 * the same answers in TypeScript on Node's `fs` where no native binary fits (contract
 * §6.2). The choice is made once per thread, when this module loads, and `backend()` is
 * the one way to it: `Counter` and option resolution take it from there, and hand it down
 * to what scans (the run, its transport, the task runner, discovery).
 *
 * * `CHARCOUNT_BACKEND=native` insists on the native core: without one, importing
 *   charcount fails with the loader's sentence, as it always did.
 * * `CHARCOUNT_BACKEND=portable` takes the portable back end, quietly.
 * * Unset (or empty): the native core, else the portable back end, with a warning
 *   (`process.emitWarning`, code `CHARCOUNT_NO_NATIVE_CORE`) saying the native core was not
 *   found and how to get it. Node prints it on stderr; `node --disable-warning=CHARCOUNT_NO_NATIVE_CORE`
 *   hides it, and `process.on('warning')` hears it. The command line prints it as a charcount line.
 *
 * A worker thread scans with the back end its parent chose, whatever made the parent
 * choose it: the choice is handed down as environment data (`setEnvironmentData`), which
 * every thread started after it inherits.
 *
 * Choosing loads the addon here, on whichever thread imports the library first, which
 * keeps it resident for the whole process: an addon loaded only by worker threads could
 * otherwise be unloaded when the last one exits.
 */
import { createRequire } from 'node:module';
import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads';
import type { Backend, TestHooks } from './backend.js';
import { loadNative, nativeBackend, oneLine, type NativeOrigin } from './native.js';
import type { BackendName } from '../core/types.js';

/** The environment variable that picks the back end. */
export const BACKEND_VARIABLE = 'CHARCOUNT_BACKEND';

/** The environment data key that hands the choice down to worker threads. */
const INHERITED = 'charcount:backend';

interface Chosen {
  backend: Backend;
  /** What the tests and the benchmark use besides it. */
  hooks: TestHooks;
  /** Why the portable back end runs: chosen, or the loader's sentence about the missing core. */
  why?: string;
  /** Where the native core was loaded from. */
  origin?: NativeOrigin;
}

/**
 * What the parent thread chose, or else `CHARCOUNT_BACKEND` asks for, and who asked;
 * `undefined` for "the native core if it loads".
 */
function wanted(): { backend: BackendName; by: string } | undefined {
  const inherited = getEnvironmentData(INHERITED);
  if (inherited === 'native' || inherited === 'portable') return { backend: inherited, by: 'the parent thread' };
  const value = process.env[BACKEND_VARIABLE];
  if (value === undefined || value === '') return undefined;
  if (value === 'native' || value === 'portable') return { backend: value, by: `${BACKEND_VARIABLE}=${value}` };
  throw new Error(`${BACKEND_VARIABLE} must be native or portable (or unset), got '${value}'`);
}

/** The type of charcount's warnings (`process.emitWarning`). */
export const WARNING_TYPE = 'CharcountWarning';
/** The code of the warning that the native core is missing: what `node --disable-warning=` takes. */
export const NO_NATIVE_CORE = 'CHARCOUNT_NO_NATIVE_CORE';

/** Says once, as a process warning, that the native core is missing and how to get it. */
function notice(why: string): void {
  process.emitWarning(
    `the native core was not found, so this runs on the portable TypeScript back end ` +
      `(same answers, slower; ${BACKEND_VARIABLE}=portable hides this notice): ${why}`,
    { type: WARNING_TYPE, code: NO_NATIVE_CORE },
  );
}

/**
 * The portable back end, loaded only when it runs: a process on the native core does not
 * pay for its modules. Synchronously, with `require` of ES modules (every Node.js of the
 * package's engines has it; a top-level `await import()` would make the library's module
 * graph asynchronous, which `require('charcount')` refuses), through the package's `#portable`
 * import, which names the compiled module whether this one runs from dist/ or, under the
 * test suite, from the TypeScript sources (which `require` cannot load).
 */
function loadPortable(why: string): Chosen {
  const load = createRequire(import.meta.url);
  const portable = load('#portable') as typeof import('./portable/binding.js');
  return { backend: portable.portableBackend, hooks: portable.portableTestHooks, why };
}

/** Picks the back end (see the top of this file) and hands the choice down to worker threads. */
function choose(): Chosen {
  const want = wanted();
  let chosen: Chosen;
  if (want?.backend === 'portable') {
    chosen = loadPortable(`chosen by ${want.by}`);
  } else {
    try {
      const { binding, origin } = loadNative();
      chosen = { backend: nativeBackend(binding), hooks: binding, origin };
    } catch (e) {
      if (want?.backend === 'native') throw e;
      const why = oneLine(e);
      notice(why);
      chosen = loadPortable(why);
    }
  }
  setEnvironmentData(INHERITED, chosen.backend.name);
  return chosen;
}

const chosen = choose();

/** The back end this thread scans with. */
export function backend(): Backend {
  return chosen.backend;
}

/** One line for `--version`: the back end, and its kernels or why the portable one runs. */
export function backendDescription(): string {
  return chosen.backend.name === 'native'
    ? `native back end (kernels: ${chosen.backend.kernels().join(', ')})`
    : `portable back end (${chosen.why})`;
}

/** The chosen back end's test hooks (for the tests and the benchmark, through src/internal.ts). */
export function testHooks(): TestHooks {
  return chosen.hooks;
}

/** Where the native core was loaded from (`undefined` on the portable back end). */
export function nativeOrigin(): NativeOrigin | undefined {
  return chosen.origin;
}
