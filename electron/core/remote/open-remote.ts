import os from 'node:os';
import { LockstepError } from '../errors/index.ts';
import { LocalRemote } from './local-remote.ts';
import { parseRemoteUrl } from './remote-url.ts';
import type { S3Tuning } from './s3-remote.ts';
import type { Remote } from './types.ts';

/** The part of the repository configuration remotes need (RepoConfig satisfies it). */
export interface RemotesConfig {
  readonly core: { readonly remote?: string };
  readonly remotes: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * Default number of objects transferred at once: DVC's own default, 4 per core (32 on an 8-core laptop, enough
 * to fill its link with small files). A fixed 16 was measured slower against a local single-threaded server on
 * 2 cores (push of 5,000 x 64 KiB: -j 8 faster than -j 16 in 3 of 3 alternating pairs, by 0.1-2.0 s).
 */
export const DEFAULT_JOBS = 4 * Math.max(1, os.availableParallelism());

/** Picks the remote to use: the named one, else `core.remote`; clear errors when neither works. */
export function resolveRemoteName(config: RemotesConfig, name?: string): string {
  const chosen = (name ?? config.core.remote)?.toLowerCase();
  const known = Object.keys(config.remotes);
  if (chosen === undefined || chosen === '') {
    throw new LockstepError('CONFIG_ERROR', known.length === 0
      ? 'No remote is configured. Add one with `lockstep remote add -d <name> <url>`.'
      : `No default remote is set. Pass -r <name> (configured: ${known.join(', ')}) or run \`lockstep remote default <name>\`.`, { remotes: known });
  }
  if (config.remotes[chosen] === undefined) {
    throw new LockstepError('CONFIG_ERROR', `Unknown remote "${chosen}". ${known.length === 0 ? 'No remotes are configured; add one with `lockstep remote add <name> <url>`.' : `Configured remotes: ${known.join(', ')}.`}`, { remote: chosen, remotes: known });
  }
  return chosen;
}

/** A remote's options with `remote://base/sub` URLs resolved onto their base (whose options they inherit). */
export function effectiveRemoteOptions(config: RemotesConfig, name: string, seen: Set<string> = new Set()): Record<string, unknown> {
  const own = config.remotes[name];
  if (own === undefined) throw new LockstepError('CONFIG_ERROR', `Unknown remote "${name}".`, { remote: name });
  const url = own.url;
  if (typeof url !== 'string' || url.trim() === '') {
    throw new LockstepError('CONFIG_ERROR', `Remote "${name}" has no url. Set one with \`lockstep remote modify ${name} url <url>\`.`, { remote: name });
  }
  const m = /^remote:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  if (m === null) return { ...own };
  const base = (m[1] as string).toLowerCase();
  if (seen.has(base) || base === name) throw new LockstepError('CONFIG_ERROR', `Remote "${name}" refers to itself through remote://${base}.`, { remote: name });
  seen.add(name);
  const baseOpts = effectiveRemoteOptions(config, base, seen);
  const sub = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  const baseUrl = String(baseOpts.url).replace(/\/+$/, '');
  return { ...baseOpts, ...own, url: sub === '' ? baseUrl : `${baseUrl}/${sub}` };
}

function envBytes(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new LockstepError('CONFIG_ERROR', `${name} must be a positive whole number of bytes, got "${v}".`, { env: name });
  return n;
}

/** S3 tuning overrides from LOCKSTEP_S3_MULTIPART_THRESHOLD / LOCKSTEP_S3_PART_SIZE (bytes). */
export function s3TuningFromEnv(): Partial<S3Tuning> {
  const t: { multipartThreshold?: number; partSize?: number } = {};
  if (process.env.LOCKSTEP_S3_MULTIPART_THRESHOLD) t.multipartThreshold = envBytes('LOCKSTEP_S3_MULTIPART_THRESHOLD', 0);
  if (process.env.LOCKSTEP_S3_PART_SIZE) t.partSize = envBytes('LOCKSTEP_S3_PART_SIZE', 0);
  return t;
}

/** An opened remote plus the concurrency its config asks for. */
export interface OpenedRemote {
  readonly remote: Remote;
  /** `jobs` from the remote's config, else DEFAULT_JOBS. */
  readonly jobs: number;
}

/**
 * Opens the remote `name` (or the default) from the merged config. `configDir` is the `.dvc` directory,
 * against which relative folder URLs resolve. Validates the URL and options before any network traffic, so
 * typos surface as CONFIG_ERROR naming the remote. The AWS SDK is loaded only when an S3 remote is opened,
 * so commands that never touch S3 do not pay for importing it.
 */
export async function openRemote(config: RemotesConfig, configDir: string, name?: string, tuning: Partial<S3Tuning> = {}): Promise<OpenedRemote> {
  const chosen = resolveRemoteName(config, name);
  const opts = effectiveRemoteOptions(config, chosen);
  const url = String(opts.url);
  const parsed = parseRemoteUrl(url, chosen, configDir);
  const jobsRaw = opts.jobs;
  let jobs = DEFAULT_JOBS;
  if (jobsRaw !== undefined) {
    jobs = Number(jobsRaw);
    if (!Number.isInteger(jobs) || jobs < 1) throw new LockstepError('CONFIG_ERROR', `Remote "${chosen}" has jobs = "${String(jobsRaw)}"; it must be a whole number of at least 1.`, { remote: chosen });
  }
  if (parsed.kind === 'local') {
    return { remote: new LocalRemote(chosen, `file://${parsed.root}`, parsed.root), jobs };
  }
  const [{ createS3Client }, { DEFAULT_S3_TUNING, S3Remote }] = await Promise.all([import('./s3-client.ts'), import('./s3-remote.ts')]);
  const s3 = createS3Client(chosen, opts, Math.max(jobs, 8) * 2);
  const identity = `${s3.endpoint ?? 's3:/'}/${parsed.bucket}${parsed.prefix === '' ? '' : `/${parsed.prefix}`}`;
  return { remote: new S3Remote(chosen, identity, parsed, s3, { ...DEFAULT_S3_TUNING, ...s3TuningFromEnv(), ...tuning }), jobs };
}
