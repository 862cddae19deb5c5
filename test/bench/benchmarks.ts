// Every benchmark, in the order a full run executes them. Benchmarks sharing a fixture sit next to each
// other so the shared data (a 2 GiB file, a server with 5,000 objects) is freed as early as possible.
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
export const benchmarks: readonly Benchmark[] = [hash, addLarge, add, status, remoteLarge, remoteSmall, remoteStatus, timeline, history, ui];
