import { readFileSync } from 'node:fs';
import { LockstepError } from '../../errors/index.ts';

/**
 * A git pack index (`.idx`, version 2), parsed once: the sorted object names, their pack offsets, and
 * each object's end offset (the next object's start), so an entry's compressed bytes can be read in one
 * `read` without guessing a length.
 */
export class PackIndex {
  readonly count: number;
  private readonly names: Buffer;
  private readonly fanout: Uint32Array;
  private readonly offsets: Float64Array;
  /** Offsets sorted ascending, to find where an object's compressed data ends. */
  private readonly sortedOffsets: Float64Array;
  private readonly packEnd: number;

  constructor(idxPath: string, packSize: number) {
    const buf = readFileSync(idxPath);
    if (buf.length < 8 + 256 * 4 || buf.readUInt32BE(0) !== 0xff744f63 || buf.readUInt32BE(4) !== 2) {
      throw new LockstepError('GIT_ERROR', `Unsupported or damaged git pack index ${idxPath} (only version 2 is read). Run \`git gc\` to rewrite it.`, { file: idxPath });
    }
    this.fanout = new Uint32Array(256);
    for (let i = 0; i < 256; i++) this.fanout[i] = buf.readUInt32BE(8 + i * 4);
    const n = this.fanout[255] ?? 0;
    this.count = n;
    const namesAt = 8 + 256 * 4;
    this.names = buf.subarray(namesAt, namesAt + n * 20);
    const smallAt = namesAt + n * 20 + n * 4; // skip the CRC32 table
    const largeAt = smallAt + n * 4;
    this.offsets = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const small = buf.readUInt32BE(smallAt + i * 4);
      // The high bit means "index into the 64-bit offset table" (packs over 2 GiB).
      this.offsets[i] = small & 0x80000000 ? Number(buf.readBigUInt64BE(largeAt + (small & 0x7fffffff) * 8)) : small;
    }
    this.sortedOffsets = Float64Array.from(this.offsets).sort();
    this.packEnd = packSize - 20; // the pack ends with a 20-byte checksum
  }

  /** Scratch space for the binary form of the oid being looked up (lookups are synchronous). */
  private readonly key = Buffer.alloc(20);

  /** The pack offset of `oid` (40 hex chars), or -1 when this pack does not hold it. */
  find(oid: string): number {
    const key = this.key;
    if (key.write(oid, 'hex') !== 20) return -1;
    const names = this.names;
    const first = key[0] ?? 0;
    let lo = first === 0 ? 0 : (this.fanout[first - 1] ?? 0);
    let hi = (this.fanout[first] ?? 0) - 1;
    // A byte loop rather than Buffer.compare: the native call's argument checks cost more than the
    // few bytes a mismatch needs (the first byte is equal inside a fanout bucket, the second rarely is).
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = mid * 20;
      let cmp = 0;
      for (let k = 1; k < 20; k++) {
        cmp = (key[k] ?? 0) - (names[at + k] ?? 0);
        if (cmp !== 0) break;
      }
      if (cmp === 0) return this.offsets[mid] ?? -1;
      if (cmp < 0) hi = mid - 1;
      else lo = mid + 1;
    }
    return -1;
  }

  /** Where the object starting at `offset` ends: the next object's offset, or the pack's trailer. */
  endOf(offset: number): number {
    const s = this.sortedOffsets;
    let lo = 0;
    let hi = s.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((s[mid] ?? 0) <= offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return lo < s.length ? (s[lo] ?? this.packEnd) : this.packEnd;
  }

  /** Every object name whose hex form starts with `prefix` (for short oids). */
  matchPrefix(prefix: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.count; i++) {
      const hex = this.names.toString('hex', i * 20, i * 20 + 20);
      if (hex.startsWith(prefix)) out.push(hex);
    }
    return out;
  }
}
