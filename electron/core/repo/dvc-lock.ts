import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { LockstepError, fromFsError } from '../errors/index.ts';

/**
 * DVC's own repository lock, so that a `dvc` command and a Lockstep writer never run on the same repo at once.
 *
 * DVC holds `.dvc/tmp/lock` for the whole of every command: `zc.lockfile` opens it and takes a non-blocking
 * exclusive `flock(2)` on it (dvc-format.md §4.4; the file is created when absent and never removed). Node has
 * no flock, so a small helper process holds it for us: util-linux `flock` with a bounded wait, running a
 * shell that reports "locked" and then waits for its stdin to close. Releasing closes stdin; if this process
 * dies, even by SIGKILL, the kernel closes the pipe and the lock goes with it, so a crash never leaves DVC
 * locked out (an flock, unlike our own lock file, cannot go stale).
 *
 * Where `flock` does not exist (macOS, Windows) or the filesystem refuses it, the lock is skipped: Lockstep's own
 * lock still orders Lockstep writers. DVC's `core.hardlink_lock` mode (flufl lock files, for NFS) is not
 * supported either.
 */

/** `flock`'s exit status when its wait ran out (`-E`). */
const TIMED_OUT = 75;
/** Printed by the helper once it holds the lock. */
const READY = 'locked';

let flockMissing = false;

/** The lock file's path: `.dvc/tmp/lock`. */
export function dvcLockPath(dvcDir: string): string {
  return path.join(dvcDir, 'tmp', 'lock');
}

/**
 * Takes DVC's lock, waiting up to `waitMs` for a running `dvc` command; returns the function that releases it.
 * LOCKED when the wait runs out, ABORTED when `signal` fires first.
 */
export async function acquireDvcLock(dvcDir: string, opts: { readonly waitMs: number; readonly signal?: AbortSignal }): Promise<() => Promise<void>> {
  if (flockMissing || process.platform === 'win32') return async () => {};
  const file = dvcLockPath(dvcDir);
  try {
    await mkdir(path.dirname(file), { recursive: true });
  } catch (err) {
    throw fromFsError(err, path.dirname(file), 'create');
  }
  // -o: the shell does not inherit the locked descriptor (flock itself keeps it until the shell exits).
  const child = spawn('flock', ['-o', '-E', String(TIMED_OUT), '-w', (opts.waitMs / 1000).toFixed(3), file, 'sh', '-c', `echo ${READY}; exec cat >/dev/null`], {
    stdio: ['pipe', 'pipe', 'ignore'],
    windowsHide: true,
  });
  const held = await new Promise<boolean>((resolve, reject) => {
    let out = '';
    const onAbort = (): void => {
      child.kill('SIGKILL');
      reject(new LockstepError('ABORTED', 'The operation was cancelled while waiting for the DVC lock.'));
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => opts.signal?.removeEventListener('abort', onAbort);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes(READY)) {
        done();
        resolve(true);
      }
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      done();
      if (e.code === 'ENOENT') {
        flockMissing = true;
        resolve(false);
      } else reject(fromFsError(e, file, 'lock'));
    });
    child.on('exit', (code) => {
      done();
      if (code === TIMED_OUT) {
        reject(new LockstepError('LOCKED', `A dvc command is running in this repository (it holds ${file}). Lockstep waited ${Math.round(opts.waitMs / 1000)} s for it; run this again when it has finished.`, { path: file, holder: 'dvc' }));
      } else {
        // The filesystem refuses flock (some network mounts: ENOLCK). DVC's own lock fails there too (such repos
        // set core.hardlink_lock), so there is no dvc to keep out this way: go on under Lockstep's lock alone.
        resolve(false);
      }
    });
  });
  if (!held) return async () => {};
  child.removeAllListeners('exit');
  return () => release(child);
}

function release(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.stdin?.end();
  });
}
