import { mkdirSync, writeFileSync } from 'node:fs';
import { rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listingDigest } from '../../../electron/core/ops/listing-digest.ts';
import { walkListing, type IgnoreMatcher } from '../../../electron/core/workspace/walk.ts';
import { makeTempDir } from '../../helpers/tmp.ts';

const noIgnore: IgnoreMatcher = { ignores: () => false };

describe('listingDigest of a walk', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  let data: string;
  const digest = async (statWorker: 'always' | 'never' = 'never'): Promise<string> =>
    listingDigest((await walkListing(data, { repoRoot: tmp.dir, ignore: noIgnore, statWorker })).batches);

  // One tree for the file (each test leaves it with the same names): past the point where a walk starts stat
  // workers, in directories larger than one batch.
  beforeAll(async () => {
    tmp = await makeTempDir();
    data = path.join(tmp.dir, 'data');
    for (let d = 0; d < 3; d++) {
      mkdirSync(path.join(data, `d${d}`), { recursive: true });
      for (let i = 0; i < 2100; i++) writeFileSync(path.join(data, `d${d}`, `f${i}.bin`), `${d}/${i}`);
    }
    writeFileSync(path.join(data, 'top.txt'), 'top');
  });
  afterAll(async () => tmp.cleanup());

  it('is the same whichever thread stats the files, and stable across walks', async () => {
    const here = await digest('never');
    expect(here).toMatch(/^b2:6301:[0-9a-f]{64}$/);
    expect(await digest('always')).toBe(here);
    expect(await digest('always')).toBe(here);
  });

  it('changes with a sub-millisecond mtime change, a rename, a size change or a new inode', async () => {
    const f = path.join(data, 'd1', 'f7.bin');
    const base = await digest();
    const st = await stat(f);
    // 1.5 µs later: invisible at millisecond precision, seen at the nanosecond precision of the stats.
    await utimes(f, st.atime, st.mtimeMs / 1000 + 1.5e-6);
    const moved = await digest();
    expect(moved).not.toBe(base);
    await utimes(f, st.atime, st.mtime);
    const back = await digest(); // utimes sets whole microseconds at best, so not necessarily `base` again
    await rename(f, path.join(data, 'd1', 'f7.renamed'));
    expect(await digest()).not.toBe(back);
    await rename(path.join(data, 'd1', 'f7.renamed'), f);
    const same = await digest();
    expect(same).toBe(back); // a rename there and back keeps the inode and the times
    await writeFile(f, '1/7 and more');
    await utimes(f, st.atime, st.mtime);
    expect(await digest()).not.toBe(same);
    await writeFile(`${f}.new`, '1/7');
    await utimes(`${f}.new`, st.atime, st.mtime);
    await rename(`${f}.new`, f); // same name, size and mtime: only the inode differs
    expect(await digest()).not.toBe(same);
  });

  it('leaves out the files the caller excludes, and lists them apart', async () => {
    const junk = path.join(data, 'd2', '.junk');
    await writeFile(junk, 'x');
    const walk = await walkListing(data, { repoRoot: tmp.dir, ignore: noIgnore, exclude: (name) => name === '.junk' });
    expect(walk.excluded).toEqual([junk]);
    expect(walk.batches.some((b) => b.names.includes('.junk'))).toBe(false);
    expect(listingDigest(walk.batches)).toMatch(/^b2:6301:/);
    await rm(junk);
  });
});
