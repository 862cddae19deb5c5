import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LockstepError } from '../core/errors/index.ts';
import { createService, type Service } from '../service/service.ts';
import { startServer, type RunningServer } from './server.ts';

/** The built renderer next to this source tree (`npm run build` writes it). */
export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

export interface UiOptions {
  readonly repo?: string;
  readonly port?: number;
  readonly host?: string;
  readonly rendererDir?: string;
  /** Where recent repositories are remembered (default ~/.config/lockstep). */
  readonly stateDir?: string;
  readonly token?: string;
}

/** Browser mode in one call: the service plus the loopback server over it. */
export async function startUi(opts: UiOptions = {}): Promise<{ server: RunningServer; service: Service; close(): Promise<void> }> {
  const rendererDir = opts.rendererDir ?? DEFAULT_RENDERER_DIR;
  const built = await stat(path.join(rendererDir, 'index.html')).catch(() => null);
  if (!built) throw new LockstepError('USAGE', `The app is not built (${rendererDir}/index.html is missing). Run \`npm run build\` first.`, { rendererDir });
  const service = createService({
    mode: 'browser',
    version: process.env.npm_package_version ?? '0.1.0',
    stateDir: opts.stateDir ?? path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'lockstep'),
    ...(opts.repo ? { initialRepo: opts.repo } : {}),
  });
  let server: RunningServer;
  try {
    server = await startServer({ backend: service, rendererDir, host: opts.host ?? '127.0.0.1', port: opts.port ?? 0, ...(opts.token ? { token: opts.token } : {}) });
  } catch (err) {
    await service.dispose();
    throw err;
  }
  return {
    server,
    service,
    async close() {
      await server.close();
      await service.dispose();
    },
  };
}
