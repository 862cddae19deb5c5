import type { GitObjects, RawTree } from './git-objects/object-store-view.ts';
import { compareEntries, entryMode, entryName, entryOid, sameEntry, type RawTreeEntry } from './git-objects/raw-tree.ts';

/** One file that differs between two trees. `null` oid means absent on that side. */
export interface TreeChange {
  readonly path: string;
  readonly oldOid: string | null;
  readonly newOid: string | null;
  /** 'link' for symlinks, 'commit' for submodules; data pointers are only ever 'blob'. */
  readonly kind: 'blob' | 'link' | 'commit';
}

const EMPTY: RawTree = { data: Buffer.alloc(0), entries: [] };

/**
 * The files that differ between two trees (either may be null for "empty"). Subtrees whose oid is the
 * same on both sides are skipped without being read, and identical entries are compared as bytes
 * without decoding: that keeps a walk over thousands of commits proportional to what changed.
 */
export async function diffTrees(objects: GitObjects, oldTree: string | null, newTree: string | null, prefix = ''): Promise<TreeChange[]> {
  return objects.withSync(() => diffTreesSync(objects, oldTree, newTree, prefix));
}

/** The synchronous form of `diffTrees` (may throw NeedsAsyncRead; `diffTrees` handles that). */
export function diffTreesSync(objects: GitObjects, oldTree: string | null, newTree: string | null, prefix = ''): TreeChange[] {
  const out: TreeChange[] = [];
  diffInto(objects, oldTree, newTree, prefix, out);
  return out;
}

function diffInto(objects: GitObjects, oldOid: string | null, newOid: string | null, prefix: string, out: TreeChange[]): void {
  if (oldOid === newOid) return;
  const a = oldOid ? objects.rawTreeSync(oldOid) : EMPTY;
  const b = newOid ? objects.rawTreeSync(newOid) : EMPTY;
  let i = 0;
  let j = 0;
  while (i < a.entries.length || j < b.entries.length) {
    const ea = a.entries[i];
    const eb = b.entries[j];
    if (ea && eb && sameEntry(a.data, ea, b.data, eb)) {
      i++;
      j++;
      continue;
    }
    const cmp = !ea ? 1 : !eb ? -1 : compareEntries(a.data, ea, b.data, eb);
    if (cmp < 0 && ea) {
      side(objects, a, ea, null, null, prefix, out);
      i++;
    } else if (cmp > 0 && eb) {
      side(objects, null, null, b, eb, prefix, out);
      j++;
    } else if (ea && eb) {
      side(objects, a, ea, b, eb, prefix, out);
      i++;
      j++;
    }
  }
}

/** Emits the changes for one name present on either or both sides. */
function side(objects: GitObjects, a: RawTree | null, ea: RawTreeEntry | null, b: RawTree | null, eb: RawTreeEntry | null, prefix: string, out: TreeChange[]): void {
  const path = prefix + (eb && b ? entryName(b.data, eb) : ea && a ? entryName(a.data, ea) : '');
  const oldSub = a && ea?.isTree ? entryOid(a.data, ea) : null;
  const newSub = b && eb?.isTree ? entryOid(b.data, eb) : null;
  if (oldSub || newSub) diffInto(objects, oldSub, newSub, `${path}/`, out);
  const oldFile = a && ea && !ea.isTree ? { oid: entryOid(a.data, ea), kind: kindOf(entryMode(a.data, ea)) } : null;
  const newFile = b && eb && !eb.isTree ? { oid: entryOid(b.data, eb), kind: kindOf(entryMode(b.data, eb)) } : null;
  if (oldFile || newFile) out.push({ path, oldOid: oldFile?.oid ?? null, newOid: newFile?.oid ?? null, kind: (newFile ?? oldFile)?.kind ?? 'blob' });
}

function kindOf(mode: string): TreeChange['kind'] {
  return mode === '120000' ? 'link' : mode === '160000' ? 'commit' : 'blob';
}
