#!/usr/bin/env node
// Entry point: `node electron/cli/main.ts <command> ...`. All logic lives in run-cli.ts so tests and
// other front ends can run the CLI in-process.
import { runCli } from './run-cli.ts';

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
