import type { CliCommand } from '../command.ts';
import { formatBytes, plural } from '../format.ts';
import { TRANSFER_OPTIONS, TRANSFER_USAGE, transferArgs } from './transfer-args.ts';

/** `lockstep push`: upload cached data to a remote. */
export const command: CliCommand = {
  name: 'push',
  summary: 'Upload tracked data from the cache to a remote (only what the remote lacks)',
  usage: `Usage: lockstep push [<output-or-.dvc-file>...] [-r <remote>] [-j <jobs>]

${TRANSFER_USAGE}

  Interrupted pushes resume where they stopped, down to the last completed part of a large file.`,
  options: { ...TRANSFER_OPTIONS },
  allowPositionals: true,
  async run(ctx, values, positionals) {
    // Loaded on use, so other commands start without the transfer engine.
    const { push } = await import('../../core/ops/push.ts');
    const repo = await ctx.openRepo();
    const result = await push(repo, { targets: positionals, cwd: ctx.cwd, ...transferArgs(values), signal: ctx.signal, onProgress: ctx.progress });
    // Uploads left behind by earlier (killed or outdated) pushes that this one cleaned off the remote.
    const abortedStaleUploads = result.remotes.reduce((s, r) => s + r.abortedStaleUploads, 0);
    const lines: string[] = [];
    if (result.uploaded === 0) lines.push(`Everything is up to date on the remote (${plural(result.alreadyPresent, 'object')} already there).`);
    else lines.push(`${plural(result.uploaded, 'object')} pushed (${formatBytes(result.bytes)}), ${result.alreadyPresent} already on the remote.`);
    if (result.missingEverywhere.length > 0) {
      lines.push(`Warning: ${plural(result.missingEverywhere.length, 'object')} exist neither in the cache nor on the remote: ${result.missingEverywhere.slice(0, 5).join(', ')}${result.missingEverywhere.length > 5 ? ', ...' : ''}`);
    }
    if (abortedStaleUploads > 0) lines.push(`Aborted ${plural(abortedStaleUploads, 'stale multipart upload')} left on the remote by earlier pushes.`);
    return { data: { ...result, abortedStaleUploads }, text: lines.join('\n') };
  },
};
