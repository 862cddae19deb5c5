import { readFileSync } from 'node:fs';
import { appendFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fromFsError } from '../errors/index.ts';
import { fsyncPaths, syncToDisk } from './durable.ts';

/**
 * Cache objects published without being flushed to disk, remembered until they are known to be on disk.
 *
 * Why: flushing at publish time made `add` of a 2 GiB file wait ~9 s for the disk (the flush is bound by
 * the disk's write speed, not by us), and DVC and git-lfs do not flush at all. The flush only matters
 * after a power cut or kernel crash: a process kill leaves the page cache, and every reader, coherent.
 * So instead of flushing, an operation records the objects it publishes here, durably (one small append
 * and fdatasync, before any object gets its name), and three rules keep the old guarantee:
 *
 * 1. After a reboot (the boot id differs), every object recorded in an earlier boot is re-hashed before
 *    anything trusts it; a damaged one is quarantined (never deleted). `settle` does this at the start of
 *    every locked operation. A pointer may then name a missing object, which `status` reports.
 * 2. Before an operation destroys the last other copy of some bytes (checkout or restore replacing a
 *    workspace file, or hardlink/symlink configurations replacing it with a link), it flushes the objects
 *    that hold them: `makeDurable`.
 * 3. Records older than a minute are settled with one flush (cheap by then: the kernel writes dirty pages
 *    back within about 30 s) so the journal stays short and a later reboot has little to verify.
 *
 * File: `.dvc/tmp/lockstep/unflushed`, one line per object: `<boot id> <unix ms> <absolute path>`. A line
 * torn by a kill is ignored (its object was not published yet: records are written before the renames).
 * Writers hold the repository lock, so appends and rewrites never race.
 */
export class UnflushedJournal {
  readonly file: string;
  readonly bootId: string;

  constructor(file: string, bootId: string) {
    this.file = file;
    this.bootId = bootId;
  }

  /**
   * The journal of the repository whose `.dvc` folder is `dvcDir`, or null where the platform has no boot
   * id (not Linux): there, objects are flushed when published, as before.
   */
  static forRepo(dvcDir: string): UnflushedJournal | null {
    const bootId = currentBootId();
    return bootId === null ? null : new UnflushedJournal(path.join(dvcDir, 'tmp', 'lockstep', 'unflushed'), bootId);
  }

  /** Records `paths` as published but not flushed; durable when it returns. Call before publishing them. */
  async record(paths: readonly string[]): Promise<void> {
    if (paths.length === 0) return;
    const now = Date.now();
    const text = paths.map((p) => `${this.bootId} ${now} ${p}\n`).join('');
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      await appendFile(this.file, text);
      // The file and its name: a journal lost in a power cut would leave its objects trusted unchecked.
      await fsyncPaths([this.file, path.dirname(this.file)]);
    } catch (err) {
      throw fromFsError(err, this.file, 'record the new cache objects in');
    }
  }

  /** The recorded entries (torn or malformed lines skipped). */
  async entries(): Promise<JournalEntry[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw fromFsError(err, this.file, 'read');
    }
    const out: JournalEntry[] = [];
    for (const line of text.split('\n')) {
      const a = line.indexOf(' ');
      const b = a < 0 ? -1 : line.indexOf(' ', a + 1);
      if (b < 0) continue;
      const at = Number(line.slice(a + 1, b));
      const p = line.slice(b + 1);
      if (!Number.isFinite(at) || !path.isAbsolute(p)) continue;
      out.push({ bootId: line.slice(0, a), at, path: p });
    }
    return out;
  }

  /**
   * Flushes those of `paths` that are recorded here (rule 2) and forgets them. Paths not in the journal
   * are already durable and cost nothing. Returns how many were flushed.
   */
  async makeDurable(paths: Iterable<string>): Promise<number> {
    const entries = await this.entries();
    if (entries.length === 0) return 0;
    const wanted = new Set(paths);
    const hit = [...new Set(entries.filter((e) => e.bootId === this.bootId && wanted.has(e.path)).map((e) => e.path))];
    if (hit.length === 0) return 0;
    await flush(path.dirname(this.file), hit);
    const done = new Set(hit);
    await this.rewrite(entries.filter((e) => !done.has(e.path)));
    return hit.length;
  }

  /**
   * Rules 1 and 3. Rule 1 before returning: objects recorded before the last reboot are re-checked with
   * `verify` (which quarantines a damaged object) and forgotten. Rule 3 only starts here: the flush of entries
   * older than {@link SETTLE_AFTER_MS} runs alongside the caller's operation, and {@link Settling.finish}
   * (called while the lock is still held) waits for it and forgets what it made durable. Why not flush first:
   * `syncfs` writes back every dirty page of the filesystem, other programs' too, and made a push wait 2.2 s
   * for the bytes a local S3 server had just written before sending anything. Cheap when there is nothing to
   * do (one failed read).
   */
  async settle(verify: (objectPath: string) => Promise<void>, nowMs = Date.now()): Promise<Settling> {
    const entries = await this.entries();
    const earlierBoot = [...new Set(entries.filter((e) => e.bootId !== this.bootId).map((e) => e.path))];
    for (const p of earlierBoot) await verify(p);
    const current = entries.filter((e) => e.bootId === this.bootId);
    if (earlierBoot.length > 0) await this.rewrite(current);
    const old = current.filter((e) => nowMs - e.at >= SETTLE_AFTER_MS);
    const oldPaths = [...new Set(old.map((e) => e.path))];
    const verified = earlierBoot.length;
    if (oldPaths.length === 0) return { verified, flushing: 0, finish: () => Promise.resolve({ verified, flushed: 0 }) };
    // A failed flush keeps its records (the next operation tries again) and fails nothing: what these objects'
    // safety rests on is rule 1 after a reboot and rule 2's flush, which does report errors.
    const flushed = flush(path.dirname(this.file), oldPaths).then(() => true, () => false);
    return {
      verified,
      flushing: oldPaths.length,
      finish: async () => {
        if (!(await flushed)) return { verified, flushed: 0 };
        // Read again: the operation may have recorded or flushed objects meanwhile. Only the very records
        // flushed here go (the same object recorded again since is a new record).
        const done = new Set(old.map(recordKey));
        const now = await this.entries();
        const keep = now.filter((e) => !done.has(recordKey(e)));
        if (keep.length < now.length) await this.rewrite(keep);
        return { verified, flushed: oldPaths.length };
      },
    };
  }

  /** Replaces the journal's content (temp + rename); an empty journal is removed. */
  private async rewrite(keep: readonly JournalEntry[]): Promise<void> {
    try {
      if (keep.length === 0) {
        await rm(this.file, { force: true });
        return;
      }
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, keep.map((e) => `${e.bootId} ${e.at} ${e.path}\n`).join(''));
      await rename(tmp, this.file);
    } catch (err) {
      throw fromFsError(err, this.file, 'update');
    }
  }
}

/** One journal line. */
export interface JournalEntry {
  readonly bootId: string;
  readonly at: number;
  readonly path: string;
}

/** What {@link UnflushedJournal.settle} did. */
export interface SettleResult {
  verified: number;
  flushed: number;
}

/** A settle whose rule-3 flush may still be running. */
export interface Settling {
  /** Objects of an earlier boot re-checked (already done). */
  readonly verified: number;
  /** Objects whose flush is under way. */
  readonly flushing: number;
  /** Waits for the flush and forgets the records it made durable. Call before releasing the repository lock. */
  finish(): Promise<SettleResult>;
}

function recordKey(e: JournalEntry): string {
  return `${e.bootId} ${e.at} ${e.path}`;
}

/** Entries older than this are flushed and dropped at the next locked operation (rule 3). */
export const SETTLE_AFTER_MS = 60_000;

/** Up to this many objects are fsynced one by one; more take one filesystem-wide flush. */
const FSYNC_EACH_MAX = 64;

async function flush(dirOnFs: string, paths: readonly string[]): Promise<void> {
  // Objects deleted meanwhile (gc) need no flush; fsyncing a missing file would fail.
  const present: string[] = [];
  for (const p of paths) {
    try {
      await stat(p);
      present.push(p);
    } catch {
      // gone: nothing to make durable
    }
  }
  if (present.length === 0) return;
  if (present.length > FSYNC_EACH_MAX) await syncToDisk(dirOnFs, present);
  // The folders too: the bytes are no use after a power cut if the object's name did not survive it.
  else await fsyncPaths([...present, ...new Set(present.map((p) => path.dirname(p)))]);
}

let cachedBootId: string | null | undefined;

/** Linux's per-boot random id; null elsewhere. */
function currentBootId(): string | null {
  if (cachedBootId !== undefined) return cachedBootId;
  try {
    const id = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    cachedBootId = /^[0-9a-f-]{16,64}$/.test(id) ? id : null;
  } catch {
    cachedBootId = null;
  }
  return cachedBootId;
}
