import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { add } from '../../electron/core/ops/add.ts';
import { push } from '../../electron/core/ops/push.ts';
import { cloudStatus } from '../../electron/core/ops/cloud-status.ts';
import { collectOutputs } from '../../electron/core/repo/outputs.ts';
import { openRepo } from '../../electron/core/repo/open-repo.ts';
import { makeGitRepo } from '../helpers/git-repo.ts';
import { startS3rver } from '../helpers/s3rver.ts';
import { configureRemote } from './repo-fixture.ts';
const server = await startS3rver();
const g = await makeGitRepo({ dvc: true });
try {
  await mkdir(g.abs('data'), { recursive: true });
  for (let i = 0; i < 5000; i++) await writeFile(g.abs(`data/f${i}.bin`), `file ${i}\n`);
  await configureRemote(path.join(g.dir, '.dvc'), { kind: 's3', endpoint: server.endpoint, bucket: server.bucket, prefix: 'p' });
  let repo = await openRepo(g.dir);
  await add(repo, { targets: ['data'] });
  await push(repo, { jobs: 32 });
  repo.close();
  for (let k = 0; k < 3; k++) {
    repo = await openRepo(g.dir);
    let t = performance.now();
    const outs = await collectOutputs(repo);
    const tc = performance.now() - t;
    t = performance.now();
    await repo.odb.readManifest(outs[0]!.output.md5!, 'md5');
    const tm = performance.now() - t;
    t = performance.now();
    const r = await cloudStatus(repo);
    console.log('collect', tc.toFixed(0), 'manifest', tm.toFixed(0), 'status', (performance.now() - t).toFixed(0), r.clean);
    repo.close();
  }
} finally {
  await server.stop();
  await g.cleanup();
}
