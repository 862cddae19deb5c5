// Chooses what runs the CLI: the esbuild bundle in out/cli/ (built by `npm run build:cli`) when it is
// there and not older than any source it was built from, else the TypeScript sources. Plain JavaScript so
// the bin shim can use it without loading Node's TypeScript stripper, which is itself a cost at start.
import { readFileSync, statSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE = new URL('../../out/cli/lockstep.mjs', import.meta.url);
const INPUTS = new URL('../../out/cli/inputs.json', import.meta.url);

/**
 * Caches V8's compiled code of every module on disk (Node >= 22.1), so the second and later runs skip
 * parsing and compiling. Harmless when unavailable; LOCKSTEP_NO_COMPILE_CACHE=1 turns it off.
 */
export function enableCompileCache() {
  if (process.env.LOCKSTEP_NO_COMPILE_CACHE === '1') return;
  try {
    module.enableCompileCache?.();
  } catch {
    // A read-only or full temp directory only costs speed.
  }
}

/**
 * True when out/cli holds a bundle built after the last change to every project file in it. Any doubt
 * (no bundle, unreadable list, a source missing or newer) means the sources run instead: a stale
 * bundle would silently run old code. LOCKSTEP_NO_BUNDLE=1 forces the sources.
 */
export function bundleIsFresh() {
  if (process.env.LOCKSTEP_NO_BUNDLE === '1') return false;
  try {
    statSync(BUNDLE);
    const { startedMs, inputs } = JSON.parse(readFileSync(INPUTS, 'utf8'));
    if (typeof startedMs !== 'number' || !Array.isArray(inputs) || inputs.length === 0) return false;
    for (const rel of inputs) {
      if (statSync(ROOT + rel).mtimeMs >= startedMs) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** Loads `runCli` from the fresh bundle, or from the TypeScript sources (refused with LOCKSTEP_REQUIRE_BUNDLE=1). */
export async function loadRunCli() {
  const fresh = bundleIsFresh();
  // Benchmarks set this: a measurement of the sources instead of the bundle would be silently wrong.
  if (!fresh && process.env.LOCKSTEP_REQUIRE_BUNDLE === '1') {
    throw new Error('lockstep: out/cli is missing or older than the sources (LOCKSTEP_REQUIRE_BUNDLE=1); run npm run build:cli first.');
  }
  const mod = fresh ? await import(BUNDLE.href) : await import('./run-cli.ts');
  return mod.runCli;
}
