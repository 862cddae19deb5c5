import { statSync, type BigIntStats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fromFsError } from '../errors/index.ts';

/** The parts of a stat the engine keys hash state on, plus mode. inode and mtime are exact 64-bit values. */
export interface StatEntry {
  readonly inode: bigint;
  readonly mtimeNs: bigint;
  readonly size: number;
  /** Permission bits only (`mode & 0o7777`). */
  readonly mode: number;
  /** True when any execute bit (user, group or other) is set: DVC's `is_exec` rule. */
  readonly isexec: boolean;
}

/** Converts a bigint stat into a {@link StatEntry}. */
export function toStatEntry(st: BigIntStats): StatEntry {
  const mode = Number(st.mode & 0o7777n);
  return { inode: st.ino, mtimeNs: st.mtimeNs, size: Number(st.size), mode, isexec: (mode & 0o111) !== 0 };
}

/**
 * Stats a file (following symlinks, as DVC hashes a link's target) with bigint precision so the mtime keeps
 * its nanoseconds: a file rewritten within the same millisecond must still invalidate its stored hash.
 */
export async function statEntry(abs: string): Promise<StatEntry> {
  try {
    return toStatEntry(await stat(abs, { bigint: true }));
  } catch (err) {
    throw fromFsError(err, abs, 'stat');
  }
}

/** {@link statEntry} made synchronously: for a file just written, whose metadata is in memory. */
export function statEntrySync(abs: string): StatEntry {
  try {
    return toStatEntry(statSync(abs, { bigint: true }));
  } catch (err) {
    throw fromFsError(err, abs, 'stat');
  }
}
