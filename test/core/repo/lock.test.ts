import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isLockstepError, type LockstepError } from '../../../electron/core/errors/index.ts';
import { acquireRepoLock, lockPath, withRepoLock } from '../../../electron/core/repo/lock.ts';
import { useTempDvcDirs } from '../../helpers/dvc-dir.ts';

const LOCK_MODULE = fileURLToPath(new URL('../../../electron/core/repo/lock.ts', import.meta.url));
const dvcDir = useTempDvcDirs();

describe('repo lock', () => {
  it('records the holder and removes the file on release', async () => {
    const d = await dvcDir();
    const seen = await withRepoLock({ dvcDir: d }, 'add data', async () => JSON.parse(await readFile(lockPath(d), 'utf8')) as Record<string, unknown>);
    expect(seen).toMatchObject({ pid: process.pid, host: os.hostname(), command: 'add data' });
    await expect(readFile(lockPath(d))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('makes a second writer wait, then fail with LOCKED naming pid, command and start time', async () => {
    const d = await dvcDir();
    const release = await acquireRepoLock(d, 'checkout');
    try {
      const started = Date.now();
      const err = (await acquireRepoLock(d, 'gc', { waitMs: 400 }).catch((e: unknown) => e)) as LockstepError;
      expect(isLockstepError(err, 'LOCKED')).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);
      expect(err.message).toContain(`process ${process.pid}`);
      expect(err.message).toContain('`checkout`');
      expect(err.data).toMatchObject({ holder: { pid: process.pid, command: 'checkout' } });
    } finally {
      await release();
    }
  });

  it('lets a waiting writer in as soon as the holder releases', async () => {
    const d = await dvcDir();
    const release = await acquireRepoLock(d, 'first');
    setTimeout(() => void release(), 200);
    const order: string[] = [];
    await withRepoLock({ dvcDir: d }, 'second', async () => {
      order.push('second ran');
    }, { waitMs: 20_000 });
    expect(order).toEqual(['second ran']);
  });

  it('takes over a lock left by a dead process on this host', async () => {
    const d = await dvcDir();
    const dead = spawn(process.execPath, ['-e', '0']);
    const deadPid = await new Promise<number>((resolve) => dead.on('exit', () => resolve(dead.pid ?? 0)));
    await mkdir(path.dirname(lockPath(d)), { recursive: true });
    await writeFile(lockPath(d), JSON.stringify({ pid: deadPid, host: os.hostname(), command: 'add', startedAt: 'then' }));
    const ran = await withRepoLock({ dvcDir: d }, 'status', async () => JSON.parse(await readFile(lockPath(d), 'utf8')) as { pid: number }, { waitMs: 0 });
    expect(ran.pid).toBe(process.pid);
  });

  it('excludes a writer in another process, which is named in the error', async () => {
    const d = await dvcDir();
    const script = `
      import { acquireRepoLock } from ${JSON.stringify(LOCK_MODULE)};
      await acquireRepoLock(${JSON.stringify(d)}, 'push origin');
      process.stdout.write('held\\n');
      setTimeout(() => {}, 60000);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (b: Buffer) => (b.toString().includes('held') ? resolve() : undefined));
        child.on('exit', (c) => reject(new Error(`holder exited early: ${c}`)));
      });
      const err = (await acquireRepoLock(d, 'add', { waitMs: 300 }).catch((e: unknown) => e)) as LockstepError;
      expect(isLockstepError(err, 'LOCKED')).toBe(true);
      expect(err.message).toContain(`process ${child.pid}`);
      expect(err.message).toContain('push origin');
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
      // The killed holder left its file behind; the next writer takes it over at once.
      const release = await acquireRepoLock(d, 'add', { waitMs: 0 });
      await release();
    } finally {
      child.kill('SIGKILL');
    }
  });
});
