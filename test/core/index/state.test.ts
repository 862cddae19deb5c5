import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openIndex, type IndexDb } from '../../../electron/core/index/db.ts';
import { deleteHashes, getHashes, putHashes, type StateRow } from '../../../electron/core/index/state.ts';
import { makeTempDir } from '../../helpers/tmp.ts';

const MD5 = (i: number): string => i.toString(16).padStart(32, '0');

describe('hash state', () => {
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

  const row: StateRow = { path: '/repo/data/a.csv', inode: 18446744073709551000n, mtimeNs: 1712345678123456789n, size: 42, hashName: 'md5', md5: MD5(7) };

  it('hits only while inode, mtime (to the nanosecond) and size all match', () => {
    putHashes(idx, [row]);
    expect(getHashes(idx, [row]).get(row.path)).toBe(MD5(7));
    expect(getHashes(idx, [{ ...row, mtimeNs: row.mtimeNs + 1n }]).size).toBe(0);
    expect(getHashes(idx, [{ ...row, size: 43 }]).size).toBe(0);
    expect(getHashes(idx, [{ ...row, inode: row.inode - 1n }]).size).toBe(0);
    expect(getHashes(idx, [{ ...row, path: '/repo/data/b.csv' }]).size).toBe(0);
  });

  it('keeps separate entries per hash name and replaces on re-put', () => {
    putHashes(idx, [row, { ...row, hashName: 'md5-dos2unix', md5: MD5(8) }]);
    expect(getHashes(idx, [{ ...row, hashName: 'md5-dos2unix' }]).get(row.path)).toBe(MD5(8));
    putHashes(idx, [{ ...row, size: 50, md5: MD5(9) }]);
    expect(getHashes(idx, [row]).size).toBe(0);
    expect(getHashes(idx, [{ ...row, size: 50 }]).get(row.path)).toBe(MD5(9));
    deleteHashes(idx, [row.path]);
    expect(getHashes(idx, [{ ...row, size: 50 }, { ...row, hashName: 'md5-dos2unix' }]).size).toBe(0);
  });

  it('looks up 20,000 entries across chunk edges, mixing hits, stale entries and unknown paths', () => {
    const rows: StateRow[] = Array.from({ length: 20000 }, (_, i) => ({ path: `/repo/d/${i}`, inode: BigInt(i + 1), mtimeNs: 1700000000000000000n + BigInt(i), size: i, hashName: 'md5', md5: MD5(i) }));
    putHashes(idx, rows);
    const query = rows.map((r, i) => (i % 3 === 1 ? { ...r, size: r.size + 1 } : r));
    query.push({ ...rows[0]!, path: '/repo/unknown' });
    const hits = getHashes(idx, query);
    expect(hits.size).toBe(20000 - Math.floor((20000 + 1) / 3));
    for (let i = 0; i < 20000; i++) {
      if (i % 3 === 1) expect(hits.has(`/repo/d/${i}`)).toBe(false);
      else expect(hits.get(`/repo/d/${i}`)).toBe(MD5(i));
    }
  });
});
