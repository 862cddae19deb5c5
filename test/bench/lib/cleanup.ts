// Last-resort cleanup: when the harness is interrupted (Ctrl-C, SIGTERM) or crashes, temp data (gigabytes)
// and child servers must not be left behind. Registered actions run synchronously, once.
import { rmSync } from 'node:fs';

const actions = new Map<number, () => void>();
let nextId = 1;
let installed = false;

/** Registers a synchronous cleanup action; returns a function that unregisters it (call it after normal cleanup). */
export function onAbnormalExit(action: () => void): () => void {
  install();
  const id = nextId++;
  actions.set(id, action);
  return () => actions.delete(id);
}

/** Registers removal of `dir` on abnormal exit. */
export function removeOnAbnormalExit(dir: string): () => void {
  return onAbnormalExit(() => rmSync(dir, { recursive: true, force: true }));
}

function runAll(): void {
  // Newest first: servers registered after their data dirs stop before the dirs go.
  for (const id of [...actions.keys()].reverse()) {
    const action = actions.get(id);
    actions.delete(id);
    try {
      action?.();
    } catch {
      // Keep going: the other actions still matter.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, removing temp data and stopping servers...\n`);
      runAll();
      process.exit(130);
    });
  }
  process.on('exit', runAll);
}
