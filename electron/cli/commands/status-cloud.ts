import type { CloudState } from '../../core/ops/cloud-status.ts';
import type { CliContext, CliOptions, CliResult, CliValues } from '../command.ts';
import { plural } from '../format.ts';
import { transferArgs } from './transfer-args.ts';

/** The flags `status` gains for the cloud comparison. */
export const CLOUD_STATUS_OPTIONS: CliOptions = {
  cloud: { type: 'boolean', short: 'c' },
  remote: { type: 'string', short: 'r' },
  jobs: { type: 'string', short: 'j' },
};

/** Usage lines for those flags. */
export const CLOUD_STATUS_USAGE = `  -c, --cloud          compare the cache with a remote instead of the workspace
  -r, --remote <name>  remote to compare with (default: core.remote)
  -j, --jobs <n>       requests at once when the remote must be asked`;

const LABELS: Record<CloudState, string> = {
  synced: 'in sync',
  'local-only': 'only in the cache (push to upload)',
  'remote-only': 'only on the remote (fetch to download)',
  missing: 'missing from both the cache and the remote',
};

/** `lockstep status --cloud`: what is only local, only remote, or both. */
export async function runCloudStatus(ctx: CliContext, values: CliValues, positionals: string[]): Promise<CliResult> {
  const { cloudStatus } = await import('../../core/ops/cloud-status.ts');
  const repo = await ctx.openRepo();
  const result = await cloudStatus(repo, { targets: positionals, cwd: ctx.cwd, ...transferArgs(values), signal: ctx.signal, onProgress: ctx.progress });
  const lines: string[] = [];
  for (const o of result.outputs) {
    if (o.state === 'synced' && !ctx.verbose) continue;
    const c = o.objects;
    const detail = [c.localOnly && `${c.localOnly} local only`, c.remoteOnly && `${c.remoteOnly} remote only`, c.missing && `${c.missing} missing`].filter(Boolean).join(', ');
    lines.push(`${o.path}: ${LABELS[o.state]}${detail ? ` (${detail})` : ''}`);
  }
  if (result.outputs.length === 0) lines.push('No data is tracked yet.');
  else if (result.clean) lines.push(`Cache and remote are in sync (${plural(result.totals.both, 'object')}).`);
  return { data: result, text: lines.join('\n'), exitCode: result.totals.missing > 0 ? 5 : 0 };
}
