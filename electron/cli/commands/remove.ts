import type { CliCommand } from '../command.ts';

/** `lockstep remove`: stop tracking outputs. */
export const command: CliCommand = {
  name: 'remove',
  summary: 'Stop tracking data: delete its .dvc file and .gitignore entry (the data is kept)',
  usage: `Usage: lockstep remove <output-or-.dvc-file>... [--outs [--force]] [--no-stage]

  --outs        also delete the data from the workspace (only if it is saved in the cache)
  --force       with --outs, delete even data that is not saved in the cache
  --no-stage    do not stage the removal in git`,
  options: {
    outs: { type: 'boolean' },
    force: { type: 'boolean' },
    'no-stage': { type: 'boolean' },
  },
  allowPositionals: true,
  async run(ctx, values, positionals) {
    // Loaded on use: `lockstep --help` and other commands do not pay for this operation's imports.
    const { remove } = await import('../../core/ops/remove.ts');
    const repo = await ctx.openRepo();
    const result = await remove(repo, { targets: positionals, cwd: ctx.cwd, outs: values.outs === true, force: values.force === true, stage: values['no-stage'] !== true, signal: ctx.signal, onProgress: ctx.progress });
    const lines = result.untracked.map((u) => `Stopped tracking ${u.path}${u.dataDeleted ? ' and deleted its data' : ' (data kept)'}`);
    if (result.staged.length > 0) lines.push(`Staged in git: ${result.staged.join(', ')}`);
    return { data: result, text: lines.join('\n') };
  },
};
