#!/usr/bin/env node
// Entry point: `node electron/cli/main.ts <command> ...`. All logic lives in run-cli.ts so tests and
// other front ends can run the CLI in-process. Like the bin shim (lockstep.mjs), it runs the bundled
// CLI when `npm run build:cli` has built an up-to-date one: starting from the bundle skips type
// stripping and resolving hundreds of source modules.
import { enableCompileCache, loadRunCli } from './load-cli.mjs';

enableCompileCache();
const runCli = await loadRunCli();
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
