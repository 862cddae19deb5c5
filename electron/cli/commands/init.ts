import type { CliCommand } from '../command.ts';
import { bulletList } from '../format.ts';

/** `lockstep init`: make the current git repository a Lockstep/DVC repository. */
export const command: CliCommand = {
  name: 'init',
  summary: 'Start versioning data in this git repository (creates .dvc/, like `dvc init`)',
  usage: `Usage: lockstep init [--subdir] [--force] [--no-stage]

  --subdir      initialise this folder even though it is not the top of the git repository
  --force       re-create the default files in an existing repository (keeps .dvc/config)
  --no-stage    do not stage the new files in git`,
  options: {
    subdir: { type: 'boolean' },
    force: { type: 'boolean' },
    'no-stage': { type: 'boolean' },
  },
  allowPositionals: false,
  async run(ctx, values) {
    // Loaded on use: `lockstep --help` and other commands do not pay for this operation's imports.
    const { init } = await import('../../core/ops/init.ts');
    const result = await init({ dir: ctx.cwd, subdir: values.subdir === true, force: values.force === true, stage: values['no-stage'] !== true });
    const text = `Initialised Lockstep in ${result.root}\n${bulletList(result.created)}\nNext: lockstep add <data folder>, then git commit.`;
    return { data: result, text };
  },
};
