import path from 'node:path';
import { homedir } from 'node:os';
import { LockstepError } from '../errors/index.ts';

/** A remote URL broken into the parts the implementations need. */
export type ParsedRemoteUrl =
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string }
  | { readonly kind: 'local'; readonly root: string };

// S3 bucket names: 3-63 chars of lower-case letters, digits, dots and hyphens (we stay lenient on dots).
const BUCKET_RE = /^[a-z0-9][a-z0-9.\-_]{1,61}[a-z0-9]$/;

/**
 * Parses a remote `url` as DVC does (dvc-format.md §5.4): `s3://bucket[/prefix]` is S3; a URL with no
 * scheme (absolute, relative, `~`) is a local folder, relative paths resolved against `configDir` (the
 * `.dvc/` directory holding the config). Other schemes are reported as unsupported rather than guessed at.
 */
export function parseRemoteUrl(url: string, remoteName: string, configDir: string): ParsedRemoteUrl {
  const trimmed = url.trim();
  if (trimmed === '') {
    throw new LockstepError('CONFIG_ERROR', `Remote "${remoteName}" has an empty url. Set one with \`lockstep remote modify ${remoteName} url <url>\`.`, { remote: remoteName });
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 's3') {
    const rest = trimmed.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const prefix = (slash === -1 ? '' : rest.slice(slash + 1)).split('/').filter((s) => s !== '').join('/');
    if (!BUCKET_RE.test(bucket)) {
      throw new LockstepError('CONFIG_ERROR', `Remote "${remoteName}" has a malformed S3 url "${url}": "${bucket}" is not a valid bucket name. Use s3://<bucket>/<optional/prefix>.`, { remote: remoteName, url });
    }
    if (prefix.split('/').some((s) => s === '..' || s === '.')) {
      throw new LockstepError('CONFIG_ERROR', `Remote "${remoteName}" has a malformed S3 url "${url}": the prefix may not contain "." or ".." segments.`, { remote: remoteName, url });
    }
    return { kind: 's3', bucket, prefix };
  }
  if (scheme !== undefined && !/^[a-zA-Z]$/.test(scheme)) {
    throw new LockstepError('CONFIG_ERROR', `Remote "${remoteName}" uses "${scheme}://", which Lockstep does not support yet. Supported: s3://bucket/prefix and local folders.`, { remote: remoteName, url });
  }
  if (/^[a-z]+:\/[^/]/i.test(trimmed) && !/^[a-zA-Z]:/.test(trimmed)) {
    throw new LockstepError('CONFIG_ERROR', `Remote "${remoteName}" has a malformed url "${url}". Use s3://<bucket>/<prefix> or a folder path.`, { remote: remoteName, url });
  }
  let p = trimmed;
  if (p === '~' || p.startsWith('~/')) p = path.join(homedir(), p.slice(1));
  return { kind: 'local', root: path.resolve(configDir, p) };
}
