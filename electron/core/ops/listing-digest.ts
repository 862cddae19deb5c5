import { createHash } from 'node:crypto';
import type { FileBatch } from '../workspace/walk.ts';
import { STAT_BYTES } from '../workspace/file-batch.ts';

/**
 * Names the record layout below. Digests of another layout (older snapshots) never compare equal to these, so
 * changing the layout only costs one full pass per folder, never a wrong answer.
 */
const LAYOUT = 'b2';

/**
 * Digest of a folder listing: every file's relpath, inode, mtime (ns) and size, in walk order. Two equal digests
 * mean the same files with the same stat identity, which is exactly what makes hash-state entries valid, so a
 * folder whose digest matches its snapshot still hashes to the snapshot's `.dir` oid. A reordered listing only
 * misses (the caller then hashes the usual way); it can never prove a wrong oid.
 *
 * One record per batch, so hashing costs a few native calls per thousand files rather than several per file:
 * three u32 (byte length of the relPrefix, byte length of the NUL-joined names, number of files), the relPrefix
 * and the names as UTF-8, then the batch's stats buffer as it is ({@link STAT_BYTES} per file, the machine's
 * byte order). Lengths make the framing unambiguous; a name holds neither NUL nor '/'.
 */
export function listingDigest(batches: readonly FileBatch[]): string {
  const h = createHash('sha256');
  const head = new Uint32Array(3);
  let count = 0;
  for (const b of batches) {
    const prefix = Buffer.from(b.relPrefix, 'utf8');
    const names = Buffer.from(b.names.join('\0'), 'utf8');
    head[0] = prefix.length;
    head[1] = names.length;
    head[2] = b.names.length;
    h.update(head);
    h.update(prefix);
    h.update(names);
    h.update(new Uint8Array(b.stats, 0, b.names.length * STAT_BYTES));
    count += b.names.length;
  }
  return `${LAYOUT}:${count}:${h.digest('hex')}`;
}
