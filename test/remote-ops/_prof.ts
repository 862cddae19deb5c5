import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { add } from '../../electron/core/ops/add.ts';
import { push } from '../../electron/core/ops/push.ts';
import { cloudStatus } from '../../electron/core/ops/cloud-status.ts';
import { openRepo } from '../../electron/core/repo/open-repo.ts';
import { makeGitRepo } from '../../test/helpers/git-repo.ts';
import { startS3rver } from '../../test/helpers/s3rver.ts';
import { configureRemote } from '../../test/remote-ops/repo-fixture.ts';
const server = await startS3rver();
const g = await makeGitRepo({ dvc: true });
try {
  await mkdir(g.abs('data'), { recursive: true });
  for (let i = 0; i < 5000; i++) await writeFile(g.abs(`data/f${i}.bin`), `file ${i}\n`.repeat(10));
  await configureRemote(path.join(g.dir, '.dvc'), { kind: 's3', endpoint: server.endpoint, bucket: server.bucket, prefix: 'p' });
  let repo = await openRepo(g.dir);
  await add(repo, { targets: ['data'] });
  let t = performance.now();
  await push(repo);
  console.log('push', performance.now() - t);
  repo.close();
  for (let k = 0; k < 3; k++) {
    t = performance.now();
    repo = await openRepo(g.dir);
    const t1 = performance.now();
    const r = await cloudStatus(repo);
    console.log('open', (t1 - t).toFixed(0), 'status', (performance.now() - t1).toFixed(0), r.clean, r.totals);
    repo.close();
  }
} finally {
  await server.stop();
  await g.cleanup();
}
