import { lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fromFsError } from '../errors/index.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import { TEMP_NAME_RE, tempOwnerPid } from './temp-file.ts';

/** Options for {@link cleanupStaleTempFiles}. */
export interface TmpCleanupOptions {
  /** Descend into sub-directories (a cache root); false for a single workspace directory. Default true. */
  readonly recursive?: boolean;
  /** A temp file older than this is stale whoever wrote it. Default one hour. */
  readonly maxAgeMs?: number;
  /**
   * A temp file whose writer pid is dead is stale once it has not been written for this long. The grace period
   * covers a cache shared over a network filesystem, where the pid may belong to a live process on another host
   * (such a writer keeps touching its file). Default two minutes.
   */
  readonly deadPidGraceMs?: number;
  readonly now?: number;
  readonly signal?: AbortSignal;
}

const HOUR = 60 * 60 * 1000;

/** True when no process with this pid exists on this machine (EPERM means it exists but is not ours). */
export function isPidDead(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes `.*.tmp` files that killed processes left behind under `dir` (cache objects being written, workspace
 * files being linked). Only names matching the engine's and DVC's temp pattern are touched, and only when they
 * are older than `maxAgeMs` or belong to a dead pid. Symlinked directories are not followed.
 * Returns the removed paths.
 */
export async function cleanupStaleTempFiles(dir: string, opts: TmpCleanupOptions = {}): Promise<string[]> {
  const now = opts.now ?? Date.now();
  const maxAge = opts.maxAgeMs ?? HOUR;
  const grace = opts.deadPidGraceMs ?? 2 * 60 * 1000;
  const removed: string[] = [];
  const visit = async (d: string): Promise<void> => {
    throwIfAborted(opts.signal);
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw fromFsError(err, d, 'list');
    }
    for (const e of entries) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) {
        if (opts.recursive !== false) await visit(abs);
        continue;
      }
      if (!e.isFile() || !TEMP_NAME_RE.test(e.name)) continue;
      let age: number;
      try {
        age = now - (await lstat(abs)).mtimeMs;
      } catch {
        continue; // finished and renamed meanwhile
      }
      const pid = tempOwnerPid(e.name);
      const stale = age > maxAge || (pid !== undefined && age > grace && isPidDead(pid));
      if (!stale) continue;
      await rm(abs, { force: true });
      removed.push(abs);
    }
  };
  await visit(dir);
  return removed;
}
