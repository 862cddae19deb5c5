import { randomBytes } from 'node:crypto';
import { chmod, lstat, readFile, readdir, readlink, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectStore } from '../../../electron/core/cache/odb.ts';
import { isLockstepError } from '../../../electron/core/errors/index.ts';
import { md5Bytes } from '../../../electron/core/hash/md5-file.ts';
import { WRITABLE_MODE, linkFromCache } from '../../../electron/core/workspace/link.ts';
import { makeTempDir } from '../../helpers/tmp.ts';
import { mountTmpfs } from '../../helpers/tmpfs.ts';

const mode = async (p: string): Promise<number> => (await stat(p)).mode & 0o777;

describe('linkFromCache', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  let other: Awaited<ReturnType<typeof mountTmpfs>>;
  let obj: string;
  let emptyObj: string;
  let bytes: Buffer;
  let ws: string;

  beforeAll(async () => {
    tmp = await makeTempDir();
    other = await mountTmpfs(path.join(tmp.dir, 'other-device'), 8);
    const odb = new ObjectStore(path.join(tmp.dir, 'cache'));
    bytes = randomBytes(100_000);
    const src = path.join(tmp.dir, 'src.bin');
    await writeFile(src, bytes);
    await odb.addFile(src, md5Bytes(bytes), 'md5');
    obj = odb.pathFor(md5Bytes(bytes), 'md5');
    const empty = path.join(tmp.dir, 'empty');
    await writeFile(empty, '');
    await odb.addFile(empty, md5Bytes(Buffer.alloc(0)), 'md5');
    emptyObj = odb.pathFor(md5Bytes(Buffer.alloc(0)), 'md5');
    ws = path.join(tmp.dir, 'ws');
  });
  afterAll(async () => {
    await other.unmount();
    await tmp.cleanup();
  });

  it('copy gives a writable file (0666 & ~umask) with its own inode', async () => {
    const dest = path.join(ws, 'copy', 'file.bin');
    expect(await linkFromCache(obj, dest, ['copy'])).toBe('copy');
    expect(await readFile(dest)).toEqual(bytes);
    expect(await mode(dest)).toBe(WRITABLE_MODE);
    expect(WRITABLE_MODE).toBe(0o666 & ~process.umask());
    expect((await stat(dest)).ino).not.toBe((await stat(obj)).ino);
    expect(await mode(obj)).toBe(0o444);
  });

  it('hardlink shares the read-only cache inode', async () => {
    const dest = path.join(ws, 'hard.bin');
    expect(await linkFromCache(obj, dest, ['hardlink', 'copy'])).toBe('hardlink');
    expect((await stat(dest)).ino).toBe((await stat(obj)).ino);
    expect(await mode(dest)).toBe(0o444);
  });

  it('never hardlinks a 0-byte object: writes a new empty writable file instead', async () => {
    const dest = path.join(ws, 'empty.bin');
    expect(await linkFromCache(emptyObj, dest, ['hardlink'])).toBe('hardlink');
    const st = await stat(dest);
    expect(st.size).toBe(0);
    expect(st.ino).not.toBe((await stat(emptyObj)).ino);
    expect(st.nlink).toBe(1);
    expect(st.mode & 0o777).toBe(WRITABLE_MODE);
  });

  it('symlink points to the absolute cache path', async () => {
    const dest = path.join(ws, 'sym.bin');
    expect(await linkFromCache(obj, dest, ['symlink'])).toBe('symlink');
    expect((await lstat(dest)).isSymbolicLink()).toBe(true);
    expect(await readlink(dest)).toBe(obj);
    expect(path.isAbsolute(await readlink(dest))).toBe(true);
    expect(await readFile(dest)).toEqual(bytes);
  });

  it('reflink either clones or falls back to the next type with identical bytes and a writable mode', async () => {
    const dest = path.join(ws, 'reflink.bin');
    const used = await linkFromCache(obj, dest, ['reflink', 'copy']);
    expect(['reflink', 'copy']).toContain(used);
    expect(await readFile(dest)).toEqual(bytes);
    expect(await mode(dest)).toBe(WRITABLE_MODE);
  });

  it('falls back from hardlink and reflink to copy across devices (real tmpfs)', async () => {
    const dest = path.join(other.dir, 'x', 'file.bin');
    expect(await linkFromCache(obj, dest, ['reflink', 'hardlink', 'copy'])).toBe('copy');
    expect(await readFile(dest)).toEqual(bytes);
    expect(await mode(dest)).toBe(WRITABLE_MODE);
    const err = await linkFromCache(obj, path.join(other.dir, 'y.bin'), ['reflink', 'hardlink']).catch((e: unknown) => e);
    expect(isLockstepError(err, 'IO_ERROR')).toBe(true);
    expect((err as Error).message).toMatch(/reflink: E[A-Z]+; hardlink: EXDEV/);
    expect(await readdir(other.dir)).toEqual(['x']);
  });

  it('applies the exec bit on its own inode and never chmods the cache object', async () => {
    const dest = path.join(ws, 'run.sh');
    expect(await linkFromCache(obj, dest, ['hardlink', 'symlink'], { isexec: true })).toBe('copy');
    expect(await mode(dest)).toBe(WRITABLE_MODE | (0o111 & ~process.umask()));
    expect(await mode(obj)).toBe(0o444);
    const dest2 = path.join(ws, 'run2.sh');
    expect(await linkFromCache(obj, dest2, ['copy'], { isexec: true })).toBe('copy');
    expect((await stat(dest2)).mode & 0o100).toBe(0o100);
  });

  it('replaces an existing file atomically and leaves no temp files', async () => {
    const dest = path.join(ws, 'replace', 'f.bin');
    await linkFromCache(emptyObj, dest, ['copy']);
    await chmod(dest, 0o600);
    await writeFile(dest, 'user edit');
    await linkFromCache(obj, dest, ['copy']);
    expect(await readFile(dest)).toEqual(bytes);
    expect(await readdir(path.dirname(dest))).toEqual(['f.bin']);
  });

  it('reports a missing object as MISSING_OBJECT', async () => {
    const err = await linkFromCache(path.join(tmp.dir, 'cache', 'nope'), path.join(ws, 'n'), ['copy']).catch((e: unknown) => e);
    expect(isLockstepError(err, 'MISSING_OBJECT')).toBe(true);
  });
});
