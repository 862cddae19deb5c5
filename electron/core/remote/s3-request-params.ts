import { createHash } from 'node:crypto';
import { LockstepError } from '../errors/index.ts';

/** The remote options (dvc-format.md §5.3) as they come out of the config: strings, or lists from commas. */
type Options = Readonly<Record<string, unknown>>;

/** Extra request fields for writes (PutObject, CreateMultipartUpload) and for reads of SSE-C objects. */
export interface S3RequestParams {
  readonly write: Readonly<Record<string, string>>;
  /** SSE-C needs the customer key on every GET, HEAD and UploadPart too. */
  readonly customerKey: Readonly<Record<string, string>>;
  /**
   * Whether the server's ETag can be compared with the body's md5. With SSE-KMS or SSE-C, S3 returns an
   * ETag that is not the md5, so the Content-MD5 header (checked by the server) is the integrity check.
   */
  readonly etagIsMd5: boolean;
}

const GRANTS: Readonly<Record<string, string>> = {
  grant_read: 'GrantRead',
  grant_read_acp: 'GrantReadACP',
  grant_write_acp: 'GrantWriteACP',
  grant_full_control: 'GrantFullControl',
};

function str(opts: Options, key: string): string | undefined {
  const v = opts[key];
  if (v === undefined || v === null || v === '') return undefined;
  return Array.isArray(v) ? v.join(',') : String(v);
}

/**
 * Maps DVC's S3 encryption and ACL options onto request fields, as dvc-s3 does: `sse`, `sse_kms_key_id`,
 * `sse_customer_algorithm` + `sse_customer_key` (base64), `acl`, and the `grant_*` options, which S3 refuses
 * together with a canned ACL, so the combination is a CONFIG_ERROR here rather than a 400 mid-push.
 */
export function s3RequestParams(remoteName: string, opts: Options): S3RequestParams {
  const write: Record<string, string> = {};
  const customerKey: Record<string, string> = {};
  const sse = str(opts, 'sse');
  if (sse !== undefined) write.ServerSideEncryption = sse;
  const kmsKey = str(opts, 'sse_kms_key_id');
  if (kmsKey !== undefined) write.SSEKMSKeyId = kmsKey;
  const algorithm = str(opts, 'sse_customer_algorithm');
  const key = str(opts, 'sse_customer_key');
  if ((algorithm === undefined) !== (key === undefined)) {
    throw new LockstepError('CONFIG_ERROR', `Remote "${remoteName}" sets only one of sse_customer_algorithm and sse_customer_key; SSE-C needs both.`, { remote: remoteName });
  }
  if (algorithm !== undefined && key !== undefined) {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || Buffer.from(key, 'base64').length !== 32) {
      throw new LockstepError('CONFIG_ERROR', `Remote "${remoteName}": sse_customer_key must be a base64-encoded 256-bit key.`, { remote: remoteName });
    }
    customerKey.SSECustomerAlgorithm = algorithm;
    customerKey.SSECustomerKey = key;
  }
  const acl = str(opts, 'acl');
  const grants = Object.keys(GRANTS).filter((k) => str(opts, k) !== undefined);
  if (acl !== undefined && grants.length > 0) {
    throw new LockstepError('CONFIG_ERROR', `Remote "${remoteName}" sets both acl and ${grants.join(', ')}; S3 accepts one or the other.`, { remote: remoteName });
  }
  if (acl !== undefined) write.ACL = acl;
  for (const g of grants) write[GRANTS[g] as string] = str(opts, g) as string;
  return {
    write: { ...write, ...customerKey },
    customerKey,
    etagIsMd5: sse !== 'aws:kms' && sse !== 'aws:kms:dsse' && algorithm === undefined,
  };
}

/** The HTTP header each request field above travels in. */
const HEADER_OF: Readonly<Record<string, string>> = {
  ServerSideEncryption: 'x-amz-server-side-encryption',
  SSEKMSKeyId: 'x-amz-server-side-encryption-aws-kms-key-id',
  SSECustomerAlgorithm: 'x-amz-server-side-encryption-customer-algorithm',
  SSECustomerKey: 'x-amz-server-side-encryption-customer-key',
  ACL: 'x-amz-acl',
  GrantRead: 'x-amz-grant-read',
  GrantReadACP: 'x-amz-grant-read-acp',
  GrantWriteACP: 'x-amz-grant-write-acp',
  GrantFullControl: 'x-amz-grant-full-control',
};

/**
 * The request fields of {@link S3RequestParams} as HTTP headers, for requests sent without the SDK. SSE-C
 * also needs the key's md5 (the SDK adds it on its own). A field without a known header is an error, so
 * a field added above cannot be dropped silently on that path.
 */
export function requestParamHeaders(fields: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, value] of Object.entries(fields)) {
    const header = HEADER_OF[field];
    if (header === undefined) throw new LockstepError('INTERNAL', `No HTTP header is known for the S3 request field ${field}.`, { field });
    out[header] = value;
    if (field === 'SSECustomerKey') out['x-amz-server-side-encryption-customer-key-md5'] = createHash('md5').update(Buffer.from(value, 'base64')).digest('base64');
  }
  return out;
}
