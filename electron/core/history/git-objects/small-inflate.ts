/**
 * A DEFLATE decoder (RFC 1950 zlib wrapper around RFC 1951) for small git objects, written to the
 * format specification. Why not node:zlib: every `inflateSync` call builds a stream object and a native
 * zlib handle (about 5 µs and several allocations), which dominated a history walk that inflates tens
 * of thousands of trees and tree deltas of a few hundred bytes each. Here the Huffman tables live in
 * preallocated module-level arrays and the output is allocated once at its known size.
 *
 * Every malformed input throws `InflateError`: over-subscribed or incomplete codes, out-of-range
 * symbols and distances, output longer or shorter than `size`, truncated input, and an Adler-32
 * mismatch.
 */

/** The compressed bytes are not a valid zlib stream of the expected size. */
export class InflateError extends Error {}

const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/** The order in which a dynamic block lists the code lengths of the code-length alphabet. */
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** Bit-reversal of a byte, for turning canonical (MSB-first) codes into LSB-first table indexes. */
const REV8 = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let r = 0;
  for (let b = 0; b < 8; b++) if (i & (1 << b)) r |= 0x80 >> b;
  REV8[i] = r;
}

/** Codes up to this many bits decode with one table lookup; longer ones (rare) walk the canonical code. */
const FAST_BITS = 10;

/**
 * A decoding table: `fast` is indexed by the next `bits` input bits (LSB first), each entry being
 * `symbol << 4 | codeLength`, or 0 when the code is longer than `bits` (or invalid). `counts` and
 * `symbols` (sorted by code length, then symbol) describe the whole canonical code for the slow path.
 */
interface Table {
  readonly fast: Uint16Array;
  readonly counts: Uint16Array;
  readonly symbols: Uint16Array;
  bits: number;
}

const newTable = (): Table => ({ fast: new Uint16Array(1 << FAST_BITS), counts: new Uint16Array(16), symbols: new Uint16Array(288), bits: 1 });
const litTable = newTable();
const distTable = newTable();
const clTable = newTable();
const fixedLit = newTable();
const fixedDist = newTable();
const lengths = new Uint8Array(320);
const offsets = new Uint16Array(16);
{
  const l = new Uint8Array(288);
  l.fill(8, 0, 144);
  l.fill(9, 144, 256);
  l.fill(7, 256, 280);
  l.fill(8, 280, 288);
  build(fixedLit, l, 0, 288, false);
  build(fixedDist, new Uint8Array(32).fill(5), 0, 32, false);
}

/**
 * Fills `t` for the canonical code with the given lengths. Like zlib, an incomplete code is accepted
 * only when its longest code has one bit (a block using a single distance, say) and never for the
 * code-length code (`strict`); patterns no code starts with fail when met.
 */
function build(t: Table, lens: Uint8Array, from: number, n: number, strict: boolean): void {
  const counts = t.counts;
  counts.fill(0);
  let max = 0;
  for (let i = 0; i < n; i++) {
    const len = lens[from + i] ?? 0;
    counts[len] = (counts[len] ?? 0) + 1;
    if (len > max) max = len;
  }
  counts[0] = 0;
  let left = 1;
  for (let len = 1; len <= 15; len++) {
    left = left * 2 - (counts[len] ?? 0);
    if (left < 0) throw new InflateError('over-subscribed Huffman code');
  }
  if (left > 0 && (strict || max > 1)) throw new InflateError('incomplete Huffman code');
  offsets[1] = 0;
  for (let len = 1; len < 15; len++) offsets[len + 1] = (offsets[len] ?? 0) + (counts[len] ?? 0);
  for (let sym = 0; sym < n; sym++) {
    const len = lens[from + sym] ?? 0;
    if (len === 0) continue;
    const at = offsets[len] ?? 0;
    t.symbols[at] = sym;
    offsets[len] = at + 1;
  }
  const bits = Math.min(FAST_BITS, Math.max(1, max));
  const size = 1 << bits;
  const fast = t.fast;
  fast.fill(0, 0, size);
  // Walk the symbols in canonical order, keeping the current code, and spread the short ones.
  let code = 0;
  let k = 0;
  for (let len = 1; len <= bits; len++) {
    for (let c = counts[len] ?? 0; c > 0; c--, k++, code++) {
      const rev = (((REV8[code & 0xff] ?? 0) << 8) | (REV8[code >> 8] ?? 0)) >> (16 - len);
      const entry = ((t.symbols[k] ?? 0) << 4) | len;
      for (let i = rev; i < size; i += 1 << len) fast[i] = entry;
    }
    code <<= 1;
  }
  t.bits = bits;
}

// The bit reader's state, module-level so the helpers below are plain functions V8 can inline (the
// decoder is synchronous and not re-entrant).
let src: Uint8Array = new Uint8Array(0);
let end = 0;
let pos = 0;
let bitBuf = 0;
let bitCnt = 0;

/** Ensures `n` (<= 16) bits are buffered; reads past the end supply zeros, caught by the final check. */
function need(n: number): void {
  while (bitCnt < n) {
    bitBuf |= (pos < end ? (src[pos] ?? 0) : 0) << bitCnt;
    pos++;
    bitCnt += 8;
  }
}

function take(n: number): number {
  need(n);
  const v = bitBuf & ((1 << n) - 1);
  bitBuf >>>= n;
  bitCnt -= n;
  return v;
}

function decode(t: Table): number {
  need(t.bits);
  const e = t.fast[bitBuf & ((1 << t.bits) - 1)] ?? 0;
  if (e !== 0) {
    const len = e & 15;
    bitBuf >>>= len;
    bitCnt -= len;
    return e >> 4;
  }
  return decodeSlow(t);
}

/** Canonical decoding one bit at a time, for codes longer than the fast table. */
function decodeSlow(t: Table): number {
  need(15);
  let code = 0;
  let first = 0;
  let index = 0;
  for (let len = 1; len <= 15; len++) {
    code |= (bitBuf >>> (len - 1)) & 1;
    const count = t.counts[len] ?? 0;
    if (code - first < count) {
      bitBuf >>>= len;
      bitCnt -= len;
      return t.symbols[index + code - first] ?? 0;
    }
    index += count;
    first = (first + count) << 1;
    code <<= 1;
  }
  throw new InflateError('invalid Huffman code');
}

/**
 * Inflates the zlib stream at the start of `input` into exactly `size` bytes. Bytes after the stream's
 * Adler-32 trailer are ignored.
 */
export function inflateSmall(input: Uint8Array, size: number): Buffer {
  if (input.length < 2) throw new InflateError('truncated header');
  const cmf = input[0] ?? 0;
  const flg = input[1] ?? 0;
  if ((cmf & 0x0f) !== 8 || ((cmf << 8) | flg) % 31 !== 0 || flg & 0x20) throw new InflateError('not a zlib stream');
  src = input;
  end = input.length;
  pos = 2;
  bitBuf = 0;
  bitCnt = 0;
  try {
    return inflateBlocks(size);
  } finally {
    src = new Uint8Array(0); // do not keep the caller's pack window alive
  }
}

function inflateBlocks(size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  let last = 0;
  while (!last) {
    last = take(1);
    const type = take(2);
    if (type === 0) {
      // Stored block: skip to the byte boundary; whole bytes already buffered are given back.
      pos -= bitCnt >> 3;
      bitBuf = 0;
      bitCnt = 0;
      if (pos + 4 > end) throw new InflateError('truncated stored block');
      const len = (src[pos] ?? 0) | ((src[pos + 1] ?? 0) << 8);
      const nlen = (src[pos + 2] ?? 0) | ((src[pos + 3] ?? 0) << 8);
      if ((len ^ 0xffff) !== nlen) throw new InflateError('stored block length check failed');
      pos += 4;
      if (pos + len > end) throw new InflateError('truncated stored block');
      if (o + len > size) throw new InflateError('more data than the object header says');
      out.set(src.subarray(pos, pos + len), o);
      o += len;
      pos += len;
      continue;
    }
    let lit: Table;
    let dist: Table;
    if (type === 1) {
      lit = fixedLit;
      dist = fixedDist;
    } else if (type === 2) {
      readDynamicTables();
      lit = litTable;
      dist = distTable;
    } else {
      throw new InflateError('invalid block type');
    }
    for (;;) {
      const sym = decode(lit);
      if (sym < 256) {
        if (o >= size) throw new InflateError('more data than the object header says');
        out[o++] = sym;
        continue;
      }
      if (sym === 256) break;
      const li = sym - 257;
      if (li >= 29) throw new InflateError('invalid length symbol');
      const len = (LEN_BASE[li] ?? 0) + take(LEN_EXTRA[li] ?? 0);
      const ds = decode(dist);
      if (ds >= 30) throw new InflateError('invalid distance symbol');
      const d = (DIST_BASE[ds] ?? 0) + take(DIST_EXTRA[ds] ?? 0);
      if (d > o) throw new InflateError('distance before the start of the output');
      if (o + len > size) throw new InflateError('more data than the object header says');
      for (let k = 0; k < len; k++, o++) out[o] = out[o - d] ?? 0;
    }
  }
  if (o !== size) throw new InflateError(`the stream holds ${o} bytes, the object header says ${size}`);
  pos -= bitCnt >> 3; // whole bytes read ahead belong to the trailer
  if (pos + 4 > end) throw new InflateError('truncated stream');
  const want = (((src[pos] ?? 0) << 24) | ((src[pos + 1] ?? 0) << 16) | ((src[pos + 2] ?? 0) << 8) | (src[pos + 3] ?? 0)) >>> 0;
  if (adler32(out) !== want) throw new InflateError('Adler-32 checksum mismatch');
  return out;
}

/** Reads a dynamic block's code-length code, then its literal/length and distance codes. */
function readDynamicTables(): void {
  const nlit = take(5) + 257;
  const ndist = take(5) + 1;
  const ncl = take(4) + 4;
  if (nlit > 286 || ndist > 30) throw new InflateError('too many length or distance symbols');
  lengths.fill(0, 0, 19);
  for (let i = 0; i < ncl; i++) lengths[CL_ORDER[i] ?? 0] = take(3);
  build(clTable, lengths, 0, 19, true);
  const total = nlit + ndist;
  let i = 0;
  while (i < total) {
    const sym = decode(clTable);
    if (sym < 16) {
      lengths[i++] = sym;
      continue;
    }
    let value = 0;
    let repeat: number;
    if (sym === 16) {
      if (i === 0) throw new InflateError('repeat with no previous length');
      value = lengths[i - 1] ?? 0;
      repeat = 3 + take(2);
    } else if (sym === 17) {
      repeat = 3 + take(3);
    } else {
      repeat = 11 + take(7);
    }
    if (i + repeat > total) throw new InflateError('code lengths overflow');
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  if ((lengths[256] ?? 0) === 0) throw new InflateError('no end-of-block code');
  build(litTable, lengths, 0, nlit, false);
  build(distTable, lengths, nlit, ndist, false);
}

/** The Adler-32 checksum of `data` (RFC 1950). */
export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  const n = data.length;
  let i = 0;
  while (i < n) {
    // 5552 bytes is the longest run after which b still fits in 32 bits (zlib's NMAX): one modulo per run.
    const stop = Math.min(n, i + 5552);
    for (; i < stop; i++) {
      a += data[i] ?? 0;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
