import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LockstepError, fromFsError } from '../errors/index.ts';
import type { HashName } from '../hash/hash-pool.ts';

/** One workspace data path as it was before a restore, every file recoverable from the cache. */
export interface SavedOutput {
  readonly path: string;
  readonly kind: 'file' | 'dir' | 'absent';
  readonly files: readonly { readonly rel: string; readonly oid: string; readonly hashName: HashName; readonly size: number }[];
}

/**
 * What `undo` needs to put the workspace back exactly: written (atomically) before a restore touches
 * anything, marked done after. A record left in 'applying' means the restore was interrupted; rerunning
 * the same restore or running undo both recover from it.
 */
export interface RestorePoint {
  readonly id: string;
  readonly createdAt: string;
  readonly state: 'applying' | 'done' | 'undone';
  readonly mode: 'run' | 'data-only';
  readonly rev: string;
  readonly target: string;
  readonly newBranch?: string;
  readonly before: {
    readonly head: string | null;
    readonly branch: string | null;
    /** Snapshot commit of the work tree (see snapshotWorkTree) when it differed from HEAD, else null. */
    readonly workTree: string | null;
    /** Pointer files rewritten by a data-only restore: their previous content as git blob oids (null: absent). */
    readonly pointers: readonly { readonly path: string; readonly blob: string | null }[];
    readonly data: readonly SavedOutput[];
  };
}

/** Where restore points live: inside `.dvc/tmp/lockstep`, which DVC and git both ignore. */
export function restorePointDir(dvcDir: string): string {
  return path.join(dvcDir, 'tmp', 'lockstep', 'restore-points');
}

/** Writes a restore point atomically (temp file + rename). */
export async function writeRestorePoint(dvcDir: string, point: RestorePoint): Promise<void> {
  const dir = restorePointDir(dvcDir);
  const file = path.join(dir, `${point.id}.json`);
  try {
    await mkdir(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(point, null, 1)}\n`);
    await rename(tmp, file);
  } catch (err) {
    throw fromFsError(err, file, 'write the restore point');
  }
}

/** The newest restore point that was not undone yet, or null. */
export async function latestRestorePoint(dvcDir: string): Promise<RestorePoint | null> {
  const dir = restorePointDir(dvcDir);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return null;
  }
  for (const name of names.reverse()) {
    const file = path.join(dir, name);
    let point: RestorePoint;
    try {
      point = JSON.parse(await readFile(file, 'utf8')) as RestorePoint;
    } catch (err) {
      throw new LockstepError('PARSE_ERROR', `The restore point ${file} is damaged (${(err as Error).message}). Move it away to continue.`, { file });
    }
    if (point.state !== 'undone') return point;
  }
  return null;
}

/** A sortable, unique id: time first so file names order by creation. */
export function newRestorePointId(): string {
  return `${new Date().toISOString().replace(/[-:.TZ]/g, '')}-${process.pid}`;
}
