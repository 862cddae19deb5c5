import type { CliCommand } from '../command.ts';
import { formatBytes, plural } from '../format.ts';
import { TRANSFER_OPTIONS, TRANSFER_USAGE, transferArgs } from './transfer-args.ts';

/** `lockstep fetch`: download data into the cache without touching the workspace. */
export const command: CliCommand = {
  name: 'fetch',
  summary: 'Download tracked data from a remote into the cache (the workspace is not touched)',
  usage: `Usage: lockstep fetch [<output-or-.dvc-file>...] [-r <remote>] [-j <jobs>]

${TRANSFER_USAGE}

  Every object is md5-verified before it enters the cache; interrupted downloads resume.`,
  options: { ...TRANSFER_OPTIONS },
  allowPositionals: true,
  async run(ctx, values, positionals) {
    const { fetch } = await import('../../core/ops/fetch.ts');
    const repo = await ctx.openRepo();
    const result = await fetch(repo, { targets: positionals, cwd: ctx.cwd, ...transferArgs(values), signal: ctx.signal, onProgress: ctx.progress });
    const lines = [result.downloaded === 0
      ? `Nothing to fetch (${plural(result.alreadyCached, 'object')} already in the cache).`
      : `${plural(result.downloaded, 'object')} fetched (${formatBytes(result.bytes)}).`];
    if (result.missingOnRemote.length > 0) lines.push(`Warning: ${plural(result.missingOnRemote.length, 'object')} not found on the remote: ${result.missingOnRemote.slice(0, 5).join(', ')}${result.missingOnRemote.length > 5 ? ', ...' : ''}`);
    return { data: result, text: lines.join('\n'), exitCode: result.missingOnRemote.length > 0 ? 5 : 0 };
  },
};
