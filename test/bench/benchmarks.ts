// Every benchmark, in the order a full run executes them. Benchmarks sharing a fixture sit next to each
// other so the shared data (a 2 GiB file, a server with 5,000 objects) is freed as early as possible. The
// remote ones come before add and status: those delete 100,000+ files at the end, and on ext4 without a
// journal creating files stays slow for minutes after mass deletes, which the remote ones do by the thousand.
import type { Benchmark } from './lib/benchmark.ts';
import { benchmark as hash } from './bench-hash.ts';
import { benchmark as addLarge } from './bench-add-large.ts';
import { benchmark as add } from './bench-add.ts';
import { benchmark as status } from './bench-status.ts';
import { benchmark as remoteLarge } from './bench-remote-large.ts';
import { benchmark as remoteSmall } from './bench-remote-small.ts';
import { benchmark as remoteStatus } from './bench-remote-status.ts';
import { benchmark as timeline } from './bench-timeline.ts';
import { benchmark as history } from './bench-history.ts';
import { benchmark as ui } from './bench-ui.ts';

/** The registry run.ts selects from. */
export const benchmarks: readonly Benchmark[] = [hash, addLarge, remoteLarge, remoteSmall, remoteStatus, add, status, timeline, history, ui];
