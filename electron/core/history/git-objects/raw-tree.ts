/** A cursor over a raw tree object: entries are read in place, strings are made only when asked for. */
export interface RawTreeEntry {
  /** Byte offsets of the whole entry (`mode SP name NUL oid20`) in the tree buffer. */
  readonly start: number;
  readonly end: number;
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly isTree: boolean;
}

/** Splits a raw tree into entry spans without decoding names or oids. */
export function scanTree(data: Buffer): RawTreeEntry[] {
  const out: RawTreeEntry[] = [];
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    const nul = data.indexOf(0, sp);
    if (sp < 0 || nul < 0 || nul + 21 > data.length) break;
    // Tree mode is "40000": five bytes starting with '4'. No other mode starts with '4'.
    out.push({ start: pos, end: nul + 21, nameStart: sp + 1, nameEnd: nul, isTree: data[pos] === 0x34 });
    pos = nul + 21;
  }
  return out;
}

/**
 * Git's tree order: names compared bytewise, a tree's name as if followed by '/'. Both sides of a diff
 * are in this order, so they can be merged like sorted lists.
 */
export function compareEntries(a: Buffer, ea: RawTreeEntry, b: Buffer, eb: RawTreeEntry): number {
  const la = ea.nameEnd - ea.nameStart;
  const lb = eb.nameEnd - eb.nameStart;
  const n = Math.min(la, lb);
  // A plain loop: names are short, and native Buffer.compare's argument checks cost more than the bytes.
  for (let k = 0; k < n; k++) {
    const d = (a[ea.nameStart + k] ?? 0) - (b[eb.nameStart + k] ?? 0);
    if (d !== 0) return d;
  }
  const ca = la > n ? (a[ea.nameStart + n] ?? 0) : ea.isTree ? 0x2f : 0;
  const cb = lb > n ? (b[eb.nameStart + n] ?? 0) : eb.isTree ? 0x2f : 0;
  return ca - cb;
}

/** True when two entries are byte-identical (same mode, name and oid). */
export function sameEntry(a: Buffer, ea: RawTreeEntry, b: Buffer, eb: RawTreeEntry): boolean {
  const len = ea.end - ea.start;
  if (len !== eb.end - eb.start) return false;
  // Compare the oid (last 20 bytes) first: that is where equal-named entries differ.
  for (let k = len - 1; k >= 0; k--) if (a[ea.start + k] !== b[eb.start + k]) return false;
  return true;
}

/** The entry's mode string. */
export function entryMode(data: Buffer, e: RawTreeEntry): string {
  return data.toString('latin1', e.start, e.nameStart - 1);
}

/** The entry's name. */
export function entryName(data: Buffer, e: RawTreeEntry): string {
  return data.toString('utf8', e.nameStart, e.nameEnd);
}

/** The entry's oid as 40 hex chars. */
export function entryOid(data: Buffer, e: RawTreeEntry): string {
  return data.toString('hex', e.nameEnd + 1, e.end);
}
