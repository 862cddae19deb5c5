import { chmodSync, closeSync, constants as fsc, copyFileSync, linkSync, mkdirSync, openSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { chmod, copyFile, link, mkdir, open, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { coldSpell, timedSync } from '../jobs/cold-reads.ts';
import { LockstepError, fromFsError } from '../errors/index.ts';
import { tempPathFor } from '../cache/temp-file.ts';

/** How a workspace file is made from its cache object (DVC `cache.type`). */
export type LinkType = 'reflink' | 'hardlink' | 'symlink' | 'copy';

/** Errors that mean "this link type is not possible here, try the next one" (DVC's list). Others are fatal. */
const FALLBACK_CODES = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOTTY', 'ENOSYS', 'EINVAL', 'EAGAIN']);
/** Of those, the ones a filesystem gives for every file (no reflink, no cross-device link), not for one file. */
const FS_WIDE_CODES = new Set(['ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOTTY', 'ENOSYS', 'EINVAL']);

/**
 * Link types that failed with an FS_WIDE_CODES error, per (object device, destination folder): later
 * files there skip them. Without this, checking out 5,000 files on ext4 made 5,000 doomed reflink
 * attempts, each creating and deleting a temp file, which also slows later file creation in the folder.
 */
const unsupported = new Map<string, Set<LinkType>>();
const UNSUPPORTED_MAX = 10_000;

// Read once: umask is process-wide, and reading it has to set it back, so doing that per file would race.
const UMASK = process.umask();
/** Mode of a writable workspace file (reflink/copy), as DVC gives it. */
export const WRITABLE_MODE = 0o666 & ~UMASK;

/** Mode of a new writable workspace file: {@link WRITABLE_MODE}, plus x (under the umask) when `isexec`. */
export function writableMode(isexec: boolean): number {
  return isexec ? WRITABLE_MODE | (0o111 & ~UMASK) : WRITABLE_MODE;
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** The file-system calls linking makes, in a pool-backed (async) and a synchronous flavour. */
interface LinkFs {
  copyFile(src: string, dest: string, mode: number): Promise<void>;
  chmod(p: string, mode: number): Promise<void>;
  link(target: string, p: string): Promise<void>;
  symlink(target: string, p: string): Promise<void>;
  touch(p: string, mode: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  mkdirp(dir: string): Promise<unknown>;
  rmForce(p: string): Promise<void>;
}

const poolFs: LinkFs = {
  copyFile,
  chmod,
  link,
  symlink: (target, p) => symlink(target, p),
  touch: async (p, mode) => (await open(p, 'wx', mode)).close(),
  rename,
  mkdirp: (dir) => mkdir(dir, { recursive: true }),
  rmForce: (p) => rm(p, { force: true }),
};

// The same calls made synchronously (still returning promises, so one code path serves both).
const syncFs: LinkFs = {
  // Timed: a copy whose source must come from the disk starts a cold spell (jobs/cold-reads.ts).
  copyFile: async (src, dest, mode) => timedSync(() => copyFileSync(src, dest, mode)),
  chmod: async (p, mode) => chmodSync(p, mode),
  link: async (target, p) => linkSync(target, p),
  symlink: async (target, p) => symlinkSync(target, p),
  touch: async (p, mode) => closeSync(openSync(p, 'wx', mode)),
  rename: async (from, to) => renameSync(from, to),
  mkdirp: async (dir) => mkdirSync(dir, { recursive: true }),
  rmForce: async (p) => rmSync(p, { force: true }),
};

/**
 * Objects up to this size are linked with synchronous calls: for small files the hand-off of each of the
 * five or so calls to the libuv pool costs more than the call itself (see jobs/loop-budget.ts). Larger
 * copies stay in the pool so the event loop is never held for the length of a big copy, and so do small ones
 * while objects come from the disk rather than the page cache (jobs/cold-reads.ts).
 */
export const SYNC_LINK_MAX = 1024 * 1024;

/** Creates `tmp` from the object with one link type; throws the raw fs error. */
async function make(fs: LinkFs, type: LinkType, objAbs: string, tmp: string, objSize: number, isexec: boolean): Promise<void> {
  const mode = writableMode(isexec);
  switch (type) {
    case 'reflink':
      await fs.copyFile(objAbs, tmp, fsc.COPYFILE_EXCL | fsc.COPYFILE_FICLONE_FORCE);
      await fs.chmod(tmp, mode);
      return;
    case 'copy':
      // FICLONE (not _FORCE) still shares blocks where it can, and copies otherwise.
      await fs.copyFile(objAbs, tmp, fsc.COPYFILE_EXCL | fsc.COPYFILE_FICLONE);
      await fs.chmod(tmp, mode);
      return;
    case 'hardlink':
      if (objSize === 0) {
        // DVC writes an empty file instead of linking 0-byte objects: thousands of links to one inode hit link limits.
        await fs.touch(tmp, mode);
        await fs.chmod(tmp, mode);
        return;
      }
      await fs.link(objAbs, tmp);
      return;
    case 'symlink':
      await fs.symlink(objAbs, tmp);
      return;
  }
}

/**
 * Materialises a cache object at `destAbs`, trying `types` in order and falling back on the errors DVC falls back
 * on (dvc-format.md §4.3). The result is built under a temp name in the destination directory and renamed over
 * `destAbs`, so a reader sees the old file or the new one, never a partial one. reflink/copy give a writable file
 * (0666 & ~umask, plus x when `isexec`); hardlink/symlink give the read-only cache inode (a symlink points to the
 * absolute object path). An executable output skips hardlink/symlink: setting +x there would change the shared
 * cache object's mode, so it gets its own inode (copy) instead. Returns the link type used. `madeDirs`: folders
 * the caller (one checkout) already created, so each is made once rather than once per file.
 */
export async function linkFromCache(objAbs: string, destAbs: string, types: readonly LinkType[], opts: { isexec?: boolean; madeDirs?: Set<string> } = {}): Promise<LinkType> {
  const isexec = opts.isexec === true;
  let candidates = isexec ? types.filter((t) => t !== 'hardlink' && t !== 'symlink') : [...types];
  if (candidates.length === 0) candidates = ['copy'];
  let objSize: number;
  let objDev: number;
  try {
    // A metadata call: synchronous, like the small-object path it decides on.
    const st = statSync(objAbs);
    objSize = st.size;
    objDev = st.dev;
  } catch (err) {
    if (errno(err) === 'ENOENT') throw new LockstepError('MISSING_OBJECT', `The cache object ${objAbs} is missing, so ${destAbs} cannot be created. Fetch it from a remote first.`, { object: objAbs, path: destAbs });
    throw fromFsError(err, objAbs, 'read the cache object');
  }
  const fs = objSize <= SYNC_LINK_MAX && !coldSpell() ? syncFs : poolFs;
  const dir = path.dirname(destAbs);
  if (!opts.madeDirs?.has(dir)) {
    try {
      await fs.mkdirp(dir);
    } catch (err) {
      throw fromFsError(err, dir, 'create the directory');
    }
    opts.madeDirs?.add(dir);
  }
  const memoKey = `${objDev}\0${dir}`;
  const skip = unsupported.get(memoKey);
  const failures: string[] = [];
  for (const type of candidates) {
    if (skip?.has(type) && type !== candidates[candidates.length - 1]) {
      failures.push(`${type}: not supported here`);
      continue;
    }
    const tmp = tempPathFor(destAbs);
    try {
      await make(fs, type, objAbs, tmp, objSize, isexec);
    } catch (err) {
      await fs.rmForce(tmp);
      const code = errno(err) ?? '';
      if (FALLBACK_CODES.has(code)) {
        failures.push(`${type}: ${code}`);
        if (FS_WIDE_CODES.has(code)) {
          if (unsupported.size >= UNSUPPORTED_MAX) unsupported.clear();
          let set = unsupported.get(memoKey);
          if (!set) unsupported.set(memoKey, (set = new Set()));
          set.add(type);
        }
        continue;
      }
      throw fromFsError(err, destAbs, `create (${type} from the cache)`);
    }
    try {
      await fs.rename(tmp, destAbs);
    } catch (err) {
      await fs.rmForce(tmp);
      throw fromFsError(err, destAbs, 'replace');
    }
    return type;
  }
  throw new LockstepError(
    'IO_ERROR',
    `None of the configured link types (${candidates.join(', ')}) work for ${destAbs} (${failures.join('; ')}). Add "copy" to cache.type.`,
    { path: destAbs, tried: failures },
  );
}

/**
 * True when linking from `objDir` into `destDir` with `types` gives every file its own full copy: `copy` comes
 * first, or `reflink` does but this filesystem pair cannot clone (probed with a 1-byte file) and `copy` is
 * next. Callers that write workspace files themselves may do so only then.
 */
export function makesPlainCopies(types: readonly LinkType[], objDir: string, destDir: string): boolean {
  if (types[0] === 'copy') return true;
  if (types[0] !== 'reflink' || types[1] !== 'copy') return false;
  const src = tempPathFor(path.join(objDir, 'probe'));
  const dest = tempPathFor(path.join(destDir, 'probe'));
  try {
    writeFileSync(src, 'x', { flag: 'wx', mode: 0o600 });
    copyFileSync(src, dest, fsc.COPYFILE_EXCL | fsc.COPYFILE_FICLONE_FORCE);
    return false;
  } catch (err) {
    return FS_WIDE_CODES.has(errno(err) ?? '');
  } finally {
    rmSync(src, { force: true });
    rmSync(dest, { force: true });
  }
}
