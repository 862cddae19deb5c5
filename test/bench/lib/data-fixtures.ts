// Fixtures of plain data shared by several benchmarks in one run (the 2 GiB file is built once for
// `hash` and `add-large`).
import path from 'node:path';
import type { FixtureDef } from './benchmark.ts';
import { writeRandomFile } from './generate.ts';

/** The large file: 2 GiB of pseudo-random bytes (times --scale). */
export const bigFile: FixtureDef<{ file: string; size: number }> = {
  id: 'big-file',
  async create(dir, ctx) {
    const size = Math.round(2 * 2 ** 30 * ctx.scale);
    const file = path.join(dir, 'big.bin');
    await writeRandomFile(file, size, 'big-file');
    return { file, size };
  },
};
