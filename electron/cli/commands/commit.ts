import type { CliCommand } from '../command.ts';
import { formatBytes } from '../format.ts';

/** `lockstep commit`: record the current version of modified outputs. */
export const command: CliCommand = {
  name: 'commit',
  summary: 'Save the current version of modified tracked data and update its .dvc files',
  usage: `Usage: lockstep commit [<output-or-.dvc-file>...] [--force] [--no-stage]

  -f, --force   also record changed pipeline stages in dvc.lock (their deps, params and outs as they
                are now), as \`dvc commit -f\` does
  --no-stage    do not stage the updated .dvc / dvc.lock files in git`,
  options: {
    force: { type: 'boolean', short: 'f' },
    'no-stage': { type: 'boolean' },
  },
  allowPositionals: true,
  async run(ctx, values, positionals) {
    // Loaded on use: `lockstep --help` and other commands do not pay for this operation's imports.
    const { commit } = await import('../../core/ops/commit.ts');
    const repo = await ctx.openRepo();
    const result = await commit(repo, { targets: positionals, cwd: ctx.cwd, stage: values['no-stage'] !== true, force: values.force === true, signal: ctx.signal, onProgress: ctx.progress });
    const lines: string[] = [];
    for (const o of result.outputs) {
      if (o.action === 'updated') lines.push(`Recorded new version of ${o.path} (${formatBytes(o.bytesAdded)} added to the cache)`);
      else if (o.action === 'saved') lines.push(`Saved ${o.path} into the cache (${formatBytes(o.bytesAdded)})`);
      else if (o.action === 'skipped') lines.push(`Skipped ${o.path}: ${o.reason ?? ''}`);
      else if (ctx.verbose) lines.push(`${o.path}: unchanged`);
    }
    if (lines.length === 0) lines.push('Nothing to commit: tracked data matches its .dvc files.');
    if (result.staged.length > 0) lines.push(`Staged in git: ${result.staged.join(', ')}`);
    return { data: result, text: lines.join('\n') };
  },
};
