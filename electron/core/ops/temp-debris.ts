import { isPidDead } from '../cache/tmp-cleanup.ts';
import { TEMP_NAME_RE, tempOwnerPid } from '../cache/temp-file.ts';

/**
 * True for the name of a temp file (`.<22 chars>-<pid>.tmp`) left in the workspace by a Lockstep process
 * that no longer runs (killed in the middle of linking a file). Such a file never holds user data: it is a
 * half-made copy of a cache object, so checkout removes it and status does not count it. A walk asks this
 * for every file, so most names are answered by their first character.
 */
export function isTempDebrisName(name: string): boolean {
  if (name.charCodeAt(0) !== 0x2e || !TEMP_NAME_RE.test(name)) return false;
  const pid = tempOwnerPid(name);
  return pid !== undefined && isPidDead(pid);
}
