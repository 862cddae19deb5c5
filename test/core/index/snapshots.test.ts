import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openIndex, type IndexDb } from '../../../electron/core/index/db.ts';
import { getSnapshot, largestSnapshot, putSnapshot } from '../../../electron/core/index/snapshots.ts';
import { makeTempDir } from '../../helpers/tmp.ts';

describe('folder snapshots', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  let idx: IndexDb;
  beforeEach(async () => {
    tmp = await makeTempDir();
    idx = openIndex({ dvcDir: path.join(tmp.dir, '.dvc') });
  });
  afterEach(async () => {
    idx.close();
    await tmp.cleanup();
  });

  it('replaces a folder snapshot per hash name and tells the largest folder remembered', () => {
    expect(largestSnapshot(idx)).toBe(0);
    const snap = { path: '/repo/data', hashName: 'md5' as const, digest: 'b2:3:aa', dirOid: `${'1'.repeat(32)}.dir`, nfiles: 3, size: 30 };
    putSnapshot(idx, snap);
    putSnapshot(idx, { ...snap, path: '/repo/images', nfiles: 120000, digest: 'b2:120000:bb' });
    expect(largestSnapshot(idx)).toBe(120000);
    putSnapshot(idx, { ...snap, path: '/repo/images', nfiles: 7, digest: 'b2:7:cc' });
    expect(largestSnapshot(idx)).toBe(7);
    expect(getSnapshot(idx, '/repo/images', 'md5')).toMatchObject({ nfiles: 7, digest: 'b2:7:cc' });
    expect(getSnapshot(idx, '/repo/images', 'md5-dos2unix')).toBeUndefined();
  });
});
