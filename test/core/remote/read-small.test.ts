import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSmallFile } from '../../../electron/core/remote/read-small.ts';
import { makeTempDir } from '../../helpers/tmp.ts';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  tmp = await makeTempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

describe('readSmallFile (the body of a small PUT)', () => {
  it('returns exactly the bytes of a file of the listed size', async () => {
    const f = path.join(tmp.dir, 'obj');
    const bytes = Buffer.from(Array.from({ length: 65536 }, (_, i) => i % 251));
    await writeFile(f, bytes);
    expect(readSmallFile(f, bytes.length).equals(bytes)).toBe(true);
    await writeFile(f, '');
    expect(readSmallFile(f, 0).length).toBe(0);
  });

  it('refuses a file that grew or shrank since it was listed, naming it', async () => {
    const f = path.join(tmp.dir, 'obj');
    await writeFile(f, 'abcdef');
    expect(() => readSmallFile(f, 5)).toThrow(expect.objectContaining({ code: 'IO_ERROR', message: expect.stringContaining(`${f} holds more bytes than the 5`) }));
    expect(() => readSmallFile(f, 7)).toThrow(expect.objectContaining({ code: 'IO_ERROR', message: expect.stringContaining(`${f} holds fewer bytes than the 7`) }));
  });

  it('names a missing file', () => {
    const f = path.join(tmp.dir, 'gone');
    expect(() => readSmallFile(f, 3)).toThrow(expect.objectContaining({ message: expect.stringContaining(f) }));
  });
});
