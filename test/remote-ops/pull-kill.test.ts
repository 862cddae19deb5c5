import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { collect, runCli, spawnCli } from '../helpers/cli.ts';
import { cloneRepo, makeDataRepo, setEndpoint, type RemoteSpec } from './repo-fixture.ts';
import { TEMP_NAME_RE } from '../../electron/core/cache/temp-file.ts';
import { useProxiedS3 } from '../helpers/proxied-s3.ts';

const FILES = 40;
const env = useProxiedS3();

/** Every object named in the cache's 3.x layout, with its mode and whether its bytes match its name. */
async function namedObjects(cacheDir: string): Promise<{ oid: string; mode: number; intact: boolean }[]> {
  const base = path.join(cacheDir, 'files', 'md5');
  const out: { oid: string; mode: number; intact: boolean }[] = [];
  for (const d of await readdir(base).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{2}$/.test(d)) continue;
    for (const f of await readdir(path.join(base, d))) {
      if (!/^[0-9a-f]{30}(\.dir)?$/.test(f)) continue;
      const abs = path.join(base, d, f);
      const md5 = createHash('md5').update(await readFile(abs)).digest('hex');
      out.push({ oid: d + f, mode: (await stat(abs)).mode & 0o777, intact: md5 === (d + f).slice(0, 32) });
    }
  }
  return out;
}

const isObjectGet = (r: { method: string; url: string }): boolean => r.method === 'GET' && r.url.includes('/files/md5/');

describe('a pull killed with SIGKILL mid-fetch', () => {
  it('leaves only complete, verified objects under their names, and the next pull fetches only the rest', async () => {
    const spec: RemoteSpec = { kind: 's3', endpoint: env.server.endpoint, bucket: env.server.bucket, prefix: 'pull-kill' };
    const src = await makeDataRepo(spec, FILES);
    const clone = await cloneRepo(src.git, spec, path.join(env.tmp.dir, 'clone'));
    try {
      const pushed = await runCli(['push', '--json'], { cwd: src.git.dir });
      expect(pushed.code, pushed.stderr).toBe(0);
      await setEndpoint(path.join(clone.dir, '.dvc'), env.proxy.endpoint);
      const cacheDir = path.join(clone.dir, '.dvc', 'cache');
      // A slow link and small flush batches: some batches are published, others are still in flight at the kill.
      env.proxy.addRule({ match: isObjectGet, fault: { kind: 'delay', ms: 150 }, times: Infinity });
      const child = spawnCli(['pull', '--json', '-j', '2'], { cwd: clone.dir, env: { LOCKSTEP_FETCH_BATCH: '4' } });
      const done = collect(child, 120_000);
      let published = 0;
      for (let i = 0; i < 1200 && published < 12; i++) {
        await sleep(25);
        published = (await namedObjects(cacheDir)).length;
      }
      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');

      const left = await namedObjects(cacheDir);
      expect(left.length).toBeGreaterThanOrEqual(12);
      expect(left.length).toBeLessThan(FILES + 2);
      for (const o of left) expect(o, o.oid).toMatchObject({ intact: true, mode: 0o444 });
      // The data folder was absent, so files were being written straight from verified downloads: whatever
      // is there under a real name is complete and byte-identical to the source (a kill mid-write leaves
      // only a temp name, which the rerun clears).
      const early = (await readdir(path.join(clone.dir, 'data')).catch(() => [] as string[])).filter((n) => !TEMP_NAME_RE.test(n));
      expect(early.length).toBeGreaterThan(0);
      for (const n of early) expect(await readFile(path.join(clone.dir, 'data', n), 'utf8'), n).toBe(await readFile(path.join(src.git.dir, 'data', n), 'utf8'));

      env.proxy.clearRules();
      env.proxy.requests.splice(0);
      const rerun = await runCli(['pull', '--json'], { cwd: clone.dir });
      expect(rerun.code, rerun.stderr).toBe(0);
      // Objects published before the kill were not downloaded again.
      expect(env.proxy.requests.filter(isObjectGet).length).toBeLessThanOrEqual(FILES + 2 - left.length);
      for (let i = 0; i < FILES; i++) {
        const rel = `data/part-${String(i).padStart(3, '0')}.csv`;
        expect(await readFile(path.join(clone.dir, rel), 'utf8')).toBe(await readFile(path.join(src.git.dir, rel), 'utf8'));
      }
      expect((await namedObjects(cacheDir)).every((o) => o.intact && o.mode === 0o444)).toBe(true);
      expect((await readdir(path.join(clone.dir, 'data'))).sort()).toEqual((await readdir(path.join(src.git.dir, 'data'))).sort());
      // Leftovers of the killed run are gone once their objects arrived.
      expect((await readdir(path.join(cacheDir, '.lockstep-partial'))).filter((n) => n.endsWith('.part'))).toEqual([]);
    } finally {
      await clone.cleanup();
      await src.git.cleanup();
    }
  });
});
