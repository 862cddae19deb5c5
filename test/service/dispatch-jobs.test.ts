import { describe, expect, it } from 'vitest';
import type { Handlers } from '../../shared/contract.ts';
import { LockstepError } from '../../electron/core/errors/index.ts';
import { createDispatcher } from '../../electron/service/dispatch.ts';
import { JobManager } from '../../electron/service/jobs.ts';
import type { Job } from '../../shared/model.ts';

function dispatcherWith(partial: Partial<Handlers>) {
  return createDispatcher(partial as Handlers);
}

describe('dispatcher', () => {
  it('refuses unknown channels with UNKNOWN_CHANNEL', async () => {
    const d = dispatcherWith({});
    const r = await d('fs:readFile', { path: '/etc/passwd' });
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await d('__proto__', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  });

  it('validates input before the handler runs and names the bad field', async () => {
    let called = false;
    const d = dispatcherWith({ 'timeline:page': async () => ((called = true), { commits: [], total: 0, offset: 0 }) });
    const r = await d('timeline:page', { repoId: 'x', offset: -1, limit: 10 });
    expect(called).toBe(false);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_INPUT');
      expect(r.error.message).toContain('offset');
      expect(r.error.data.issues).toBeInstanceOf(Array);
    }
    const extra = await d('timeline:page', { repoId: 'x', offset: 0, limit: 10, sneaky: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const escape = await d('data:track', { repoId: 'x', paths: ['ok', '../../etc'] });
    expect(escape).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('wraps values and turns thrown errors into envelopes with code and data', async () => {
    const d = dispatcherWith({
      'repo:recent': async () => [{ path: '/r', name: 'r', openedAt: 1 }],
      'repo:close': async () => {
        throw new LockstepError('LOCKED', 'held by pid 7', { pid: 7 });
      },
      'jobs:list': async () => {
        throw new TypeError('boom');
      },
    });
    expect(await d('repo:recent', {})).toEqual({ ok: true, value: [{ path: '/r', name: 'r', openedAt: 1 }] });
    expect(await d('repo:close', { repoId: 'a' })).toEqual({ ok: false, error: { code: 'LOCKED', message: 'held by pid 7', data: { pid: 7 } } });
    expect(await d('jobs:list', {})).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom', data: {} } });
  });
});

describe('JobManager', () => {
  it('returns the job at once, throttles progress and always delivers phase changes and the end', async () => {
    const events: Job[] = [];
    let t = 0;
    const jm = new JobManager({ emit: (j) => events.push(j), intervalMs: 100, now: () => t });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const job = jm.start({
      kind: 'track', repoId: 'r', title: 'Track data',
      async run({ onProgress }) {
        await gate;
        for (let i = 0; i < 1000; i++) {
          t += 1; // 1000 updates over 1 s of fake time
          onProgress({ phase: 'hash', loaded: i, total: 2000 });
        }
        onProgress({ phase: 'cache', loaded: 0, total: 10 });
        return { tracked: 1 };
      },
    });
    expect(job.state).toBe('running');
    expect(events).toHaveLength(1);
    release();
    const final = await jm.wait(job.id);
    expect(final.state).toBe('done');
    expect(final.result).toEqual({ tracked: 1 });
    const progress = events.filter((e) => e.state === 'running' && e.progress);
    // ~1 per 100 ms of fake time plus the phase changes: far fewer than 1000.
    expect(progress.length).toBeGreaterThanOrEqual(10);
    expect(progress.length).toBeLessThanOrEqual(14);
    expect(progress.some((e) => e.progress?.phase === 'cache')).toBe(true);
    expect(events.at(-1)?.state).toBe('done');
    const withRate = progress.find((e) => e.progress?.rate !== undefined);
    expect(withRate?.progress?.rate).toBeCloseTo(1000, -1);
    expect(withRate?.progress?.etaMs).toBeGreaterThan(0);
  });

  it('cancels through the AbortSignal and allows retry of retryable jobs', async () => {
    const jm = new JobManager({ emit: () => {} });
    let runs = 0;
    const job = jm.start({
      kind: 'push', repoId: 'r', title: 'Push', retryable: true,
      run: ({ signal }) =>
        new Promise((_res, rej) => {
          runs++;
          signal.addEventListener('abort', () => rej(new LockstepError('ABORTED', 'cancelled')));
        }),
    });
    await Promise.resolve();
    jm.cancel(job.id);
    const final = await jm.wait(job.id);
    expect(final.state).toBe('cancelled');
    expect(final.retryable).toBe(true);
    const again = jm.retry(job.id);
    expect(again.id).not.toBe(job.id);
    await Promise.resolve();
    await Promise.resolve();
    expect(runs).toBe(2);
    jm.cancel(again.id);
    await jm.wait(again.id);
    expect(() => jm.cancel('nope')).toThrow(/No job/);
  });

  it('reports failures with the error body and refuses to retry non-retryable jobs', async () => {
    const jm = new JobManager({ emit: () => {} });
    const job = jm.start({ kind: 'track', repoId: 'r', title: 'Track', run: async () => { throw new LockstepError('DISK_FULL', 'disk full at /x', { file: '/x' }); } });
    const final = await jm.wait(job.id);
    expect(final).toMatchObject({ state: 'failed', error: { code: 'DISK_FULL', data: { file: '/x' } }, retryable: false });
    expect(() => jm.retry(job.id)).toThrow(/cannot be retried/);
  });
});
