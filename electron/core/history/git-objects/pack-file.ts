import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { LockstepError } from '../../errors/index.ts';
import { applyDelta } from './delta.ts';
import { PackIndex } from './pack-index.ts';
import { TwoGenCache } from './two-gen-cache.ts';

/** A decoded git object. */
export interface RawObject {
  readonly type: 'commit' | 'tree' | 'blob' | 'tag';
  readonly data: Buffer;
}

const TYPES = ['', 'commit', 'tree', 'blob', 'tag'] as const;
const OFS_DELTA = 6;
const REF_DELTA = 7;

/**
 * One `.pack` file with its index. Objects are read with positioned synchronous reads of exactly their
 * compressed span, which is what makes walking thousands of commits cheap (isomorphic-git's async
 * per-object path costs ~0.4 ms an object, see ENVIRONMENT.md). Resolved delta bases are kept in a
 * small cache because consecutive versions of a tree share their delta chains.
 */
export class PackFile {
  readonly index: PackIndex;
  private readonly fd: number;
  private readonly bases = new TwoGenCache<number, RawObject>(4096);

  constructor(packPath: string, idxPath: string) {
    this.fd = openSync(packPath, 'r');
    this.index = new PackIndex(idxPath, fstatSync(this.fd).size);
  }

  /** The object `oid`, or null when this pack does not hold it. `external` resolves REF_DELTA bases in other packs. */
  read(oid: string, external: (oid: string) => RawObject | null): RawObject | null {
    const offset = this.index.find(oid);
    return offset < 0 ? null : this.readAt(offset, external, 0);
  }

  /** Releases the file descriptor. */
  close(): void {
    closeSync(this.fd);
  }

  private readAt(offset: number, external: (oid: string) => RawObject | null, depth: number): RawObject {
    const cached = this.bases.get(offset);
    if (cached) return cached;
    if (depth > 10_000) throw new LockstepError('GIT_ERROR', 'A git pack has a delta chain that never ends. Run `git fsck`.');
    const end = this.index.endOf(offset);
    const raw = Buffer.allocUnsafe(end - offset);
    readSync(this.fd, raw, 0, raw.length, offset);
    let pos = 0;
    let byte = raw[pos++] ?? 0;
    const type = (byte >> 4) & 7;
    while (byte & 0x80) byte = raw[pos++] ?? 0; // size varint: the inflated length is checked by zlib anyway
    let result: RawObject;
    if (type === OFS_DELTA) {
      byte = raw[pos++] ?? 0;
      let rel = byte & 0x7f;
      while (byte & 0x80) {
        byte = raw[pos++] ?? 0;
        rel = (rel + 1) * 128 + (byte & 0x7f);
      }
      const base = this.readAt(offset - rel, external, depth + 1);
      result = { type: base.type, data: applyDelta(base.data, inflateSync(raw.subarray(pos))) };
    } else if (type === REF_DELTA) {
      const baseOid = raw.toString('hex', pos, pos + 20);
      pos += 20;
      const local = this.index.find(baseOid);
      const base = local >= 0 ? this.readAt(local, external, depth + 1) : external(baseOid);
      if (!base) throw new LockstepError('GIT_ERROR', `A git pack refers to a missing base object ${baseOid}. Run \`git fsck\`.`, { oid: baseOid });
      result = { type: base.type, data: applyDelta(base.data, inflateSync(raw.subarray(pos))) };
    } else {
      const name = TYPES[type];
      if (!name) throw new LockstepError('GIT_ERROR', `A git pack holds an object of unknown type ${type}. Run \`git fsck\`.`);
      result = { type: name, data: inflateSync(raw.subarray(pos)) };
    }
    this.remember(offset, result);
    return result;
  }

  private remember(offset: number, obj: RawObject): void {
    // Small objects only: blobs of code files can be large and are rarely delta bases we revisit.
    if (obj.data.length > 256 * 1024) return;
    this.bases.set(offset, obj);
  }
}
