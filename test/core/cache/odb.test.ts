import { createHash, randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ObjectStore } from '../../../electron/core/cache/odb.ts';
import { manifestOid, serializeManifest } from '../../../electron/core/dvc/manifest.ts';
import { isLockstepError, type LockstepError } from '../../../electron/core/errors/index.ts';
import { makeTempDir } from '../../helpers/tmp.ts';
import { mountTmpfs } from '../../helpers/tmpfs.ts';

const md5 = (b: Uint8Array | string): string => createHash('md5').update(b).digest('hex');
const modeOf = async (p: string): Promise<number> => (await stat(p)).mode & 0o777;

describe('ObjectStore', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  let odb: ObjectStore;
  let root: string;
  beforeEach(async () => {
    tmp = await makeTempDir();
    root = path.join(tmp.dir, 'cache');
    odb = new ObjectStore(root);
  });
  afterEach(async () => tmp.cleanup());

  async function source(name: string, bytes: Buffer | string): Promise<string> {
    const p = path.join(tmp.dir, name);
    await writeFile(p, bytes);
    return p;
  }

  it('lays out 3.x objects under files/md5 and legacy ones at the root, and rejects malformed ids', () => {
    expect(odb.pathFor('acbd18db4cc2f85cedef654fccc4a4d8', 'md5')).toBe(path.join(root, 'files', 'md5', 'ac', 'bd18db4cc2f85cedef654fccc4a4d8'));
    expect(odb.pathFor('5ea40360f5b4ec688df672a4db9c17d1.dir', 'md5-dos2unix')).toBe(path.join(root, '5e', 'a40360f5b4ec688df672a4db9c17d1.dir'));
    for (const bad of ['../../etc/passwd', 'ACBD18DB4CC2F85CEDEF654FCCC4A4D8', 'abc', `${'a'.repeat(32)}/x`]) {
      expect(() => odb.pathFor(bad, 'md5')).toThrow(/not a valid md5 object id/);
    }
  });

  it('adds a copy atomically: right bytes, mode 0444, source untouched, no temp files left', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 3);
    const src = await source('data.bin', bytes);
    const oid = md5(bytes);
    expect(await odb.has(oid, 'md5')).toBe(false);
    expect(await odb.addFile(src, oid, 'md5')).toEqual({ added: true });
    const obj = odb.pathFor(oid, 'md5');
    expect(md5(await readFile(obj))).toBe(oid);
    expect(await modeOf(obj)).toBe(0o444);
    expect(md5(await readFile(src))).toBe(oid);
    expect((await lstat(src)).ino).not.toBe((await lstat(obj)).ino);
    expect(await readdir(path.dirname(obj))).toEqual([path.basename(obj)]);
    expect(await odb.has(oid, 'md5')).toBe(true);
  });

  it('never overwrites an existing valid object', async () => {
    const src = await source('foo', 'foo');
    const oid = md5('foo');
    await odb.addFile(src, oid, 'md5');
    const obj = odb.pathFor(oid, 'md5');
    const before = await stat(obj);
    // A second add under the same id (here deliberately with other bytes) must leave the object alone.
    const other = await source('other', 'not foo at all');
    expect(await odb.addFile(other, oid, 'md5')).toEqual({ added: false });
    const after = await stat(obj);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect((await readFile(obj)).toString()).toBe('foo');
    expect((await readFile(other)).toString()).toBe('not foo at all');
  });

  it('moves a same-device source in by rename (same inode), then the source is gone', async () => {
    const bytes = randomBytes(5000);
    const src = await source('moved.bin', bytes);
    const ino = (await stat(src)).ino;
    await odb.addFile(src, md5(bytes), 'md5', { move: true });
    const obj = odb.pathFor(md5(bytes), 'md5');
    expect((await stat(obj)).ino).toBe(ino);
    expect(await modeOf(obj)).toBe(0o444);
    await expect(stat(src)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a move-add of content already in the cache leaves the object alone and removes the source', async () => {
    const first = await source('one', 'same bytes');
    const oid = md5('same bytes');
    await odb.addFile(first, oid, 'md5');
    const ino = (await stat(odb.pathFor(oid, 'md5'))).ino;
    const second = await source('two', 'same bytes');
    expect(await odb.addFile(second, oid, 'md5', { move: true })).toEqual({ added: false });
    expect((await stat(odb.pathFor(oid, 'md5'))).ino).toBe(ino);
    await expect(stat(second)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await readFile(first)).toString()).toBe('same bytes');
  });

  it('adds legacy objects under the legacy layout and accepts either dos2unix form in has()', async () => {
    const text = 'a\r\nb\r\n';
    const src = await source('legacy.txt', text);
    const oid = md5('a\nb\n');
    await odb.addFile(src, oid, 'md5-dos2unix');
    const obj = odb.pathFor(oid, 'md5-dos2unix');
    expect(obj).toBe(path.join(root, oid.slice(0, 2), oid.slice(2)));
    await chmod(obj, 0o644); // force a re-hash
    expect(await odb.has(oid, 'md5-dos2unix')).toBe(true);
    expect(await modeOf(obj)).toBe(0o444);
  });

  it('trusts 0444 objects in has(), re-hashes others and quarantines a mismatch', async () => {
    const src = await source('x', 'original');
    const oid = md5('original');
    await odb.addFile(src, oid, 'md5');
    const obj = odb.pathFor(oid, 'md5');
    await chmod(obj, 0o644);
    await writeFile(obj, 'tampered');
    await chmod(obj, 0o444);
    expect(await odb.has(oid, 'md5')).toBe(true); // DVC's trust rule: 0444 is not re-hashed
    await chmod(obj, 0o644);
    expect(await odb.has(oid, 'md5')).toBe(false);
    await expect(stat(obj)).rejects.toMatchObject({ code: 'ENOENT' });
    const q = await readdir(path.join(root, 'quarantine'));
    expect(q).toHaveLength(1);
    expect(q[0]).toContain(oid);
    expect((await readFile(path.join(root, 'quarantine', q[0]!))).toString()).toBe('tampered');
  });

  it('verify() detects a corrupt 0444 object, quarantines it and names expected vs actual hash', async () => {
    const src = await source('y', 'good bytes');
    const oid = md5('good bytes');
    await odb.addFile(src, oid, 'md5');
    await odb.verify(oid, 'md5');
    const obj = odb.pathFor(oid, 'md5');
    await chmod(obj, 0o644);
    await writeFile(obj, 'bad bytes!');
    await chmod(obj, 0o444);
    const err = (await odb.verify(oid, 'md5').catch((e: unknown) => e)) as LockstepError;
    expect(isLockstepError(err, 'CORRUPT_OBJECT')).toBe(true);
    expect(err.message).toContain(obj);
    expect(err.message).toContain(oid);
    expect(err.message).toContain(md5('bad bytes!'));
    expect(err.data).toMatchObject({ expected: oid, actual: md5('bad bytes!') });
    expect((await readFile(err.data.quarantined as string)).toString()).toBe('bad bytes!');
    expect(await odb.has(oid, 'md5')).toBe(false);
    await expect(odb.verify(oid, 'md5')).rejects.toMatchObject({ code: 'MISSING_OBJECT' });
    // The object can be added again after quarantine.
    expect(await odb.addFile(src, oid, 'md5')).toEqual({ added: true });
  });

  it('stores and reads back .dir manifests, checking bytes against the id', async () => {
    const bytes = serializeManifest([{ relpath: 'foo', md5: md5('foo') }, { relpath: 'bar', md5: md5('bar') }]);
    const oid = manifestOid(bytes);
    expect(oid).toBe('5ea40360f5b4ec688df672a4db9c17d1.dir');
    await expect(odb.addBytes(oid, 'md5', Buffer.from('[]'))).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await odb.addBytes(oid, 'md5', bytes)).toEqual({ added: true });
    expect(await odb.addBytes(oid, 'md5', bytes)).toEqual({ added: false });
    expect(await modeOf(odb.pathFor(oid, 'md5'))).toBe(0o444);
    expect(await odb.readManifest(oid, 'md5')).toEqual([
      { relpath: 'bar', md5: '37b51d194a7513e45b56f6524f2d51f2' },
      { relpath: 'foo', md5: 'acbd18db4cc2f85cedef654fccc4a4d8' },
    ]);
    const obj = odb.pathFor(oid, 'md5');
    await chmod(obj, 0o644);
    await writeFile(obj, '[]');
    await expect(odb.readManifest(oid, 'md5')).rejects.toMatchObject({ code: 'CORRUPT_OBJECT' });
    await expect(odb.readManifest(oid, 'md5')).rejects.toMatchObject({ code: 'MISSING_OBJECT' });
  });

  it('lists each layout separately, ignoring temp files and foreign names, and removes objects', async () => {
    const a = md5('a');
    const b = md5('b');
    await odb.addFile(await source('a', 'a'), a, 'md5');
    await odb.addFile(await source('b', 'b'), b, 'md5-dos2unix');
    await writeFile(path.join(path.dirname(odb.pathFor(a, 'md5')), '.AAAAAAAAAAAAAAAAAAAAAA-1.tmp'), 'junk');
    await mkdir(path.join(root, 'runs', 'zz'), { recursive: true });
    await writeFile(path.join(root, 'runs', 'zz', 'x'), 'x');
    const list = async (h: 'md5' | 'md5-dos2unix'): Promise<string[]> => {
      const out: string[] = [];
      for await (const oid of odb.list(h)) out.push(oid);
      return out;
    };
    expect(await list('md5')).toEqual([a]);
    expect(await list('md5-dos2unix')).toEqual([b]);
    expect(await odb.remove(a, 'md5')).toBe(true);
    expect(await odb.remove(a, 'md5')).toBe(false);
    expect(await list('md5')).toEqual([]);
  });
});

describe('ObjectStore on a full filesystem (real 2 MiB tmpfs)', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  let fs: Awaited<ReturnType<typeof mountTmpfs>>;
  beforeAll(async () => {
    tmp = await makeTempDir();
    fs = await mountTmpfs(path.join(tmp.dir, 'small'), 2);
  });
  afterAll(async () => {
    await fs.unmount();
    await tmp.cleanup();
  });

  for (const move of [false, true]) {
    it(`ENOSPC becomes DISK_FULL, the temp file is removed and the source is untouched (move: ${move})`, async () => {
      const odb = new ObjectStore(path.join(fs.dir, `cache-${move}`));
      const bytes = randomBytes(3 * 1024 * 1024);
      const src = path.join(tmp.dir, `big-${move}.bin`);
      await writeFile(src, bytes);
      const oid = md5(bytes);
      const err = (await odb.addFile(src, oid, 'md5', { move }).catch((e: unknown) => e)) as LockstepError;
      expect(isLockstepError(err, 'DISK_FULL')).toBe(true);
      expect(err.message).toContain('No space left');
      const dir = path.dirname(odb.pathFor(oid, 'md5'));
      expect(await readdir(dir)).toEqual([]);
      expect(await odb.has(oid, 'md5')).toBe(false);
      expect(md5(await readFile(src))).toBe(oid);
      // The filesystem is usable again: a small object still fits.
      expect(await odb.addBytes(`${md5('[]')}.dir`, 'md5', Buffer.from('[]'))).toEqual({ added: true });
    });
  }

  it('moves across devices by copying, then removes the source', async () => {
    const odb = new ObjectStore(path.join(fs.dir, 'cache-xdev'));
    const src = path.join(tmp.dir, 'xdev.bin');
    const bytes = randomBytes(10000);
    await writeFile(src, bytes);
    expect(await odb.addFile(src, md5(bytes), 'md5', { move: true })).toEqual({ added: true });
    expect(md5(await readFile(odb.pathFor(md5(bytes), 'md5')))).toBe(md5(bytes));
    await expect(stat(src)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
