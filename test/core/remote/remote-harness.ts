import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openIndex, type IndexDb } from '../../../electron/core/index/db.ts';
import type { Remote } from '../../../electron/core/remote/types.ts';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.ts';
import { makeTempDir } from '../../helpers/tmp.ts';
import { localRemote, s3Remote } from './fixtures.ts';

/** One test case's remote (s3rver or a folder), its own index, and a fresh folder to work in. */
export interface RemoteCase {
  readonly remote: Remote;
  readonly index: IndexDb;
  readonly root: string;
}

/**
 * Starts one s3rver and one temp folder for the test file (stopped and removed after it) and returns
 * `setup(kind)`, which makes a fresh case per call: its folder is `<tmp>/<name>-N`, and an s3 remote
 * uses the key prefix `<name>-N`, so cases never see each other's objects.
 */
export function useRemoteCases(name: string): (kind: 's3' | 'local') => Promise<RemoteCase> {
  let server: S3rverHandle | undefined;
  let tmp: { dir: string; cleanup: () => Promise<void> } | undefined;
  const opened: { close(): void }[] = [];
  beforeAll(async () => {
    server = await startS3rver();
    tmp = await makeTempDir();
  });
  afterAll(async () => {
    for (const o of opened) o.close();
    await server?.stop();
    await tmp?.cleanup();
  });
  let n = 0;
  return async (kind) => {
    if (!server || !tmp) throw new Error('useRemoteCases: setup() called outside a test');
    n++;
    const root = path.join(tmp.dir, `${name}-${n}`);
    const remote = kind === 's3' ? await s3Remote(server.endpoint, server.bucket, `${name}-${n}`) : await localRemote(path.join(root, 'remote'));
    const index = openIndex({ dvcDir: path.join(root, '.dvc') });
    opened.push(remote, index);
    return { remote, index, root };
  };
}
