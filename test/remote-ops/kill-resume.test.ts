import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIndex } from '../../electron/core/index/db.ts';
import { add } from '../../electron/core/ops/add.ts';
import { openRemote } from '../../electron/core/remote/open-remote.ts';
import { objectKey } from '../../electron/core/remote/object-key.ts';
import { openRepo } from '../../electron/core/repo/open-repo.ts';
import { collect, runCli, spawnCli } from '../helpers/cli.ts';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.ts';
import { makeGitRepo, type TestGitRepo } from '../helpers/git-repo.ts';
import { S3RVER_KEY, S3RVER_SECRET, startS3rver, type S3rverHandle } from '../helpers/s3rver.ts';
import { writeRandomFile } from '../core/remote/fixtures.ts';
import { configureRemote } from './repo-fixture.ts';

const MiB = 1024 * 1024;
const SIZE = 60 * MiB;
const PART = 5 * MiB;
let server: S3rverHandle;
let proxy: FaultProxy;
let repo: TestGitRepo;

beforeAll(async () => {
  server = await startS3rver();
  proxy = await startFaultProxy(server.endpoint);
  repo = await makeGitRepo({ dvc: true });
});
afterAll(async () => {
  await proxy?.close();
  await server?.stop();
  await repo?.cleanup();
});

const query = (url: string, name: string): string | null => new URL(url, 'http://proxy').searchParams.get(name);
const isPartPut = (r: { method: string; url: string }): boolean => r.method === 'PUT' && query(r.url, 'partNumber') !== null;

describe('a push killed with SIGKILL mid-multipart', () => {
  it('resumes from the parts recorded in the index, never re-sending them, and stores the file intact', async () => {
    const md5 = await writeRandomFile(repo.abs('big.bin'), SIZE);
    await configureRemote(path.join(repo.dir, '.dvc'), { kind: 's3', endpoint: proxy.endpoint, bucket: server.bucket, prefix: 'kill' });
    const r = await openRepo(repo.dir);
    try {
      await add(r, { targets: ['big.bin'] });
    } finally {
      r.close();
    }
    const env = { LOCKSTEP_S3_PART_SIZE: String(PART), LOCKSTEP_S3_MULTIPART_THRESHOLD: String(PART) };
    // A slow link: every part's answer is held back, so the push is still running when we kill it.
    proxy.addRule({ match: isPartPut, fault: { kind: 'delay', ms: 300 }, times: Infinity });
    const child = spawnCli(['push', '--json', '-j', '2'], { cwd: repo.dir, env });
    const done = collect(child, 120_000);
    const index = openIndex({ dvcDir: path.join(repo.dir, '.dvc') });
    let recorded = 0;
    try {
      for (let i = 0; i < 600 && recorded < 3; i++) {
        await sleep(50);
        recorded = index.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM multipart_parts').get()?.n ?? 0;
      }
      child.kill('SIGKILL');
      const killed = await done;
      expect(killed.signal).toBe('SIGKILL');
      const parts = index.db.prepare<[], { part_number: number; size: number }>('SELECT part_number, size FROM multipart_parts ORDER BY part_number').all();
      expect(parts.length).toBeGreaterThanOrEqual(3);
      expect(parts.length).toBeLessThan(SIZE / PART);
      const savedNumbers = new Set(parts.map((p) => p.part_number));
      const savedBytes = parts.reduce((s, p) => s + p.size, 0);

      proxy.clearRules();
      proxy.requests.splice(0);
      const rerun = await runCli(['push', '--json'], { cwd: repo.dir, env });
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.json<{ uploaded: number }>().uploaded).toBe(1);
      const sent = proxy.requests.filter(isPartPut);
      for (const p of sent) expect(savedNumbers.has(Number(query(p.url, 'partNumber')))).toBe(false);
      expect(sent.reduce((s, p) => s + p.reqBytes, 0)).toBe(SIZE - savedBytes);
      expect(index.db.prepare('SELECT COUNT(*) AS n FROM multipart_uploads').get()).toEqual({ n: 0 });
    } finally {
      index.close();
    }

    const { remote } = await openRemote({ core: {}, remotes: { s: { url: `s3://${server.bucket}/kill`, endpointurl: server.endpoint, access_key_id: S3RVER_KEY, secret_access_key: S3RVER_SECRET } } }, '/', 's');
    try {
      const h = createHash('md5');
      const { stream, size } = await remote.read(objectKey(md5, 'md5'));
      for await (const c of stream) h.update(c as Buffer);
      expect(size).toBe(SIZE);
      expect(h.digest('hex')).toBe(md5);
    } finally {
      remote.close();
    }
    const status = await runCli(['status', '--cloud', '--json'], { cwd: repo.dir });
    expect(status.code, status.stderr).toBe(0);
    expect(status.json<{ clean: boolean }>().clean).toBe(true);
  });
});
