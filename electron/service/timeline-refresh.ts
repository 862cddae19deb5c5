import { updateTimeline } from '../core/history/update-timeline.ts';
import type { Repo } from '../core/repo/open-repo.ts';

const updating = new WeakMap<Repo, Promise<unknown>>();

/** Brings the cached timeline up to date; concurrent callers share one update per repository. */
export function refreshTimeline(repo: Repo): Promise<unknown> {
  let p = updating.get(repo);
  if (!p) {
    p = updateTimeline(repo).finally(() => updating.delete(repo));
    updating.set(repo, p);
  }
  return p;
}
