import { randomBytes } from 'node:crypto';
import path from 'node:path';

/**
 * Temp files are named `.<22 url-safe chars>-<pid>.tmp` in the directory of the file they will become, so the
 * final rename never crosses a filesystem and a killed writer can be recognised later (DVC's own temp files
 * are `.<22 chars>.tmp`, which the same pattern accepts without the pid).
 */
export const TEMP_NAME_RE = /^\.[A-Za-z0-9_-]{22}(?:-(\d+))?\.tmp$/;

// 12 random characters per process plus a 10-character counter: as unique as 22 random characters, without
// asking the kernel for random bytes per file (about 20 us each, a fifth of a second per 10,000 files).
const PROCESS_PREFIX = randomBytes(9).toString('base64url');
let counter = 0;

/** A fresh temp path next to `finalPath`. */
export function tempPathFor(finalPath: string): string {
  const n = (counter++).toString(36).padStart(10, '0');
  return path.join(path.dirname(finalPath), `.${PROCESS_PREFIX}${n}-${process.pid}.tmp`);
}

/** The pid recorded in a temp file name, or undefined for names without one (DVC's). */
export function tempOwnerPid(name: string): number | undefined {
  const m = TEMP_NAME_RE.exec(name);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}
