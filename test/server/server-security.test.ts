import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Handlers } from '../../shared/contract.ts';
import { resolveInside } from '../../electron/core/dvc/safe-path.ts';
import { createDispatcher } from '../../electron/service/dispatch.ts';
import { startServer, type RunningServer } from '../../electron/server/server.ts';

let dir: string;
let repo: string;
let server: RunningServer;
let emit: (event: string, payload: unknown) => void = () => {};

function httpGet(p: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: p, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function wsConnect(query: string, headers: Record<string, string> = {}): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, { headers });
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('error', () => resolve({}));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lockstep-server-'));
  repo = path.join(dir, 'repo');
  await mkdir(repo);
  const renderer = path.join(dir, 'renderer');
  await mkdir(path.join(renderer, 'assets'), { recursive: true });
  await writeFile(path.join(renderer, 'index.html'), '<!doctype html><title>Lockstep</title>');
  await writeFile(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(dir, 'secret.txt'), 'do not serve');
  const handlers = { 'repo:recent': async () => [{ path: '/x', name: 'x', openedAt: 5 }] } as unknown as Handlers;
  server = await startServer({
    rendererDir: renderer,
    backend: {
      dispatch: createDispatcher(handlers),
      subscribe: (l) => {
        emit = l;
        return () => {};
      },
      resolveUploadTarget: async (repoId, rel) => {
        if (repoId !== 'r1') throw Object.assign(new Error('unknown repo'), { code: 'UNKNOWN_REPO' });
        return resolveInside(repo, rel, 'uploaded file');
      },
    },
  });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('browser mode HTTP', () => {
  it('prints a loopback URL carrying a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  });

  it('refuses requests without the token or with a wrong one', async () => {
    expect((await httpGet('/')).status).toBe(401);
    expect((await httpGet('/assets/app.js')).status).toBe(401);
    expect((await httpGet(`/?token=${server.token.slice(0, -1)}x`)).status).toBe(401);
    expect((await httpGet('/', { cookie: 'lockstep_token=nope' })).status).toBe(401);
  });

  it('serves the app with the token, with a strict CSP and an HttpOnly SameSite cookie', async () => {
    const r = await httpGet(`/?token=${server.token}`);
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>Lockstep</title>');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(String(r.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const asset = await httpGet('/assets/app.js', { cookie: `lockstep_token=${encodeURIComponent(server.token)}` });
    expect(asset.status).toBe(200);
    expect(asset.body).toBe('console.log(1)');
  });

  it('never serves files outside the renderer folder', async () => {
    const r = await httpGet(`/..%2fsecret.txt?token=${server.token}`);
    expect(r.body).not.toContain('do not serve');
    const r2 = await httpGet(`/assets/../../secret.txt?token=${server.token}`);
    expect(r2.body).not.toContain('do not serve');
  });

  it('refuses foreign Origins and non-loopback Host headers even with the token', async () => {
    const foreign = await httpGet(`/?token=${server.token}`, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    const otherPort = await httpGet(`/?token=${server.token}`, { origin: 'http://127.0.0.1:1' });
    expect(otherPort.status).toBe(403);
    const rebinding = await httpGet(`/?token=${server.token}`, { host: `evil.example:${server.port}` });
    expect(rebinding.status).toBe(403);
    const same = await httpGet(`/?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` });
    expect(same.status).toBe(200);
  });

  it('refuses to bind anything but loopback', async () => {
    await expect(startServer({ rendererDir: dir, host: '0.0.0.0', backend: { dispatch: createDispatcher({} as Handlers), subscribe: () => () => {}, resolveUploadTarget: async () => '' } })).rejects.toThrow(/127\.0\.0\.1 only/);
    await expect(startServer({ rendererDir: dir, host: '192.168.1.10', backend: { dispatch: createDispatcher({} as Handlers), subscribe: () => () => {}, resolveUploadTarget: async () => '' } })).rejects.toThrow(/Refusing to listen/);
  });

  it('uploads stream into the repo, never overwrite, and never escape it', async () => {
    const h = { 'x-lockstep-token': server.token, 'content-type': 'application/octet-stream' };
    const ok = await httpGet(`/api/upload?repoId=r1&path=${encodeURIComponent('new/data.csv')}`, h, 'PUT', 'a,b\n1,2\n');
    expect(ok.status).toBe(200);
    expect(await readFile(path.join(repo, 'new', 'data.csv'), 'utf8')).toBe('a,b\n1,2\n');
    const again = await httpGet(`/api/upload?repoId=r1&path=${encodeURIComponent('new/data.csv')}`, h, 'PUT', 'other');
    expect(again.status).toBe(400);
    expect(JSON.parse(again.body).error.code).toBe('BAD_TARGET');
    expect(await readFile(path.join(repo, 'new', 'data.csv'), 'utf8')).toBe('a,b\n1,2\n');
    const escape = await httpGet(`/api/upload?repoId=r1&path=${encodeURIComponent('../evil.txt')}`, h, 'PUT', 'x');
    expect(escape.status).toBe(400);
    expect(JSON.parse(escape.body).error.code).toBe('PATH_ESCAPE');
    const noToken = await httpGet(`/api/upload?repoId=r1&path=x.txt`, {}, 'PUT', 'x');
    expect(noToken.status).toBe(401);
  });
});

describe('browser mode WebSocket', () => {
  it('refuses upgrades without the token, with a wrong one, or from a foreign Origin', async () => {
    expect((await wsConnect('')).status).toBe(401);
    expect((await wsConnect('?token=wrong')).status).toBe(401);
    expect((await wsConnect(`?token=${server.token}`, { origin: 'http://evil.example' })).status).toBe(403);
  });

  it('answers requests with Result envelopes and pushes events', async () => {
    const { ws } = await wsConnect(`?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` });
    expect(ws).toBeDefined();
    const messages: unknown[] = [];
    const next = () => new Promise<unknown>((resolve) => ws!.once('message', (d) => resolve(JSON.parse(String(d)))));
    ws!.send(JSON.stringify({ type: 'req', id: 1, channel: 'repo:recent', input: {} }));
    messages.push(await next());
    ws!.send(JSON.stringify({ type: 'req', id: 2, channel: 'shell:exec', input: { cmd: 'rm -rf /' } }));
    messages.push(await next());
    const evt = next();
    emit('job:update', { id: 'j1' });
    messages.push(await evt);
    expect(messages).toEqual([
      { type: 'res', id: 1, result: { ok: true, value: [{ path: '/x', name: 'x', openedAt: 5 }] } },
      { type: 'res', id: 2, result: { ok: false, error: expect.objectContaining({ code: 'UNKNOWN_CHANNEL' }) } },
      { type: 'evt', event: 'job:update', payload: { id: 'j1' } },
    ]);
    const closed = new Promise<number>((resolve) => ws!.once('close', (code) => resolve(code)));
    ws!.send('not json');
    expect(await closed).toBe(1007);
  });
});
