import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLockstepError } from '../../../electron/core/errors/index.ts';
import { md5Bytes } from '../../../electron/core/hash/md5-file.ts';
import { objectKey } from '../../../electron/core/remote/object-key.ts';
import { s3RequestParams } from '../../../electron/core/remote/s3-request-params.ts';
import { s3Remote } from './fixtures.ts';
import { useProxiedS3 } from '../../helpers/proxied-s3.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('S3 encryption and ACL options', () => {
  it('maps sse, kms key, SSE-C, acl and grants onto request fields', () => {
    expect(s3RequestParams('r', { sse: 'aws:kms', sse_kms_key_id: 'key-1', acl: 'bucket-owner-full-control' })).toEqual({
      write: { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'key-1', ACL: 'bucket-owner-full-control' },
      customerKey: {},
      etagIsMd5: false,
    });
    const ssec = s3RequestParams('r', { sse_customer_algorithm: 'AES256', sse_customer_key: KEY, grant_read: 'id=abc' });
    expect(ssec.customerKey).toEqual({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: KEY });
    expect(ssec.write).toEqual({ GrantRead: 'id=abc', SSECustomerAlgorithm: 'AES256', SSECustomerKey: KEY });
    expect(ssec.etagIsMd5).toBe(false);
    expect(s3RequestParams('r', {})).toEqual({ write: {}, customerKey: {}, etagIsMd5: true });
  });

  it('refuses acl together with grants, half an SSE-C pair, and a key that is not 256-bit base64', () => {
    const cases = [
      { acl: 'private', grant_full_control: 'id=x' },
      { sse_customer_algorithm: 'AES256' },
      { sse_customer_algorithm: 'AES256', sse_customer_key: 'c2hvcnQ=' },
    ];
    for (const opts of cases) {
      let caught: unknown;
      try {
        s3RequestParams('team', opts);
      } catch (err) {
        caught = err;
      }
      expect(isLockstepError(caught, 'CONFIG_ERROR')).toBe(true);
      expect((caught as Error).message).toContain('Remote "team"');
    }
  });

  describe('on the wire', () => {
    const env = useProxiedS3();

    it('sends the canned ACL and server-side encryption headers with every upload', async () => {
      const remote = await s3Remote(env.proxy.endpoint, env.server.bucket, 'sse', { acl: 'private', sse: 'AES256' });
      const body = Buffer.from('encrypted at rest\n');
      const md5 = md5Bytes(body);
      await mkdir(env.tmp.dir, { recursive: true });
      const src = path.join(env.tmp.dir, 'obj');
      await writeFile(src, body);
      await remote.upload(src, objectKey(md5, 'md5'), { size: body.length, md5 });
      remote.close();
      const put = env.proxy.requests.find((r) => r.method === 'PUT' && r.url.includes(objectKey(md5, 'md5')));
      expect(put?.headers['x-amz-acl']).toBe('private');
      expect(put?.headers['x-amz-server-side-encryption']).toBe('AES256');
    });
  });
});
