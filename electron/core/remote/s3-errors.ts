import { LockstepError } from '../errors/index.ts';

// Error names/codes S3 (and S3-compatible stores) use for "slow down and try again".
const RETRY_NAMES = new Set([
  'SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequests', 'RequestTimeout', 'RequestTimeTooSkewed',
  'InternalError', 'ServiceUnavailable', 'TimeoutError', 'RequestTimeoutException', 'BadDigest',
]);
// Socket-level failures: the connection dropped or never came up.
const NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'ERR_STREAM_PREMATURE_CLOSE']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const AUTH_NAMES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired', 'CredentialsProviderError']);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
  cause?: unknown;
}

/** The HTTP status of an SDK error, when the server answered at all. */
export function httpStatus(err: unknown): number | undefined {
  const e = err as SdkErrorShape | undefined;
  return e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
}

function networkCode(err: unknown): string | undefined {
  for (let e = err as SdkErrorShape | undefined, depth = 0; e && depth < 4; e = e.cause as SdkErrorShape | undefined, depth++) {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
    if (e.message === 'socket hang up' || e.message === 'aborted') return 'ECONNRESET';
  }
  return undefined;
}

/**
 * Turns whatever the SDK threw into a LockstepError that says which remote, which object and what to do.
 * Throttling, 5xx, timeouts and dropped connections are marked `retryable` for `withRetry`; auth problems
 * become REMOTE_AUTH, a missing bucket REMOTE_NOT_FOUND, an unreachable endpoint a REMOTE_ERROR naming it.
 */
export function mapS3Error(err: unknown, ctx: { remote: string; bucket: string; key?: string; endpoint?: string; action: string }): LockstepError {
  if (err instanceof LockstepError) return err;
  const e = err as SdkErrorShape;
  const name = e?.name ?? '';
  const status = httpStatus(err);
  const where = ctx.key ? `s3://${ctx.bucket}/${ctx.key}` : `s3://${ctx.bucket}`;
  const data = { remote: ctx.remote, bucket: ctx.bucket, key: ctx.key, status, s3Code: name || e?.code };
  if (name === 'AbortError' || e?.code === 'ABORT_ERR') {
    return new LockstepError('ABORTED', 'The operation was cancelled.', {}, { cause: err });
  }
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError' || /Could not load credentials/i.test(e?.message ?? '')) {
    const mapped = mapCredentialsError(err, { remote: ctx.remote, sso: false });
    return new LockstepError(mapped.code, mapped.message, { ...data, ...mapped.data }, { cause: err });
  }
  if (name === 'NoSuchBucket') {
    return new LockstepError('REMOTE_NOT_FOUND', `The bucket "${ctx.bucket}" of remote "${ctx.remote}" does not exist${ctx.endpoint ? ` at ${ctx.endpoint}` : ''}. Create it, or fix the url with \`lockstep remote modify ${ctx.remote} url s3://<bucket>/<prefix>\`.`, { ...data, retryable: false }, { cause: err });
  }
  if (AUTH_NAMES.has(name) || status === 403 || status === 401) {
    return new LockstepError('REMOTE_AUTH', `Remote "${ctx.remote}" refused to ${ctx.action} ${where}: ${name || `HTTP ${status}`} (${e?.message ?? 'access denied'}). Check the credentials and the bucket policy.`, { ...data, retryable: false }, { cause: err });
  }
  const net = networkCode(err);
  if (net !== undefined && UNREACHABLE_CODES.has(net)) {
    return new LockstepError('REMOTE_ERROR', `Cannot reach the endpoint of remote "${ctx.remote}"${ctx.endpoint ? ` (${ctx.endpoint})` : ''}: ${net}. Check the network and the endpointurl setting.`, { ...data, errno: net, retryable: true, unreachable: true }, { cause: err });
  }
  if (net !== undefined || RETRY_NAMES.has(name) || (status !== undefined && (status >= 500 || status === 429))) {
    return new LockstepError('REMOTE_ERROR', `Remote "${ctx.remote}" failed to ${ctx.action} ${where}: ${name || net || `HTTP ${status}`}${e?.message ? ` (${e.message})` : ''}.`, { ...data, errno: net, retryable: true }, { cause: err });
  }
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) {
    return new LockstepError('REMOTE_NOT_FOUND', `The object ${where} is missing from remote "${ctx.remote}".`, { ...data, retryable: false }, { cause: err });
  }
  return new LockstepError('REMOTE_ERROR', `Remote "${ctx.remote}" failed to ${ctx.action} ${where}: ${name || `HTTP ${status ?? '?'}`}${e?.message ? ` (${e.message})` : ''}.`, { ...data, retryable: false }, { cause: err });
}

/**
 * Turns a failure of the AWS credential chain into a LockstepError naming the remote and the profile.
 * `sso` says the remote's named profile is an SSO profile whose sign-in failed (expired or missing cached
 * token, the portal refusing it): that reads "run `aws sso login --profile <name>`", or, when the portal
 * cannot be reached, a retryable network error. Without `sso`, a failed chain is "no credentials found",
 * with the same SSO advice when the SDK's message shows the chain died on an SSO profile (AWS_PROFILE).
 */
export function mapCredentialsError(err: unknown, ctx: { remote: string; profile?: string; sso: boolean }): LockstepError {
  if (err instanceof LockstepError) return err;
  const sdkMessage = (err as SdkErrorShape | undefined)?.message?.trim().replace(/\.$/, '') ?? String(err);
  const envProfile = process.env.AWS_PROFILE || undefined;
  const profile = ctx.profile ?? envProfile;
  const data = { remote: ctx.remote, profile, retryable: false };
  if (ctx.sso || /\bsso\b/i.test(sdkMessage)) {
    const net = networkCode(err) ?? [...NETWORK_CODES].find((c) => sdkMessage.includes(c));
    const named = profile === undefined ? 'the default AWS profile' : `the AWS profile "${profile}"`;
    if (net !== undefined) {
      return new LockstepError('REMOTE_ERROR', `Cannot reach the AWS SSO portal to sign in ${named} for remote "${ctx.remote}": ${net}. Check the network (and AWS_ENDPOINT_URL_SSO, if set).`, { ...data, errno: net, retryable: true, unreachable: UNREACHABLE_CODES.has(net) }, { cause: err });
    }
    const login = profile === undefined ? 'aws sso login' : `aws sso login --profile ${profile}`;
    return new LockstepError('REMOTE_AUTH', `Remote "${ctx.remote}" could not get AWS credentials through the SSO sign-in of ${named} (${sdkMessage}). Run \`${login}\` and try again.`, { ...data, sso: true }, { cause: err });
  }
  if (ctx.profile !== undefined) {
    return new LockstepError('REMOTE_AUTH', `No AWS credentials found for remote "${ctx.remote}" through its profile "${ctx.profile}" (${sdkMessage}). Check that the profile exists in the AWS config or credentials file (the remote's configpath/credentialpath, AWS_CONFIG_FILE, ~/.aws/config) and holds credentials, or pick another with \`lockstep remote modify ${ctx.remote} profile <name>\`.`, data, { cause: err });
  }
  return new LockstepError('REMOTE_AUTH', `No AWS credentials found for remote "${ctx.remote}". Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, configure a profile (\`lockstep remote modify ${ctx.remote} profile <name>\`), or store keys with \`lockstep remote modify --local ${ctx.remote} access_key_id <id>\` and \`secret_access_key <secret>\`.`, data, { cause: err });
}
