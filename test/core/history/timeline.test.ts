import { rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTimeline, getTimelineCommit } from '../../../electron/core/history/query-timeline.ts';
import { updateTimeline } from '../../../electron/core/history/update-timeline.ts';
import { openIndex, type IndexDb } from '../../../electron/core/index/db.ts';
import { buildHistoryRepo, FixtureGit, put, trackFile, type HistoryFixture } from '../../helpers/history-fixtures.ts';

let f: HistoryFixture;
let index: IndexDb;
const repoOf = () => ({ root: f.dir, gitDir: f.dir, index });

beforeAll(async () => {
  f = await buildHistoryRepo();
  index = openIndex({ dvcDir: `${f.dir}/.dvc` });
});
afterAll(async () => {
  index.close();
  await f.cleanup();
});

describe('timeline of the fixture history', () => {
  it('lists every commit of every branch in topological order, newest first, with refs', async () => {
    const r = await updateTimeline(repoOf());
    expect(r).toEqual({ added: 8, total: 8, upToDate: false });
    const page = getTimeline(repoOf(), { limit: 50 });
    expect(page.total).toBe(8);
    const c = f.commits;
    expect(page.commits.map((x) => x.oid)).toEqual([c.c8, c.c7, c.c6, c.c5, c.c4, c.c3, c.c2, c.c1]);
    expect(page.commits.map((x) => x.subject)).toEqual(['merge exp', 'remove raw', 'shrink images', 'legacy pointer', 'pipeline', 'grow data', 'add data', 'init']);
    const head = page.commits[0];
    expect(head?.parents).toEqual([c.c7, c.c6]);
    expect(head?.refs).toEqual({
      branches: ['main'],
      tags: ['model#prod#1', 'model@v1.2.0'],
      gto: [
        { tag: 'model#prod#1', artifact: 'model', action: 'assign', stage: 'prod', counter: 1 },
        { tag: 'model@v1.2.0', artifact: 'model', action: 'register', version: 'v1.2.0' },
      ],
      head: true,
    });
    expect(page.commits[2]?.refs.branches).toEqual(['exp']);
    expect(page.commits[4]?.refs.tags).toEqual(['v1.0']);
    expect(head?.author).toEqual({ name: 'Ada', email: 'ada@example.com' });
    expect(head?.time).toBe(1_700_000_480);
  });

  it('records outputs added, grown and removed with exact size and file-count deltas', () => {
    const byName = Object.fromEntries(getTimeline(repoOf()).commits.map((x) => [x.subject, x]));
    const brief = (name: string) => byName[name]?.outputs.map((o) => [o.path, o.change, o.sizeDelta, o.nfilesDelta, o.new?.legacy ?? o.old?.legacy]);
    expect(brief('init')).toEqual([]);
    expect(brief('add data')).toEqual([['data/images', 'added', 10, 2, false], ['data/raw.csv', 'added', 40, 1, false]]);
    expect(brief('grow data')).toEqual([['data/images', 'modified', 8, 1, false], ['data/raw.csv', 'modified', 18, 0, false]]);
    expect(brief('pipeline')).toEqual([['model.pkl', 'added', 8, 1, false]]);
    expect(brief('legacy pointer')).toEqual([['data/old.bin', 'added', 7, 1, true]]);
    expect(brief('shrink images')).toEqual([['data/images', 'modified', -6, -1, false]]);
    expect(brief('remove raw')).toEqual([['data/raw.csv', 'removed', -58, -1, false]]);
    // The merge is compared with its first parent (main), so exp's shrink shows up here too.
    expect(brief('merge exp')).toEqual([['data/images', 'modified', -6, -1, false]]);
    expect(byName['pipeline']?.outputs[0]?.new).toEqual({ path: 'model.pkl', md5: byName['pipeline']?.outputs[0]?.new?.md5, size: 8, nfiles: 1, legacy: false, isDir: false, cache: true, source: { kind: 'lock', file: 'dvc.lock', stage: 'train' } });
    expect(byName['merge exp']?.outputCount).toBe(3);
    expect(byName['merge exp']?.totalSize).toBe(12 + 8 + 7);
    expect(byName['grow data']?.totalSize).toBe(58 + 18);
  });

  it('records params (file and dvc.lock), metrics and environment changes old -> new', () => {
    const byName = Object.fromEntries(getTimeline(repoOf()).commits.map((x) => [x.subject, x]));
    expect(byName['init']?.params).toEqual([
      { source: 'params', file: 'params.yaml', key: 'train.epochs', new: 10 },
      { source: 'params', file: 'params.yaml', key: 'train.lr', new: 0.1 },
    ]);
    expect(byName['grow data']?.params).toEqual([{ source: 'params', file: 'params.yaml', key: 'train.lr', old: 0.1, new: 0.05 }]);
    expect(byName['pipeline']?.params).toEqual([{ source: 'dvc.lock', file: 'params.yaml', key: 'train.lr', new: 0.05 }]);
    expect(byName['pipeline']?.metrics).toEqual([
      { source: 'metrics', file: 'metrics.json', key: 'acc', new: 0.8 },
      { source: 'metrics', file: 'metrics.json', key: 'loss', new: 0.4 },
    ]);
    expect(byName['shrink images']?.metrics).toEqual([{ source: 'metrics', file: 'metrics.json', key: 'acc', old: 0.8, new: 0.85 }]);
    expect(byName['init']?.environment.changed).toBe(true);
    expect(byName['init']?.environment.files).toEqual(['requirements.txt']);
    expect(byName['add data']?.environment).toEqual({ fingerprint: byName['init']?.environment.fingerprint, changed: false, files: [] });
    expect(byName['shrink images']?.environment.changed).toBe(true);
    expect(byName['shrink images']?.environment.fingerprint).not.toBe(byName['init']?.environment.fingerprint);
    expect(byName['merge exp']?.environment.fingerprint).toBe(byName['shrink images']?.environment.fingerprint);
    expect(byName['legacy pointer']?.dataChanged).toBe(true);
    expect(byName['init']?.changedFiles).toEqual(['.dvc/.gitignore', '.dvc/config', '.dvcignore', 'params.yaml', 'requirements.txt', 'src/train.py']);
    expect(byName['init']?.filesChanged).toBe(6);
  });

  it('pages and filters data-changing commits', () => {
    const p1 = getTimeline(repoOf(), { limit: 3 });
    const p2 = getTimeline(repoOf(), { limit: 3, offset: 3 });
    expect(p1.commits.length).toBe(3);
    expect(p2.commits.map((c) => c.subject)).toEqual(['legacy pointer', 'pipeline', 'grow data']);
    const data = getTimeline(repoOf(), { dataOnly: true });
    expect(data.total).toBe(8); // every fixture commit changes data, params, metrics or environment
    expect(getTimelineCommit(repoOf(), f.commits.c4 as string)?.subject).toBe('pipeline');
    expect(getTimelineCommit(repoOf(), '0'.repeat(40))).toBeNull();
  });

  it('is a no-op when no ref moved, and analyses only new commits when one did', async () => {
    expect(await updateTimeline(repoOf())).toEqual({ added: 0, total: 8, upToDate: true });
    const g = new FixtureGit(f.dir);
    await writeFile(f.abs('src/train.py'), 'print("v2")\n');
    const c9 = g.commit('code only');
    await trackFile(f.dir, 'data/extra.txt', 'extra!');
    const c10 = g.commit('add extra');
    const r = await updateTimeline(repoOf());
    expect(r).toEqual({ added: 2, total: 10, upToDate: false });
    const top = getTimeline(repoOf(), { limit: 2 }).commits;
    expect(top.map((c) => [c.oid, c.dataChanged, c.filesChanged])).toEqual([[c10, true, 2], [c9, false, 1]]);
    expect(top[0]?.outputs.map((o) => [o.path, o.change, o.sizeDelta])).toEqual([['data/extra.txt', 'added', 6]]);
    expect(top[0]?.outputCount).toBe(4);
    expect(getTimeline(repoOf(), { dataOnly: true }).commits.map((c) => c.oid)).not.toContain(c9);
  });

  it('drops commits of a deleted branch from the timeline and brings them back with the branch', async () => {
    const g = new FixtureGit(f.dir);
    g.run('checkout', '-q', '-b', 'tmp');
    await put(f.dir, 'src/tmp.py', 'x\n');
    const t1 = g.commit('on tmp');
    g.run('checkout', '-q', 'main');
    await rm(f.abs('src/tmp.py'), { force: true });
    await updateTimeline(repoOf());
    expect(getTimeline(repoOf(), { limit: 100 }).commits.map((c) => c.oid)).toContain(t1);
    g.run('branch', '-D', 'tmp');
    const r = await updateTimeline(repoOf());
    expect(r.added).toBe(0);
    expect(getTimeline(repoOf(), { limit: 100 }).commits.map((c) => c.oid)).not.toContain(t1);
    g.run('branch', 'tmp', t1);
    await updateTimeline(repoOf());
    expect(getTimeline(repoOf(), { limit: 100 }).commits.map((c) => c.oid)).toContain(t1);
  });

  it('survives a malformed pointer in an old commit: a warning on that commit, the rest intact', async () => {
    const g = new FixtureGit(f.dir);
    await put(f.dir, 'data/broken.dvc', 'outs:\n- md5: [unclosed\n');
    const bad = g.commit('broken pointer');
    await rm(f.abs('data/broken.dvc'));
    const fixed = g.commit('remove broken pointer');
    await updateTimeline(repoOf());
    const b = getTimelineCommit(repoOf(), bad);
    expect(b?.warnings.length).toBe(1);
    expect(b?.warnings[0]).toMatch(/^data\/broken\.dvc: /);
    expect(b?.outputCount).toBe(4);
    expect(getTimelineCommit(repoOf(), fixed)?.warnings).toEqual([]);
  });
});
