import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import { fromNodeProviderChain, fromSSO } from '@aws-sdk/credential-providers';
import { LockstepError } from '../errors/index.ts';
import { mapCredentialsError } from './s3-errors.ts';
import { S3ObjectHttp } from './s3-object-http.ts';
import { s3RequestParams, type S3RequestParams } from './s3-request-params.ts';

/** The remote options (dvc-format.md §5.3) that shape the S3 client. Values arrive as config strings. */
export type S3RemoteOptions = Readonly<Record<string, unknown>>;

function str(opts: S3RemoteOptions, key: string): string | undefined {
  const v = opts[key];
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? v.join(',') : String(v);
}

/** ConfigObj booleans: `true`/`false` in any case (and DVC's Python-style `True`). */
export function configBool(opts: S3RemoteOptions, key: string, dflt: boolean): boolean {
  const v = str(opts, key);
  if (v === undefined) return dflt;
  if (/^(true|yes|1|on)$/i.test(v)) return true;
  if (/^(false|no|0|off)$/i.test(v)) return false;
  throw new LockstepError('CONFIG_ERROR', `Remote option "${key}" must be true or false, got "${v}".`, { key, value: v });
}

function seconds(opts: S3RemoteOptions, key: string, dflt: number): number {
  const v = str(opts, key);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new LockstepError('CONFIG_ERROR', `Remote option "${key}" must be a positive number of seconds, got "${v}".`, { key, value: v });
  return n;
}

type CredentialProvider = ReturnType<typeof fromSSO>;

/**
 * The standard AWS credential chain for a remote, shaped by its `profile`, `credentialpath` and `configpath`
 * options. A named profile is first tried as an SSO profile on its own: the SDK's chain reaches SSO profiles
 * through its shared-file provider, which drops the custom file paths on the way (so an SSO profile in a
 * `configpath` file was never found), and an SSO failure seen on its own can be reported as one ("run
 * `aws sso login`") instead of as "no credentials". A profile that is not an SSO profile makes the SSO
 * provider step aside (`tryNextLink`), and the full chain decides as before. Failures become LockstepErrors
 * that name the remote and the profile.
 */
function chainCredentials(remoteName: string, opts: S3RemoteOptions): CredentialProvider {
  const profile = str(opts, 'profile');
  const files = { profile, filepath: str(opts, 'credentialpath'), configFilepath: str(opts, 'configpath') };
  const chain = fromNodeProviderChain(files);
  const sso = profile === undefined ? undefined : fromSSO(files);
  return async (props) => {
    if (sso !== undefined) {
      try {
        return await sso(props);
      } catch (err) {
        if ((err as { tryNextLink?: boolean } | undefined)?.tryNextLink === false) throw mapCredentialsError(err, { remote: remoteName, profile, sso: true });
      }
    }
    try {
      return await chain(props);
    } catch (err) {
      throw mapCredentialsError(err, { remote: remoteName, profile, sso: false });
    }
  };
}

/**
 * Whether the SDK sends this client's requests to an endpoint configured outside the remote's options:
 * AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, or `endpoint_url` (plain or in a `services` section) in the shared
 * config file, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS says otherwise. The SDK's own lookup answers,
 * so other services' settings (AWS_ENDPOINT_URL_SSO, `sso = endpoint_url` for the SSO portal) never count.
 */
async function hasConfiguredEndpoint(cfg: object): Promise<boolean> {
  const lookup = (cfg as { serviceConfiguredEndpoint?: () => Promise<unknown> }).serviceConfiguredEndpoint;
  if (typeof lookup !== 'function') return Boolean(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL);
  return Boolean(await lookup());
}

/**
 * The `region` of the AWS profile (the remote's, else AWS_PROFILE, else default) as the SDK reads it from the
 * shared config file, else us-east-1: a remote that names only a profile is signed for that profile's region,
 * as boto3 does for DVC. Asked of a throwaway client (no I/O but the file read): the SDK's own loader is
 * internal to it. Resolved once, on the first request.
 */
function profileRegion(profile: string | undefined): () => Promise<string> {
  let answer: Promise<string> | undefined;
  return () => {
    answer ??= (async () => {
      const probe = new S3Client({ profile });
      try {
        return await probe.config.region();
      } catch {
        return 'us-east-1';
      } finally {
        probe.destroy();
      }
    })();
    return answer;
  };
}

const noop = (): void => {};
const SILENT_LOGGER = { trace: noop, debug: noop, info: noop, warn: noop, error: noop };

/** What `createS3Client` built, plus the facts error messages need. */
export interface S3ClientBundle {
  readonly client: S3Client;
  readonly endpoint?: string;
  /** Encryption and ACL fields from the remote's options, added to every request that needs them. */
  readonly params: S3RequestParams;
  /**
   * The lean GET/PUT transport for `bucket` (see s3-object-http.ts), sharing the SDK's credentials and
   * sockets; null when only the SDK knows how to reach the bucket (an S3 endpoint from AWS_ENDPOINT_URL(_S3)
   * or the shared config file, an endpoint that needs another auth scheme than SigV4).
   */
  objectHttp(bucket: string): Promise<S3ObjectHttp | null>;
  close(): void;
}

/**
 * Builds the SDK client for one remote. Path-style addressing and checksums only "when required" are
 * deliberate (ENVIRONMENT.md): with the SDK defaults many S3-compatible stores save the aws-chunked
 * framing into the object. Integrity comes from our own md5 checks instead. The SDK's own retries are
 * off (`maxAttempts: 1`) because a streamed body cannot be replayed; the remote retries with a fresh
 * stream. Credentials: static keys from config (only ever in config.local), anonymous when allowed, else
 * the standard AWS chain (env, shared files, SSO, profile; see `chainCredentials`).
 */
export function createS3Client(remoteName: string, opts: S3RemoteOptions, maxSockets: number): S3ClientBundle {
  let endpoint = str(opts, 'endpointurl');
  if (endpoint !== undefined) {
    try {
      const u = new URL(endpoint);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
      if (!configBool(opts, 'use_ssl', true) && u.protocol === 'https:') u.protocol = 'http:';
      endpoint = u.toString().replace(/\/$/, '');
    } catch {
      throw new LockstepError('CONFIG_ERROR', `Remote "${remoteName}" has a malformed endpointurl "${endpoint}". Use e.g. https://s3.example.com:9000.`, { remote: remoteName, endpointurl: endpoint });
    }
  }
  const params = s3RequestParams(remoteName, opts);
  const sslVerify = str(opts, 'ssl_verify');
  const httpsAgentOpts: ConstructorParameters<typeof HttpsAgent>[0] = { keepAlive: true, maxSockets };
  if (sslVerify !== undefined) {
    if (/^(false|no|0|off)$/i.test(sslVerify)) httpsAgentOpts.rejectUnauthorized = false;
    else if (!/^(true|yes|1|on)$/i.test(sslVerify)) {
      try {
        httpsAgentOpts.ca = readFileSync(sslVerify);
      } catch {
        throw new LockstepError('CONFIG_ERROR', `Remote "${remoteName}": ssl_verify points at ${sslVerify}, which cannot be read.`, { remote: remoteName, file: sslVerify });
      }
    }
  }
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets });
  const httpsAgent = new HttpsAgent(httpsAgentOpts);
  const keyId = str(opts, 'access_key_id');
  const secret = str(opts, 'secret_access_key');
  if ((keyId === undefined) !== (secret === undefined)) {
    throw new LockstepError('CONFIG_ERROR', `Remote "${remoteName}" sets only one of access_key_id and secret_access_key; set both (with --local) or neither.`, { remote: remoteName });
  }
  const anonymous = configBool(opts, 'allow_anonymous_login', false) && keyId === undefined;
  const credentials = keyId !== undefined && secret !== undefined
    ? { accessKeyId: keyId, secretAccessKey: secret, sessionToken: str(opts, 'session_token') }
    : anonymous
      ? { accessKeyId: '', secretAccessKey: '' }
      : chainCredentials(remoteName, opts);
  const connectTimeoutMs = seconds(opts, 'connect_timeout', 15) * 1000;
  const socketTimeoutMs = seconds(opts, 'read_timeout', 60) * 1000;
  const client = new S3Client({
    region: str(opts, 'region') ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? profileRegion(str(opts, 'profile')),
    endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    // A silent logger: the SDK otherwise warns on stderr about every failed streamed upload, which we retry ourselves.
    logger: SILENT_LOGGER,
    credentials,
    ...(anonymous ? { signer: { sign: async (req) => req } } : {}),
    requestHandler: {
      connectionTimeout: connectTimeoutMs,
      // Idle-socket timeout: a server that stalls mid-body is given up on and the transfer retried.
      socketTimeout: socketTimeoutMs,
      httpAgent,
      httpsAgent,
    },
  });
  const objectHttp = async (bucket: string): Promise<S3ObjectHttp | null> => {
    const cfg = client.config;
    if (endpoint === undefined && await hasConfiguredEndpoint(cfg)) return null;
    const region = await cfg.region();
    // The SDK's own endpoint rules say where the bucket lives (partitions, FIPS, dual-stack, custom endpoints).
    const resolved = cfg.endpointProvider({
      Region: region, UseFIPS: await cfg.useFipsEndpoint(), UseDualStack: await cfg.useDualstackEndpoint(),
      ForcePathStyle: true, Bucket: bucket, ...(endpoint === undefined ? {} : { Endpoint: endpoint }),
    });
    const schemes = resolved.properties?.authSchemes as { name?: string; signingRegion?: string }[] | undefined;
    const scheme = schemes?.[0];
    if (scheme !== undefined && scheme.name !== 'sigv4') return null;
    return new S3ObjectHttp({
      bucketUrl: resolved.url.href, region: scheme?.signingRegion ?? region,
      credentials: anonymous ? null : () => cfg.credentials(),
      httpAgent, httpsAgent, connectTimeoutMs, socketTimeoutMs,
    });
  };
  return {
    client,
    endpoint,
    params,
    objectHttp,
    close: () => {
      client.destroy();
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
