import http from 'node:http';
import { listenOnLoopback } from './loopback-server.ts';

/** What one request through the proxy looked like. */
export interface ProxiedRequest {
  readonly method: string;
  readonly url: string;
  /** The request headers as the client sent them (lower-case names). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Request body bytes received from the client. */
  reqBytes: number;
  /** Response body bytes sent to the client. */
  resBytes: number;
  status?: number;
  /** The fault applied, if any. */
  fault?: Fault['kind'];
}

/** A misbehaviour to inject. */
export type Fault =
  /** Cut the client connection after this many request-body bytes arrived. */
  | { readonly kind: 'reset-request'; readonly afterBytes: number }
  /** Cut the client connection after this many response-body bytes were sent. */
  | { readonly kind: 'reset-response'; readonly afterBytes: number }
  /** Answer with an S3 error without asking the server (e.g. 503 SlowDown). */
  | { readonly kind: 'error'; readonly status: number; readonly code: string }
  /** Send headers and this many body bytes, then go silent for `ms` before closing. */
  | { readonly kind: 'stall'; readonly afterBytes: number; readonly ms: number }
  /** Flip bits in the response body (same length): a server that lies about content. */
  | { readonly kind: 'corrupt' }
  /** Hold the server's answer back for `ms` (a slow link), then pass it on unchanged. */
  | { readonly kind: 'delay'; readonly ms: number };

/** When to apply a fault: to requests matching `match`, `times` times (default 1; Infinity for always). */
export interface FaultRule {
  readonly match: (req: { method: string; url: string }) => boolean;
  readonly fault: Fault;
  times?: number;
}

/** Options for {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /**
   * Answer AbortMultipartUpload in the proxy, because s3rver 3.7.1 routes `DELETE /bucket/key?uploadId=`
   * to "MethodNotAllowed" (405) and never aborts anything. See {@link startFaultProxy}.
   */
  readonly emulateAbortMultipart?: boolean;
}

/** A multipart upload the proxy aborted (only with `emulateAbortMultipart`). */
export interface AbortedUpload {
  /** The request path, `/bucket/key` (path-style, as the client sent it). */
  readonly path: string;
  readonly uploadId: string;
}

/** A running fault proxy. */
export interface FaultProxy {
  readonly endpoint: string;
  readonly requests: ProxiedRequest[];
  /** Uploads aborted with 204, in order (only with `emulateAbortMultipart`). */
  readonly abortedUploads: AbortedUpload[];
  addRule(rule: FaultRule): void;
  clearRules(): void;
  close(): Promise<void>;
}

/**
 * A real HTTP proxy on 127.0.0.1 between the S3 client and s3rver. It forwards requests byte for byte
 * (Host header untouched, so SigV4 signatures stay valid), counts request and response body bytes per
 * request, and applies fault rules: connection resets mid-body in either direction, S3 error answers,
 * stalls past the client's timeout, and corrupted response bodies.
 *
 * With `emulateAbortMultipart` it also plays S3's part of AbortMultipartUpload, which s3rver lacks. It learns
 * upload ids from the answers to CreateMultipartUpload (`POST ?uploads`) and forgets them when
 * CompleteMultipartUpload succeeds; `DELETE /bucket/key?uploadId=<id>` is then answered by the proxy itself:
 * 204 No Content for an open upload of that key (recorded in `abortedUploads`), else 404 NoSuchUpload. Like S3,
 * any later request naming an aborted id (UploadPart, ListParts, Complete) gets 404 NoSuchUpload. Fault rules
 * still apply to these requests first: `error` answers as usual, `reset-*` cuts the connection, `delay`
 * and `stall` hold the answer back. Everything else goes to s3rver unchanged.
 */
export async function startFaultProxy(upstream: string, opts: FaultProxyOptions = {}): Promise<FaultProxy> {
  const target = new URL(upstream);
  const rules: FaultRule[] = [];
  const requests: ProxiedRequest[] = [];
  const abortedUploads: AbortedUpload[] = [];
  const uploads = opts.emulateAbortMultipart ? createUploadTracker(abortedUploads) : undefined;
  const timers = new Set<NodeJS.Timeout>();
  const agent = new http.Agent({ keepAlive: true });

  const takeFault = (method: string, url: string): Fault | undefined => {
    const i = rules.findIndex((r) => (r.times ?? 1) > 0 && r.match({ method, url }));
    if (i === -1) return undefined;
    const rule = rules[i] as FaultRule;
    rule.times = (rule.times ?? 1) - 1;
    return rule.fault;
  };

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const log: ProxiedRequest = { method, url, headers: { ...req.headers }, reqBytes: 0, resBytes: 0 };
    requests.push(log);
    const fault = takeFault(method, url);
    if (fault) log.fault = fault.kind;
    if (fault?.kind === 'error') {
      req.on('data', (c: Buffer) => (log.reqBytes += c.length));
      req.on('end', () => {
        log.status = fault.status;
        const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code><Message>Injected by the fault proxy</Message></Error>`;
        res.writeHead(fault.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
      return;
    }
    const own = uploads?.answers(method, url);
    if (own !== undefined) {
      answerLocally(req, res, log, fault, own, timers);
      return;
    }
    const watch = uploads?.watch(method, url);
    const up = http.request({ host: target.hostname, port: target.port, method, path: url, headers: req.headers, agent }, async (ur) => {
      if (fault?.kind === 'delay') {
        ur.pause();
        await new Promise<void>((resolve) => timers.add(setTimeout(resolve, fault.ms)));
        ur.resume();
      }
      log.status = ur.statusCode;
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.on('data', (chunk: Buffer) => {
        let out = chunk;
        if (fault?.kind === 'corrupt') out = Buffer.from(chunk.map((b) => b ^ 0x5a));
        if ((fault?.kind === 'reset-response' || fault?.kind === 'stall') && log.resBytes + out.length > fault.afterBytes) {
          const keep = Math.max(0, fault.afterBytes - log.resBytes);
          if (keep > 0) res.write(out.subarray(0, keep));
          log.resBytes += keep;
          ur.destroy();
          if (fault.kind === 'reset-response') {
            req.socket.destroy();
          } else {
            const t = setTimeout(() => req.socket.destroy(), fault.ms);
            timers.add(t);
          }
          return;
        }
        log.resBytes += out.length;
        watch?.onData(out);
        res.write(out);
      });
      ur.on('end', () => {
        watch?.onEnd(ur.statusCode ?? 0);
        res.end();
      });
    });
    up.on('error', () => req.socket.destroy());
    req.on('data', (chunk: Buffer) => {
      log.reqBytes += chunk.length;
      if (fault?.kind === 'reset-request' && log.reqBytes > fault.afterBytes) {
        up.destroy();
        req.socket.destroy();
        return;
      }
      up.write(chunk);
    });
    req.on('end', () => up.end());
  });
  const loopback = await listenOnLoopback(server);
  return {
    endpoint: loopback.endpoint,
    requests,
    abortedUploads,
    addRule: (r) => rules.push(r),
    clearRules: () => rules.splice(0),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      agent.destroy();
      await loopback.close();
    },
  };
}

/** An answer the proxy gives itself instead of asking s3rver. */
interface LocalAnswer {
  readonly status: number;
  /** S3 error code for the XML body; none for 204. */
  readonly code?: string;
  /** Runs when the answer is actually sent (a reset or stall fault means the server never acted). */
  readonly commit?: () => void;
}

/** Follows multipart upload ids through the traffic, for the AbortMultipartUpload emulation. */
interface UploadTracker {
  /** The proxy's own answer to this request, or undefined to forward it. */
  answers(method: string, url: string): LocalAnswer | undefined;
  /** For a forwarded request: a listener for its answer, when that answer opens or closes an upload. */
  watch(method: string, url: string): { onData(chunk: Buffer): void; onEnd(status: number): void } | undefined;
}

function createUploadTracker(aborted: AbortedUpload[]): UploadTracker {
  const open = new Map<string, string>(); // upload id -> request path
  const gone = new Set<string>(); // aborted ids: S3 answers NoSuchUpload for them from then on
  const parse = (url: string): { path: string; uploadId: string | null; initiate: boolean } => {
    const u = new URL(url, 'http://proxy');
    return { path: u.pathname, uploadId: u.searchParams.get('uploadId'), initiate: u.searchParams.has('uploads') };
  };
  return {
    answers(method, url) {
      const { path, uploadId } = parse(url);
      if (uploadId === null) return undefined;
      if (method === 'DELETE') {
        if (open.get(uploadId) !== path) return { status: 404, code: 'NoSuchUpload' };
        return {
          status: 204,
          commit: () => {
            open.delete(uploadId);
            gone.add(uploadId);
            aborted.push({ path, uploadId });
          },
        };
      }
      return gone.has(uploadId) ? { status: 404, code: 'NoSuchUpload' } : undefined;
    },
    watch(method, url) {
      const { path, uploadId, initiate } = parse(url);
      if (method !== 'POST') return undefined;
      if (uploadId !== null) return { onData: () => undefined, onEnd: (status) => void (status === 200 && open.delete(uploadId)) };
      if (!initiate) return undefined;
      let body = '';
      return {
        onData: (chunk) => void (body += chunk.toString('utf8')),
        onEnd: (status) => {
          const id = /<UploadId>([^<]+)<\/UploadId>/.exec(body)?.[1];
          if (status === 200 && id !== undefined) open.set(id, path);
        },
      };
    },
  };
}

/** Sends the proxy's own answer once the request body is in, subject to the fault picked for the request. */
function answerLocally(req: http.IncomingMessage, res: http.ServerResponse, log: ProxiedRequest, fault: Fault | undefined, answer: LocalAnswer, timers: Set<NodeJS.Timeout>): void {
  const later = (ms: number, fn: () => void): void => void timers.add(setTimeout(fn, ms));
  const send = (): void => {
    answer.commit?.();
    log.status = answer.status;
    if (answer.code === undefined) {
      res.writeHead(answer.status);
      res.end();
      return;
    }
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${answer.code}</Code><Message>Answered by the fault proxy</Message></Error>`;
    log.resBytes += Buffer.byteLength(body);
    res.writeHead(answer.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  req.on('data', (c: Buffer) => (log.reqBytes += c.length));
  req.on('end', () => {
    if (fault?.kind === 'reset-request' || fault?.kind === 'reset-response') req.socket.destroy();
    else if (fault?.kind === 'stall') later(fault.ms, () => req.socket.destroy());
    else if (fault?.kind === 'delay') later(fault.ms, send);
    else send();
  });
}
