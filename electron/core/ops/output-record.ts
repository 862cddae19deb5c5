import type { Output } from '../dvc/output.ts';
import type { HashName } from '../hash/hash-pool.ts';
import type { ObjectStore } from '../cache/odb.ts';
import { isLockstepError } from '../errors/index.ts';
import type { WorkspaceState } from './workspace-state.ts';

/**
 * The per-file hashes an output records (relpath -> md5; '' for a single file), read from its `.dir`
 * manifest in the cache. Empty when the output has no hash yet or its manifest is not in the cache.
 */
export async function recordedHashes(odb: ObjectStore, output: Output): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  if (!output.md5) return m;
  if (!output.md5.endsWith('.dir')) {
    m.set('', output.md5);
    return m;
  }
  try {
    for (const e of await odb.readManifest(output.md5, output.hashName)) m.set(e.relpath, e.md5);
  } catch (err) {
    if (!isLockstepError(err, 'MISSING_OBJECT') && !isLockstepError(err, 'CORRUPT_OBJECT')) throw err;
  }
  return m;
}

/**
 * The output entry describing `state`: hash value and meta (`size`, `nfiles` for folders, `isexec` for
 * executable files), keeping every other key of `previous` (desc, remote, push, ...) as it was.
 */
export function outputFromState(previous: Output | undefined, pathWritten: string, state: Exclude<WorkspaceState, { kind: 'missing' }>, hashName: HashName): Output {
  const base: Output = previous ?? { path: pathWritten, md5: null, hashName, cache: true, push: true, extra: {} };
  const next: Output = { ...base, md5: state.oid, size: state.size, hashName };
  if (state.kind === 'dir') {
    next.nfiles = state.nfiles;
    delete next.isexec;
  } else {
    delete next.nfiles;
    if (state.isexec) next.isexec = true;
    else delete next.isexec;
  }
  return next;
}

/** True when the recorded entry already describes `state` (same hash, same meta): nothing to rewrite. */
export function sameRecord(output: Output, state: Exclude<WorkspaceState, { kind: 'missing' }>): boolean {
  if (output.md5 !== state.oid) return false;
  if (output.size !== undefined && output.size !== state.size) return false;
  if (state.kind === 'dir') return output.nfiles === undefined || output.nfiles === state.nfiles;
  return (output.isexec ?? false) === state.isexec;
}
