// Child process for the remote-small benchmark: the least work any S3 client can ask of the server, so
// the report shows the floor s3rver itself sets on this machine. One signed PUT (push) or GET (pull) per
// file of SRC_DIR, JOBS at a time over raw `http` with keep-alive sockets. No existence checks, no
// listing, no md5, no bookkeeping, no fsync; a pull only writes each body to DEST_DIR.
//   node s3rver-floor.ts push SRC_DIR ENDPOINT BUCKET PREFIX JOBS
//   node s3rver-floor.ts pull SRC_DIR ENDPOINT BUCKET PREFIX JOBS DEST_DIR
// Requests carry a real SigV4 Authorization header (UNSIGNED-PAYLOAD; the signer Lockstep uses), as every real client's do: s3rver
// parses it and looks the key up, so leaving it out would make the server's share cheaper than any
// client could get it. Prints {"mode","objects","bytes","jobs","ms"}.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SigV4Signer, encodeKeyPath } from '../../../electron/core/remote/s3-sigv4.ts';

const [mode, srcDir, endpoint, bucket, prefix, jobsArg, destDir] = process.argv.slice(2);
const jobs = Number(jobsArg);
if ((mode !== 'push' && mode !== 'pull') || !srcDir || !endpoint || !bucket || !prefix || !(jobs >= 1) || (mode === 'pull' && !destDir)) {
  throw new Error('usage: node s3rver-floor.ts push|pull SRC_DIR ENDPOINT BUCKET PREFIX JOBS [DEST_DIR]');
}
const url = new URL(endpoint);
const agent = new http.Agent({ keepAlive: true, maxSockets: jobs });
const ACCESS_KEY = process.env.AWS_ACCESS_KEY_ID ?? 'S3RVER';
const SECRET_KEY = process.env.AWS_SECRET_ACCESS_KEY ?? 'S3RVER';
const REGION = process.env.AWS_REGION ?? 'us-east-1';

const signer = new SigV4Signer(REGION);
const CREDS = { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY };

/** One request; resolves with the response once its status is known (the caller consumes the body). */
async function request(method: string, key: string, extra: Record<string, string>, body?: string): Promise<{ req: http.ClientRequest; res: Promise<http.IncomingMessage> }> {
  const pathname = `/${bucket}/${encodeKeyPath(key)}`;
  const headers = await signer.sign({ method, path: pathname, headers: { host: url.host, ...extra }, payloadHash: 'UNSIGNED-PAYLOAD' }, CREDS);
  const req = http.request({ host: url.hostname, port: url.port, method, path: pathname, agent, headers });
  const res = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
  });
  if (body === undefined) return { req, res };
  await pipeline(createReadStream(body), req);
  return { req, res };
}

async function failed(res: http.IncomingMessage, what: string): Promise<never> {
  let text = '';
  for await (const c of res) text += String(c);
  throw new Error(`${what}: HTTP ${res.statusCode} ${text.slice(0, 300)}`);
}

const files: { rel: string; size: number }[] = [];
for (const e of await readdir(srcDir, { withFileTypes: true, recursive: true })) {
  if (!e.isFile()) continue;
  const abs = path.join(e.parentPath, e.name);
  files.push({ rel: path.relative(srcDir, abs).split(path.sep).join('/'), size: (await stat(abs)).size });
}
if (mode === 'pull') {
  for (const d of new Set(files.map((f) => path.dirname(f.rel)))) await mkdir(path.join(destDir as string, d), { recursive: true });
}

let bytes = 0;
const t0 = performance.now();
let next = 0;
await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, async () => {
  while (next < files.length) {
    const f = files[next++] as { rel: string; size: number };
    const key = `${prefix}/${f.rel}`;
    if (mode === 'push') {
      const { res } = await request('PUT', key, { 'content-length': String(f.size) }, path.join(srcDir, f.rel));
      const r = await res;
      if (r.statusCode !== 200) await failed(r, `PUT ${key}`);
      r.resume();
      await new Promise((resolve) => r.on('end', resolve));
    } else {
      const { req, res } = await request('GET', key, {});
      req.end();
      const r = await res;
      if (r.statusCode !== 200) await failed(r, `GET ${key}`);
      await pipeline(r, createWriteStream(path.join(destDir as string, f.rel)));
    }
    bytes += f.size;
  }
}));
agent.destroy();
process.stdout.write(JSON.stringify({ mode, objects: files.length, bytes, jobs, ms: performance.now() - t0 }) + '\n');
