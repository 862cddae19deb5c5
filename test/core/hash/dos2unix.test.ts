import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTextBlock, md5Dos2UnixFile } from '../../../electron/core/hash/dos2unix.ts';
import { md5File } from '../../../electron/core/hash/md5-file.ts';
import { makeTempDir } from '../../helpers/tmp.ts';
import { DOS2UNIX_VECTORS } from './vectors.ts';

describe('isTextBlock', () => {
  it('treats empty as text and any NUL in the first 512 bytes as binary', () => {
    expect(isTextBlock(Buffer.alloc(0))).toBe(true);
    expect(isTextBlock(Buffer.from('plain text\r\n'))).toBe(true);
    expect(isTextBlock(Buffer.from('abc\x00def', 'latin1'))).toBe(false);
  });

  it('allows at most 30% non-text bytes, counting bytes >= 0x80 as non-text', () => {
    const block = (nonText: number): Buffer => Buffer.concat([Buffer.alloc(nonText, 0xc3), Buffer.alloc(512 - nonText, 0x61)]);
    expect(isTextBlock(block(153))).toBe(true); // 153/512 = 29.9%
    expect(isTextBlock(block(154))).toBe(false); // 154/512 = 30.1%
    expect(isTextBlock(Buffer.from('ünïcödé ääää', 'utf8'))).toBe(false);
  });

  it('looks only at the first 512 bytes', () => {
    expect(isTextBlock(Buffer.concat([Buffer.alloc(512, 0x61), Buffer.alloc(100, 0)]))).toBe(true);
    expect(isTextBlock(Buffer.concat([Buffer.alloc(511, 0x61), Buffer.alloc(1, 0)]))).toBe(false);
  });
});

describe('md5Dos2UnixFile', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    tmp = await makeTempDir();
  });
  afterAll(async () => tmp.cleanup());

  for (const [i, v] of DOS2UNIX_VECTORS.entries()) {
    it(`vector: ${v.name}`, async () => {
      const file = path.join(tmp.dir, `v${i}`);
      const bytes = v.bytes();
      expect(bytes.length).toBe(v.size);
      await writeFile(file, bytes);
      expect(await md5File(file)).toEqual({ md5: v.raw, size: v.size });
      const got = await md5Dos2UnixFile(file);
      expect(got).toEqual({ v3: v.v3, v2: v.v2, size: v.size });
    });
  }

  it('v2 and v3 really differ when a binary chunk follows a text chunk', () => {
    const v = DOS2UNIX_VECTORS[1]!;
    expect(v.v2).not.toBe(v.v3);
  });

  it('a boundary-straddling CRLF is not converted (differs from converting the whole file)', async () => {
    const v = DOS2UNIX_VECTORS[0]!;
    const whole = v.bytes().toString('latin1').replaceAll('\r\n', '\n');
    const { createHash } = await import('node:crypto');
    expect(createHash('md5').update(Buffer.from(whole, 'latin1')).digest('hex')).not.toBe(v.v3);
  });
});
