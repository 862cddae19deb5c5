// `npm start`: build, then launch Electron on out/main/main.cjs. Electron's binary is fetched by the
// electron package on first use; machines without network access to GitHub (like CI here) cannot run
// this step; use browser mode there: `npm run lockstep -- ui`.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildElectron, buildRenderer } from './build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
await buildRenderer();
await buildElectron();
const require = createRequire(import.meta.url);
let electronBin;
try {
  electronBin = require('electron');
} catch (err) {
  console.error(`Cannot start Electron: ${err.message}\nThe Electron binary is downloaded on first use; check network access, or run browser mode: npm run lockstep -- ui`);
  process.exit(1);
}
const child = spawn(electronBin, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
