import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createS3Client } from '../../../electron/core/remote/s3-client.ts';
import { makeTempDir } from '../../helpers/tmp.ts';

const VARS = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'] as const;
let saved: Partial<Record<(typeof VARS)[number], string>>;
let tmp: { dir: string; cleanup: () => Promise<void> };
let n = 0;

beforeEach(async () => {
  saved = {};
  for (const v of VARS) {
    saved[v] = process.env[v];
    delete process.env[v];
  }
  tmp = await makeTempDir();
  // No credentials file anywhere near: only the config file below is read.
  process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(tmp.dir, 'no-credentials');
});
afterEach(async () => {
  for (const v of VARS) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
  await tmp.cleanup();
});

/** Writes a fresh AWS config file (a new name each time: the SDK caches files by path) and points AWS_CONFIG_FILE at it. */
async function awsConfig(text: string): Promise<void> {
  const file = path.join(tmp.dir, `config-${n++}`);
  await writeFile(file, text);
  process.env.AWS_CONFIG_FILE = file;
}

async function regionOf(opts: Record<string, string>): Promise<string> {
  const b = createS3Client('r', { url: 's3://bucket/prefix', ...opts }, 4);
  try {
    return await b.client.config.region();
  } finally {
    b.close();
  }
}

describe('the region an S3 remote signs for', () => {
  it("is the remote's profile region when nothing else names one, as boto3 gives DVC", async () => {
    await awsConfig('[default]\nregion = ap-south-1\n\n[profile team]\nregion = eu-west-3\n');
    expect(await regionOf({ profile: 'team' })).toBe('eu-west-3');
    // Without a profile on the remote: AWS_PROFILE's, else the default profile's.
    expect(await regionOf({})).toBe('ap-south-1');
    process.env.AWS_PROFILE = 'team';
    expect(await regionOf({})).toBe('eu-west-3');
  });

  it("gives way to the remote's region option and the environment, and falls back to us-east-1", async () => {
    await awsConfig('[profile team]\nregion = eu-west-3\n');
    expect(await regionOf({ profile: 'team', region: 'ca-central-1' })).toBe('ca-central-1');
    process.env.AWS_DEFAULT_REGION = 'sa-east-1';
    expect(await regionOf({ profile: 'team' })).toBe('sa-east-1');
    process.env.AWS_REGION = 'us-west-2';
    expect(await regionOf({ profile: 'team' })).toBe('us-west-2');
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    await awsConfig('[profile team]\noutput = json\n');
    expect(await regionOf({ profile: 'team' })).toBe('us-east-1');
    expect(await regionOf({ profile: 'nobody' })).toBe('us-east-1');
  });
});
