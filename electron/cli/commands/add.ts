import type { CliCommand } from '../command.ts';
import { formatBytes, plural } from '../format.ts';

/** `lockstep add`: track files or folders. */
export const command: CliCommand = {
  name: 'add',
  summary: 'Track data files or folders: cache them and write .dvc pointers for git',
  usage: `Usage: lockstep add <file-or-folder>... [--no-stage]

  --no-stage    do not stage the .dvc and .gitignore files in git`,
  options: {
    'no-stage': { type: 'boolean' },
  },
  allowPositionals: true,
  async run(ctx, values, positionals) {
    // Loaded on use: `lockstep --help` and other commands do not pay for this operation's imports.
    const { add } = await import('../../core/ops/add.ts');
    const repo = await ctx.openRepo();
    const result = await add(repo, { targets: positionals, cwd: ctx.cwd, stage: values['no-stage'] !== true, signal: ctx.signal, onProgress: ctx.progress });
    const lines = result.outputs.map((o) => {
      const what = o.nfiles !== undefined ? `${plural(o.nfiles, 'file')}, ${formatBytes(o.size)}` : formatBytes(o.size);
      const verb = o.changed ? 'Tracked' : 'Unchanged';
      return `${verb} ${o.path} (${what}) -> ${o.dvcFile}`;
    });
    if (result.staged.length > 0) lines.push(`Staged in git: ${result.staged.join(', ')}`, 'To record this version, commit with git (git commit).');
    return { data: result, text: lines.join('\n') };
  },
};
