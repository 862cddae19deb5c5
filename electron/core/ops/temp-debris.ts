import path from 'node:path';
import { isPidDead } from '../cache/tmp-cleanup.ts';
import { TEMP_NAME_RE, tempOwnerPid } from '../cache/temp-file.ts';

/**
 * True for a temp file (`.<22 chars>-<pid>.tmp`) left in the workspace by a Lockstep process that no
 * longer runs (killed in the middle of linking a file). Such a file never holds user data: it is a
 * half-made copy of a cache object, so checkout removes it and status does not count it.
 */
export function isTempDebris(absPath: string): boolean {
  const name = path.basename(absPath);
  if (!TEMP_NAME_RE.test(name)) return false;
  const pid = tempOwnerPid(name);
  return pid !== undefined && isPidDead(pid);
}
