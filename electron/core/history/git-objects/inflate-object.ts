import { inflateSync } from 'node:zlib';
import { LockstepError } from '../../errors/index.ts';
import { inflateSmall } from './small-inflate.ts';

/**
 * Below this inflated size the JavaScript decoder wins: node:zlib builds a stream object and a native
 * handle per call (~5 µs), which dominates the tree deltas of a history walk (typically 20-100 bytes).
 * Above it, building dynamic Huffman tables in JavaScript costs more than zlib's per-call overhead.
 */
const SMALL = 256;

/**
 * Inflates one zlib-compressed pack entry whose inflated length the pack header gave as `size`.
 * Trailing bytes after the zlib stream are ignored. Throws GIT_ERROR when the entry is damaged.
 */
export function inflateObject(compressed: Buffer, size: number): Buffer {
  let out: Buffer;
  try {
    // A chunk of exactly the known size: zlib's default 16 KiB output chunk per call was the main
    // source of garbage in a walk that inflates tens of thousands of objects.
    out = size < SMALL ? inflateSmall(compressed, size) : inflateSync(compressed, { chunkSize: Math.max(64, size + 1) });
  } catch (err) {
    throw damaged(`it does not inflate: ${(err as Error).message}`, err);
  }
  if (out.length !== size) throw damaged(`it inflates to ${out.length} bytes, the header says ${size}`);
  return out;
}

function damaged(what: string, cause?: unknown): LockstepError {
  return new LockstepError('GIT_ERROR', `A git pack entry is damaged (${what}). Run \`git fsck\` on the repository.`, {}, cause === undefined ? undefined : { cause });
}
