import { createHash } from 'node:crypto';
import type { WalkedFile } from '../workspace/walk.ts';

/** Files folded into one digest update: one native call per block instead of per file. */
const BLOCK = 1024;

/**
 * Digest of a folder listing: every file's relpath, inode, mtime (ns) and size, in the given order. Two equal
 * digests mean the same files with the same stat identity, which is exactly what makes hash-state entries
 * valid, so a folder whose digest matches its snapshot still hashes to the snapshot's `.dir` oid. A reordered
 * listing only misses (the caller then hashes the usual way); it can never prove a wrong oid.
 */
export function listingDigest(files: readonly WalkedFile[]): string {
  const h = createHash('sha256');
  let block = '';
  for (let i = 0; i < files.length; i++) {
    const f = files[i] as WalkedFile;
    block += `${f.relpath}\0${f.inode}\0${f.mtimeNs}\0${f.size}\n`;
    if ((i + 1) % BLOCK === 0) {
      h.update(block);
      block = '';
    }
  }
  h.update(block);
  return `${files.length}:${h.digest('hex')}`;
}
