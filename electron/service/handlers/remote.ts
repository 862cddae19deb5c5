import path from 'node:path';
import type { Handlers } from '../../../shared/contract.ts';
import type { LinkType, RemoteConfig, RepoSettings } from '../../../shared/model.ts';
import { updateConfigFile } from '../../core/dvc/config.ts';
import { remoteAdd, remoteDefault, remoteList, remoteModify, remoteRemove } from '../../core/ops/remote-config.ts';
import { remoteTest } from '../../core/ops/remote-test.ts';
import type { Repo } from '../../core/repo/open-repo.ts';
import type { ServiceContext } from '../context.ts';
import { recordRemoteHealth } from '../remote-health.ts';

type RemoteChannels = 'remote:list' | 'remote:save' | 'remote:remove' | 'remote:test' | 'settings:get' | 'settings:set';

/** The repository's remotes as the settings screen shows them. */
async function listRemotes(repo: Repo): Promise<RemoteConfig[]> {
  return (await remoteList(repo)).map((r) => ({
    name: r.name,
    kind: r.url.startsWith('s3://') ? ('s3' as const) : ('local' as const),
    url: r.url,
    ...(r.options.endpointurl ? { endpointUrl: r.options.endpointurl } : {}),
    ...(r.options.region ? { region: r.options.region } : {}),
    ...(r.options.profile ? { profile: r.options.profile } : {}),
    isDefault: r.isDefault,
  }));
}

function settingsOf(repo: Repo): RepoSettings {
  return { linkTypes: [...repo.config.cache.type], defaultRemote: repo.config.core.remote ?? null };
}

/**
 * Remotes and cache settings, written to `.dvc/config` in DVC's own dialect through the engine's config
 * writer (atomic, comments kept), so the `dvc` CLI reads the same settings. Credentials are never written
 * here: S3 remotes use a profile or the standard AWS chain.
 */
export function remoteHandlers(ctx: ServiceContext): Pick<Handlers, RemoteChannels> {
  const configFile = (repo: Repo) => path.join(repo.dvcDir, 'config');
  return {
    'remote:list': async ({ repoId }) => listRemotes(ctx.repos.repo(repoId)),
    'remote:save': async ({ repoId, remote }) => {
      const repo = ctx.repos.repo(repoId);
      // The engine's remote ops validate names, URLs and option keys exactly as the CLI does.
      await remoteAdd(repo, { name: remote.name, url: remote.url, makeDefault: remote.isDefault, force: true, cwd: repo.root });
      const options: [string, string | undefined][] = [['endpointurl', remote.endpointUrl], ['region', remote.region], ['profile', remote.profile]];
      if (remote.kind === 's3') {
        for (const [option, value] of options) {
          await remoteModify(repo, value ? { name: remote.name, option, value } : { name: remote.name, option, unset: true }).catch((err: unknown) => {
            if (value) throw err; // unsetting an option that was never set is fine
          });
        }
      }
      if (!remote.isDefault && repo.config.core.remote === remote.name) await remoteDefault(repo, {});
      return listRemotes((await ctx.repos.reload(repoId)).repo!);
    },
    'remote:remove': async ({ repoId, name }) => {
      const repo = ctx.repos.repo(repoId);
      await remoteRemove(repo, { name });
      return listRemotes((await ctx.repos.reload(repoId)).repo!);
    },
    'remote:test': async ({ repoId, name }) => {
      const repo = ctx.repos.repo(repoId);
      try {
        const r = await remoteTest(repo, { remote: name, signal: AbortSignal.timeout(30_000) });
        const message = `Connected to ${r.url}: ${r.steps.map((s) => `${s.step} ${s.ms} ms`).join(', ')}`;
        recordRemoteHealth(repoId, { name, state: 'ok', message });
        return { ok: true, message };
      } catch (err) {
        const message = (err as Error).message;
        recordRemoteHealth(repoId, { name, state: 'error', message });
        return { ok: false, message };
      }
    },
    'settings:get': async ({ repoId }) => settingsOf(ctx.repos.repo(repoId)),
    'settings:set': async ({ repoId, linkTypes, defaultRemote }) => {
      const repo = ctx.repos.repo(repoId);
      await updateConfigFile(configFile(repo), (tree) => {
        if (linkTypes) (tree.sections.cache ??= {}).type = (linkTypes as LinkType[]).join(',');
        if (defaultRemote !== undefined) {
          const core = (tree.sections.core ??= {});
          if (defaultRemote === null) delete core.remote;
          else core.remote = defaultRemote;
        }
      });
      return settingsOf((await ctx.repos.reload(repoId)).repo!);
    },
  };
}
