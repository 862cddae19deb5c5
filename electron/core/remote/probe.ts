import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LockstepError } from '../errors/index.ts';
import { md5Bytes } from '../hash/md5-file.ts';
import type { Remote } from './types.ts';

/** One step of `remote test` and how it went. */
export interface ProbeStep {
  readonly step: 'credentials' | 'bucket' | 'write' | 'read' | 'delete';
  readonly ok: boolean;
  readonly ms: number;
}

/**
 * Proves a remote is usable end to end: for S3, the credentials are accepted and the bucket is reachable
 * (HeadBucket); then, for every remote, a small probe object is written, read back, compared and deleted.
 * The first failing step throws its LockstepError (REMOTE_AUTH, REMOTE_NOT_FOUND, REMOTE_ERROR) unchanged.
 */
export async function probeRemote(remote: Remote, signal?: AbortSignal): Promise<ProbeStep[]> {
  const steps: ProbeStep[] = [];
  const timed = async (step: ProbeStep['step'], fn: () => Promise<void>): Promise<void> => {
    const t0 = performance.now();
    await fn();
    steps.push({ step, ok: true, ms: Math.round(performance.now() - t0) });
  };
  if (remote.checkAccess) {
    const check = remote.checkAccess.bind(remote);
    await timed('bucket', () => check(signal));
  }
  const body = Buffer.from(`lockstep remote test ${new Date().toISOString()} ${randomBytes(8).toString('hex')}\n`);
  const key = `.lockstep-probe-${randomBytes(8).toString('hex')}`;
  const dir = await mkdtemp(path.join(tmpdir(), 'lockstep-probe-'));
  try {
    const file = path.join(dir, 'probe');
    await writeFile(file, body);
    await timed('write', () => remote.upload(file, key, { size: body.length, md5: md5Bytes(body), signal }));
    await timed('read', async () => {
      const { stream } = await remote.read(key, { signal });
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      if (!Buffer.concat(chunks).equals(body)) {
        throw new LockstepError('REMOTE_ERROR', `Remote "${remote.name}" returned different bytes for the probe object ${key} than were written.`, { remote: remote.name, key });
      }
    });
    await timed('delete', () => remote.remove(key, signal));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return steps;
}
