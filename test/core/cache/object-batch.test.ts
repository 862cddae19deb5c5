import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ObjectBatch } from '../../../electron/core/cache/object-batch.ts';
import { ObjectStore } from '../../../electron/core/cache/odb.ts';
import { hashFiles, shutdownHashPool } from '../../../electron/core/hash/hash-pool.ts';
import { isLockstepError } from '../../../electron/core/errors/index.ts';
import { makeTempDir } from '../../helpers/tmp.ts';
import { mountTmpfs } from '../../helpers/tmpfs.ts';

const md5 = (b: Uint8Array | string): string => createHash('md5').update(b).digest('hex');

/** Every file under `dir`, recursively (relative paths). */
async function listAll(dir: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (d: string, rel: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) await visit(path.join(d, e.name), `${rel}${e.name}/`);
      else out.push(`${rel}${e.name}`);
    }
  };
  await visit(dir, '');
  return out.sort();
}

describe('ObjectBatch (objects published together after one flush)', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  let odb: ObjectStore;
  beforeEach(async () => {
    tmp = await makeTempDir();
    odb = new ObjectStore(path.join(tmp.dir, 'cache'));
  });
  afterEach(async () => tmp.cleanup());
  afterAll(async () => shutdownHashPool());

  it('stages without naming objects, then commit publishes them read-only and removes the temp files', async () => {
    const a = path.join(tmp.dir, 'a.bin');
    await writeFile(a, 'alpha');
    const batch = new ObjectBatch(odb);
    expect(await batch.addFile(a, md5('alpha'), 'md5')).toEqual({ added: true });
    expect(await batch.addBytes(`${md5('[]')}.dir`, 'md5', Buffer.from('[]'))).toEqual({ added: true });
    expect(batch.size).toBe(2);
    // Nothing has a final name before commit: a crash here leaves only temp files.
    expect(await odb.has(md5('alpha'), 'md5')).toBe(false);
    expect((await listAll(odb.root)).every((f) => f.endsWith('.tmp'))).toBe(true);
    await batch.commit();
    expect(batch.size).toBe(0);
    const obj = odb.pathFor(md5('alpha'), 'md5');
    expect(await readFile(obj, 'utf8')).toBe('alpha');
    expect((await stat(obj)).mode & 0o777).toBe(0o444);
    expect(await odb.has(`${md5('[]')}.dir`, 'md5')).toBe(true);
    expect((await listAll(odb.root)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // A second add of the same bytes finds the published object.
    expect(await new ObjectBatch(odb).addFile(a, md5('alpha'), 'md5')).toEqual({ added: false });
  });

  it('discard removes staged temp files and publishes nothing', async () => {
    const a = path.join(tmp.dir, 'a.bin');
    await writeFile(a, 'beta');
    const batch = new ObjectBatch(odb);
    await batch.addFile(a, md5('beta'), 'md5');
    await batch.discard();
    expect(await listAll(odb.root)).toEqual([]);
    expect(await readFile(a, 'utf8')).toBe('beta');
  });

  it('keeps an object another writer published meanwhile and drops its own copy', async () => {
    const a = path.join(tmp.dir, 'a.bin');
    await writeFile(a, 'gamma');
    const batch = new ObjectBatch(odb);
    await batch.addFile(a, md5('gamma'), 'md5');
    await odb.addFile(a, md5('gamma'), 'md5');
    const before = (await stat(odb.pathFor(md5('gamma'), 'md5'))).ino;
    await batch.commit();
    expect((await stat(odb.pathFor(md5('gamma'), 'md5'))).ino).toBe(before);
    expect((await listAll(odb.root)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses manifest bytes that do not hash to the oid', async () => {
    const err = await new ObjectBatch(odb).addBytes(`${md5('x')}.dir`, 'md5', Buffer.from('y')).catch((e: unknown) => e);
    expect(isLockstepError(err, 'INTERNAL')).toBe(true);
  });

  it('hash workers with `store` write each file once into temp objects that the batch publishes', async () => {
    const src = path.join(tmp.dir, 'src');
    await mkdir(src);
    const files: { absPath: string; size: number; bytes: Buffer }[] = [];
    // Small files (written from the hash buffer), a 9 MiB file (streamed), an empty file and a duplicate.
    for (let i = 0; i < 40; i++) files.push({ absPath: path.join(src, `s${i}`), size: 100 + i, bytes: randomBytes(100 + i) });
    files.push({ absPath: path.join(src, 'big'), size: 9 * 1024 * 1024, bytes: randomBytes(9 * 1024 * 1024) });
    files.push({ absPath: path.join(src, 'empty'), size: 0, bytes: Buffer.alloc(0) });
    files.push({ absPath: path.join(src, 'dup'), size: 100, bytes: files[0]!.bytes });
    for (const f of files) await writeFile(f.absPath, f.bytes);
    // One object already present read-only: not written again; one present with another mode: left to the caller.
    await odb.addFile(files[1]!.absPath, md5(files[1]!.bytes), 'md5');
    const loose = odb.pathFor(md5(files[2]!.bytes), 'md5');
    await mkdir(path.dirname(loose), { recursive: true });
    await writeFile(loose, files[2]!.bytes);
    await chmod(loose, 0o644);

    const hashes = await hashFiles(files, { hashName: 'md5', store: odb.layoutDir('md5') });
    const batch = new ObjectBatch(odb);
    for (const f of files) {
      const h = hashes.get(f.absPath)!;
      expect(h.md5).toBe(md5(f.bytes));
      expect(h.size).toBe(f.size);
      if (f === files[1]) expect(h.stored).toBeNull();
      else if (f === files[2]) expect(h.stored).toBeUndefined();
      else expect(typeof h.stored).toBe('string');
      if (typeof h.stored === 'string') {
        expect((await stat(h.stored)).mode & 0o777).toBe(0o444);
        batch.stageTemp(h.stored, h.md5, 'md5');
      }
    }
    await batch.commit();
    for (const f of files) {
      const p = odb.pathFor(md5(f.bytes), 'md5');
      expect(md5(await readFile(p)), path.basename(f.absPath)).toBe(md5(f.bytes));
    }
    expect((await listAll(odb.root)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a full disk while storing fails with DISK_FULL and leaves no temp object behind', async () => {
    const fs = await mountTmpfs(path.join(tmp.dir, 'small'), 4);
    try {
      const store = new ObjectStore(path.join(fs.dir, 'cache'));
      const big = path.join(tmp.dir, 'big.bin');
      await writeFile(big, randomBytes(6 * 1024 * 1024));
      const others = [];
      for (let i = 0; i < 5; i++) {
        others.push({ absPath: path.join(tmp.dir, `o${i}`), size: 10 });
        await writeFile(others[i]!.absPath, `o${i}`);
      }
      const err = await hashFiles([{ absPath: big, size: 6 * 1024 * 1024 }, ...others], { hashName: 'md5', store: store.layoutDir('md5') }).catch((e: unknown) => e);
      expect(isLockstepError(err, 'DISK_FULL')).toBe(true);
      // Temp removal runs in the background after the error: wait for it (up to 10 s on a loaded machine).
      let temps = await listAll(store.root);
      for (let i = 0; i < 100 && temps.some((f) => f.endsWith('.tmp')); i++) {
        await new Promise((r) => setTimeout(r, 100));
        temps = await listAll(store.root);
      }
      expect(temps.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      await fs.unmount();
    }
  });
});
