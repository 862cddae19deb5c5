import { LockstepError } from '../errors/index.ts';
import type { HistoryGit } from './history-git.ts';
import { peelToCommit, readRefSnapshot } from './ref-snapshot.ts';

/**
 * Resolves a revision to a commit oid: `HEAD`, a branch, a tag (annotated tags peeled), a full or
 * abbreviated (4+ hex) oid, each optionally followed by `~N`, `^` or `^N`. NOT_TRACKED-style mistakes
 * are USAGE errors naming the revision.
 */
export async function resolveRev(git: HistoryGit, rev: string): Promise<string> {
  const m = /^(.*?)((?:[~^]\d*)*)$/.exec(rev.trim());
  const base = m?.[1] ?? rev;
  const suffix = m?.[2] ?? '';
  let oid = await resolveBase(git, base, rev);
  for (const step of suffix.match(/[~^]\d*/g) ?? []) {
    const n = step.length > 1 ? Number(step.slice(1)) : 1;
    if (step[0] === '~') {
      for (let i = 0; i < n; i++) oid = parentOf(await git.objects.commit(oid), 0, rev);
    } else if (n > 0) {
      oid = parentOf(await git.objects.commit(oid), n - 1, rev);
    }
  }
  return oid;
}

function parentOf(c: { parents: readonly string[] }, i: number, rev: string): string {
  const p = c.parents[i];
  if (!p) throw new LockstepError('USAGE', `Revision ${rev} goes past the first commit.`, { rev });
  return p;
}

async function resolveBase(git: HistoryGit, base: string, rev: string): Promise<string> {
  const snap = readRefSnapshot(git.dirs);
  if (base === 'HEAD' || base === '') {
    if (!snap.head) throw new LockstepError('USAGE', 'The repository has no commits yet.', { rev });
    return snap.head;
  }
  for (const name of [base, `refs/heads/${base}`, `refs/tags/${base}`]) {
    const oid = snap.refs.get(name);
    if (oid) {
      const commit = await peelToCommit(git.objects, oid);
      if (commit) return commit;
    }
  }
  if (/^[0-9a-f]{40}$/i.test(base)) {
    const oid = base.toLowerCase();
    await git.objects.commit(oid).catch((err: unknown) => {
      throw new LockstepError('USAGE', `Unknown revision ${rev}: no such commit in this repository.`, { rev }, { cause: err });
    });
    return oid;
  }
  if (/^[0-9a-f]{4,39}$/i.test(base)) {
    const matches = git.objects.reader.matchPrefix(base.toLowerCase());
    const commits: string[] = [];
    for (const oid of matches) if ((await git.objects.raw(oid)).type === 'commit') commits.push(oid);
    if (commits.length === 1) return commits[0] as string;
    if (commits.length > 1) throw new LockstepError('USAGE', `Revision ${rev} is ambiguous: it matches ${commits.length} commits. Use more characters.`, { rev, matches: commits });
  }
  throw new LockstepError('USAGE', `Unknown revision ${rev}: not a branch, tag or commit of this repository.`, { rev });
}
