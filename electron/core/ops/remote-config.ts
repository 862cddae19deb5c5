import path from 'node:path';
import { loadRepoConfig, sectionOf, toConfigPath, updateConfigFile, type ConfigTree } from '../dvc/config.ts';
import { LockstepError } from '../errors/index.ts';
import { parseRemoteUrl } from '../remote/remote-url.ts';

/** Options that hold secrets: always written to `.dvc/config.local` (git-ignored), never to `.dvc/config`. */
export const SECRET_OPTIONS = new Set(['access_key_id', 'secret_access_key', 'session_token', 'sse_customer_key', 'password', 'token']);

// Remote options DVC's schema accepts for S3 and local remotes (dvc-format.md §5.3); anything else is a typo.
const COMMON_OPTIONS = ['url', 'jobs', 'checksum_jobs', 'worktree', 'version_aware', 'no_traverse', 'verify'];
const LOCAL_OPTIONS = ['type', 'shared', 'slow_link_warning'];
const S3_OPTIONS = [
  'region', 'profile', 'credentialpath', 'configpath', 'endpointurl', 'access_key_id', 'secret_access_key', 'session_token',
  'use_ssl', 'allow_anonymous_login', 'ssl_verify', 'sse', 'sse_kms_key_id', 'sse_customer_algorithm', 'sse_customer_key', 'acl',
  'grant_read', 'grant_read_acp', 'grant_write_acp', 'grant_full_control', 'cache_regions', 'read_timeout', 'connect_timeout', 'listobjects',
];

/** Where a remote setting was written. */
export type ConfigLevel = 'repo' | 'local';

/** What a remote-config change wrote, so callers can say so. */
export interface RemoteConfigChange {
  readonly remote: string;
  readonly writes: { file: string; keys: string[] }[];
}

interface Target { readonly dvcDir: string }

function files(repo: Target): Record<ConfigLevel, string> {
  return { repo: path.join(repo.dvcDir, 'config'), local: path.join(repo.dvcDir, 'config.local') };
}

function checkName(name: string): string {
  const n = name.trim().toLowerCase();
  if (n === '' || /["'[\]\s]/.test(n)) {
    throw new LockstepError('CONFIG_ERROR', `"${name}" is not a usable remote name: use letters, digits, "-" or "_".`, { remote: name });
  }
  return n;
}

function checkOption(name: string, url: string, option: string): string {
  const key = option.trim().toLowerCase();
  const isS3 = url.trim().toLowerCase().startsWith('s3://');
  const allowed = [...COMMON_OPTIONS, ...(isS3 ? S3_OPTIONS : LOCAL_OPTIONS)];
  if (!allowed.includes(key)) {
    throw new LockstepError('CONFIG_ERROR', `"${option}" is not an option of ${isS3 ? 'S3' : 'folder'} remotes (remote "${name}"). Known options: ${allowed.join(', ')}.`, { remote: name, option });
  }
  return key;
}

/** The URL as written to the config: relative folder paths are taken from `cwd` and stored relative to `.dvc/`, as DVC does. */
function urlForConfig(url: string, cwd: string, dvcDir: string): string {
  const parsed = parseRemoteUrl(url, 'new', dvcDir);
  if (parsed.kind === 'local' && !path.isAbsolute(url) && !url.startsWith('~')) return toConfigPath(path.resolve(cwd, url), dvcDir);
  return url.trim();
}

async function inAnyFile(repo: Target, name: string): Promise<boolean> {
  const cfg = await loadRepoConfig(repo.dvcDir).catch(() => undefined);
  if (cfg) return cfg.remotes[name] !== undefined;
  return false;
}

/**
 * `remote add`: writes `['remote "name"'] url = ...` (to config.local with `local`), optionally making it the
 * default. An existing remote is an error unless `force`. The URL is validated first.
 */
export async function remoteAdd(repo: Target, opts: { name: string; url: string; makeDefault?: boolean; local?: boolean; force?: boolean; cwd?: string }): Promise<RemoteConfigChange> {
  const name = checkName(opts.name);
  const url = urlForConfig(opts.url, opts.cwd ?? path.dirname(repo.dvcDir), repo.dvcDir);
  if (!opts.force && (await inAnyFile(repo, name))) {
    throw new LockstepError('CONFIG_ERROR', `A remote named "${name}" already exists. Use --force to replace it, or \`lockstep remote modify ${name} url <url>\`.`, { remote: name });
  }
  const file = files(repo)[opts.local ? 'local' : 'repo'];
  await updateConfigFile(file, (tree) => {
    if (tree.named.remote) delete tree.named.remote[name];
    sectionOf(tree, 'remote', name).url = url;
    if (opts.makeDefault) sectionOf(tree, 'core').remote = name;
  });
  return { remote: name, writes: [{ file, keys: opts.makeDefault ? ['url', 'core.remote'] : ['url'] }] };
}

/**
 * `remote modify`: sets or unsets one option. Secrets (keys, tokens) always go to `.dvc/config.local`,
 * whatever `local` says, so they never end up in git. Unknown options are refused, as DVC refuses them.
 */
export async function remoteModify(repo: Target, opts: { name: string; option: string; value?: string; unset?: boolean; local?: boolean; cwd?: string }): Promise<RemoteConfigChange> {
  const name = checkName(opts.name);
  const cfg = await loadRepoConfig(repo.dvcDir);
  const existing = cfg.remotes[name];
  if (!existing) throw new LockstepError('CONFIG_ERROR', `Unknown remote "${name}". Configured remotes: ${Object.keys(cfg.remotes).join(', ') || 'none'}.`, { remote: name });
  const key = checkOption(name, existing.url, opts.option);
  if (!opts.unset && opts.value === undefined) throw new LockstepError('USAGE', `Give a value for ${key}, or use --unset.`, { option: key });
  let value = opts.value;
  if (key === 'url' && value !== undefined) value = urlForConfig(value, opts.cwd ?? path.dirname(repo.dvcDir), repo.dvcDir);
  const level: ConfigLevel = SECRET_OPTIONS.has(key) || opts.local ? 'local' : 'repo';
  const writes: RemoteConfigChange['writes'] = [];
  const f = files(repo);
  await updateConfigFile(f[level], (tree) => {
    const sec = sectionOf(tree, 'remote', name);
    if (opts.unset) delete sec[key];
    else sec[key] = value as string;
  });
  writes.push({ file: f[level], keys: [key] });
  if (level === 'local' && (opts.unset || SECRET_OPTIONS.has(key))) {
    // A secret (or an unset) must not survive in the committed file either.
    await updateConfigFile(f.repo, (tree) => {
      const sec = tree.named.remote?.[name];
      if (sec && key in sec) delete sec[key];
    });
  }
  return { remote: name, writes };
}

function removeFrom(tree: ConfigTree, name: string): boolean {
  let changed = false;
  if (tree.named.remote?.[name]) {
    delete tree.named.remote[name];
    changed = true;
  }
  if (tree.sections.core?.remote !== undefined && String(tree.sections.core.remote).toLowerCase() === name) {
    delete tree.sections.core.remote;
    changed = true;
  }
  return changed;
}

/** `remote remove`: deletes the remote from both config files, and `core.remote` if it named it. */
export async function remoteRemove(repo: Target, opts: { name: string }): Promise<RemoteConfigChange> {
  const name = checkName(opts.name);
  if (!(await inAnyFile(repo, name))) throw new LockstepError('CONFIG_ERROR', `Unknown remote "${name}"; nothing to remove.`, { remote: name });
  const writes: RemoteConfigChange['writes'] = [];
  for (const file of Object.values(files(repo))) {
    let changed = false;
    await updateConfigFile(file, (tree) => {
      changed = removeFrom(tree, name);
    });
    if (changed) writes.push({ file, keys: [`remote "${name}"`] });
  }
  return { remote: name, writes };
}

/** `remote default <name>` / `--unset`: sets or clears `core.remote`. */
export async function remoteDefault(repo: Target, opts: { name?: string; local?: boolean }): Promise<RemoteConfigChange> {
  const file = files(repo)[opts.local ? 'local' : 'repo'];
  let name = '';
  if (opts.name !== undefined) {
    name = checkName(opts.name);
    if (!(await inAnyFile(repo, name))) throw new LockstepError('CONFIG_ERROR', `Unknown remote "${name}"; add it first with \`lockstep remote add ${name} <url>\`.`, { remote: name });
  }
  await updateConfigFile(file, (tree) => {
    if (opts.name === undefined) delete sectionOf(tree, 'core').remote;
    else sectionOf(tree, 'core').remote = name;
  });
  return { remote: name, writes: [{ file, keys: ['core.remote'] }] };
}

/** One configured remote as listed (secrets masked). */
export interface RemoteListing {
  readonly name: string;
  readonly url: string;
  readonly isDefault: boolean;
  readonly options: Record<string, string>;
}

/** `remote list`: every configured remote with its (merged) options; secret values shown as `***`. */
export async function remoteList(repo: Target): Promise<RemoteListing[]> {
  const cfg = await loadRepoConfig(repo.dvcDir);
  const rawTree = cfg.tree.named.remote ?? {};
  return Object.keys(cfg.remotes).sort().map((name) => {
    const raw = rawTree[name] ?? {};
    const options: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) if (k !== 'url') options[k] = SECRET_OPTIONS.has(k) ? '***' : Array.isArray(v) ? v.join(',') : v;
    return { name, url: String(raw.url ?? cfg.remotes[name]?.url), isDefault: cfg.core.remote === name, options };
  });
}
