import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LockstepError, fromFsError } from '../errors/index.ts';
import { md5File } from '../hash/md5-file.ts';
import { md5Dos2UnixFile } from '../hash/dos2unix.ts';
import { expectedMd5 } from './object-key.ts';
import type { ObjectRef, ReadOptions, Remote, RemoteObjectStat, RemoteReadStream, UploadOptions } from './types.ts';

/**
 * A remote that is a folder (NAS mount, external drive). Same layout as S3 and as DVC's local remotes, and
 * the same trust rule as the cache (dvc-format.md §4.2): an object with mode 0444 was written completely by
 * us or DVC and is trusted; anything else is re-hashed before it counts as present. Writes go to a temp
 * name in the target directory, then rename + chmod 0444, so a killed push never leaves a partial object.
 */
export class LocalRemote implements Remote {
  readonly kind = 'local' as const;
  readonly canList = false;
  readonly name: string;
  readonly url: string;
  readonly root: string;

  constructor(name: string, url: string, root: string) {
    this.name = name;
    this.url = url;
    this.root = root;
  }

  private abs(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  async stat(key: string): Promise<RemoteObjectStat | null> {
    try {
      const st = await stat(this.abs(key));
      return st.isFile() ? { size: st.size } : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
      throw fromFsError(err, this.abs(key), 'inspect the remote object');
    }
  }

  async exists(key: string, ref: ObjectRef, signal?: AbortSignal): Promise<boolean> {
    const abs = this.abs(key);
    let mode: number;
    try {
      const st = await stat(abs);
      if (!st.isFile()) return false;
      mode = st.mode & 0o777;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
      throw fromFsError(err, abs, 'inspect the remote object');
    }
    if (mode === 0o444) return true;
    // Not protected: maybe a copy in progress by another tool, maybe edited. Only the bytes can tell.
    const want = expectedMd5(ref.oid);
    let ok: boolean;
    if (ref.hashName === 'md5') {
      ok = (await md5File(abs, { signal })).md5 === want;
    } else {
      const h = await md5Dos2UnixFile(abs, { signal });
      ok = h.v2 === want || h.v3 === want;
    }
    if (ok) await chmod(abs, 0o444).catch(() => undefined);
    return ok;
  }

  async *list(prefix: string): AsyncIterable<string> {
    const start = this.abs(prefix.replace(/\/+$/, ''));
    const stack: string[] = [start];
    while (stack.length > 0) {
      const dir = stack.pop() as string;
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw fromFsError(err, dir, 'list the remote folder');
      }
      for (const e of entries) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) stack.push(full);
        else if (e.isFile() && !e.name.endsWith('.tmp')) yield path.relative(this.root, full).split(path.sep).join('/');
      }
    }
  }

  async upload(srcAbs: string, key: string, opts: UploadOptions): Promise<void> {
    const dest = this.abs(key);
    const dir = path.dirname(dest);
    const tmp = path.join(dir, `.${randomBytes(12).toString('base64url')}.tmp`);
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw remoteFsError(err, dir, 'create the remote folder');
    }
    const hash = createHash('md5');
    let sent = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        sent += chunk.length;
        opts.onBytes?.(chunk.length);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(createReadStream(srcAbs), counter, createWriteStream(tmp, { flags: 'wx', mode: 0o644 }), { signal: opts.signal });
      const fh = await open(tmp, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      const got = hash.digest('hex');
      if (opts.md5 !== undefined && got !== opts.md5) {
        throw new LockstepError('CORRUPT_OBJECT', `The local file ${srcAbs} changed while it was being pushed (md5 ${got}, expected ${opts.md5}). Nothing was written to the remote; run the push again.`, { file: srcAbs, key });
      }
      await rename(tmp, dest);
      await chmod(dest, 0o444).catch(() => undefined);
    } catch (err) {
      opts.onBytes?.(-sent);
      await rm(tmp, { force: true }).catch(() => undefined);
      if (opts.signal?.aborted) throw new LockstepError('ABORTED', 'The operation was cancelled.', {}, { cause: err });
      throw remoteFsError(err, dest, 'write the remote object');
    }
  }

  async read(key: string, opts: ReadOptions = {}): Promise<RemoteReadStream> {
    const abs = this.abs(key);
    const st = await this.stat(key);
    if (st === null) {
      throw new LockstepError('REMOTE_NOT_FOUND', `The object ${key} is missing from the remote "${this.name}" (${abs}).`, { remote: this.name, key });
    }
    const start = opts.offset ?? 0;
    return { stream: createReadStream(abs, { start, signal: opts.signal }), size: st.size };
  }

  async remove(key: string): Promise<void> {
    try {
      await rm(this.abs(key), { force: true });
    } catch (err) {
      throw remoteFsError(err, this.abs(key), 'delete the remote object');
    }
  }

  async abortUpload(): Promise<void> {
    // Folder remotes have no multipart uploads; temp files of killed copies are ignored by every reader.
  }

  close(): void {}
}

/** fs errors on the remote folder: the code says REMOTE_* so callers report the remote, not the workspace. */
function remoteFsError(err: unknown, file: string, action: string): unknown {
  const mapped = fromFsError(err, file, action);
  if (mapped instanceof LockstepError && mapped.code === 'IO_ERROR') {
    const errno = mapped.data.errno;
    const retryable = errno === 'EAGAIN' || errno === 'EBUSY' || errno === 'ETIMEDOUT' || errno === 'EIO';
    return new LockstepError('REMOTE_ERROR', mapped.message, { ...mapped.data, retryable }, { cause: err });
  }
  return mapped;
}
