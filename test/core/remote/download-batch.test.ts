import { chmod, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../../../electron/core/cache/odb.ts';
import { downloadObjects } from '../../../electron/core/remote/download-objects.ts';
import { uploadObjects } from '../../../electron/core/remote/upload-objects.ts';
import { buildCache } from './cache-fixture.ts';
import { useRemoteCases } from './remote-harness.ts';

const setup = useRemoteCases('batch');

describe.each(['s3', 'local'] as const)('fetching into the cache in flushed batches (%s remote)', (kind) => {
  it('publishes every verified object sealed, over several batches, and leaves no partial file', async () => {
    const { remote, index, root } = await setup(kind);
    const fx = await buildCache(root, 11, `batch-${kind}`);
    await uploadObjects({ remote, odb: fx.odb, groups: fx.groups, index, jobs: 4 });
    const odb2 = new ObjectStore(path.join(root, 'cache2'));
    const partialDir = path.join(root, 'cache2', '.lockstep-partial');
    const refs = [fx.dir, ...fx.entries, fx.loose];
    const res = await downloadObjects({ remote, odb: odb2, refs, partialDir, index, jobs: 3, publishLimits: { objects: 3, bytes: 1 << 30 } });
    expect(res).toMatchObject({ downloaded: refs.length, alreadyCached: 0, failed: [], missingOnRemote: [] });
    for (const [oid, body] of fx.contents) {
      const p = odb2.pathFor(oid, 'md5');
      expect(await readFile(p)).toEqual(body);
      expect((await stat(p)).mode & 0o777).toBe(0o444);
    }
    expect(await readdir(partialDir)).toEqual([]);
  });

  it('counts intact cached objects, and fetches again one whose cached bytes were edited (quarantining it)', async () => {
    const { remote, index, root } = await setup(kind);
    const fx = await buildCache(root, 4, `present-${kind}`);
    await uploadObjects({ remote, odb: fx.odb, groups: fx.groups, index, jobs: 2 });
    const odb2 = new ObjectStore(path.join(root, 'cache2'));
    const [good, bad] = fx.entries as [typeof fx.entries[0], typeof fx.entries[0]];
    await odb2.addBytes(good.oid, 'md5', fx.contents.get(good.oid) as Buffer);
    await odb2.addBytes(bad.oid, 'md5', fx.contents.get(bad.oid) as Buffer);
    // Edited through a link: writable and different bytes, so it is re-hashed, quarantined and fetched again.
    await chmod(odb2.pathFor(bad.oid, 'md5'), 0o644);
    await writeFile(odb2.pathFor(bad.oid, 'md5'), 'edited\n');
    const res = await downloadObjects({ remote, odb: odb2, refs: fx.entries, partialDir: path.join(root, 'partial'), index, jobs: 2 });
    expect(res).toMatchObject({ alreadyCached: 1, downloaded: fx.entries.length - 1, failed: [] });
    expect(await readFile(odb2.pathFor(bad.oid, 'md5'))).toEqual(fx.contents.get(bad.oid));
    expect((await readdir(path.join(root, 'cache2', 'quarantine'))).length).toBe(1);
  });
});
