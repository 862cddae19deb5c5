import { constants as fsc } from 'node:fs';
import { chmod, copyFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LockstepError, fromFsError } from '../errors/index.ts';
import type { HashName } from '../hash/hash-pool.ts';
import { md5Bytes } from '../hash/md5-file.ts';
import { LoopBudget } from '../jobs/loop-budget.ts';
import { syncToDisk } from './durable.ts';
import type { AddResult, ObjectStore } from './odb.ts';
import { OBJECT_MODE } from './odb.ts';
import { tempPathFor } from './temp-file.ts';

interface Staged {
  readonly tmp: string;
  readonly dest: string;
  readonly oid: string;
  readonly hashName: HashName;
}

/**
 * A set of cache objects written for one operation and published together by {@link commit}.
 *
 * Where the store has an unflushed-objects journal (Linux, see cache/unflushed.ts), `commit` records the
 * objects there durably and publishes them without flushing their bytes; what follows describes the
 * flush-at-publish path used elsewhere, and the reason the journal exists.
 *
 * Objects are written to sealed (0444) temp files without an fsync each; `commit` then (1) flushes them
 * to disk once, (2) gives each its final name, (3) flushes again so the names are durable. Callers write
 * a pointer (`.dvc`, `dvc.lock`) that names the objects only after `commit` returns, so the guarantee
 * "an object is durable before any pointer names it" holds as with an fsync per object, at a fraction of
 * the cost. Step (1) before (2) matters: a 0444 object is trusted without re-hashing, and on ext4
 * (delayed allocation) a name can reach the disk before its data, so naming an unflushed file could leave
 * a trusted empty object after a power cut. A process killed before `commit` leaves only temp files,
 * which `tmp-cleanup` removes.
 */
export class ObjectBatch {
  readonly odb: ObjectStore;
  private readonly staged = new Map<string, Staged>();

  constructor(odb: ObjectStore) {
    this.odb = odb;
  }

  /** Objects waiting for {@link commit}. */
  get size(): number {
    return this.staged.size;
  }

  /** True when this batch already holds bytes for `oid` (written, not yet published). */
  holds(oid: string, hashName: HashName): boolean {
    return this.staged.has(key(oid, hashName));
  }

  /** Registers a sealed 0444 temp file (written by a hash worker) on the object store's filesystem as object `oid`. */
  stageTemp(tmp: string, oid: string, hashName: HashName): void {
    const k = key(oid, hashName);
    const dest = this.odb.pathFor(oid, hashName);
    const had = this.staged.get(k);
    this.staged.set(k, { tmp, dest, oid, hashName });
    // Two files with the same bytes: keep one temp file, drop the other.
    if (had) void rm(had.tmp, { force: true });
  }

  /**
   * Like `ObjectStore.addFile` (copy or reflink; never moves the source) but published at {@link commit}.
   * `added` is true when this batch writes the object (also when it was staged already, by a hash worker).
   */
  async addFile(srcAbs: string, oid: string, hashName: HashName): Promise<AddResult> {
    if (this.holds(oid, hashName)) return { added: true };
    if (await this.odb.has(oid, hashName)) return { added: false };
    const dest = this.odb.pathFor(oid, hashName);
    await this.odb.ensureDir(path.dirname(dest));
    const tmp = tempPathFor(dest);
    try {
      await copyFile(srcAbs, tmp, fsc.COPYFILE_EXCL | fsc.COPYFILE_FICLONE).catch((err: unknown) => {
        const code = (err as NodeJS.ErrnoException).code;
        throw fromFsError(err, code === 'ENOENT' || code === 'EACCES' ? srcAbs : dest, 'copy into the cache');
      });
      await chmod(tmp, OBJECT_MODE).catch((err: unknown) => {
        throw fromFsError(err, dest, 'write the cache object');
      });
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    this.staged.set(key(oid, hashName), { tmp, dest, oid, hashName });
    return { added: true };
  }

  /** Like `ObjectStore.addBytes` (a `.dir` manifest, checked against its oid) but published at {@link commit}. */
  async addBytes(oid: string, hashName: HashName, buf: Uint8Array): Promise<AddResult> {
    const actual = md5Bytes(buf);
    if (actual !== oid.replace(/\.dir$/, '')) {
      throw new LockstepError('INTERNAL', `Refusing to store bytes with md5 ${actual} as cache object ${oid}.`, { oid, actual });
    }
    if (this.holds(oid, hashName) || (await this.odb.has(oid, hashName))) return { added: false };
    const dest = this.odb.pathFor(oid, hashName);
    await this.odb.ensureDir(path.dirname(dest));
    const tmp = tempPathFor(dest);
    try {
      await writeFile(tmp, buf, { flag: 'wx', mode: OBJECT_MODE });
      await chmod(tmp, OBJECT_MODE);
    } catch (err) {
      await rm(tmp, { force: true });
      throw fromFsError(err, dest, 'write the cache object');
    }
    this.staged.set(key(oid, hashName), { tmp, dest, oid, hashName });
    return { added: true };
  }

  /**
   * Flushes the staged objects to disk, publishes them under their names, and flushes the names. Objects
   * that appeared meanwhile (another writer) are kept and the temp file dropped. On failure the
   * unpublished temp files are removed.
   */
  async commit(): Promise<void> {
    const items = [...this.staged.values()];
    if (items.length === 0) return;
    try {
      // Temp files written outside their object's folder (large files streamed by a hash worker) need it to exist.
      for (const dir of new Set(items.filter((i) => path.dirname(i.tmp) !== path.dirname(i.dest)).map((i) => path.dirname(i.dest)))) await this.odb.ensureDir(dir);
      const journal = this.odb.journal;
      // With a journal the flush is deferred (cache/unflushed.ts): the objects are recorded durably first,
      // so after a power cut they are re-checked instead of trusted.
      if (journal) await journal.record(items.map((i) => i.dest));
      else await syncToDisk(this.odb.root, items.map((i) => i.tmp));
      const budget = new LoopBudget();
      for (const item of items) {
        // false: another writer published the same object meanwhile; its bytes are the same by name.
        await this.odb.publishTemp(item.tmp, item.dest);
        this.staged.delete(key(item.oid, item.hashName));
        await budget.pause();
      }
      if (!journal) await syncToDisk(this.odb.root, [...new Set(items.map((i) => path.dirname(i.dest)))]);
    } finally {
      await this.discard();
    }
  }

  /** Removes every temp file not yet published (an operation that failed or was cancelled). */
  async discard(): Promise<void> {
    const left = [...this.staged.values()];
    this.staged.clear();
    await Promise.all(left.map((i) => rm(i.tmp, { force: true })));
  }
}

function key(oid: string, hashName: HashName): string {
  return `${hashName}:${oid}`;
}
