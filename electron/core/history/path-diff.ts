import { LockstepError } from '../errors/index.ts';
import type { HashName } from '../hash/hash-pool.ts';
import type { Repo } from '../repo/open-repo.ts';
import type { RunOptions } from '../jobs/progress.ts';
import { dataStateAt } from './commit-state.ts';
import { diffCsvFiles, type CsvDiff } from './csv-diff.ts';
import { diffFolderVersions, type FolderDiff } from './dir-diff.ts';
import { ensureObjects } from './ensure-objects.ts';
import { openHistoryGit } from './history-git.ts';
import { resolveRev } from './resolve-rev.ts';
import type { OutputVersion } from './types.ts';

/** The difference of one tracked path between two revisions. */
export interface PathDiff {
  readonly path: string;
  readonly a: { readonly rev: string; readonly oid: string; readonly md5: string | null; readonly size: number | null };
  readonly b: { readonly rev: string; readonly oid: string; readonly md5: string | null; readonly size: number | null };
  readonly folder?: FolderDiff;
  readonly csv?: CsvDiff;
}

/**
 * `diff A B PATH`: for a folder output, the files added, removed and modified (from the `.dir`
 * manifests, fetched from the remote when the cache lacks them); for a CSV/TSV file (an output or a
 * file inside a folder output), the streaming row/column diff of the two versions.
 */
export async function diffPath(repo: Repo, revA: string, revB: string, relPath: string, run: RunOptions = {}): Promise<PathDiff> {
  const git = openHistoryGit(repo);
  let oidA: string;
  let oidB: string;
  let sa;
  let sb;
  try {
    oidA = await resolveRev(git, revA);
    oidB = await resolveRev(git, revB);
    sa = await dataStateAt(git, oidA);
    sb = await dataStateAt(git, oidB);
  } finally {
    git.close();
  }
  const clean = relPath.replace(/^\.\//, '').replace(/\/+$/, '').replace(/\.dvc$/, '');
  const va = await locate(repo, sa.outputs, clean, run);
  const vb = await locate(repo, sb.outputs, clean, run);
  if (!va && !vb) throw new LockstepError('NOT_TRACKED', `${clean} is not tracked at ${revA} or ${revB}.`, { path: clean });
  const base = { path: clean, a: { rev: revA, oid: oidA, md5: va?.md5 ?? null, size: va?.size ?? null }, b: { rev: revB, oid: oidB, md5: vb?.md5 ?? null, size: vb?.size ?? null } };
  const isDir = (va ?? vb)?.isDir === true;
  const loadManifest = async (oid: string, hashName: HashName) => {
    const { missing } = await ensureObjects(repo, [{ oid, hashName }], run);
    if (missing.length > 0) throw new LockstepError('MISSING_OBJECT', `The folder listing ${oid} of ${clean} is neither in the cache nor on a remote.`, { path: clean, oid });
    return repo.odb.readManifest(oid, hashName);
  };
  if (isDir) {
    const ref = (v: Located | null) => (v?.md5 ? { oid: v.md5, hashName: v.hashName } : null);
    return { ...base, folder: await diffFolderVersions(repo.odb, ref(va), ref(vb), loadManifest) };
  }
  if (/\.(csv|tsv|tab)$/i.test(clean) && va?.md5 && vb?.md5) {
    const { missing } = await ensureObjects(repo, [va, vb].map((v) => ({ oid: v.md5 as string, hashName: v.hashName })), run);
    if (missing.length > 0) throw new LockstepError('MISSING_OBJECT', `A version of ${clean} is neither in the cache nor on a remote (${missing.map((m) => m.oid).join(', ')}).`, { path: clean });
    return { ...base, csv: await diffCsvFiles(repo.odb.pathFor(va.md5, va.hashName), repo.odb.pathFor(vb.md5, vb.hashName), { signal: run.signal }) };
  }
  return base;
}

interface Located {
  readonly md5: string | null;
  readonly size: number | null;
  readonly isDir: boolean;
  readonly hashName: HashName;
}

/** The version of `p` in a state: an output itself, or a file inside a folder output. */
async function locate(repo: Repo, outputs: ReadonlyMap<string, OutputVersion>, p: string, run: RunOptions): Promise<Located | null> {
  const own = outputs.get(p);
  const hashOf = (o: OutputVersion): HashName => (o.legacy ? 'md5-dos2unix' : 'md5');
  if (own) return { md5: own.md5, size: own.size, isDir: own.isDir, hashName: hashOf(own) };
  for (const o of outputs.values()) {
    if (!o.isDir || !o.md5 || !p.startsWith(`${o.path}/`)) continue;
    const hashName = hashOf(o);
    const { missing } = await ensureObjects(repo, [{ oid: o.md5, hashName }], run);
    if (missing.length > 0) return null;
    const rel = p.slice(o.path.length + 1);
    const entry = (await repo.odb.readManifest(o.md5, hashName)).find((e) => e.relpath === rel);
    return entry ? { md5: entry.md5, size: entry.size ?? null, isDir: false, hashName } : null;
  }
  return null;
}
