import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLockstepError } from '../../../electron/core/errors/index.ts';
import { HASH_READ_SIZE, md5Bytes, md5File } from '../../../electron/core/hash/md5-file.ts';
import { makeTempDir } from '../../helpers/tmp.ts';

const MiB = 1024 * 1024;
// Sizes around every edge the reader has: empty, tiny, DVC's 1 MiB chunk, our 4 MiB buffer, and several buffers.
const SIZES = [0, 1, 3, MiB - 1, MiB, MiB + 1, HASH_READ_SIZE - 1, HASH_READ_SIZE, HASH_READ_SIZE + 1, 2 * HASH_READ_SIZE, 9 * MiB + 7];

describe('md5File', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  const files: { file: string; bytes: Buffer }[] = [];

  beforeAll(async () => {
    tmp = await makeTempDir();
    await mkdir(path.join(tmp.dir, 'f'));
    for (const size of SIZES) {
      const bytes = randomBytes(size);
      const file = path.join(tmp.dir, 'f', `r${size}.bin`);
      await writeFile(file, bytes);
      files.push({ file, bytes });
    }
  });
  afterAll(async () => tmp.cleanup());

  it('matches node:crypto and the md5sum CLI on random files at every buffer edge', async () => {
    for (const { file, bytes } of files) {
      const got = await md5File(file);
      expect(got.size).toBe(bytes.length);
      expect(got.md5).toBe(createHash('md5').update(bytes).digest('hex'));
      const cli = execFileSync('md5sum', [file], { encoding: 'utf8' }).split(' ')[0];
      expect(got.md5).toBe(cli);
    }
  });

  it('gives the DVC test vector for "foo"', async () => {
    const file = path.join(tmp.dir, 'foo');
    await writeFile(file, 'foo');
    expect(await md5File(file)).toEqual({ md5: 'acbd18db4cc2f85cedef654fccc4a4d8', size: 3 });
    expect(md5Bytes(Buffer.from('bar'))).toBe('37b51d194a7513e45b56f6524f2d51f2');
  });

  it('reports byte progress that sums to the file size, in at most buffer-sized steps', async () => {
    const { file, bytes } = files.find((f) => f.bytes.length === 9 * MiB + 7)!;
    const deltas: number[] = [];
    await md5File(file, { onBytes: (n) => deltas.push(n) });
    expect(deltas.reduce((a, b) => a + b, 0)).toBe(bytes.length);
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...deltas)).toBeLessThanOrEqual(HASH_READ_SIZE);
  });

  it('stops with ABORTED when the signal fires mid-file', async () => {
    const { file } = files.find((f) => f.bytes.length === 9 * MiB + 7)!;
    const ac = new AbortController();
    let seen = 0;
    const err = await md5File(file, { signal: ac.signal, onBytes: (n) => { seen += n; ac.abort(); } }).catch((e: unknown) => e);
    expect(isLockstepError(err, 'ABORTED')).toBe(true);
    expect(seen).toBeLessThan(9 * MiB + 7);
  });

  it('names the file when it cannot be read', async () => {
    const missing = path.join(tmp.dir, 'nope.bin');
    const err = await md5File(missing).catch((e: unknown) => e);
    expect(isLockstepError(err, 'IO_ERROR')).toBe(true);
    expect((err as Error).message).toContain(missing);
  });
});
