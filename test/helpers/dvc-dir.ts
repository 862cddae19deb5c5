import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach } from 'vitest';
import { makeTempDir } from './tmp.ts';

/** For lock tests: returns a maker of fresh `.dvc` folders (with `tmp/`) in temp dirs removed after each test. */
export function useTempDvcDirs(): () => Promise<string> {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  return async () => {
    const tmp = await makeTempDir();
    cleanups.push(tmp.cleanup);
    const d = path.join(tmp.dir, '.dvc');
    await mkdir(path.join(d, 'tmp'), { recursive: true });
    return d;
  };
}
