import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommitDiff, DiffJob } from '../../../electron/core/history/commit-differ.ts';
import { openDiffSource, type DiffMode } from '../../../electron/core/history/diff-source.ts';
import { openHistoryGit } from '../../../electron/core/history/history-git.ts';
import { updateTimeline } from '../../../electron/core/history/update-timeline.ts';
import { openIndex } from '../../../electron/core/index/db.ts';
import { generateHistoryBenchRepo } from '../../bench/history-bench-repo.ts';
import { buildHistoryRepo, FixtureGit, type HistoryFixture } from '../../helpers/history-fixtures.ts';
import { makeTempDir } from '../../helpers/tmp.ts';

let fixture: HistoryFixture;
let tmp: { dir: string; cleanup: () => Promise<void> };
let bench: string;

beforeAll(async () => {
  fixture = await buildHistoryRepo();
  tmp = await makeTempDir();
  bench = path.join(tmp.dir, 'bench');
  // 600 commits: a side branch merged back at commit 495, outputs removed and re-added, two tags.
  generateHistoryBenchRepo(bench, 600);
});
afterAll(async () => {
  await fixture.cleanup();
  await tmp.cleanup();
});

/** Every stored timeline row, in a stable order. */
async function buildAndDump(repoDir: string, mode: DiffMode, indexDir: string): Promise<unknown> {
  const index = openIndex({ dvcDir: indexDir });
  try {
    const r = await updateTimeline({ root: repoDir, gitDir: repoDir, index }, { diffMode: mode });
    expect(r.upToDate).toBe(false);
    const db = index.db;
    return {
      commits: db.prepare('SELECT * FROM history_commits ORDER BY seq').all(),
      outputs: db.prepare('SELECT * FROM history_output_changes ORDER BY seq, path').all(),
      filesets: db.prepare('SELECT * FROM history_filesets ORDER BY hash').all(),
    };
  } finally {
    index.close();
  }
}

/** The walk's jobs, oldest first, as `git log` orders them (parents before children). */
function jobsOf(dir: string): DiffJob[] {
  const g = new FixtureGit(dir);
  return g.run('log', '--all', '--reverse', '--topo-order', '--format=%H %T %P').split('\n').map((l) => {
    const [oid, rootTree, fp] = l.split(' ') as [string, string, string | undefined];
    return { oid, rootTree, firstParent: fp ?? null };
  });
}

async function collect(repoDir: string, jobs: DiffJob[], mode: DiffMode, workerRepo = repoDir): Promise<{ inWorker: boolean; fromWorker: number; diffs: CommitDiff[] }> {
  const git = openHistoryGit({ root: repoDir, gitDir: repoDir });
  const source = openDiffSource({ root: workerRepo, gitDir: workerRepo }, git, jobs, mode);
  const diffs: CommitDiff[] = [];
  try {
    for await (const d of source) diffs.push(d);
  } finally {
    await source.close();
    git.close();
  }
  return { inWorker: source.inWorker, fromWorker: source.fromWorker, diffs };
}

describe('tree diffs in a worker thread', () => {
  it('stores the same timeline as the in-process path, on the fixture history and a generated one', async () => {
    for (const dir of [fixture.dir, bench]) {
      const inMain = await buildAndDump(dir, 'main', path.join(tmp.dir, `idx-main-${path.basename(dir)}`));
      const inWorker = await buildAndDump(dir, 'worker', path.join(tmp.dir, `idx-worker-${path.basename(dir)}`));
      expect(inWorker).toEqual(inMain);
      expect((inMain as { commits: unknown[] }).commits.length).toBeGreaterThanOrEqual(8);
    }
  });

  it('produces each commit diff in order, identical to the calling thread', async () => {
    const jobs = jobsOf(bench);
    expect(jobs.length).toBe(600);
    const main = await collect(bench, jobs, 'main');
    const worker = await collect(bench, jobs, 'worker');
    expect(main.inWorker).toBe(false);
    expect(worker.inWorker).toBe(true);
    expect(worker.fromWorker).toBe(600); // the worker really ran (a failed one would fall back silently)
    expect(worker.diffs).toEqual(main.diffs);
    // Commit 0 adds 200 code files and 50 pointers among others; later commits change a few files each.
    expect(main.diffs[0]?.changes.length).toBeGreaterThan(250);
    expect(main.diffs.every((d, i) => i === 0 || d.changes.length > 0)).toBe(true);
  });

  it('finishes on the calling thread when the worker fails', async () => {
    const jobs = jobsOf(fixture.dir);
    const main = await collect(fixture.dir, jobs, 'main');
    // The worker is pointed at a directory that is not a repository, so it fails at once.
    const broken = await collect(fixture.dir, jobs, 'worker', path.join(tmp.dir, 'no-such-repo'));
    expect(broken.inWorker).toBe(true);
    expect(broken.fromWorker).toBe(0);
    expect(broken.diffs).toEqual(main.diffs);
  });
});
