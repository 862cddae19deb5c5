// What the benchmarks ran on, recorded with every run so a figure is never read without its machine.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { MachineInfo } from './lib/types.ts';
import { toolVersions } from './lib/peers.ts';

/** A snapshot of the machine, OS, Node and peer tool versions; `dataDir` is where benchmark data lives. */
export function collectMachineInfo(dataDir: string): MachineInfo {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    hostname: os.hostname(),
    cpuModel: cpus[0]?.model.trim() ?? readCpuModel(),
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    disk: describeDisk(dataDir),
    os: readOsName(),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverage: os.loadavg().map((x) => x.toFixed(2)).join(' '),
    tools: toolVersions(),
  };
}

function readCpuModel(): string {
  try {
    return /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function readOsName(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os.type();
  } catch {
    return `${os.type()} ${os.release()}`;
  }
}

// "ext4 on /dev/vda, 252G total, 80G free, SSD (non-rotational), model X": what decides I/O-bound figures.
function describeDisk(dir: string): string {
  const df = spawnSync('df', ['-PT', dir], { encoding: 'utf8' });
  const fields = df.stdout?.trim().split('\n')[1]?.split(/\s+/);
  if (!fields || fields.length < 7) return 'unknown';
  const [device, fstype, blocks, , avail] = fields;
  const gib = (k: string | undefined) => `${Math.round(Number(k) / 2 ** 20)} GiB`;
  const parts = [`${fstype} on ${device}`, `${gib(blocks)} total`, `${gib(avail)} free`];
  const base = device?.startsWith('/dev/') ? device.slice(5).replace(/p?\d+$/, '') : undefined;
  if (base) {
    const rot = readSys(`/sys/block/${base}/queue/rotational`);
    if (rot !== undefined) parts.push(rot === '0' ? 'non-rotational' : 'rotational');
    const model = readSys(`/sys/block/${base}/device/model`);
    if (model) parts.push(`model ${model}`);
    else if (base.startsWith('vd')) parts.push('virtio block device');
  }
  return parts.join(', ');
}

function readSys(p: string): string | undefined {
  try {
    return readFileSync(p, 'utf8').trim();
  } catch {
    return undefined;
  }
}
