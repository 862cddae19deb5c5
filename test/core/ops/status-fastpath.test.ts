import { chmod, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { add } from '../../../electron/core/ops/add.ts';
import { gc } from '../../../electron/core/ops/gc.ts';
import { status } from '../../../electron/core/ops/status.ts';
import type { Repo } from '../../../electron/core/repo/open-repo.ts';
import { makeOpsRepo, objectPath, type OpsFixture } from './setup.ts';

let fx: OpsFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** A whole second, so utimes can put it back exactly (ns part 0). */
const T = new Date('2024-03-04T05:06:07Z');

function snapshotRow(repo: Repo, abs: string): { dir_oid: string; nfiles: number } | undefined {
  return repo.index.db.prepare('SELECT dir_oid, nfiles FROM output_snapshots WHERE path = ?').get(abs) as { dir_oid: string; nfiles: number } | undefined;
}

function marks(repo: Repo): number {
  return repo.index.db.prepare('SELECT count(*) FROM cache_complete').pluck().get() as number;
}

/** Completeness marks are refused while a cache folder changed in the last 2 s (racy-clean guard). */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 2300));

async function dataStatus(repo: Repo) {
  const s = await status(repo, { targets: ['data'] });
  return s.outputs[0];
}

describe('status snapshot of a tracked folder', () => {
  it('records the listing once the folder hashes from the state index alone, and keeps detecting changes', async () => {
    fx = await makeOpsRepo({ 'data/a': 'aaaa', 'data/b': 'bbbb', 'data/sub/c': 'cccc' });
    for (const f of ['data/a', 'data/b', 'data/sub/c']) await utimes(fx.git.abs(f), T, T);
    await add(fx.repo, { targets: ['data'] });
    const oid = /md5: ([0-9a-f]{32}\.dir)/.exec(await readFile(fx.git.abs('data.dvc'), 'utf8'))?.[1];
    expect(oid).toBeDefined();
    expect((await dataStatus(fx.repo))?.state).toBe('ok');
    const snap = snapshotRow(fx.repo, fx.git.abs('data'));
    expect(snap).toMatchObject({ nfiles: 3 });
    expect(snap?.dir_oid).toBe(oid);

    // Same size, mtime put back exactly, but a new inode (written aside and renamed over): the state index
    // sees a different file, and so must the snapshot.
    const a = fx.git.abs('data/a');
    const inodeBefore = (await stat(a)).ino;
    await writeFile(`${a}.new`, 'AAAA');
    await utimes(`${a}.new`, T, T);
    await rename(`${a}.new`, a);
    expect((await stat(a)).ino).not.toBe(inodeBefore);
    expect((await stat(a)).mtime.getTime()).toBe(T.getTime());
    expect(await dataStatus(fx.repo)).toMatchObject({ state: 'modified', changes: { added: [], deleted: [], modified: ['a'] } });

    await writeFile(a, 'aaaa');
    expect((await dataStatus(fx.repo))?.state).toBe('ok');

    // Same inode, same size, mtime put back to the very nanosecond: DVC's rule (and the state index's) cannot
    // see this edit, and the snapshot must answer exactly as the state index alone does.
    const b = fx.git.abs('data/b');
    await writeFile(b, 'BBBB');
    await utimes(b, T, T);
    await dataStatus(fx.repo); // hashes from the state index and writes the snapshot; the next run uses it
    const withSnapshot = await dataStatus(fx.repo);
    fx.repo.index.db.exec('DELETE FROM output_snapshots; DELETE FROM cache_complete');
    const stateIndexOnly = await dataStatus(fx.repo);
    expect(withSnapshot).toEqual(stateIndexOnly);
    await writeFile(b, 'bbbb');
    await utimes(b, T, T);

    // Same inode, same size, mtime restored only to the millisecond: the nanoseconds differ, so it is seen.
    expect((await dataStatus(fx.repo))?.state).toBe('ok');
    await writeFile(b, 'BBBB');
    const edited = await stat(b, { bigint: true });
    const ms = new Date(Number(edited.mtimeMs));
    await utimes(b, ms, ms);
    const after = await stat(b, { bigint: true });
    expect(after.ino).toBe(edited.ino);
    if (after.mtimeNs !== edited.mtimeNs) {
      expect(await dataStatus(fx.repo)).toMatchObject({ state: 'modified', changes: { modified: ['b'] } });
    }
    await writeFile(b, 'bbbb');

    // Added and deleted files inside the folder.
    await writeFile(b, 'bbbb');
    await rm(fx.git.abs('data/sub/c'));
    await writeFile(fx.git.abs('data/sub/d'), 'dddd');
    expect(await dataStatus(fx.repo)).toMatchObject({ state: 'modified', changes: { added: ['sub/d'], deleted: ['sub/c'] } });
    // The snapshot still names the recorded version only as long as nothing matches it; no false "ok".
    await rm(fx.git.abs('data/sub/d'));
    await writeFile(fx.git.abs('data/sub/c'), 'cccc');
    expect((await dataStatus(fx.repo))?.state).toBe('ok');
    expect((await dataStatus(fx.repo))?.state).toBe('ok');
  });

  it('reports a folder replaced by a file, and a deleted folder, despite a snapshot', async () => {
    fx = await makeOpsRepo({ 'data/a': 'a', 'data/b': 'b' });
    await add(fx.repo, { targets: ['data'] });
    expect((await dataStatus(fx.repo))?.state).toBe('ok');
    expect(snapshotRow(fx.repo, fx.git.abs('data'))).toBeDefined();
    await rm(fx.git.abs('data'), { recursive: true });
    expect((await dataStatus(fx.repo))?.state).toBe('missing');
    await writeFile(fx.git.abs('data'), 'now a file');
    expect((await dataStatus(fx.repo))?.state).toBe('modified');
  });
});

describe('status completeness mark of a cached folder version', () => {
  it('is recorded on a stable cache and dropped when gc --force removes the objects', async () => {
    fx = await makeOpsRepo({ 'data/a': 'a1', 'data/b': 'b1', 'data/sub/c': 'c1' });
    await add(fx.repo, { targets: ['data'] });
    expect((await dataStatus(fx.repo))?.state).toBe('ok');
    expect(marks(fx.repo)).toBe(0); // the cache folders were just written: too recent to vouch for
    await settle();
    expect((await dataStatus(fx.repo))?.state).toBe('ok');
    expect(marks(fx.repo)).toBe(1);
    expect((await dataStatus(fx.repo))?.state).toBe('ok');

    // Make the version unused, collect it for real, then bring the pointer back: the mark must not hide it.
    const pointer = fx.git.abs('data.dvc');
    await rename(pointer, `${pointer}.away`);
    const g = await gc(fx.repo, { force: true });
    expect(g).toBeDefined();
    await rename(`${pointer}.away`, pointer);
    expect(marks(fx.repo)).toBe(1); // still stored, but for a cache that no longer looks the same
    expect(await dataStatus(fx.repo)).toMatchObject({ state: 'not-in-cache', missingObjects: 4 });
  });

  it('is dropped when a corrupt object is quarantined', async () => {
    fx = await makeOpsRepo({ 'data/a': 'a2', 'data/b': 'b2' });
    await add(fx.repo, { targets: ['data'] });
    await settle();
    expect((await dataStatus(fx.repo))?.state).toBe('ok');
    expect(marks(fx.repo)).toBe(1);

    const { createHash } = await import('node:crypto');
    const oid = createHash('md5').update('a2').digest('hex');
    const obj = objectPath(fx.git.dir, oid);
    await chmod(obj, 0o644);
    await writeFile(obj, 'damaged');
    expect(await fx.repo.odb.has(oid, 'md5')).toBe(false); // re-hashed, moved to quarantine
    expect(await dataStatus(fx.repo)).toMatchObject({ state: 'not-in-cache', missingObjects: 1 });
  });

  it('is never trusted for another cache directory', async () => {
    fx = await makeOpsRepo({ 'data/a': 'a3', 'data/b': 'b3' });
    await add(fx.repo, { targets: ['data'] });
    await settle();
    expect((await dataStatus(fx.repo))?.state).toBe('ok');
    expect(marks(fx.repo)).toBe(1);
    await fx.git.write({ '.dvc/config': `[cache]\n    dir = ${path.join(fx.git.dir, 'other-cache')}\n` });
    const repo = await fx.reopen();
    expect(await dataStatus(repo)).toMatchObject({ state: 'not-in-cache', missingObjects: 3 });
  });
});
