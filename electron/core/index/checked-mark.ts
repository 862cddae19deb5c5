import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tempPathFor } from '../cache/temp-file.ts';

/**
 * Remembers that the index file passed SQLite's `quick_check`, so the next open can skip it while the file is
 * provably the same. quick_check reads every page (tens of ms for 100k hash entries, the largest cost of opening
 * the index); a `status` with nothing changed writes nothing, so after one check every later open is free.
 *
 * "The same" is the stat identity of the database and of its WAL file: inode, size, mtime and ctime in ns. Any
 * write, by SQLite or by anything else (a copy over it, a truncation, a stray `dd`), moves mtime or ctime, and
 * ctime cannot be set back by a user. A file that changed in the last {@link RACY_MS} may change again within the
 * same timestamp tick without its times moving (git's "racy clean" problem), so such an identity is never recorded.
 * The identity is taken before the connection opens: a write after that point is either seen by the check or
 * changes the identity, so it is checked again next time.
 */

/** Coarse filesystem timestamps (FAT: 2 s) can hide a write within this window. Same rule as `cache/fingerprint.ts`. */
const RACY_MS = 2000n;

/** The identity of the index files at one moment. */
export interface IndexIdentity {
  readonly key: string;
  /** False when a file changed too recently for its identity to be trusted later. */
  readonly settled: boolean;
}

function markPath(file: string): string {
  return `${file}.checked`;
}

/** The identity of `file` and its `-wal`, or undefined when the database does not exist yet. */
export function indexIdentity(file: string): IndexIdentity | undefined {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  let settled = true;
  const parts: string[] = [];
  for (const f of [file, `${file}-wal`]) {
    const st = statSync(f, { bigint: true, throwIfNoEntry: false });
    if (st === undefined) {
      if (f === file) return undefined;
      parts.push('-');
      continue;
    }
    if (nowNs - st.mtimeNs < RACY_MS * 1_000_000n || nowNs - st.ctimeNs < RACY_MS * 1_000_000n) settled = false;
    parts.push(`${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`);
  }
  return { key: parts.join('|'), settled };
}

/** True when the last recorded successful check was of exactly this identity. */
export function wasChecked(file: string, id: IndexIdentity): boolean {
  try {
    return readFileSync(markPath(file), 'utf8') === id.key;
  } catch {
    return false;
  }
}

/** Records a successful check of `id` (atomically); a settled identity only. Best effort: a failure costs only speed. */
export function recordChecked(file: string, id: IndexIdentity): void {
  if (!id.settled) return;
  const tmp = tempPathFor(markPath(file));
  try {
    writeFileSync(tmp, id.key);
    renameSync(tmp, markPath(file));
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // A leftover temp file is removed by the temp cleanup later (its name carries our pid).
    }
  }
}

/** Forgets any recorded check (the database is being replaced). */
export function forgetChecked(file: string): void {
  rmSync(markPath(file), { force: true });
}
