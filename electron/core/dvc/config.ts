/**
 * The repository's DVC config (dvc-format.md §5): `.dvc/config` merged with `.dvc/config.local` (local wins,
 * per key), relative paths resolved against `.dvc/` (the directory of the file that sets them), and an
 * atomic read-modify-write helper. The INI dialect itself is in `config-ini.ts`.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import { LockstepError } from '../errors/index.ts';
import { readTextIfExists, writeFileAtomic } from './atomic-write.ts';
import { emptyConfig, parseConfig, serializeConfig } from './config-ini.ts';
import type { ConfigSection, ConfigTree, ConfigValue } from './config-ini.ts';

export { emptyConfig, parseConfig, serializeConfig, NAMED_KINDS } from './config-ini.ts';
export type { ConfigSection, ConfigTree, ConfigValue } from './config-ini.ts';

/** How the workspace copy of a cached file is made (dvc-format.md §4.3). */
export type LinkType = 'reflink' | 'hardlink' | 'symlink' | 'copy';
const LINK_TYPES: readonly LinkType[] = ['reflink', 'hardlink', 'symlink', 'copy'];
/** DVC's default `cache.type`. */
export const DEFAULT_LINK_TYPES: readonly LinkType[] = ['reflink', 'copy'];

/** A remote's options; `url` is absolute for local-path remotes. */
export type RemoteConfig = { url: string } & Record<string, ConfigValue>;

/** The merged repository config in the shape the engine uses. */
export interface RepoConfig {
  core: { remote?: string } & Record<string, ConfigValue | undefined>;
  cache: { dir?: string; type: LinkType[] } & Record<string, ConfigValue | LinkType[] | undefined>;
  remotes: Record<string, RemoteConfig>;
  /** The merged tree before path resolution (for display and for writing back). */
  tree: ConfigTree;
}

/** Remote options that hold local file paths and are therefore relative to the config file's directory. */
const REMOTE_PATH_KEYS = new Set(['credentialpath', 'configpath', 'keyfile', 'key_path', 'cert_path', 'gdrive_service_account_json_file_path', 'gdrive_user_credentials_file']);

/** Reads `<dvcDir>/config` and `<dvcDir>/config.local` (either may be missing) and merges them. */
export async function loadRepoConfig(dvcDir: string): Promise<RepoConfig> {
  const files = [path.join(dvcDir, 'config'), path.join(dvcDir, 'config.local')];
  const tree = emptyConfig();
  for (const file of files) {
    const text = await readTextIfExists(file);
    if (text !== null) mergeInto(tree, parseConfig(text, file));
  }
  return resolveConfig(tree, dvcDir, files[0] as string);
}

/** Merges `src` into `dest` key by key (DVC's recursive merge; later levels win). */
export function mergeInto(dest: ConfigTree, src: ConfigTree): void {
  for (const [name, keys] of Object.entries(src.sections)) Object.assign((dest.sections[name] ??= {}), keys);
  for (const [kind, byName] of Object.entries(src.named)) {
    const d = (dest.named[kind] ??= {});
    for (const [name, keys] of Object.entries(byName)) Object.assign((d[name] ??= {}), keys);
  }
}

/** Turns a merged tree into `RepoConfig`, resolving relative local paths against `dvcDir`. */
export function resolveConfig(tree: ConfigTree, dvcDir: string, file = path.join(dvcDir, 'config')): RepoConfig {
  const coreRaw = { ...(tree.sections.core ?? {}) };
  const core: RepoConfig['core'] = { ...coreRaw };
  if (typeof coreRaw.remote === 'string') core.remote = coreRaw.remote.toLowerCase();
  const cacheRaw = tree.sections.cache ?? {};
  const cache: RepoConfig['cache'] = { ...cacheRaw, type: parseLinkTypes(cacheRaw.type, file) };
  delete cache.dir;
  if (typeof cacheRaw.dir === 'string' && cacheRaw.dir !== '') cache.dir = resolveLocal(cacheRaw.dir, dvcDir);
  const remotes: Record<string, RemoteConfig> = {};
  for (const [name, opts] of Object.entries(tree.named.remote ?? {})) {
    const url = opts.url;
    if (typeof url !== 'string' || url === '') {
      throw new LockstepError('CONFIG_ERROR', `${file}: remote "${name}" has no url. Set one with \`lockstep remote modify ${name} url <url>\` or remove the remote.`, { file, remote: name });
    }
    const r: RemoteConfig = { ...opts, url: isLocalUrl(url) ? resolveLocal(url, dvcDir) : url };
    for (const k of Object.keys(opts)) {
      const v = opts[k];
      if (REMOTE_PATH_KEYS.has(k) && typeof v === 'string' && v !== '') r[k] = resolveLocal(v, dvcDir);
    }
    remotes[name] = r;
  }
  return { core, cache, remotes, tree };
}

function parseLinkTypes(v: ConfigValue | undefined, file: string): LinkType[] {
  if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) return [...DEFAULT_LINK_TYPES];
  const items = (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  for (const t of items) {
    if (!(LINK_TYPES as readonly string[]).includes(t)) {
      throw new LockstepError('CONFIG_ERROR', `${file}: cache.type has an unknown link type "${t}" (allowed: ${LINK_TYPES.join(', ')}).`, { file, value: t });
    }
  }
  return items as LinkType[];
}

/** True for a remote URL that names a local path: no `scheme://` (a Windows drive letter is local too). */
export function isLocalUrl(url: string): boolean {
  if (/^[A-Za-z]:[\\/]/.test(url)) return true;
  return !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url);
}

/** Resolves a local path from the config against the config file's directory; `~` is the home directory. */
export function resolveLocal(p: string, dvcDir: string): string {
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) return path.join(homedir(), p.slice(1));
  if (path.isAbsolute(p) || /^[A-Za-z]:[\\/]/.test(p)) return p;
  return path.resolve(dvcDir, p);
}

/** A path to store in the config for `abs`: relative to `dvcDir`, forward slashes (as DVC writes it). */
export function toConfigPath(abs: string, dvcDir: string): string {
  return path.relative(dvcDir, abs).split(path.sep).join('/');
}

/**
 * Reads `file` (missing = empty), lets `mutate` change the tree, and writes it back atomically in DVC's
 * format (comments are dropped, as DVC drops them). Returns the written tree.
 */
export async function updateConfigFile(file: string, mutate: (tree: ConfigTree) => void | Promise<void>): Promise<ConfigTree> {
  const text = await readTextIfExists(file);
  const tree = text === null ? emptyConfig() : parseConfig(text, file);
  await mutate(tree);
  const newline = text?.includes('\r\n') ? '\r\n' : '\n';
  await writeFileAtomic(file, serializeConfig(tree, newline));
  return tree;
}

/** Returns (creating it) the section `name` of `tree`, or the named section when `sub` is given. */
export function sectionOf(tree: ConfigTree, name: string, sub?: string): ConfigSection {
  if (sub === undefined) return (tree.sections[name.toLowerCase()] ??= {});
  const byName = (tree.named[name.toLowerCase()] ??= {});
  return (byName[sub.toLowerCase()] ??= {});
}
