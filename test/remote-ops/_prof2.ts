import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { add } from '../../electron/core/ops/add.ts';
import { push } from '../../electron/core/ops/push.ts';
import { openRepo } from '../../electron/core/repo/open-repo.ts';
import { makeGitRepo } from '../helpers/git-repo.ts';
import { startS3rver } from '../helpers/s3rver.ts';
import { configureRemote } from './repo-fixture.ts';
const N = Number(process.argv[2] ?? 1000);
const server = await startS3rver();
const g = await makeGitRepo({ dvc: true });
try {
  await mkdir(g.abs('data'), { recursive: true });
  for (let i = 0; i < N; i++) await writeFile(g.abs(`data/f${i}.bin`), Buffer.alloc(64 * 1024, i % 251));
  await configureRemote(path.join(g.dir, '.dvc'), { kind: 's3', endpoint: server.endpoint, bucket: server.bucket, prefix: 'p' });
  const repo = await openRepo(g.dir);
  await add(repo, { targets: ['data'] });
  const cpu0 = process.cpuUsage();
  let t = performance.now();
  await push(repo, { jobs: Number(process.argv[3] ?? 16) });
  const cpu = process.cpuUsage(cpu0);
  console.log('push', N, 'files', (performance.now() - t).toFixed(0), 'ms; client cpu', ((cpu.user + cpu.system) / 1000).toFixed(0), 'ms');
  repo.close();
  // rclone same data, same server
  const conf = path.join(g.dir, 'rclone.conf');
  await writeFile(conf, `[s3r]\ntype = s3\nprovider = Other\naccess_key_id = S3RVER\nsecret_access_key = S3RVER\nendpoint = ${server.endpoint}\n`);
  const env = { ...process.env }; delete env.AWS_CA_BUNDLE;
  t = performance.now();
  execFileSync('rclone', ['--config', conf, 'copy', g.abs('data'), `s3r:${server.bucket}/rclone`], { env, stdio: 'inherit' });
  console.log('rclone', N, 'files', (performance.now() - t).toFixed(0), 'ms');
} finally {
  await server.stop();
  await g.cleanup();
}
