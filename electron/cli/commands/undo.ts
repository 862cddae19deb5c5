import type { CliCommand } from '../command.ts';

/** `lockstep undo`: put the workspace back as it was before the last restore. */
export const command: CliCommand = {
  name: 'undo',
  summary: 'Undo the last restore: code, branch and data back exactly as they were',
  usage: `Usage: lockstep undo [--force]

  --force   undo even if code was edited after the restore (those edits are overwritten)`,
  options: { force: { type: 'boolean' } },
  allowPositionals: false,
  async run(ctx, values) {
    const { undo } = await import('../../core/ops/undo.ts');
    const repo = await ctx.openRepo();
    const r = await undo(repo, { force: values.force === true, signal: ctx.signal, onProgress: ctx.progress });
    const where = r.branch ? `branch ${r.branch}` : r.head ? `commit ${r.head.slice(0, 8)}` : 'the previous state';
    return { data: r, text: `Undid the restore of ${r.rev}: back on ${where}, ${r.outputs.length} output(s) restored and verified.` };
  },
};
