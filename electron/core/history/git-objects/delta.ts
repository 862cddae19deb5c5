import { LockstepError } from '../../errors/index.ts';

/**
 * Applies a git delta (pack types OFS_DELTA / REF_DELTA) to its base: a header with the base and result
 * sizes as little-endian base-128 varints, then copy-from-base and insert-literal instructions.
 */
export function applyDelta(base: Buffer, delta: Buffer): Buffer {
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = delta[pos++] ?? 0;
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return result;
  };
  const baseSize = varint();
  if (baseSize !== base.length) throw damaged('base size mismatch');
  const out = Buffer.allocUnsafe(varint());
  let at = 0;
  while (pos < delta.length) {
    const op = delta[pos++] ?? 0;
    if (op & 0x80) {
      let offset = 0;
      let size = 0;
      for (let i = 0; i < 4; i++) if (op & (1 << i)) offset += (delta[pos++] ?? 0) * 2 ** (8 * i);
      for (let i = 0; i < 3; i++) if (op & (0x10 << i)) size += (delta[pos++] ?? 0) * 2 ** (8 * i);
      if (size === 0) size = 0x10000;
      if (offset + size > base.length || at + size > out.length) throw damaged('copy out of range');
      base.copy(out, at, offset, offset + size);
      at += size;
    } else if (op > 0) {
      if (pos + op > delta.length || at + op > out.length) throw damaged('insert out of range');
      delta.copy(out, at, pos, pos + op);
      at += op;
      pos += op;
    } else {
      throw damaged('reserved opcode 0');
    }
  }
  if (at !== out.length) throw damaged('result size mismatch');
  return out;
}

function damaged(what: string): LockstepError {
  return new LockstepError('GIT_ERROR', `A git pack delta is damaged (${what}). Run \`git fsck\` on the repository.`);
}
