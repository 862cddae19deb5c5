import { LockstepError } from '../../core/errors/index.ts';
import type { CliCommand } from '../command.ts';
import { formatBytes, plural } from '../format.ts';
import { TRANSFER_OPTIONS, TRANSFER_USAGE, transferArgs } from './transfer-args.ts';

/** `lockstep save -m MSG [--push]`: what the app's commit box does, from a terminal. */
export const command: CliCommand = {
  name: 'save',
  summary: 'Save modified data, record it in a git commit, and optionally push it (the app\'s commit box)',
  usage: `Usage: lockstep save -m <message> [<output-or-.dvc-file>...] [--push [-r <remote>] [-j <jobs>]]

  -m, --message <text>  the git commit message (required)
  --push                push the saved data to the remote after the commit
${TRANSFER_USAGE}

  Equivalent to \`lockstep commit && git commit -m <text> && lockstep push\`. The data is saved into the
  cache before the git commit, so a commit never names bytes that exist nowhere.`,
  options: { message: { type: 'string', short: 'm' }, push: { type: 'boolean' }, ...TRANSFER_OPTIONS },
  allowPositionals: true,
  async run(ctx, values, positionals) {
    const message = typeof values.message === 'string' ? values.message.trim() : '';
    if (message === '') throw new LockstepError('USAGE', 'lockstep save needs a commit message: lockstep save -m "what changed".');
    const { recordVersion } = await import('../../core/ops/record-version.ts');
    const repo = await ctx.openRepo();
    const result = await recordVersion(repo, { message, targets: positionals, cwd: ctx.cwd, signal: ctx.signal, onProgress: ctx.progress });
    const lines = [`Committed ${result.commit.slice(0, 8)}: ${message.split('\n')[0]}`];
    for (const o of result.outputs) if (o.action === 'updated' || o.action === 'saved') lines.push(`  saved ${o.path} (${formatBytes(o.bytesAdded)} added to the cache)`);
    if (values.push !== true) return { data: result, text: lines.join('\n') };
    const { push } = await import('../../core/ops/push.ts');
    const pushed = await push(repo, { ...transferArgs(values), signal: ctx.signal, onProgress: ctx.progress });
    lines.push(pushed.uploaded === 0 ? 'Everything was already on the remote.' : `Pushed ${plural(pushed.uploaded, 'object')} (${formatBytes(pushed.bytes)}).`);
    return { data: { ...result, push: pushed }, text: lines.join('\n'), ...(pushed.failed.length > 0 ? { exitCode: 1 } : {}) };
  },
};
