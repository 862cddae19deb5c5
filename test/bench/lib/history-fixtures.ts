// The generated history repositories (helper E's generator, test/bench/history-bench-repo.ts) and the
// in-process query script run against them.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateHistoryBenchRepo } from '../history-bench-repo.ts';
import type { FixtureDef } from './benchmark.ts';
import { runTimed } from './proc.ts';
import type { TimedRun } from './proc.ts';

const QUERY_SCRIPT = fileURLToPath(new URL('../scripts/history-query.ts', import.meta.url));

/** 5,000 commits (times --scale), 50 outputs changing over time, branches, merges and tags. */
export const historyRepo: FixtureDef<{ repo: string; commits: number }> = {
  id: 'history-repo',
  async create(dir, ctx) {
    const commits = Math.max(100, Math.round(5000 * ctx.scale));
    const repo = path.join(dir, 'repo');
    generateHistoryBenchRepo(repo, commits);
    return { repo, commits };
  },
};

/** A dataset of the generated repo that changes many times over its history. */
export const HISTORY_PATH = 'data/set1/ds12';

/** Deletes the repo's SQLite index (a cache: deleting it loses nothing), so the next run is cold. */
export async function dropIndex(repo: string): Promise<void> {
  const dir = path.join(repo, '.dvc', 'tmp', 'lockstep');
  for (const f of ['index.sqlite', 'index.sqlite-wal', 'index.sqlite-shm']) await rm(path.join(dir, f), { force: true });
}

/** Phase times reported by scripts/history-query.ts. */
export interface QueryTimes {
  readonly openMs: number;
  readonly updateMs: number;
  readonly queryMs: number;
  readonly totalMs: number;
  readonly upToDate: boolean;
  readonly items: number;
  readonly total: number;
}

/** Runs the in-process query script (a fresh process each time: only the SQLite cache is warm). */
export async function queryInProcess(repo: string, args: readonly string[]): Promise<{ run: TimedRun; times: QueryTimes }> {
  const run = await runTimed(process.execPath, [QUERY_SCRIPT, repo, ...args], { cwd: repo });
  return { run, times: JSON.parse(run.stdout) as QueryTimes };
}
