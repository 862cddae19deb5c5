import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { makeGitRepo, type TestGitRepo } from '../helpers/git-repo.ts';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.ts';

let server: S3rverHandle;
let repo: TestGitRepo;
// No ambient AWS credentials and no metadata-service probing: every test states its credentials.
const env: Record<string, string> = { AWS_EC2_METADATA_DISABLED: 'true', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_CONFIG_FILE: '/nonexistent/config', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' };

beforeAll(async () => {
  server = await startS3rver();
  repo = await makeGitRepo({ dvc: true });
});
afterAll(async () => {
  await server?.stop();
  await repo?.cleanup();
});

const cli = (...args: string[]) => runCli(args, { cwd: repo.dir, env });

// Each test spawns several CLI processes; on a loaded 2-core machine one spawn can take seconds.
describe('lockstep remote (CLI)', { timeout: 240_000 }, () => {
  it('adds, modifies and lists remotes in DVC format, secrets only in config.local', async () => {
    expect((await cli('remote', 'add', '-d', 'storage', `s3://${server.bucket}/team`)).code).toBe(0);
    expect((await cli('remote', 'modify', 'storage', 'endpointurl', server.endpoint)).code).toBe(0);
    const secret = await cli('remote', 'modify', 'storage', 'secret_access_key', 'S3RVER');
    expect(secret.code, secret.stderr).toBe(0);
    expect(secret.stdout).toContain('config.local');
    expect((await cli('remote', 'modify', 'storage', 'access_key_id', 'S3RVER')).code).toBe(0);
    expect(await readFile(path.join(repo.dir, '.dvc', 'config'), 'utf8')).toBe(
      `[core]\n    remote = storage\n['remote "storage"']\n    url = s3://${server.bucket}/team\n    endpointurl = ${server.endpoint}\n`,
    );
    expect(await readFile(path.join(repo.dir, '.dvc', 'config.local'), 'utf8')).toBe(`['remote "storage"']\n    secret_access_key = S3RVER\n    access_key_id = S3RVER\n`);
    const list = await cli('remote', 'list', '--json');
    expect(list.json()).toEqual([{ name: 'storage', url: `s3://${server.bucket}/team`, isDefault: true, options: { endpointurl: server.endpoint, secret_access_key: '***', access_key_id: '***' } }]);
    const folder = await cli('remote', 'add', 'backup', '../backup-store');
    expect(folder.code).toBe(0);
    // Relative folder URLs are stored relative to .dvc/, as `dvc remote add` does.
    expect(await readFile(path.join(repo.dir, '.dvc', 'config'), 'utf8')).toContain("['remote \"backup\"']\n    url = ../../backup-store\n");
  });

  it('tests a remote end to end', async () => {
    const res = await cli('remote', 'test', '--json');
    expect(res.code, res.stderr).toBe(0);
    expect(res.json<{ steps: { step: string }[] }>().steps.map((s) => s.step)).toEqual(['bucket', 'write', 'read', 'delete']);
    const folder = await cli('remote', 'test', 'backup');
    expect(folder.code, folder.stderr).toBe(0);
    expect(folder.stdout).toContain('works');
  });

  it('gives clear errors and exit codes for bad configuration', async () => {
    const unknown = await cli('push', '-r', 'nope');
    expect(unknown.code).toBe(9);
    expect(unknown.stderr).toMatch(/Unknown remote "nope".*storage, backup/);
    const malformed = await cli('remote', 'add', 'bad', 's3://Not_A_Bucket!/x');
    expect(malformed.code).toBe(9);
    expect(malformed.stderr).toContain('not a valid bucket name');
    const option = await cli('remote', 'modify', 'storage', 'endpoint_url', 'x');
    expect(option.code).toBe(9);
    expect(option.stderr).toContain('"endpoint_url" is not an option of S3 remotes');
    const dup = await cli('remote', 'add', 'storage', 's3://other/x');
    expect(dup.code).toBe(9);
    expect(dup.stderr).toContain('already exists');
    expect((await cli('push', '-j', 'lots')).code).toBe(2);
  });

  it('reports a missing bucket and missing credentials from remote test', async () => {
    expect((await cli('remote', 'add', 'nobucket', 's3://missing-bucket/x')).code).toBe(0);
    await cli('remote', 'modify', 'nobucket', 'endpointurl', server.endpoint);
    await cli('remote', 'modify', 'nobucket', 'access_key_id', 'S3RVER');
    await cli('remote', 'modify', 'nobucket', 'secret_access_key', 'S3RVER');
    const noBucket = await cli('remote', 'test', 'nobucket', '--json');
    expect(noBucket.code).toBe(10);
    expect(noBucket.json()).toMatchObject({ error: { code: 'REMOTE_NOT_FOUND', message: expect.stringContaining('bucket "missing-bucket"') } });

    expect((await cli('remote', 'add', 'nocreds', `s3://${server.bucket}/x`)).code).toBe(0);
    await cli('remote', 'modify', 'nocreds', 'endpointurl', server.endpoint);
    const noCreds = await cli('remote', 'test', 'nocreds');
    expect(noCreds.code).toBe(10);
    expect(noCreds.stderr).toContain('No AWS credentials found for remote "nocreds"');

    expect((await cli('remote', 'remove', 'nocreds')).code).toBe(0);
    expect(await readFile(path.join(repo.dir, '.dvc', 'config'), 'utf8')).not.toContain('nocreds');
  });
});
