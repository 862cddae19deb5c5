import type { Handlers, JobStarted } from '../../../shared/contract.ts';
import type { RestorePlan as UiPlan, RestorePlanEntry } from '../../../shared/model.ts';
import { restore } from '../../core/ops/restore.ts';
import { planRestore, type RestorePlan } from '../../core/ops/restore-plan.ts';
import { undo } from '../../core/ops/undo.ts';
import type { ServiceContext } from '../context.ts';

type RestoreChannels = 'restore:plan' | 'restore:run' | 'restore:undo';

/** The engine's plan as the restore dialog lists it: one line per file created, replaced or removed. */
function toUiPlan(p: RestorePlan, dataOnly: boolean): UiPlan {
  const entries: RestorePlanEntry[] = [];
  if (p.mode === 'run') {
    for (const f of p.code.created) entries.push({ path: f, action: 'create', bytes: null });
    for (const f of p.code.modified) entries.push({ path: f, action: 'replace', bytes: null });
    for (const f of p.code.deleted) entries.push({ path: f, action: 'remove', bytes: null });
  }
  for (const o of p.outputs) {
    const join = (rel: string) => (rel ? `${o.path}/${rel}` : o.path);
    for (const f of o.created) entries.push({ path: join(f), action: 'create', bytes: null });
    for (const f of o.replaced) entries.push({ path: join(f), action: 'replace', bytes: null });
    for (const f of o.removed) entries.push({ path: join(f), action: 'remove', bytes: null });
  }
  return { rev: p.target, dataOnly, entries, bytesToDownload: p.download.bytes, unsaved: p.blockers.data, uncommittedCode: p.blockers.code };
}

/**
 * "Restore this run" / "Restore data only" and undo, over the engine's restore operations: the plan is
 * computed without touching the workspace; the run refuses on unsaved work unless the user chose to
 * save it (then a restore point makes undo exact).
 */
export function restoreHandlers(ctx: ServiceContext): Pick<Handlers, RestoreChannels> {
  return {
    'restore:plan': async ({ repoId, rev, dataOnly, paths }) => {
      const repo = ctx.repos.repo(repoId);
      return toUiPlan(await planRestore(repo, { rev, dataOnly, ...(paths ? { paths } : {}) }), dataOnly);
    },
    'restore:run': async ({ repoId, rev, dataOnly, paths, onUnsaved }): Promise<JobStarted> => {
      const repo = ctx.repos.repo(repoId);
      const job = ctx.jobs.start({
        kind: 'restore',
        repoId,
        title: `${dataOnly ? 'Restore data of' : 'Restore run'} ${rev.slice(0, 8)}`,
        run: ({ signal, onProgress }) => restore(repo, { rev, dataOnly, ...(paths ? { paths } : {}), save: onUnsaved === 'save', signal, onProgress }),
      });
      return { jobId: job.id };
    },
    'restore:undo': async ({ repoId }): Promise<JobStarted> => {
      const repo = ctx.repos.repo(repoId);
      const job = ctx.jobs.start({ kind: 'undo', repoId, title: 'Undo last restore', run: ({ signal, onProgress }) => undo(repo, { signal, onProgress }) });
      return { jobId: job.id };
    },
  };
}
