import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command as saveCommand } from '../../electron/cli/commands/save.ts';
import type { CliContext } from '../../electron/cli/command.ts';
import { gitAuthor, gitCommitStaged } from '../../electron/core/git/commit.ts';
import { openRepo } from '../../electron/core/repo/open-repo.ts';
import { createService, type Service } from '../../electron/service/service.ts';
import type { CommitDetail, DatasetDiff, DatasetHistory, Job, Preview, RepoStatus, RepoSummary } from '../../shared/model.ts';

// One real project: a git repo with DVC, a folder remote, and two committed versions of a folder holding
// a CSV table. Everything below goes through the service's dispatcher, as both transports do.
let tmp: string;
let repoDir: string;
let remoteDir: string;
let service: Service;
let repo: RepoSummary;
let v1: string;
let v2: string;

const git = (...args: string[]) => execFileSync('git', ['-C', repoDir, ...args], { encoding: 'utf8' });
const V1_CSV = 'id,label\n1,cat\n2,dog\n';
const V2_CSV = 'id,label\n1,cat\n2,dog\n3,bird\n4,fish\n';

async function call<T>(channel: string, input: unknown): Promise<T> {
  const r = await service.dispatch(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

async function runJob(channel: string, input: unknown): Promise<Job> {
  const { jobId } = await call<{ jobId: string }>(channel, input);
  return service.jobs.wait(jobId);
}

async function status(): Promise<Record<string, readonly string[]>> {
  const s = await call<RepoStatus>('repo:status', { repoId: repo.id });
  return Object.fromEntries(s.items.map((i) => [i.path, i.badges]));
}

/** The cache object of a file inside the tracked folder at HEAD, by its content. */
function cacheObject(md5: string): string {
  return path.join(repoDir, '.dvc', 'cache', 'files', 'md5', md5.slice(0, 2), md5.slice(2));
}

const md5Of = (text: string) => execFileSync('md5sum', { input: text, encoding: 'utf8' }).slice(0, 32);

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lockstep-views-'));
  repoDir = path.join(tmp, 'project');
  remoteDir = path.join(tmp, 'remote');
  await mkdir(path.join(repoDir, 'data', 'table'), { recursive: true });
  await mkdir(remoteDir);
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Ada Tester');
  git('config', 'user.email', 'ada@example.com');
  await writeFile(path.join(repoDir, 'train.py'), 'print("train")\n');
  git('add', 'train.py');
  git('commit', '-q', '-m', 'Initial code');
  service = createService({ mode: 'browser', version: 'test', stateDir: path.join(tmp, 'state'), watch: false });
  repo = await call<RepoSummary>('repo:init', { path: repoDir });
  await call('remote:save', { repoId: repo.id, remote: { name: 'store', kind: 'local', url: remoteDir, isDefault: true } });
  git('add', '-A');
  git('commit', '-q', '-m', 'Set up data versioning');
  await writeFile(path.join(repoDir, 'data', 'table', 'rows.csv'), V1_CSV);
  await writeFile(path.join(repoDir, 'data', 'table', 'notes.txt'), 'first version\n');
  expect((await runJob('data:track', { repoId: repo.id, paths: ['data/table'] })).state).toBe('done');
  expect((await runJob('data:commit', { repoId: repo.id, message: 'Table v1' })).state).toBe('done');
  v1 = git('rev-parse', 'HEAD').trim();
}, 120_000);

afterAll(async () => {
  await service?.dispose();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('the commit box as an engine operation', () => {
  it('saves modified data and commits it in git; the CLI `save` command does the same', async () => {
    await writeFile(path.join(repoDir, 'data', 'table', 'rows.csv'), V2_CSV);
    // Through the CLI command (not a registered subcommand yet: called directly with a real context).
    const repoHandle = await openRepo(repoDir);
    const ctx: CliContext = { cwd: repoDir, json: true, quiet: true, verbose: false, progress: () => {}, signal: new AbortController().signal, openRepo: async () => repoHandle };
    try {
      const r = await saveCommand.run(ctx, { message: 'Table v2' }, []);
      const data = r.data as { commit: string; outputs: { path: string; action: string }[] };
      v2 = git('rev-parse', 'HEAD').trim();
      expect(data.commit).toBe(v2);
      expect(data.outputs).toEqual([expect.objectContaining({ path: 'data/table', action: 'updated' })]);
    } finally {
      repoHandle.close();
    }
    expect(git('log', '-1', '--format=%s|%an').trim()).toBe('Table v2|Ada Tester');
    // The pointer in the commit names the new version, whose files are all in the cache.
    expect(git('show', 'HEAD:data/table.dvc')).not.toBe(git('show', `${v1}:data/table.dvc`));
    expect((await stat(cacheObject(md5Of(V2_CSV)))).isFile()).toBe(true);
    expect(git('status', '--porcelain')).toBe('');
  });

  it('refuses an empty commit and a commit without a known author', async () => {
    await expect(gitCommitStaged(repoDir, 'nothing changed')).rejects.toMatchObject({ code: 'GIT_ERROR', data: { empty: true } });
    expect(git('rev-parse', 'HEAD').trim()).toBe(v2);
    const bare = path.join(tmp, 'anonymous');
    execFileSync('git', ['init', '-q', bare]);
    expect(await gitAuthor(bare, {})).toBeNull();
    expect(await gitAuthor(bare, { GIT_AUTHOR_NAME: 'Env Person', GIT_AUTHOR_EMAIL: 'env@example.com' })).toEqual({ name: 'Env Person', email: 'env@example.com' });
  });

  it('refuses `save` without a message', async () => {
    const ctx = { cwd: repoDir, json: true, quiet: true, verbose: false, progress: () => {}, signal: new AbortController().signal, openRepo: () => openRepo(repoDir) } satisfies CliContext;
    await expect(saveCommand.run(ctx, {}, [])).rejects.toMatchObject({ code: 'USAGE' });
  });
});

describe('the "not pushed" badge', () => {
  it('marks committed data that is not on the remote, and clears after a push', async () => {
    expect(await status()).toEqual({ 'data/table': ['not-pushed'] });
    // Answered again from the cache of the last check (no version changed): still not pushed.
    expect(await status()).toEqual({ 'data/table': ['not-pushed'] });
    expect((await runJob('data:push', { repoId: repo.id })).state).toBe('done');
    expect(await status()).toEqual({ 'data/table': ['ok'] });
  });

  it('knows pushed versions are on the remote under the key the transfer engine records', async () => {
    // Push v1 too (only HEAD's version was pushed above): check out its pointer, push, put HEAD's back.
    const v1Object = cacheObject(md5Of(V1_CSV));
    git('checkout', '-q', v1, '--', 'data/table.dvc');
    expect((await runJob('data:push', { repoId: repo.id })).state).toBe('done');
    git('checkout', '-q', 'HEAD', '--', 'data/table.dvc');
    // Then drop v1's CSV from the cache: only the remote has it now.
    await chmod(path.dirname(v1Object), 0o755);
    await unlink(v1Object);
    let history = await call<DatasetHistory>('dataset:history', { repoId: repo.id, path: 'data/table' });
    expect(history.versions.map((v) => v.firstCommit)).toEqual([v1, v2]);
    // The history list goes by the folder's listing, which is still cached for both versions.
    expect(history.versions.map((v) => v.availability)).toEqual(['local', 'local']);
    // Without v1's listing in the cache, only the index of objects confirmed on the remote can say where it
    // is: found under the remote's identity as the transfer engine records it (not the configured URL).
    const dirMd5 = /md5: ([0-9a-f]{32}\.dir)/.exec(git('show', `${v1}:data/table.dvc`))![1]!;
    await unlink(cacheObject(dirMd5));
    history = await call<DatasetHistory>('dataset:history', { repoId: repo.id, path: 'data/table' });
    expect(history.versions.map((v) => v.availability)).toEqual(['remote', 'local']);
    const detail = await call<CommitDetail>('commit:detail', { repoId: repo.id, oid: v1 });
    // The exact check looks at every file of the folder: one is only on the remote.
    expect(detail.outputs).toEqual([expect.objectContaining({ path: 'data/table', nfiles: 2, availability: 'remote' })]);
  });
});

describe('previews and diffs at a commit', () => {
  it('previews a CSV as it was at an older commit, streaming it from the remote without caching it', async () => {
    const v1Object = cacheObject(md5Of(V1_CSV));
    await expect(stat(v1Object)).rejects.toMatchObject({ code: 'ENOENT' });
    const p = await call<Preview>('dataset:preview', { repoId: repo.id, path: 'data/table/rows.csv', rev: v1 });
    expect(p).toEqual({ kind: 'csv', header: ['id', 'label'], rows: [['1', 'cat'], ['2', 'dog']] });
    await expect(stat(v1Object)).rejects.toMatchObject({ code: 'ENOENT' });
    // The workspace preview shows today's rows.
    const now = await call<Preview>('dataset:preview', { repoId: repo.id, path: 'data/table/rows.csv' });
    expect(now).toMatchObject({ kind: 'csv', rows: [['1', 'cat'], ['2', 'dog'], ['3', 'bird'], ['4', 'fish']] });
    // At v2 from the cache; the folder itself has no single preview; a path never tracked says so.
    expect(await call<Preview>('dataset:preview', { repoId: repo.id, path: 'data/table/rows.csv', rev: v2 })).toMatchObject({ kind: 'csv', rows: [['1', 'cat'], ['2', 'dog'], ['3', 'bird'], ['4', 'fish']] });
    expect(await call<Preview>('dataset:preview', { repoId: repo.id, path: 'data/table', rev: v2 })).toMatchObject({ kind: 'none', reason: expect.stringMatching(/folder/) });
    expect(await call<Preview>('dataset:preview', { repoId: repo.id, path: 'data/table/nope.csv', rev: v2 })).toMatchObject({ kind: 'none', reason: expect.stringMatching(/not tracked/) });
  });

  it('caps a CSV preview at 20 rows of a large file', async () => {
    const big = ['id,value', ...Array.from({ length: 50_000 }, (_, i) => `${i},${'x'.repeat(40)}`)].join('\n');
    await writeFile(path.join(repoDir, 'data', 'table', 'big.csv'), big);
    const p = await call<Preview>('dataset:preview', { repoId: repo.id, path: 'data/table/big.csv' });
    expect(p.kind === 'csv' && p.rows.length).toBe(20);
    await unlink(path.join(repoDir, 'data', 'table', 'big.csv'));
  });

  it('diffs two versions through the history engine, with the CSV row summary', async () => {
    const d = await call<DatasetDiff>('dataset:diff', { repoId: repo.id, path: 'data/table', a: v1, b: v2 });
    // DVC listings carry no sizes; the old file's size is unknown while its object is only on the remote.
    expect(d.files).toEqual([{ relpath: 'rows.csv', change: 'modified', oldSize: null, newSize: V2_CSV.length }]);
    expect(d.csv).toEqual([expect.objectContaining({ relpath: 'rows.csv', oldRows: 2, newRows: 4, addedRows: 2, removedRows: 0, addedSample: ['3,bird', '4,fish'] })]);
    // The v1 CSV was fetched from the remote for the row diff (the engine's ensureObjects).
    expect((await stat(cacheObject(md5Of(V1_CSV)))).isFile()).toBe(true);
  });
});

describe('dropping files onto a tracked folder', () => {
  it('copies them into the folder and tracks the folder as its next version', async () => {
    const outside = path.join(tmp, 'downloads', 'extra.csv');
    await mkdir(path.dirname(outside), { recursive: true });
    await writeFile(outside, 'id,label\n9,owl\n');
    const job = await runJob('data:track', { repoId: repo.id, paths: [outside], into: 'data/table' });
    expect(job).toMatchObject({ state: 'done', title: 'Add extra.csv to data/table' });
    expect(await readFile(path.join(repoDir, 'data', 'table', 'extra.csv'), 'utf8')).toBe('id,label\n9,owl\n');
    expect(await readFile(path.join(repoDir, 'data', 'table.dvc'), 'utf8')).toMatch(/nfiles: 3/);
    expect(await status()).toEqual({ 'data/table': ['not-pushed'] });
    // A relative path outside the folder is refused instead of being tracked as a nested output.
    await writeFile(path.join(repoDir, 'stray.txt'), 'x');
    const bad = await runJob('data:track', { repoId: repo.id, paths: ['stray.txt'], into: 'data/table' });
    expect(bad).toMatchObject({ state: 'failed', error: { code: 'BAD_TARGET' } });
  });
});
