import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, type Service } from '../../electron/service/service.ts';
import type { Job, RepoSummary } from '../../shared/model.ts';

let tmp: string;
let repoDir: string;
let remoteDir: string;
let service: Service;
const events: [string, unknown][] = [];

async function call(channel: string, input: unknown): Promise<unknown> {
  const r = await service.dispatch(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value;
}

async function runJob(channel: string, input: unknown): Promise<Job> {
  const { jobId } = (await call(channel, input)) as { jobId: string };
  return service.jobs.wait(jobId);
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lockstep-service-'));
  repoDir = path.join(tmp, 'project');
  remoteDir = path.join(tmp, 'remote');
  await mkdir(repoDir);
  await mkdir(remoteDir);
  const git = (...args: string[]) => execFileSync('git', ['-C', repoDir, ...args], { stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Ada Tester');
  git('config', 'user.email', 'ada@example.com');
  await writeFile(path.join(repoDir, 'train.py'), 'print("train")\n');
  git('add', 'train.py');
  git('commit', '-q', '-m', 'Initial code');
  service = createService({ mode: 'browser', version: 'test', stateDir: path.join(tmp, 'state'), watch: false });
  service.subscribe((e, p) => events.push([e, p]));
});

afterAll(async () => {
  await service.dispose();
  await rm(tmp, { recursive: true, force: true });
});

describe('service over the real engine', () => {
  let repo: RepoSummary;

  it('opens a git repo without DVC as needing init, then initialises it', async () => {
    repo = (await call('repo:open', { path: repoDir })) as RepoSummary;
    expect(repo).toMatchObject({ root: repoDir, name: 'project', needsInit: true, branch: 'main' });
    const status = await service.dispatch('repo:status', { repoId: repo.id });
    expect(status).toMatchObject({ ok: false, error: { code: 'NOT_A_DVC_REPO' } });
    repo = (await call('repo:init', { path: repoDir })) as RepoSummary;
    expect(repo.needsInit).toBe(false);
    expect(await readFile(path.join(repoDir, '.dvc', 'config'), 'utf8')).toBe('');
    expect(await call('repo:recent', {})).toEqual([expect.objectContaining({ path: repoDir, name: 'project' })]);
  });

  it('tracks a folder copied in from outside the repository as a job with progress', async () => {
    const outside = path.join(tmp, 'downloads', 'images');
    await mkdir(outside, { recursive: true });
    for (let i = 0; i < 20; i++) await writeFile(path.join(outside, `img${i}.bin`), `image ${i}\n`.repeat(100));
    const job = await runJob('data:track', { repoId: repo.id, paths: [outside], destination: 'data' });
    expect(job.state).toBe('done');
    expect(await readFile(path.join(repoDir, 'data', 'images.dvc'), 'utf8')).toMatch(/md5: [0-9a-f]{32}\.dir/);
    expect((await readdir(outside)).length).toBe(20); // the source is left alone
    const updates = events.filter(([e, p]) => e === 'job:update' && (p as Job).id === job.id);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    const status = (await call('repo:status', { repoId: repo.id })) as { items: { path: string; badges: string[]; nfiles: number }[] };
    expect(status.items).toEqual([expect.objectContaining({ path: 'data/images', badges: ['ok'], nfiles: 20 })]);
  });

  it('commits with git and shows the commit in the timeline with its data change', async () => {
    const job = await runJob('data:commit', { repoId: repo.id, message: 'Add images' });
    expect(job.state).toBe('done');
    const log = execFileSync('git', ['-C', repoDir, 'log', '--format=%s|%an'], { encoding: 'utf8' });
    expect(log.split('\n')[0]).toBe('Add images|Ada Tester');
    const page = (await call('timeline:page', { repoId: repo.id, offset: 0, limit: 50 })) as { total: number; commits: { message: string; data: { path: string; change: string }[]; refs: { name: string }[] }[] };
    expect(page.total).toBe(2);
    expect(page.commits[0]).toMatchObject({ message: 'Add images\n', data: [{ path: 'data/images', change: 'added' }] });
    expect(page.commits[0]!.refs.map((r) => r.name)).toEqual(expect.arrayContaining(['HEAD', 'main']));
    const dataOnly = (await call('timeline:page', { repoId: repo.id, offset: 0, limit: 50, dataOnly: true })) as { total: number };
    expect(dataOnly.total).toBe(1);
    const searched = (await call('timeline:page', { repoId: repo.id, offset: 0, limit: 50, search: 'initial' })) as { total: number };
    expect(searched.total).toBe(1);
  });

  it('shows commit detail with local availability and the dataset history', async () => {
    const head = execFileSync('git', ['-C', repoDir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const detail = (await call('commit:detail', { repoId: repo.id, oid: head })) as { outputs: unknown[] };
    expect(detail.outputs).toEqual([expect.objectContaining({ path: 'data/images', nfiles: 20, availability: 'local' })]);
    const history = (await call('dataset:history', { repoId: repo.id, path: 'data/images' })) as { versions: { firstCommit: string }[] };
    expect(history.versions).toHaveLength(1);
    expect(history.versions[0]!.firstCommit).toBe(head);
  });

  it('saves a local remote, tests it, pushes to it and records the health', async () => {
    const remotes = await call('remote:save', { repoId: repo.id, remote: { name: 'store', kind: 'local', url: remoteDir, isDefault: true } });
    expect(remotes).toEqual([expect.objectContaining({ name: 'store', kind: 'local', isDefault: true })]);
    expect(await readFile(path.join(repoDir, '.dvc', 'config'), 'utf8')).toMatch(/\['remote "store"'\]/);
    const test = (await call('remote:test', { repoId: repo.id, name: 'store' })) as { ok: boolean };
    expect(test.ok).toBe(true);
    const job = await runJob('data:push', { repoId: repo.id });
    expect(job.state).toBe('done');
    const files = execFileSync('find', [remoteDir, '-type', 'f'], { encoding: 'utf8' }).trim().split('\n');
    expect(files.length).toBe(21); // 20 files + the .dir manifest
    const status = (await call('repo:status', { repoId: repo.id })) as { remote: unknown };
    expect(status.remote).toMatchObject({ name: 'store', state: 'ok' });
  });

  it('changes the cache link type through settings', async () => {
    const s = await call('settings:set', { repoId: repo.id, linkTypes: ['hardlink', 'copy'] });
    expect(s).toEqual({ linkTypes: ['hardlink', 'copy'], defaultRemote: 'store' });
    // ConfigObj (and so DVC) quotes a value containing a comma.
    expect(await readFile(path.join(repoDir, '.dvc', 'config'), 'utf8')).toMatch(/type = "hardlink,copy"/);
  });

  it('refuses unknown repo handles and escaping drops', async () => {
    expect(await service.dispatch('repo:status', { repoId: 'nope' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_REPO' } });
    const r = await service.dispatch('data:track', { repoId: repo.id, paths: ['../outside'] });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    await expect(service.resolveUploadTarget(repo.id, '../x')).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
  });

  it('reopens an open repository (another window, a reload) on the same engine handle, and anew after close', async () => {
    const engine = service.repos.repo(repo.id);
    const again = (await call('repo:open', { path: repoDir })) as RepoSummary;
    expect(again).toMatchObject({ id: repo.id, root: repoDir, needsInit: false, branch: 'main' });
    expect(service.repos.repo(again.id)).toBe(engine);
    await call('repo:close', { repoId: repo.id });
    expect(await service.dispatch('repo:status', { repoId: repo.id })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_REPO' } });
    // The folder was remembered for the quick reopen; after close it must be opened for real again.
    const reopened = (await call('repo:open', { path: repoDir })) as RepoSummary;
    expect(reopened.id).toBe(repo.id);
    expect(service.repos.repo(reopened.id)).not.toBe(engine);
    expect(await service.dispatch('repo:status', { repoId: reopened.id })).toMatchObject({ ok: true });
  });
});
