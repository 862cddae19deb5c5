import { lstat } from 'node:fs/promises';
import type { ObjectStore } from '../cache/odb.ts';
import type { ManifestEntry } from '../dvc/manifest.ts';
import type { HashName } from '../hash/hash-pool.ts';

/** One file that differs between two versions of a folder. Sizes are null when the object is not local. */
export interface FolderFileChange {
  readonly relpath: string;
  readonly change: 'added' | 'removed' | 'modified';
  readonly oldMd5: string | null;
  readonly newMd5: string | null;
  readonly oldSize: number | null;
  readonly newSize: number | null;
}

/** The difference of two folder versions. */
export interface FolderDiff {
  readonly added: number;
  readonly removed: number;
  readonly modified: number;
  readonly unchanged: number;
  readonly files: FolderFileChange[];
}

/**
 * Compares two `.dir` manifests (either may be null for "the folder did not exist"), listing files added,
 * removed and modified with their sizes. `loadManifest` supplies a manifest by oid; history passes one
 * that fetches it from the remote when the cache lacks it. Both lists are sorted, so one merge pass.
 */
export async function diffFolderVersions(
  odb: ObjectStore,
  oldDir: { oid: string; hashName: HashName } | null,
  newDir: { oid: string; hashName: HashName } | null,
  loadManifest: (oid: string, hashName: HashName) => Promise<ManifestEntry[]>,
): Promise<FolderDiff> {
  const a = oldDir ? await loadManifest(oldDir.oid, oldDir.hashName) : [];
  const b = newDir ? await loadManifest(newDir.oid, newDir.hashName) : [];
  const oldMap = new Map(a.map((e) => [e.relpath, e]));
  const files: FolderFileChange[] = [];
  let unchanged = 0;
  const size = async (e: ManifestEntry | undefined, hashName: HashName | undefined): Promise<number | null> => {
    if (!e || !hashName) return null;
    if (e.size !== undefined) return e.size;
    return lstat(odb.pathFor(e.md5, hashName)).then(
      (st) => st.size,
      () => null,
    );
  };
  for (const e of b) {
    const o = oldMap.get(e.relpath);
    oldMap.delete(e.relpath);
    if (o && o.md5 === e.md5) {
      unchanged++;
      continue;
    }
    files.push({ relpath: e.relpath, change: o ? 'modified' : 'added', oldMd5: o?.md5 ?? null, newMd5: e.md5, oldSize: await size(o, oldDir?.hashName), newSize: await size(e, newDir?.hashName) });
  }
  for (const o of oldMap.values()) files.push({ relpath: o.relpath, change: 'removed', oldMd5: o.md5, newMd5: null, oldSize: await size(o, oldDir?.hashName), newSize: null });
  files.sort((x, y) => (x.relpath < y.relpath ? -1 : x.relpath > y.relpath ? 1 : 0));
  const count = (k: FolderFileChange['change']) => files.filter((f) => f.change === k).length;
  return { added: count('added'), removed: count('removed'), modified: count('modified'), unchanged, files };
}
