/**
 * queue/load: loading the queue's modules. BullMQ and ioredis are optional peer
 * dependencies of charcount (a library install leaves them out), so the modules that
 * import them load only for a queued run, through `loadQueueModule`, which turns their
 * absence into one sentence saying what to install (a `QueueUnavailableError`, which
 * core/errors.ts declares, so that it can be made without them).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueueUnavailableError } from '../../core/errors.js';
import { packageDir } from '../../core/package.js';

// Made where ioredis need not be installed (core/errors.ts), and known here by its old address.
export { QueueUnavailableError };

/** The packages a queued run needs, which charcount lists as optional peer dependencies. */
export const QUEUE_PACKAGES = ['bullmq', 'ioredis'] as const;

/** Whether `e` is the failure to find one of the queue's packages (ESM or CommonJS wording). */
function isMissingPackage(e: unknown): boolean {
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    QUEUE_PACKAGES.some((name) => message.includes(`'${name}'`))
  );
}

/** The sentence that says what to install, at the ranges package.json gives. */
function missingPackages(): string {
  let ranges: Record<string, string> = {};
  try {
    const manifest = JSON.parse(readFileSync(join(packageDir(), 'package.json'), 'utf8')) as {
      peerDependencies?: Record<string, string>;
    };
    ranges = manifest.peerDependencies ?? {};
  } catch {
    // No ranges, then: the names alone.
  }
  const install = QUEUE_PACKAGES.map((name) => (ranges[name] ? `${name}@${ranges[name]}` : name)).join(' ');
  return (
    'a queued run needs the packages bullmq and ioredis, which charcount does not install with itself ' +
    `(optional peer dependencies): install them beside it, with npm install ${install} ` +
    '(npm install -g for a global charcount)'
  );
}

/**
 * Loads a module that imports BullMQ or ioredis (`() => import('./client.js')`); where either
 * is not installed, rejects with a `QueueUnavailableError` saying what to install.
 */
export async function loadQueueModule<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (!isMissingPackage(e)) throw e;
    throw new QueueUnavailableError(missingPackages());
  }
}
