import type { OutputStatus } from '../../core/ops/status.ts';
import type { CliCommand } from '../command.ts';
import { CLOUD_STATUS_OPTIONS, CLOUD_STATUS_USAGE, runCloudStatus } from './status-cloud.ts';

const LABELS: Record<OutputStatus['state'], string> = {
  ok: 'up to date',
  modified: 'modified',
  missing: 'missing from the workspace',
  'not-in-cache': 'not saved in the cache',
  uncommitted: 'not committed yet',
};

/** `lockstep status`: what changed in tracked data. */
export const command: CliCommand = {
  name: 'status',
  summary: 'Show which tracked data changed, is missing, or is not saved in the cache',
  usage: `Usage: lockstep status [<output-or-.dvc-file>...]

  With no arguments every tracked output is checked. -v also lists up-to-date outputs.
${CLOUD_STATUS_USAGE}`,
  options: { ...CLOUD_STATUS_OPTIONS },
  allowPositionals: true,
  async run(ctx, values, positionals) {
    if (values.cloud === true) return runCloudStatus(ctx, values, positionals);
    const repo = await ctx.openRepo();
    // Stat workers for a large folder boot while this thread loads the operation below.
    (await import('../../core/ops/status-prepare.ts')).prepareStatus(repo);
    // Loaded on use: `lockstep --help` and other commands do not pay for this operation's imports.
    const { status } = await import('../../core/ops/status.ts');
    const result = await status(repo, { targets: positionals, cwd: ctx.cwd, signal: ctx.signal, onProgress: ctx.progress });
    const lines: string[] = [];
    for (const o of result.outputs) {
      if (o.state === 'ok' && !ctx.verbose) continue;
      lines.push(`${o.path}: ${LABELS[o.state]}${o.missingObjects ? ` (${o.missingObjects} objects missing)` : ''}`);
      if (o.changes) {
        for (const f of o.changes.added) lines.push(`    added:    ${f}`);
        for (const f of o.changes.modified) lines.push(`    modified: ${f}`);
        for (const f of o.changes.deleted) lines.push(`    deleted:  ${f}`);
      }
    }
    if (result.outputs.length === 0) lines.push('No data is tracked yet. Track some with lockstep add <path>.');
    else if (result.clean) lines.push('Data and pipelines are up to date.');
    else if (result.outputs.some((o) => o.state === 'modified')) lines.push('Save modified data with lockstep commit, or discard the changes with lockstep checkout --force.');
    return { data: result, text: lines.join('\n') };
  },
};
