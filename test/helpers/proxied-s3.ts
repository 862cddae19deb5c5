import { afterAll, afterEach, beforeAll } from 'vitest';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { startS3rver, type S3rverHandle } from './s3rver.ts';
import { makeTempDir } from './tmp.ts';

/** s3rver behind a fault proxy, plus a temp folder, shared by the tests of one file or describe block. */
export class ProxiedS3 {
  // Set in beforeAll: read them inside tests and hooks only.
  server!: S3rverHandle;
  proxy!: FaultProxy;
  tmp!: { dir: string; cleanup: () => Promise<void> };
  /** Remotes and indexes the tests opened: closed in afterAll, before the servers stop. */
  readonly opened: { close(): void }[] = [];
}

/**
 * Registers the hooks that start s3rver, a fault proxy in front of it and a temp folder before the tests of
 * the enclosing file or block, and stop them after. With `resetProxy`, each test starts with no fault rules
 * and an empty request log.
 */
export function useProxiedS3(opts: { resetProxy?: boolean } = {}): ProxiedS3 {
  const env = new ProxiedS3();
  beforeAll(async () => {
    env.server = await startS3rver();
    env.proxy = await startFaultProxy(env.server.endpoint);
    env.tmp = await makeTempDir();
  });
  if (opts.resetProxy) {
    afterEach(() => {
      env.proxy.clearRules();
      env.proxy.requests.splice(0);
    });
  }
  afterAll(async () => {
    for (const o of env.opened) o.close();
    await env.proxy?.close();
    await env.server?.stop();
    await env.tmp?.cleanup();
  });
  return env;
}
