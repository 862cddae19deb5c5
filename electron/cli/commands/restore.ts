import { LockstepError } from '../../core/errors/index.ts';
import type { RestorePlan } from '../../core/ops/restore-plan.ts';
import type { CliCommand } from '../command.ts';
import { formatBytes, plural } from '../format.ts';

/** `lockstep restore REV`: bring back the code and data of a past run (or only its data). */
export const command: CliCommand = {
  name: 'restore',
  summary: 'Restore the code and data of a past commit (or only its data), with undo',
  usage: `Usage: lockstep restore <rev> [--data-only [<path>...]] [--branch <name>] [--plan] [--save]

  --data-only      bring the data of <rev> into the current tree (pointer files updated), code unchanged
  --branch <name>  create branch <name> at <rev> and switch to it (instead of a detached HEAD)
  --plan           only show what would change; nothing is touched
  --save           save uncommitted code and uncached data first (undo brings them back) instead of refusing`,
  options: {
    'data-only': { type: 'boolean' },
    branch: { type: 'string' },
    plan: { type: 'boolean' },
    save: { type: 'boolean' },
  },
  allowPositionals: true,
  async run(ctx, values, positionals) {
    const [rev, ...paths] = positionals;
    if (!rev) throw new LockstepError('USAGE', 'lockstep restore needs a revision (a commit, branch or tag).', {});
    const dataOnly = values['data-only'] === true;
    if (paths.length > 0 && !dataOnly) throw new LockstepError('USAGE', 'Paths can only be given with --data-only.', {});
    const repo = await ctx.openRepo();
    const path = await import('node:path');
    const rels = paths.map((p) => path.relative(repo.root, path.resolve(ctx.cwd, p)).split(path.sep).join('/'));
    const opts = { rev, dataOnly, paths: rels, ...(typeof values.branch === 'string' ? { newBranch: values.branch } : {}), signal: ctx.signal, onProgress: ctx.progress };
    if (values.plan === true) {
      const { planRestore } = await import('../../core/ops/restore-plan.ts');
      const plan = await planRestore(repo, opts);
      return { data: plan, text: describePlan(plan) };
    }
    const { restore } = await import('../../core/ops/restore.ts');
    const r = await restore(repo, { ...opts, save: values.save === true });
    const lines = [`${r.resumed ? 'Finished the interrupted restore of' : 'Restored'} ${rev} (${r.plan.target.slice(0, 8)}${r.plan.mode === 'data-only' ? ', data only' : ''}).`];
    if (r.downloaded.objects > 0) lines.push(`Downloaded ${plural(r.downloaded.objects, 'object')} (${formatBytes(r.downloaded.bytes)}).`);
    lines.push(`Wrote ${plural(r.written, 'file')}; verified ${plural(r.verified.length, 'output')} against their hashes.`);
    if (r.saved.code || r.saved.data.length > 0) lines.push(`Saved first: ${[r.saved.code ? 'uncommitted code' : '', r.saved.data.length ? plural(r.saved.data.length, 'data file') : ''].filter(Boolean).join(' and ')}.`);
    lines.push('Run `lockstep undo` to go back.');
    return { data: r, text: lines.join('\n') };
  },
};

function describePlan(plan: RestorePlan): string {
  const lines = [`Restore ${plan.rev} (${plan.target.slice(0, 8)}), ${plan.mode === 'run' ? 'code and data' : 'data only'}:`];
  const { created, modified, deleted } = plan.code;
  if (created.length + modified.length + deleted.length > 0) lines.push(`  code: ${created.length} created, ${modified.length} changed, ${deleted.length} deleted`);
  for (const p of plan.pointers) lines.push(`  pointer: ${p}`);
  for (const o of plan.outputs) {
    const n = o.created.length + o.replaced.length + o.removed.length;
    lines.push(`  ${o.path}: ${n === 0 ? 'unchanged' : `${o.created.length} created, ${o.replaced.length} replaced, ${o.removed.length} removed (${formatBytes(o.bytes)})`}`);
  }
  if (plan.download.objects > 0) lines.push(`  download: ${plural(plan.download.objects, 'object')}, ${formatBytes(plan.download.bytes)}`);
  if (plan.blockers.code.length + plan.blockers.data.length > 0) {
    lines.push('  would refuse without --save because of:');
    for (const f of plan.blockers.code) lines.push(`    code: ${f}`);
    for (const f of plan.blockers.data) lines.push(`    data: ${f}`);
  }
  return lines.join('\n');
}
