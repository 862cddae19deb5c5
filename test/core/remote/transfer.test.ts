import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../../../electron/core/cache/odb.ts';
import { downloadObjects } from '../../../electron/core/remote/download-objects.ts';
import { queryRemote } from '../../../electron/core/remote/existence.ts';
import { objectKey } from '../../../electron/core/remote/object-key.ts';
import { uploadObjects } from '../../../electron/core/remote/upload-objects.ts';
import { buildCache } from './cache-fixture.ts';
import { useRemoteCases } from './remote-harness.ts';

const setup = useRemoteCases('transfer');

describe.each(['s3', 'local'] as const)('transfer engine against a %s remote', (kind) => {
  it('pushes only what is missing, .dir last, remembers it, and fetches it back verified', async () => {
    const { remote, index, root } = await setup(kind);
    const fx = await buildCache(root, 12, `push-${kind}`);
    const events: { phase: string; files?: number }[] = [];
    const first = await uploadObjects({ remote, odb: fx.odb, groups: fx.groups, index, jobs: 4, onProgress: (e) => events.push(e) });
    expect(first).toMatchObject({ uploaded: 14, failed: [], missingEverywhere: [], dirsHeldBack: [] });
    expect(events.some((e) => e.phase === 'upload' && e.files === 14)).toBe(true);
    for (const [oid, body] of fx.contents) {
      expect((await remote.stat(objectKey(oid, 'md5')))?.size).toBe(body.length);
    }

    // Second push: nothing moves, and the index answers without asking the server about the files.
    const stats = { fromIndex: 0, heads: 0, listings: 0 };
    const all = [fx.dir, ...fx.entries, fx.loose];
    const present = await queryRemote(remote, all, { index, jobs: 4 }, stats);
    expect(present.size).toBe(14);
    expect(stats.fromIndex).toBe(14);
    expect(stats.listings).toBe(0);
    expect(stats.heads).toBe(1); // only the remembered .dir is re-checked
    const second = await uploadObjects({ remote, odb: fx.odb, groups: fx.groups, index, jobs: 4 });
    expect(second.uploaded).toBe(0);

    // Fetch into an empty cache.
    const odb2 = new ObjectStore(path.join(root, 'cache2'));
    const got = await downloadObjects({ remote, odb: odb2, refs: all, partialDir: path.join(root, 'partial'), index, jobs: 4 });
    expect(got).toMatchObject({ downloaded: 14, failed: [], missingOnRemote: [] });
    for (const [oid, body] of fx.contents) {
      const p = odb2.pathFor(oid, 'md5');
      expect(await readFile(p)).toEqual(body);
      expect((await stat(p)).mode & 0o777).toBe(0o444);
    }
    const again = await downloadObjects({ remote, odb: odb2, refs: all, partialDir: path.join(root, 'partial'), index, jobs: 4 });
    expect(again).toMatchObject({ downloaded: 0, alreadyCached: 14 });
  });

  it('holds back a .dir whose entry is missing everywhere, and reports the missing object', async () => {
    const { remote, index, root } = await setup(kind);
    const fx = await buildCache(root, 5, `holdback-${kind}`);
    const gone = fx.entries[2]!;
    await fx.odb.remove(gone.oid, 'md5');
    const res = await uploadObjects({ remote, odb: fx.odb, groups: fx.groups, index, jobs: 2 });
    expect(res.missingEverywhere).toEqual([gone.oid]);
    expect(res.dirsHeldBack).toEqual([fx.dir.oid]);
    expect(res.uploaded).toBe(5); // 4 entries + the loose file, no .dir
    expect(await remote.stat(objectKey(fx.dir.oid, 'md5'))).toBeNull();
  });

  it('reports objects the remote does not have, and fetches the rest', async () => {
    const { remote, index, root } = await setup(kind);
    const fx = await buildCache(root, 3, `partial-${kind}`);
    await uploadObjects({ remote, odb: fx.odb, groups: [{ files: fx.entries.slice(0, 2) }], index, jobs: 2 });
    const odb2 = new ObjectStore(path.join(root, 'cache2'));
    const res = await downloadObjects({ remote, odb: odb2, refs: fx.entries, partialDir: path.join(root, 'partial'), index, jobs: 2 });
    expect(res.downloaded).toBe(2);
    expect(res.missingOnRemote).toEqual([fx.entries[2]!.oid]);
    expect(await odb2.has(fx.entries[2]!.oid, 'md5')).toBe(false);
  });

  it('drops everything remembered when a remembered .dir has vanished from the remote', async () => {
    const { remote, index, root } = await setup(kind);
    const fx = await buildCache(root, 4, `vanish-${kind}`);
    await uploadObjects({ remote, odb: fx.odb, groups: fx.groups, index, jobs: 2 });
    // Someone cleans the remote behind our back (dvc gc -c): the .dir first, then an entry.
    await remote.remove(objectKey(fx.dir.oid, 'md5'));
    await remote.remove(objectKey(fx.entries[0]!.oid, 'md5'));
    const present = await queryRemote(remote, [fx.dir, ...fx.entries], { index, jobs: 2 });
    expect(present.has(objectKey(fx.dir.oid, 'md5'))).toBe(false);
    expect(present.has(objectKey(fx.entries[0]!.oid, 'md5'))).toBe(false);
    expect(present.has(objectKey(fx.entries[1]!.oid, 'md5'))).toBe(true);
    const res = await uploadObjects({ remote, odb: fx.odb, groups: fx.groups, index, jobs: 2 });
    expect(res.uploaded).toBe(2); // the entry, then the .dir
  });
});

describe('existence heuristic on S3 (DVC: HEAD for small queries, list for large ones)', () => {
  it('uses HEADs for a few objects and one listing for many', async () => {
    const { remote, root } = await setup('s3');
    const fx = await buildCache(root, 30, 'heuristic');
    await uploadObjects({ remote, odb: fx.odb, groups: [{ files: fx.entries.slice(0, 10) }], jobs: 4 });
    const few = { fromIndex: 0, heads: 0, listings: 0 };
    const p1 = await queryRemote(remote, fx.entries.slice(0, 3), { jobs: 4 }, few);
    expect(p1.size).toBe(3);
    expect(few.listings).toBe(1); // the size-estimate listing of prefix 00/0
    expect(few.heads).toBeGreaterThan(0);
    const many = { fromIndex: 0, heads: 0, listings: 0 };
    const p2 = await queryRemote(remote, fx.entries, { jobs: 4 }, many);
    expect(p2.size).toBe(10);
    expect(many.heads).toBe(0);
    expect(many.listings).toBe(2); // estimate + one recursive listing
    await rm(path.join(root, 'cache'), { recursive: true, force: true });
  });
});
