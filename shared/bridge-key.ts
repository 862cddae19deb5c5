/**
 * Name of the Electron preload's object on `window`. Kept apart from contract.ts (which re-exports it)
 * so the renderer can read it without pulling the contract's runtime schemas, and with them zod, into
 * its bundle: the renderer validates nothing itself, the service does.
 */
export const DESKTOP_BRIDGE_KEY = 'lockstep';
