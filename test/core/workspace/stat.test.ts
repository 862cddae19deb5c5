import { chmod, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isLockstepError } from '../../../electron/core/errors/index.ts';
import { statEntry } from '../../../electron/core/workspace/stat.ts';
import { makeTempDir } from '../../helpers/tmp.ts';

describe('statEntry', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    tmp = await makeTempDir();
  });
  afterEach(async () => tmp.cleanup());

  it('returns bigint inode and nanosecond mtime, size and permission bits', async () => {
    const f = path.join(tmp.dir, 'f');
    await writeFile(f, 'hello');
    await chmod(f, 0o640);
    const big = await stat(f, { bigint: true });
    expect(await statEntry(f)).toEqual({ inode: big.ino, mtimeNs: big.mtimeNs, size: 5, mode: 0o640, isexec: false });
    expect(typeof big.mtimeNs).toBe('bigint');
  });

  it('isexec follows DVC: any of the user, group or other execute bits', async () => {
    const f = path.join(tmp.dir, 'x');
    await writeFile(f, '#!/bin/sh\n');
    for (const [m, exec] of [[0o755, true], [0o644, false], [0o654, true], [0o645, true], [0o744, true]] as const) {
      await chmod(f, m);
      expect((await statEntry(f)).isexec).toBe(exec);
    }
  });

  it('names a missing file', async () => {
    const f = path.join(tmp.dir, 'missing');
    const err = await statEntry(f).catch((e: unknown) => e);
    expect(isLockstepError(err, 'IO_ERROR')).toBe(true);
    expect((err as Error).message).toContain(f);
  });
});
