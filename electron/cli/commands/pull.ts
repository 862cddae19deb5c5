import type { CliCommand } from '../command.ts';
import { formatBytes, plural } from '../format.ts';
import { TRANSFER_OPTIONS, TRANSFER_USAGE, transferArgs } from './transfer-args.ts';

/** `lockstep pull`: fetch + checkout. */
export const command: CliCommand = {
  name: 'pull',
  summary: 'Download tracked data from a remote and check it out into the workspace',
  usage: `Usage: lockstep pull [<output-or-.dvc-file>...] [-r <remote>] [-j <jobs>] [--save-unsaved | --force]

${TRANSFER_USAGE}
  --save-unsaved       save files that would be overwritten into the cache first
  --force              overwrite files even if their contents are not saved anywhere`,
  options: { ...TRANSFER_OPTIONS, 'save-unsaved': { type: 'boolean' }, force: { type: 'boolean' } },
  allowPositionals: true,
  async run(ctx, values, positionals) {
    const { pull } = await import('../../core/ops/pull.ts');
    const repo = await ctx.openRepo();
    const result = await pull(repo, {
      targets: positionals, cwd: ctx.cwd, ...transferArgs(values),
      force: values.force === true, saveUnsaved: values['save-unsaved'] === true, signal: ctx.signal, onProgress: ctx.progress,
    });
    const f = result.fetch;
    const lines = [f.downloaded === 0 ? 'Nothing to download.' : `${plural(f.downloaded, 'object')} fetched (${formatBytes(f.bytes)}).`];
    for (const o of result.checkout.outputs) {
      const n = o.created + o.replaced + o.deleted;
      if (n > 0 || ctx.verbose) lines.push(`${o.path}: ${n > 0 ? `${o.created} created, ${o.replaced} updated, ${o.deleted} deleted` : 'up to date'}`);
    }
    for (const x of result.checkout.failed) lines.push(`Could not check out ${x.path}: ${x.message}`);
    if (f.missingOnRemote.length > 0) lines.push(`Warning: ${plural(f.missingOnRemote.length, 'object')} not found on the remote.`);
    const bad = result.checkout.failed.length > 0 || f.missingOnRemote.length > 0;
    return { data: result, text: lines.join('\n'), exitCode: bad ? 5 : 0 };
  },
};
