import { lstat } from 'node:fs/promises';
import type { HashName } from '../core/hash/hash-pool.ts';
import { knownRemoteKeys } from '../core/index/remote-objects.ts';
import { objectKey } from '../core/remote/object-key.ts';
import { openRemote } from '../core/remote/open-remote.ts';
import type { Repo } from '../core/repo/open-repo.ts';
import type { Availability } from '../../shared/model.ts';

const identities = new WeakMap<Repo['config'], Promise<string | null>>();

/**
 * The identity under which the engine remembers objects confirmed on the default remote: the remote's own
 * `url` as the transfer engine builds it (a folder remote is `file://<absolute root>`, an S3 remote
 * `<endpoint>/<bucket>/<prefix>`), not the URL as written in `.dvc/config`. Opening the remote only
 * builds a client, without network traffic; the answer is kept per loaded config.
 */
export function defaultRemoteIdentity(repo: Repo): Promise<string | null> {
  let p = identities.get(repo.config);
  if (!p) {
    p = repo.config.core.remote
      ? openRemote(repo.config, repo.dvcDir).then(
          (opened) => {
            opened.remote.close();
            return opened.remote.url;
          },
          () => null,
        )
      : Promise.resolve(null);
    identities.set(repo.config, p);
  }
  return p;
}

/**
 * Where a version's bytes are, from what is known without network: 'local' when the cache holds its
 * object (the `.dir` listing for a folder), 'remote' when the index has seen it on the default remote,
 * else 'missing'. For the dataset history list, where asking the remote about every version would be
 * slow; the commit detail asks the engine's exact `availabilityAt` instead.
 */
export async function knownAvailability(repo: Repo, md5: string | null, legacy: boolean): Promise<Availability> {
  if (!md5) return 'missing';
  const hashName: HashName = legacy ? 'md5-dos2unix' : 'md5';
  if (await lstat(repo.odb.pathFor(md5, hashName)).then(() => true, () => false)) return 'local';
  const identity = await defaultRemoteIdentity(repo);
  if (identity === null) return 'missing';
  const key = objectKey(md5, hashName);
  return knownRemoteKeys(repo.index, identity, [key]).has(key) ? 'remote' : 'missing';
}
