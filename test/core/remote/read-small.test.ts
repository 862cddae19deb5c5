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

// Both ways of reading (on this thread while the page cache answers, through the pool once a read was slow)
// must give the same bytes and the same errors.
describe.each(['auto', 'pool'] as const)('readSmallFile (the body of a small PUT), %s', (where) => {
  it('returns exactly the bytes of a file of the listed size', async () => {
    const f = path.join(tmp.dir, 'obj');
    const bytes = Buffer.from(Array.from({ length: 65536 }, (_, i) => i % 251));
    await writeFile(f, bytes);
    expect((await readSmallFile(f, bytes.length, where)).equals(bytes)).toBe(true);
    await writeFile(f, '');
    expect((await readSmallFile(f, 0, where)).length).toBe(0);
  });

  it('refuses a file that grew or shrank since it was listed, naming it', async () => {
    const f = path.join(tmp.dir, 'obj');
    await writeFile(f, 'abcdef');
    await expect(readSmallFile(f, 5, where)).rejects.toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining(`${f} holds more bytes than the 5`) });
    await expect(readSmallFile(f, 7, where)).rejects.toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining(`${f} holds fewer bytes than the 7`) });
  });

  it('names a missing file', async () => {
    const f = path.join(tmp.dir, 'gone');
    await expect(readSmallFile(f, 3, where)).rejects.toMatchObject({ message: expect.stringContaining(f) });
  });
});
