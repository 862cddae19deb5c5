import { createHash } from 'node:crypto';
import type { WalkedFile } from '../workspace/walk.ts';

/** Bytes gathered before one digest update: one native call per block instead of several per file. */
const BLOCK = 64 * 1024;
/** Room one record needs besides its path: NUL, then inode, mtime and size as 8 bytes each. */
const FIXED = 1 + 3 * 8;

/**
 * Digest of a folder listing: every file's relpath, inode, mtime (ns) and size, in the given order. Two equal
 * digests mean the same files with the same stat identity, which is exactly what makes hash-state entries
 * valid, so a folder whose digest matches its snapshot still hashes to the snapshot's `.dir` oid. A reordered
 * listing only misses (the caller then hashes the usual way); it can never prove a wrong oid.
 * Records are binary (path, NUL, three 64-bit numbers in the machine's byte order): no number-to-text conversion per file.
 * A path holds no NUL, so the encoding is unambiguous.
 */
export function listingDigest(files: readonly WalkedFile[]): string {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(BLOCK);
  // Numbers go through typed-array views of one 24-byte scratch area: storing a bigint there is a native copy,
  // whereas Buffer#writeBigUInt64LE does bigint arithmetic (and allocates) for every call.
  const scratch = new ArrayBuffer(24);
  const ino = new BigUint64Array(scratch, 0, 1);
  const mtime = new BigInt64Array(scratch, 8, 1);
  const size = new Float64Array(scratch, 16, 1);
  const bytes = new Uint8Array(scratch);
  let at = 0;
  for (const f of files) {
    // A UTF-8 byte is at most 3 per UTF-16 unit: reserve the worst case so the write cannot overflow.
    if (at + f.relpath.length * 3 + FIXED > BLOCK) {
      h.update(buf.subarray(0, at));
      at = 0;
    }
    if (f.relpath.length * 3 + FIXED > BLOCK) {
      h.update(f.relpath); // a path this long is written directly (as UTF-8, like the buffer would)
    } else {
      at += buf.write(f.relpath, at, 'utf8');
    }
    buf[at++] = 0;
    ino[0] = f.inode;
    mtime[0] = f.mtimeNs;
    size[0] = f.size;
    buf.set(bytes, at);
    at += 24;
  }
  h.update(buf.subarray(0, at));
  return `${files.length}:${h.digest('hex')}`;
}
