import { ERROR_CODES } from '../../core/errors/index.ts';
import type { CliCommand } from '../command.ts';
import { plural } from '../format.ts';

/** `lockstep checkout`: make the workspace match the .dvc files. */
export const command: CliCommand = {
  name: 'checkout',
  summary: 'Make the data in the workspace match the .dvc files (after git checkout, pull, ...)',
  usage: `Usage: lockstep checkout [<output-or-.dvc-file>...] [--save-unsaved | --force] [--relink] [--verify]

  --save-unsaved  save files that would be overwritten or deleted into the cache first
  --force         overwrite or delete files even if their contents are not saved anywhere
  --relink        recreate unchanged files with the current cache.type
  --verify        re-check every cache object's hash before using it`,
  options: {
    'save-unsaved': { type: 'boolean' },
    force: { type: 'boolean' },
    relink: { type: 'boolean' },
    verify: { type: 'boolean' },
  },
  allowPositionals: true,
  async run(ctx, values, positionals) {
    // Loaded on use: `lockstep --help` and other commands do not pay for this operation's imports.
    const { checkout } = await import('../../core/ops/checkout.ts');
    const repo = await ctx.openRepo();
    const result = await checkout(repo, {
      targets: positionals,
      cwd: ctx.cwd,
      saveUnsaved: values['save-unsaved'] === true,
      force: values.force === true,
      relink: values.relink === true,
      verify: values.verify === true,
      signal: ctx.signal,
      onProgress: ctx.progress,
    });
    const lines: string[] = [];
    for (const o of result.outputs) {
      const n = o.created + o.replaced + o.deleted + o.relinked + o.chmodded;
      if (n === 0 && !ctx.verbose) continue;
      const parts = [o.created && `${o.created} created`, o.replaced && `${o.replaced} updated`, o.deleted && `${o.deleted} deleted`, o.relinked && `${o.relinked} relinked`, o.chmodded && `${o.chmodded} permission changes`].filter(Boolean);
      lines.push(`${o.path}: ${parts.length ? parts.join(', ') : 'up to date'}`);
    }
    if (result.saved.length > 0) lines.push(`Saved ${plural(result.saved.length, 'unsaved file')} into the cache first.`);
    if (result.discarded.length > 0) lines.push(`Discarded ${plural(result.discarded.length, 'unsaved file')} (--force).`);
    for (const f of result.failed) lines.push(`Could not check out ${f.path}: ${f.message}`);
    if (lines.length === 0) lines.push('Workspace already matches the .dvc files.');
    const failedCode = result.failed.some((f) => f.reason === 'corrupt') ? ERROR_CODES.CORRUPT_OBJECT.exit : ERROR_CODES.MISSING_OBJECT.exit;
    return { data: result, text: lines.join('\n'), exitCode: result.failed.length > 0 ? failedCode : 0 };
  },
};
