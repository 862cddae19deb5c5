// The peer tools benchmarks compare against: how to find them, their versions, and how to install them.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Every tool a benchmark runs side by side with Lockstep. */
export type PeerId = 'md5sum' | 'xargs' | 'git' | 'git-lfs' | 'rclone' | 'chromium' | 'time';

interface PeerSpec {
  readonly cmd: string;
  readonly versionArgs: readonly string[];
  readonly install: string;
}

const PEERS: Record<PeerId, PeerSpec> = {
  md5sum: { cmd: 'md5sum', versionArgs: ['--version'], install: 'apt-get install -y coreutils' },
  xargs: { cmd: 'xargs', versionArgs: ['--version'], install: 'apt-get install -y findutils' },
  git: { cmd: 'git', versionArgs: ['--version'], install: 'apt-get install -y git' },
  'git-lfs': { cmd: 'git-lfs', versionArgs: ['version'], install: 'apt-get install -y git-lfs' },
  rclone: { cmd: 'rclone', versionArgs: ['version'], install: 'apt-get install -y rclone' },
  chromium: { cmd: '/usr/bin/chromium', versionArgs: ['--version'], install: 'apt-get install -y chromium' },
  time: { cmd: '/usr/bin/time', versionArgs: ['--version'], install: 'apt-get install -y time' },
};

const cache = new Map<PeerId, string | null>();

/** The tool's version line, or null when it is not installed (or does not run). */
export function peerVersion(id: PeerId): string | null {
  if (cache.has(id)) return cache.get(id)!;
  const spec = PEERS[id];
  const r = spawnSync(spec.cmd, [...spec.versionArgs], { encoding: 'utf8', timeout: 30_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  // GNU time prints its version on stderr and exits 0; chromium may print warnings before the version.
  const line = r.error || r.status !== 0 ? null : (out.split('\n').find((l) => /\d+\.\d+/.test(l)) ?? out.split('\n')[0] ?? '').trim();
  cache.set(id, line);
  return line;
}

/** The apt command that installs a missing peer, for the message the harness prints. */
export function installHint(id: PeerId): string {
  return PEERS[id].install;
}

/** Versions of every peer plus the npm-installed s3rver, for the machine section of the report. */
export function toolVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of Object.keys(PEERS) as PeerId[]) out[id] = peerVersion(id) ?? 'missing';
  out.s3rver = npmVersion('s3rver');
  out['playwright-core'] = npmVersion('playwright-core');
  return out;
}

function npmVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    const pkg = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'missing';
  }
}
