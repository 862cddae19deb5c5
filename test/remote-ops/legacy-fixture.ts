import { createHash } from 'node:crypto';
import { appendFile, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fixture } from '../core/dvc/fixtures.ts';
import type { TestGitRepo } from '../helpers/git-repo.ts';

/** md5 hex of bytes. */
export function md5(bytes: string | Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}

/**
 * DVC 2.x's md5-dos2unix of a small file (dvc-format.md §3.2), written out independently of the engine: the
 * first 512 bytes decide text or binary (a NUL, or over 30% bytes outside printable ASCII + \n \r \t \f \b,
 * means binary); text has every CRLF turned into LF before hashing. Only for files up to 1 MiB, where the
 * 2.x and 3.x chunking rules agree.
 */
export function legacyMd5(bytes: Buffer): string {
  if (bytes.length > 1024 * 1024) throw new Error('legacyMd5 is only for files up to 1 MiB');
  const head = bytes.subarray(0, 512);
  const printable = (b: number): boolean => (b >= 0x20 && b <= 0x7e) || [0x0a, 0x0d, 0x09, 0x0c, 0x08].includes(b);
  const text = head.length === 0 || (!head.includes(0) && head.filter((b) => !printable(b)).length / head.length <= 0.3);
  return text ? md5(Buffer.from(bytes.toString('latin1').replaceAll('\r\n', '\n'), 'latin1')) : md5(bytes);
}

/** The key (relative to the remote root) DVC 2.x uses for a legacy object: `<oid[0:2]>/<oid[2:]>` (§6.1). */
export function legacyKey(oid: string): string {
  return `${oid.slice(0, 2)}/${oid.slice(2)}`;
}

/** Puts an object into the repo's legacy cache (`.dvc/cache/xx/yyyy`, read-only), as DVC 2.x did. */
async function cacheLegacy(repoDir: string, oid: string, bytes: Buffer): Promise<void> {
  const file = path.join(repoDir, '.dvc', 'cache', ...legacyKey(oid).split('/'));
  await mkdir(path.dirname(file), { recursive: true });
  if (await readFile(file).then(() => true, () => false)) return; // same oid, same bytes: already there
  await writeFile(file, bytes);
  await chmod(file, 0o444);
}

/** Adds `/<name>` to the .gitignore next to the output, as `dvc add` does (once). */
async function ignoreOutput(git: TestGitRepo, rel: string): Promise<void> {
  const dir = path.posix.dirname(rel);
  const file = git.abs(dir === '.' ? '.gitignore' : `${dir}/.gitignore`);
  const line = `/${path.posix.basename(rel)}`;
  const have = await readFile(file, 'utf8').catch(() => '');
  if (!have.split('\n').includes(line)) await appendFile(file, `${line}\n`);
}

/** A legacy output as DVC 2.x recorded it. */
export interface LegacyOutput {
  readonly path: string;
  readonly oid: string;
  /** Every object of the output: the file, or the `.dir` manifest plus its entries (oid -> raw bytes). */
  readonly objects: Map<string, Buffer>;
  /** The exact text of its `.dvc` file. */
  readonly pointer: string;
}

/**
 * Tracks one file the way DVC 2.x `dvc add` did: the data in the workspace, its raw bytes in the legacy
 * cache under its md5-dos2unix hash, and a pointer in the real 2.x shape (the example-get-started file
 * with this output's hash and name in it).
 */
export async function addLegacyFile(git: TestGitRepo, rel: string, content: string | Buffer): Promise<LegacyOutput> {
  const bytes = Buffer.from(content);
  const oid = legacyMd5(bytes);
  await git.write({ [rel]: bytes });
  await cacheLegacy(git.dir, oid, bytes);
  // The real DVC 1/2 `dvc add` pointer from iterative/example-get-started: `md5` + `path`, no `hash` key.
  const pointer = fixture('egs-85439cf-data.xml.dvc').replace(/md5: [0-9a-f]{32}/, `md5: ${oid}`).replace('path: data.xml', `path: ${path.posix.basename(rel)}`);
  if (!pointer.startsWith(`outs:\n- md5: ${oid}\n  path: `)) throw new Error(`unexpected 2.x fixture shape: ${pointer}`);
  await git.write({ [`${rel}.dvc`]: pointer });
  await ignoreOutput(git, rel);
  return { path: rel, oid, objects: new Map([[oid, bytes]]), pointer };
}

/**
 * Tracks a folder the way DVC 2.x did: each file hashed md5-dos2unix, the manifest in the legacy meta-less
 * form (`[{"md5": …, "relpath": …}, …]`, sorted, json.dumps spacing), stored as `<md5>.dir` next to the
 * files in the legacy cache, and a pointer with DVC 2.x's key order `md5, size, nfiles, path`.
 */
export async function addLegacyDir(git: TestGitRepo, rel: string, files: Record<string, string | Buffer>): Promise<LegacyOutput> {
  const objects = new Map<string, Buffer>();
  const entries: { relpath: string; md5: string }[] = [];
  let size = 0;
  for (const [name, content] of Object.entries(files)) {
    const bytes = Buffer.from(content);
    const oid = legacyMd5(bytes);
    await git.write({ [`${rel}/${name}`]: bytes });
    await cacheLegacy(git.dir, oid, bytes);
    objects.set(oid, bytes);
    entries.push({ relpath: name, md5: oid });
    size += bytes.length;
  }
  // Plain ASCII names only: code-point order is then the default string order, and nothing needs escaping.
  entries.sort((a, b) => (a.relpath < b.relpath ? -1 : a.relpath > b.relpath ? 1 : 0));
  const manifest = Buffer.from(`[${entries.map((e) => `{"md5": "${e.md5}", "relpath": "${e.relpath}"}`).join(', ')}]`);
  const oid = `${md5(manifest)}.dir`;
  await cacheLegacy(git.dir, oid, manifest);
  objects.set(oid, manifest);
  const pointer = `outs:\n- md5: ${oid}\n  size: ${size}\n  nfiles: ${entries.length}\n  path: ${path.posix.basename(rel)}\n`;
  await git.write({ [`${rel}.dvc`]: pointer });
  await ignoreOutput(git, rel);
  return { path: rel, oid, objects, pointer };
}
