import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ObjectStore } from '../cache/odb.ts';
import { acquireDvcLock } from './dvc-lock.ts';
import { LockstepError, fromFsError } from '../errors/index.ts';

/** What the lock file records about its holder, so a waiting writer can say who it waits for. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly startedAt: string;
}

/** Options for {@link withRepoLock}. */
export interface RepoLockOptions {
  /** How long to wait for another writer before failing with LOCKED (default 10 s). */
  readonly waitMs?: number;
  readonly signal?: AbortSignal;
}

const POLL_MS = 150;
const DEFAULT_WAIT_MS = 10_000;

/** The lock file's path: `.dvc/tmp/lockstep/lock`. */
export function lockPath(dvcDir: string): string {
  return path.join(dvcDir, 'tmp', 'lockstep', 'lock');
}

/**
 * Runs `fn` while holding the repository's writer lock, so two writers (two CLI runs, or the CLI and
 * the app) never interleave. A lock left by a dead process on this host is taken over; a live holder
 * is waited for up to `waitMs`, then LOCKED names its pid, command and start time. DVC's own lock is held
 * as well (a running `dvc` command is waited for the same way). With the repo's object store given, its
 * unflushed-objects journal is settled first.
 */
export async function withRepoLock<T>(repo: { dvcDir: string; odb?: ObjectStore }, command: string, fn: () => Promise<T>, opts: RepoLockOptions = {}): Promise<T> {
  const release = await acquireRepoLock(repo.dvcDir, command, opts);
  try {
    // Then DVC's, so that a `dvc` command never runs alongside (dvc-lock.ts). Ours first: Lockstep writers
    // queue on our lock, which names its holder, and only one of them at a time waits for DVC.
    const releaseDvc = await acquireDvcLock(repo.dvcDir, { waitMs: opts.waitMs ?? DEFAULT_WAIT_MS, signal: opts.signal });
    try {
      return await settledRun(repo, fn);
    } finally {
      await releaseDvc();
    }
  } finally {
    await release();
  }
}

/**
 * Runs `fn` under the locks. First, before the operation trusts any cache object: objects published without a
 * flush are re-checked after a reboot; old records are flushed while the operation runs (cache/unflushed.ts).
 */
async function settledRun<T>(repo: { odb?: ObjectStore }, fn: () => Promise<T>): Promise<T> {
  const odb = repo.odb;
  const settling = odb?.journal ? await odb.journal.settle((p) => odb.recheck(p).then(() => undefined)) : undefined;
  try {
    return await fn();
  } finally {
    await settling?.finish();
  }
}

/** Takes the lock (see {@link withRepoLock}) and returns the function that releases it. */
export async function acquireRepoLock(dvcDir: string, command: string, opts: RepoLockOptions = {}): Promise<() => Promise<void>> {
  const file = lockPath(dvcDir);
  const waitMs = opts.waitMs ?? DEFAULT_WAIT_MS;
  const me: LockHolder = { pid: process.pid, host: os.hostname(), command, startedAt: new Date().toISOString() };
  const token = JSON.stringify(me);
  try {
    await mkdir(path.dirname(file), { recursive: true });
  } catch (err) {
    throw fromFsError(err, path.dirname(file), 'create');
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await tryCreate(file, token)) break;
    const holder = await readHolder(file);
    if (holder === 'gone') continue;
    if (holder !== 'unreadable' && isStale(holder)) {
      await takeOverStale(file, holder);
      continue;
    }
    if (opts.signal?.aborted) throw new LockstepError('ABORTED', 'The operation was cancelled while waiting for the repository lock.');
    if (Date.now() >= deadline) throw lockedError(file, holder, waitMs);
    await sleep(POLL_MS);
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    // Remove the file only if it is still ours: a takeover after a long stall must not be undone.
    try {
      if ((await readFile(file, 'utf8')) === token) await unlink(file);
    } catch {
      // Already gone: nothing to release.
    }
  };
}

/** Creates the lock with its full content in one step (write a temp file, then link(2), which fails if the lock exists). */
async function tryCreate(file: string, content: string): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, content, { flag: 'wx' });
    try {
      await link(tmp, file);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw fromFsError(err, file, 'create the lock file');
    }
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

async function readHolder(file: string): Promise<LockHolder | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw fromFsError(err, file, 'read the lock file');
  }
  try {
    const v = JSON.parse(text) as Partial<LockHolder>;
    if (typeof v.pid === 'number' && typeof v.host === 'string') {
      return { pid: v.pid, host: v.host, command: String(v.command ?? 'unknown'), startedAt: String(v.startedAt ?? 'unknown') };
    }
  } catch {
    // Fall through: a lock we cannot read is treated as held until the wait runs out.
  }
  return 'unreadable';
}

/** A holder on this host whose process no longer exists (killed, crashed) holds nothing. */
function isStale(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes a stale lock under a short-lived takeover lock, re-checking it is still the same stale holder,
 * so two waiters cannot both delete and one of them remove the other's fresh lock.
 */
async function takeOverStale(file: string, stale: LockHolder): Promise<void> {
  const guard = `${file}.takeover`;
  const guardToken = JSON.stringify({ pid: process.pid, host: os.hostname(), command: 'takeover', startedAt: new Date().toISOString() });
  if (!(await tryCreate(guard, guardToken))) {
    const g = await readHolder(guard);
    if (g !== 'gone' && g !== 'unreadable' && isStale(g)) await unlink(guard).catch(() => {});
    await sleep(20);
    return;
  }
  try {
    const now = await readHolder(file);
    if (now !== 'gone' && now !== 'unreadable' && now.pid === stale.pid && now.startedAt === stale.startedAt) {
      await unlink(file).catch(() => {});
    }
  } finally {
    await unlink(guard).catch(() => {});
  }
}

function lockedError(file: string, holder: LockHolder | 'unreadable', waitMs: number): LockstepError {
  const seconds = Math.round(waitMs / 100) / 10;
  if (holder === 'unreadable') {
    return new LockstepError('LOCKED', `The repository is locked by another Lockstep operation (lock file ${file}, unreadable). Waited ${seconds} s. If no other Lockstep or app window is running, delete that file and try again.`, { lockFile: file });
  }
  const where = holder.host === os.hostname() ? `process ${holder.pid}` : `process ${holder.pid} on ${holder.host}`;
  return new LockstepError(
    'LOCKED',
    `The repository is busy: \`${holder.command}\` (${where}, started ${holder.startedAt}) is still running. Waited ${seconds} s. Try again when it has finished.`,
    { lockFile: file, holder },
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
