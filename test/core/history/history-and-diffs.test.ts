import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareCommits } from '../../../electron/core/history/compare-commits.ts';
import { getDatasetHistory } from '../../../electron/core/history/dataset-history.ts';
import { openHistoryGit } from '../../../electron/core/history/history-git.ts';
import { diffPath } from '../../../electron/core/history/path-diff.ts';
import { availabilityAt } from '../../../electron/core/history/availability.ts';
import { updateTimeline } from '../../../electron/core/history/update-timeline.ts';
import { openRepo, type Repo } from '../../../electron/core/repo/open-repo.ts';
import { buildHistoryRepo, CSV_V1, CSV_V2, type HistoryFixture } from '../../helpers/history-fixtures.ts';

let f: HistoryFixture;
let repo: Repo;
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

beforeAll(async () => {
  f = await buildHistoryRepo();
  repo = await openRepo(f.dir);
  await updateTimeline(repo);
});
afterAll(async () => {
  repo.close();
  await f.cleanup();
});

describe('dataset history', () => {
  it('lists every distinct version of a folder, oldest first, with first/last commits and the chart series', () => {
    const h = getDatasetHistory(repo, 'data/images');
    const c = f.commits;
    expect(h.path).toBe('data/images');
    expect(h.versions.map((v) => [v.size, v.nfiles, v.firstCommit.oid, v.lastCommit.oid, v.commits, v.isDir, v.legacy])).toEqual([
      [10, 2, c.c2, c.c2, 1, true, false],
      [18, 3, c.c3, c.c7, 4, true, false],
      [12, 2, c.c6, c.c8, 2, true, false],
    ]);
    expect(h.series.map((p) => [p.oid, p.change, p.size, p.nfiles])).toEqual([
      [c.c2, 'added', 10, 2],
      [c.c3, 'modified', 18, 3],
      [c.c6, 'modified', 12, 2],
      [c.c8, 'modified', 12, 2],
    ]);
  });

  it('follows a file through growth and removal, and accepts the pointer path', () => {
    const h = getDatasetHistory(repo, 'data/raw.csv.dvc');
    expect(h.path).toBe('data/raw.csv');
    expect(h.versions.map((v) => [v.md5, v.size, v.firstCommit.subject, v.lastCommit.subject])).toEqual([
      [md5(CSV_V1), 40, 'add data', 'add data'],
      [md5(CSV_V2), 58, 'grow data', 'shrink images'],
    ]);
    expect(h.series.map((p) => [p.change, p.size])).toEqual([['added', 40], ['modified', 58], ['removed', null]]);
  });

  it('marks legacy 2.x versions and refuses unknown paths', () => {
    expect(getDatasetHistory(repo, 'data/old.bin').versions.map((v) => v.legacy)).toEqual([true]);
    expect(() => getDatasetHistory(repo, 'nope/never')).toThrow(expect.objectContaining({ code: 'NOT_TRACKED' }));
  });
});

describe('diffs between commits', () => {
  it('compares params, metrics, outputs and environment of two commits as a table', async () => {
    const git = openHistoryGit(repo);
    try {
      const cmp = await compareCommits(git, 'v1.0', 'main');
      expect(cmp.a.oid).toBe(f.commits.c4);
      expect(cmp.b.oid).toBe(f.commits.c8);
      expect(cmp.params).toEqual([]);
      expect(cmp.metrics).toEqual([{ source: 'metrics', file: 'metrics.json', key: 'acc', old: 0.8, new: 0.85 }]);
      expect(cmp.outputs.map((o) => [o.path, o.change, o.sizeDelta])).toEqual([
        ['data/images', 'modified', -6],
        ['data/old.bin', 'added', 7],
        ['data/raw.csv', 'removed', -58],
      ]);
      expect(cmp.environment.changed).toBe(true);
      const early = await compareCommits(git, 'HEAD~4', 'v1.0');
      expect(early.a.oid).toBe(f.commits.c3);
      expect(early.params).toEqual([{ source: 'dvc.lock', file: 'params.yaml', key: 'train.lr', new: 0.05 }]);
    } finally {
      git.close();
    }
  });

  it('diffs two versions of a folder from their manifests, with sizes', async () => {
    const d = await diffPath(repo, 'v1.0', 'main', 'data/images');
    expect(d.folder).toEqual({
      added: 0,
      removed: 1,
      modified: 0,
      unchanged: 2,
      files: [{ relpath: 'b.png', change: 'removed', oldMd5: md5('BBBBBB'), newMd5: null, oldSize: 6, newSize: null }],
    });
    const grown = await diffPath(repo, 'HEAD~5', 'HEAD~4', 'data/images');
    expect(grown.folder?.files).toEqual([{ relpath: 'c.png', change: 'added', oldMd5: null, newMd5: md5('CCCCCCCC'), oldSize: null, newSize: 8 }]);
  });

  it('diffs two versions of a CSV file: counts, header and sampled rows', async () => {
    const d = await diffPath(repo, f.commits.c2 as string, f.commits.c3 as string, 'data/raw.csv');
    expect(d.csv).toEqual({
      delimiter: ',',
      old: { rows: 3, columns: 3, header: ['id', 'name', 'score'] },
      new: { rows: 5, columns: 3, header: ['id', 'name', 'score'] },
      header: { added: [], removed: [], reordered: false },
      addedRows: 3,
      removedRows: 1,
      sampleAdded: ['2,bob,85', '4,dan,60', '5,eve,95'],
      sampleRemoved: ['2,bob,80'],
    });
  });

  it('fails with MISSING_OBJECT naming the path when a manifest is nowhere', async () => {
    const { rmSync, chmodSync } = await import('node:fs');
    const h = getDatasetHistory(repo, 'data/images').versions[0]?.md5 as string;
    const p = repo.odb.pathFor(h, 'md5');
    chmodSync(p, 0o644);
    rmSync(p);
    await expect(diffPath(repo, f.commits.c2 as string, f.commits.c3 as string, 'data/images')).rejects.toMatchObject({ code: 'MISSING_OBJECT' });
  });

  it('reports per-output availability in the local cache', async () => {
    const av = await availabilityAt(repo, 'main');
    expect(av.map((a) => [a.path, a.availability])).toEqual([
      ['data/images', 'local'],
      ['data/old.bin', 'local'],
      ['model.pkl', 'local'],
    ]);
    await rm(repo.odb.pathFor(md5('model-v1'), 'md5'), { force: true });
    expect((await availabilityAt(repo, 'main')).find((a) => a.path === 'model.pkl')).toMatchObject({ availability: 'missing', missingLocally: 1, missingEverywhere: 1 });
  });
});
