import { constants, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateObject } from '../../../electron/core/history/git-objects/inflate-object.ts';
import { adler32, inflateSmall, InflateError } from '../../../electron/core/history/git-objects/small-inflate.ts';

/** Deterministic bytes: a small LCG, so a failure reproduces. */
function bytes(n: number, seed: number, alphabet: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    // Every third byte repeats an earlier one, so deflate finds matches at many distances.
    out[i] = i > 16 && x % 3 === 0 ? (out[i - 1 - (x % 17)] ?? 0) : (x >>> 8) % alphabet;
  }
  return out;
}

describe('small inflate', () => {
  it('inflates what zlib deflates at every level and strategy, ignoring trailing bytes', () => {
    const strategies = [constants.Z_DEFAULT_STRATEGY, constants.Z_FIXED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE, constants.Z_FILTERED];
    let checked = 0;
    for (const [n, alphabet] of [[0, 1], [1, 256], [35, 40], [209, 90], [900, 256], [70_000, 256], [70_000, 3]] as const) {
      const data = bytes(n, n + alphabet, alphabet);
      for (const level of [0, 1, 6, 9]) {
        for (const strategy of strategies) {
          const z = Buffer.concat([deflateSync(data, { level, strategy }), Buffer.from('next object')]);
          expect(inflateSmall(z, n).equals(data)).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBe(7 * 4 * 5);
  });

  it('decodes codes longer than its fast table (skewed alphabets give 11-15 bit codes)', () => {
    // Frequencies falling off geometrically force long Huffman codes for the rare bytes.
    const data = Buffer.alloc(60_000);
    let x = 7;
    for (let i = 0; i < data.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      data[i] = Math.min(255, Math.clz32(x | 1) * 8 + (x & 7));
    }
    const z = deflateSync(data, { strategy: constants.Z_HUFFMAN_ONLY });
    expect(inflateSmall(z, data.length).equals(data)).toBe(true);
  });

  it('rejects damaged streams instead of returning wrong bytes', () => {
    const data = bytes(500, 1, 200);
    const z = deflateSync(data);
    const flipLast = Buffer.from(z);
    flipLast[flipLast.length - 1] = (flipLast[flipLast.length - 1] ?? 0) ^ 1;
    expect(() => inflateSmall(flipLast, 500)).toThrow(/Adler-32/);
    expect(() => inflateSmall(z, 499)).toThrow(InflateError);
    expect(() => inflateSmall(z, 501)).toThrow(/object header says/);
    expect(() => inflateSmall(z.subarray(0, z.length - 6), 500)).toThrow(InflateError);
    expect(() => inflateSmall(Buffer.from([0x78, 0x9c]), 1)).toThrow(InflateError);
    expect(() => inflateSmall(Buffer.from('plain text'), 10)).toThrow(/not a zlib stream/);
    // A block type of 3 is reserved.
    expect(() => inflateSmall(Buffer.from([0x78, 0x01, 0x07, 0, 0, 0, 0]), 0)).toThrow(/block type/);
  });

  it('is wrapped as GIT_ERROR by the pack reader, for small and large objects alike', () => {
    for (const n of [100, 5000]) {
      const z = deflateSync(bytes(n, 3, 100));
      expect(inflateObject(z, n).equals(bytes(n, 3, 100))).toBe(true);
      expect(() => inflateObject(z, n + 1)).toThrow(expect.objectContaining({ code: 'GIT_ERROR' }));
    }
  });

  it('computes Adler-32 as RFC 1950 defines it', () => {
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(Buffer.alloc(0))).toBe(1);
    const big = Buffer.alloc(100_000, 0xff);
    expect(adler32(big)).toBe(deflateSync(big).readUInt32BE(deflateSync(big).length - 4));
  });
});
