import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isLockstepError, type LockstepError } from '../../../electron/core/errors/index.ts';
import { dvcLockPath } from '../../../electron/core/repo/dvc-lock.ts';
import { withRepoLock } from '../../../electron/core/repo/lock.ts';
import { useTempDvcDirs } from '../../helpers/dvc-dir.ts';

// DVC takes `.dvc/tmp/lock` with zc.lockfile: a non-blocking exclusive flock(2). util-linux `flock -n` makes
// exactly that call, so it stands in for a `dvc` command here (dvc itself is not installable on this machine).
const LOCK_MODULE = fileURLToPath(new URL('../../../electron/core/repo/lock.ts', import.meta.url));

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});
const dvcDir = useTempDvcDirs();

/** Whether a dvc command could take its lock right now (zc.lockfile's flock, non-blocking). */
function dvcCouldLock(d: string): boolean {
  return spawnSync('flock', ['-n', dvcLockPath(d), 'true']).status === 0;
}

/** A stand-in `dvc` command holding the lock on its own open descriptor (as zc.lockfile does) until killed. */
async function dvcHolding(d: string): Promise<ChildProcess> {
  const child = spawn('sh', ['-c', 'exec 9>>"$1"; flock -n 9 || exit 1; echo held; exec sleep 60', 'sh', dvcLockPath(d)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await waitForLine(child, 'held');
  return child;
}

function waitForLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes(line)) resolve();
    });
    child.on('exit', (c) => reject(new Error(`child exited early (${c}): ${out}`)));
  });
}

describe("DVC's repository lock (.dvc/tmp/lock)", () => {
  it('is held for the whole of a locked operation, so dvc cannot start meanwhile, and free afterwards', async () => {
    const d = await dvcDir();
    const during = await withRepoLock({ dvcDir: d }, 'add data', async () => dvcCouldLock(d));
    expect(during).toBe(false);
    expect(dvcCouldLock(d)).toBe(true);
  });

  it('makes a Lockstep writer wait for a running dvc command, then fail with LOCKED naming dvc; nothing runs', async () => {
    const d = await dvcDir();
    await dvcHolding(d);
    let ran = false;
    const started = Date.now();
    const err = (await withRepoLock({ dvcDir: d }, 'checkout', async () => {
      ran = true;
    }, { waitMs: 500 }).catch((e: unknown) => e)) as LockstepError;
    expect(isLockstepError(err, 'LOCKED')).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(err.message).toContain('dvc command');
    expect(err.message).toContain(dvcLockPath(d));
    expect(ran).toBe(false);
  });

  it('lets the Lockstep writer in as soon as the dvc command ends', async () => {
    const d = await dvcDir();
    const dvc = await dvcHolding(d);
    setTimeout(() => dvc.kill('SIGTERM'), 300);
    const started = Date.now();
    const ran = await withRepoLock({ dvcDir: d }, 'push', async () => 'ran', { waitMs: 20_000 });
    expect(ran).toBe('ran');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('is released when the Lockstep process holding it is killed with SIGKILL', async () => {
    const d = await dvcDir();
    const script = `
      import { withRepoLock } from ${JSON.stringify(LOCK_MODULE)};
      await withRepoLock({ dvcDir: ${JSON.stringify(d)} }, 'pull', async () => {
        process.stdout.write('held\\n');
        await new Promise((r) => setTimeout(r, 60000));
      });
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    await waitForLine(child, 'held');
    expect(dvcCouldLock(d)).toBe(false);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    // The helper holding the flock sees its stdin close and exits: give it a moment, then dvc can lock again.
    const deadline = Date.now() + 5000;
    while (!dvcCouldLock(d) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(dvcCouldLock(d)).toBe(true);
  });
});
