import { availabilityAt } from '../core/history/availability.ts';
import { dataStateAt } from '../core/history/commit-state.ts';
import { openHistoryGit } from '../core/history/history-git.ts';
import type { Repo } from '../core/repo/open-repo.ts';
import type { Availability, CommitOutput } from '../../shared/model.ts';
import { knownAvailability } from './known-availability.ts';

/** How long the detail pane waits for the remote to say which objects it has. */
const REMOTE_CHECK_MS = 10_000;

/**
 * The outputs recorded at a commit with where their bytes are, for the commit detail pane. The list and
 * the exact availability come from the history engine (`dataStateAt`, `availabilityAt`, which asks the
 * default remote about objects the cache lacks). When the remote cannot answer in time, availability falls
 * back to what the index already knows, so an offline laptop still shows the commit.
 */
export async function commitOutputs(repo: Repo, oid: string): Promise<CommitOutput[]> {
  const git = openHistoryGit(repo);
  let outputs;
  try {
    outputs = [...(await dataStateAt(git, oid)).outputs.values()];
  } finally {
    git.close();
  }
  let exact: Map<string, Availability> | null = null;
  try {
    exact = new Map((await availabilityAt(repo, oid, { signal: AbortSignal.timeout(REMOTE_CHECK_MS) })).map((a) => [a.path, a.availability]));
  } catch {
    exact = null;
  }
  const rows = await Promise.all(
    outputs.map(async (o): Promise<CommitOutput> => {
      // `cache: false` outputs (metrics, small files) live in git itself: always at hand.
      const availability = !o.cache ? 'local' : (exact?.get(o.path) ?? (await knownAvailability(repo, o.md5, o.legacy)));
      return { path: o.path, md5: o.md5, size: o.size, nfiles: o.nfiles, availability };
    }),
  );
  return rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
