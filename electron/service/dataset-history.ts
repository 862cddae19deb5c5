import { getTimeline } from '../core/history/query-timeline.ts';
import type { OutputVersion, TimelineCommit } from '../core/history/types.ts';
import type { Repo } from '../core/repo/open-repo.ts';
import type { DatasetVersion } from '../../shared/model.ts';
import { availabilityOf } from './outputs-at.ts';

/** All cached reachable commits, oldest first (the timeline is stored newest first). */
function allCommitsOldestFirst(repo: Repo): TimelineCommit[] {
  const out: TimelineCommit[] = [];
  for (let at = 0; ; at += 1000) {
    const page = getTimeline(repo, { offset: at, limit: 1000 });
    out.push(...page.commits);
    if (page.commits.length < 1000) break;
  }
  return out.reverse();
}

/**
 * Every distinct version of the output at `path`, oldest to newest, derived from the cached timeline's
 * per-commit output changes (no git access). A version that comes back later (a revert) is listed once,
 * at its first appearance, with its last commit updated.
 */
export async function datasetVersions(repo: Repo, path: string): Promise<DatasetVersion[]> {
  const versions = new Map<string, { v: OutputVersion; first: TimelineCommit; last: TimelineCommit }>();
  let current: string | null = null;
  for (const c of allCommitsOldestFirst(repo)) {
    const change = c.outputs.find((o) => o.path === path);
    if (change) {
      current = change.new?.md5 ?? null;
      if (change.new?.md5) {
        const seen = versions.get(change.new.md5);
        if (seen) seen.last = c;
        else versions.set(change.new.md5, { v: change.new, first: c, last: c });
      }
    } else if (current) {
      const seen = versions.get(current);
      if (seen) seen.last = c;
    }
  }
  return Promise.all(
    [...versions.values()].map(async ({ v, first, last }) => ({
      md5: v.md5!,
      firstCommit: first.oid,
      lastCommit: last.oid,
      date: first.time * 1000,
      size: v.size,
      nfiles: v.nfiles,
      availability: await availabilityOf(repo, v),
    })),
  );
}
