import { constants as fsc, linkSync, renameSync, unlinkSync } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, open, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ManifestEntry } from '../dvc/manifest.ts';
import { parseManifest } from '../dvc/manifest.ts';
import { LockstepError, fromFsError } from '../errors/index.ts';
import { md5Dos2UnixFile } from '../hash/dos2unix.ts';
import type { HashName } from '../hash/hash-pool.ts';
import { md5Bytes, md5File } from '../hash/md5-file.ts';
import { tempPathFor } from './temp-file.ts';
import type { UnflushedJournal } from './unflushed.ts';

const OID_RE = /^[0-9a-f]{32}(\.dir)?$/;
const HEX2_RE = /^[0-9a-f]{2}$/;
const REST_RE = /^[0-9a-f]{30}(\.dir)?$/;
/** Cache objects are read-only; DVC trusts an object with exactly this mode without re-hashing it. */
export const OBJECT_MODE = 0o444;

/** Result of an add: `added` is false when a valid object was already there (nothing was written). */
export interface AddResult {
  added: boolean;
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * A content-addressed object store in DVC's local cache layout (dvc-format.md §4.1): 3.x objects (`md5`) under
 * `<root>/files/md5/xx/rest`, legacy 2.x objects (`md5-dos2unix`) under `<root>/xx/rest`. Objects appear only
 * complete (temp file + rename), are made 0444, and are never overwritten. A damaged object is moved to
 * `<root>/quarantine/` rather than deleted, so no bytes are lost even when the hash check is wrong.
 */
export class ObjectStore {
  readonly root: string;
  /**
   * Where objects published without a flush are recorded (cache/unflushed.ts); null: flush at publish.
   * Set by openRepo: the journal belongs to the repository whose lock guards the writes.
   */
  readonly journal: UnflushedJournal | null;
  // Layout folders with a trailing separator, joined once: pathFor runs per object (status, checkout and
  // cloud status call it for every file of a 100k-file folder), and path.join re-normalises every time.
  readonly #md5Prefix: string;
  readonly #legacyPrefix: string;

  constructor(root: string, journal: UnflushedJournal | null = null) {
    this.root = root;
    this.journal = journal;
    // join(..., 'x') minus the 'x': normalised, with exactly one trailing separator even for `/` or `dir/`.
    this.#md5Prefix = path.join(root, 'files', 'md5', 'x').slice(0, -1);
    this.#legacyPrefix = path.join(root, 'x').slice(0, -1);
  }

  /** The directory holding one layout's `xx/` object folders (`<root>/files/md5` for 3.x, `<root>` for legacy). */
  layoutDir(hashName: HashName): string {
    return hashName === 'md5' ? path.join(this.root, 'files', 'md5') : this.root;
  }

  /** Absolute path of an object. Throws SCHEMA_ERROR for anything but 32 lower-case hex digits (+ `.dir`). */
  pathFor(oid: string, hashName: HashName): string {
    if (!OID_RE.test(oid)) {
      throw new LockstepError('SCHEMA_ERROR', `"${oid}" is not a valid md5 object id (expected 32 lower-case hex digits, optionally followed by .dir).`, { oid });
    }
    // OID_RE admits no separators or dots beyond `.dir`, so plain concatenation is already normal.
    return (hashName === 'md5' ? this.#md5Prefix : this.#legacyPrefix) + oid.slice(0, 2) + path.sep + oid.slice(2);
  }

  /**
   * True when the object exists and is valid. A 0444 object is trusted (as DVC does); any other mode means it
   * may have been edited through a link, so it is re-hashed: a match is re-protected, a mismatch quarantined.
   */
  async has(oid: string, hashName: HashName): Promise<boolean> {
    const p = this.pathFor(oid, hashName);
    let st;
    try {
      st = await stat(p);
    } catch (err) {
      if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return false;
      throw fromFsError(err, p, 'check the cache object');
    }
    if (!st.isFile()) return false;
    if ((st.mode & 0o777) === OBJECT_MODE) return true;
    const actual = await this.actualHash(p, oid, hashName);
    if (actual === null) {
      await chmod(p, OBJECT_MODE).catch(() => {});
      return true;
    }
    await this.quarantine(p, oid, hashName);
    return false;
  }

  /**
   * Re-hashes the object whatever its mode. Missing -> MISSING_OBJECT; mismatch -> the object is moved to
   * quarantine and CORRUPT_OBJECT names it with the expected and actual hash.
   */
  async verify(oid: string, hashName: HashName): Promise<void> {
    const p = this.pathFor(oid, hashName);
    let actual;
    try {
      actual = await this.actualHash(p, oid, hashName);
    } catch (err) {
      if (errno((err as { cause?: unknown }).cause) === 'ENOENT') {
        throw new LockstepError('MISSING_OBJECT', `The cache object ${oid} is missing (${p}). Fetch it from a remote or re-add the data.`, { oid, path: p });
      }
      throw err;
    }
    if (actual === null) return;
    const moved = await this.quarantine(p, oid, hashName);
    throw new LockstepError(
      'CORRUPT_OBJECT',
      `The cache object ${p} is corrupt: expected md5 ${oid.replace(/\.dir$/, '')}, found ${actual}. It was moved to ${moved}; fetch the object again from a remote or re-add the data.`,
      { oid, path: p, expected: oid.replace(/\.dir$/, ''), actual, quarantined: moved },
    );
  }

  /**
   * Makes sure the given objects are on disk before the caller destroys the last other copy of their bytes
   * (a workspace file): a no-op for objects already flushed, or without a journal (cache/unflushed.ts).
   */
  async makeDurable(refs: Iterable<{ readonly oid: string; readonly hashName: HashName }>): Promise<void> {
    if (!this.journal) return;
    const paths: string[] = [];
    for (const r of refs) paths.push(this.pathFor(r.oid, r.hashName));
    if (paths.length > 0) await this.journal.makeDurable(paths);
  }

  /**
   * Re-hashes the object at `objectPath` (a path {@link pathFor} produced) whatever its mode: used after a
   * reboot for objects that were published without a flush (cache/unflushed.ts). A mismatch is moved to
   * quarantine, never deleted. Paths outside this store are left alone.
   */
  async recheck(objectPath: string): Promise<'ok' | 'missing' | 'quarantined' | 'foreign'> {
    const ref = this.refOf(objectPath);
    if (ref === null) return 'foreign';
    let actual;
    try {
      actual = await this.actualHash(objectPath, ref.oid, ref.hashName);
    } catch (err) {
      if (errno((err as { cause?: unknown }).cause) === 'ENOENT' || errno(err) === 'ENOENT') return 'missing';
      throw err;
    }
    if (actual === null) return 'ok';
    await this.quarantine(objectPath, ref.oid, ref.hashName);
    return 'quarantined';
  }

  /** The object id and layout of a path inside this store, or null. */
  private refOf(objectPath: string): { oid: string; hashName: HashName } | null {
    const under = objectPath.startsWith(this.#md5Prefix) ? 'md5' : objectPath.startsWith(this.#legacyPrefix) ? 'md5-dos2unix' : null;
    if (under === null) return null;
    const rest = objectPath.slice((under === 'md5' ? this.#md5Prefix : this.#legacyPrefix).length).split(path.sep);
    const oid = rest.length === 2 ? `${rest[0]}${rest[1]}` : '';
    return OID_RE.test(oid) && rest[0]?.length === 2 ? { oid, hashName: under } : null;
  }

  /**
   * Stores `srcAbs` as object `oid` (the caller hashed it). Copy path: reflink when the filesystem can, else a
   * kernel copy, into a temp file in the target directory; fsync; chmod 0444; then publish it under its final
   * name without ever replacing an existing object. `move: true` renames the source in instead when it is on
   * the same device (the source is gone afterwards, also after a cross-device copy). On any failure the temp
   * file is removed and the source is left (or put back) exactly where it was; ENOSPC becomes DISK_FULL.
   */
  async addFile(srcAbs: string, oid: string, hashName: HashName, opts: { move?: boolean } = {}): Promise<AddResult> {
    const dest = this.pathFor(oid, hashName);
    if (await this.has(oid, hashName)) {
      if (opts.move) await this.removeMovedSource(srcAbs);
      return { added: false };
    }
    await this.ensureDir(path.dirname(dest));
    const tmp = tempPathFor(dest);
    let movedIn = false;
    let srcMode = 0;
    try {
      // Only a plain, singly-linked file is renamed in: moving a symlink would store the link, and a file with
      // other hard links would leave a writable alias of the cache object behind. Those are copied instead.
      const srcSt = opts.move ? await lstat(srcAbs).catch((err: unknown) => { throw fromFsError(err, srcAbs, 'read'); }) : undefined;
      if (srcSt?.isFile() && srcSt.nlink === 1) {
        srcMode = srcSt.mode & 0o7777;
        try {
          await rename(srcAbs, tmp);
          movedIn = true;
        } catch (err) {
          if (errno(err) !== 'EXDEV') throw fromFsError(err, srcAbs, 'move into the cache');
        }
      }
      if (!movedIn) {
        try {
          await copyFile(srcAbs, tmp, fsc.COPYFILE_EXCL | fsc.COPYFILE_FICLONE);
        } catch (err) {
          throw fromFsError(err, errno(err) === 'ENOENT' || errno(err) === 'EACCES' ? srcAbs : dest, 'copy into the cache');
        }
      }
      await this.sealAndPublish(tmp, dest);
    } catch (err) {
      if (movedIn) {
        // Put the user's file back as it was, mode included (sealing may already have made it 0444).
        await chmod(tmp, srcMode).catch(() => {});
        await rename(tmp, srcAbs).catch(() => {});
      } else {
        await rm(tmp, { force: true });
      }
      throw err;
    }
    if (opts.move && !movedIn) await this.removeMovedSource(srcAbs);
    return { added: true };
  }

  /** Stores in-memory bytes (a `.dir` manifest) as object `oid`, checking first that they really hash to it. */
  async addBytes(oid: string, hashName: HashName, buf: Uint8Array): Promise<AddResult> {
    const dest = this.pathFor(oid, hashName);
    const actual = md5Bytes(buf);
    if (actual !== oid.replace(/\.dir$/, '')) {
      throw new LockstepError('INTERNAL', `Refusing to store bytes with md5 ${actual} as cache object ${oid}.`, { oid, actual });
    }
    if (await this.has(oid, hashName)) return { added: false };
    await this.ensureDir(path.dirname(dest));
    const tmp = tempPathFor(dest);
    try {
      await writeFile(tmp, buf, { flag: 'wx' }).catch((err: unknown) => {
        throw fromFsError(err, dest, 'write the cache object');
      });
      await this.sealAndPublish(tmp, dest);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { added: true };
  }

  /**
   * Reads and parses a `.dir` manifest object. Its bytes are checked against the oid first (manifests are small,
   * and a wrong manifest would mis-describe a whole directory): mismatch -> quarantined + CORRUPT_OBJECT.
   */
  async readManifest(oid: string, hashName: HashName): Promise<ManifestEntry[]> {
    if (!oid.endsWith('.dir')) throw new LockstepError('INTERNAL', `readManifest needs a .dir object id, got ${oid}.`, { oid });
    const p = this.pathFor(oid, hashName);
    let bytes: Buffer;
    try {
      bytes = await readFile(p);
    } catch (err) {
      if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') {
        throw new LockstepError('MISSING_OBJECT', `The directory manifest ${oid} is missing from the cache (${p}). Fetch it from a remote or re-add the directory.`, { oid, path: p });
      }
      throw fromFsError(err, p, 'read');
    }
    const actual = md5Bytes(bytes);
    if (actual !== oid.slice(0, 32)) {
      const moved = await this.quarantine(p, oid, hashName);
      throw new LockstepError('CORRUPT_OBJECT', `The directory manifest ${p} is corrupt: expected md5 ${oid.slice(0, 32)}, found ${actual}. It was moved to ${moved}.`, { oid, path: p, expected: oid.slice(0, 32), actual, quarantined: moved });
    }
    return parseManifest(bytes, p);
  }

  /** Every object id present in one layout (names that are not `xx/<30 hex>[.dir]` are ignored, as DVC does). */
  async *list(hashName: HashName): AsyncIterable<string> {
    const base = hashName === 'md5' ? path.join(this.root, 'files', 'md5') : this.root;
    let prefixes: string[];
    try {
      prefixes = (await readdir(base)).filter((n) => HEX2_RE.test(n)).sort();
    } catch (err) {
      if (errno(err) === 'ENOENT') return;
      throw fromFsError(err, base, 'list');
    }
    for (const prefix of prefixes) {
      let names: string[];
      try {
        names = await readdir(path.join(base, prefix));
      } catch (err) {
        if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') continue;
        throw fromFsError(err, path.join(base, prefix), 'list');
      }
      for (const name of names.sort()) if (REST_RE.test(name)) yield prefix + name;
    }
  }

  /** Deletes an object (gc). Returns false when it was not there. */
  async remove(oid: string, hashName: HashName): Promise<boolean> {
    const p = this.pathFor(oid, hashName);
    try {
      await unlink(p);
      return true;
    } catch (err) {
      if (errno(err) === 'ENOENT') return false;
      throw fromFsError(err, p, 'remove the cache object');
    }
  }

  /** null when the file at `p` matches `oid`, else the hash it actually has (for legacy, DVC 3's form). */
  private async actualHash(p: string, oid: string, hashName: HashName): Promise<string | null> {
    const expected = oid.slice(0, 32);
    // `.dir` objects are hashed raw in both layouts: a manifest never contains CRLF, so both forms agree.
    if (hashName === 'md5' || oid.endsWith('.dir')) {
      const { md5 } = await md5File(p);
      return md5 === expected ? null : md5;
    }
    const { v3, v2 } = await md5Dos2UnixFile(p);
    return v3 === expected || v2 === expected ? null : v3;
  }

  /** Moves a bad object aside (never deletes it) and returns where it went. */
  private async quarantine(p: string, oid: string, hashName: HashName): Promise<string> {
    const dir = path.join(this.root, 'quarantine');
    const target = path.join(dir, `${hashName === 'md5' ? 'md5' : 'legacy'}-${oid}-${Date.now()}`);
    try {
      await mkdir(dir, { recursive: true });
      await rename(p, target);
    } catch (err) {
      throw fromFsError(err, p, 'move the corrupt object to quarantine');
    }
    return target;
  }

  /** mkdir -p for an object directory; failures name the directory (DISK_FULL on ENOSPC). */
  async ensureDir(dir: string): Promise<void> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw fromFsError(err, dir, 'create the cache directory');
    }
  }

  /** fsync + chmod 0444 the finished temp file, then give it its final name ({@link publishTemp}). */
  private async sealAndPublish(tmp: string, dest: string): Promise<void> {
    try {
      const fh = await open(tmp, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await chmod(tmp, OBJECT_MODE);
    } catch (err) {
      throw fromFsError(err, dest, 'write the cache object');
    }
    await this.publishTemp(tmp, dest);
  }

  /**
   * Gives a finished (sealed, 0444) temp file its final object name. `link` refuses to replace an existing
   * name, which is what makes "never overwrite an object" hold even against a concurrent writer; when the
   * name exists the temp file is dropped. Filesystems without hard links fall back to rename (same bytes
   * by construction, so a race is harmless). Returns false when the object already existed. Metadata-only
   * calls, made synchronously: through the libuv pool they cost several times the CPU, and a fetch or add
   * publishes thousands in a row (callers pace them with a LoopBudget).
   */
  async publishTemp(tmp: string, dest: string): Promise<boolean> {
    try {
      linkSync(tmp, dest);
      unlinkSync(tmp);
      return true;
    } catch (err) {
      if (errno(err) === 'EEXIST') {
        try {
          unlinkSync(tmp);
        } catch (e) {
          throw fromFsError(e, tmp, 'remove the temp file of');
        }
        return false;
      }
      if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK', 'EXDEV'].includes(errno(err) ?? '')) throw fromFsError(err, dest, 'publish the cache object');
    }
    try {
      renameSync(tmp, dest);
    } catch (err) {
      throw fromFsError(err, dest, 'publish the cache object');
    }
    return true;
  }

  /** After a move-add, the source's bytes live in the cache; the workspace copy is re-created by linking. */
  private async removeMovedSource(srcAbs: string): Promise<void> {
    try {
      const st = await lstat(srcAbs);
      if (st.isFile() || st.isSymbolicLink()) await unlink(srcAbs);
    } catch (err) {
      if (errno(err) !== 'ENOENT') throw fromFsError(err, srcAbs, 'remove the moved source');
    }
  }
}
