/**
 * Runtime validation of every request's one argument object. The service validates at the boundary,
 * so a renderer bug (or a hostile page in browser mode) never reaches the engine with a malformed
 * value. Objects are strict: an unknown key is an error, not silently dropped.
 */
import { z } from 'zod';

/** A filesystem path chosen by the user; absolute or relative to the server's cwd. */
const fsPath = z.string().min(1).max(4096).refine((s) => !s.includes('\0'), 'path contains a NUL byte');

/** A repo-relative POSIX path; the engine's safe-path check still runs on it. */
export const relPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => !s.includes('\0') && !s.startsWith('/') && !/^[A-Za-z]:/.test(s), 'must be a path relative to the repository')
  .refine((s) => !s.split(/[\\/]/).includes('..'), 'must not contain ..');

const repoId = z.string().min(1).max(200);
const jobId = z.string().min(1).max(200);

/** A git revision the user picked: a commit oid, branch or tag. Never an option-looking string. */
const rev = z
  .string()
  .min(1)
  .max(256)
  .refine((s) => !s.startsWith('-') && !/[\s\0~^:?*[\\]/.test(s), 'is not a valid revision');

const linkType = z.enum(['reflink', 'hardlink', 'symlink', 'copy']);
const remoteName = z.string().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, dot, dash or underscore');

export const empty = z.strictObject({});
export const repoOnly = z.strictObject({ repoId });
export const pathInput = z.strictObject({ path: fsPath });

export const timelinePageInput = z.strictObject({
  repoId,
  offset: z.number().int().min(0).max(10_000_000),
  limit: z.number().int().min(1).max(1000),
  dataOnly: z.boolean().optional(),
  search: z.string().max(500).optional(),
});

export const commitDetailInput = z.strictObject({ repoId, oid: rev });
export const datasetHistoryInput = z.strictObject({ repoId, path: relPath });
export const datasetDiffInput = z.strictObject({ repoId, path: relPath, a: rev, b: rev, limit: z.number().int().min(1).max(100_000).optional() });
export const previewInput = z.strictObject({ repoId, path: relPath, rev: rev.optional() });

/**
 * Paths to track: repo-relative, or absolute (Electron drops). Absolute paths outside the repository are
 * copied into `destination` (a repo-relative folder, default the root) first.
 */
const dropPath = fsPath.refine((s) => /^([A-Za-z]:)?[\\/]/.test(s) || !s.split(/[\\/]/).includes('..'), 'a relative path must not contain ..');
export const trackInput = z.strictObject({
  repoId,
  paths: z.array(dropPath).min(1).max(10_000),
  destination: relPath.optional(),
  /**
   * A tracked folder the drop landed on: outside paths are copied into it, relative ones must already be
   * inside it (browser uploads), and the folder itself is tracked again as its next version.
   */
  into: relPath.optional(),
});
export const commitInput = z.strictObject({
  repoId,
  message: z.string().trim().min(1, 'write a commit message').max(10_000),
  push: z.boolean().optional(),
});
export const transferInput = z.strictObject({ repoId, remote: remoteName.optional(), targets: z.array(relPath).max(10_000).optional() });

export const restoreInput = z.strictObject({
  repoId,
  rev,
  dataOnly: z.boolean(),
  paths: z.array(relPath).max(10_000).optional(),
  /** What to do with unsaved work: refuse (default) or save it first so undo can bring it back. */
  onUnsaved: z.enum(['refuse', 'save']).optional(),
});

export const jobInput = z.strictObject({ jobId });

export const remoteInput = z.strictObject({
  repoId,
  remote: z.strictObject({
    name: remoteName,
    kind: z.enum(['s3', 'local']),
    url: z.string().min(1).max(4096),
    endpointUrl: z.url({ protocol: /^https?$/ }).optional(),
    region: z.string().max(100).optional(),
    profile: z.string().max(200).optional(),
    isDefault: z.boolean(),
  }).refine((r) => r.kind !== 's3' || /^s3:\/\/[^/\s]+/.test(r.url), { message: 'an S3 remote URL looks like s3://bucket/prefix', path: ['url'] }),
});
export const remoteNameInput = z.strictObject({ repoId, name: remoteName });

export const settingsInput = z.strictObject({
  repoId,
  linkTypes: z.array(linkType).min(1).max(4).optional(),
  defaultRemote: remoteName.nullable().optional(),
});
