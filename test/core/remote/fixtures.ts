import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { openRemote } from '../../../electron/core/remote/open-remote.ts';
import type { S3Tuning } from '../../../electron/core/remote/s3-remote.ts';
import type { Remote } from '../../../electron/core/remote/types.ts';
import { S3RVER_KEY, S3RVER_SECRET } from '../../helpers/s3rver.ts';

/** Fast retries for tests: same logic, shorter waits. */
export const TEST_RETRY = { attempts: 6, baseDelayMs: 20, maxDelayMs: 200 };

/** An S3 remote at `endpoint` (s3rver or the fault proxy in front of it). */
export async function s3Remote(endpoint: string, bucket: string, prefix = 'store', extra: Record<string, string> = {}, tuning: Partial<S3Tuning> = {}): Promise<Remote> {
  const config = {
    core: {},
    remotes: { r: { url: `s3://${bucket}/${prefix}`, endpointurl: endpoint, access_key_id: S3RVER_KEY, secret_access_key: S3RVER_SECRET, ...extra } },
  };
  return (await openRemote(config, '/nonexistent', 'r', { retry: TEST_RETRY, ...tuning })).remote;
}

/** A folder remote at `dir`. */
export async function localRemote(dir: string): Promise<Remote> {
  return (await openRemote({ core: {}, remotes: { r: { url: dir } } }, '/nonexistent', 'r')).remote;
}

/** Writes `size` random bytes to `file` in 1 MiB chunks and returns their md5. */
export async function writeRandomFile(file: string, size: number): Promise<string> {
  const h = createHash('md5');
  const fh = await open(file, 'w');
  try {
    let left = size;
    while (left > 0) {
      const chunk = randomBytes(Math.min(left, 1024 * 1024));
      h.update(chunk);
      await fh.write(chunk);
      left -= chunk.length;
    }
  } finally {
    await fh.close();
  }
  return h.digest('hex');
}

/** Reads a remote object fully (small objects only). */
export async function readAll(remote: Remote, key: string): Promise<Buffer> {
  const { stream } = await remote.read(key);
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
