import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { toErrorBody } from '../../shared/errors.ts';
import { parseWsRequest, type WsServerMessage } from '../../shared/ws-protocol.ts';
import type { Dispatch } from '../service/dispatch.ts';
import { assertLoopbackBind, checkRequest, COOKIE_NAME, newToken } from './auth.ts';
import { securityHeaders, serveStatic } from './static-files.ts';
import { receiveUpload } from './upload.ts';

/** What the server needs from the service: the dispatcher, the event stream, and upload targets. */
export interface ServerBackend {
  readonly dispatch: Dispatch;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
  /** Resolves a repo-relative path for an upload inside the open repo, refusing escapes. */
  resolveUploadTarget(repoId: string, relPath: string): Promise<string>;
}

export interface StartServerOptions {
  readonly backend: ServerBackend;
  /** The built renderer (index.html + assets). */
  readonly rendererDir: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Fixed secret for tests; a random one otherwise. */
  readonly token?: string;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/** Largest single WebSocket frame accepted; requests are small JSON objects. */
const MAX_FRAME = 4 * 1024 * 1024;

/**
 * Browser mode: serves the built renderer and the contract over a WebSocket, on loopback only. Every
 * HTTP request and upgrade must carry the secret token (query, header or the cookie set on first load),
 * a loopback Host header and, from a browser, a same-origin Origin; anything else is refused before it
 * reaches the service.
 */
export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  assertLoopbackBind(host);
  const token = opts.token ?? newToken();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });
  const sockets = new Set<WebSocket>();

  const unsubscribe = opts.backend.subscribe((event, payload) => {
    const frame = JSON.stringify({ type: 'evt', event, payload } satisfies WsServerMessage);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
  });

  const server: Server = createServer((req, res) => {
    handleHttp(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: toErrorBody(err) });
      else res.destroy();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const gate = checkRequest(req, url, token);
    if (!gate.ok) {
      res.writeHead(gate.status, { ...securityHeaders(), 'content-type': 'text/plain' });
      res.end(`Refused: ${gate.reason}. Open the exact URL that \`lockstep ui\` printed.`);
      return;
    }
    if (url.pathname === '/api/upload') {
      if (req.method !== 'PUT') return sendJson(res, 405, { ok: false, error: { code: 'INVALID_INPUT', message: 'Use PUT.', data: {} } });
      const repoId = url.searchParams.get('repoId') ?? '';
      const rel = url.searchParams.get('path') ?? '';
      try {
        const dest = await opts.backend.resolveUploadTarget(repoId, rel);
        const r = await receiveUpload(req, dest);
        return sendJson(res, 200, { ok: true, value: { path: rel, size: r.size } });
      } catch (err) {
        req.resume();
        return sendJson(res, 400, { ok: false, error: toErrorBody(err) });
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, securityHeaders());
      res.end();
      return;
    }
    // The cookie lets the page's own asset requests through without repeating the token in every URL.
    // HttpOnly keeps it away from scripts; SameSite=Strict keeps other sites from riding on it.
    const cookie = `${COOKIE_NAME}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    await serveStatic(opts.rendererDir, url.pathname, res, { 'set-cookie': cookie });
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const gate = checkRequest(req, url, token);
    if (!gate.ok || url.pathname !== '/ws') {
      const status = gate.ok ? 404 : gate.status;
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data, isBinary) => {
        if (isBinary) return ws.close(1003, 'text frames only');
        const msg = parseWsRequest(data.toString());
        if (!msg) return ws.close(1007, 'malformed request');
        void opts.backend.dispatch(msg.channel, msg.input).then((result) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'res', id: msg.id, result } satisfies WsServerMessage));
        });
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host === '::1' ? '[::1]' : host;

  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...securityHeaders(), 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}
