import { open, readFile, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexIdentity } from '../../../electron/core/index/checked-mark.ts';
import { indexPath, openIndex } from '../../../electron/core/index/db.ts';
import { getHashes, putHashes } from '../../../electron/core/index/state.ts';
import { makeTempDir } from '../../helpers/tmp.ts';

/** An identity is trusted only once the files are older than the racy window (2 s). */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 2300));

const rows = Array.from({ length: 5000 }, (_, i) => ({ path: `/data/file-${i}`, inode: BigInt(i + 1), mtimeNs: 1700000000000000000n + BigInt(i), size: i, hashName: 'md5' as const, md5: i.toString(16).padStart(32, '0') }));

describe('the index integrity check on open', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  let dvcDir: string;
  let file: string;
  beforeEach(async () => {
    tmp = await makeTempDir();
    dvcDir = path.join(tmp.dir, '.dvc');
    file = indexPath(dvcDir);
    const idx = openIndex({ dvcDir });
    putHashes(idx, rows);
    idx.db.pragma('wal_checkpoint(TRUNCATE)');
    idx.close();
  });
  afterEach(async () => tmp.cleanup());

  it('is recorded only for a settled file, then skipped while the file is untouched', async () => {
    openIndex({ dvcDir }).close(); // just written: too recent to vouch for
    await expect(stat(`${file}.checked`)).rejects.toMatchObject({ code: 'ENOENT' });
    await settle();
    openIndex({ dvcDir }).close();
    const mark = await stat(`${file}.checked`, { bigint: true });
    expect(await readFile(`${file}.checked`, 'utf8')).toBe(indexIdentity(file)?.key);
    const idx = openIndex({ dvcDir });
    try {
      expect(idx.rebuilt).toBe(false);
      expect(getHashes(idx, [rows[7]!]).get(rows[7]!.path)).toBe(rows[7]!.md5);
    } finally {
      idx.close();
    }
    // Not checked again, so not recorded again: the mark file is the very same.
    const again = await stat(`${file}.checked`, { bigint: true });
    expect([again.ino, again.mtimeNs]).toEqual([mark.ino, mark.mtimeNs]);
  });

  it('still finds pages damaged after a recorded check, even with the mtime put back', async () => {
    await settle();
    openIndex({ dvcDir }).close();
    expect(await readFile(`${file}.checked`, 'utf8')).toBe(indexIdentity(file)?.key);
    const before = await stat(file);
    const fh = await open(file, 'r+');
    await fh.write(Buffer.alloc(4 * 4096, 0xa5), 0, 4 * 4096, 2 * 4096); // pages 3..6; header and schema intact
    await fh.close();
    await utimes(file, before.atime, before.mtime);
    expect((await stat(file)).size).toBe(before.size);
    const idx = openIndex({ dvcDir });
    try {
      expect(idx.rebuilt).toBe(true);
      expect(getHashes(idx, [rows[7]!]).size).toBe(0);
    } finally {
      idx.close();
    }
  });

  it('checks again after another process wrote to the index', async () => {
    await settle();
    openIndex({ dvcDir }).close();
    const recorded = await readFile(`${file}.checked`, 'utf8');
    const writer = openIndex({ dvcDir });
    putHashes(writer, [{ ...rows[0]!, path: '/data/new', md5: 'f'.repeat(32) }]);
    writer.close();
    expect(indexIdentity(file)?.key).not.toBe(recorded);
    await settle();
    openIndex({ dvcDir }).close();
    expect(await readFile(`${file}.checked`, 'utf8')).toBe(indexIdentity(file)?.key);
  });
});
