// Types for load-cli.mjs (plain JavaScript so the bin shim starts without the TypeScript stripper).
import type { runCli } from './run-cli.ts';

/** Turns on Node's on-disk compile cache (no-op when unavailable or LOCKSTEP_NO_COMPILE_CACHE=1). */
export function enableCompileCache(): void;
/** True when out/cli holds a bundle newer than every source it was built from. */
export function bundleIsFresh(): boolean;
/** `runCli` from the fresh bundle, else from the TypeScript sources. */
export function loadRunCli(): Promise<typeof runCli>;
