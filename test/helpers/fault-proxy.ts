import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

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

/** A running fault proxy. */
export interface FaultProxy {
  readonly endpoint: string;
  readonly requests: ProxiedRequest[];
  addRule(rule: FaultRule): void;
  clearRules(): void;
  close(): Promise<void>;
}

/**
 * A real HTTP proxy on 127.0.0.1 between the S3 client and s3rver. It forwards requests byte for byte
 * (Host header untouched, so SigV4 signatures stay valid), counts request and response body bytes per
 * request, and applies fault rules: connection resets mid-body in either direction, S3 error answers,
 * stalls past the client's timeout, and corrupted response bodies.
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const rules: FaultRule[] = [];
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
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
        res.write(out);
      });
      ur.on('end', () => res.end());
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
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    addRule: (r) => rules.push(r),
    clearRules: () => rules.splice(0),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
