import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { EMPTY_PAYLOAD_HASH, SigV4Signer, encodeKeyPath, type SigningCredentials } from './s3-sigv4.ts';

/** How to reach the object API of one S3 remote. */
export interface S3ObjectHttpOptions {
  /** URL of the bucket, path-style (`http://127.0.0.1:9000/bucket`, `https://s3.eu-west-1.amazonaws.com/bucket`). */
  readonly bucketUrl: string;
  /** The region requests are signed for. */
  readonly region: string;
  /** Resolves the current credentials (the SDK's cached chain); null for anonymous requests. */
  readonly credentials: (() => Promise<SigningCredentials>) | null;
  readonly httpAgent: http.Agent;
  readonly httpsAgent: https.Agent;
  readonly connectTimeoutMs: number;
  /** A socket idle this long (no bytes either way), while connecting, sending or receiving, fails the request. */
  readonly socketTimeoutMs: number;
}

/** One object request. */
export interface ObjectRequest {
  readonly method: 'GET' | 'PUT';
  /** The full object key (the remote's prefix included). */
  readonly key: string;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The body of a PUT, streamed or (small objects) in one buffer; sent unsigned: Content-MD5 lets the server
   * check it instead.
   */
  readonly body?: Readable | Buffer;
  readonly signal?: AbortSignal;
}

/**
 * An S3 error answer in the shape the SDK gives its errors (`name` = the S3 error code, `$metadata` with
 * the HTTP status), so `mapS3Error` and `httpStatus` treat both paths alike.
 */
export class S3HttpError extends Error {
  readonly $metadata: { httpStatusCode: number };

  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode: status };
  }
}

const STATUS_NAMES: Readonly<Record<number, string>> = { 400: 'BadRequest', 403: 'AccessDenied', 404: 'NotFound', 412: 'PreconditionFailed', 416: 'InvalidRange', 500: 'InternalError', 503: 'ServiceUnavailable' };
/** Error bodies are small XML documents; anything longer is cut (only Code and Message are read). */
const MAX_ERROR_BODY = 64 * 1024;

function timeoutError(message: string): Error {
  return Object.assign(new Error(message), { name: 'TimeoutError' });
}

/**
 * GET and single PUT of objects over plain `http`/`https` with keep-alive sockets, signed with SigV4.
 *
 * Why not the SDK for these two: its middleware stack (endpoint rules, serializers, a full signer per
 * request) costs about 1.5 ms of CPU per request, which for 5,000 small objects is more CPU than the
 * transfer itself; on a small machine that CPU is taken from the server too. Listing, HEAD, multipart
 * and deletes stay on the SDK, where the per-request cost does not matter. Only 2xx answers resolve
 * (with the body unread); S3 errors reject as {@link S3HttpError}, network failures with Node's error.
 */
export class S3ObjectHttp {
  private readonly base: URL;
  private readonly basePath: string;
  private readonly signer: SigV4Signer;
  private readonly opts: S3ObjectHttpOptions;

  constructor(opts: S3ObjectHttpOptions) {
    this.opts = opts;
    this.base = new URL(opts.bucketUrl);
    this.basePath = this.base.pathname.replace(/\/+$/, '');
    this.signer = new SigV4Signer(opts.region);
  }

  /** The bucket's URL, for messages. */
  get endpoint(): string {
    return this.base.origin + this.basePath;
  }

  /** Sends one request; resolves with the response of a 2xx answer, its body not yet read. */
  async send(r: ObjectRequest): Promise<http.IncomingMessage> {
    const path = `${this.basePath}/${encodeKeyPath(r.key)}`;
    const headers: Record<string, string> = { host: this.base.host, ...r.headers };
    const creds = this.opts.credentials === null ? null : await this.opts.credentials();
    const sent = creds === null ? headers : await this.signer.sign({ method: r.method, path, headers, payloadHash: r.body ? 'UNSIGNED-PAYLOAD' : EMPTY_PAYLOAD_HASH }, creds);
    const secure = this.base.protocol === 'https:';
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = (secure ? https : http).request({
        protocol: this.base.protocol, hostname: this.base.hostname, port: this.base.port || undefined, method: r.method, path,
        headers: sent, agent: secure ? this.opts.httpsAgent : this.opts.httpAgent, signal: r.signal,
      });
      let settled = false;
      let response: http.IncomingMessage | undefined;
      const body = r.body;
      const fail = (err: Error): void => {
        if (body !== undefined && !Buffer.isBuffer(body)) body.destroy();
        if (!settled) {
          settled = true;
          reject(err);
        }
      };
      req.on('error', fail);
      req.setTimeout(this.opts.socketTimeoutMs, () => {
        const err = timeoutError(`The connection to ${this.endpoint} was idle for ${this.opts.socketTimeoutMs} ms.`);
        // A stall mid-body must fail the body stream the caller is reading, with this error rather than "aborted".
        response?.destroy(err);
        req.destroy(err);
      });
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(() => req.destroy(timeoutError(`No connection to ${this.endpoint} within ${this.opts.connectTimeoutMs} ms.`)), this.opts.connectTimeoutMs);
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      req.on('response', (res) => {
        response = res;
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          settled = true;
          resolve(res);
          return;
        }
        readErrorBody(res).then((text) => {
          const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
          const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
          fail(new S3HttpError(code || (STATUS_NAMES[status] ?? `HTTP${status}`), message || `HTTP ${status}`, status));
        }, fail);
      });
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else {
        body.on('error', (err) => req.destroy(err));
        body.pipe(req);
      }
    });
  }
}

async function readErrorBody(res: http.IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res) {
    if (text.length < MAX_ERROR_BODY) text += String(chunk);
  }
  return text;
}
