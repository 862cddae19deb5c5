import { closeSync, fstatSync, openSync } from 'node:fs';
import { LockstepError } from '../../errors/index.ts';
import { applyDelta } from './delta.ts';
import { inflateObject } from './inflate-object.ts';
import { PackIndex } from './pack-index.ts';
import { PackWindows } from './pack-window.ts';
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
 * One `.pack` file with its index. Objects are read synchronously through cached pack windows, which
 * is what makes walking thousands of commits cheap (isomorphic-git's async per-object path costs
 * ~0.4 ms an object, see ENVIRONMENT.md). Resolved delta bases are kept in a small cache keyed by pack
 * offset because consecutive versions of a tree share their delta chains.
 */
export class PackFile {
  readonly index: PackIndex;
  private readonly fd: number;
  private readonly windows: PackWindows;
  private readonly bases = new TwoGenCache<number, RawObject>(4096);

  constructor(packPath: string, idxPath: string) {
    this.fd = openSync(packPath, 'r');
    const size = fstatSync(this.fd).size;
    this.index = new PackIndex(idxPath, size);
    this.windows = new PackWindows(this.fd, size);
  }

  /** The object `oid`, or null when this pack does not hold it. `external` resolves REF_DELTA bases in other packs. */
  read(oid: string, external: (oid: string) => RawObject | null): RawObject | null {
    const offset = this.index.find(oid);
    return offset < 0 ? null : this.readAt(offset, external, 0);
  }

  /** Releases the file descriptor. */
  close(): void {
    this.windows.clear();
    this.bases.clear();
    closeSync(this.fd);
  }

  private readAt(offset: number, external: (oid: string) => RawObject | null, depth: number): RawObject {
    const cached = this.bases.get(offset);
    if (cached) return cached;
    if (depth > 10_000) throw new LockstepError('GIT_ERROR', 'A git pack has a delta chain that never ends. Run `git fsck`.');
    const raw = this.windows.span(offset, this.index.endOf(offset));
    let pos = 0;
    let byte = raw[pos++] ?? 0;
    const type = (byte >> 4) & 7;
    // The inflated size (of the object, or of the delta for delta types): exactly what inflating must yield.
    let size = byte & 0x0f;
    let shift = 4;
    while (byte & 0x80) {
      byte = raw[pos++] ?? 0;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    let result: RawObject;
    if (type === OFS_DELTA) {
      byte = raw[pos++] ?? 0;
      let rel = byte & 0x7f;
      while (byte & 0x80) {
        byte = raw[pos++] ?? 0;
        rel = (rel + 1) * 128 + (byte & 0x7f);
      }
      const base = this.readAt(offset - rel, external, depth + 1);
      result = { type: base.type, data: applyDelta(base.data, inflateObject(raw.subarray(pos), size)) };
    } else if (type === REF_DELTA) {
      const baseOid = raw.toString('hex', pos, pos + 20);
      pos += 20;
      const local = this.index.find(baseOid);
      const base = local >= 0 ? this.readAt(local, external, depth + 1) : external(baseOid);
      if (!base) throw new LockstepError('GIT_ERROR', `A git pack refers to a missing base object ${baseOid}. Run \`git fsck\`.`, { oid: baseOid });
      result = { type: base.type, data: applyDelta(base.data, inflateObject(raw.subarray(pos), size)) };
    } else {
      const name = TYPES[type];
      if (!name) throw new LockstepError('GIT_ERROR', `A git pack holds an object of unknown type ${type}. Run \`git fsck\`.`);
      result = { type: name, data: inflateObject(raw.subarray(pos), size) };
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
