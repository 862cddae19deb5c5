#!/usr/bin/env node
// The `lockstep` bin shim. Plain JavaScript: it runs the bundled CLI (out/cli, `npm run build:cli`) when
// that is up to date, and the TypeScript sources (Node >= 22.18 type stripping) otherwise.
import { enableCompileCache, loadRunCli } from './load-cli.mjs';

enableCompileCache();
const runCli = await loadRunCli();
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
