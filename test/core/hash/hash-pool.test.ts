import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLockstepError } from '../../../electron/core/errors/index.ts';
import { md5Dos2UnixFile } from '../../../electron/core/hash/dos2unix.ts';
import { hashFiles, hashPoolWorkerCount, shutdownHashPool } from '../../../electron/core/hash/hash-pool.ts';
import type { Progress } from '../../../electron/core/jobs/progress.ts';
import { makeTempDir } from '../../helpers/tmp.ts';
import { DOS2UNIX_VECTORS, MiB, textBytes } from './vectors.ts';

describe('hashFiles (worker pool)', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  const expected = new Map<string, string>();
  const inputs: { absPath: string; size: number }[] = [];

  beforeAll(async () => {
    tmp = await makeTempDir();
    await mkdir(path.join(tmp.dir, 'small'));
    for (let i = 0; i < 2000; i++) {
      // Mix of sizes, including empty files and a text-ish one every so often.
      const bytes = i % 10 === 0 ? textBytes(i) : randomBytes(i % 7 === 0 ? 0 : 1 + ((i * 131) % 8192));
      const absPath = path.join(tmp.dir, 'small', `f${i}`);
      await writeFile(absPath, bytes);
      expected.set(absPath, createHash('md5').update(bytes).digest('hex'));
      inputs.push({ absPath, size: bytes.length });
    }
    for (const size of [MiB, 3 * MiB + 5, 9 * MiB + 1]) {
      const bytes = randomBytes(size);
      const absPath = path.join(tmp.dir, `large-${size}`);
      await writeFile(absPath, bytes);
      expected.set(absPath, createHash('md5').update(bytes).digest('hex'));
      inputs.push({ absPath, size });
    }
  });
  afterAll(async () => {
    await shutdownHashPool();
    await tmp.cleanup();
  });

  it('hashes 2,000 small files and a few large ones like node:crypto, with file and byte progress', async () => {
    const events: Progress[] = [];
    const result = await hashFiles(inputs, { hashName: 'md5', onProgress: (p) => events.push(p) });
    expect(result.size).toBe(inputs.length);
    for (const f of inputs) {
      expect(result.get(f.absPath)).toEqual({ md5: expected.get(f.absPath), size: f.size });
    }
    const total = inputs.reduce((s, f) => s + f.size, 0);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ phase: 'hash', loaded: total, total, files: inputs.length, filesTotal: inputs.length });
    expect(events.length).toBeGreaterThan(1);
    expect(hashPoolWorkerCount()).toBeGreaterThan(0);
    expect(hashPoolWorkerCount()).toBeLessThanOrEqual(availableParallelism());
  });

  it('computes both md5-dos2unix forms in the workers, matching the vectors and the main-thread hasher', async () => {
    const files: { absPath: string; size: number }[] = [];
    for (const [i, v] of DOS2UNIX_VECTORS.entries()) {
      const absPath = path.join(tmp.dir, `d2u-${i}`);
      await writeFile(absPath, v.bytes());
      files.push({ absPath, size: v.size });
    }
    const result = await hashFiles([...files, ...inputs.slice(0, 50)], { hashName: 'md5-dos2unix' });
    for (const [i, v] of DOS2UNIX_VECTORS.entries()) {
      expect(result.get(files[i]!.absPath)).toEqual({ md5: v.v3, md5v2: v.v2, size: v.size });
    }
    for (const f of inputs.slice(0, 50)) {
      const ref = await md5Dos2UnixFile(f.absPath);
      expect(result.get(f.absPath)).toEqual({ md5: ref.v3, md5v2: ref.v2, size: ref.size });
    }
  });

  it('hashes a handful of files inline with the same results', async () => {
    const few = inputs.slice(-3);
    const result = await hashFiles(few, { hashName: 'md5' });
    for (const f of few) expect(result.get(f.absPath)?.md5).toBe(expected.get(f.absPath));
  });

  it('fails with an IO_ERROR naming a file that vanished, and keeps working afterwards', async () => {
    const missing = path.join(tmp.dir, 'small', 'does-not-exist');
    const err = await hashFiles([...inputs.slice(0, 100), { absPath: missing, size: 10 }], { hashName: 'md5' }).catch((e: unknown) => e);
    expect(isLockstepError(err, 'IO_ERROR')).toBe(true);
    expect((err as Error).message).toContain(missing);
    const again = await hashFiles(inputs.slice(0, 100), { hashName: 'md5' });
    expect(again.size).toBe(100);
  });

  it('cancels promptly in the middle of large files, then recovers', async () => {
    const big: { absPath: string; size: number }[] = [];
    for (let i = 0; i < 2; i++) {
      const absPath = path.join(tmp.dir, `big-${i}`);
      await writeFile(absPath, Buffer.alloc(96 * MiB, i + 1));
      big.push({ absPath, size: 96 * MiB });
    }
    const ac = new AbortController();
    let loadedAtAbort = -1;
    const err = await hashFiles([...big, ...inputs.slice(0, 20)], {
      hashName: 'md5',
      signal: ac.signal,
      onProgress: (p) => {
        if (p.loaded > 0 && loadedAtAbort < 0) {
          loadedAtAbort = p.loaded;
          ac.abort();
        }
      },
    }).catch((e: unknown) => e);
    expect(isLockstepError(err, 'ABORTED')).toBe(true);
    expect(loadedAtAbort).toBeGreaterThan(0);
    expect(loadedAtAbort).toBeLessThan(2 * 96 * MiB);
    const after = await hashFiles(inputs.slice(0, 30), { hashName: 'md5' });
    expect(after.get(inputs[0]!.absPath)?.md5).toBe(expected.get(inputs[0]!.absPath));
  });

  it('rejects at once when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(hashFiles(inputs, { hashName: 'md5', signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('shutdownHashPool terminates the workers and a later call spawns them again', async () => {
    await hashFiles(inputs.slice(0, 40), { hashName: 'md5' });
    expect(hashPoolWorkerCount()).toBeGreaterThan(0);
    await shutdownHashPool();
    expect(hashPoolWorkerCount()).toBe(0);
    const r = await hashFiles(inputs.slice(0, 40), { hashName: 'md5' });
    expect(r.size).toBe(40);
  });
});
