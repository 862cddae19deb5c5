import path from 'node:path';
import { LockstepError } from '../../core/errors/index.ts';
import type { CliCommand } from '../command.ts';

/** `lockstep ui`: the app in a browser, for headless machines reached through an SSH tunnel. */
export const command: CliCommand = {
  name: 'ui',
  summary: 'Serve the Lockstep app to a browser on this machine (127.0.0.1 only, secret-token URL)',
  usage: `Usage: lockstep ui [--repo PATH] [--port N]

  --repo PATH   open this repository at start (default: the current one, if any)
  --port N      port on 127.0.0.1 (default: a free one)

  Prints a URL with a secret token; only requests carrying it are served. From another machine use an
  SSH tunnel: ssh -L 8765:127.0.0.1:8765 host, then lockstep ui --port 8765 there. Ctrl-C stops.`,
  options: { repo: { type: 'string' }, port: { type: 'string' } },
  allowPositionals: false,
  async run(ctx, values) {
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new LockstepError('USAGE', `--port must be a number from 0 to 65535, not ${String(values.port)}.`);
    const repo = typeof values.repo === 'string' ? path.resolve(ctx.cwd, values.repo) : ctx.cwd;
    // Loaded here, not at the top: the server pulls in the whole service, which every other command would pay for.
    const { startUi } = await import('../../server/start-ui.ts');
    const ui = await startUi({ repo, port });
    // A server runs until stopped, so the URL is printed now rather than as the command's result.
    process.stdout.write(ctx.json ? `${JSON.stringify({ url: ui.server.url, port: ui.server.port })}\n` : `Lockstep is running at\n\n  ${ui.server.url}\n\nKeep this URL private: it grants access to this machine's repositories. Ctrl-C to stop.\n`);
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await ui.close();
    return { data: { url: ui.server.url, stopped: true }, text: 'Stopped.' };
  },
};
